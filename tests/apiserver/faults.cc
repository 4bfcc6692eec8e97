#include "tests/apiserver/faults.h"

namespace fedra::apiserver {

void Faults::InjectErrors(int count, int code, int retry_after_seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  count_ = count;
  code_ = code;
  retry_after_ = retry_after_seconds;
}

void Faults::SetLatency(std::chrono::milliseconds latency) {
  std::lock_guard<std::mutex> lock(mu_);
  latency_ = latency;
}

std::chrono::milliseconds Faults::latency() const {
  std::lock_guard<std::mutex> lock(mu_);
  return latency_;
}

bool Faults::TakeError(ApiError* out) {
  std::lock_guard<std::mutex> lock(mu_);
  if (count_ <= 0) return false;
  --count_;
  if (code_ == 429) {
    *out = ApiError::TooManyRequests("Too many requests, please try again later.", retry_after_);
    return true;
  }
  std::string reason = code_ == 500   ? "InternalError"
                       : code_ == 503 ? "ServiceUnavailable"
                       : code_ == 504 ? "Timeout"
                                      : "";
  *out = ApiError::Generic(code_, reason, "injected fault: " + std::to_string(code_));
  if (retry_after_ > 0) out->set_retry_after(retry_after_);
  return true;
}

int Faults::pending_errors() const {
  std::lock_guard<std::mutex> lock(mu_);
  return count_;
}

void Faults::InjectGarbageWatches(int count) {
  std::lock_guard<std::mutex> lock(mu_);
  garbage_watches_ = count;
}

bool Faults::TakeGarbageWatch() {
  std::lock_guard<std::mutex> lock(mu_);
  if (garbage_watches_ <= 0) return false;
  --garbage_watches_;
  return true;
}

void Faults::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  count_ = 0;
  garbage_watches_ = 0;
  latency_ = std::chrono::milliseconds(0);
}

DelayQueue::DelayQueue() : thread_([this] { Loop(); }) {}

DelayQueue::~DelayQueue() { Stop(); }

void DelayQueue::Post(std::chrono::milliseconds delay, std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return;
  queue_.emplace(std::chrono::steady_clock::now() + delay, std::move(fn));
  cv_.notify_one();
}

void DelayQueue::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    queue_.clear();
    cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void DelayQueue::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (queue_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto first = queue_.begin();
    if (first->first > std::chrono::steady_clock::now()) {
      cv_.wait_until(lock, first->first);
      continue;
    }
    std::function<void()> fn = std::move(first->second);
    queue_.erase(first);
    lock.unlock();
    fn();
    lock.lock();
  }
}

}  // namespace fedra::apiserver
