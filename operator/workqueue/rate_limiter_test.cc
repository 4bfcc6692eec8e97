#include "operator/workqueue/rate_limiter.h"

#include <gtest/gtest.h>

#include <chrono>

namespace fedra::op::workqueue {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ItemExponentialLimiterTest, DoublesPerFailureUpToTheCap) {
  ItemExponentialLimiter l(milliseconds(5), seconds(1000));
  EXPECT_EQ(l.When("a"), milliseconds(5));
  EXPECT_EQ(l.When("a"), milliseconds(10));
  EXPECT_EQ(l.When("a"), milliseconds(20));
  EXPECT_EQ(l.When("a"), milliseconds(40));
  EXPECT_EQ(l.When("b"), milliseconds(5)) << "per item";
  EXPECT_EQ(l.NumRequeues("a"), 4);
  for (int i = 0; i < 200; ++i) l.When("a");  // far past 2^62: no overflow
  EXPECT_EQ(l.When("a"), seconds(1000));
  l.Forget("a");
  EXPECT_EQ(l.NumRequeues("a"), 0);
  EXPECT_EQ(l.When("a"), milliseconds(5));
}

TEST(ItemExponentialLimiterTest, ReachesTheCapAtTheRightStep) {
  ItemExponentialLimiter l(milliseconds(5), seconds(1000));
  // 5 ms * 2^17 = 655 s < 1000 s; 2^18 -> 1310 s, capped.
  for (int i = 0; i < 17; ++i) l.When("a");
  EXPECT_EQ(l.When("a"), milliseconds(5) * (1 << 17));
  EXPECT_EQ(l.When("a"), seconds(1000));
}

struct FakeClock {
  Clock::time_point now = Clock::time_point() + seconds(100);
  NowFn Fn() {
    return [this] { return now; };
  }
};

TEST(BucketLimiterTest, BurstThenQps) {
  FakeClock clock;
  BucketLimiter l(10, 100, clock.Fn());
  for (int i = 0; i < 100; ++i) ASSERT_EQ(l.When("x"), Duration(0)) << i;
  EXPECT_EQ(l.When("x"), milliseconds(100));
  EXPECT_EQ(l.When("y"), milliseconds(200)) << "one bucket for all items";
  clock.now += seconds(1);  // +10 tokens: back to 8 spare
  for (int i = 0; i < 8; ++i) ASSERT_EQ(l.When("x"), Duration(0)) << i;
  EXPECT_EQ(l.When("x"), milliseconds(100));
  clock.now += seconds(1000);  // refill never exceeds the burst
  for (int i = 0; i < 100; ++i) ASSERT_EQ(l.When("x"), Duration(0)) << i;
  EXPECT_GT(l.When("x"), Duration(0));
}

TEST(MaxOfLimiterTest, DefaultTakesTheLongerWait) {
  FakeClock clock;
  DefaultLimiterOptions o;
  o.now = clock.Fn();
  auto l = DefaultControllerRateLimiter(o);
  // Per-item backoff dominates for one item...
  EXPECT_EQ(l->When("a"), milliseconds(5));
  EXPECT_EQ(l->When("a"), milliseconds(10));
  EXPECT_EQ(l->NumRequeues("a"), 2);
  // ...the bucket once many distinct items fail at once.
  for (int i = 0; i < 98; ++i) l->When("item" + std::to_string(i));
  EXPECT_EQ(l->When("fresh"), milliseconds(100));
  l->Forget("a");
  EXPECT_EQ(l->NumRequeues("a"), 0);
}

}  // namespace
}  // namespace fedra::op::workqueue
