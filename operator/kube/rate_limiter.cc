#include "operator/kube/rate_limiter.h"

#include <algorithm>

namespace fedra::op::kube {

TokenBucket::TokenBucket(double qps, int burst)
    : qps_(qps), burst_(std::max(burst, 1)), tokens_(std::max(burst, 1)), last_(Clock::now()) {}

void TokenBucket::RefillLocked(Clock::time_point now) {
  if (now <= last_) return;
  double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min<double>(burst_, tokens_ + elapsed * qps_);
  last_ = now;
}

bool TokenBucket::TryAcquire() {
  if (qps_ <= 0) return true;
  std::lock_guard<std::mutex> lock(mu_);
  if (cancelled_) return false;
  RefillLocked(Clock::now());
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

bool TokenBucket::Acquire(std::chrono::milliseconds max_wait) {
  if (qps_ <= 0) {
    std::lock_guard<std::mutex> lock(mu_);
    return !cancelled_;
  }
  std::unique_lock<std::mutex> lock(mu_);
  if (cancelled_) return false;
  Clock::time_point now = Clock::now();
  RefillLocked(now);
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return true;
  }
  // The token is due once the debt (including earlier reservations) is paid.
  auto wait = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>((1.0 - tokens_) / qps_));
  if (wait > max_wait) return false;
  tokens_ -= 1.0;  // reserve it: later callers queue behind us
  Clock::time_point due = now + wait;
  ++waits_;
  total_wait_ += wait;
  cv_.wait_until(lock, due, [&] { return cancelled_; });
  if (cancelled_) {
    tokens_ += 1.0;  // give the reservation back
    return false;
  }
  return true;
}

void TokenBucket::Cancel() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
  }
  cv_.notify_all();
}

std::chrono::nanoseconds TokenBucket::total_wait() const {
  std::lock_guard<std::mutex> lock(mu_);
  return total_wait_;
}

uint64_t TokenBucket::waits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return waits_;
}

}  // namespace fedra::op::kube
