// ListerWatcher: where an informer gets its objects from. The real one
// lists and watches one resource through kube::Client; tests may supply an
// in-memory one to exercise the store and reflector logic alone (the
// informer's end-to-end tests use the API-server simulator).
//
// Contract of an implementation:
// - List returns every object (all pages) and the resourceVersion of the
//   snapshot they belong to.
// - NewWatch returns a stream of changes after `resource_version`. Run
//   delivers events in order on the calling thread and returns with a
//   kube::WatchResult saying why it ended (kExpired: the version is too
//   old, relist). Stop (any thread) makes Run return promptly with kStopped.
// Thread safety: List and NewWatch may be called from one thread at a time;
// a stream's Stop from any thread.
#ifndef FEDRA_OP_INFORMER_LISTER_WATCHER_H_
#define FEDRA_OP_INFORMER_LISTER_WATCHER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "operator/kube/client.h"
#include "operator/kube/errors.h"
#include "operator/kube/watch.h"

namespace fedra::op::informer {

class WatchStream {
 public:
  virtual ~WatchStream() = default;
  virtual kube::WatchResult Run(const kube::WatchHandler& handler) = 0;
  virtual void Stop() = 0;
};

class ListerWatcher {
 public:
  virtual ~ListerWatcher() = default;
  virtual kube::ApiStatus List(std::vector<nlohmann::json>* items,
                               std::string* resource_version) = 0;
  virtual std::unique_ptr<WatchStream> NewWatch(const std::string& resource_version) = 0;
  // For messages: "pods.v1 in ns".
  virtual std::string Describe() const = 0;
};

struct ResourceSelector {
  kube::GroupVersionResource gvr;
  std::string namespace_name;  // "" : all namespaces (or cluster-scoped)
  std::string label_selector;
  std::string field_selector;
};

struct KubeListerWatcherOptions {
  int64_t page_size = 500;  // client-go's pager default
  int watch_timeout_seconds = 300;
  std::chrono::milliseconds watch_backoff_initial{200};
  std::chrono::milliseconds watch_backoff_max{10000};
  // Dropped connections the watch itself reconnects from (from the last
  // version seen) before it gives up and the informer relists.
  int watch_max_consecutive_failures = 8;
};

// Lists with paging (Client::ListAll) and watches with kube::Watch, which
// reconnects from the last version seen after dropped connections and asks
// for bookmarks. `client` must outlive it.
std::unique_ptr<ListerWatcher> NewKubeListerWatcher(kube::Client* client, ResourceSelector what,
                                                    KubeListerWatcherOptions options = {});

}  // namespace fedra::op::informer

#endif  // FEDRA_OP_INFORMER_LISTER_WATCHER_H_
