// The event recorder against the real API-server simulator.
#include "operator/controller/event_recorder.h"

#include <gtest/gtest.h>

#include "operator/informer/simulator_test_util.h"

namespace fedra::op::controller {
namespace {

TEST(EventRecorderTest, CreatesAndAggregatesEvents) {
  if (!op::testing::SimulatorAvailable())
    GTEST_SKIP() << op::testing::SimulatorBinary() << " not built";
  op::testing::SimulatorProcess sim;
  ASSERT_TRUE(sim.Start().ok());
  std::unique_ptr<kube::Client> client;
  ASSERT_TRUE(sim.NewClient(&client).ok());
  nlohmann::json cm = {{"apiVersion", "v1"},
                       {"kind", "ConfigMap"},
                       {"metadata", {{"name", "cfg"}, {"namespace", "default"}}}};
  nlohmann::json created;
  ASSERT_TRUE(client->Create(kube::gvr::ConfigMaps(), "default", cm, &created).ok());

  EventRecorderOptions o;
  o.instance = "test-host";
  EventRecorder rec(client.get(), o);
  for (int i = 0; i < 3; ++i) rec.Event(created, "Warning", "CompileFailed", "3:14: unexpected }");
  rec.Event(created, "Normal", "Propagated", "revision abc on 3 clusters");
  ASSERT_TRUE(rec.Flush(std::chrono::seconds(10)));
  EventRecorderStats st = rec.stats();
  EXPECT_EQ(st.created, 2u) << st.last_error;
  EXPECT_EQ(st.aggregated, 2u) << st.last_error;
  EXPECT_EQ(st.errors, 0u) << st.last_error;

  nlohmann::json list;
  ASSERT_TRUE(client->List(kube::gvr::Events(), "default", {}, &list).ok());
  int warnings = 0;
  for (const auto& ev : list["items"]) {
    EXPECT_EQ(ev["involvedObject"]["name"], "cfg");
    EXPECT_EQ(ev["involvedObject"]["uid"], created["metadata"]["uid"]);
    EXPECT_EQ(ev["source"]["component"], "fedra-operator");
    if (ev["reason"] == "CompileFailed") {
      ++warnings;
      EXPECT_EQ(ev["count"], 3);
      EXPECT_EQ(ev["type"], "Warning");
    } else {
      EXPECT_EQ(ev["count"], 1);
    }
  }
  EXPECT_EQ(warnings, 1);
  EXPECT_EQ(list["items"].size(), 2u);
}

TEST(EventRecorderTest, FailuresAreCountedAndDropsAreBounded) {
  kube::RestConfig rc;
  rc.server = "http://127.0.0.1:" + std::to_string(op::testing::FreeLoopbackPort());
  rc.max_retries = 0;
  std::unique_ptr<kube::Client> client;
  ASSERT_TRUE(kube::Client::Create(rc, &client).ok());
  EventRecorderOptions o;
  o.max_queue = 2;
  EventRecorder rec(client.get(), o);
  nlohmann::json obj = {{"kind", "Pod"}, {"metadata", {{"name", "p"}, {"namespace", "ns"}}}};
  for (int i = 0; i < 50; ++i) rec.Event(obj, "Normal", "R", "m" + std::to_string(i));
  ASSERT_TRUE(rec.Flush(std::chrono::seconds(20)));
  EventRecorderStats st = rec.stats();
  EXPECT_GT(st.errors, 0u);
  EXPECT_GT(st.dropped, 0u);
  EXPECT_EQ(st.errors + st.dropped, 50u);
  EXPECT_NE(st.last_error.find("event for p"), std::string::npos) << st.last_error;
  rec.Stop();
  rec.Event(obj, "Normal", "R", "after stop");
  EXPECT_EQ(rec.stats().dropped, st.dropped + 1);
}

}  // namespace
}  // namespace fedra::op::controller
