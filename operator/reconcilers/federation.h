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
// With MemberConnections (operator/reconcilers/members.h) it also works the
// member clusters:
//   5. connects to each MemberCluster with the kubeconfig in its Secret;
//   6. server-side applies the placed MemberPolicies into each reachable
//      member, reverts edits made there and deletes copies no longer placed
//      (propagation.h); the status then reports what the member holds;
//   6b. keeps the member's ValidatingWebhookConfiguration (and Mutating one)
//      and the engine's serving certificate (member_admission.h);
//   7. writes each MemberCluster's status: Reachable and Ready, the last
//      heartbeat (refreshed every heartbeat_interval, or with any other
//      change), the Kubernetes version, engines and policies synced;
//   8. keeps the finalizer kFinalizer on every FederatedPolicy and removes
//      it from a deleted one once no reachable member holds a copy
//      (unreachable members are cleaned when they come back: copies of this
//      hub that are not placed are deleted wherever they are found).
// Without MemberConnections "applied" means "in the bundle the cluster's
// engines pull" (the operator then serves bundles only).
//
// Reconcile is not reentrant: run it from one controller worker.
#ifndef FEDRA_OPERATOR_RECONCILERS_FEDERATION_H_
#define FEDRA_OPERATOR_RECONCILERS_FEDERATION_H_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "operator/controller/reconcile.h"
#include "operator/hub/hub_server.h"
#include "operator/kube/client.h"
#include "operator/reconcilers/member_admission.h"
#include "operator/reconcilers/members.h"
#include "operator/reconcilers/metrics.h"
#include "operator/reconcilers/propagation.h"
#include "policy/engine_status.h"
#include "policy/rollup.h"
#include "policy/types.h"

namespace fedra::op::reconcilers {

inline constexpr std::string_view kFinalizer = "policy.fedra.io/member-cleanup";

struct FederationOptions {
  std::chrono::milliseconds resync{1000};
  std::string hub = "hub";  // policy.fedra.io/hub on the MemberPolicies this operator writes
  std::chrono::milliseconds heartbeat_interval{10000};
  OperatorMetrics* metrics = nullptr;  // optional; outlives the reconciler
  // Keep each member's webhook configurations and engine serving
  // certificate (member_admission.h); checked when the placed policies
  // change, when a certificate is due, and every admission_recheck.
  bool manage_admission = true;
  MemberAdmissionOptions admission;
  std::chrono::milliseconds admission_recheck{60000};
  // Member work (steps 6 and 6b) runs in ReconcileMember. Set: Reconcile
  // hands a member whose desired state changed to this (a controller whose
  // workers call ReconcileMember, so members are worked in parallel and a
  // slow one holds up only itself), and ReconcileMember calls
  // on_member_observed when what it found changed (to enqueue Reconcile).
  // Unset: Reconcile calls ReconcileMember inline, member after member.
  std::function<void(const std::string& cluster)> enqueue_member;
  std::function<void()> on_member_observed;
  // The hub's FederatedPolicy and MemberCluster informers: read from their
  // caches once synced instead of listing every pass (optional).
  const informer::Informer* policy_informer = nullptr;
  const informer::Informer* cluster_informer = nullptr;
};

kube::GroupVersionResource FederatedPolicies();
kube::GroupVersionResource MemberClusters();

class FederationReconciler {
 public:
  // `members` may be null (bundles only); it must outlive the reconciler.
  FederationReconciler(kube::Client* hub_client, hub::HubServer* hub, FederationOptions options = {},
                       MemberConnections* members = nullptr);

  controller::Result Reconcile(const controller::Key& key);
  // One member: apply its MemberPolicies, keep its admission wiring and its
  // copies' status. Thread-safe for different clusters; not reentrant for
  // one cluster (a controller never hands out one key twice at a time).
  controller::Result ReconcileMember(const std::string& cluster);

  // What the last Reconcile published: (cluster, tier) -> bundle revision.
  const std::map<std::pair<std::string, std::string>, std::string>& published() const {
    return published_;
  }

 private:
  Status WriteStatus(const policy::FederatedPolicy& fp, const policy::FederatedPolicyStatus& status);
  Status WriteClusterStatus(const policy::MemberCluster& mc, const policy::MemberClusterStatus& status);
  Status SetFinalizer(const policy::Json& item, bool present);
  Status ReadAll(const kube::GroupVersionResource& gvr, const informer::Informer* from,
                 std::vector<informer::ObjectPtr>* out);
  // Reachability of a member from its connection and prober, as of now;
  // the connection and whether the member may be written to.
  bool Reachability(const std::string& cluster, policy::ClusterObservation* obs, std::string* version,
                    MemberConnection* conn) const;

  // One placed copy, shared by the placement cache and the passes using it.
  using Placed = std::shared_ptr<const policy::ResolvedPolicy>;
  struct CachedPlacement {
    std::string policy_key;  // uid/generation/revision of the policy resolved
    std::string fleet;       // the clusters it was resolved against
    std::vector<Placed> placed;
  };
  // PlaceAll, sorted by cluster then policy, from the cache where it holds.
  std::vector<Placed> Place(const std::vector<policy::FederatedPolicy>& policies,
                            const std::vector<policy::MemberCluster>& clusters);

  // What Reconcile wants in one member, and what ReconcileMember found.
  struct MemberDesired {
    policy::MemberCluster cluster;
    std::vector<Placed> placed;
    std::vector<policy::EngineReport> engines;  // for the copies' status
    std::string fingerprint;
  };
  struct MemberState {
    std::map<std::string, std::string> applied;  // policy -> revision held there
    bool observed = false;
    std::string admission_placed;  // revisions the webhooks were derived from
    std::chrono::system_clock::time_point admission_next_check;
    SeenCopies seen;             // the member's copies, parsed once per resourceVersion
    uint64_t seen_changes = 0;   // bumped when `seen` changes
    std::string statuses_for;    // desired fingerprint + seen_changes the copies' status was last written for
  };
  Status EnsureAdmission(const MemberDesired& d, kube::Client& member, MemberState* state);

  kube::Client* client_;
  hub::HubServer* hub_;
  FederationOptions options_;
  MemberConnections* members_;
  std::map<std::string, policy::FederatedPolicy> last_good_;  // by name
  policy::BundleIndex index_;                                 // bundle revision -> policy revisions
  std::map<std::string, int64_t> first_seen_millis_;          // policy revision -> when first placed
  std::map<std::pair<std::string, std::string>, std::string> published_;
  std::map<std::string, policy::CompileReport> compiled_;  // by content revision (present ones)
  std::map<std::string, CachedPlacement> placement_cache_;  // by policy name
  struct ParsedPolicy {
    std::string resource_version;
    policy::FederatedPolicy fp;
    std::string base_revision;  // ContentRevision(BaseSpec(fp))
  };
  std::map<std::string, ParsedPolicy> parsed_;  // by name
  struct PublishedBundle {
    std::string fingerprint;  // policy=revision of what it holds
    std::string revision;
    std::vector<std::string> recent;  // the last few revisions, for engine reports
  };
  std::map<std::pair<std::string, std::string>, PublishedBundle> bundles_;  // (cluster, tier)

  mutable std::mutex members_mu_;
  std::map<std::string, MemberDesired> desired_;  // GUARDED_BY(members_mu_), by cluster
  // By cluster; the map, `applied` and `observed` under members_mu_, the
  // admission fields by that cluster's ReconcileMember alone (which holds
  // its own reference, so a cluster removed meanwhile is no hazard).
  std::map<std::string, std::shared_ptr<MemberState>> member_state_;
};

}  // namespace fedra::op::reconcilers

#endif  // FEDRA_OPERATOR_RECONCILERS_FEDERATION_H_
