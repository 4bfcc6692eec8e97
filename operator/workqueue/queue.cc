#include "operator/workqueue/queue.h"

#include <algorithm>
#include <utility>

namespace fedra::op::workqueue {
namespace {

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

Queue::Queue(QueueOptions options)
    : name_(std::move(options.name)),
      limiter_(options.limiter ? std::move(options.limiter) : DefaultControllerRateLimiter()) {}

Queue::~Queue() { ShutDown(); }

void Queue::AddLocked(const std::string& item, Clock::time_point now) {
  if (shutting_down_) return;
  if (dirty_.count(item)) {
    ++counters_.deduplicated;
    return;
  }
  dirty_.emplace(item, now);
  ++counters_.adds;
  // Queued again by Done() once the worker holding it lets go.
  if (processing_.count(item)) return;
  queue_.push_back(item);
  ready_cv_.notify_one();
}

void Queue::Add(const std::string& item) {
  std::lock_guard<std::mutex> lock(mu_);
  AddLocked(item, Clock::now());
}

void Queue::AddAfter(const std::string& item, Duration delay) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return;
  Clock::time_point now = Clock::now();
  if (delay <= Duration(0)) {
    AddLocked(item, now);
    return;
  }
  Clock::time_point due = now + std::chrono::duration_cast<Clock::duration>(delay);
  auto [it, inserted] = waiting_due_.emplace(item, due);
  if (!inserted) {
    if (it->second <= due) return;  // already waiting, and for less
    it->second = due;
  }
  waiting_heap_.push(Waiting{due, seq_++, item});
  // A sleeping Get() may now have an earlier deadline to wake for.
  ready_cv_.notify_all();
}

void Queue::AddRateLimited(const std::string& item) {
  Duration wait = limiter_->When(item);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shutting_down_) return;
    ++counters_.retries;
  }
  AddAfter(item, wait);
}

void Queue::Forget(const std::string& item) { limiter_->Forget(item); }

int Queue::NumRequeues(const std::string& item) { return limiter_->NumRequeues(item); }

std::optional<Clock::time_point> Queue::PromoteDueLocked(Clock::time_point now) {
  while (!waiting_heap_.empty()) {
    const Waiting& top = waiting_heap_.top();
    auto it = waiting_due_.find(top.item);
    if (it == waiting_due_.end() || it->second != top.due) {
      waiting_heap_.pop();  // stale: re-delayed earlier, or already promoted
      continue;
    }
    if (top.due > now) return top.due;
    std::string item = top.item;
    waiting_heap_.pop();
    waiting_due_.erase(it);
    AddLocked(item, now);
  }
  return std::nullopt;
}

std::optional<std::string> Queue::Get() { return GetUntil(std::nullopt); }

std::optional<std::string> Queue::Get(Duration timeout) {
  return GetUntil(Clock::now() + std::chrono::duration_cast<Clock::duration>(timeout));
}

std::optional<std::string> Queue::GetUntil(std::optional<Clock::time_point> deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    Clock::time_point now = Clock::now();
    std::optional<Clock::time_point> next_due = PromoteDueLocked(now);
    if (!queue_.empty()) break;
    if (shutting_down_) return std::nullopt;
    if (deadline && now >= *deadline) return std::nullopt;
    std::optional<Clock::time_point> wake = next_due;
    if (deadline && (!wake || *deadline < *wake)) wake = deadline;
    if (wake) {
      ready_cv_.wait_until(lock, *wake);
    } else {
      ready_cv_.wait(lock);
    }
  }
  std::string item = std::move(queue_.front());
  queue_.pop_front();
  Clock::time_point now = Clock::now();
  auto d = dirty_.find(item);
  if (d != dirty_.end()) {
    counters_.queue_latency.Observe(Seconds(now - d->second));
    dirty_.erase(d);
  }
  processing_.emplace(item, now);
  return item;
}

void Queue::Done(const std::string& item) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = processing_.find(item);
  if (it == processing_.end()) return;  // not handed out: nothing to finish
  counters_.work_duration.Observe(Seconds(Clock::now() - it->second));
  ++counters_.completed;
  processing_.erase(it);
  if (dirty_.count(item)) {
    // Added while it was processing: it may be handed out again now. Even
    // during shutdown, so that ShutDown never loses work already accepted.
    queue_.push_back(item);
    ready_cv_.notify_one();
  }
  if (processing_.empty()) drained_cv_.notify_all();
}

size_t Queue::Len() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

void Queue::ShutDown() {
  std::lock_guard<std::mutex> lock(mu_);
  shutting_down_ = true;
  waiting_heap_ = {};
  waiting_due_.clear();
  ready_cv_.notify_all();
}

bool Queue::ShutDownWithDrain(Duration timeout) {
  ShutDown();
  std::unique_lock<std::mutex> lock(mu_);
  return drained_cv_.wait_for(lock, timeout, [this] { return processing_.empty(); });
}

bool Queue::ShuttingDown() const {
  std::lock_guard<std::mutex> lock(mu_);
  return shutting_down_;
}

QueueMetrics Queue::metrics() const {
  std::lock_guard<std::mutex> lock(mu_);
  QueueMetrics m = counters_;
  m.depth = queue_.size();
  m.waiting = waiting_due_.size();
  m.processing = processing_.size();
  Clock::time_point now = Clock::now();
  for (const auto& [item, since] : processing_) {
    double s = Seconds(now - since);
    m.unfinished_work_seconds += s;
    m.longest_running_seconds = std::max(m.longest_running_seconds, s);
  }
  return m;
}

}  // namespace fedra::op::workqueue
