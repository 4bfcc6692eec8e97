// BundleService: the server side of OPA's bundle protocol, for the
// operator's bundle server (one bundle per cluster and tier) and for tests.
//
//   GET <prefix><name>  ->  200 with the bundle and `ETag: "<etag>"`,
//                           or 304 when If-None-Match names the current ETag.
// Long polling: a request carrying `Prefer: ... wait=N` whose If-None-Match
// is current is parked until the bundle changes (then 200 with the new one)
// or N seconds pass (then 304). Responses carry `Content-Type:
// application/vnd.openpolicyagent.bundles`, which tells OPA-protocol
// clients that long polling is supported. Publishing wakes every parked
// request for that name at once, so engines see a change within a round trip.
//
// Thread-safe. Parked requests are bounded (max_parked; more get an
// immediate 304 to poll again) and all answered by Close().
#ifndef FEDRA_BUNDLE_SERVICE_H_
#define FEDRA_BUNDLE_SERVICE_H_

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/server.h"

namespace fedra::bundle {

struct ServiceOptions {
  std::string prefix = "/bundles/";           // path prefix before the name
  std::chrono::seconds max_wait{300};          // longest long poll honoured
  size_t max_parked = 10000;
  std::string bearer_token;                    // set: requests must carry it
};

class BundleService {
 public:
  explicit BundleService(ServiceOptions options = {});
  ~BundleService();  // Close()
  BundleService(const BundleService&) = delete;
  BundleService& operator=(const BundleService&) = delete;

  // Serves `targz` as bundle `name` from now on; the ETag is derived from
  // the bytes (SHA-256), so republishing equal bytes wakes nobody.
  void Publish(const std::string& name, std::string targz);
  void Remove(const std::string& name);
  // The current ETag of `name` (unquoted), or "" when none is published.
  std::string ETag(const std::string& name) const;
  // Requests waiting in long polls now.
  size_t parked() const;
  uint64_t served() const;  // 200 responses

  // Answers a request under the prefix; false when the path is not ours.
  bool Handle(http::Request& req, http::Responder& resp);
  // Answers every parked request (304) and stops the timer thread.
  void Close();

 private:
  struct Entry {
    std::string etag;
    std::shared_ptr<const std::string> body;
  };
  struct Parked {
    std::string name;
    std::chrono::steady_clock::time_point deadline;
    http::Responder responder;
  };
  http::Response Full(const Entry& e) const;
  // Removes and returns the parked requests `take` selects. Caller holds mu_.
  template <class Pred>
  std::vector<Parked> TakeParked(Pred take);
  void Sweep();

  ServiceOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Entry> bundles_;  // GUARDED_BY(mu_)
  std::vector<Parked> parked_;            // GUARDED_BY(mu_)
  uint64_t served_ = 0;                   // GUARDED_BY(mu_)
  bool closed_ = false;                   // GUARDED_BY(mu_)
  std::thread sweeper_;
};

// "wait=N" from a Prefer header ("modes=snapshot;wait=30"); 0 when absent.
int PreferWaitSeconds(std::string_view prefer);

}  // namespace fedra::bundle

#endif  // FEDRA_BUNDLE_SERVICE_H_
