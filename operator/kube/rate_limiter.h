// TokenBucket: client-side rate limiting as client-go does it (QPS refill,
// burst capacity; defaults 5/10 in RestConfig).
//
// Acquire reserves a token and sleeps until it is due, like Go's
// rate.Limiter.Wait: callers are served in order of arrival and the bucket
// may go into debt. It never sleeps longer than `max_wait`: when the
// reservation would be due later it fails at once without taking a token
// (no pointless sleeping), and Cancel() wakes every sleeper.
//
// Thread safety: all methods may be called concurrently.
#ifndef FEDRA_OPERATOR_KUBE_RATE_LIMITER_H_
#define FEDRA_OPERATOR_KUBE_RATE_LIMITER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace fedra::op::kube {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // qps <= 0: unlimited (Acquire always succeeds at once).
  TokenBucket(double qps, int burst);
  TokenBucket(const TokenBucket&) = delete;
  TokenBucket& operator=(const TokenBucket&) = delete;

  // Takes one token, sleeping until it is due. False when it would be due
  // after `max_wait`, or when Cancel() was called (before or during).
  bool Acquire(std::chrono::milliseconds max_wait);
  // Takes a token only if one is available now.
  bool TryAcquire();
  // Fails current and future Acquire calls.
  void Cancel();

  double qps() const { return qps_; }
  int burst() const { return burst_; }
  // Total time callers were told to sleep, and how many Acquire calls had to.
  std::chrono::nanoseconds total_wait() const;
  uint64_t waits() const;

 private:
  void RefillLocked(Clock::time_point now);

  const double qps_;
  const int burst_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  double tokens_;                           // guarded by mu_; may be negative (reserved)
  Clock::time_point last_;                  // guarded by mu_
  bool cancelled_ = false;                  // guarded by mu_
  std::chrono::nanoseconds total_wait_{0};  // guarded by mu_
  uint64_t waits_ = 0;                      // guarded by mu_
};

}  // namespace fedra::op::kube

#endif  // FEDRA_OPERATOR_KUBE_RATE_LIMITER_H_
