#include "server/engine_server.h"

#include <fstream>
#include <thread>

#include "server/log.h"

namespace fedra::server {

EngineServer::EngineServer(EngineConfig config) : config_(std::move(config)) {}

EngineServer::~EngineServer() { Shutdown(); }

Status EngineServer::Start() {
  Status s = ValidateEngineConfig(config_);
  if (!s.ok()) return s;
  // Read once: the bundle client and the status reporter both send it.
  if (!config_.bundle_token_file.empty()) {
    std::ifstream f(config_.bundle_token_file);
    std::getline(f, config_.bundle_token);
    if (config_.bundle_token.empty()) {
      return Status::InvalidArgument("--bundle-token-file " + config_.bundle_token_file +
                                     ": empty or unreadable");
    }
  }
  store_.OnActivation([this](const Activation& a) {
    metrics_.ObserveActivation(a.source, a.ok);
  });
  if (!config_.policy_dir.empty()) {
    source_ = std::make_unique<DirSource>(config_.policy_dir, config_.watch_interval, &store_);
  } else if (!config_.bundle_url.empty()) {
    source_ = std::make_unique<BundleSource>(config_, &store_);
  }
  reporter_ = std::make_unique<StatusReporter>(config_, &store_, source_.get());
  const PolicySourceRunner* src = source_.get();
  api_ = std::make_unique<EngineApi>(config_, &store_, &metrics_, [src]() {
    return src ? src->Health() : SourceHealth{};
  });
  metrics_.SetGauge("process_resident_memory_bytes", "Resident memory size in bytes.",
                    ResidentMemoryBytes);
  metrics_.SetGauge("fedra_policies_loaded", "Admission and recommendation policies in force.",
                    [this] { return static_cast<double>(store_.Current()->revision->policies().size()); });
  metrics_.SetGauge("fedra_policy_generation", "Activations since the engine started.",
                    [this] { return static_cast<double>(store_.Current()->generation); });
  if (const bundle::Client* client = source_ ? source_->bundle_client() : nullptr) {
    metrics_.SetGauge("fedra_bundle_failures", "Bundle requests, downloads and activations that failed since start.",
                      [client] { return static_cast<double>(client->status().failures); });
    metrics_.SetGauge("fedra_bundle_downloads", "Bundles downloaded (200 responses) since start.",
                      [client] { return static_cast<double>(client->status().downloads); });
  }
  if (source_) {
    s = source_->Start();
    if (!s.ok()) return s;
  }

  http::ServerOptions o;
  size_t colon = config_.addr.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("--addr must be HOST:PORT, not '" + config_.addr + "'");
  o.address = config_.addr.substr(0, colon);
  if (o.address.size() >= 2 && o.address.front() == '[') o.address = o.address.substr(1, o.address.size() - 2);
  int port = 0;
  try {
    port = std::stoi(config_.addr.substr(colon + 1));
  } catch (...) {
    port = -1;
  }
  if (port < 0 || port > 65535) return Status::InvalidArgument("--addr: bad port in '" + config_.addr + "'");
  o.port = static_cast<uint16_t>(port);
  if (!config_.insecure_http) {
    http::TlsOptions tls;
    tls.cert_file = config_.tls_cert;
    tls.key_file = config_.tls_key;
    tls.client_ca_file = config_.tls_client_ca;
    tls.require_client_cert = config_.tls_require_client_cert;
    o.tls = tls;
  }
  o.threads = config_.threads > 0 ? config_.threads
                                  : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  o.max_body_bytes = config_.max_body_bytes;
  o.read_timeout = config_.read_timeout;
  o.write_timeout = config_.write_timeout;
  o.idle_timeout = config_.idle_timeout;
  o.max_connections = config_.max_connections;
  o.server_name = "fedra-engine";
  EngineApi* api = api_.get();
  http_ = std::make_unique<http::Server>(o, [api](http::Request& req, http::Responder resp) {
    api->Handle(req, std::move(resp));
  });
  s = http_->Start();
  if (!s.ok()) return s;
  reporter_->Start();
  LogInfo("fedra-engine serving", {{"addr", o.address + ":" + std::to_string(http_->port())},
                                   {"tls", config_.insecure_http ? "false" : "true"},
                                   {"revision", store_.Current()->revision->revision()}});
  return Status::OK();
}

void EngineServer::Shutdown() {
  if (stopped_) return;
  stopped_ = true;
  if (api_) api_->SetShuttingDown();
  if (http_) {
    if (config_.shutdown_delay.count() > 0) std::this_thread::sleep_for(config_.shutdown_delay);
    http_->Stop(config_.shutdown_grace);
  }
  if (source_) source_->Stop();
  if (reporter_) reporter_->Stop();
}

}  // namespace fedra::server
