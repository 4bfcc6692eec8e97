// Health, readiness and metrics endpoints.
#include "server/api.h"

namespace fedra::server {

http::Response EngineApi::Health(const http::Request& req) {
  if (shutting_down_.load()) return ErrorResponse(503, "shutting_down", "the engine is shutting down");
  if (req.HasQuery("bundles") || req.HasQuery("plugins")) {
    SourceHealth h = source_health_ ? source_health_() : SourceHealth{};
    if (h.configured && !h.activated) {
      std::string msg = "policies not activated yet";
      if (!h.message.empty()) msg += ": " + h.message;
      return http::Response::Json(500, ToJson(Value::Object({{Value::String("error"),
                                                              Value::String(msg)}})) +
                                           "\n");
    }
  }
  return http::Response::Json(200, "{}\n");
}

http::Response EngineApi::Ready() {
  if (shutting_down_.load()) return ErrorResponse(503, "shutting_down", "the engine is shutting down");
  SourceHealth h = source_health_ ? source_health_() : SourceHealth{};
  if (h.configured && !h.activated) {
    return ErrorResponse(503, "not_ready", "policies not activated yet" +
                                               (h.message.empty() ? "" : ": " + h.message));
  }
  return http::Response::Json(200, "{}\n");
}

http::Response EngineApi::MetricsText() {
  http::Response r = http::Response::Text(200, metrics_->Render());
  r.headers.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  return r;
}

}  // namespace fedra::server
