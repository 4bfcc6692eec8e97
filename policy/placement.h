// Placement: which member cluster (and so which tier) gets which policy, and
// the policy each one gets after its overrides.
//
// A FederatedPolicy is placed on a MemberCluster when the policy is not
// suspended and every criterion of spec.placement that is given holds:
//   clusterSelector  the cluster's metadata.labels match (Kubernetes selector
//                    semantics; an empty selector matches every cluster)
//   clusters         the cluster's name is listed
//   tiers            the cluster's spec.tier is listed
// No criterion at all places the policy everywhere. Then spec.overrides that
// select the cluster (by name and/or label selector) apply in list order:
// the last enforcement wins, parameters merge as JSON merge patches in
// order, and an override with suspend withdraws the policy from that cluster.
// failurePolicy, when not written, follows the resulting enforcement, as the
// engine's own default does.
//
// The resolved policy's revision is the hex SHA-256 of its canonical JSON
// ({"name", "spec"} with sorted keys, spec normalised by the engine's
// parser), so it depends only on content: not on key order in the manifest,
// the order policies and clusters are listed in, or which cluster it is for.
//
// Pure functions, no state; thread-safe.
#ifndef FEDRA_POLICY_PLACEMENT_H_
#define FEDRA_POLICY_PLACEMENT_H_

#include <string>
#include <string_view>
#include <vector>

#include "admission/policy.h"
#include "fedra/status.h"
#include "policy/types.h"

namespace fedra::policy {

// One FederatedPolicy as it applies to one cluster.
struct ResolvedPolicy {
  std::string policy;   // FederatedPolicy name (= spec.name)
  std::string cluster;  // MemberCluster name
  Tier tier = Tier::kCloud;
  admission::PolicySpec spec;  // overrides applied, defaults filled in
  std::string revision;        // ContentRevision(spec)
};

// True when `cluster`'s labels satisfy `selector`.
bool SelectorMatches(const LabelSelector& selector,
                     const std::map<std::string, std::string>& labels);

// True when the placement criteria select the cluster (ignores suspend and
// overrides).
bool PlacementSelects(const Placement& placement, const MemberCluster& cluster);

// True when override `o` applies to `cluster`.
bool OverrideSelects(const Override& o, const MemberCluster& cluster);

// The policy with no per-cluster change: what status.revision names.
admission::PolicySpec BaseSpec(const FederatedPolicy& policy);

// Resolves `policy` for `cluster`. Returns false (and leaves *out alone)
// when the policy is not placed there or an override suspends it.
bool Resolve(const FederatedPolicy& policy, const MemberCluster& cluster, ResolvedPolicy* out);

// Every (policy, cluster) pair that is placed, sorted by cluster then
// policy. Input order does not matter.
std::vector<ResolvedPolicy> PlaceAll(const std::vector<FederatedPolicy>& policies,
                                     const std::vector<MemberCluster>& clusters);

// The canonical JSON a revision hashes, and the revision.
std::string CanonicalPolicyJson(const admission::PolicySpec& spec);
std::string ContentRevision(const admission::PolicySpec& spec);

// The MemberPolicy the operator applies into the member: name = the policy's,
// labels kHubLabel=hub, kPolicyLabel=policy, kRevisionLabel=the revision's
// first kRevisionLabelChars digits, annotation kRevisionAnnotation=revision.
MemberPolicy ToMemberPolicy(const ResolvedPolicy& resolved, std::string_view hub);

// The object to server-side apply (field manager fedra-operator): the
// MemberPolicy without status, uid or resourceVersion.
Json ToApplyJson(const MemberPolicy& member_policy);

// True when `found` (read from the member) is not what the hub wants there:
// its content hashes to another revision (an edit made in the member, or an
// older copy), or the hub/revision labels differ. The operator then applies
// again, which reverts the edit.
bool NeedsApply(const MemberPolicy& found, const ResolvedPolicy& want, std::string_view hub);
// The same with the content revision of `found` already known
// (MemberContentRevision), for callers that keep it per resourceVersion.
bool NeedsApply(const MemberPolicy& found, std::string_view found_revision, const ResolvedPolicy& want,
                std::string_view hub);
// What a MemberPolicy's content hashes to (its spec, named as the object).
std::string MemberContentRevision(const MemberPolicy& found);

}  // namespace fedra::policy

#endif  // FEDRA_POLICY_PLACEMENT_H_
