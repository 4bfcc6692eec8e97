#include "operator/workqueue/queue.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace fedra::op::workqueue {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Long enough that "not due yet" never turns true during a test.
constexpr Duration kForever = std::chrono::hours(1);
// Bound on every wait for something that should happen soon.
constexpr Duration kPatience = seconds(10);

QueueOptions NoLimit() {
  QueueOptions o;
  o.limiter = std::make_unique<ItemExponentialLimiter>(milliseconds(1), milliseconds(1));
  return o;
}

TEST(QueueTest, AddingAQueuedItemKeepsOneItem) {
  Queue q(NoLimit());
  q.Add("a");
  q.Add("b");
  q.Add("a");
  q.Add("a");
  EXPECT_EQ(q.Len(), 2u);
  QueueMetrics m = q.metrics();
  EXPECT_EQ(m.adds, 2u);
  EXPECT_EQ(m.deduplicated, 2u);
  EXPECT_EQ(q.Get(kPatience), "a");  // FIFO
  EXPECT_EQ(q.Get(kPatience), "b");
  EXPECT_EQ(q.Get(milliseconds(1)), std::nullopt);
}

TEST(QueueTest, ItemAddedWhileProcessingWaitsForDone) {
  Queue q(NoLimit());
  q.Add("a");
  ASSERT_EQ(q.Get(kPatience), "a");
  q.Add("a");
  q.Add("a");
  EXPECT_EQ(q.Len(), 0u) << "must not be handed to a second worker while processing";
  EXPECT_EQ(q.Get(milliseconds(1)), std::nullopt);
  q.Done("a");
  EXPECT_EQ(q.Len(), 1u) << "re-added once after Done";
  EXPECT_EQ(q.Get(kPatience), "a");
  q.Done("a");
  EXPECT_EQ(q.Len(), 0u);
  EXPECT_EQ(q.metrics().completed, 2u);
}

TEST(QueueTest, DoneOfAnItemNotHandedOutIsIgnored) {
  Queue q(NoLimit());
  q.Done("ghost");
  q.Add("a");
  q.Done("a");  // queued, not processing: stays queued
  EXPECT_EQ(q.Len(), 1u);
  EXPECT_EQ(q.metrics().completed, 0u);
}

// Many workers and producers over few keys: a per-key counter catches two
// workers holding one key, and per-key generations show that the last add of
// every key was processed after it was made (level-based: nothing lost).
TEST(QueueTest, OneKeyIsNeverProcessedByTwoWorkersAndTheLastAddIsSeen) {
  constexpr int kKeys = 8;
  constexpr int kWorkers = 6;
  constexpr int kProducers = 3;
  constexpr int kAddsPerProducer = 3000;
  Queue q(NoLimit());
  std::array<std::atomic<int>, kKeys> holders{};
  std::array<std::atomic<int>, kKeys> generation{};
  std::array<std::atomic<int>, kKeys> seen{};
  std::atomic<int> overlaps{0};
  std::atomic<int> processed{0};

  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&] {
      while (auto item = q.Get()) {
        int k = std::stoi(*item);
        if (holders[k].fetch_add(1) != 0) overlaps.fetch_add(1);
        int gen = generation[k].load();
        std::this_thread::yield();
        int prev = seen[k].load();
        while (prev < gen && !seen[k].compare_exchange_weak(prev, gen)) {
        }
        holders[k].fetch_sub(1);
        processed.fetch_add(1);
        q.Done(*item);
      }
    });
  }
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < kAddsPerProducer; ++i) {
        int k = (i * 7 + p) % kKeys;
        generation[k].fetch_add(1);  // the change, then the notification
        q.Add(std::to_string(k));
      }
    });
  }
  for (auto& t : producers) t.join();
  // Quiescent: wait (bounded) until nothing is queued or processing.
  auto deadline = std::chrono::steady_clock::now() + kPatience;
  for (;;) {
    QueueMetrics m = q.metrics();
    if (m.depth == 0 && m.processing == 0) break;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "queue never drained";
    std::this_thread::sleep_for(milliseconds(1));
  }
  EXPECT_TRUE(q.ShutDownWithDrain(kPatience));
  for (auto& t : workers) t.join();

  EXPECT_EQ(overlaps.load(), 0);
  for (int k = 0; k < kKeys; ++k) {
    EXPECT_EQ(seen[k].load(), generation[k].load()) << "key " << k;
  }
  QueueMetrics m = q.metrics();
  EXPECT_EQ(m.adds + m.deduplicated, static_cast<uint64_t>(kProducers * kAddsPerProducer));
  EXPECT_EQ(m.completed, static_cast<uint64_t>(processed.load()));
  EXPECT_EQ(m.work_duration.count(), m.completed);
  EXPECT_LE(processed.load(), kProducers * kAddsPerProducer);
}

TEST(QueueTest, AddAfterBecomesReadyLater) {
  Queue q(NoLimit());
  q.AddAfter("later", kForever);
  q.AddAfter("soon", milliseconds(5));
  EXPECT_EQ(q.Len(), 0u);
  EXPECT_EQ(q.Get(kPatience), "soon");
  EXPECT_EQ(q.metrics().waiting, 1u);
  EXPECT_EQ(q.Get(milliseconds(5)), std::nullopt);
}

TEST(QueueTest, AddAfterZeroIsAdd) {
  Queue q(NoLimit());
  q.AddAfter("a", Duration(0));
  q.AddAfter("b", milliseconds(-5));
  EXPECT_EQ(q.Len(), 2u);
}

TEST(QueueTest, RedelayingKeepsTheEarlierTime) {
  Queue q(NoLimit());
  q.AddAfter("a", milliseconds(5));
  q.AddAfter("a", kForever);  // later: ignored
  EXPECT_EQ(q.Get(kPatience), "a");
  q.Done("a");
  q.AddAfter("b", kForever);
  q.AddAfter("b", milliseconds(5));  // earlier: wins
  EXPECT_EQ(q.Get(kPatience), "b");
  q.Done("b");
  EXPECT_EQ(q.metrics().waiting, 0u) << "one waiting entry per item";
}

TEST(QueueTest, DelayedItemThatIsAlreadyQueuedStaysOne) {
  Queue q(NoLimit());
  q.Add("a");
  q.AddAfter("a", milliseconds(1));
  std::this_thread::sleep_for(milliseconds(5));  // due by now (sleep_for waits at least that)
  EXPECT_EQ(q.Get(kPatience), "a");  // promotion folds the delayed add into the queued one
  EXPECT_EQ(q.Get(milliseconds(1)), std::nullopt);
  EXPECT_EQ(q.metrics().deduplicated, 1u);
  q.Done("a");
  EXPECT_EQ(q.Len(), 0u);
}

TEST(QueueTest, GetWakesForADelayedItemAddedWhileWaiting) {
  Queue q(NoLimit());
  std::optional<std::string> got;
  std::thread t([&] { got = q.Get(kPatience); });
  std::this_thread::sleep_for(milliseconds(5));  // likely blocked by now
  q.AddAfter("x", milliseconds(5));
  t.join();
  EXPECT_EQ(got, "x");
}

TEST(QueueTest, RateLimitedAddsBackOffAndForgetResets) {
  QueueOptions o;
  o.limiter = std::make_unique<ItemExponentialLimiter>(milliseconds(1), seconds(1));
  Queue q(std::move(o));
  q.AddRateLimited("a");
  q.AddRateLimited("a");
  EXPECT_EQ(q.NumRequeues("a"), 2);
  EXPECT_EQ(q.metrics().retries, 2u);
  EXPECT_EQ(q.Get(kPatience), "a");
  q.Forget("a");
  EXPECT_EQ(q.NumRequeues("a"), 0);
  q.Done("a");
}

TEST(QueueTest, ShutDownWakesGettersAndRefusesAdds) {
  Queue q(NoLimit());
  std::atomic<int> returned{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < 3; ++i) {
    ts.emplace_back([&] {
      if (!q.Get().has_value()) returned.fetch_add(1);
    });
  }
  q.ShutDown();
  for (auto& t : ts) t.join();
  EXPECT_EQ(returned.load(), 3);
  q.Add("a");
  q.AddAfter("b", milliseconds(1));
  q.AddRateLimited("c");
  EXPECT_EQ(q.Len(), 0u);
  EXPECT_EQ(q.Get(), std::nullopt);
  EXPECT_TRUE(q.ShuttingDown());
}

TEST(QueueTest, ShutDownHandsOutWhatIsQueuedAndDropsWhatWaits) {
  Queue q(NoLimit());
  q.Add("a");
  q.Add("b");
  q.AddAfter("c", kForever);
  q.ShutDown();
  EXPECT_EQ(q.Get(), "a");
  EXPECT_EQ(q.Get(), "b");
  EXPECT_EQ(q.Get(), std::nullopt);
  EXPECT_EQ(q.metrics().waiting, 0u);
}

TEST(QueueTest, ShutDownWithDrainWaitsForDone) {
  Queue q(NoLimit());
  q.Add("a");
  ASSERT_EQ(q.Get(kPatience), "a");
  std::atomic<bool> done_called{false};
  std::atomic<bool> drained_after_done{false};
  std::atomic<bool> drained{false};
  std::thread drainer([&] {
    drained = q.ShutDownWithDrain(kPatience);
    drained_after_done = done_called.load();
  });
  // Wait (bounded) for the drainer to have shut the queue down.
  auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (!q.ShuttingDown()) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline);
    std::this_thread::sleep_for(milliseconds(1));
  }
  q.Add("a");  // refused: shutting down
  done_called = true;
  q.Done("a");
  drainer.join();
  EXPECT_TRUE(drained.load());
  EXPECT_TRUE(drained_after_done.load());
  EXPECT_EQ(q.Get(), std::nullopt);
}

TEST(QueueTest, ShutDownWithDrainGivesUpAfterTheBound) {
  Queue q(NoLimit());
  q.Add("a");
  ASSERT_EQ(q.Get(kPatience), "a");
  EXPECT_FALSE(q.ShutDownWithDrain(milliseconds(10)));
  q.Done("a");
  EXPECT_TRUE(q.ShutDownWithDrain(kPatience));
}

TEST(QueueTest, ReaddedWhileProcessingDuringShutdownIsStillHandedOut) {
  Queue q(NoLimit());
  q.Add("a");
  ASSERT_EQ(q.Get(kPatience), "a");
  q.Add("a");  // accepted before shutdown
  q.ShutDown();
  q.Done("a");
  EXPECT_EQ(q.Get(), "a");
  q.Done("a");
  EXPECT_EQ(q.Get(), std::nullopt);
}

TEST(QueueTest, MetricsReportLongestRunningAndLatency) {
  Queue q(NoLimit());
  q.Add("a");
  q.Add("b");
  ASSERT_EQ(q.Get(kPatience), "a");
  std::this_thread::sleep_for(milliseconds(2));
  QueueMetrics m = q.metrics();
  EXPECT_EQ(m.depth, 1u);
  EXPECT_EQ(m.processing, 1u);
  EXPECT_GT(m.longest_running_seconds, 0.0);
  EXPECT_GE(m.unfinished_work_seconds, m.longest_running_seconds);
  EXPECT_EQ(m.queue_latency.count(), 1u);
  q.Done("a");
  m = q.metrics();
  EXPECT_EQ(m.processing, 0u);
  EXPECT_EQ(m.longest_running_seconds, 0.0);
  EXPECT_EQ(m.work_duration.count(), 1u);
  EXPECT_GT(m.work_duration.sum(), 0.0);
}

}  // namespace
}  // namespace fedra::op::workqueue
