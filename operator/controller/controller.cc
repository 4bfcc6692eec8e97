#include "operator/controller/controller.h"

#include <exception>
#include <utility>

namespace fedra::op::controller {

uint64_t ControllerMetrics::total() const {
  uint64_t n = 0;
  for (uint64_t c : reconciles) n += c;
  return n;
}

namespace {

workqueue::QueueOptions QueueOptionsFor(ControllerOptions& o) {
  workqueue::QueueOptions q;
  q.name = o.name;
  q.limiter = std::move(o.limiter);
  return q;
}

}  // namespace

Controller::Controller(ControllerOptions options, ReconcileFunc reconcile)
    : name_(options.name),
      workers_count_(options.workers < 1 ? 1 : options.workers),
      reconcile_(std::move(reconcile)),
      on_error_(std::move(options.on_error)),
      queue_(QueueOptionsFor(options)) {}

Controller::~Controller() { Stop(); }

void Controller::Enqueue(const Key& key) { queue_.Add(key.Encode()); }

void Controller::EnqueueAfter(const Key& key, std::chrono::milliseconds delay) {
  queue_.AddAfter(key.Encode(), delay);
}

Status Controller::Start() {
  if (!reconcile_)
    return Status::InvalidArgument("controller " + name_ + ": no reconcile function");
  if (running_.load() || stopping_.load()) {
    return Status::InvalidArgument("controller " + name_ + ": already started");
  }
  running_.store(true, std::memory_order_release);
  for (int i = 0; i < workers_count_; ++i) workers_.emplace_back([this] { Worker(); });
  return Status::OK();
}

bool Controller::Stop(std::chrono::milliseconds grace) {
  stopping_.store(true, std::memory_order_release);
  // Workers see stopping_ before they reconcile anything handed out from
  // now on; the drain waits for the reconciles already running.
  bool drained = queue_.ShutDownWithDrain(grace);
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
  workers_.clear();
  running_.store(false, std::memory_order_release);
  return drained;
}

void Controller::Worker() {
  while (std::optional<std::string> item = queue_.Get()) {
    if (stopping()) {
      queue_.Done(*item);
      break;
    }
    ProcessOne(*item);
    queue_.Done(*item);
  }
}

void Controller::ProcessOne(const std::string& item) {
  Key key;
  if (!Key::Decode(item, &key)) {
    // Only Enqueue puts items in, so this is a bug somewhere; retrying
    // cannot fix it.
    queue_.Forget(item);
    std::lock_guard<std::mutex> lock(mu_);
    ++counters_.invalid_keys;
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++counters_.active_workers;
  }
  bool threw = false;
  Result result;
  auto start = std::chrono::steady_clock::now();
  try {
    result = reconcile_(key);
  } catch (const std::exception& e) {
    threw = true;
    result = Result::Error(Status::Internal(std::string("reconciler threw: ") + e.what()));
  } catch (...) {
    threw = true;
    result = Result::Error(Status::Internal("reconciler threw a non-standard exception"));
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  QueueAction action = ActionFor(result);
  if (action.forget) queue_.Forget(item);
  if (action.rate_limited) queue_.AddRateLimited(item);
  if (action.add_after.count() > 0) queue_.AddAfter(item, action.add_after);

  if (!result.ok() && on_error_) on_error_(key, result.error());
  std::lock_guard<std::mutex> lock(mu_);
  --counters_.active_workers;
  ++counters_.reconciles[static_cast<int>(action.outcome)];
  if (threw) ++counters_.exceptions;
  counters_.latency.Observe(seconds);
  if (!result.ok()) counters_.last_error = key.ToString() + ": " + result.error().ToString();
}

ControllerMetrics Controller::metrics() const {
  ControllerMetrics m;
  {
    std::lock_guard<std::mutex> lock(mu_);
    m = counters_;
  }
  m.queue = queue_.metrics();
  return m;
}

}  // namespace fedra::op::controller
