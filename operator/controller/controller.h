// Controller: N workers that take keys from a rate-limited work queue and
// call a ReconcileFunc for each (reconcile.h).
//
// Promises:
// - A key is never reconciled by two workers at once (the queue's
//   processing set), and a key enqueued during its reconcile is reconciled
//   again afterwards (nothing is lost between the read and the write).
// - Whatever the reconciler does (returns, fails, throws) is turned into one
//   Result and applied to the queue by ActionFor(); exceptions become
//   errors and are retried with backoff.
// - Stop(grace) stops handing out keys, waits for in-flight reconciles to
//   finish and joins the workers. Reconcilers that can take long should
//   poll stopping(). Keys still queued are dropped: reconciliation is
//   level-based, so the next start (or the next leader) sees the same world.
// - metrics() is a consistent snapshot: reconciles by outcome, a latency
//   histogram, errors, the queue's own metrics.
//
// Thread-safe: Enqueue*, metrics() and stopping() from any thread (event
// handlers, other controllers); Start/Stop from one owner thread.
#ifndef FEDRA_OP_CONTROLLER_CONTROLLER_H_
#define FEDRA_OP_CONTROLLER_CONTROLLER_H_

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fedra/status.h"
#include "operator/controller/reconcile.h"
#include "operator/workqueue/histogram.h"
#include "operator/workqueue/queue.h"
#include "operator/workqueue/thread_annotations.h"

namespace fedra::op::controller {

struct ControllerOptions {
  std::string name = "controller";
  int workers = 1;
  // null: workqueue::DefaultControllerRateLimiter() (5 ms .. 1000 s per key,
  // 10 qps / burst 100 overall).
  std::unique_ptr<workqueue::RateLimiter> limiter;
  // Called (from a worker) for every failed reconcile; for logs.
  std::function<void(const Key&, const Status&)> on_error;
};

struct ControllerMetrics {
  std::array<uint64_t, kOutcomeCount> reconciles{};  // indexed by Outcome
  uint64_t exceptions = 0;                           // reconciler threw (also counted as kError)
  uint64_t invalid_keys = 0;                         // queue items that did not decode (dropped)
  int active_workers = 0;                            // inside Reconcile right now
  workqueue::Histogram latency;                      // seconds per Reconcile call
  std::string last_error;                            // "key: message" of the latest failure
  workqueue::QueueMetrics queue;

  uint64_t count(Outcome o) const { return reconciles[static_cast<int>(o)]; }
  uint64_t total() const;
};

class Controller {
 public:
  Controller(ControllerOptions options, ReconcileFunc reconcile);
  ~Controller();  // Stop() if running
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  void Enqueue(const Key& key);
  void EnqueueAfter(const Key& key, std::chrono::milliseconds delay);

  // Starts the workers. Once only; a stopped controller cannot restart
  // (make a new one: its queue has been shut down).
  Status Start();
  // Stops as described above. Idempotent. Returns false if in-flight
  // reconciles outlived `grace` (the workers are still joined).
  bool Stop(std::chrono::milliseconds grace = std::chrono::seconds(30));
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  bool running() const { return running_.load(std::memory_order_acquire); }

  ControllerMetrics metrics() const LOCKS_EXCLUDED(mu_);
  const std::string& name() const { return name_; }
  workqueue::Queue& queue() { return queue_; }

 private:
  void Worker();
  void ProcessOne(const std::string& item) LOCKS_EXCLUDED(mu_);

  const std::string name_;
  const int workers_count_;
  const ReconcileFunc reconcile_;
  const std::function<void(const Key&, const Status&)> on_error_;
  workqueue::Queue queue_;

  std::atomic<bool> running_{false};
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> workers_;  // owner thread only

  mutable std::mutex mu_;
  ControllerMetrics counters_ GUARDED_BY(mu_);  // without queue metrics
};

}  // namespace fedra::op::controller

#endif  // FEDRA_OP_CONTROLLER_CONTROLLER_H_
