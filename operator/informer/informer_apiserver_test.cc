// The informer against the real API-server simulator (a child process):
// paging, watch connections dropped mid-stream while objects change, forced
// 410s, bookmarks, injected 429s. Every test ends by comparing the store
// with a fresh list from the server, and checks that handlers saw each
// object version at most once.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "operator/informer/informer.h"
#include "operator/informer/simulator_test_util.h"

namespace fedra::op::informer {
namespace {

using std::chrono::milliseconds;

template <typename Cond>
bool Eventually(Cond cond, std::chrono::seconds bound = std::chrono::seconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return cond();
}

nlohmann::json ConfigMap(const std::string& name, const std::string& value) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", "team-a"}, {"labels", {{"app", "demo"}}}}},
          {"data", {{"v", value}}}};
}

// Every (key, resourceVersion) a handler was told about, and how often.
class VersionLog {
 public:
  EventHandler Handler() {
    EventHandler h;
    h.on_add = [this](const ObjectPtr& o, bool) { Note("add", *o); };
    h.on_update = [this](const ObjectPtr& old_obj, const ObjectPtr& o) {
      if (old_obj != o) Note("update", *o);  // resyncs repeat on purpose
    };
    h.on_delete = [this](const ObjectPtr& o, bool tombstone) {
      std::lock_guard<std::mutex> lock(mu_);
      deleted_.insert(KeyOf(*o));
      if (tombstone) ++tombstones_;
    };
    return h;
  }
  int duplicates() {
    std::lock_guard<std::mutex> lock(mu_);
    return duplicates_;
  }
  std::string duplicate_list() {
    std::lock_guard<std::mutex> lock(mu_);
    return duplicate_list_;
  }
  bool deleted(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    return deleted_.count(key) > 0;
  }

 private:
  void Note(const char*, const nlohmann::json& o) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string id = KeyOf(o) + "@" + ResourceVersionOf(o);
    if (!seen_.insert(id).second) {
      ++duplicates_;
      duplicate_list_ += " " + id;
    }
  }
  std::mutex mu_;
  std::set<std::string> seen_;
  std::set<std::string> deleted_;
  int duplicates_ = 0;
  std::string duplicate_list_;
  int tombstones_ = 0;
};

class InformerApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!op::testing::SimulatorAvailable())
      GTEST_SKIP() << op::testing::SimulatorBinary() << " not built";
    ASSERT_TRUE(sim_.Start().ok());
    ASSERT_TRUE(sim_.NewClient(&client_).ok());
    nlohmann::json ns = {
        {"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "team-a"}}}};
    nlohmann::json out;
    ASSERT_TRUE(client_->Create(kube::gvr::Namespaces(), "", ns, &out).ok());
  }

  void Admin(const std::string& path) {
    kube::Client::RawResponse resp;
    ASSERT_TRUE(client_->Raw("POST", "/fedra-sim" + path, "", "", &resp).ok());
    ASSERT_EQ(resp.status, 200) << path << ": " << resp.body;
  }

  std::unique_ptr<Informer> NewInformer(int64_t page_size = 500) {
    InformerOptions io;
    io.backoff_initial = milliseconds(50);
    io.backoff_max = milliseconds(500);
    KubeListerWatcherOptions lw;
    lw.page_size = page_size;
    lw.watch_backoff_initial = milliseconds(20);
    lw.watch_backoff_max = milliseconds(200);
    return Informer::ForResource(
        client_.get(), ResourceSelector{kube::gvr::ConfigMaps(), "team-a", "", ""}, io, lw);
  }

  void Put(const std::string& name, const std::string& value) {
    nlohmann::json out;
    kube::ApiStatus st =
        client_->Create(kube::gvr::ConfigMaps(), "team-a", ConfigMap(name, value), &out);
    if (kube::IsAlreadyExists(st)) {
      st = client_->Patch(kube::gvr::ConfigMaps(), "team-a", name, kube::PatchType::kMerge,
                          {{"data", {{"v", value}}}}, &out);
    }
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  void Delete(const std::string& name) {
    kube::ApiStatus st = client_->Delete(kube::gvr::ConfigMaps(), "team-a", name);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  // The store holds exactly what the server lists, version for version.
  bool MatchesServer(const Informer& inf, std::string* diff) {
    nlohmann::json list;
    kube::ApiStatus st = client_->ListAll(kube::gvr::ConfigMaps(), "team-a", {}, &list);
    if (!st.ok()) {
      *diff = st.ToString();
      return false;
    }
    std::map<std::string, std::string> want;
    for (const auto& o : list["items"]) want[KeyOf(o)] = ResourceVersionOf(o);
    std::map<std::string, std::string> got;
    for (const ObjectPtr& o : inf.store().List()) got[KeyOf(*o)] = ResourceVersionOf(*o);
    if (want == got) return true;
    *diff = "server has " + std::to_string(want.size()) + " objects, store " +
            std::to_string(got.size());
    for (const auto& [k, v] : want) {
      if (got[k] != v) *diff += "; " + k + " server@" + v + " store@" + got[k];
    }
    return false;
  }

  op::testing::SimulatorProcess sim_;
  std::unique_ptr<kube::Client> client_;
};

TEST_F(InformerApiServerTest, InitialListIsPaged) {
  for (int i = 0; i < 250; ++i) Put("cm-" + std::to_string(i), "0");
  auto inf = NewInformer(/*page_size=*/100);
  ASSERT_TRUE(inf->Start().ok());
  ASSERT_TRUE(inf->WaitForSync(std::chrono::seconds(20)));
  EXPECT_EQ(inf->store().size(), 250u);
  EXPECT_EQ(inf->store().ListMatchingLabels({{"app", "demo"}}).size(), 250u);
  EXPECT_EQ(inf->store().ListNamespace("team-a").size(), 250u);
  std::string diff;
  EXPECT_TRUE(MatchesServer(*inf, &diff)) << diff;
  EXPECT_EQ(inf->stats().lists, 1u);
}

TEST_F(InformerApiServerTest, DroppedWatchesResumeWithoutMissingChanges) {
  for (int i = 0; i < 20; ++i) Put("cm-" + std::to_string(i), "0");
  auto inf = NewInformer();
  VersionLog log;
  inf->AddEventHandler(log.Handler());
  ASSERT_TRUE(inf->Start().ok());
  ASSERT_TRUE(inf->WaitForSync(std::chrono::seconds(20)));
  for (int round = 1; round <= 10; ++round) {
    Admin("/faults/drop-watches");
    // Changes while the watch is down or reconnecting.
    for (int i = 0; i < 20; i += 3) Put("cm-" + std::to_string(i), std::to_string(round));
    Put("new-" + std::to_string(round), "x");
    if (round % 3 == 0) Delete("new-" + std::to_string(round - 1));
  }
  std::string diff;
  EXPECT_TRUE(Eventually([&] { return MatchesServer(*inf, &diff); })) << diff;
  InformerStats st = inf->stats();
  EXPECT_EQ(st.lists, 1u) << "resuming from the last version needs no relist";
  EXPECT_EQ(st.relists_on_gone, 0u);
  EXPECT_EQ(log.duplicates(), 0) << log.duplicate_list();
  EXPECT_TRUE(log.deleted("team-a/new-2"));
  EXPECT_TRUE(log.deleted("team-a/new-8"));
}

TEST_F(InformerApiServerTest, Forced410RelistConverges) {
  for (int i = 0; i < 30; ++i) Put("cm-" + std::to_string(i), "0");
  auto inf = NewInformer(/*page_size=*/7);
  VersionLog log;
  inf->AddEventHandler(log.Handler());
  ASSERT_TRUE(inf->Start().ok());
  ASSERT_TRUE(inf->WaitForSync(std::chrono::seconds(20)));
  for (int round = 1; round <= 3; ++round) {
    Admin("/faults/expire-watches?count=1");
    Admin("/faults/drop-watches");
    for (int i = 0; i < 30; i += 4) Put("cm-" + std::to_string(i), "r" + std::to_string(round));
    Delete("cm-" + std::to_string(round));
    Put("late-" + std::to_string(round), "x");
    ASSERT_TRUE(Eventually([&] {
      return inf->stats().relists_on_gone >= static_cast<uint64_t>(round);
    })) << inf->stats().last_error;
  }
  std::string diff;
  EXPECT_TRUE(Eventually([&] { return MatchesServer(*inf, &diff); })) << diff;
  EXPECT_GE(inf->stats().lists, 4u);
  EXPECT_EQ(log.duplicates(), 0) << "a relist must not redeliver versions already seen:"
                                 << log.duplicate_list();
  for (int round = 1; round <= 3; ++round) {
    EXPECT_TRUE(log.deleted("team-a/cm-" + std::to_string(round))) << round;
  }
}

TEST_F(InformerApiServerTest, BookmarksAdvanceTheVersion) {
  auto inf = NewInformer();
  ASSERT_TRUE(inf->Start().ok());
  ASSERT_TRUE(inf->WaitForSync(std::chrono::seconds(20)));
  // The simulator sends a bookmark every second to each watch.
  EXPECT_TRUE(Eventually([&] { return inf->stats().bookmarks > 0; })) << inf->stats().last_error;
}

TEST_F(InformerApiServerTest, ThrottledListIsRetriedAndSyncs) {
  Put("cm-0", "0");
  Admin("/faults/errors?count=2&code=429&retryAfter=0");
  auto inf = NewInformer();
  ASSERT_TRUE(inf->Start().ok());
  ASSERT_TRUE(inf->WaitForSync(std::chrono::seconds(20))) << inf->stats().last_error;
  std::string diff;
  EXPECT_TRUE(MatchesServer(*inf, &diff)) << diff;
}

}  // namespace
}  // namespace fedra::op::informer
