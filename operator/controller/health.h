// HealthChecks: the /healthz, /livez and /readyz endpoints, in the
// kube-apiserver's manner.
//
// Liveness checks answer "is this process working at all" (a stuck leader
// election, a dead worker pool): failing them gets the pod restarted.
// Readiness checks answer "should traffic and work come here" (informers
// synced, a member cluster reachable): failing them only takes the pod out
// of rotation. /readyz runs both kinds.
//
// Answers: 200 "ok", or 500 listing the failed checks. "?verbose" lists
// every check as "[+]name ok" / "[-]name failed: reason"; "/readyz/<name>"
// runs one check. "?exclude=<name>" skips a check (repeatable).
//
// Thread safety: Add* and Serve from any thread; checks run on the caller's
// thread (the HTTP server's), so they must be quick.
#ifndef FEDRA_OP_CONTROLLER_HEALTH_H_
#define FEDRA_OP_CONTROLLER_HEALTH_H_

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "fedra/status.h"
#include "http/server.h"
#include "operator/workqueue/thread_annotations.h"

namespace fedra::op::controller {

using HealthCheck = std::function<Status()>;

class HealthChecks {
 public:
  void AddLiveness(std::string name, HealthCheck check) LOCKS_EXCLUDED(mu_);
  void AddReadiness(std::string name, HealthCheck check) LOCKS_EXCLUDED(mu_);

  // True for the paths Serve answers.
  static bool Handles(std::string_view path);
  // Answers a request for one of those paths (404 for others; 405 for
  // methods other than GET/HEAD).
  http::Response Serve(const http::Request& request) const LOCKS_EXCLUDED(mu_);

 private:
  struct Named {
    std::string name;
    HealthCheck check;
  };
  mutable std::mutex mu_;
  std::vector<Named> liveness_ GUARDED_BY(mu_);
  std::vector<Named> readiness_ GUARDED_BY(mu_);
};

}  // namespace fedra::op::controller

#endif  // FEDRA_OP_CONTROLLER_HEALTH_H_
