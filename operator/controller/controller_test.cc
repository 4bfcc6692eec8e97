#include "operator/controller/controller.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace fedra::op::controller {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto kPatience = seconds(10);

// Polls `cond` every millisecond for at most kPatience.
template <typename Cond>
bool Eventually(Cond cond) {
  auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return cond();
}

ControllerOptions FastRetries(int workers) {
  ControllerOptions o;
  o.name = "test";
  o.workers = workers;
  o.limiter =
      std::make_unique<workqueue::ItemExponentialLimiter>(milliseconds(1), milliseconds(20));
  return o;
}

// Counts reconciles per key, thread-safely.
class Tally {
 public:
  int Bump(const Key& k) {
    std::lock_guard<std::mutex> lock(mu_);
    return ++counts_[k.Encode()];
  }
  int Get(const Key& k) {
    std::lock_guard<std::mutex> lock(mu_);
    return counts_[k.Encode()];
  }

 private:
  std::mutex mu_;
  std::map<std::string, int> counts_;
};

TEST(ControllerTest, ReconcilesEveryEnqueuedKeyAndNeverOneKeyTwiceAtOnce) {
  constexpr int kKeys = 5;
  std::array<std::atomic<int>, kKeys> holders{};
  std::array<std::atomic<int>, kKeys> version{};  // "the world", bumped before Enqueue
  std::array<std::atomic<int>, kKeys> seen{};
  std::atomic<int> overlaps{0};
  Controller c(FastRetries(4), [&](const Key& k) {
    int i = std::stoi(k.name);
    if (holders[i].fetch_add(1) != 0) overlaps.fetch_add(1);
    int v = version[i].load();
    std::this_thread::yield();
    int prev = seen[i].load();
    while (prev < v && !seen[i].compare_exchange_weak(prev, v)) {
    }
    holders[i].fetch_sub(1);
    return Result::Done();
  });
  ASSERT_TRUE(c.Start().ok());
  std::vector<std::thread> producers;
  for (int p = 0; p < 3; ++p) {
    producers.emplace_back([&, p] {
      for (int n = 0; n < 2000; ++n) {
        int i = (n + p) % kKeys;
        version[i].fetch_add(1);
        c.Enqueue(Key{"", "ns", std::to_string(i)});
      }
    });
  }
  for (auto& t : producers) t.join();
  EXPECT_TRUE(Eventually([&] {
    for (int i = 0; i < kKeys; ++i) {
      if (seen[i].load() != version[i].load()) return false;
    }
    return true;
  })) << "the latest state of some key was never reconciled";
  EXPECT_TRUE(c.Stop(kPatience));
  EXPECT_EQ(overlaps.load(), 0);
  ControllerMetrics m = c.metrics();
  EXPECT_EQ(m.count(Outcome::kSuccess), m.total());
  EXPECT_EQ(m.latency.count(), m.total());
  EXPECT_EQ(m.active_workers, 0);
}

TEST(ControllerTest, ErrorsAreRetriedWithBackoffUntilSuccess) {
  Tally tally;
  Key key{"", "ns", "flaky"};
  Controller c(FastRetries(2), [&](const Key& k) {
    if (tally.Bump(k) <= 3) return Result::Error(Status::IoError("api server away"));
    return Result::Done();
  });
  std::vector<std::string> errors;
  ASSERT_TRUE(c.Start().ok());
  c.Enqueue(key);
  ASSERT_TRUE(Eventually([&] { return c.metrics().count(Outcome::kSuccess) == 1; }));
  ControllerMetrics m = c.metrics();
  EXPECT_EQ(m.count(Outcome::kError), 3u);
  EXPECT_EQ(tally.Get(key), 4);
  EXPECT_EQ(m.queue.retries, 3u);
  EXPECT_EQ(c.queue().NumRequeues(key.Encode()), 0) << "success forgets the backoff";
  EXPECT_NE(m.last_error.find("api server away"), std::string::npos) << m.last_error;
  EXPECT_NE(m.last_error.find("ns/flaky"), std::string::npos) << m.last_error;
  c.Stop();
}

TEST(ControllerTest, ExceptionsBecomeErrorsAndAreRetried) {
  Tally tally;
  std::mutex mu;
  std::vector<std::string> reported;
  ControllerOptions o = FastRetries(1);
  o.on_error = [&](const Key& k, const Status& s) {
    std::lock_guard<std::mutex> lock(mu);
    reported.push_back(k.name + ": " + std::string(s.message()));
  };
  Controller c(std::move(o), [&](const Key& k) -> Result {
    int n = tally.Bump(k);
    if (n == 1) throw std::runtime_error("nil map");
    if (n == 2) throw 42;
    return Result::Done();
  });
  ASSERT_TRUE(c.Start().ok());
  c.Enqueue(Key{"", "", "thrower"});
  ASSERT_TRUE(Eventually([&] { return c.metrics().count(Outcome::kSuccess) == 1; }));
  ControllerMetrics m = c.metrics();
  EXPECT_EQ(m.exceptions, 2u);
  EXPECT_EQ(m.count(Outcome::kError), 2u);
  c.Stop();
  ASSERT_EQ(reported.size(), 2u);
  EXPECT_EQ(reported[0], "thrower: reconciler threw: nil map");
  EXPECT_EQ(reported[1], "thrower: reconciler threw a non-standard exception");
}

TEST(ControllerTest, RequeueAfterComesBackAndTerminalDoesNot) {
  Tally tally;
  Key periodic{"", "", "periodic"};
  Key broken{"", "", "broken"};
  Key sentinel{"", "", "sentinel"};
  Controller c(FastRetries(1), [&](const Key& k) {
    int n = tally.Bump(k);
    if (k == periodic) return n < 3 ? Result::RequeueAfter(milliseconds(2)) : Result::Done();
    if (k == broken) return Result::Terminal(Status::InvalidArgument("spec.x: must be set"));
    return Result::Done();
  });
  ASSERT_TRUE(c.Start().ok());
  c.Enqueue(periodic);
  c.Enqueue(broken);
  ASSERT_TRUE(Eventually([&] { return tally.Get(periodic) == 3; }));
  // One worker: once the sentinel enqueued after "broken" ran, any retry of
  // "broken" would have been queued or waiting by now.
  ASSERT_TRUE(Eventually([&] { return tally.Get(broken) == 1; }));
  c.Enqueue(sentinel);
  ASSERT_TRUE(Eventually([&] { return tally.Get(sentinel) == 1; }));
  ControllerMetrics m = c.metrics();
  EXPECT_EQ(tally.Get(broken), 1);
  EXPECT_EQ(m.count(Outcome::kTerminalError), 1u);
  EXPECT_EQ(m.count(Outcome::kRequeueAfter), 2u);
  EXPECT_EQ(m.queue.waiting, 0u);
  EXPECT_EQ(c.queue().NumRequeues(broken.Encode()), 0);
  c.Stop();
}

TEST(ControllerTest, RequeueRetriesWithBackoff) {
  Tally tally;
  Controller c(FastRetries(1), [&](const Key& k) {
    return tally.Bump(k) < 3 ? Result::Requeue() : Result::Done();
  });
  ASSERT_TRUE(c.Start().ok());
  c.Enqueue(Key{"", "", "again"});
  ASSERT_TRUE(Eventually([&] { return c.metrics().count(Outcome::kSuccess) == 1; }));
  EXPECT_EQ(c.metrics().count(Outcome::kRequeue), 2u);
  c.Stop();
}

TEST(ControllerTest, StopWaitsForInFlightReconcilesAndDropsTheRest) {
  std::atomic<bool> in_reconcile{false};
  std::atomic<bool> release{false};
  std::atomic<bool> finished{false};
  std::atomic<int> calls{0};
  Controller c(FastRetries(1), [&](const Key&) {
    calls.fetch_add(1);
    in_reconcile = true;
    // Holds until released, or until asked to stop (bounded either way).
    for (int i = 0; i < 10000 && !release.load(); ++i) std::this_thread::sleep_for(milliseconds(1));
    finished = true;
    return Result::Done();
  });
  ASSERT_TRUE(c.Start().ok());
  c.Enqueue(Key{"", "", "slow"});
  ASSERT_TRUE(Eventually([&] { return in_reconcile.load(); }));
  c.Enqueue(Key{"", "", "queued-1"});
  c.Enqueue(Key{"", "", "queued-2"});
  std::atomic<bool> stopped{false};
  std::atomic<bool> finished_before_stop{false};
  std::thread stopper([&] {
    c.Stop(kPatience);
    finished_before_stop = finished.load();
    stopped = true;
  });
  ASSERT_TRUE(Eventually([&] { return c.stopping(); }));
  EXPECT_TRUE(c.stopping());
  release = true;
  stopper.join();
  EXPECT_TRUE(finished_before_stop.load()) << "Stop returned before the in-flight reconcile ended";
  EXPECT_EQ(calls.load(), 1) << "queued keys must not start after Stop";
  EXPECT_FALSE(c.running());
  c.Enqueue(Key{"", "", "late"});  // ignored, no crash
  EXPECT_FALSE(c.Start().ok()) << "a stopped controller does not restart";
}

TEST(ControllerTest, StartTwiceAndNoFunctionAreErrors) {
  Controller none(FastRetries(1), nullptr);
  EXPECT_FALSE(none.Start().ok());
  Controller c(FastRetries(1), [](const Key&) { return Result::Done(); });
  ASSERT_TRUE(c.Start().ok());
  EXPECT_FALSE(c.Start().ok());
  EXPECT_TRUE(c.Stop());
}

}  // namespace
}  // namespace fedra::op::controller
