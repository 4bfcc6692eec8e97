// The reflector and informer logic against an in-memory source
// (fake_source_test_util.h). The same behaviours against the real
// API-server simulator are in informer_apiserver_test.cc.
#include "operator/informer/informer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "operator/informer/fake_source_test_util.h"

namespace fedra::op::informer {
namespace {

using std::chrono::milliseconds;
using testing::FakeSource;
using testing::Pod;

constexpr auto kPatience = std::chrono::seconds(10);

template <typename Cond>
bool Eventually(Cond cond) {
  auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return cond();
}

// Records handler calls as "add ns/a 101 list", "update ns/a 101->102",
// "delete ns/a 102 tombstone".
class Recorder {
 public:
  EventHandler Handler() {
    EventHandler h;
    h.on_add = [this](const ObjectPtr& o, bool list) {
      Log("add " + KeyOf(*o) + " " + ResourceVersionOf(*o) + (list ? " list" : ""));
    };
    h.on_update = [this](const ObjectPtr& a, const ObjectPtr& b) {
      Log("update " + KeyOf(*b) + " " + ResourceVersionOf(*a) + "->" + ResourceVersionOf(*b));
    };
    h.on_delete = [this](const ObjectPtr& o, bool unknown) {
      Log("delete " + KeyOf(*o) + " " + ResourceVersionOf(*o) + (unknown ? " tombstone" : ""));
    };
    return h;
  }
  std::vector<std::string> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::move(log_);
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mu_);
    return log_.size();
  }

 private:
  void Log(std::string s) {
    std::lock_guard<std::mutex> lock(mu_);
    log_.push_back(std::move(s));
  }
  std::mutex mu_;
  std::vector<std::string> log_;
};

InformerOptions Fast() {
  InformerOptions o;
  o.backoff_initial = milliseconds(1);
  o.backoff_max = milliseconds(5);
  return o;
}

// The store matches the source exactly (keys and versions).
bool Converged(const Informer& inf, FakeSource& src) {
  auto want = src.objects();
  if (inf.store().size() != want.size()) return false;
  for (const auto& [k, o] : want) {
    ObjectPtr got = inf.store().Get(k);
    if (!got || ResourceVersionOf(*got) != ResourceVersionOf(o)) return false;
  }
  return true;
}

TEST(InformerTest, ListsThenWatches) {
  FakeSource src;
  src.Put(Pod("ns", "a"));  // rv 101
  src.Put(Pod("ns", "b"));  // rv 102
  Informer inf(src.NewListerWatcher(), Fast());
  Recorder rec;
  inf.AddEventHandler(rec.Handler());
  EXPECT_FALSE(inf.HasSynced());
  ASSERT_TRUE(inf.Start().ok());
  ASSERT_TRUE(inf.WaitForSync(kPatience));
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"add ns/a 101 list", "add ns/b 102 list"}));

  src.Put(Pod("ns", "c"));       // 103
  src.Put(Pod("ns", "a", "x"));  // 104
  src.Delete("ns/b");            // 105
  ASSERT_TRUE(Eventually([&] { return rec.size() == 3; }));
  EXPECT_EQ(rec.Take(),
            (std::vector<std::string>{"add ns/c 103", "update ns/a 101->104", "delete ns/b 105"}));
  EXPECT_TRUE(Converged(inf, src));
  InformerStats st = inf.stats();
  EXPECT_EQ(st.lists, 1u);
  EXPECT_EQ(st.watch_events, 3u);
  EXPECT_EQ(st.resource_version, "105");
  inf.Stop();
}

TEST(InformerTest, RelistAfterExpiryDeliversTheDifferenceOnce) {
  FakeSource src;
  src.Put(Pod("ns", "keep"));    // 101
  src.Put(Pod("ns", "change"));  // 102
  src.Put(Pod("ns", "drop"));    // 103
  Informer inf(src.NewListerWatcher(), Fast());
  Recorder rec;
  inf.AddEventHandler(rec.Handler());
  ASSERT_TRUE(inf.Start().ok());
  ASSERT_TRUE(inf.WaitForSync(kPatience));
  rec.Take();

  // Changes the watch never delivers, then the version expires.
  src.Hold();
  src.Put(Pod("ns", "change", "v2"));  // 104
  src.Put(Pod("ns", "new"));           // 105
  src.Delete("ns/drop");               // 106
  src.Put(Pod("ns", "brief"));         // 107: created and deleted unseen
  src.Delete("ns/brief");              // 108
  src.Expire();
  src.Release();

  ASSERT_TRUE(Eventually([&] { return Converged(inf, src); }));
  std::vector<std::string> got = rec.Take();
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"add ns/new 105 list", "delete ns/drop 103 tombstone",
                                           "update ns/change 102->104"}));
  InformerStats st = inf.stats();
  EXPECT_EQ(st.relists_on_gone, 1u);
  EXPECT_EQ(st.lists, 2u);

  // And the watch after the relist carries on.
  src.Put(Pod("ns", "after"));
  ASSERT_TRUE(Eventually([&] { return rec.size() == 1; }));
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"add ns/after 109"}));
  inf.Stop();
}

TEST(InformerTest, VersionsTheListAlreadyHadAreNotDeliveredAgain) {
  FakeSource src;
  src.Put(Pod("ns", "a"));       // 101
  src.Put(Pod("ns", "b"));       // 102
  src.Put(Pod("ns", "a", "x"));  // 103
  src.SetListLag(2);             // the list says 101, but holds a@103 and b@102
  Informer inf(src.NewListerWatcher(), Fast());
  Recorder rec;
  inf.AddEventHandler(rec.Handler());
  ASSERT_TRUE(inf.Start().ok());
  ASSERT_TRUE(inf.WaitForSync(kPatience));
  src.Put(Pod("ns", "c"));  // 104: proves the replayed 102 and 103 went by
  ASSERT_TRUE(Eventually([&] { return inf.store().Get("ns/c") != nullptr; }));
  EXPECT_EQ(rec.Take(),
            (std::vector<std::string>{"add ns/a 103 list", "add ns/b 102 list", "add ns/c 104"}));
  EXPECT_EQ(inf.stats().duplicate_events, 2u);
}

TEST(InformerTest, ListFailuresBackOffAndRecover) {
  FakeSource src;
  src.Put(Pod("ns", "a"));
  src.FailNextLists(3);
  Informer inf(src.NewListerWatcher(), Fast());
  ASSERT_TRUE(inf.Start().ok());
  ASSERT_TRUE(inf.WaitForSync(kPatience));
  EXPECT_EQ(src.lists(), 4);
  InformerStats st = inf.stats();
  EXPECT_EQ(st.list_errors, 3u);
  EXPECT_NE(st.last_error.find("connection refused"), std::string::npos) << st.last_error;
  EXPECT_TRUE(Converged(inf, src));
}

TEST(InformerTest, WaitForSyncGivesUpWhileTheSourceIsDown) {
  FakeSource src;
  src.FailNextLists(1 << 30);
  Informer inf(src.NewListerWatcher(), Fast());
  ASSERT_TRUE(inf.Start().ok());
  EXPECT_FALSE(inf.WaitForSync(milliseconds(20)));
  inf.Stop();  // prompt despite the retry loop
  EXPECT_FALSE(inf.HasSynced());
}

TEST(InformerTest, ResyncRedeliversEveryObject) {
  FakeSource src;
  src.Put(Pod("ns", "a"));
  src.Put(Pod("ns", "b"));
  InformerOptions o = Fast();
  o.resync_period = milliseconds(5);
  Informer inf(src.NewListerWatcher(), o);
  Recorder rec;
  inf.AddEventHandler(rec.Handler());
  ASSERT_TRUE(inf.Start().ok());
  ASSERT_TRUE(Eventually([&] { return inf.stats().resyncs >= 2; }));
  inf.Stop();
  std::vector<std::string> got = rec.Take();
  int resync_updates = 0;
  for (const auto& s : got) {
    if (s == "update ns/a 101->101" || s == "update ns/b 102->102") ++resync_updates;
  }
  EXPECT_GE(resync_updates, 4);
}

TEST(InformerTest, LateHandlerGetsTheCurrentObjectsFirst) {
  FakeSource src;
  src.Put(Pod("ns", "a"));
  Informer inf(src.NewListerWatcher(), Fast());
  ASSERT_TRUE(inf.Start().ok());
  ASSERT_TRUE(inf.WaitForSync(kPatience));
  Recorder rec;
  inf.AddEventHandler(rec.Handler());
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"add ns/a 101 list"}));
  src.Put(Pod("ns", "b"));
  ASSERT_TRUE(Eventually([&] { return rec.size() == 1; }));
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"add ns/b 102"}));
}

TEST(InformerTest, AThrowingHandlerDoesNotStopTheOthers) {
  FakeSource src;
  Informer inf(src.NewListerWatcher(), Fast());
  EventHandler bad;
  bad.on_add = [](const ObjectPtr&, bool) { throw std::runtime_error("bug"); };
  Recorder rec;
  inf.AddEventHandler(bad);
  inf.AddEventHandler(rec.Handler());
  ASSERT_TRUE(inf.Start().ok());
  ASSERT_TRUE(inf.WaitForSync(kPatience));
  src.Put(Pod("ns", "a"));
  ASSERT_TRUE(Eventually([&] { return rec.size() == 1; }));
  EXPECT_NE(inf.stats().last_error.find("handler threw: bug"), std::string::npos);
}

TEST(InformerTest, TransformAppliesToListedAndWatchedObjects) {
  FakeSource src;
  nlohmann::json a = Pod("ns", "a");
  a["metadata"]["managedFields"] = nlohmann::json::array({{{"manager", "kubectl"}}});
  src.Put(a);
  InformerOptions o = Fast();
  o.transform = StripManagedFields;
  Informer inf(src.NewListerWatcher(), o);
  ASSERT_TRUE(inf.Start().ok());
  ASSERT_TRUE(inf.WaitForSync(kPatience));
  EXPECT_FALSE((*inf.store().Get("ns/a"))["metadata"].contains("managedFields"));
  nlohmann::json b = Pod("ns", "b");
  b["metadata"]["managedFields"] = nlohmann::json::array({{{"manager", "x"}}});
  src.Put(b);
  ASSERT_TRUE(Eventually([&] { return inf.store().Get("ns/b") != nullptr; }));
  EXPECT_FALSE((*inf.store().Get("ns/b"))["metadata"].contains("managedFields"));
  EXPECT_EQ((*inf.store().Get("ns/b"))["metadata"]["name"], "b");
}

TEST(InformerTest, StartTwiceFailsAndStopIsIdempotent) {
  FakeSource src;
  Informer inf(src.NewListerWatcher(), Fast());
  ASSERT_TRUE(inf.Start().ok());
  EXPECT_FALSE(inf.Start().ok());
  inf.Stop();
  inf.Stop();
  Informer never(src.NewListerWatcher(), Fast());
  never.Stop();
  EXPECT_FALSE(never.HasSynced());
}

}  // namespace
}  // namespace fedra::op::informer
