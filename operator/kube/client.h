// Client: a REST client for any Kubernetes group/version/resource.
//
// One Client talks to one API server (a RestConfig). Objects are
// nlohmann::json values exactly as the server sends them; the client never
// interprets fields except metadata.name/namespace (to build paths) and the
// list envelope (items, metadata.continue/resourceVersion).
//
// Every request:
//  - takes a token from the client's TokenBucket (qps/burst; fails with
//    kThrottled rather than wait longer than max_throttle_wait);
//  - presents the CredentialProvider's credentials (bearer token, client
//    certificate, basic auth) over TLS configured from the RestConfig
//    (CA, client certificate, insecure-skip-tls-verify, tls-server-name);
//  - on 401 refreshes refreshable credentials (token file, exec) once and
//    retries;
//  - on 429, or 500/503/504 with Retry-After, waits what the server asks
//    (capped at max_retry_after) and retries, up to max_retries times; the
//    last failure is returned as is, Retry-After included.
// Failures come back as ApiStatus (errors.h) carrying the Kubernetes reason.
//
// Thread safety: all methods may be called concurrently from any thread
// except cpprestsdk's own pool threads (the client blocks on its futures).
// The Client must outlive Watch objects built on it.
#ifndef FEDRA_OPERATOR_KUBE_CLIENT_H_
#define FEDRA_OPERATOR_KUBE_CLIENT_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fedra/status.h"
#include "operator/kube/config.h"
#include "operator/kube/errors.h"

namespace fedra::op::kube {

class CredentialProvider;
class TokenBucket;

struct GroupVersionResource {
  std::string group;     // "" for the core group
  std::string version;   // "v1"
  std::string resource;  // plural, lower case: "pods", "federatedpolicies"
  bool namespaced = true;

  // "v1" or "apps/v1".
  std::string GroupVersion() const;
  // "/api/v1" or "/apis/apps/v1".
  std::string ApiPrefix() const;
  // "deployments.v1.apps", "pods.v1" (for messages and map keys).
  std::string ToString() const;
  bool operator==(const GroupVersionResource& o) const {
    return group == o.group && version == o.version && resource == o.resource &&
           namespaced == o.namespaced;
  }
};

// The request path for a resource: namespaced resources with an empty `ns`
// address all namespaces (list/watch); `name` and `subresource` are appended
// when non-empty. Segments are percent-encoded.
std::string ResourcePath(const GroupVersionResource& gvr, std::string_view ns,
                         std::string_view name = {}, std::string_view subresource = {});

// Common resources.
namespace gvr {
GroupVersionResource Namespaces();
GroupVersionResource ConfigMaps();
GroupVersionResource Secrets();
GroupVersionResource Events();
GroupVersionResource Leases();                     // coordination.k8s.io/v1
GroupVersionResource CustomResourceDefinitions();  // apiextensions.k8s.io/v1
}  // namespace gvr

struct GetOptions {
  std::string resource_version;  // "" : most recent
  std::string subresource;       // e.g. "status"
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;        // "" : most recent (quorum read); "0": any
  std::string resource_version_match;  // "NotOlderThan" | "Exact" | ""
  int64_t limit = 0;                   // page size; 0: everything at once
  std::string continue_token;
  int timeout_seconds = 0;
};

struct WriteOptions {
  std::string field_manager;
  bool dry_run = false;     // dryRun=All
  std::string subresource;  // e.g. "status"
};

enum class PatchType {
  kMerge,           // application/merge-patch+json (RFC 7386)
  kJson,            // application/json-patch+json (RFC 6902), an array of ops
  kStrategicMerge,  // application/strategic-merge-patch+json (built-in kinds only)
  kApply,           // application/apply-patch+yaml (server-side apply; JSON is YAML)
};
std::string_view PatchContentType(PatchType type);

struct PatchOptions {
  std::string field_manager;  // required by the server for kApply
  bool force = false;         // kApply: take over conflicting fields
  bool dry_run = false;
  std::string subresource;
};

struct DeleteOptions {
  std::string propagation_policy;  // "Foreground" | "Background" | "Orphan" | ""
  std::optional<int64_t> grace_period_seconds;
  std::string precondition_uid;               // delete only this incarnation
  std::string precondition_resource_version;  // delete only this version
  bool dry_run = false;
};

// One entry of a discovery resource list.
struct ApiResource {
  GroupVersionResource gvr;
  std::string kind;
  std::vector<std::string> verbs;
  std::vector<std::string> short_names;
  bool has_status = false;  // a "<resource>/status" subresource is listed
};

struct ServerVersion {
  std::string major;
  std::string minor;
  std::string git_version;  // "v1.32.0"
  std::string platform;
};

// Cancels one in-flight streaming request from another thread. Reusable
// only via Reset() once no request uses it.
class Canceller {
 public:
  Canceller() = default;
  Canceller(const Canceller&) = delete;
  Canceller& operator=(const Canceller&) = delete;

  void Cancel();
  bool cancelled() const { return cancelled_.load(); }
  void Reset();

  // For the transport: runs `fn` on Cancel() (at once if already cancelled);
  // ClearHook() drops it before the request's state dies.
  void SetHook(std::function<void()> fn);
  void ClearHook();

 private:
  std::atomic<bool> cancelled_{false};
  std::mutex mu_;
  std::function<void()> hook_;  // guarded by mu_
};

class Client {
 public:
  // Checks the TLS material and prepares the HTTP clients. Sizes cpprestsdk's
  // thread pool on first use in the process (unless already sized).
  static Status Create(RestConfig config, std::unique_ptr<Client>* out);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // ---- objects ----
  // `ns` is ignored for cluster-scoped resources.
  ApiStatus Get(const GroupVersionResource& gvr, std::string_view ns, std::string_view name,
                nlohmann::json* out, const GetOptions& options = {});
  // One page: the list object as sent (items, metadata.continue,
  // metadata.resourceVersion). Namespaced resources with ns "" list all.
  ApiStatus List(const GroupVersionResource& gvr, std::string_view ns, const ListOptions& options,
                 nlohmann::json* out);
  // Every page (options.limit is the page size), items concatenated into one
  // list whose metadata.resourceVersion is the first page's (the snapshot
  // the pages belong to). When a continue token expires (410) the whole list
  // is fetched again without paging, as client-go's pager does.
  // At most max_pages pages.
  ApiStatus ListAll(const GroupVersionResource& gvr, std::string_view ns, ListOptions options,
                    nlohmann::json* out, int max_pages = 100000);
  // The namespace of namespaced resources is `ns`, or metadata.namespace
  // when `ns` is empty.
  ApiStatus Create(const GroupVersionResource& gvr, std::string_view ns, const nlohmann::json& obj,
                   nlohmann::json* out, const WriteOptions& options = {});
  // PUT of obj (name from metadata.name); metadata.resourceVersion, when set,
  // makes a stale update fail with Conflict.
  ApiStatus Update(const GroupVersionResource& gvr, std::string_view ns, const nlohmann::json& obj,
                   nlohmann::json* out, const WriteOptions& options = {});
  ApiStatus Patch(const GroupVersionResource& gvr, std::string_view ns, std::string_view name,
                  PatchType type, const nlohmann::json& patch, nlohmann::json* out,
                  const PatchOptions& options = {});
  // Server-side apply of `obj` (name from metadata.name).
  ApiStatus Apply(const GroupVersionResource& gvr, std::string_view ns, const nlohmann::json& obj,
                  std::string_view field_manager, bool force, nlohmann::json* out);
  // `out` (optional) receives what the server returned: the object (with
  // deletionTimestamp when finalizers hold it) or a Status.
  ApiStatus Delete(const GroupVersionResource& gvr, std::string_view ns, std::string_view name,
                   const DeleteOptions& options = {}, nlohmann::json* out = nullptr);

  // ---- the status subresource ----
  ApiStatus GetStatus(const GroupVersionResource& gvr, std::string_view ns, std::string_view name,
                      nlohmann::json* out);
  ApiStatus UpdateStatus(const GroupVersionResource& gvr, std::string_view ns,
                         const nlohmann::json& obj, nlohmann::json* out,
                         const WriteOptions& options = {});
  ApiStatus PatchStatus(const GroupVersionResource& gvr, std::string_view ns, std::string_view name,
                        PatchType type, const nlohmann::json& patch, nlohmann::json* out,
                        const PatchOptions& options = {});

  // ---- discovery ----
  ApiStatus GetServerVersion(ServerVersion* out);
  // /api and /apis: every group/version served ("v1", "apps/v1", ...).
  ApiStatus ServerGroupVersions(std::vector<std::string>* out);
  // The resource list of one group/version (subresources folded into
  // has_status; other subresources skipped).
  ApiStatus ServerResourcesFor(std::string_view group_version, std::vector<ApiResource>* out);
  // Maps apiVersion + kind to a resource ("apps/v1", "Deployment" ->
  // deployments.v1.apps, namespaced). Cached per group/version; a miss
  // refreshes that group/version once (a CRD may have just been created).
  ApiStatus ResourceFor(std::string_view api_version, std::string_view kind,
                        GroupVersionResource* out);
  void InvalidateDiscovery();

  // ---- raw access ----
  struct RawResponse {
    int status = 0;
    std::string body;
    std::string content_type;
    std::string retry_after;
  };
  // One request with the client's auth, rate limiting and retries.
  // `path_and_query` starts with '/'. Non-2xx answers are returned in `out`
  // with an OK ApiStatus; only transport-level failures are errors.
  ApiStatus Raw(std::string_view method, std::string_view path_and_query,
                std::string_view content_type, std::string_view body, RawResponse* out);
  // A streaming GET (watches): rate-limited and authenticated once, then
  // the body is delivered line by line (without the '\n'; a final line
  // without '\n' is delivered with truncated=true). `on_line` returns false
  // to stop reading. A non-2xx answer is returned as its ApiStatus (410 ->
  // kGone, 504 -> kTimeout) without calling on_line. Cancel via `cancel`
  // returns kCancelled promptly. Lines longer than max_line_bytes end the
  // stream with kBadResponse. No retries. The request's idle timeout is
  // `idle_timeout` (watches set it above their timeoutSeconds).
  using LineHandler = std::function<bool(std::string_view line, bool truncated)>;
  ApiStatus StreamLines(std::string_view path_and_query, const LineHandler& on_line,
                        Canceller* cancel, size_t max_line_bytes,
                        std::chrono::milliseconds idle_timeout);

  // Fails every current and future rate-limit wait (shutdown).
  void Shutdown();

  const RestConfig& config() const { return config_; }
  TokenBucket& rate_limiter() { return *limiter_; }
  CredentialProvider& credentials() { return *credentials_; }

  struct Metrics {
    uint64_t requests = 0;  // HTTP requests sent, retries included
    uint64_t retries = 0;   // 429/5xx/401 retries
    uint64_t errors = 0;    // calls that returned an error
  };
  Metrics metrics() const;

  struct Transport;  // cpprestsdk details (client.cc)

 private:
  explicit Client(RestConfig config);
  ApiStatus DoJson(std::string_view method, const std::string& path_and_query,
                   std::string_view content_type, const std::string* body, nlohmann::json* out);

  const RestConfig config_;
  std::unique_ptr<TokenBucket> limiter_;
  std::unique_ptr<CredentialProvider> credentials_;
  std::unique_ptr<Transport> transport_;
  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> retries_{0};
  std::atomic<uint64_t> errors_{0};

  std::mutex discovery_mu_;
  // group/version -> its resources
  std::map<std::string, std::vector<ApiResource>> discovery_;  // guarded by discovery_mu_
};

}  // namespace fedra::op::kube

#endif  // FEDRA_OPERATOR_KUBE_CLIENT_H_
