// Three member clusters in one manager, each a real API-server simulator
// process: one goes away (its process is killed) and comes back (restarted
// on the same port with its state), another is removed and added again.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "operator/cluster/manager.h"
#include "operator/informer/simulator_test_util.h"

namespace fedra::op::cluster {
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

nlohmann::json ConfigMap(const std::string& name) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", "default"}}}};
}

class ManagerApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!op::testing::SimulatorAvailable())
      GTEST_SKIP() << op::testing::SimulatorBinary() << " not built";
    for (int i = 0; i < 3; ++i) {
      sims_.push_back(
          std::make_unique<op::testing::SimulatorProcess>(std::vector<std::string>{}, true));
      ASSERT_TRUE(sims_.back()->Start().ok());
    }
  }

  ClusterSpec Spec(int i) {
    ClusterSpec s;
    s.name = "member-" + std::to_string(i);
    s.config = sims_[i]->config();
    s.labels = {{"tier", i == 0 ? "cloud" : "edge"}};
    s.resources.push_back(informer::ResourceSelector{kube::gvr::ConfigMaps(), "default", "", ""});
    return s;
  }

  void Create(int i, const std::string& name) {
    std::unique_ptr<kube::Client> c;
    ASSERT_TRUE(sims_[i]->NewClient(&c).ok());
    nlohmann::json out;
    kube::ApiStatus st = c->Create(kube::gvr::ConfigMaps(), "default", ConfigMap(name), &out);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  bool Has(Manager& m, int i, const std::string& name) {
    std::shared_ptr<Cluster> c = m.Get("member-" + std::to_string(i));
    if (!c) return false;
    informer::Informer* inf = c->informer(kube::gvr::ConfigMaps());
    return inf != nullptr && inf->store().Get("default", name) != nullptr;
  }

  HealthState State(Manager& m, int i) { return m.Health()["member-" + std::to_string(i)].state; }

  std::vector<std::unique_ptr<op::testing::SimulatorProcess>> sims_;
};

TEST_F(ManagerApiServerTest, ThreeClustersOneGoesAwayAndComesBack) {
  ManagerOptions o;
  o.cluster.probe_period = milliseconds(50);
  o.cluster.probe_timeout = milliseconds(500);
  o.cluster.failure_threshold = 2;
  o.cluster.informer.backoff_initial = milliseconds(50);
  o.cluster.informer.backoff_max = milliseconds(300);
  o.cluster.lister_watcher.watch_backoff_initial = milliseconds(20);
  o.cluster.lister_watcher.watch_backoff_max = milliseconds(200);
  std::atomic<int> setups{0};
  o.on_setup = [&](Cluster&) { setups.fetch_add(1); };
  Manager m(std::move(o));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(m.AddCluster(Spec(i)).ok());
  EXPECT_EQ(setups.load(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(Eventually([&] { return State(m, i) == HealthState::kHealthy; })) << i;
  }
  EXPECT_TRUE(m.CheckSynced().ok());
  for (int i = 0; i < 3; ++i) Create(i, "hello-" + std::to_string(i));
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(Eventually([&] { return Has(m, i, "hello-" + std::to_string(i)); })) << i;
  }
  EXPECT_FALSE(Has(m, 0, "hello-1")) << "clusters do not share stores";

  // member-1 goes away.
  sims_[1]->Kill();
  EXPECT_TRUE(Eventually([&] { return State(m, 1) == HealthState::kUnreachable; }));
  EXPECT_EQ(State(m, 0), HealthState::kHealthy);
  EXPECT_EQ(State(m, 2), HealthState::kHealthy);
  EXPECT_TRUE(m.CheckSynced().ok());
  // The others keep working meanwhile.
  Create(2, "while-1-was-away");
  EXPECT_TRUE(Eventually([&] { return Has(m, 2, "while-1-was-away"); }));

  // ...and comes back on the same port with its state.
  ASSERT_TRUE(sims_[1]->Restart().ok());
  EXPECT_TRUE(Eventually([&] { return State(m, 1) == HealthState::kHealthy; }))
      << m.Health()["member-1"].message;
  Create(1, "after-restart");
  EXPECT_TRUE(Eventually([&] { return Has(m, 1, "after-restart"); }))
      << m.Get("member-1")->informer(kube::gvr::ConfigMaps())->stats().last_error;
  EXPECT_TRUE(Has(m, 1, "hello-1"));

  // member-2 is removed (its informers stop) and added again.
  std::shared_ptr<Cluster> old2 = m.Get("member-2");
  ASSERT_TRUE(m.RemoveCluster("member-2").ok());
  EXPECT_EQ(m.Names(), (std::vector<std::string>{"member-0", "member-1"}));
  Create(2, "while-removed");
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(old2->informer(kube::gvr::ConfigMaps())->store().Get("default", "while-removed"),
            nullptr)
      << "a removed cluster's informer still ran";
  old2.reset();
  ASSERT_TRUE(m.AddCluster(Spec(2)).ok());
  EXPECT_TRUE(Eventually([&] { return Has(m, 2, "while-removed") && Has(m, 2, "hello-2"); }));
  EXPECT_TRUE(Eventually([&] { return State(m, 2) == HealthState::kHealthy; }));
  EXPECT_EQ(setups.load(), 4);
  m.Stop();
  EXPECT_TRUE(m.Names().empty());
}

}  // namespace
}  // namespace fedra::op::cluster
