// EngineServer: one fedra-engine, assembled from its configuration: the
// policy store, its source (directory or bundle service), the HTTP(S)
// server with the API, status reports and metrics.
//
// Start() loads the source's current content before listening, so the first
// request already sees it (or, if it does not compile, the engine is not
// ready and /v1/admit answers 503). Shutdown(): readiness fails first, then
// after shutdown_delay the listener stops accepting, in-flight requests get
// shutdown_grace to finish, and the source and reporter stop.
#ifndef FEDRA_SERVER_ENGINE_SERVER_H_
#define FEDRA_SERVER_ENGINE_SERVER_H_

#include <memory>

#include "http/server.h"
#include "server/api.h"
#include "server/config.h"
#include "server/metrics.h"
#include "server/sources.h"
#include "server/status_report.h"
#include "server/store.h"

namespace fedra::server {

class EngineServer {
 public:
  explicit EngineServer(EngineConfig config);
  ~EngineServer();

  Status Start();
  void Shutdown();
  uint16_t port() const { return http_ ? http_->port() : 0; }

  PolicyStore& store() { return store_; }
  Metrics& metrics() { return metrics_; }
  EngineApi& api() { return *api_; }
  const http::Server* http_server() const { return http_.get(); }

 private:
  EngineConfig config_;
  PolicyStore store_;
  Metrics metrics_;
  std::unique_ptr<PolicySourceRunner> source_;
  std::unique_ptr<StatusReporter> reporter_;
  std::unique_ptr<EngineApi> api_;
  std::unique_ptr<http::Server> http_;
  bool stopped_ = false;
};

}  // namespace fedra::server

#endif  // FEDRA_SERVER_ENGINE_SERVER_H_
