// HubServer: the operator's side of the engine protocol. Engines (fedra-engine,
// or any stock OPA agent) pull their bundle from it and report their status to
// it, both over HTTP(S):
//
//   GET  /bundles/<cluster>/<tier>   OPA bundle protocol: ETag, long polling
//   POST /status                     OPA status API (labels.id, labels.cluster,
//                                    labels.tier, bundles.<name>.active_revision...)
//   GET  /engines                    what the hub knows, as JSON (for people)
//   GET  /healthz                    200
// plus whatever SetRoutes adds (fedra-operator: /metrics, /livez, /readyz),
// answered before the engine token is checked.
//
// Publishing a bundle answers every engine parked in a long poll for it at
// once, so a change reaches engines in one round trip. Each status report
// updates the engine's record and calls the report listener, which the
// reconcilers use to roll engine state up into FederatedPolicy and
// MemberCluster status. An engine that has not reported for `stale_after`
// counts as not ready.
//
// Thread-safe. The HTTP server runs on its own threads; listeners are called
// on them and must not block.
#ifndef FEDRA_OPERATOR_HUB_HUB_SERVER_H_
#define FEDRA_OPERATOR_HUB_HUB_SERVER_H_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bundle/service.h"
#include "fedra/status.h"
#include "http/server.h"

namespace fedra::op::hub {

// The last status one engine reported.
struct EngineReport {
  std::string id;
  std::string cluster;
  std::string tier;
  std::string active_revision;           // bundles.<any>.active_revision
  std::string error_code;                // bundles.<any>.code, "" when healthy
  std::string error_message;
  std::chrono::system_clock::time_point received;
  uint64_t reports = 0;
  // The report as sent, for decoders that need more than the fields above
  // (policy::DecodeEngineStatus maps the bundle revision to policy revisions).
  std::string raw;
};

struct HubOptions {
  http::ServerOptions server;           // address, port, TLS, limits
  std::string bearer_token;             // set: engines must send it (bundles and status)
  std::chrono::seconds stale_after{30};
  size_t max_engines = 100000;          // reports from more engine ids are refused (429)
};

class HubServer {
 public:
  explicit HubServer(HubOptions options);
  ~HubServer();
  HubServer(const HubServer&) = delete;
  HubServer& operator=(const HubServer&) = delete;

  Status Start();
  void Stop();
  uint16_t port() const;

  // The bundle for engines of `cluster` and `tier` (unchanged bytes wake
  // nobody).
  void Publish(const std::string& cluster, const std::string& tier, std::string targz);
  void Remove(const std::string& cluster, const std::string& tier);
  std::string ETag(const std::string& cluster, const std::string& tier) const;
  // The path engines of this cluster and tier pull from ("/bundles/c/t").
  static std::string BundlePath(const std::string& cluster, const std::string& tier);

  // Engines that have reported, for one cluster ("" = all), newest first.
  std::vector<EngineReport> Engines(const std::string& cluster = "") const;
  // Whether a report is recent enough to count the engine as alive.
  bool Fresh(const EngineReport& r, std::chrono::system_clock::time_point now) const;
  void OnReport(std::function<void(const EngineReport&)> fn);
  // Extra GET endpoints: `route` returns true when it answered the request.
  // Set before Start().
  void SetRoutes(std::function<bool(const http::Request&, http::Response*)> route) { routes_ = std::move(route); }
  size_t parked() const { return bundles_.parked(); }

 private:
  void Handle(http::Request& req, http::Responder resp);
  http::Response HandleStatus(const http::Request& req);
  http::Response EnginesJson() const;
  bool Authorized(const http::Request& req) const;

  HubOptions options_;
  bundle::BundleService bundles_;
  std::unique_ptr<http::Server> server_;
  mutable std::mutex mu_;
  std::map<std::string, EngineReport> engines_;  // GUARDED_BY(mu_), by id
  std::vector<std::function<void(const EngineReport&)>> listeners_;  // GUARDED_BY(mu_)
  std::function<bool(const http::Request&, http::Response*)> routes_;
};

// Parses an OPA status report; errors name the JSON path at fault.
fedra::Status ParseStatusReport(std::string_view body, EngineReport* out);

}  // namespace fedra::op::hub

#endif  // FEDRA_OPERATOR_HUB_HUB_SERVER_H_
