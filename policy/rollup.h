// Compile checks and status roll-up for FederatedPolicy and MemberCluster.
//
// CheckCompiles builds the policy with the engine (admission::Build): a
// policy that fails gets Compiled=False with the engine's file:line:col
// messages, and MayPropagate says no, so the last good revision stays in
// force everywhere (the operator keeps propagating what it had).
//
// RollUp turns what was observed (which clusters the policy is placed on,
// what each member holds, what each engine reports active) into the
// policy's status: per cluster a phase and engines ready/total, and the
// kstatus conditions Compiled, Propagated and Ready, each carrying the
// metadata.generation it was computed for (observedGeneration), so
// `kubectl wait --for=condition=Ready` and Argo CD's health check read it.
// A condition's lastTransitionTime changes only when its status changes.
//
// Pure functions: time comes in as arguments. Thread-safe.
#ifndef FEDRA_POLICY_ROLLUP_H_
#define FEDRA_POLICY_ROLLUP_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "policy/placement.h"
#include "policy/types.h"

namespace fedra::policy {

inline constexpr std::string_view kConditionCompiled = "Compiled";
inline constexpr std::string_view kConditionPropagated = "Propagated";
inline constexpr std::string_view kConditionReady = "Ready";
inline constexpr std::string_view kConditionReachable = "Reachable";

// Phases of one placed cluster (status.clusters[].phase).
inline constexpr std::string_view kPhasePending = "Pending";          // not applied yet
inline constexpr std::string_view kPhaseProgressing = "Progressing";  // applied, engines moving
inline constexpr std::string_view kPhaseSynced = "Synced";            // every engine active
inline constexpr std::string_view kPhaseFailed = "Failed";            // an engine reported an error
inline constexpr std::string_view kPhaseUnreachable = "Unreachable";  // member not answering

struct CompileReport {
  bool ok = false;
  std::vector<std::string> messages;  // "file:line:col: code: message"
};

// Compiles the policy as the engine would (its base spec; overrides change
// only enforcement and parameters, which do not affect compilation). Module
// files are named "<policy>/<module>" in messages.
CompileReport CheckCompiles(const FederatedPolicy& policy);

// False when the policy must not be propagated: it did not compile.
bool MayPropagate(const CompileReport& report);

// Sets or updates condition `c` in `conditions` (matched by type), keeping
// lastTransitionTime when the status does not change; `now` is RFC 3339.
void SetCondition(std::vector<Condition>* conditions, Condition c, std::string_view now);
const Condition* FindCondition(const std::vector<Condition>& conditions, std::string_view type);
// True when condition `type` is there with status `status`.
bool ConditionIs(const std::vector<Condition>& conditions, std::string_view type, std::string_view status);

// What one engine reports (OPA status API, decoded by the operator).
struct EngineReport {
  std::string id;
  // policy name -> revision active in this engine.
  std::map<std::string, std::string> active;
  bool healthy = true;              // false: the engine reported an error activating
  std::string message;              // the error
  int64_t activated_at_millis = 0;  // when its current bundle became active
};

// What the operator observed in one member cluster.
struct ClusterObservation {
  bool reachable = true;
  std::string reason;   // why unreachable (CamelCase; default "Unreachable")
  std::string message;  // why unreachable
  // policy name -> revision of the MemberPolicy found there.
  std::map<std::string, std::string> applied;
  std::vector<EngineReport> engines;
};

struct RollUpInput {
  const FederatedPolicy* policy = nullptr;
  const CompileReport* compile = nullptr;
  // PlaceAll's entries for this policy (owned by the caller).
  std::vector<const ResolvedPolicy*> placed;
  std::map<std::string, ClusterObservation> clusters;  // by cluster name
  // When the current revision was created (for sync latency), ms since epoch.
  int64_t changed_at_millis = 0;
  std::string now;  // RFC 3339
  // ContentRevision(BaseSpec(*policy)) when the caller has it ("": computed).
  std::string revision;
};

// The new status; `in.policy->status` provides the previous conditions.
FederatedPolicyStatus RollUp(const RollUpInput& in);

// A MemberCluster's status from its latest observation: Reachable, and
// Ready (reachable with every engine healthy); heartbeat is `now` when
// reachable, else kept.
MemberClusterStatus RollUpCluster(const MemberCluster& cluster, const ClusterObservation& obs,
                                  std::string_view kubernetes_version, int64_t policies_synced,
                                  std::string_view now);

// A MemberPolicy's status in its member: the revision it holds, engines
// ready (those reporting `placed.revision` active) out of total, and Ready
// when every engine has it (False with NoEngines when none reports).
MemberPolicyStatus RollUpMemberPolicy(const MemberPolicy& found, const ResolvedPolicy& placed,
                                      const ClusterObservation& obs, std::string_view now);

// RFC 3339 UTC with seconds ("2026-11-28T09:00:00Z") for milliseconds since
// the epoch.
std::string FormatTime(int64_t millis);

}  // namespace fedra::policy

#endif  // FEDRA_POLICY_ROLLUP_H_
