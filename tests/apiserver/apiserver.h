// ApiServer: the whole simulator in one object — Store, Api, webhook
// admission, faults — served by fedra::http::Server over HTTP or HTTPS on
// loopback, with bearer-token (and optionally client-certificate) auth, a
// kubeconfig for itself, bookmarks and watch timeouts driven by a ticker
// thread, and optional persistence to a state file.
//
// Admin endpoints for tests live under /fedra-sim/ (a path no Kubernetes
// client uses) and need the same credentials:
//   POST /fedra-sim/faults/drop-watches
//   POST /fedra-sim/faults/expire-watches?count=N      next N watches get 410
//   POST /fedra-sim/faults/errors?count=N&code=429&retryAfter=S
//   POST /fedra-sim/faults/garbage-watches?count=N      next N watches: truncated JSON, garbage, end
//   POST /fedra-sim/faults/latency?ms=N
//   POST /fedra-sim/faults/clear
//   POST /fedra-sim/restart?keepState=true|false       answers, then restarts
//   POST /fedra-sim/suspend?ms=N                       answers, then is away for N ms
//   POST /fedra-sim/state/save                         writes the state file
//   GET  /fedra-sim/state                              the snapshot as JSON
//   GET  /fedra-sim/stats                              {resourceVersion, watches, webhookCalls}
//
// Lifecycle: Start() once, then Restart() any number of times, Stop() (or
// the destructor). Thread-safe after Start().
#ifndef FEDRA_TESTS_APISERVER_APISERVER_H_
#define FEDRA_TESTS_APISERVER_APISERVER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "fedra/status.h"
#include "http/certs.h"
#include "http/server.h"
#include "tests/apiserver/api.h"
#include "tests/apiserver/faults.h"
#include "tests/apiserver/store.h"
#include "tests/apiserver/webhooks.h"

namespace fedra::apiserver {

struct ApiServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: ephemeral
  bool tls = false;
  std::string token;              // empty: a random one is made
  bool client_cert_auth = false;  // TLS only: the kubeconfig carries a client certificate
  std::string kubeconfig_out;     // written after Start (and after each restart)
  std::string state_file;         // loaded at Start when present; saved on Stop and changes
  std::chrono::milliseconds bookmark_interval{1000};
  std::chrono::milliseconds state_save_interval{1000};
  size_t history_size = 1000;
  int threads = 4;
  std::map<std::string, std::string> service_map;  // webhooks: "ns/name" -> "127.0.0.1:port"
};

class ApiServer {
 public:
  explicit ApiServer(ApiServerOptions options);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  Status Start();
  // Saves state (when a state file is set) and stops serving.
  void Stop();
  // Stops serving and serves again on the same port. keep_state=false
  // forgets every object (and the state file is not read).
  Status Restart(bool keep_state);
  // Stops serving (connections refused, watches dropped) until Resume(),
  // which serves again on the same port with the same objects: a cluster
  // that goes away and comes back.
  void Suspend();
  Status Resume();

  uint16_t port() const { return port_; }
  std::string url() const;
  const std::string& token() const { return options_.token; }
  const std::string& ca_pem() const { return ca_.cert_pem; }
  // The kubeconfig (YAML) for this server.
  std::string Kubeconfig() const;
  Status SaveState();

  Store& store() { return store_; }
  Faults& faults() { return faults_; }
  Webhooks& webhooks() { return webhooks_; }

 private:
  void Handle(http::Request& request, http::Responder responder);
  void Serve(const http::Request& request, http::Responder responder);
  bool Authenticated(const http::Request& request) const;
  http::Response Admin(const http::Request& request);
  Status StartServer();
  Status MakeTls();
  void Tick();

  ApiServerOptions options_;
  Store store_;
  Webhooks webhooks_;
  Api api_;
  Faults faults_;
  DelayQueue delayed_;
  std::string dir_;  // TLS files
  http::KeyPair ca_, client_;
  std::mutex server_mu_;                   // serialises Start/Stop/Restart
  std::unique_ptr<http::Server> server_;   // GUARDED_BY(server_mu_)
  std::atomic<uint16_t> port_{0};
  std::mutex restart_mu_;
  std::thread restarter_;                  // GUARDED_BY(restart_mu_)
  std::mutex tick_mu_;
  std::condition_variable tick_cv_;
  bool stopping_ = false;                  // GUARDED_BY(tick_mu_)
  std::thread ticker_;
  uint64_t saved_rv_ = 0;                  // ticker only
  std::atomic<bool> started_{false};       // a failed Start never overwrites the state file
};

}  // namespace fedra::apiserver

#endif  // FEDRA_TESTS_APISERVER_APISERVER_H_
