// Leader election against the real API-server simulator (a child process):
// Leases, resourceVersion conflicts and release are the server's, not a
// mock's. Timings are shortened (lease 3 s, renew 2 s, retry 100 ms); tests
// poll with bounds and assert outcomes, not durations, except the issue's
// promise that a successor takes over within the lease duration after the
// leader steps down.
#include "operator/controller/leader_election.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "operator/informer/simulator_test_util.h"

namespace fedra::op::controller {
namespace {

using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

template <typename Cond>
bool Within(Steady::duration bound, Cond cond) {
  auto deadline = Steady::now() + bound;
  while (Steady::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return cond();
}

// Counts replicas inside their "leading" callbacks, and the most ever at once.
struct LeaderCensus {
  std::atomic<int> now{0};
  std::atomic<int> most{0};
  std::atomic<int> starts{0};
  void Started() {
    starts.fetch_add(1);
    int n = now.fetch_add(1) + 1;
    int m = most.load();
    while (n > m && !most.compare_exchange_weak(m, n)) {
    }
  }
  void Stopped() { now.fetch_sub(1); }
};

LeaderElectionConfig Config(const std::string& identity, LeaderCensus* census) {
  LeaderElectionConfig c;
  c.lease_namespace = "default";
  c.lease_name = "fedra-operator";
  c.identity = identity;
  c.lease_duration = milliseconds(3000);
  c.renew_deadline = milliseconds(2000);
  c.retry_period = milliseconds(100);
  c.on_started_leading = [census] { census->Started(); };
  c.on_stopped_leading = [census] { census->Stopped(); };
  return c;
}

TEST(LeaderElectionConfigTest, RejectsInconsistentTimings) {
  LeaderCensus census;
  kube::RestConfig rc;
  rc.server = "http://127.0.0.1:1";
  std::unique_ptr<kube::Client> client;
  ASSERT_TRUE(kube::Client::Create(rc, &client).ok());
  LeaderElectionConfig c = Config("a", &census);
  c.renew_deadline = c.lease_duration;
  EXPECT_FALSE(LeaderElector(client.get(), c).Start().ok());
  c = Config("a", &census);
  c.retry_period = c.renew_deadline;
  EXPECT_FALSE(LeaderElector(client.get(), c).Start().ok());
  c = Config("", &census);
  EXPECT_FALSE(LeaderElector(client.get(), c).Start().ok());
  c = Config("a", &census);
  c.lease_name.clear();
  EXPECT_FALSE(LeaderElector(client.get(), c).Start().ok());
  EXPECT_FALSE(LeaderElector(nullptr, Config("a", &census)).Start().ok());
}

TEST(LeaderElectionConfigTest, MicroTimeIsRfc3339WithMicroseconds) {
  std::string t = MicroTimeNow();
  ASSERT_EQ(t.size(), 27u) << t;
  EXPECT_EQ(t[4], '-');
  EXPECT_EQ(t[10], 'T');
  EXPECT_EQ(t[19], '.');
  EXPECT_EQ(t.back(), 'Z');
}

class LeaderElectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!op::testing::SimulatorAvailable())
      GTEST_SKIP() << op::testing::SimulatorBinary() << " not built";
    ASSERT_TRUE(sim_.Start().ok());
    ASSERT_TRUE(sim_.NewClient(&client_a_).ok());
    ASSERT_TRUE(sim_.NewClient(&client_b_).ok());
  }
  op::testing::SimulatorProcess sim_;
  std::unique_ptr<kube::Client> client_a_, client_b_;
};

TEST_F(LeaderElectionTest, ExactlyOneLeadsAndTheOtherTakesOverOnRelease) {
  LeaderCensus census;
  auto a = std::make_unique<LeaderElector>(client_a_.get(), Config("replica-a", &census));
  LeaderElector b(client_b_.get(), Config("replica-b", &census));
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(Within(std::chrono::seconds(10), [&] { return a->IsLeader(); }));
  ASSERT_TRUE(b.Start().ok());
  // B keeps trying for a while (many retry periods) and must not get in.
  for (int i = 0; i < 100; ++i) {
    ASSERT_FALSE(a->IsLeader() && b.IsLeader());
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_TRUE(a->IsLeader());
  EXPECT_FALSE(b.IsLeader());
  EXPECT_EQ(b.leader(), "replica-a");
  EXPECT_GT(b.stats().attempts, 1u);

  nlohmann::json lease;
  ASSERT_TRUE(client_a_->Get(kube::gvr::Leases(), "default", "fedra-operator", &lease).ok());
  EXPECT_EQ(lease["spec"]["holderIdentity"], "replica-a");
  EXPECT_EQ(lease["spec"]["leaseDurationSeconds"], 3);

  // A steps down (releasing the Lease): B takes over within the lease
  // duration (in practice within a couple of retry periods).
  auto stopped_at = Steady::now();
  a->Stop();
  EXPECT_FALSE(a->IsLeader());
  EXPECT_TRUE(Within(std::chrono::milliseconds(3000) - (Steady::now() - stopped_at), [&] {
    return b.IsLeader();
  })) << "successor did not take over within the lease duration";
  EXPECT_EQ(census.most.load(), 1) << "two replicas were leading at once";
  ASSERT_TRUE(client_a_->Get(kube::gvr::Leases(), "default", "fedra-operator", &lease).ok());
  EXPECT_EQ(lease["spec"]["holderIdentity"], "replica-b");
  EXPECT_GE(lease["spec"]["leaseTransitions"].get<int>(), 1);
  b.Stop();
  EXPECT_EQ(census.now.load(), 0);
}

TEST_F(LeaderElectionTest, ACrashedLeadersLeaseIsTakenAfterItExpires) {
  LeaderCensus census;
  LeaderElectionConfig ca = Config("crashy", &census);
  ca.release_on_stop = false;  // as if the process died
  auto a = std::make_unique<LeaderElector>(client_a_.get(), ca);
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(Within(std::chrono::seconds(10), [&] { return a->IsLeader(); }));
  a->Stop();
  LeaderElector b(client_b_.get(), Config("survivor", &census));
  ASSERT_TRUE(b.Start().ok());
  // Not before B has watched the old record stay unrenewed for the lease
  // duration; bounded by that plus a few (jittered) retries.
  EXPECT_TRUE(Within(std::chrono::seconds(8), [&] { return b.IsLeader(); }));
  EXPECT_EQ(b.leader(), "survivor");
  EXPECT_TRUE(b.Check().ok());
}

TEST_F(LeaderElectionTest, ALeaderThatCannotRenewStepsDown) {
  LeaderCensus census;
  LeaderElector a(client_a_.get(), Config("isolated", &census));
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(Within(std::chrono::seconds(10), [&] { return a.IsLeader(); }));
  sim_.Kill();  // the API server goes away: renewals fail
  // It must stop acting once renew_deadline has passed without a renewal,
  // before lease_duration (when others may take over).
  EXPECT_TRUE(Within(std::chrono::seconds(10), [&] { return !a.IsLeader(); }));
  EXPECT_EQ(census.now.load(), 0);
  LeaderElectionStats st = a.stats();
  EXPECT_EQ(st.losses, 1u);
  EXPECT_GT(st.errors, 0u);
  EXPECT_FALSE(st.last_error.empty());
  a.Stop();  // nothing to release; must not hang on the dead server
}

TEST_F(LeaderElectionTest, ManyCandidatesOneLeader) {
  LeaderCensus census;
  std::vector<std::unique_ptr<kube::Client>> clients(4);
  std::vector<std::unique_ptr<LeaderElector>> electors;
  for (size_t i = 0; i < clients.size(); ++i) {
    ASSERT_TRUE(sim_.NewClient(&clients[i]).ok());
    electors.push_back(std::make_unique<LeaderElector>(clients[i].get(),
                                                       Config("r" + std::to_string(i), &census)));
  }
  for (auto& e : electors) ASSERT_TRUE(e->Start().ok());
  ASSERT_TRUE(Within(std::chrono::seconds(10), [&] { return census.now.load() == 1; }));
  for (int i = 0; i < 50; ++i) {
    int leading = 0;
    for (auto& e : electors) leading += e->IsLeader() ? 1 : 0;
    ASSERT_LE(leading, 1);
    std::this_thread::sleep_for(milliseconds(10));
  }
  for (auto& e : electors) e->Stop();
  EXPECT_EQ(census.most.load(), 1);
  uint64_t conflicts = 0;
  for (auto& e : electors) conflicts += e->stats().conflicts;
  // Racing creates/updates lose with 409/AlreadyExists rather than both
  // winning; with four candidates started together that almost always
  // happens, but it is not guaranteed, so it is only reported.
  RecordProperty("conflicts", std::to_string(conflicts));
}

}  // namespace
}  // namespace fedra::op::controller
