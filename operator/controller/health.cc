#include "operator/controller/health.h"

#include <algorithm>
#include <exception>

namespace fedra::op::controller {
namespace {

Status RunGuarded(const HealthCheck& check) {
  try {
    return check ? check() : Status::OK();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("check threw: ") + e.what());
  } catch (...) {
    return Status::Internal("check threw");
  }
}

}  // namespace

void HealthChecks::AddLiveness(std::string name, HealthCheck check) {
  std::lock_guard<std::mutex> lock(mu_);
  liveness_.push_back(Named{std::move(name), std::move(check)});
}

void HealthChecks::AddReadiness(std::string name, HealthCheck check) {
  std::lock_guard<std::mutex> lock(mu_);
  readiness_.push_back(Named{std::move(name), std::move(check)});
}

bool HealthChecks::Handles(std::string_view path) {
  for (std::string_view base : {"/healthz", "/livez", "/readyz"}) {
    if (path == base) return true;
    if (path.size() > base.size() + 1 && path.substr(0, base.size()) == base &&
        path[base.size()] == '/') {
      return true;
    }
  }
  return false;
}

http::Response HealthChecks::Serve(const http::Request& request) const {
  if (!Handles(request.path)) return http::Response::Text(404, "not found\n");
  if (request.method != "GET" && request.method != "HEAD") {
    return http::Response::Text(405, "method not allowed\n");
  }
  std::string_view path = request.path;
  bool readiness = path.substr(0, 7) == "/readyz";
  size_t base_len = path.substr(0, 6) == "/livez" ? 6 : (readiness ? 7 : 8);
  std::string only;
  if (path.size() > base_len) only = std::string(path.substr(base_len + 1));
  std::vector<std::string> excluded;
  for (const auto& [k, v] : request.query) {
    if (k == "exclude") excluded.push_back(v);
  }
  bool verbose = request.HasQuery("verbose");

  std::vector<Named> checks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    checks = liveness_;
    if (readiness) checks.insert(checks.end(), readiness_.begin(), readiness_.end());
  }
  std::string body;
  std::string failures;
  bool found = only.empty();
  bool ok = true;
  for (const Named& c : checks) {
    if (!only.empty() && c.name != only) continue;
    found = true;
    if (std::find(excluded.begin(), excluded.end(), c.name) != excluded.end()) {
      body += "[+]" + c.name + " excluded: ok\n";
      continue;
    }
    Status st = RunGuarded(c.check);
    if (st.ok()) {
      body += "[+]" + c.name + " ok\n";
    } else {
      ok = false;
      std::string line = "[-]" + c.name + " failed: " + std::string(st.message()) + "\n";
      body += line;
      failures += line;
    }
  }
  if (!found) return http::Response::Text(404, "no such check: " + only + "\n");
  std::string name(path.substr(1, base_len - 1));
  if (!ok) return http::Response::Text(500, (verbose ? body : failures) + name + " check failed\n");
  if (verbose) return http::Response::Text(200, body + name + " check passed\n");
  return http::Response::Text(200, "ok");
}

}  // namespace fedra::op::controller
