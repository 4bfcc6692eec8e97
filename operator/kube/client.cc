// Client: requests over cpprestsdk (the Transport) and the REST verbs.
// Discovery is in discovery.cc.
// clang-format off
#include "http/cpprest_pool.h"
#include <utility>  // before Asio/cpprestsdk: Boost 1.74 with C++20 needs it
// clang-format on

#include "operator/kube/client.h"

#include <cpprest/http_client.h>
#include <cpprest/producerconsumerstream.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <pplx/threadpool.h>

#include <condition_variable>
#include <thread>

#include "operator/kube/auth.h"
#include "operator/kube/pem.h"
#include "operator/kube/rate_limiter.h"

namespace fedra::op::kube {

namespace http = web::http;
namespace http_client = web::http::client;

namespace {

// What a request without Retry-After waits before retrying a 429.
constexpr std::chrono::seconds kDefaultRetryAfter{1};


bool Unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string Encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (Unreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// Builds "?a=1&b=2" from the non-empty pairs.
class Query {
 public:
  Query& Add(std::string_view key, std::string_view value) {
    if (value.empty()) return *this;
    out_ += out_.empty() ? '?' : '&';
    out_ += Encode(key);
    out_ += '=';
    out_ += Encode(value);
    return *this;
  }
  const std::string& str() const { return out_; }

 private:
  std::string out_;
};

void AddWriteOptions(Query* q, std::string_view field_manager, bool dry_run) {
  q->Add("fieldManager", field_manager);
  if (dry_run) q->Add("dryRun", "All");
}

std::string ObjectString(const nlohmann::json& obj, const char* field) {
  auto m = obj.find("metadata");
  if (m == obj.end() || !m->is_object()) return "";
  auto f = m->find(field);
  if (f == m->end() || !f->is_string()) return "";
  return f->get<std::string>();
}

// The namespace for a write: the argument, else the object's.
std::string WriteNamespace(const GroupVersionResource& gvr, std::string_view ns,
                           const nlohmann::json& obj) {
  if (!gvr.namespaced) return "";
  if (!ns.empty()) return std::string(ns);
  return ObjectString(obj, "namespace");
}

// Installs the CA and client certificate of one connection's TLS context.
// The PEM was checked when the client was built; failures here leave the
// context without that material and the handshake fails visibly.
void ConfigureSsl(boost::asio::ssl::context& ctx, const std::string& ca_pem,
                  const std::string& cert_pem, const std::string& key_pem) {
  SSL_CTX* ssl = ctx.native_handle();
  if (!ca_pem.empty()) {
    // Only the configured CA is trusted, as client-go does: replace the
    // store that set_default_verify_paths filled with the system roots.
    X509_STORE* store = X509_STORE_new();
    BIO* bio = BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size()));
    while (X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
      X509_STORE_add_cert(store, x);
      X509_free(x);
    }
    BIO_free(bio);
    SSL_CTX_set_cert_store(ssl, store);
  }
  if (!cert_pem.empty() && !key_pem.empty()) {
    BIO* bio = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
    if (X509* leaf = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
      SSL_CTX_use_certificate(ssl, leaf);
      X509_free(leaf);
      while (X509* extra = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
        SSL_CTX_add_extra_chain_cert(ssl, extra);  // takes ownership
      }
    }
    BIO_free(bio);
    bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
    if (EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr)) {
      SSL_CTX_use_PrivateKey(ssl, key);
      EVP_PKEY_free(key);
    }
    BIO_free(bio);
  }
  ERR_clear_error();
}

// Reads a whole response body, refusing more than `max` bytes. Blocks; never
// call on a cpprestsdk pool thread. Throws what cpprestsdk throws.
bool ReadBody(http::http_response& response, size_t max, std::string* out) {
  auto sb = response.body().streambuf();
  std::vector<uint8_t> buf(64 * 1024);
  out->clear();
  while (true) {
    size_t n = sb.getn(buf.data(), buf.size()).get();
    if (n == 0) break;
    if (out->size() + n > max) return false;
    out->append(reinterpret_cast<const char*>(buf.data()), n);
  }
  response.content_ready().get();  // surfaces a broken connection
  return true;
}

std::string HeaderValue(const http::http_headers& headers, const char* name) {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

}  // namespace

// ---- Transport ----------------------------------------------------------------

struct Client::Transport {
  explicit Transport(const RestConfig& c) : config(c) {}

  // An http_client for these credentials' client certificate (exec plugins
  // may rotate it) and this idle timeout. Pooled connections are reused
  // across requests with the same pair.
  std::shared_ptr<http_client::http_client> For(const Credentials& creds,
                                                std::chrono::milliseconds timeout, bool shared) {
    std::string key = creds.client_cert_pem + '\0' + creds.client_key_pem;
    std::lock_guard<std::mutex> lock(mu);
    if (shared && client && key == client_key && timeout == config.timeout) return client;
    http_client::http_client_config cfg;
    cfg.set_timeout(timeout);
    cfg.set_validate_certificates(!config.insecure_skip_tls_verify);
    cfg.set_chunksize(64 * 1024);
    std::string ca = config.ca_pem;
    std::string cert = creds.client_cert_pem;
    std::string pkey = creds.client_key_pem;
    cfg.set_ssl_context_callback(
        [ca, cert, pkey](boost::asio::ssl::context& ctx) { ConfigureSsl(ctx, ca, cert, pkey); });
    auto c = std::make_shared<http_client::http_client>(web::uri(config.server), cfg);
    if (shared && timeout == config.timeout) {
      client = c;
      client_key = key;
    }
    return c;
  }

  // Sleeps unless shut down; false when shut down.
  bool Sleep(std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> lock(mu);
    return !cv.wait_for(lock, d, [&] { return shutdown; });
  }

  http::http_request BuildRequest(std::string_view method, std::string_view path_and_query,
                                  std::string_view content_type, std::string_view body,
                                  const Credentials& creds) {
    http::http_request req{std::string(method)};
    req.set_request_uri(web::uri(std::string(path_and_query)));
    auto& h = req.headers();
    h.add("Accept", "application/json");
    h.add("User-Agent", config.user_agent);
    if (!config.tls_server_name.empty()) {
      // cpprestsdk takes the name for SNI and certificate verification
      // from the Host header; it is also what the request carries.
      h.add("Host", config.tls_server_name);
    }
    if (!creds.bearer_token.empty()) {
      h.add("Authorization", "Bearer " + creds.bearer_token);
    } else if (!creds.username.empty()) {
      h.add("Authorization", "Basic " + EncodeBase64(creds.username + ":" + creds.password));
    }
    if (!content_type.empty() || !body.empty()) {
      req.set_body(
          std::string(body),
          std::string(content_type.empty() ? std::string_view("application/json") : content_type));
    }
    return req;
  }

  const RestConfig config;
  std::mutex mu;
  std::condition_variable cv;
  bool shutdown = false;                             // guarded by mu
  std::shared_ptr<http_client::http_client> client;  // guarded by mu
  std::string client_key;                            // guarded by mu
};

// ---- GroupVersionResource -------------------------------------------------------

std::string GroupVersionResource::GroupVersion() const {
  return group.empty() ? version : group + "/" + version;
}

std::string GroupVersionResource::ApiPrefix() const {
  return group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
}

std::string GroupVersionResource::ToString() const {
  std::string s = resource + "." + version;
  if (!group.empty()) s += "." + group;
  return s;
}

std::string ResourcePath(const GroupVersionResource& gvr, std::string_view ns,
                         std::string_view name, std::string_view subresource) {
  std::string p = gvr.ApiPrefix();
  if (gvr.namespaced && !ns.empty()) p += "/namespaces/" + Encode(ns);
  p += "/" + gvr.resource;
  if (!name.empty()) p += "/" + Encode(name);
  if (!subresource.empty()) p += "/" + Encode(subresource);
  return p;
}

namespace gvr {
GroupVersionResource Namespaces() { return {"", "v1", "namespaces", false}; }
GroupVersionResource ConfigMaps() { return {"", "v1", "configmaps", true}; }
GroupVersionResource Secrets() { return {"", "v1", "secrets", true}; }
GroupVersionResource Events() { return {"", "v1", "events", true}; }
GroupVersionResource Leases() { return {"coordination.k8s.io", "v1", "leases", true}; }
GroupVersionResource CustomResourceDefinitions() {
  return {"apiextensions.k8s.io", "v1", "customresourcedefinitions", false};
}
}  // namespace gvr

std::string_view PatchContentType(PatchType type) {
  switch (type) {
    case PatchType::kMerge:
      return "application/merge-patch+json";
    case PatchType::kJson:
      return "application/json-patch+json";
    case PatchType::kStrategicMerge:
      return "application/strategic-merge-patch+json";
    case PatchType::kApply:
      return "application/apply-patch+yaml";
  }
  return "application/merge-patch+json";
}

// ---- Canceller ------------------------------------------------------------------

void Canceller::Cancel() {
  std::function<void()> hook;
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    hook = hook_;
  }
  if (hook) hook();
}

void Canceller::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_ = false;
  hook_ = nullptr;
}

void Canceller::SetHook(std::function<void()> fn) {
  bool run_now;
  {
    std::lock_guard<std::mutex> lock(mu_);
    hook_ = fn;
    run_now = cancelled_;
  }
  if (run_now && fn) fn();
}

void Canceller::ClearHook() {
  std::lock_guard<std::mutex> lock(mu_);
  hook_ = nullptr;
}

// ---- Client ---------------------------------------------------------------------

Client::Client(RestConfig config)
    : config_(std::move(config)),
      limiter_(std::make_unique<TokenBucket>(config_.qps, config_.burst)),
      credentials_(std::make_unique<CredentialProvider>(config_)),
      transport_(std::make_unique<Transport>(config_)) {}

Client::~Client() = default;

Status Client::Create(RestConfig config, std::unique_ptr<Client>* out) {
  if (config.server.rfind("https://", 0) != 0 && config.server.rfind("http://", 0) != 0) {
    return Status::InvalidArgument("server \"" + config.server + "\" is not an http(s):// URL");
  }
  if (!config.ca_pem.empty()) {
    Status st = CheckCertificatesPem(config.ca_pem);
    if (!st.ok()) return st.WithContext("certificate authority");
  }
  if (!config.client_cert_pem.empty() || !config.client_key_pem.empty()) {
    FEDRA_RETURN_IF_ERROR(
        CheckCertificatesPem(config.client_cert_pem).WithContext("client certificate"));
    FEDRA_RETURN_IF_ERROR(CheckPrivateKeyPem(config.client_key_pem).WithContext("client key"));
    FEDRA_RETURN_IF_ERROR(
        CheckKeyMatchesCertificate(config.client_cert_pem, config.client_key_pem));
  }
  try {
    web::uri check(config.server);
    (void)check;
  } catch (const std::exception& e) {
    return Status::InvalidArgument("server \"" + config.server + "\": " + e.what());
  }
  fedra::http::SizeCpprestPool();
  out->reset(new Client(std::move(config)));
  return Status::OK();
}

void Client::Shutdown() {
  limiter_->Cancel();
  {
    std::lock_guard<std::mutex> lock(transport_->mu);
    transport_->shutdown = true;
  }
  transport_->cv.notify_all();
}

Client::Metrics Client::metrics() const {
  return Metrics{requests_.load(), retries_.load(), errors_.load()};
}

ApiStatus Client::Raw(std::string_view method, std::string_view path_and_query,
                      std::string_view content_type, std::string_view body, RawResponse* out) {
  const std::string context = std::string(method) + " " + std::string(path_and_query);
  bool auth_retried = false;
  for (int attempt = 0;; ++attempt) {
    if (!limiter_->Acquire(config_.max_throttle_wait)) {
      return ApiStatus::Make(Reason::kThrottled,
                             "client rate limit (" + std::to_string(config_.qps) + " qps, burst " +
                                 std::to_string(config_.burst) + ") would wait longer than " +
                                 std::to_string(config_.max_throttle_wait.count()) + " ms")
          .WithContext(context);
    }
    Credentials creds;
    Status cst = credentials_->Get(&creds);
    if (!cst.ok()) return ApiStatus::FromStatus(cst).WithContext(context);
    RawResponse resp;
    try {
      auto client = transport_->For(creds, config_.timeout, /*shared=*/true);
      http::http_request req =
          transport_->BuildRequest(method, path_and_query, content_type, body, creds);
      ++requests_;
      http::http_response r = client->request(req).get();
      resp.status = r.status_code();
      resp.content_type = HeaderValue(r.headers(), "Content-Type");
      resp.retry_after = HeaderValue(r.headers(), "Retry-After");
      if (!ReadBody(r, config_.max_response_bytes, &resp.body)) {
        return ApiStatus::BadResponse("response body larger than " +
                                      std::to_string(config_.max_response_bytes) + " bytes")
            .WithContext(context);
      }
    } catch (const std::exception& e) {
      return ApiStatus::Transport(std::string("cannot reach ") + config_.server + ": " + e.what())
          .WithContext(context);
    }
    if (resp.status == 401 && !auth_retried && credentials_->Invalidate()) {
      auth_retried = true;  // a rotated token or expired plugin credential
      ++retries_;
      continue;
    }
    bool retry = false;
    std::chrono::seconds wait = kDefaultRetryAfter;
    if (resp.status == 429 || ((resp.status == 503 || resp.status == 504 || resp.status == 500) &&
                               !resp.retry_after.empty())) {
      ApiStatus st = ApiStatus::FromResponse(resp.status, resp.body, resp.retry_after, context);
      if (st.retry_after()) wait = *st.retry_after();
      retry = attempt < config_.max_retries;
    }
    if (retry) {
      ++retries_;
      if (!transport_->Sleep(std::min(wait, config_.max_retry_after))) {
        return ApiStatus::Cancelled("client shut down while waiting to retry").WithContext(context);
      }
      continue;
    }
    *out = std::move(resp);
    return ApiStatus();
  }
}

ApiStatus Client::DoJson(std::string_view method, const std::string& path_and_query,
                         std::string_view content_type, const std::string* body,
                         nlohmann::json* out) {
  RawResponse resp;
  ApiStatus st =
      Raw(method, path_and_query, content_type, body ? *body : std::string_view(), &resp);
  std::string context = std::string(method) + " " + path_and_query;
  if (st.ok() && (resp.status < 200 || resp.status >= 300)) {
    st = ApiStatus::FromResponse(resp.status, resp.body, resp.retry_after, context);
  }
  if (!st.ok()) {
    ++errors_;
    return st;
  }
  if (out) {
    nlohmann::json parsed = nlohmann::json::parse(resp.body, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
      ++errors_;
      return ApiStatus::BadResponse("response is not JSON (" + std::to_string(resp.body.size()) +
                                    " bytes)")
          .WithContext(context);
    }
    *out = std::move(parsed);
  }
  return ApiStatus();
}

ApiStatus Client::Get(const GroupVersionResource& gvr, std::string_view ns, std::string_view name,
                      nlohmann::json* out, const GetOptions& options) {
  if (name.empty()) return ApiStatus::ClientError("get " + gvr.ToString() + ": empty name");
  Query q;
  q.Add("resourceVersion", options.resource_version);
  return DoJson("GET", ResourcePath(gvr, ns, name, options.subresource) + q.str(), "", nullptr,
                out);
}

ApiStatus Client::List(const GroupVersionResource& gvr, std::string_view ns,
                       const ListOptions& options, nlohmann::json* out) {
  Query q;
  q.Add("labelSelector", options.label_selector);
  q.Add("fieldSelector", options.field_selector);
  q.Add("resourceVersion", options.resource_version);
  q.Add("resourceVersionMatch", options.resource_version_match);
  if (options.limit > 0) q.Add("limit", std::to_string(options.limit));
  q.Add("continue", options.continue_token);
  if (options.timeout_seconds > 0) q.Add("timeoutSeconds", std::to_string(options.timeout_seconds));
  nlohmann::json list;
  ApiStatus st = DoJson("GET", ResourcePath(gvr, ns) + q.str(), "", nullptr, &list);
  if (!st.ok()) return st;
  if (!list.is_object() || !list.contains("items") ||
      !(list["items"].is_array() || list["items"].is_null())) {
    return ApiStatus::BadResponse("list response has no items array")
        .WithContext("GET " + ResourcePath(gvr, ns));
  }
  if (list["items"].is_null()) list["items"] = nlohmann::json::array();
  *out = std::move(list);
  return st;
}

ApiStatus Client::ListAll(const GroupVersionResource& gvr, std::string_view ns, ListOptions options,
                          nlohmann::json* out, int max_pages) {
  nlohmann::json result;
  bool fell_back = false;
  int pages = 0;
  while (true) {
    nlohmann::json page;
    ApiStatus st = List(gvr, ns, options, &page);
    if (!st.ok()) {
      if (IsGone(st) && !options.continue_token.empty() && !fell_back) {
        // The snapshot the continue token points into is gone: list
        // everything in one go instead, as client-go's pager does.
        fell_back = true;
        options.continue_token.clear();
        options.limit = 0;
        result = nlohmann::json();
        continue;
      }
      return st;
    }
    if (result.is_null()) {
      result = std::move(page);
    } else {
      auto& items = result["items"];
      for (auto& item : page["items"]) items.push_back(std::move(item));
      if (page.contains("metadata"))
        result["metadata"]["continue"] = page["metadata"].value("continue", "");
    }
    std::string next;
    if (auto m = result.find("metadata"); m != result.end() && m->is_object()) {
      next = m->value("continue", "");
    }
    if (next.empty()) break;
    if (++pages >= max_pages) {
      return ApiStatus::ClientError("list " + gvr.ToString() + ": more than " +
                                    std::to_string(max_pages) + " pages");
    }
    options.continue_token = next;
  }
  if (auto m = result.find("metadata"); m != result.end() && m->is_object()) {
    m->erase("continue");
    m->erase("remainingItemCount");
  }
  *out = std::move(result);
  return ApiStatus();
}

ApiStatus Client::Create(const GroupVersionResource& gvr, std::string_view ns,
                         const nlohmann::json& obj, nlohmann::json* out,
                         const WriteOptions& options) {
  Query q;
  AddWriteOptions(&q, options.field_manager, options.dry_run);
  std::string body = obj.dump();
  std::string path = options.subresource.empty()
                         ? ResourcePath(gvr, WriteNamespace(gvr, ns, obj))
                         : ResourcePath(gvr, WriteNamespace(gvr, ns, obj),
                                        ObjectString(obj, "name"), options.subresource);
  return DoJson("POST", path + q.str(), "application/json", &body, out);
}

ApiStatus Client::Update(const GroupVersionResource& gvr, std::string_view ns,
                         const nlohmann::json& obj, nlohmann::json* out,
                         const WriteOptions& options) {
  std::string name = ObjectString(obj, "name");
  if (name.empty()) {
    return ApiStatus::ClientError("update " + gvr.ToString() + ": object has no metadata.name");
  }
  Query q;
  AddWriteOptions(&q, options.field_manager, options.dry_run);
  std::string body = obj.dump();
  return DoJson(
      "PUT", ResourcePath(gvr, WriteNamespace(gvr, ns, obj), name, options.subresource) + q.str(),
      "application/json", &body, out);
}

ApiStatus Client::Patch(const GroupVersionResource& gvr, std::string_view ns, std::string_view name,
                        PatchType type, const nlohmann::json& patch, nlohmann::json* out,
                        const PatchOptions& options) {
  if (name.empty()) return ApiStatus::ClientError("patch " + gvr.ToString() + ": empty name");
  if (type == PatchType::kJson && !patch.is_array()) {
    return ApiStatus::ClientError("JSON patch must be an array of operations");
  }
  if (type != PatchType::kJson && !patch.is_object()) {
    return ApiStatus::ClientError("merge and apply patches must be objects");
  }
  if (type == PatchType::kApply && options.field_manager.empty()) {
    return ApiStatus::ClientError("server-side apply needs a field manager");
  }
  Query q;
  AddWriteOptions(&q, options.field_manager, options.dry_run);
  if (options.force) {
    if (type != PatchType::kApply) {
      return ApiStatus::ClientError("force is only valid for server-side apply");
    }
    q.Add("force", "true");
  }
  std::string body = patch.dump();
  return DoJson("PATCH", ResourcePath(gvr, ns, name, options.subresource) + q.str(),
                PatchContentType(type), &body, out);
}

ApiStatus Client::Apply(const GroupVersionResource& gvr, std::string_view ns,
                        const nlohmann::json& obj, std::string_view field_manager, bool force,
                        nlohmann::json* out) {
  std::string name = ObjectString(obj, "name");
  if (name.empty()) {
    return ApiStatus::ClientError("apply " + gvr.ToString() + ": object has no metadata.name");
  }
  PatchOptions options;
  options.field_manager = std::string(field_manager);
  options.force = force;
  return Patch(gvr, WriteNamespace(gvr, ns, obj), name, PatchType::kApply, obj, out, options);
}

ApiStatus Client::Delete(const GroupVersionResource& gvr, std::string_view ns,
                         std::string_view name, const DeleteOptions& options, nlohmann::json* out) {
  if (name.empty()) return ApiStatus::ClientError("delete " + gvr.ToString() + ": empty name");
  nlohmann::json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (!options.propagation_policy.empty()) body["propagationPolicy"] = options.propagation_policy;
  if (options.grace_period_seconds) body["gracePeriodSeconds"] = *options.grace_period_seconds;
  if (!options.precondition_uid.empty()) body["preconditions"]["uid"] = options.precondition_uid;
  if (!options.precondition_resource_version.empty()) {
    body["preconditions"]["resourceVersion"] = options.precondition_resource_version;
  }
  if (options.dry_run) body["dryRun"] = nlohmann::json::array({"All"});
  std::string text = body.dump();
  return DoJson("DELETE", ResourcePath(gvr, ns, name), "application/json", &text, out);
}

ApiStatus Client::GetStatus(const GroupVersionResource& gvr, std::string_view ns,
                            std::string_view name, nlohmann::json* out) {
  GetOptions options;
  options.subresource = "status";
  return Get(gvr, ns, name, out, options);
}

ApiStatus Client::UpdateStatus(const GroupVersionResource& gvr, std::string_view ns,
                               const nlohmann::json& obj, nlohmann::json* out,
                               const WriteOptions& options) {
  WriteOptions o = options;
  o.subresource = "status";
  return Update(gvr, ns, obj, out, o);
}

ApiStatus Client::PatchStatus(const GroupVersionResource& gvr, std::string_view ns,
                              std::string_view name, PatchType type, const nlohmann::json& patch,
                              nlohmann::json* out, const PatchOptions& options) {
  PatchOptions o = options;
  o.subresource = "status";
  return Patch(gvr, ns, name, type, patch, out, o);
}

// ---- streaming ------------------------------------------------------------------

ApiStatus Client::StreamLines(std::string_view path_and_query, const LineHandler& on_line,
                              Canceller* cancel, size_t max_line_bytes,
                              std::chrono::milliseconds idle_timeout) {
  const std::string context = "GET " + std::string(path_and_query);
  if (cancel && cancel->cancelled())
    return ApiStatus::Cancelled("watch stopped").WithContext(context);
  if (!limiter_->Acquire(config_.max_throttle_wait)) {
    return ApiStatus::Make(Reason::kThrottled, "client rate limit would wait too long")
        .WithContext(context);
  }
  Credentials creds;
  Status cst = credentials_->Get(&creds);
  if (!cst.ok()) return ApiStatus::FromStatus(cst).WithContext(context);

  pplx::cancellation_token_source cts;
  if (cancel) cancel->SetHook([cts]() { cts.cancel(); });
  struct ClearOnExit {
    Canceller* c;
    ~ClearOnExit() {
      if (c) c->ClearHook();
    }
  } clear_on_exit{cancel};
  auto stopped = [&] { return cancel && cancel->cancelled(); };

  http::http_response response;
  try {
    // A client of its own: the watch's idle timeout differs, and a
    // cancelled connection must not go back to the shared pool.
    auto client = transport_->For(creds, idle_timeout, /*shared=*/false);
    http::http_request req = transport_->BuildRequest("GET", path_and_query, "", "", creds);
    ++requests_;
    response = client->request(req, cts.get_token()).get();
  } catch (const std::exception& e) {
    if (stopped()) return ApiStatus::Cancelled("watch stopped").WithContext(context);
    ++errors_;
    return ApiStatus::Transport(std::string("cannot reach ") + config_.server + ": " + e.what())
        .WithContext(context);
  }
  int code = response.status_code();
  if (code < 200 || code >= 300) {
    std::string body;
    try {
      // A Status object is small; anything bigger is not worth quoting.
      if (!ReadBody(response, 1u << 20, &body)) body.clear();
    } catch (const std::exception&) {
    }
    ++errors_;
    if (code == 401) credentials_->Invalidate();
    return ApiStatus::FromResponse(code, body, HeaderValue(response.headers(), "Retry-After"),
                                   context);
  }

  // Read whatever is available, waiting for at least one byte at a time:
  // cpprestsdk's buffer completes a large read only when it is full or at
  // the end, which would stall a watch between events.
  auto sb = response.body().streambuf();
  std::string line;
  std::vector<char> buf(64 * 1024);
  try {
    while (true) {
      if (stopped()) return ApiStatus::Cancelled("watch stopped").WithContext(context);
      auto first = sb.bumpc().get();
      if (first == std::char_traits<char>::eof()) break;
      size_t n = 1;
      buf[0] = static_cast<char>(first);
      size_t avail = sb.in_avail();
      if (avail > 0) {
        n += sb.getn(reinterpret_cast<uint8_t*>(buf.data() + 1), std::min(avail, buf.size() - 1))
                 .get();
      }
      for (size_t i = 0; i < n; ++i) {
        char c = buf[i];
        if (c != '\n') {
          line.push_back(c);
          if (line.size() > max_line_bytes) {
            ++errors_;
            return ApiStatus::BadResponse("watch line longer than " +
                                          std::to_string(max_line_bytes) + " bytes")
                .WithContext(context);
          }
          continue;
        }
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!on_line(line, false)) return ApiStatus();
        line.clear();
        if (stopped()) return ApiStatus::Cancelled("watch stopped").WithContext(context);
      }
    }
    // The end: a clean end of the chunked body, or a broken connection.
    response.content_ready().get();
  } catch (const std::exception& e) {
    if (stopped()) return ApiStatus::Cancelled("watch stopped").WithContext(context);
    ++errors_;
    return ApiStatus::Transport(std::string("watch stream broke: ") + e.what())
        .WithContext(context);
  }
  if (stopped()) return ApiStatus::Cancelled("watch stopped").WithContext(context);
  if (!line.empty()) on_line(line, true);
  return ApiStatus();
}

}  // namespace fedra::op::kube
