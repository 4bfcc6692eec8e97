#include "operator/hub/hub_server.h"

#include <algorithm>
#include <cctype>

#include "value/json.h"

namespace fedra::op::hub {

namespace {

std::string StringAt(const Value& v, std::string_view key) {
  const Value* f = v.is_object() ? v.Find(key) : nullptr;
  return f != nullptr && f->is_string() ? std::string(f->str()) : std::string();
}

bool ValidName(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_')) return false;
  }
  return true;
}

}  // namespace

fedra::Status ParseStatusReport(std::string_view body, EngineReport* out) {
  Value v;
  JsonLimits limits;
  limits.max_depth = 64;
  fedra::Status s = ParseJson(body, &v, "status report", limits);
  if (!s.ok()) return s;
  if (!v.is_object()) return fedra::Status::InvalidArgument("status report: $ must be an object");
  const Value* labels = v.Find(std::string_view("labels"));
  if (labels == nullptr || !labels->is_object()) {
    return fedra::Status::InvalidArgument("status report: labels: must be an object");
  }
  EngineReport r;
  r.id = StringAt(*labels, "id");
  r.cluster = StringAt(*labels, "cluster");
  r.tier = StringAt(*labels, "tier");
  if (!ValidName(r.id)) return fedra::Status::InvalidArgument("status report: labels.id: missing or not a name");
  if (!r.cluster.empty() && !ValidName(r.cluster)) {
    return fedra::Status::InvalidArgument("status report: labels.cluster: not a name");
  }
  // One bundle per engine in Fedra's layout; a stock OPA agent may name it
  // anything, so take the first one that has a revision.
  if (const Value* bundles = v.Find(std::string_view("bundles")); bundles != nullptr && bundles->is_object()) {
    for (const auto& [name, b] : bundles->object()) {
      std::string rev = StringAt(b, "active_revision");
      if (r.active_revision.empty()) r.active_revision = rev;
      if (r.error_code.empty()) {
        r.error_code = StringAt(b, "code");
        r.error_message = StringAt(b, "message");
      }
    }
  }
  *out = std::move(r);
  return fedra::Status::OK();
}

HubServer::HubServer(HubOptions options) : options_(std::move(options)) {}

HubServer::~HubServer() { Stop(); }

fedra::Status HubServer::Start() {
  server_ = std::make_unique<http::Server>(
      options_.server, [this](http::Request& req, http::Responder resp) { Handle(req, std::move(resp)); });
  return server_->Start();
}

void HubServer::Stop() {
  bundles_.Close();
  if (server_) server_->Stop(std::chrono::milliseconds(500));
}

uint16_t HubServer::port() const { return server_ ? server_->port() : 0; }

std::string HubServer::BundlePath(const std::string& cluster, const std::string& tier) {
  return "/bundles/" + cluster + "/" + tier;
}

void HubServer::Publish(const std::string& cluster, const std::string& tier, std::string targz) {
  bundles_.Publish(cluster + "/" + tier, std::move(targz));
}

void HubServer::Remove(const std::string& cluster, const std::string& tier) {
  bundles_.Remove(cluster + "/" + tier);
}

std::string HubServer::ETag(const std::string& cluster, const std::string& tier) const {
  return bundles_.ETag(cluster + "/" + tier);
}

bool HubServer::Authorized(const http::Request& req) const {
  if (options_.bearer_token.empty()) return true;
  const std::string* auth = req.headers.Get("Authorization");
  return auth != nullptr && *auth == "Bearer " + options_.bearer_token;
}

void HubServer::Handle(http::Request& req, http::Responder resp) {
  if (routes_) {
    http::Response extra;
    if (routes_(req, &extra)) {
      resp.Send(std::move(extra));
      return;
    }
  }
  if (req.path == "/healthz") {
    resp.Send(http::Response::Text(200, "ok\n"));
    return;
  }
  if (!Authorized(req)) {
    resp.Send(http::Response::JsonError(401, "unauthorized", "missing or wrong bearer token"));
    return;
  }
  if (req.path.rfind("/bundles/", 0) == 0) {
    if (!bundles_.Handle(req, resp)) resp.Send(http::Response::JsonError(404, "resource_not_found", req.path));
    return;
  }
  if (req.path == "/status") {
    resp.Send(HandleStatus(req));
    return;
  }
  if (req.path == "/engines" && req.method == "GET") {
    resp.Send(EnginesJson());
    return;
  }
  resp.Send(http::Response::JsonError(404, "resource_not_found", "no such endpoint: " + req.path));
}

http::Response HubServer::HandleStatus(const http::Request& req) {
  if (req.method != "POST") return http::Response::JsonError(405, "method_not_allowed", "POST a status report");
  EngineReport r;
  fedra::Status s = ParseStatusReport(req.body, &r);
  if (!s.ok()) return http::Response::JsonError(400, "invalid_parameter", s.message());
  r.received = std::chrono::system_clock::now();
  r.raw = req.body;
  std::vector<std::function<void(const EngineReport&)>> listeners;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = engines_.find(r.id);
    if (it == engines_.end() && engines_.size() >= options_.max_engines) {
      return http::Response::JsonError(429, "too_many_engines", "the hub tracks at most " +
                                                    std::to_string(options_.max_engines) + " engines");
    }
    r.reports = it == engines_.end() ? 1 : it->second.reports + 1;
    engines_[r.id] = r;
    listeners = listeners_;
  }
  for (const auto& fn : listeners) fn(r);
  return http::Response::Json(200, "{}\n");
}

std::vector<EngineReport> HubServer::Engines(const std::string& cluster) const {
  std::vector<EngineReport> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, r] : engines_) {
    if (cluster.empty() || r.cluster == cluster) out.push_back(r);
  }
  std::sort(out.begin(), out.end(),
            [](const EngineReport& a, const EngineReport& b) { return a.received > b.received; });
  return out;
}

bool HubServer::Fresh(const EngineReport& r, std::chrono::system_clock::time_point now) const {
  return now - r.received <= options_.stale_after;
}

void HubServer::OnReport(std::function<void(const EngineReport&)> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  listeners_.push_back(std::move(fn));
}

http::Response HubServer::EnginesJson() const {
  auto now = std::chrono::system_clock::now();
  std::vector<Value> list;
  for (const auto& r : Engines()) {
    auto age = std::chrono::duration_cast<std::chrono::milliseconds>(now - r.received).count();
    list.push_back(Value::Object({{Value::String("id"), Value::String(r.id)},
                                  {Value::String("cluster"), Value::String(r.cluster)},
                                  {Value::String("tier"), Value::String(r.tier)},
                                  {Value::String("active_revision"), Value::String(r.active_revision)},
                                  {Value::String("error"), Value::String(r.error_code)},
                                  {Value::String("age_ms"), Value::Int(age)},
                                  {Value::String("fresh"), Value::Bool(Fresh(r, now))}}));
  }
  return http::Response::Json(200, ToJson(Value::Object({{Value::String("engines"),
                                                           Value::Array(std::move(list))}})) +
                                       "\n");
}

}  // namespace fedra::op::hub
