// StatusReporter: sends OPA-style status reports (`POST <status-url>` with
// {"labels", "bundles", "fedra"}) after every activation attempt and every
// interval, so the operator (or any OPA status service) knows which revision
// each engine enforces. Runs one thread; a report that fails is retried at
// the next trigger, never queued without bound. cpprestsdk is used from this
// thread only (never blocking a pool thread).
#ifndef FEDRA_SERVER_STATUS_REPORT_H_
#define FEDRA_SERVER_STATUS_REPORT_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "fedra/value.h"
#include "server/config.h"
#include "server/sources.h"
#include "server/store.h"

namespace fedra::server {

class StatusReporter {
 public:
  StatusReporter(const EngineConfig& config, PolicyStore* store, const PolicySourceRunner* source);
  ~StatusReporter();
  void Start();
  void Stop();
  // Asks for a report soon (after an activation).
  void Trigger();
  // The report as it would be sent now.
  Value Report() const;
  uint64_t sent() const;
  uint64_t failed() const;

 private:
  void Loop();
  Status Send(const std::string& body);

  const EngineConfig& config_;
  PolicyStore* store_;
  const PolicySourceRunner* source_;
  std::string id_;
  std::string token_;  // the bundle service's bearer token, sent with reports
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;        // GUARDED_BY(mu_)
  bool triggered_ = false;   // GUARDED_BY(mu_)
  uint64_t sent_ = 0;        // GUARDED_BY(mu_)
  uint64_t failed_ = 0;      // GUARDED_BY(mu_)
  Activation last_;          // GUARDED_BY(mu_): the last activation attempt
  std::thread thread_;
};

// RFC 3339 UTC with nanoseconds, as OPA writes times in status.
std::string Rfc3339(std::chrono::system_clock::time_point t);

}  // namespace fedra::server

#endif  // FEDRA_SERVER_STATUS_REPORT_H_
