#include "operator/informer/informer.h"

#include <algorithm>
#include <exception>
#include <random>
#include <utility>

namespace fedra::op::informer {
namespace {

std::chrono::milliseconds Jittered(std::chrono::milliseconds d, double jitter) {
  if (jitter <= 0) return d;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> dist(0.0, jitter);
  return std::chrono::milliseconds(
      static_cast<int64_t>(static_cast<double>(d.count()) * (1.0 + dist(rng))));
}

}  // namespace

void StripManagedFields(nlohmann::json* obj) {
  if (!obj->is_object()) return;
  auto md = obj->find("metadata");
  if (md != obj->end() && md->is_object()) md->erase("managedFields");
}

Informer::Informer(std::unique_ptr<ListerWatcher> source, InformerOptions options)
    : source_(std::move(source)),
      options_(std::move(options)),
      name_(options_.name.empty() && source_ ? source_->Describe() : options_.name),
      store_(options_.indexers) {}

std::unique_ptr<Informer> Informer::ForResource(kube::Client* client, ResourceSelector what,
                                                InformerOptions options,
                                                KubeListerWatcherOptions lw) {
  return std::make_unique<Informer>(NewKubeListerWatcher(client, std::move(what), lw),
                                    std::move(options));
}

Informer::~Informer() { Stop(); }

void Informer::AddEventHandler(EventHandler handler) {
  std::lock_guard<std::mutex> lock(dispatch_mu_);
  if (synced_.load(std::memory_order_acquire) && handler.on_add) {
    for (const ObjectPtr& obj : store_.List()) handler.on_add(obj, true);
  }
  handlers_.push_back(std::move(handler));
}

Status Informer::Start() {
  if (!source_) return Status::InvalidArgument("informer " + name_ + ": no lister-watcher");
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (started_ || stopping_)
      return Status::InvalidArgument("informer " + name_ + ": already started");
    started_ = true;
  }
  reflector_ = std::thread([this] { ReflectorLoop(); });
  if (options_.resync_period.count() > 0) resync_ = std::thread([this] { ResyncLoop(); });
  return Status::OK();
}

void Informer::RequestStop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    if (current_watch_ != nullptr) current_watch_->Stop();
    cv_.notify_all();
  }
  // Waits out a handler call in progress; Dispatch sees stopping_ after.
  std::lock_guard<std::mutex> dispatch(dispatch_mu_);
}

void Informer::Stop() {
  RequestStop();
  if (reflector_.joinable()) reflector_.join();
  if (resync_.joinable()) resync_.join();
}

bool Informer::WaitForSync(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, timeout, [this] { return HasSynced() || stopping_; });
  return HasSynced();
}

InformerStats Informer::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

bool Informer::SleepUnlessStopped(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return stopping_; });
}

void Informer::RecordError(const std::string& what, bool list) {
  std::lock_guard<std::mutex> lock(mu_);
  if (list) {
    ++stats_.list_errors;
  } else {
    ++stats_.watch_errors;
  }
  stats_.last_error = name_ + ": " + what;
}

void Informer::ReflectorLoop() {
  std::chrono::milliseconds backoff = options_.backoff_initial;
  for (;;) {
    std::string error;
    bool relist_now = ListAndWatch(&error);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    if (relist_now) {
      backoff = options_.backoff_initial;  // the version expired: no failure
      continue;
    }
    if (!SleepUnlessStopped(Jittered(backoff, options_.jitter))) return;
    backoff = std::min(backoff * 2, options_.backoff_max);
  }
}

bool Informer::ListAndWatch(std::string* error) {
  std::vector<nlohmann::json> items;
  std::string rv;
  kube::ApiStatus st = source_->List(&items, &rv);
  if (!st.ok()) {
    *error = "list: " + st.ToString();
    RecordError(*error, /*list=*/true);
    return false;
  }
  std::vector<ObjectPtr> objects;
  objects.reserve(items.size());
  for (nlohmann::json& o : items) {
    if (options_.transform) options_.transform(&o);
    objects.push_back(std::make_shared<const nlohmann::json>(std::move(o)));
  }
  items.clear();
  size_t skipped = 0;
  {
    std::lock_guard<std::mutex> dispatch(dispatch_mu_);
    std::vector<Delta> deltas = store_.Replace(std::move(objects), &skipped);
    Dispatch(deltas, /*from_list=*/true);
    synced_.store(true, std::memory_order_release);
  }
  std::unique_ptr<WatchStream> stream = source_->NewWatch(rv);
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.lists;
    stats_.skipped_objects += skipped;
    stats_.resource_version = rv;
    cv_.notify_all();  // WaitForSync
    if (stopping_) return false;
    current_watch_ = stream.get();
  }
  kube::WatchResult result =
      stream->Run([this](const kube::WatchEvent& ev) { return HandleWatchEvent(ev); });
  {
    std::lock_guard<std::mutex> lock(mu_);
    current_watch_ = nullptr;
    if (stopping_) return false;
    if (!result.resource_version.empty()) stats_.resource_version = result.resource_version;
  }
  switch (result.end) {
    case kube::WatchEnd::kExpired: {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.relists_on_gone;
      return true;
    }
    case kube::WatchEnd::kGatewayTimeout:
    case kube::WatchEnd::kClosed:
      return true;  // no failure: start over from a fresh list
    case kube::WatchEnd::kStopped:
    case kube::WatchEnd::kHandlerStopped:
      return false;  // only on Stop (checked by the caller)
    case kube::WatchEnd::kError:
      break;
  }
  *error = "watch: " + result.status.ToString();
  RecordError(*error, /*list=*/false);
  return false;
}

bool Informer::HandleWatchEvent(const kube::WatchEvent& ev) {
  if (ev.type == kube::EventType::kError) return true;  // the Watch acts on it
  if (ev.type == kube::EventType::kBookmark) {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.bookmarks;
    if (!ev.resource_version.empty()) stats_.resource_version = ev.resource_version;
    return !stopping_;
  }
  nlohmann::json copy = ev.object;
  if (options_.transform) options_.transform(&copy);
  auto obj = std::make_shared<const nlohmann::json>(std::move(copy));
  bool applied = false;
  {
    std::lock_guard<std::mutex> dispatch(dispatch_mu_);
    Delta d;
    if (ev.type == kube::EventType::kDeleted) {
      // A delete of an object never seen (deleted before the list) is not
      // news to anyone.
      applied = store_.Remove(KeyOf(*obj), obj, &d);
    } else {
      // A version the store already holds is not news. The API server's
      // contract makes this impossible, but a list whose pages were not
      // one snapshot (seen with the simulator) would otherwise deliver
      // the same version twice: once from the list, once from the watch.
      ObjectPtr current = store_.Get(KeyOf(*obj));
      if (current && !ev.resource_version.empty() &&
          ResourceVersionOf(*current) == ResourceVersionOf(*obj)) {
        std::lock_guard<std::mutex> lock(mu_);
        ++stats_.duplicate_events;
        return !stopping_;
      }
      applied = store_.Upsert(obj, &d);
    }
    if (applied) Dispatch({d}, /*from_list=*/false);
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (applied) {
    ++stats_.watch_events;
  } else if (ev.type != kube::EventType::kDeleted) {
    ++stats_.skipped_objects;
  }
  if (!ev.resource_version.empty()) stats_.resource_version = ev.resource_version;
  return !stopping_;
}

void Informer::Dispatch(const std::vector<Delta>& deltas, bool from_list) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;  // RequestStop promised no handler runs after it
  }
  for (const Delta& d : deltas) {
    for (const EventHandler& h : handlers_) {
      try {
        switch (d.type) {
          case Delta::kAdded:
            if (h.on_add) h.on_add(d.new_object, from_list);
            break;
          case Delta::kUpdated:
            if (h.on_update) h.on_update(d.old_object, d.new_object);
            break;
          case Delta::kDeleted:
            if (h.on_delete) h.on_delete(d.old_object, d.final_state_unknown);
            break;
        }
      } catch (const std::exception& e) {
        // A handler bug must not stop the cache for every other handler.
        std::lock_guard<std::mutex> lock(mu_);
        stats_.last_error = name_ + ": event handler threw: " + e.what();
      }
    }
  }
}

void Informer::ResyncLoop() {
  for (;;) {
    if (!SleepUnlessStopped(options_.resync_period)) return;
    if (!HasSynced()) continue;
    std::lock_guard<std::mutex> dispatch(dispatch_mu_);
    std::vector<Delta> all;
    for (ObjectPtr& obj : store_.List()) all.push_back(Delta{Delta::kUpdated, obj, obj, false});
    Dispatch(all, /*from_list=*/false);
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.resyncs;
  }
}

}  // namespace fedra::op::informer
