#include "operator/workqueue/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace fedra::op::workqueue {

ItemExponentialLimiter::ItemExponentialLimiter(Duration base, Duration max)
    : base_(base), max_(max) {}

Duration ItemExponentialLimiter::When(const std::string& item) {
  int exp;
  {
    std::lock_guard<std::mutex> lock(mu_);
    exp = failures_[item]++;
  }
  // Computed in double so that a long failure streak cannot overflow; past
  // 2^62 the cap has long been reached anyway.
  double nanos = static_cast<double>(base_.count()) * std::ldexp(1.0, std::min(exp, 62));
  if (nanos >= static_cast<double>(max_.count())) return max_;
  return Duration(static_cast<Duration::rep>(nanos));
}

void ItemExponentialLimiter::Forget(const std::string& item) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_.erase(item);
}

int ItemExponentialLimiter::NumRequeues(const std::string& item) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = failures_.find(item);
  return it == failures_.end() ? 0 : it->second;
}

BucketLimiter::BucketLimiter(double qps, int burst, NowFn now)
    : qps_(qps > 0 ? qps : 1e-9),
      burst_(std::max(burst, 1)),
      now_(now ? std::move(now) : NowFn([] { return Clock::now(); })),
      tokens_(burst_),
      last_(now_()) {}

Duration BucketLimiter::When(const std::string&) {
  std::lock_guard<std::mutex> lock(mu_);
  Clock::time_point now = now_();
  if (now > last_) {
    double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
    last_ = now;
  }
  tokens_ -= 1;  // the reservation: later callers wait behind it
  if (tokens_ >= 0) return Duration(0);
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(-tokens_ / qps_));
}

MaxOfLimiter::MaxOfLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters)
    : limiters_(std::move(limiters)) {}

Duration MaxOfLimiter::When(const std::string& item) {
  Duration longest(0);
  // Every limiter records the failure, not only the one that wins.
  for (const auto& l : limiters_) longest = std::max(longest, l->When(item));
  return longest;
}

void MaxOfLimiter::Forget(const std::string& item) {
  for (const auto& l : limiters_) l->Forget(item);
}

int MaxOfLimiter::NumRequeues(const std::string& item) {
  int most = 0;
  for (const auto& l : limiters_) most = std::max(most, l->NumRequeues(item));
  return most;
}

std::unique_ptr<RateLimiter> DefaultControllerRateLimiter(const DefaultLimiterOptions& o) {
  std::vector<std::unique_ptr<RateLimiter>> ls;
  ls.push_back(std::make_unique<ItemExponentialLimiter>(o.base_delay, o.max_delay));
  ls.push_back(std::make_unique<BucketLimiter>(o.qps, o.burst, o.now));
  return std::make_unique<MaxOfLimiter>(std::move(ls));
}

}  // namespace fedra::op::workqueue
