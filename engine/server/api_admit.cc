// POST /v1/admit, and the request router.
#include <chrono>

#include "server/api.h"
#include "value/json.h"

namespace fedra::server {

namespace {

std::string RouteOf(std::string_view path) {
  for (std::string_view r : {"/v1/admit", "/v1/data", "/v1/policies", "/health", "/ready",
                             "/metrics"}) {
    if (path == r || (path.size() > r.size() && path.substr(0, r.size()) == r &&
                      path[r.size()] == '/')) {
      return std::string(r);
    }
  }
  return "other";
}

}  // namespace

http::Response ErrorResponse(int status, std::string_view code, std::string_view message) {
  return http::Response::JsonError(status, code, message);
}

std::string_view ApiErrorCode(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kParseError:
    case StatusCode::kCompileError:
    case StatusCode::kTypeError:
    case StatusCode::kUnsafeVarError:
    case StatusCode::kRecursionError:
      return "invalid_parameter";
    case StatusCode::kNotFound:
      return "resource_not_found";
    default:
      return "internal_error";
  }
}

EngineApi::EngineApi(const EngineConfig& config, PolicyStore* store, Metrics* metrics,
                     std::function<SourceHealth()> source_health)
    : config_(config), store_(store), metrics_(metrics), source_health_(std::move(source_health)) {}

void EngineApi::Handle(http::Request& req, http::Responder resp) { resp.Send(Serve(req)); }

http::Response EngineApi::Serve(const http::Request& req) {
  auto start = std::chrono::steady_clock::now();
  std::string route = RouteOf(req.path);
  http::Response res;
  std::string_view path = req.path;
  if (route == "/v1/admit") {
    res = Admit(req);
  } else if (route == "/v1/data") {
    res = Data(req);
  } else if (route == "/v1/policies") {
    res = Policies(req, path.substr(route.size()));
  } else if (route == "/health") {
    res = Health(req);
  } else if (route == "/ready") {
    res = Ready();
  } else if (route == "/metrics") {
    res = MetricsText();
  } else {
    res = ErrorResponse(404, "resource_not_found", "no such endpoint: " + req.path);
  }
  metrics_->ObserveRequest(route, req.method, res.status, std::chrono::steady_clock::now() - start);
  return res;
}

Status EngineApi::ParseBody(const http::Request& req, Value* out) const {
  JsonLimits limits;
  limits.max_depth = config_.max_json_depth;
  limits.max_bytes = config_.max_body_bytes;
  return ParseJson(req.body, out, "request body", limits);
}

http::Response EngineApi::Admit(const http::Request& req) {
  if (req.method != "POST") {
    return ErrorResponse(405, "method_not_allowed", "/v1/admit takes POST with an AdmissionReview");
  }
  std::string media = req.MediaType();
  if (media != "application/json") {
    return ErrorResponse(415, "invalid_parameter",
                         "Content-Type must be application/json, not '" + media + "'");
  }
  // Once the source has been activated it stays so (a later failure keeps
  // the old revision), so the check is skipped from then on.
  if (source_health_ && !source_activated_.load(std::memory_order_relaxed)) {
    SourceHealth h = source_health_();
    if (!h.configured || h.activated) source_activated_.store(true, std::memory_order_relaxed);
    if (h.configured && !h.activated) {
      // No policy set yet: let the API server apply the webhook's failurePolicy
      // rather than admit everything.
      return ErrorResponse(503, "not_ready", "no policies activated yet" +
                                                 (h.message.empty() ? "" : ": " + h.message));
    }
  }
  Value review;
  Status s = ParseBody(req, &review);
  if (!s.ok()) return ErrorResponse(400, "invalid_parameter", s.ToString());
  std::shared_ptr<const Active> active = store_->Current();
  admission::AdmitOptions options;
  options.deadline = std::chrono::steady_clock::now() + config_.decision_timeout;
  admission::AdmitResult result;
  s = active->revision->Admit(review, options, &result);
  if (!s.ok()) return ErrorResponse(400, "invalid_parameter", s.message());
  bool errored = false;
  for (const auto& d : result.decisions) {
    if (!d.error.ok()) errored = true;
    metrics_->ObservePolicy(std::string(d.policy), std::string(admission::OutcomeName(d.outcome)),
                            d.duration);
  }
  metrics_->ObserveDecision(result.allowed, errored);
  http::Response res = http::Response::Json(200, ToJson(result.response));
  res.headers.Set("X-Fedra-Revision", active->revision->revision());
  return res;
}

}  // namespace fedra::server
