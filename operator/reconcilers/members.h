// MemberConnections: one connection per MemberCluster, made from the
// kubeconfig in the Secret the cluster references, and kept in line with
// the hub's MemberClusters on every Sync:
//   - a new MemberCluster is connected (a cluster::Cluster with an informer
//     on this hub's MemberPolicies there and a prober for its health);
//   - a changed kubeconfig (the Secret's bytes, or the reference) reconnects;
//   - a MemberCluster that is gone is disconnected.
// A Secret that is missing, lacks the key, or holds something that is not a
// usable kubeconfig leaves that cluster unconnected with a reason and a
// message for its status (KubeconfigSecretNotFound, KubeconfigInvalid, ...);
// the other clusters are unaffected. Sync tries again each time, so fixing
// the Secret is enough. A kubeconfig that points nowhere connects, and the
// prober reports the cluster unreachable.
//
// `on_change` is called (from informer and prober threads) when a member's
// MemberPolicies change or its health changes: the operator enqueues its
// reconcile there, so drift is reverted and an unreachable member is
// reported within the prober's bound (3 s by default).
//
// Thread safety: Sync and Get from the reconciler's thread; Get from any.
#ifndef FEDRA_OPERATOR_RECONCILERS_MEMBERS_H_
#define FEDRA_OPERATOR_RECONCILERS_MEMBERS_H_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "operator/cluster/manager.h"
#include "operator/kube/client.h"
#include "operator/workqueue/thread_annotations.h"
#include "policy/types.h"

namespace fedra::op::reconcilers {

kube::GroupVersionResource MemberPolicies();

// Reads a Secret from the hub (an informer's store or the API).
using SecretReader =
    std::function<kube::ApiStatus(const std::string& ns, const std::string& name, nlohmann::json* out)>;

struct MemberConnectionOptions {
  std::string hub = "hub";  // value of policy.fedra.io/hub on our MemberPolicies
  cluster::ClusterOptions cluster;
  // Per member client: a first sync of 1,000 policies is 1,000 applies.
  double qps = 100;
  int burst = 200;
  // Per request to a member: a member that hangs holds the reconcile (which
  // works the members one after another) for at most this long.
  std::chrono::milliseconds request_timeout{5000};
  std::function<void(const std::string& cluster)> on_change;
};

// Where one member's connection stands.
struct MemberConnection {
  std::shared_ptr<cluster::Cluster> cluster;  // null: not connected
  std::string reason;                         // why not connected (CamelCase)
  std::string message;
};

class MemberConnections {
 public:
  MemberConnections(SecretReader read_secret, MemberConnectionOptions options);
  ~MemberConnections();  // Stop()
  MemberConnections(const MemberConnections&) = delete;
  MemberConnections& operator=(const MemberConnections&) = delete;

  void Sync(const std::vector<policy::MemberCluster>& clusters) LOCKS_EXCLUDED(mu_);
  MemberConnection Get(const std::string& name) const LOCKS_EXCLUDED(mu_);
  // The MemberPolicy informer of a connected cluster, or null.
  static informer::Informer* PolicyInformer(const cluster::Cluster& c);
  void Stop();

 private:
  // Reads and parses the kubeconfig; on failure fills reason and message.
  bool LoadConfig(const policy::MemberCluster& mc, kube::RestConfig* rc, std::string* fingerprint,
                  MemberConnection* failure);

  const SecretReader read_secret_;
  const MemberConnectionOptions options_;
  cluster::Manager manager_;
  mutable std::mutex mu_;
  std::map<std::string, std::string> fingerprints_ GUARDED_BY(mu_);  // connected: kubeconfig identity
  std::map<std::string, MemberConnection> failures_ GUARDED_BY(mu_);
};

}  // namespace fedra::op::reconcilers

#endif  // FEDRA_OPERATOR_RECONCILERS_MEMBERS_H_
