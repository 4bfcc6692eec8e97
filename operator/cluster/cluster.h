// Cluster: one member cluster as the operator sees it: a client, one
// informer per watched resource, and a health state of its own.
//
// Health comes from a prober thread that asks the API server for /version
// every probe_period and counts a probe without an answer within
// probe_timeout as failed, whatever the HTTP client's own timers do (so a
// dead or hanging cluster is noticed in seconds, whatever the informers'
// backoff is doing):
//   kSyncing      reachable, but not every informer has synced yet
//   kHealthy      reachable and every informer synced
//   kUnreachable  failure_threshold probes in a row failed
// Informers keep retrying on their own while a cluster is unreachable and
// relist when it comes back.
//
// Lifetime: the Manager creates clusters and hands out shared_ptrs (a
// reconciler may still hold one while the cluster is removed: it then sees
// a stopped cluster whose store is still readable). Stop() stops the
// prober and every informer and is idempotent; the destructor calls it.
//
// Thread safety: all const methods from any thread; informer() pointers stay
// valid for the Cluster's lifetime.
#ifndef FEDRA_OP_CLUSTER_CLUSTER_H_
#define FEDRA_OP_CLUSTER_CLUSTER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fedra/status.h"
#include "operator/informer/informer.h"
#include "operator/kube/client.h"
#include "operator/workqueue/thread_annotations.h"

namespace fedra::op::cluster {

enum class HealthState { kUnknown, kSyncing, kHealthy, kUnreachable };
std::string_view HealthStateName(HealthState s);

struct ClusterHealth {
  HealthState state = HealthState::kUnknown;
  std::string message;         // why, for status conditions
  std::string server_version;  // "v1.32.0" from the last good probe
  int consecutive_failures = 0;
  uint64_t probes = 0;
  std::chrono::system_clock::time_point last_transition;
  std::chrono::system_clock::time_point last_success;
};

struct ClusterOptions {
  // Defaults report a lost cluster within 3 s (DESIGN.md's target) even when
  // its packets vanish: worst case 2 x (period + timeout) = 2.6 s
  // from the last good probe; refused connections are seen sooner.
  std::chrono::milliseconds probe_period{500};
  std::chrono::milliseconds probe_timeout{800};
  int failure_threshold = 2;
  informer::InformerOptions informer;
  informer::KubeListerWatcherOptions lister_watcher;
};

struct ClusterSpec {
  std::string name;
  kube::RestConfig config;
  std::vector<informer::ResourceSelector> resources;  // one informer each
  std::map<std::string, std::string> labels;          // for placement
};

class Cluster {
 public:
  using HealthCallback =
      std::function<void(const std::string& cluster, const ClusterHealth& health)>;

  // Creates the clients and informers (not started). Errors name the
  // cluster and what is wrong with its configuration.
  static Status Create(ClusterSpec spec, ClusterOptions options, HealthCallback on_health,
                       std::unique_ptr<Cluster>* out);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // Starts the informers and the prober.
  Status Start();
  // No handler runs and no health change is reported after it returns; the
  // threads may still be finishing a request (a List to a server that does
  // not answer lasts until the client's timeout). Stop() joins them.
  void RequestStop();
  void Stop();

  const std::string& name() const { return spec_.name; }
  const std::map<std::string, std::string>& labels() const { return spec_.labels; }
  kube::Client& client() const { return *client_; }
  // The informer for `gvr` (as given in the spec), or null.
  informer::Informer* informer(const kube::GroupVersionResource& gvr) const;
  const std::vector<std::unique_ptr<informer::Informer>>& informers() const { return informers_; }
  bool HasSynced() const;
  ClusterHealth health() const LOCKS_EXCLUDED(mu_);

 private:
  Cluster(ClusterSpec spec, ClusterOptions options, HealthCallback on_health);
  void ProbeLoop();
  void Probe() LOCKS_EXCLUDED(mu_);

  const ClusterSpec spec_;
  const ClusterOptions options_;
  const HealthCallback on_health_;
  std::unique_ptr<kube::Client> client_;
  // Short timeouts, no retries; shared with a probe still waiting for an
  // answer after the Cluster is gone.
  std::shared_ptr<kube::Client> probe_client_;
  // A probe request that has not answered yet: the next probe waits on it
  // instead of sending another (ProbeLoop's thread only).
  struct ProbeCall;
  std::shared_ptr<ProbeCall> in_flight_;
  std::vector<std::unique_ptr<informer::Informer>> informers_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ GUARDED_BY(mu_) = false;
  bool started_ GUARDED_BY(mu_) = false;
  ClusterHealth health_ GUARDED_BY(mu_);
  std::thread prober_;
};

}  // namespace fedra::op::cluster

#endif  // FEDRA_OP_CLUSTER_CLUSTER_H_
