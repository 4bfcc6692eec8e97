#include "operator/controller/leader_gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "operator/controller/leader_election.h"
#include "operator/informer/simulator_test_util.h"

namespace fedra::op::controller {
namespace {

using std::chrono::milliseconds;

template <typename Cond>
bool Eventually(Cond cond, std::chrono::seconds bound = std::chrono::seconds(15)) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return cond();
}

// A controller that keeps reconciling one key every few milliseconds and
// counts the reconciles in `*count`.
ControllerFactory Ticker(std::atomic<int>* count) {
  return [count] {
    ControllerOptions o;
    o.name = "ticker";
    auto c = std::make_unique<Controller>(std::move(o), [count](const Key&) {
      count->fetch_add(1);
      return Result::RequeueAfter(milliseconds(5));
    });
    c->Enqueue(Key{"", "", "tick"});
    return c;
  };
}

TEST(LeaderGateTest, StartsFreshControllersPerTermAndStopsThem) {
  std::atomic<int> ticks{0};
  LeaderGate gate(std::chrono::seconds(10));
  gate.Add(Ticker(&ticks));
  EXPECT_FALSE(gate.leading());
  EXPECT_TRUE(gate.running().empty());
  ASSERT_TRUE(gate.Lead().ok());
  ASSERT_TRUE(gate.Lead().ok());  // no-op
  EXPECT_EQ(gate.terms(), 1);
  ASSERT_EQ(gate.running().size(), 1u);
  EXPECT_TRUE(Eventually([&] { return ticks.load() >= 3; }));
  gate.Follow();
  EXPECT_TRUE(gate.running().empty());
  int after_stop = ticks.load();
  std::this_thread::sleep_for(milliseconds(30));
  EXPECT_EQ(ticks.load(), after_stop) << "a controller kept running after Follow";
  ASSERT_TRUE(gate.Lead().ok());
  EXPECT_EQ(gate.terms(), 2);
  EXPECT_TRUE(Eventually([&] { return ticks.load() > after_stop; }));
}

TEST(LeaderGateTest, AFailedStartStopsWhatAlreadyStarted) {
  std::atomic<int> ticks{0};
  LeaderGate gate;
  gate.Add(Ticker(&ticks));
  gate.Add([] { return std::unique_ptr<Controller>(); });
  Status st = gate.Lead();
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(gate.leading());
  EXPECT_TRUE(gate.running().empty());
}

// Two replicas, each an elector driving a gate, against the simulator:
// only the leader's controllers run; after it steps down the other's do.
TEST(LeaderGateTest, ControllersRunOnlyWhileLeading) {
  if (!op::testing::SimulatorAvailable())
    GTEST_SKIP() << op::testing::SimulatorBinary() << " not built";
  op::testing::SimulatorProcess sim;
  ASSERT_TRUE(sim.Start().ok());
  std::unique_ptr<kube::Client> ca, cb;
  ASSERT_TRUE(sim.NewClient(&ca).ok());
  ASSERT_TRUE(sim.NewClient(&cb).ok());
  std::atomic<int> ticks_a{0}, ticks_b{0};
  LeaderGate gate_a, gate_b;
  gate_a.Add(Ticker(&ticks_a));
  gate_b.Add(Ticker(&ticks_b));
  auto config = [](const std::string& id, LeaderGate* gate) {
    LeaderElectionConfig c;
    c.lease_namespace = "default";
    c.lease_name = "gate";
    c.identity = id;
    c.lease_duration = milliseconds(3000);
    c.renew_deadline = milliseconds(2000);
    c.retry_period = milliseconds(100);
    c.on_started_leading = [gate] { EXPECT_TRUE(gate->Lead().ok()); };
    c.on_stopped_leading = [gate] { gate->Follow(); };
    return c;
  };
  auto a = std::make_unique<LeaderElector>(ca.get(), config("a", &gate_a));
  LeaderElector b(cb.get(), config("b", &gate_b));
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(Eventually([&] { return ticks_a.load() >= 5; }));
  ASSERT_TRUE(b.Start().ok());
  int a_before = ticks_a.load();
  ASSERT_TRUE(Eventually([&] { return b.stats().attempts >= 3; }));  // b tried and lost
  EXPECT_EQ(ticks_b.load(), 0);
  EXPECT_FALSE(gate_b.leading());
  EXPECT_GT(ticks_a.load(), a_before);
  a->Stop();  // releases: gate_a follows, b leads
  EXPECT_FALSE(gate_a.leading());
  int a_final = ticks_a.load();
  EXPECT_TRUE(Eventually([&] { return ticks_b.load() >= 5; }));
  EXPECT_EQ(ticks_a.load(), a_final);
  b.Stop();
  EXPECT_FALSE(gate_b.leading());
}

}  // namespace
}  // namespace fedra::op::controller
