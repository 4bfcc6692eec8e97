// EngineApi: fedra-engine's HTTP endpoints.
//
//   POST /v1/admit                 AdmissionReview v1 in and out (api_admit.cc)
//   GET|POST /v1/data/{path}       OPA's Data API: {"input": ...} -> {"result": ...}
//   PUT|PATCH|DELETE /v1/data/...  (with --allow-api-writes)        (api_data.cc)
//   GET /v1/policies[/{id}], PUT|DELETE /v1/policies/{id}           (api_data.cc)
//   GET /health[?bundles], GET /ready, GET /metrics                 (api_ops.cc)
//
// Errors are OPA-shaped JSON, {"code": "...", "message": "..."}, with 4xx
// for what the client got wrong and 5xx for evaluation failures. Every
// request is counted and timed in Metrics by route.
//
// Handlers answer synchronously on the server's I/O threads: a decision is
// microseconds, and one that runs long is cut off by --decision-timeout.
#ifndef FEDRA_SERVER_API_H_
#define FEDRA_SERVER_API_H_

#include <atomic>
#include <functional>
#include <string>

#include "http/server.h"
#include "server/config.h"
#include "server/metrics.h"
#include "server/store.h"

namespace fedra::server {

// What /health?bundles and status reports know about the bundle source.
struct SourceHealth {
  bool configured = false;  // a bundle URL or policy directory is in use
  bool activated = false;   // its content has been activated at least once
  std::string message;      // the last error, if any
};

class EngineApi {
 public:
  EngineApi(const EngineConfig& config, PolicyStore* store, Metrics* metrics,
            std::function<SourceHealth()> source_health);

  void Handle(http::Request& req, http::Responder resp);
  // Readiness: false while shutting down (set by the daemon on SIGTERM).
  void SetShuttingDown() { shutting_down_.store(true); }

  // Exposed for tests and benchmarks: one request, answered synchronously.
  http::Response Serve(const http::Request& req);

 private:
  http::Response Admit(const http::Request& req);
  http::Response Data(const http::Request& req);
  http::Response DataRead(const http::Request& req, const std::vector<std::string>& path);
  http::Response DataWrite(const http::Request& req, const std::vector<std::string>& path);
  http::Response Policies(const http::Request& req, std::string_view rest);
  http::Response Health(const http::Request& req);
  http::Response Ready();
  http::Response MetricsText();
  Status ParseBody(const http::Request& req, Value* out) const;

  const EngineConfig& config_;
  PolicyStore* store_;
  Metrics* metrics_;
  std::function<SourceHealth()> source_health_;
  std::atomic<bool> shutting_down_{false};
  std::atomic<bool> source_activated_{false};
};

// {"code": code, "message": message} with `status`.
http::Response ErrorResponse(int status, std::string_view code, std::string_view message);
// OPA's error code for a Status ("invalid_parameter", "internal_error"...).
std::string_view ApiErrorCode(const Status& s);

}  // namespace fedra::server

#endif  // FEDRA_SERVER_API_H_
