// Informer: keeps a Store in step with one resource on an API server and
// tells event handlers what changed (client-go's reflector + informer).
//
// The reflector thread:
//   1. lists every object (paged) and Replaces the store: handlers get
//      OnAdd for new objects, OnUpdate for objects whose resourceVersion
//      changed and OnDelete (final_state_unknown) for objects that vanished
//      while nothing was watching;
//   2. watches from the list's resourceVersion. Dropped connections resume
//      from the last version seen (bookmarks advance it), so no change is
//      lost or repeated;
//   3. on 410 Gone (the version fell out of the server's history) relists
//      at once; on other failures waits (exponential backoff with jitter)
//      and relists. The relist diff in (1) makes the final state exact.
// Periodic resync (when resync_period > 0) hands every stored object to
// OnUpdate(obj, obj) so controllers re-check the world.
//
// Ordering: the store is written before handlers run, handlers run one
// event at a time, in event order, on the informer's threads (reflector or
// resync, never both at once). Handlers must be quick (enqueue a key) and
// must not call AddEventHandler, Start or Stop. A handler added after the
// first sync first gets OnAdd for every object already stored.
//
// Thread safety: store() and the read-only accessors from any thread;
// AddEventHandler from any thread except inside a handler; Start/Stop from
// the owner.
#ifndef FEDRA_OP_INFORMER_INFORMER_H_
#define FEDRA_OP_INFORMER_INFORMER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fedra/status.h"
#include "operator/informer/lister_watcher.h"
#include "operator/informer/store.h"
#include "operator/kube/client.h"
#include "operator/workqueue/thread_annotations.h"

namespace fedra::op::informer {

struct EventHandler {
  // initial_list: the object arrived with a list (first sync or relist)
  // rather than a watch event.
  std::function<void(const ObjectPtr& obj, bool initial_list)> on_add;
  std::function<void(const ObjectPtr& old_obj, const ObjectPtr& new_obj)> on_update;
  // final_state_unknown: found missing on a relist; obj is the last state
  // seen (a tombstone), not the state at deletion.
  std::function<void(const ObjectPtr& obj, bool final_state_unknown)> on_delete;
};

// A handler that calls `fn` for every add, update and delete (level-based
// controllers that reconcile one key whatever changed).
inline EventHandler CallOnAnyChange(std::function<void()> fn) {
  EventHandler h;
  h.on_add = [fn](const ObjectPtr&, bool) { fn(); };
  h.on_update = [fn](const ObjectPtr&, const ObjectPtr&) { fn(); };
  h.on_delete = [fn](const ObjectPtr&, bool) { fn(); };
  return h;
}

struct InformerOptions {
  std::string name;  // for messages; default: the ListerWatcher's description
  std::chrono::milliseconds resync_period{0};  // 0: never
  // Between failed list/watch cycles: initial, doubling, capped; each wait
  // is scaled by a random factor in [1, 1 + jitter) (client-go: 800 ms,
  // 30 s, jitter 1.0).
  std::chrono::milliseconds backoff_initial{800};
  std::chrono::milliseconds backoff_max{30000};
  double jitter = 1.0;
  std::map<std::string, IndexFunc> indexers;  // besides namespace and labels
  // Applied to every object before it is stored (client-go's
  // TransformFunc): drop what no reader needs to save memory, e.g.
  // StripManagedFields. Must not change metadata.name/namespace/
  // resourceVersion.
  std::function<void(nlohmann::json* obj)> transform;
};

// A transform that drops metadata.managedFields (server-side apply
// bookkeeping, often the largest part of a small object).
void StripManagedFields(nlohmann::json* obj);

struct InformerStats {
  uint64_t lists = 0;            // successful lists (the first sync included)
  uint64_t relists_on_gone = 0;  // relists caused by 410
  uint64_t list_errors = 0;
  uint64_t watch_errors = 0;  // watch cycles that ended in an error
  uint64_t watch_events = 0;  // ADDED/MODIFIED/DELETED applied
  uint64_t bookmarks = 0;
  uint64_t duplicate_events = 0;  // versions the store already had (dropped)
  uint64_t resyncs = 0;
  uint64_t skipped_objects = 0;  // objects without metadata.name
  std::string resource_version;  // the last one seen
  std::string last_error;
};

class Informer {
 public:
  Informer(std::unique_ptr<ListerWatcher> source, InformerOptions options);
  // The usual case: one resource through a client (which must outlive it).
  static std::unique_ptr<Informer> ForResource(kube::Client* client, ResourceSelector what,
                                               InformerOptions options = {},
                                               KubeListerWatcherOptions lw = {});
  ~Informer();  // Stop()
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  void AddEventHandler(EventHandler handler) LOCKS_EXCLUDED(dispatch_mu_);

  // Starts the reflector (and resync) threads. Once only.
  Status Start();
  // Stops the watch and joins the threads. A List in flight finishes first
  // (bounded by the client's request timeout: plain requests cannot be
  // cancelled). Idempotent.
  void Stop();
  // The part of Stop that does not wait for threads: once it returns no
  // handler is running and none will run again, even while a List is still
  // in flight. Stop() (or the destructor) joins later.
  void RequestStop();

  // True once the first list has been stored and its events delivered.
  bool HasSynced() const { return synced_.load(std::memory_order_acquire); }
  // Waits (bounded) for HasSynced; false on timeout or Stop.
  bool WaitForSync(std::chrono::milliseconds timeout) const;

  const Store& store() const { return store_; }
  InformerStats stats() const LOCKS_EXCLUDED(mu_);
  const std::string& name() const { return name_; }

 private:
  void ReflectorLoop();
  void ResyncLoop();
  // One list + watch cycle. Returns true when it ended because the version
  // expired (relist at once), false after an error (back off first) or Stop.
  bool ListAndWatch(std::string* error);
  bool HandleWatchEvent(const kube::WatchEvent& ev);
  void Dispatch(const std::vector<Delta>& deltas, bool from_list)
      EXCLUSIVE_LOCKS_REQUIRED(dispatch_mu_);
  bool SleepUnlessStopped(std::chrono::milliseconds d) LOCKS_EXCLUDED(mu_);
  void RecordError(const std::string& what, bool list) LOCKS_EXCLUDED(mu_);

  const std::unique_ptr<ListerWatcher> source_;
  const InformerOptions options_;
  const std::string name_;
  Store store_;

  // Serialises store writes with handler calls, so handlers see events in
  // the order the store took them (reflector and resync threads).
  std::mutex dispatch_mu_;
  std::vector<EventHandler> handlers_ GUARDED_BY(dispatch_mu_);

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;  // stop, sync
  bool stopping_ GUARDED_BY(mu_) = false;
  bool started_ GUARDED_BY(mu_) = false;
  WatchStream* current_watch_ GUARDED_BY(mu_) = nullptr;
  InformerStats stats_ GUARDED_BY(mu_);
  std::atomic<bool> synced_{false};

  std::thread reflector_;
  std::thread resync_;
};

}  // namespace fedra::op::informer

#endif  // FEDRA_OP_INFORMER_INFORMER_H_
