// Watch: a Kubernetes watch stream for one resource (and namespace).
//
// Run() issues GET ...?watch=1&resourceVersion=..&allowWatchBookmarks=true
// &timeoutSeconds=.., reads the chunked response line by line (each line one
// JSON watch event) and hands events to the handler on the calling thread,
// in order. Each event's metadata.resourceVersion is remembered; when the
// server ends the stream normally (timeoutSeconds) or the connection breaks,
// Run reconnects from the last version seen, with exponential backoff for
// failures, so no change is missed or repeated (the API server's contract).
//
// Run returns (WatchResult.end says why) when:
//  - kStopped:    Stop() was called (from any thread; Run returns promptly);
//  - kHandlerStopped: the handler returned false;
//  - kExpired:    410: an ERROR event with code 410 inside the stream, or a
//                 410 answer to the request. The version is too old: the
//                 caller must relist (informers do);
//  - kGatewayTimeout: a 504 answer (the server could not start the watch in
//                 time); the caller decides whether to relist or rewatch;
//  - kClosed:     the stream ended normally and options.reconnect is false;
//  - kError:      a non-retryable answer (403/404/400, ...; a 401 is retried
//                 once with refreshed credentials), or
//                 max_consecutive_failures retryable failures in a row, or
//                 (reconnect false) any failure. WatchResult.status says what.
// ERROR events are handed to the handler too (with `error` parsed) before
// Run acts on them. Lines that are not a JSON watch event (garbage, a
// truncated last line, an unknown type, an object without metadata) are
// never delivered: they count as a failure (on_error gets a clear message
// naming the line number), the connection is dropped and, in reconnect mode,
// re-established from the last good version.
//
// Thread safety: Run from one thread at a time; Stop from any thread at any
// time (before, during or after Run; a stopped Watch stays stopped).
#ifndef FEDRA_OPERATOR_KUBE_WATCH_H_
#define FEDRA_OPERATOR_KUBE_WATCH_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "operator/kube/client.h"
#include "operator/kube/errors.h"

namespace fedra::op::kube {

enum class EventType { kAdded, kModified, kDeleted, kBookmark, kError };
std::string_view EventTypeName(EventType type);  // "ADDED", ...

struct WatchEvent {
  EventType type = EventType::kAdded;
  nlohmann::json object;  // the object; for kError the Status object
  ApiStatus error;        // kError only: the Status, classified (IsGone ...)
  // object.metadata.resourceVersion ("" for kError).
  std::string resource_version;
};

struct WatchOptions {
  std::string resource_version;  // where to start; "" : now (no initial events)
  std::string label_selector;
  std::string field_selector;
  bool allow_bookmarks = true;
  // Asked of the server per connection; 0: let the server choose. The
  // client's idle timeout is set above it.
  int timeout_seconds = 300;
  bool reconnect = true;
  // Backoff between failed attempts: initial, doubling, capped, with jitter.
  std::chrono::milliseconds backoff_initial{200};
  std::chrono::milliseconds backoff_max{10000};
  // Retryable failures in a row (no event received in between) before Run
  // gives up with kError; 0: never give up (until Stop).
  int max_consecutive_failures = 8;
  size_t max_line_bytes = 16u << 20;
  // Called for each failure Run recovers from (or is about to return with):
  // dropped connection, garbage line, retryable HTTP error.
  std::function<void(const ApiStatus&)> on_error;
};

enum class WatchEnd { kStopped, kHandlerStopped, kExpired, kGatewayTimeout, kClosed, kError };
std::string_view WatchEndName(WatchEnd end);

struct WatchResult {
  WatchEnd end = WatchEnd::kStopped;
  ApiStatus status;              // the error for kExpired/kGatewayTimeout/kError
  std::string resource_version;  // the last version seen (to resume from)
  uint64_t events = 0;           // events delivered (ERROR events included)
  uint64_t connections = 0;      // requests made
  uint64_t failures = 0;         // failures recovered from or returned
};

// Returns false to end Run with kHandlerStopped.
using WatchHandler = std::function<bool(const WatchEvent& event)>;

class Watch {
 public:
  // `client` must outlive the Watch.
  Watch(Client* client, GroupVersionResource gvr, std::string ns, WatchOptions options);
  Watch(const Watch&) = delete;
  Watch& operator=(const Watch&) = delete;

  WatchResult Run(const WatchHandler& handler);
  void Stop();
  bool stopped() const { return stopped_.load(); }

 private:
  std::string BuildPath(const std::string& resource_version) const;
  bool SleepUnlessStopped(std::chrono::milliseconds d);

  Client* const client_;
  const GroupVersionResource gvr_;
  const std::string ns_;
  const WatchOptions options_;
  std::atomic<bool> stopped_{false};
  Canceller canceller_;
  std::mutex mu_;
  std::condition_variable cv_;  // wakes backoff sleeps on Stop
};

// Parses one watch line into `out` (exposed for tests). Errors say what is
// wrong ("not JSON at byte 12", "type \"FOO\" unknown", "object has no
// metadata.resourceVersion").
ApiStatus ParseWatchEvent(std::string_view line, WatchEvent* out);

}  // namespace fedra::op::kube

#endif  // FEDRA_OPERATOR_KUBE_WATCH_H_
