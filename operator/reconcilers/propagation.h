// Propagate: makes one member cluster hold exactly the MemberPolicies the
// hub places there.
//   - a placed policy that is missing, at another revision, or edited in
//     the member (its content no longer hashes to the revision) is
//     server-side applied with field manager fedra-operator and force, so
//     the hub's copy wins over edits made in the member;
//   - a MemberPolicy labelled with this hub that is not placed there (the
//     cluster left the placement, the FederatedPolicy was suspended or
//     deleted) is deleted. Objects of other hubs are never touched.
// `found` is what the member's informer holds (this hub's MemberPolicies),
// so an unchanged member costs no request.
//
// Thread-compatible: one call per member at a time.
#ifndef FEDRA_OPERATOR_RECONCILERS_PROPAGATION_H_
#define FEDRA_OPERATOR_RECONCILERS_PROPAGATION_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fedra/status.h"
#include "operator/informer/store.h"
#include "operator/kube/client.h"
#include "policy/placement.h"
#include "policy/rollup.h"

namespace fedra::op::reconcilers {

inline constexpr std::string_view kFieldManager = "fedra-operator";

struct PropagationResult {
  int applied = 0;
  int deleted = 0;
  int unchanged = 0;
  // Policy name -> revision the member holds after this pass (applied ones
  // at the revision just written); only copies of this hub.
  std::map<std::string, std::string> held;
  Status error;  // the first write that failed (the rest were still tried)
};

PropagationResult Propagate(kube::Client& member, const std::vector<informer::ObjectPtr>& found,
                            std::string_view hub, const std::vector<const policy::ResolvedPolicy*>& placed);

// Writes each placed MemberPolicy's status in the member (revision, engines
// ready/total, Ready) where it differs from what `found` shows. Copies the
// member does not hold at the placed revision yet are left for the next
// pass (the informer's event for the apply brings one).
Status WriteMemberPolicyStatuses(kube::Client& member, const std::vector<informer::ObjectPtr>& found,
                                 const std::vector<const policy::ResolvedPolicy*>& placed,
                                 const policy::ClusterObservation& obs, std::string_view now);

}  // namespace fedra::op::reconcilers

#endif  // FEDRA_OPERATOR_RECONCILERS_PROPAGATION_H_
