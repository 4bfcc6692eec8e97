// Admission wiring in one member cluster: the engine's serving certificate
// (engine_certs.h) and the webhook configurations that point the member's
// API server at the engine (webhook_config.h), made so.
//
// EnsureMemberAdmission reads the CA and serving Secrets, plans, and writes
// only what the plan or a difference asks for, by server-side apply (field
// manager fedra-operator, force), in this order:
//   1. the engine namespace, when missing;
//   2. the CA Secret;
//   3. the webhook configurations (the Mutating one deleted when no placed
//      policy mutates any more), whose caBundle then trusts the new CA and,
//      during a rotation, the old one;
//   4. the serving Secret.
// Engines pick up the serving Secret after the API server already trusts
// its CA, so no request fails on the way. A second call with nothing
// changed (same Secrets, policies, discovery, and a `now` before
// next_change) writes nothing.
//
// Not thread-safe for one member (the caller's reconciler serialises calls
// per member); calls for different members may run concurrently.
#ifndef FEDRA_OPERATOR_RECONCILERS_MEMBER_ADMISSION_H_
#define FEDRA_OPERATOR_RECONCILERS_MEMBER_ADMISSION_H_

#include <chrono>
#include <string>
#include <vector>

#include "fedra/status.h"
#include "operator/kube/client.h"
#include "operator/reconcilers/engine_certs.h"
#include "operator/reconcilers/webhook_config.h"
#include "policy/placement.h"
#include "policy/types.h"

namespace fedra::op::reconcilers {

struct MemberAdmissionOptions {
  EngineCertOptions certs;
  int webhook_timeout_seconds = 10;
  ResourceResolver resolver;  // empty: DiscoveryResolver(member)
  MutatesFn mutates;          // empty: PolicyMutates
};

struct MemberAdmissionResult {
  bool namespace_created = false;
  bool ca_secret_written = false;
  bool serving_secret_written = false;
  bool validating_written = false;
  bool mutating_written = false;
  bool mutating_deleted = false;
  bool ca_rotated = false;
  // What was written and why, "; "-separated, for events and logs ("" when
  // nothing was).
  std::string reason;
  std::string ca_bundle_pem;  // what the webhooks trust now
  // Call again by then at the latest (a renewal or the end of an overlap).
  std::chrono::system_clock::time_point next_change;

  bool changed() const {
    return namespace_created || ca_secret_written || serving_secret_written ||
           validating_written || mutating_written || mutating_deleted;
  }
};

// Resolves kinds with `member`'s discovery: group "" is the core group,
// "*" any group (the first group/version serving the kind). The resolver
// refers to `member` (which must outlive it) and reads the list of
// group/versions once: make one per reconcile.
ResourceResolver DiscoveryResolver(kube::Client& member);

// See the top of this file. Errors name the member, the object and the
// step; what was written before the error stays written (the next call
// carries on from there).
Status EnsureMemberAdmission(kube::Client& member, const policy::MemberCluster& mc,
                             const std::vector<policy::ResolvedPolicy>& placed,
                             std::chrono::system_clock::time_point now,
                             const MemberAdmissionOptions& options, MemberAdmissionResult* out);

}  // namespace fedra::op::reconcilers

#endif  // FEDRA_OPERATOR_RECONCILERS_MEMBER_ADMISSION_H_
