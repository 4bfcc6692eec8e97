// Queue: the controller work queue. Items are opaque string keys
// ("namespace/name" and the like); the queue never carries event payloads.
//
// Promises (the same as client-go's workqueue, whose semantics this follows):
// - De-duplication: an item added while it is already queued stays one item.
// - No concurrent processing: Get() marks an item "processing" until Done().
//   An item added while processing is not handed out again until Done(); it
//   is then queued once, however often it was added meanwhile. So one key is
//   never held by two workers at the same time.
// - Delays: AddAfter(item, d) makes the item ready d from now. An item that is
//   waiting and is delayed again keeps the earlier time; an item that is
//   already queued stays queued. Waiters in Get() sleep until the earliest
//   due time (no timer thread).
// - Rate limiting: AddRateLimited(item) waits as long as the RateLimiter says
//   (per-item backoff, overall token bucket); Forget(item) resets it.
// - Shutdown: ShutDown() refuses further adds and drops waiting (delayed)
//   items; Get() still hands out what is queued and returns nullopt once the
//   queue is empty. ShutDownWithDrain() also waits, up to a bound, until every
//   handed-out item is Done.
// - metrics() returns a consistent snapshot (depth, adds, retries, longest
//   running item, work and queue-latency histograms).
//
// Thread-safe: every method may be called from any thread. One mutex guards
// all state; the rate limiter is called outside it.
#ifndef FEDRA_OP_WORKQUEUE_QUEUE_H_
#define FEDRA_OP_WORKQUEUE_QUEUE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "operator/workqueue/histogram.h"
#include "operator/workqueue/rate_limiter.h"
#include "operator/workqueue/thread_annotations.h"

namespace fedra::op::workqueue {

struct QueueMetrics {
  size_t depth = 0;           // queued, ready to be handed out
  size_t waiting = 0;         // delayed, not yet due
  size_t processing = 0;      // handed out, not yet Done
  uint64_t adds = 0;          // adds that made new work
  uint64_t deduplicated = 0;  // adds folded into work already pending
  uint64_t retries = 0;       // AddRateLimited calls
  uint64_t completed = 0;     // Done calls
  // Seconds the longest-running processing item has been held, and the sum
  // over all of them (client-go's "unfinished work").
  double longest_running_seconds = 0;
  double unfinished_work_seconds = 0;
  Histogram work_duration;  // Get -> Done
  Histogram queue_latency;  // ready (added or due) -> Get
};

struct QueueOptions {
  std::string name;                      // for people and metrics
  std::unique_ptr<RateLimiter> limiter;  // null: DefaultControllerRateLimiter()
};

class Queue {
 public:
  explicit Queue(QueueOptions options = {});
  ~Queue();
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  void Add(const std::string& item) LOCKS_EXCLUDED(mu_);
  // Adds `item` once `delay` has passed (at once when delay <= 0).
  void AddAfter(const std::string& item, Duration delay) LOCKS_EXCLUDED(mu_);
  // AddAfter(item, limiter.When(item)).
  void AddRateLimited(const std::string& item) LOCKS_EXCLUDED(mu_);
  // The item succeeded: its backoff starts afresh. Does not remove it.
  void Forget(const std::string& item);
  int NumRequeues(const std::string& item);

  // Blocks until an item is ready and returns it, marked processing; nullopt
  // once shut down and empty. The caller must call Done(item).
  std::optional<std::string> Get() LOCKS_EXCLUDED(mu_);
  // As Get(), but gives up after `timeout` (nullopt also on timeout; check
  // ShuttingDown() to tell the two apart).
  std::optional<std::string> Get(Duration timeout) LOCKS_EXCLUDED(mu_);
  void Done(const std::string& item) LOCKS_EXCLUDED(mu_);

  size_t Len() const LOCKS_EXCLUDED(mu_);  // queued and ready
  void ShutDown() LOCKS_EXCLUDED(mu_);
  // ShutDown(), then waits until nothing is processing. False if `timeout`
  // passed first.
  bool ShutDownWithDrain(Duration timeout) LOCKS_EXCLUDED(mu_);
  bool ShuttingDown() const LOCKS_EXCLUDED(mu_);

  QueueMetrics metrics() const LOCKS_EXCLUDED(mu_);
  const std::string& name() const { return name_; }

 private:
  struct Waiting {
    Clock::time_point due;
    uint64_t seq;  // FIFO among equal due times
    std::string item;
    bool operator>(const Waiting& o) const { return due != o.due ? due > o.due : seq > o.seq; }
  };

  void AddLocked(const std::string& item, Clock::time_point now) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Moves due waiting items to the queue; returns the next due time, if any.
  std::optional<Clock::time_point> PromoteDueLocked(Clock::time_point now)
      EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::optional<std::string> GetUntil(std::optional<Clock::time_point> deadline)
      LOCKS_EXCLUDED(mu_);

  const std::string name_;
  const std::unique_ptr<RateLimiter> limiter_;

  mutable std::mutex mu_;
  std::condition_variable ready_cv_;    // queue gained an item, or shutdown
  std::condition_variable drained_cv_;  // processing became empty
  std::deque<std::string> queue_ GUARDED_BY(mu_);
  // Queued or to be queued after Done; the time it became ready.
  std::unordered_map<std::string, Clock::time_point> dirty_ GUARDED_BY(mu_);
  // Handed out; when.
  std::unordered_map<std::string, Clock::time_point> processing_ GUARDED_BY(mu_);
  // Delayed items: a min-heap with lazy deletion. waiting_due_ holds each
  // item's current due time; a heap entry whose time differs is stale.
  std::priority_queue<Waiting, std::vector<Waiting>, std::greater<Waiting>> waiting_heap_
      GUARDED_BY(mu_);
  std::unordered_map<std::string, Clock::time_point> waiting_due_ GUARDED_BY(mu_);
  uint64_t seq_ GUARDED_BY(mu_) = 0;
  bool shutting_down_ GUARDED_BY(mu_) = false;
  QueueMetrics counters_ GUARDED_BY(mu_);  // counts and histograms only
};

}  // namespace fedra::op::workqueue

#endif  // FEDRA_OP_WORKQUEUE_QUEUE_H_
