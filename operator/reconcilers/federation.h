// FederationReconciler: the hub half of fedra-operator, level-based on one
// key. Each Reconcile reads every FederatedPolicy and MemberCluster from the
// hub, and:
//   1. compiles each policy with the engine (policy::CheckCompiles); a policy
//      that does not compile keeps its last good revision in force
//      everywhere (until the operator restarts: that memory is in process);
//   2. places the good policies on clusters and tiers (policy::PlaceAll,
//      overrides applied) and assembles one bundle per (cluster, tier);
//   3. publishes each bundle on the HubServer, which wakes the engines
//      waiting in long polls;
//   4. rolls engine reports (OPA status API, through the HubServer) up into
//      each FederatedPolicy's status (Compiled, Propagated, Ready, per-cluster
//      phase and engines ready/total) and writes it through the status
//      subresource when it changed.
// It returns RequeueAfter(resync) so engines that stop reporting are noticed.
//
// Not yet here (next steps of issue 6): MemberPolicy copies applied into the
// member clusters with server-side apply, MemberCluster status from the
// member's API, webhook configurations and serving certificates. Until then
// "applied" in the roll-up means "in the bundle the cluster's engines pull".
//
// Reconcile is not reentrant: run it from one controller worker.
#ifndef FEDRA_OPERATOR_RECONCILERS_FEDERATION_H_
#define FEDRA_OPERATOR_RECONCILERS_FEDERATION_H_

#include <chrono>
#include <map>
#include <string>

#include "operator/controller/reconcile.h"
#include "operator/hub/hub_server.h"
#include "operator/kube/client.h"
#include "policy/engine_status.h"
#include "policy/rollup.h"
#include "policy/types.h"

namespace fedra::op::reconcilers {

struct FederationOptions {
  std::chrono::milliseconds resync{1000};
};

kube::GroupVersionResource FederatedPolicies();
kube::GroupVersionResource MemberClusters();

class FederationReconciler {
 public:
  FederationReconciler(kube::Client* hub_client, hub::HubServer* hub, FederationOptions options = {});

  controller::Result Reconcile(const controller::Key& key);

  // What the last Reconcile published: (cluster, tier) -> bundle revision.
  const std::map<std::pair<std::string, std::string>, std::string>& published() const {
    return published_;
  }

 private:
  Status WriteStatus(const policy::FederatedPolicy& fp, const policy::FederatedPolicyStatus& status);

  kube::Client* client_;
  hub::HubServer* hub_;
  FederationOptions options_;
  std::map<std::string, policy::FederatedPolicy> last_good_;  // by name
  policy::BundleIndex index_;                                 // bundle revision -> policy revisions
  std::map<std::string, int64_t> first_seen_millis_;          // policy revision -> when first placed
  std::map<std::pair<std::string, std::string>, std::string> published_;
};

}  // namespace fedra::op::reconcilers

#endif  // FEDRA_OPERATOR_RECONCILERS_FEDERATION_H_
