// Rate limiters decide how long a failed item waits before it is retried.
//
// Semantics follow client-go's workqueue rate limiters (facts, not code):
// - ItemExponentialLimiter: per item, base * 2^failures, capped at `max`;
//   Forget(item) resets the item's count. client-go's defaults are 5 ms and
//   1000 s.
// - BucketLimiter: one token bucket for all items (client-go: 10 qps, burst
//   100). When() reserves a token and returns how long to wait for it, so a
//   storm of failures is spread out even when each item is new.
// - MaxOfLimiter: the longest wait any of its limiters asks for; this is
//   client-go's DefaultControllerRateLimiter with the two above.
//
// Every limiter is thread-safe. Time comes from a Clock so tests can step it.
#ifndef FEDRA_OP_WORKQUEUE_RATE_LIMITER_H_
#define FEDRA_OP_WORKQUEUE_RATE_LIMITER_H_

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "operator/workqueue/thread_annotations.h"

namespace fedra::op::workqueue {

using Clock = std::chrono::steady_clock;
using Duration = std::chrono::nanoseconds;
// Returns the current time; the default reads Clock::now().
using NowFn = std::function<Clock::time_point()>;

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Records one more failure of `item` and returns how long it should wait.
  virtual Duration When(const std::string& item) = 0;
  // Stops tracking `item` (it succeeded); its next failure starts afresh.
  virtual void Forget(const std::string& item) = 0;
  // How many failures of `item` are being tracked.
  virtual int NumRequeues(const std::string& item) = 0;
};

class ItemExponentialLimiter : public RateLimiter {
 public:
  ItemExponentialLimiter(Duration base, Duration max);
  Duration When(const std::string& item) override;
  void Forget(const std::string& item) override;
  int NumRequeues(const std::string& item) override;

 private:
  const Duration base_;
  const Duration max_;
  std::mutex mu_;
  std::unordered_map<std::string, int> failures_ GUARDED_BY(mu_);
};

class BucketLimiter : public RateLimiter {
 public:
  // `qps` tokens per second refill a bucket of `burst` tokens (full at
  // start).
  BucketLimiter(double qps, int burst, NowFn now = nullptr);
  Duration When(const std::string& item) override;
  void Forget(const std::string&) override {}
  int NumRequeues(const std::string&) override { return 0; }

 private:
  const double qps_;
  const double burst_;
  const NowFn now_;
  std::mutex mu_;
  // May go negative: reservations made ahead of the refill.
  double tokens_ GUARDED_BY(mu_);
  Clock::time_point last_ GUARDED_BY(mu_);
};

class MaxOfLimiter : public RateLimiter {
 public:
  explicit MaxOfLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters);
  Duration When(const std::string& item) override;
  void Forget(const std::string& item) override;
  int NumRequeues(const std::string& item) override;

 private:
  const std::vector<std::unique_ptr<RateLimiter>> limiters_;
};

struct DefaultLimiterOptions {
  Duration base_delay = std::chrono::milliseconds(5);
  Duration max_delay = std::chrono::seconds(1000);
  double qps = 10;
  int burst = 100;
  NowFn now;  // null: the steady clock
};

// max(ItemExponentialLimiter(base, max), BucketLimiter(qps, burst)).
std::unique_ptr<RateLimiter> DefaultControllerRateLimiter(const DefaultLimiterOptions& o = {});

}  // namespace fedra::op::workqueue

#endif  // FEDRA_OP_WORKQUEUE_RATE_LIMITER_H_
