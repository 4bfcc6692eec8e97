#include "operator/controller/event_recorder.h"

#include <ctime>
#include <utility>

namespace fedra::op::controller {
namespace {

std::string Field(const nlohmann::json& obj, const char* a, const char* b = nullptr) {
  const nlohmann::json* at = &obj;
  for (const char* f : {a, b}) {
    if (f == nullptr) break;
    if (!at->is_object()) return "";
    auto it = at->find(f);
    if (it == at->end()) return "";
    at = &*it;
  }
  return at->is_string() ? at->get<std::string>() : "";
}

// Event timestamps are metav1.Time: RFC 3339 in whole seconds.
std::string TimeNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

EventRecorder::EventRecorder(kube::Client* client, EventRecorderOptions options)
    : client_(client), options_(std::move(options)) {
  sender_ = std::thread([this] { SenderLoop(); });
}

EventRecorder::~EventRecorder() { Stop(); }

void EventRecorder::Event(const nlohmann::json& object, std::string_view type,
                          std::string_view reason, std::string_view message) {
  Pending p;
  p.involved = {{"apiVersion", Field(object, "apiVersion")},
                {"kind", Field(object, "kind")},
                {"name", Field(object, "metadata", "name")}};
  std::string ns = Field(object, "metadata", "namespace");
  if (!ns.empty()) p.involved["namespace"] = ns;
  std::string uid = Field(object, "metadata", "uid");
  if (!uid.empty()) p.involved["uid"] = uid;
  std::string rv = Field(object, "metadata", "resourceVersion");
  if (!rv.empty()) p.involved["resourceVersion"] = rv;
  p.type = type;
  p.reason = reason;
  p.message = message;
  // Events about cluster-scoped objects live in "default", as kubectl
  // describe looks for them there.
  p.namespace_name = ns.empty() ? "default" : ns;
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_ || queue_.size() >= options_.max_queue) {
    ++stats_.dropped;
    return;
  }
  queue_.push_back(std::move(p));
  cv_.notify_all();
}

bool EventRecorder::Flush(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [this] { return queue_.empty() && !sending_; });
}

void EventRecorder::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (sender_.joinable()) sender_.join();
}

EventRecorderStats EventRecorder::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void EventRecorder::SenderLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping and nothing left
    Pending p = std::move(queue_.front());
    queue_.pop_front();
    sending_ = true;
    lock.unlock();
    Send(p);
    lock.lock();
    sending_ = false;
    cv_.notify_all();  // Flush
  }
}

void EventRecorder::Send(const Pending& p) {
  const std::string key =
      p.namespace_name + "|" + p.involved.dump() + "|" + p.type + "|" + p.reason + "|" + p.message;
  const std::string now = TimeNow();
  auto steady_now = std::chrono::steady_clock::now();
  auto it = sent_.find(key);
  if (it != sent_.end() && steady_now - it->second.at < options_.aggregation_window) {
    nlohmann::json patch = {{"count", it->second.count + 1}, {"lastTimestamp", now}};
    nlohmann::json out;
    kube::ApiStatus st = client_->Patch(kube::gvr::Events(), p.namespace_name, it->second.name,
                                        kube::PatchType::kMerge, patch, &out);
    if (st.ok()) {
      ++it->second.count;
      it->second.at = steady_now;
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.aggregated;
      return;
    }
    if (!kube::IsNotFound(st)) {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.errors;
      stats_.last_error = "event " + it->second.name + ": " + st.ToString();
      return;
    }
    sent_.erase(it);  // expired on the server: start a new Event
  }

  // client-go names events "<object>.<unique hex>".
  char suffix[32];
  uint64_t unique = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count()) +
                    seq_++;
  std::snprintf(suffix, sizeof(suffix), ".%llx", static_cast<unsigned long long>(unique));
  std::string base = p.involved.value("name", std::string("object"));
  std::string name = base.substr(0, 200) + suffix;
  nlohmann::json ev = {
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata", {{"name", name}, {"namespace", p.namespace_name}}},
      {"involvedObject", p.involved},
      {"type", p.type},
      {"reason", p.reason},
      {"message", p.message},
      {"source", {{"component", options_.component}, {"host", options_.instance}}},
      {"reportingComponent", options_.component},
      {"reportingInstance", options_.instance},
      {"firstTimestamp", now},
      {"lastTimestamp", now},
      {"count", 1},
  };
  nlohmann::json out;
  kube::ApiStatus st = client_->Create(kube::gvr::Events(), p.namespace_name, ev, &out);
  std::lock_guard<std::mutex> lock(mu_);
  if (!st.ok()) {
    ++stats_.errors;
    stats_.last_error = "event for " + base + ": " + st.ToString();
    return;
  }
  ++stats_.created;
  if (sent_.size() >= options_.max_remembered) sent_.clear();  // bounded; aggregation restarts
  sent_[key] = Sent{name, 1, steady_now};
}

}  // namespace fedra::op::controller
