// A bundle client speaking OPA's bundle service protocol (cpprestsdk).
//
// Protocol, as OPA's downloader does it:
// - `GET <url>` with `If-None-Match: <etag of the last bundle>`; 200 carries
//   a new bundle and its `ETag`, 304 means "unchanged" (nothing delivered).
// - Long polling: once a response has `Content-Type:
//   application/vnd.openpolicyagent.bundles` the server is known to support
//   it, and later requests carry `Prefer: modes=snapshot;wait=<N>`: the
//   server holds the request until the bundle changes or N seconds pass
//   (then 304), and the client asks again at once. Every request also sends
//   `Accept: application/vnd.openpolicyagent.bundles, application/gzip`.
//   Without long polling the client polls every [min_delay, max_delay]
//   (uniformly jittered). A "long poll" answered 304 at once (something in
//   between dropped Prefer) is followed by a backoff_base pause, not a spin.
// - Failures (connection errors, non-200/304 statuses, bundles that fail to
//   read or verify) back off exponentially: d = backoff_base * 2^(n-1)
//   capped at backoff_max, each delay drawn from [d/2, d]; a success resets.
// - A bundle that reads and verifies is handed to the callback. When the
//   callback accepts it (returns OK) it becomes the active bundle and is
//   persisted; when it rejects it (e.g. it does not compile) the old one
//   stays active, the failure is recorded in status(), and the same ETag is
//   not fetched again until the server's bundle changes.
// - Persistence: with persist_dir set, the last accepted bundle's raw bytes
//   and ETag are saved atomically (write to a temporary file, fsync, rename)
//   and LoadPersisted() reads them back at start, so an engine that restarts
//   while the bundle server is unreachable keeps enforcing.
//
// Threading: Start() runs one polling thread; the callback runs on it (never
// on a cpprestsdk pool thread), one bundle at a time. Stop() cancels an
// in-flight request and returns promptly (bounded by the pool's reaction to
// cancellation, not by long-poll or backoff durations). status() may be
// called from any thread. The process should size cpprestsdk's thread pool
// before first use; if nobody has, the client sizes it to 2 threads.
#ifndef FEDRA_BUNDLE_CLIENT_H_
#define FEDRA_BUNDLE_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "bundle/bundle.h"
#include "fedra/status.h"

namespace fedra::bundle {

struct ClientOptions {
  std::string url;                             // http:// or https://
  std::string bearer_token;                    // sent as `Authorization: Bearer <token>`
  std::string ca_file;                         // PEM CA bundle for https (else system CAs)
  std::chrono::seconds long_poll_timeout{30};  // 0 disables long polling
  std::chrono::milliseconds min_delay{10000};  // polling without long poll
  std::chrono::milliseconds max_delay{20000};
  std::chrono::milliseconds backoff_base{200};
  std::chrono::milliseconds backoff_max{30000};
  // Bound on one request without long polling (connect + response). A long
  // poll gets long_poll_timeout + this.
  std::chrono::milliseconds request_timeout{30000};
  std::string persist_dir;  // "" disables persistence
  ReadOptions read;         // limits and signature verification
};

// What the client knows, for status reports and /health?bundles.
struct ClientStatus {
  std::string active_revision;  // revision of the last accepted bundle
  std::string etag;             // ETag sent in If-None-Match
  int64_t last_request_unix_ns = 0;
  int64_t last_successful_request_unix_ns = 0;   // 200 or 304
  int64_t last_successful_download_unix_ns = 0;  // 200 with a readable bundle
  int64_t last_successful_activation_unix_ns = 0;
  Status last_error;  // last request error; OK after a 200 or 304
  // Why the last downloaded bundle was not activated (unreadable, bad
  // signature, rejected by the callback); OK once a bundle is activated.
  Status last_activation_error;
  uint64_t downloads = 0;     // 200 responses
  uint64_t not_modified = 0;  // 304 responses
  uint64_t activations = 0;   // bundles the callback accepted
  uint64_t failures = 0;      // failed requests, reads and activations
  uint32_t consecutive_failures = 0;
  bool long_polling = false;      // the server announced long-poll support
  bool loaded_from_disk = false;  // the active bundle came from persist_dir
};

class Client {
 public:
  // Called with each new verified bundle (bundle.etag is set). Returning an
  // error rejects the bundle; the previous one stays active.
  using Callback = std::function<Status(const Bundle& bundle)>;

  Client(ClientOptions options, Callback on_bundle);
  ~Client();  // Stop()
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Reads the bundle saved in persist_dir (verifying it with options.read)
  // and hands it to the callback on the calling thread. NotFound when
  // nothing is saved; an error when the saved bundle is unreadable or
  // rejected. Call before Start().
  Status LoadPersisted();

  // Starts the polling thread. Errors: no URL, a bad URL scheme, already
  // started.
  Status Start();
  // Stops polling; idempotent; safe to call from any thread but the
  // callback.
  void Stop();

  // One request, on the calling thread, without waiting before or after
  // (for tests and manual triggers). Must not be mixed with Start().
  Status PollOnce();

  ClientStatus status() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Persistence helpers (used by Client; exposed for tests and tools).
// SaveBundleFile writes <dir>/bundle.tar.gz then <dir>/bundle.etag, each
// atomically; LoadBundleFile reads them (etag "" when its file is missing).
Status SaveBundleFile(const std::string& dir, std::string_view raw, std::string_view etag);
Status LoadBundleFile(const std::string& dir, std::string* raw, std::string* etag);

}  // namespace fedra::bundle

#endif  // FEDRA_BUNDLE_CLIENT_H_
