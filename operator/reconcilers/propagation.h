// Propagate: makes one member cluster hold exactly the MemberPolicies the
// hub places there.
//   - a placed policy that is missing, at another revision, or edited in
//     the member (its content no longer hashes to the revision) is
//     server-side applied with field manager fedra-operator and force, so
//     the hub's copy wins over edits made in the member;
//   - a MemberPolicy labelled with this hub that is not placed there (the
//     cluster left the placement, the FederatedPolicy was suspended or
//     deleted) is deleted. Objects of other hubs are never touched.
// What the member holds comes from its informer (this hub's MemberPolicies),
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

// What was learned of one copy at one resourceVersion: parsing and hashing
// every copy on every pass is what a member holding 1,000 costs otherwise.
struct SeenCopy {
  std::string resource_version;
  bool parsed = false;  // false: it does not parse (edited into garbage)
  policy::MemberPolicy policy;    // metadata and status; the spec is dropped once hashed
  std::string content_revision;  // policy::MemberContentRevision of the spec
};
using SeenCopies = std::map<std::string, SeenCopy>;  // by name

// Brings `seen` in line with `found`: parses and hashes only objects whose
// resourceVersion changed, forgets names no longer found. True when
// anything changed.
bool Observe(const std::vector<informer::ObjectPtr>& found, SeenCopies* seen);

// `seen` is Observe'd from the member's informer (this hub's copies).
PropagationResult Propagate(kube::Client& member, const SeenCopies& seen, std::string_view hub,
                            const std::vector<const policy::ResolvedPolicy*>& placed);

// Writes each placed MemberPolicy's status in the member (revision, engines
// ready/total, Ready) where it differs from what `found` shows. Copies the
// member does not hold at the placed revision yet are left for the next
// pass (the informer's event for the apply brings one).
// Returns the number of statuses written through *written.
Status WriteMemberPolicyStatuses(kube::Client& member, const SeenCopies& seen,
                                 const std::vector<const policy::ResolvedPolicy*>& placed,
                                 const policy::ClusterObservation& obs, std::string_view now, int* written);

}  // namespace fedra::op::reconcilers

#endif  // FEDRA_OPERATOR_RECONCILERS_PROPAGATION_H_
