// Store: the simulator's etcd plus the generic registry semantics of a
// kube-apiserver, for every resource type in its Registry.
//
// Promises (what clients can rely on, as with a real API server):
// - One global resourceVersion counter; every write (create, update,
//   deletion mark, delete) takes the next value, so list and watch versions
//   are comparable across types.
// - create: name (or generateName) checked, namespace must exist, uid,
//   creationTimestamp, generation 1; 409 AlreadyExists.
// - update: 409 Conflict when metadata.resourceVersion is set and stale;
//   generation bumps only when something outside metadata and status
//   changes; with a status subresource the main resource ignores status and
//   the status subresource changes status only.
// - delete: objects with finalizers get deletionTimestamp and stay until an
//   update removes the last finalizer; preconditions (uid, resourceVersion).
//   Deleting a namespace deletes its contents; deleting a CRD its objects.
// - list: label and field selectors, limit/continue paging (the continue
//   token resumes after the last key returned, against current state).
// - watch: from "" or "0" (synthetic ADDED events of the current state) or
//   from a resourceVersion replayed from a bounded history; a version older
//   than the history yields an ERROR event with a 410 Expired Status.
//   Label/field selector transitions turn MODIFIED into ADDED/DELETED.
//   Bookmarks and timeouts are driven by the owner (SendBookmarks,
//   ExpireWatches). Registration and dispatch happen under the store's lock,
//   so a list followed by a watch from its resourceVersion misses nothing.
//
// Schema pruning/defaulting/validation and admission happen above the
// store (see api.h). Thread-safe: one mutex guards everything; watch sinks
// are called under it and must not block.
#ifndef FEDRA_TESTS_APISERVER_STORE_H_
#define FEDRA_TESTS_APISERVER_STORE_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/apiserver/api_error.h"
#include "tests/apiserver/resources.h"
#include "tests/apiserver/selectors.h"

namespace fedra::apiserver {

using nlohmann::json;

struct ListOptions {
  LabelSelector labels;
  FieldSelector fields;
  int64_t limit = 0;  // 0: no paging
  std::string continue_token;
};

struct WriteOptions {
  bool dry_run = false;
  std::string subresource;  // "" or "status"
};

struct DeleteOptions {
  bool dry_run = false;
  std::string precondition_uid;
  std::string precondition_rv;
};

// Where a watch's events go. Called under the store's lock: must not block.
class WatchSink {
 public:
  virtual ~WatchSink() = default;
  // `event` is {"type": ..., "object": ...}. False: the client is gone.
  virtual bool Send(const json& event) = 0;
  // Ends the watch (timeout, dropped by a fault, or after a 410 ERROR).
  virtual void Close() = 0;
  // False once the client has gone away; polled by ExpireWatches.
  virtual bool Alive() const { return true; }
};

struct WatchOptions {
  std::string ns;  // "" : all namespaces
  LabelSelector labels;
  FieldSelector fields;
  std::string resource_version;
  bool bookmarks = false;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

struct StoreOptions {
  size_t history_size = 1000;  // watch events kept for resuming watches
};

class Store {
 public:
  explicit Store(StoreOptions options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Resource types (a snapshot; CRD changes replace entries).
  ResourcePtr Resolve(const std::string& group, const std::string& version,
                      const std::string& resource) const;
  ResourcePtr ResolveKind(const std::string& group, const std::string& version,
                          const std::string& kind) const;
  std::vector<ResourcePtr> Resources() const;
  std::vector<std::pair<std::string, std::vector<std::string>>> Groups() const;

  ApiError Get(const ResourceType& type, const std::string& ns, const std::string& name,
               json* out) const;
  // `out` becomes a <Kind>List.
  ApiError List(const ResourceType& type, const std::string& ns, const ListOptions& options,
                json* out) const;
  ApiError Create(const ResourceType& type, json obj, const WriteOptions& options, json* out);
  // Replaces the object named by obj.metadata (namespace and name).
  ApiError Update(const ResourceType& type, json obj, const WriteOptions& options, json* out);
  ApiError Delete(const ResourceType& type, const std::string& ns, const std::string& name,
                  const DeleteOptions& options, json* out);

  // Starts a watch; events for it flow to `sink` until it fails, times out,
  // is cancelled or dropped. Errors (bad version) come back before any event.
  ApiError Watch(ResourcePtr type, WatchOptions options, std::shared_ptr<WatchSink> sink,
                 uint64_t* id);
  void CancelWatch(uint64_t id);
  // Owner-driven upkeep.
  void SendBookmarks();
  // Closes watches past their deadline and forgets those whose client left.
  void ExpireWatches(std::chrono::steady_clock::time_point now);
  size_t watch_count() const;

  // Faults: close every watch now; make the next `n` watches fail with 410.
  void DropAllWatches();
  void ForceGoneOnNextWatches(int n);

  uint64_t resource_version() const;
  // Persistence: every object and the counter (not the watch history).
  json Snapshot() const;
  ApiError Restore(const json& snapshot);
  // Forgets everything, as a fresh server would (default namespaces remain).
  void Reset();

 private:
  struct Event {
    std::string type;
    uint64_t rv;
    std::string storage_key;
    std::string ns;
    std::shared_ptr<const json> object;
    std::shared_ptr<const json> previous;  // the object before a MODIFIED
  };
  struct Watcher {
    uint64_t id;
    ResourcePtr type;
    WatchOptions options;
    std::shared_ptr<WatchSink> sink;
  };
  using Objects = std::map<std::string, json>;  // "ns/name" -> object

  static std::string Key(const std::string& ns, const std::string& name) { return ns + "/" + name; }
  void CreateDefaultNamespacesLocked();
  uint64_t NextRvLocked();
  void RecordLocked(Event event);
  bool DeliverLocked(Watcher& w, const Event& e);
  json ForWatcher(const Watcher& w, const json& obj) const;
  ApiError CreateLocked(const ResourceType& type, json obj, const WriteOptions& options, json* out);
  ApiError DeleteLocked(const ResourceType& type, const std::string& ns, const std::string& name,
                        const DeleteOptions& options, json* out);
  void RemoveLocked(const std::string& storage_key, const std::string& key, bool dry_run);
  void OnCrdRemovedLocked(const json& crd);

  const StoreOptions options_;
  mutable std::mutex mu_;
  Registry registry_;                          // GUARDED_BY(mu_)
  std::map<std::string, Objects> objects_;     // GUARDED_BY(mu_) storage key -> objects
  uint64_t rv_ = 1;                            // GUARDED_BY(mu_)
  std::deque<Event> history_;                  // GUARDED_BY(mu_)
  uint64_t compacted_rv_ = 1;                  // GUARDED_BY(mu_) events after it are in history_
  std::map<uint64_t, Watcher> watchers_;       // GUARDED_BY(mu_)
  uint64_t next_watch_id_ = 1;                 // GUARDED_BY(mu_)
  int force_gone_ = 0;                         // GUARDED_BY(mu_)
};

// Kubernetes name rules: RFC 1123 subdomain (most kinds) or label (namespaces).
bool ValidSubdomain(const std::string& name);
bool ValidLabelName(const std::string& name);

}  // namespace fedra::apiserver

#endif  // FEDRA_TESTS_APISERVER_STORE_H_
