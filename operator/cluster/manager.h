// Manager: the member clusters the operator works with, added and removed
// at run time (MemberCluster objects come and go), each a Cluster with its
// own client, informers and health.
//
// AddCluster builds the cluster, lets `on_setup` attach event handlers to
// its informers (typically controller::EnqueueObject(&c, name) so keys
// carry the cluster's name) before anything is delivered, then starts it.
// RemoveCluster stops its prober and informers (no handler runs after it
// returns) and forgets it at once; threads still waiting on a server that
// does not answer are joined in the background (and by Stop()).
// Replacing a cluster's configuration is a remove and an add.
//
// Thread safety: every method from any thread, except from inside the
// callbacks of the cluster being added or removed.
#ifndef FEDRA_OP_CLUSTER_MANAGER_H_
#define FEDRA_OP_CLUSTER_MANAGER_H_

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fedra/status.h"
#include "operator/cluster/cluster.h"
#include "operator/workqueue/thread_annotations.h"

namespace fedra::op::cluster {

struct ManagerOptions {
  ClusterOptions cluster;
  // Called once per added cluster, before its informers start.
  std::function<void(Cluster& cluster)> on_setup;
  // Health transitions of any cluster (from its prober thread).
  Cluster::HealthCallback on_health;
};

class Manager {
 public:
  explicit Manager(ManagerOptions options);
  ~Manager();  // Stop()
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Fails if the name is taken or the configuration is bad (naming the
  // cluster and the field).
  Status AddCluster(ClusterSpec spec) LOCKS_EXCLUDED(mu_);
  // NotFound when absent.
  Status RemoveCluster(const std::string& name) LOCKS_EXCLUDED(mu_);
  std::shared_ptr<Cluster> Get(const std::string& name) const LOCKS_EXCLUDED(mu_);
  std::vector<std::string> Names() const LOCKS_EXCLUDED(mu_);
  std::map<std::string, ClusterHealth> Health() const LOCKS_EXCLUDED(mu_);
  // For /readyz: OK when every cluster's informers have synced; unreachable
  // clusters do not make the operator unready (it still serves the rest).
  Status CheckSynced() const LOCKS_EXCLUDED(mu_);
  // Stops and forgets every cluster and waits for all their threads.
  void Stop() LOCKS_EXCLUDED(mu_);

 private:
  void ReaperLoop() LOCKS_EXCLUDED(mu_);

  const ManagerOptions options_;
  mutable std::mutex mu_;
  std::condition_variable reaper_cv_;
  std::map<std::string, std::shared_ptr<Cluster>> clusters_ GUARDED_BY(mu_);
  // Removed clusters whose threads are still to be joined.
  std::vector<std::shared_ptr<Cluster>> to_reap_ GUARDED_BY(mu_);
  bool reaper_stop_ GUARDED_BY(mu_) = false;
  std::thread reaper_;  // started lazily by RemoveCluster
};

}  // namespace fedra::op::cluster

#endif  // FEDRA_OP_CLUSTER_MANAGER_H_
