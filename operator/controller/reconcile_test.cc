#include "operator/controller/reconcile.h"

#include <gtest/gtest.h>

namespace fedra::op::controller {
namespace {

using std::chrono::milliseconds;

TEST(KeyTest, EncodesAndDecodesEveryShape) {
  for (const Key& k : {Key{"", "ns", "a"}, Key{"", "", "cluster-scoped"}, Key{"edge-1", "ns", "b"},
                       Key{"edge-1", "", "c"}}) {
    Key back;
    ASSERT_TRUE(Key::Decode(k.Encode(), &back)) << k.Encode();
    EXPECT_EQ(back, k);
  }
  EXPECT_EQ((Key{"", "ns", "a"}).ToString(), "ns/a");
  EXPECT_EQ((Key{"hub", "", "a"}).ToString(), "hub:a");
}

TEST(KeyTest, RejectsMalformedItems) {
  Key k{"keep", "me", "intact"};
  for (const char* bad : {"", "a", "a/b", "a/b/c/d", "//", "a/b/"}) {
    EXPECT_FALSE(Key::Decode(bad, &k)) << bad;
  }
  EXPECT_EQ(k, (Key{"keep", "me", "intact"}));
}

TEST(ActionForTest, MapsEveryOutcome) {
  QueueAction a = ActionFor(Result::Done());
  EXPECT_EQ(a.outcome, Outcome::kSuccess);
  EXPECT_TRUE(a.forget);
  EXPECT_FALSE(a.rate_limited);
  EXPECT_EQ(a.add_after, milliseconds(0));

  a = ActionFor(Result::RequeueAfter(milliseconds(250)));
  EXPECT_EQ(a.outcome, Outcome::kRequeueAfter);
  EXPECT_TRUE(a.forget);
  EXPECT_FALSE(a.rate_limited);
  EXPECT_EQ(a.add_after, milliseconds(250));

  a = ActionFor(Result::Requeue());
  EXPECT_EQ(a.outcome, Outcome::kRequeue);
  EXPECT_FALSE(a.forget);
  EXPECT_TRUE(a.rate_limited);

  a = ActionFor(Result::Error(Status::Internal("boom")));
  EXPECT_EQ(a.outcome, Outcome::kError);
  EXPECT_FALSE(a.forget);
  EXPECT_TRUE(a.rate_limited);
  EXPECT_EQ(a.add_after, milliseconds(0));

  a = ActionFor(Result::Terminal(Status::InvalidArgument("bad spec")));
  EXPECT_EQ(a.outcome, Outcome::kTerminalError);
  EXPECT_TRUE(a.forget);
  EXPECT_FALSE(a.rate_limited);
}

TEST(ActionForTest, ErrorWinsOverRequeueAndAnErrorIsNeverOk) {
  Result r = Result::Error(Status::OK());  // a careless reconciler
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(ActionFor(r).outcome, Outcome::kError);
}

TEST(ActionForTest, ZeroOrNegativeRequeueAfterIsSuccess) {
  EXPECT_EQ(ActionFor(Result::RequeueAfter(milliseconds(0))).outcome, Outcome::kSuccess);
  EXPECT_EQ(ActionFor(Result::RequeueAfter(milliseconds(-3))).outcome, Outcome::kSuccess);
}

}  // namespace
}  // namespace fedra::op::controller
