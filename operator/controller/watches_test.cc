#include "operator/controller/watches.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "operator/informer/fake_source_test_util.h"

namespace fedra::op::controller {
namespace {

using informer::testing::FakeSource;
using informer::testing::Pod;
using std::chrono::milliseconds;

template <typename Cond>
bool Eventually(Cond cond) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return cond();
}

TEST(KeyForObjectTest, TakesNamespaceAndName) {
  EXPECT_EQ(KeyForObject(Pod("ns", "a"), "edge"), (Key{"edge", "ns", "a"}));
  EXPECT_EQ(KeyForObject(nlohmann::json{{"metadata", {{"name", "n"}}}}), (Key{"", "", "n"}));
  EXPECT_EQ(KeyForObject(nlohmann::json::array()), (Key{"", "", ""}));
}

// An informer feeding a controller: the reconciler reads the store by key
// and records the last state it saw per key; after a burst of changes it
// has seen the final state of every object, deletions included.
TEST(WatchesTest, InformerEventsDriveReconcilesToTheFinalState) {
  FakeSource src;
  for (int i = 0; i < 5; ++i) src.Put(Pod("ns", "p" + std::to_string(i), "v0"));
  informer::InformerOptions io;
  io.backoff_initial = milliseconds(1);
  informer::Informer inf(src.NewListerWatcher(), io);
  std::mutex mu;
  std::map<std::string, std::string> seen;  // key -> data, or "<gone>"
  ControllerOptions co;
  co.workers = 3;
  Controller c(std::move(co), [&](const Key& k) {
    informer::ObjectPtr obj = inf.store().Get(k.namespace_name, k.name);
    std::lock_guard<std::mutex> lock(mu);
    seen[k.ToString()] = obj ? (*obj)["data"].get<std::string>() : "<gone>";
    return Result::Done();
  });
  inf.AddEventHandler(EnqueueObject(&c, "hub"));
  ASSERT_TRUE(c.Start().ok());
  ASSERT_TRUE(inf.Start().ok());
  ASSERT_TRUE(inf.WaitForSync(std::chrono::seconds(10)));
  for (int round = 1; round <= 20; ++round) {
    for (int i = 0; i < 5; ++i)
      src.Put(Pod("ns", "p" + std::to_string(i), "v" + std::to_string(round)));
  }
  src.Delete("ns/p4");
  auto want = [&] {
    std::lock_guard<std::mutex> lock(mu);
    for (int i = 0; i < 4; ++i) {
      if (seen["hub:ns/p" + std::to_string(i)] != "v20") return false;
    }
    return seen["hub:ns/p4"] == "<gone>";
  };
  EXPECT_TRUE(Eventually(want));
  inf.Stop();
  c.Stop();
}

TEST(WatchesTest, MappedHandlersEnqueueOldAndNewOwners) {
  FakeSource src;
  nlohmann::json o = Pod("ns", "a");
  o["metadata"]["labels"] = {{"owner", "x"}};
  src.Put(o);
  informer::InformerOptions io;
  informer::Informer inf(src.NewListerWatcher(), io);
  std::mutex mu;
  std::vector<std::string> reconciled;
  Controller c(ControllerOptions{}, [&](const Key& k) {
    std::lock_guard<std::mutex> lock(mu);
    reconciled.push_back(k.name);
    return Result::Done();
  });
  inf.AddEventHandler(EnqueueMapped(&c, [](const nlohmann::json& obj) {
    return std::vector<Key>{
        Key{"", "", "owner-" + obj["metadata"]["labels"]["owner"].get<std::string>()}};
  }));
  ASSERT_TRUE(c.Start().ok());
  ASSERT_TRUE(inf.Start().ok());
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard<std::mutex> lock(mu);
    return reconciled.size() == 1;
  }));
  o["metadata"]["labels"]["owner"] = "y";
  src.Put(o);
  auto has_both = [&] {
    std::lock_guard<std::mutex> lock(mu);
    bool x = false, y = false;
    for (size_t i = 1; i < reconciled.size(); ++i) {
      x |= reconciled[i] == "owner-x";
      y |= reconciled[i] == "owner-y";
    }
    return x && y;
  };
  EXPECT_TRUE(Eventually(has_both));
  inf.Stop();
  c.Stop();
}

}  // namespace
}  // namespace fedra::op::controller
