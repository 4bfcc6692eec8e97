// Store: watches, event history, persistence. See store.h.
#include <algorithm>

#include "tests/apiserver/json_util.h"
#include "tests/apiserver/store.h"

namespace fedra::apiserver {

json Store::ForWatcher(const Watcher& w, const json& obj) const {
  json out = obj;
  out["apiVersion"] = w.type->GroupVersion();
  return out;
}

bool Store::DeliverLocked(Watcher& w, const Event& e) {
  if (e.storage_key != w.type->StorageKey()) return true;
  if (w.type->namespaced && !w.options.ns.empty() && e.ns != w.options.ns) return true;
  auto matches = [&](const json* o) {
    return o && w.options.labels.Matches(*o) && w.options.fields.Matches(*o);
  };
  std::string type = e.type;
  bool now = matches(e.object.get());
  if (type == "MODIFIED" && e.previous) {
    bool before = matches(e.previous.get());
    if (!before && !now) return true;
    if (!before) type = "ADDED";
    if (!now) type = "DELETED";
  } else if (!now) {
    return true;
  }
  return w.sink->Send({{"type", type}, {"object", ForWatcher(w, *e.object)}});
}

void Store::RecordLocked(Event event) {
  for (auto it = watchers_.begin(); it != watchers_.end();) {
    if (!DeliverLocked(it->second, event)) {
      it->second.sink->Close();
      it = watchers_.erase(it);
    } else {
      ++it;
    }
  }
  history_.push_back(std::move(event));
  while (history_.size() > options_.history_size) {
    compacted_rv_ = history_.front().rv;
    history_.pop_front();
  }
}

ApiError Store::Watch(ResourcePtr type, WatchOptions options, std::shared_ptr<WatchSink> sink,
                      uint64_t* id) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string& rv_text = options.resource_version;
  uint64_t from = 0;
  bool initial_state = rv_text.empty() || rv_text == "0";
  if (!initial_state) {
    try {
      size_t used = 0;
      from = std::stoull(rv_text, &used);
      if (used != rv_text.size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      return ApiError::BadRequest("invalid resource version \"" + rv_text + "\"");
    }
  }
  Watcher w{next_watch_id_++, std::move(type), std::move(options), std::move(sink)};
  bool forced = force_gone_ > 0 && !initial_state;
  if (forced || (!initial_state && from < compacted_rv_)) {
    if (forced) --force_gone_;
    // Kubernetes answers 200 and then an ERROR event carrying the 410.
    ApiError gone = ApiError::Gone("too old resource version: " + std::to_string(from) + " (" +
                                   std::to_string(compacted_rv_ + 1) + ")");
    w.sink->Send({{"type", "ERROR"}, {"object", gone.ToStatus()}});
    w.sink->Close();
    *id = w.id;
    return ApiError();
  }
  bool alive = true;
  if (initial_state) {
    auto objs = objects_.find(w.type->StorageKey());
    if (objs != objects_.end()) {
      for (const auto& [key, obj] : objs->second) {
        Event e{"ADDED", 0, w.type->StorageKey(), MetaString(obj, "namespace"),
                std::make_shared<const json>(obj), nullptr};
        if (!(alive = DeliverLocked(w, e))) break;
      }
    }
  } else {
    for (const Event& e : history_) {
      if (e.rv <= from) continue;
      if (!(alive = DeliverLocked(w, e))) break;
    }
  }
  *id = w.id;
  if (!alive) {
    w.sink->Close();
    return ApiError();
  }
  watchers_.emplace(w.id, std::move(w));
  return ApiError();
}

void Store::CancelWatch(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = watchers_.find(id);
  if (it == watchers_.end()) return;
  it->second.sink->Close();
  watchers_.erase(it);
}

void Store::SendBookmarks() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = watchers_.begin(); it != watchers_.end();) {
    Watcher& w = it->second;
    bool alive = true;
    if (w.options.bookmarks) {
      json obj = {{"kind", w.type->kind},
                  {"apiVersion", w.type->GroupVersion()},
                  {"metadata", {{"resourceVersion", std::to_string(rv_)}}}};
      alive = w.sink->Send({{"type", "BOOKMARK"}, {"object", std::move(obj)}});
    }
    if (!alive) {
      w.sink->Close();
      it = watchers_.erase(it);
    } else {
      ++it;
    }
  }
}

void Store::ExpireWatches(std::chrono::steady_clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = watchers_.begin(); it != watchers_.end();) {
    if (it->second.options.deadline <= now || !it->second.sink->Alive()) {
      it->second.sink->Close();
      it = watchers_.erase(it);
    } else {
      ++it;
    }
  }
}

size_t Store::watch_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return watchers_.size();
}

void Store::DropAllWatches() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, w] : watchers_) w.sink->Close();
  watchers_.clear();
}

void Store::ForceGoneOnNextWatches(int n) {
  std::lock_guard<std::mutex> lock(mu_);
  force_gone_ = n;
}

json Store::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  json objects = json::array();
  for (const auto& [storage_key, objs] : objects_) {
    for (const auto& [key, obj] : objs) {
      objects.push_back({{"storageKey", storage_key}, {"object", obj}});
    }
  }
  return {{"resourceVersion", rv_}, {"objects", std::move(objects)}};
}

ApiError Store::Restore(const json& snapshot) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!snapshot.is_object() || !snapshot.contains("resourceVersion") ||
      !snapshot["resourceVersion"].is_number_unsigned() || !snapshot.contains("objects") ||
      !snapshot["objects"].is_array()) {
    return ApiError::BadRequest("state: expected {resourceVersion, objects}");
  }
  for (auto& [id, w] : watchers_) w.sink->Close();
  watchers_.clear();
  objects_.clear();
  history_.clear();
  registry_ = Registry();
  // CRDs first, so their resources exist before their objects arrive.
  for (const json& entry : snapshot["objects"]) {
    if (!entry.is_object() || !entry.contains("object") || !entry.contains("storageKey")) continue;
    if (entry["storageKey"] == "apiextensions.k8s.io/customresourcedefinitions") {
      ApiError err = registry_.ApplyCrd(entry["object"]);
      if (!err.ok()) return err;
    }
  }
  for (size_t i = 0; i < snapshot["objects"].size(); ++i) {
    const json& entry = snapshot["objects"][i];
    if (!entry.is_object() || !entry["storageKey"].is_string() || !entry["object"].is_object()) {
      return ApiError::BadRequest("state: objects[" + std::to_string(i) + "] is malformed");
    }
    const json& obj = entry["object"];
    objects_[entry["storageKey"].get<std::string>()][Key(MetaString(obj, "namespace"),
                                                         MetaString(obj, "name"))] = obj;
  }
  rv_ = snapshot["resourceVersion"].get<uint64_t>();
  compacted_rv_ = rv_;
  return ApiError();
}

void Store::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, w] : watchers_) w.sink->Close();
  watchers_.clear();
  objects_.clear();
  history_.clear();
  registry_ = Registry();
  // A new server starts a new history: versions from before are too old.
  uint64_t keep_rv = rv_;
  CreateDefaultNamespacesLocked();
  compacted_rv_ = std::max(compacted_rv_, keep_rv);
}

}  // namespace fedra::apiserver
