#include "tests/apiserver/apiserver.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "http/certs.h"
#include "tests/apiserver/json_util.h"

namespace fedra::apiserver {

namespace {

// A watch answered as chunked JSON lines. The stream starts lazily so that
// a watch that fails before its first event can still answer with a Status.
class HttpWatchSink : public WatchSink {
 public:
  HttpWatchSink(http::Responder responder, ResourcePtr type, bool table, bool include_object)
      : responder_(std::move(responder)),
        type_(std::move(type)),
        table_(table),
        include_object_(include_object) {}

  bool Send(const json& event) override {
    std::lock_guard<std::mutex> lock(mu_);
    StartLocked();
    if (!stream_) return false;
    const json& out = table_ ? TableEvent(*type_, event, include_object_) : event;
    return stream_->Write(out.dump() + "\n");
  }
  void Close() override {
    std::lock_guard<std::mutex> lock(mu_);
    StartLocked();
    if (stream_) stream_->Close();
  }
  bool Alive() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return !stream_ || !stream_->closed();
  }
  void Start() {
    std::lock_guard<std::mutex> lock(mu_);
    StartLocked();
  }

 private:
  void StartLocked() {
    if (stream_ || responder_.answered()) return;
    http::Headers headers;
    headers.Set("Content-Type", "application/json");
    headers.Set("Cache-Control", "no-cache, private");
    stream_ = responder_.StartStream(200, std::move(headers));
  }

  mutable std::mutex mu_;
  http::Responder responder_;
  std::shared_ptr<http::Stream> stream_;  // GUARDED_BY(mu_)
  ResourcePtr type_;
  bool table_;
  bool include_object_;
};

http::Response ToHttp(const ApiResponse& r) {
  http::Response out;
  out.status = r.status;
  out.body = r.body;
  out.headers.Set("Content-Type", r.content_type);
  out.headers.Set("Cache-Control", "no-cache, private");
  for (const auto& [k, v] : r.headers) out.headers.Add(k, v);
  return out;
}

std::string RandomToken() {
  std::string uid = NewUid();
  std::string out;
  for (char c : uid) {
    if (c != '-') out.push_back(c);
  }
  return out;
}

int QueryInt(const http::Request& r, const char* key, int fallback) {
  const std::string* v = r.Query(key);
  if (!v) return fallback;
  try {
    return std::stoi(*v);
  } catch (const std::exception&) {
    return fallback;
  }
}

}  // namespace

ApiServer::ApiServer(ApiServerOptions options)
    : options_(std::move(options)),
      store_(StoreOptions{options_.history_size}),
      webhooks_(&store_, WebhookOptions{options_.service_map, ""}),
      api_(&store_, &webhooks_, ApiOptions{}) {
  if (options_.token.empty()) options_.token = RandomToken();
}

ApiServer::~ApiServer() {
  Stop();
  std::lock_guard<std::mutex> lock(restart_mu_);
  if (restarter_.joinable()) restarter_.join();
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string ApiServer::url() const {
  return std::string(options_.tls ? "https" : "http") + "://" + options_.address + ":" +
         std::to_string(port_.load());
}

Status ApiServer::MakeTls() {
  char tmpl[] = "/tmp/fedra-apiserver-XXXXXX";
  if (!mkdtemp(tmpl)) return Status::IoError("mkdtemp failed for the TLS files");
  dir_ = tmpl;
  FEDRA_RETURN_IF_ERROR(http::MakeCa("fedra-apiserver-ca", std::chrono::hours(24 * 365), &ca_));
  http::CertRequest server_req;
  server_req.common_name = "fedra-apiserver";
  server_req.dns_names = {"localhost", "kubernetes", "kubernetes.default"};
  server_req.ip_addresses = {"127.0.0.1"};
  if (options_.address != "127.0.0.1" && options_.address != "localhost") {
    server_req.ip_addresses.push_back(options_.address);
  }
  http::KeyPair server;
  FEDRA_RETURN_IF_ERROR(http::IssueCert(ca_, server_req, &server));
  http::CertRequest client_req;
  client_req.common_name = "fedra-admin";
  client_req.organizations = {"system:masters"};
  client_req.server = false;
  client_req.client = true;
  FEDRA_RETURN_IF_ERROR(http::IssueCert(ca_, client_req, &client_));
  FEDRA_RETURN_IF_ERROR(http::WriteFileAtomic(dir_ + "/ca.crt", ca_.cert_pem));
  FEDRA_RETURN_IF_ERROR(http::WriteFileAtomic(dir_ + "/tls.crt", server.cert_pem));
  FEDRA_RETURN_IF_ERROR(http::WriteFileAtomic(dir_ + "/tls.key", server.key_pem));
  return Status::OK();
}

Status ApiServer::StartServer() {
  http::ServerOptions so;
  so.address = options_.address;
  so.port = port_.load() ? port_.load() : options_.port;
  so.threads = options_.threads;
  so.server_name = "fedra-apiserver";
  so.idle_timeout = std::chrono::minutes(5);
  // A watch chunk can wait on a slow client; keep it bounded but generous.
  so.write_timeout = std::chrono::seconds(30);
  if (options_.tls) {
    http::TlsOptions tls;
    tls.cert_file = dir_ + "/tls.crt";
    tls.key_file = dir_ + "/tls.key";
    tls.client_ca_file = dir_ + "/ca.crt";
    tls.require_client_cert = false;
    so.tls = tls;
  }
  auto server = std::make_unique<http::Server>(
      so, [this](http::Request& req, http::Responder res) { Handle(req, std::move(res)); });
  FEDRA_RETURN_IF_ERROR(server->Start());
  port_ = server->port();
  server_ = std::move(server);
  if (!options_.kubeconfig_out.empty()) {
    FEDRA_RETURN_IF_ERROR(http::WriteFileAtomic(options_.kubeconfig_out, Kubeconfig())
                              .WithContext("writing " + options_.kubeconfig_out));
  }
  return Status::OK();
}

Status ApiServer::Start() {
  if (options_.tls) FEDRA_RETURN_IF_ERROR(MakeTls());
  if (!options_.state_file.empty() && std::filesystem::exists(options_.state_file)) {
    std::ifstream in(options_.state_file);
    std::stringstream text;
    text << in.rdbuf();
    json snapshot;
    FEDRA_RETURN_IF_ERROR(ParseJsonText(text.str(), &snapshot).WithContext(options_.state_file));
    ApiError err = store_.Restore(snapshot);
    if (!err.ok()) return Status::InvalidArgument(options_.state_file + ": " + err.message());
    saved_rv_ = store_.resource_version();
  }
  {
    std::lock_guard<std::mutex> lock(server_mu_);
    FEDRA_RETURN_IF_ERROR(StartServer());
  }
  ticker_ = std::thread([this] { Tick(); });
  started_ = true;
  return Status::OK();
}

void ApiServer::Stop() {
  {
    std::lock_guard<std::mutex> lock(tick_mu_);
    if (stopping_) return;
    stopping_ = true;
    tick_cv_.notify_all();
  }
  if (ticker_.joinable()) ticker_.join();
  delayed_.Stop();
  store_.DropAllWatches();
  {
    std::lock_guard<std::mutex> lock(server_mu_);
    if (server_) server_->Stop(std::chrono::milliseconds(500));
    server_.reset();
  }
  SaveState();
}

Status ApiServer::Restart(bool keep_state) {
  std::lock_guard<std::mutex> lock(server_mu_);
  store_.DropAllWatches();
  if (server_) server_->Stop(std::chrono::milliseconds(200));
  server_.reset();
  if (!keep_state) store_.Reset();
  return StartServer();
}

void ApiServer::Suspend() {
  std::lock_guard<std::mutex> lock(server_mu_);
  store_.DropAllWatches();
  if (server_) server_->Stop(std::chrono::milliseconds(200));
  server_.reset();
}

Status ApiServer::Resume() {
  std::lock_guard<std::mutex> lock(server_mu_);
  {
    std::lock_guard<std::mutex> tick(tick_mu_);
    if (stopping_) return Status::OK();  // Stop() won: stay stopped
  }
  if (server_) return Status::OK();
  return StartServer();
}

Status ApiServer::SaveState() {
  if (options_.state_file.empty() || !started_) return Status::OK();
  return http::WriteFileAtomic(options_.state_file, store_.Snapshot().dump());
}

void ApiServer::Tick() {
  std::unique_lock<std::mutex> lock(tick_mu_);
  auto next_save = std::chrono::steady_clock::now() + options_.state_save_interval;
  while (!stopping_) {
    tick_cv_.wait_for(lock, options_.bookmark_interval);
    if (stopping_) break;
    lock.unlock();
    store_.SendBookmarks();
    store_.ExpireWatches(std::chrono::steady_clock::now());
    if (std::chrono::steady_clock::now() >= next_save) {
      next_save = std::chrono::steady_clock::now() + options_.state_save_interval;
      uint64_t rv = store_.resource_version();
      if (rv != saved_rv_ && SaveState().ok()) saved_rv_ = rv;
    }
    lock.lock();
  }
}

std::string ApiServer::Kubeconfig() const {
  std::ostringstream y;
  y << "apiVersion: v1\nkind: Config\nclusters:\n- name: fedra-sim\n  cluster:\n    server: "
    << url() << "\n";
  if (options_.tls) y << "    certificate-authority-data: " << Base64Encode(ca_.cert_pem) << "\n";
  y << "users:\n- name: fedra-sim-admin\n  user:\n";
  if (options_.tls && options_.client_cert_auth) {
    y << "    client-certificate-data: " << Base64Encode(client_.cert_pem) << "\n"
      << "    client-key-data: " << Base64Encode(client_.key_pem) << "\n";
  } else {
    y << "    token: " << options_.token << "\n";
  }
  y << "contexts:\n- name: fedra-sim\n  context:\n    cluster: fedra-sim\n    user: fedra-sim-admin\n"
    << "    namespace: default\ncurrent-context: fedra-sim\n";
  return y.str();
}

bool ApiServer::Authenticated(const http::Request& request) const {
  const std::string& p = request.path;
  if (p == "/version" || p == "/healthz" || p == "/readyz" || p == "/livez") return true;
  if (!request.client_cert_subject.empty()) return true;  // verified against our CA
  const std::string* auth = request.headers.Get("Authorization");
  // Plain HTTP is the old insecure port: client-go sends no bearer token
  // over it, so anonymous requests pass there; a wrong token never does.
  if (!auth) return !options_.tls;
  return *auth == "Bearer " + options_.token;
}

void ApiServer::Handle(http::Request& request, http::Responder responder) {
  if (!Authenticated(request)) {
    responder.Send(ToHttp(ApiResponse::FromError(ApiError::Unauthorized())));
    return;
  }
  if (request.path.rfind("/fedra-sim/", 0) == 0) {
    responder.Send(Admin(request));
    return;
  }
  ApiError injected;
  if (faults_.TakeError(&injected)) {
    responder.Send(ToHttp(ApiResponse::FromError(injected)));
    return;
  }
  auto latency = faults_.latency();
  if (latency.count() > 0) {
    delayed_.Post(latency, [this, request, responder]() mutable { Serve(request, std::move(responder)); });
    return;
  }
  Serve(request, std::move(responder));
}

void ApiServer::Serve(const http::Request& request, http::Responder responder) {
  ApiRequest r;
  r.method = request.method;
  r.path = request.path;
  r.query = request.query;
  r.content_type = request.MediaType();
  if (const std::string* a = request.headers.Get("Accept")) r.accept = *a;
  if (const std::string* ua = request.headers.Get("User-Agent")) r.user_agent = *ua;
  r.user = request.client_cert_subject.empty() ? "fedra-admin" : request.client_cert_subject;
  r.body = request.body;
  if (Api::IsWatch(r) && faults_.TakeGarbageWatch()) {
    http::Headers headers;
    headers.Set("Content-Type", "application/json");
    auto stream = responder.StartStream(200, std::move(headers));
    stream->Write("{\"type\":\"ADDED\",\"object\":{\"kind\":\"Conf\n");
    stream->Write("this is not JSON\n");
    stream->Close();
    return;
  }
  if (Api::IsWatch(r)) {
    std::shared_ptr<HttpWatchSink> sink;
    const std::string* include = request.Query("includeObject");
    auto make_sink = [&](const ResourcePtr& type, bool table) {
      sink = std::make_shared<HttpWatchSink>(responder, type, table, include && *include == "Object");
      return sink;
    };
    uint64_t id = 0;
    ApiResponse error;
    if (!api_.StartWatch(r, make_sink, &id, &error)) {
      responder.Send(ToHttp(error));
      return;
    }
    sink->Start();
    return;
  }
  responder.Send(ToHttp(api_.Handle(r)));
}

http::Response ApiServer::Admin(const http::Request& request) {
  const std::string p = request.path.substr(std::string("/fedra-sim").size());
  auto ok = [](json body) { return http::Response::Json(200, body.dump()); };
  if (p == "/stats") {
    return ok({{"resourceVersion", store_.resource_version()},
               {"watches", store_.watch_count()},
               {"webhookCalls", webhooks_.calls()},
               {"pendingErrors", faults_.pending_errors()}});
  }
  if (p == "/state" && request.method == "GET") return ok(store_.Snapshot());
  if (request.method != "POST") {
    return http::Response::Json(405, ApiError::MethodNotSupported(p, request.method).ToStatus().dump());
  }
  if (p == "/faults/drop-watches") {
    store_.DropAllWatches();
  } else if (p == "/faults/expire-watches") {
    store_.ForceGoneOnNextWatches(QueryInt(request, "count", 1));
  } else if (p == "/faults/errors") {
    faults_.InjectErrors(QueryInt(request, "count", 1), QueryInt(request, "code", 500),
                         QueryInt(request, "retryAfter", 0));
  } else if (p == "/faults/garbage-watches") {
    faults_.InjectGarbageWatches(QueryInt(request, "count", 1));
  } else if (p == "/faults/latency") {
    faults_.SetLatency(std::chrono::milliseconds(QueryInt(request, "ms", 0)));
  } else if (p == "/faults/clear") {
    faults_.Clear();
    store_.ForceGoneOnNextWatches(0);
  } else if (p == "/state/save") {
    Status st = SaveState();
    if (!st.ok()) return http::Response::Json(500, ApiError::Internal(st.ToString()).ToStatus().dump());
  } else if (p == "/restart") {
    const std::string* keep = request.Query("keepState");
    bool keep_state = !keep || *keep != "false";
    std::lock_guard<std::mutex> lock(restart_mu_);
    if (restarter_.joinable()) restarter_.join();
    // After this answer is on its way: a handler cannot stop its own server.
    restarter_ = std::thread([this, keep_state] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      Restart(keep_state);
    });
  } else if (p == "/suspend") {
    // Away for `ms` (at most 10 minutes), then back with the same objects.
    auto away = std::chrono::milliseconds(std::clamp(QueryInt(request, "ms", 1000), 0, 600000));
    std::lock_guard<std::mutex> lock(restart_mu_);
    if (restarter_.joinable()) restarter_.join();
    restarter_ = std::thread([this, away] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      Suspend();
      std::unique_lock<std::mutex> tick(tick_mu_);
      tick_cv_.wait_for(tick, away, [this] { return stopping_; });
      if (stopping_) return;
      tick.unlock();
      Resume();
    });
  } else {
    return http::Response::Json(404, ApiError::Generic(404, "NotFound", "no such admin endpoint: " + p).ToStatus().dump());
  }
  return ok({{"ok", true}});
}

}  // namespace fedra::apiserver
