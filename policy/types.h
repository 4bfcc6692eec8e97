// The policy.fedra.io/v1alpha1 custom resources as C++ values, and their
// JSON form (crds/*.yaml is the schema; docs/crds.md the reference).
//
//   FederatedPolicy  (hub, cluster-scoped)    a policy plus where it goes
//   MemberCluster    (hub, cluster-scoped)    one member cluster: credentials, tier, labels
//   MemberPolicy     (member, cluster-scoped) the resolved copy the operator applies
//
// Parse* reads an object (a manifest or an API response) and checks types,
// naming the JSON path of the first bad field ("spec.placement.tiers[1]:
// \"fog\" is not one of cloud, edge"). The policy half of a spec (type,
// enforcement, match, modules, ...) is read by the engine's own parser
// (admission::ParsePolicySpec), so the hub accepts exactly what engines
// accept. Validate* adds the cross-field rules the CRDs state in CEL
// (validate.cc). Defaults are applied while parsing, as the API server
// applies the schema defaults. To*Json writes the object back; a parsed and
// written object parses to an equal value.
//
// Plain values: copy freely; no function here does I/O or keeps state.
#ifndef FEDRA_POLICY_TYPES_H_
#define FEDRA_POLICY_TYPES_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admission/policy.h"
#include "fedra/status.h"

namespace fedra::policy {

using Json = nlohmann::json;

inline constexpr std::string_view kGroup = "policy.fedra.io";
inline constexpr std::string_view kVersion = "v1alpha1";
inline constexpr std::string_view kApiVersion = "policy.fedra.io/v1alpha1";

// Labels and annotations the operator puts on MemberPolicies.
inline constexpr std::string_view kHubLabel = "policy.fedra.io/hub";
inline constexpr std::string_view kPolicyLabel = "policy.fedra.io/federated-policy";
// Label values are at most 63 characters: the label holds the first 32 hex
// digits of the revision, the annotation all 64.
inline constexpr std::string_view kRevisionLabel = "policy.fedra.io/revision";
inline constexpr std::string_view kRevisionAnnotation = "policy.fedra.io/revision";
inline constexpr size_t kRevisionLabelChars = 32;

enum class Tier : uint8_t { kCloud, kEdge };
std::string_view TierName(Tier t);  // "cloud", "edge"
bool ParseTier(std::string_view text, Tier* out);

// One problem found by validation: a JSON path and what is wrong there.
struct FieldError {
  std::string path;     // "spec.overrides[0].clusters"
  std::string message;  // "required when clusterSelector is absent"
};
// InvalidArgument listing every error as "path: message", "; "-separated;
// OK when `errors` is empty.
Status ErrorsToStatus(const std::vector<FieldError>& errors);

// The metadata fields the operator reads and writes.
struct ObjectMeta {
  std::string name;
  std::string uid;
  std::string resource_version;
  int64_t generation = 0;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
};

// A kstatus condition (metav1.Condition).
struct Condition {
  std::string type;    // "Ready"
  std::string status;  // "True" | "False" | "Unknown"
  std::string reason;  // CamelCase
  std::string message;
  std::string last_transition_time;  // RFC 3339
  int64_t observed_generation = 0;
  bool operator==(const Condition&) const = default;
};

// A label selector as written (matchLabels / matchExpressions).
using LabelSelector = admission::LabelSelector;

// ---- FederatedPolicy ---------------------------------------------------------

struct Placement {
  std::optional<LabelSelector> cluster_selector;  // on MemberCluster labels
  std::vector<std::string> clusters;              // MemberCluster names
  std::vector<Tier> tiers;                        // empty: every tier
};

// Per-cluster changes, applied in list order to the clusters an override
// selects (clusters by name and/or clusterSelector; both given: both must
// hold). A later override's enforcement wins; parameters merge as a JSON
// merge patch (RFC 7386) onto the result so far; suspend withdraws the
// policy from the selected clusters.
struct Override {
  std::vector<std::string> clusters;
  std::optional<LabelSelector> cluster_selector;
  std::optional<admission::Enforcement> enforcement;
  std::optional<Json> parameters;  // an object
  bool suspend = false;
};

struct FederatedPolicySpec {
  admission::PolicySpec policy;  // name = metadata.name
  // failurePolicy was written: otherwise it follows the (overridden)
  // enforcement, as the engine's default does.
  bool failure_policy_set = false;
  Placement placement;
  std::vector<Override> overrides;
  bool suspend = false;  // withdraw from every cluster
};

// Where one placed cluster stands (status.clusters[]).
struct ClusterStatus {
  std::string name;
  std::string tier;
  std::string revision;
  std::string phase;  // Pending | Progressing | Synced | Failed | Unreachable
  int64_t engines_ready = 0;
  int64_t engines_total = 0;
  std::optional<int64_t> last_sync_latency_millis;
  std::string message;
  bool operator==(const ClusterStatus&) const = default;
};

struct FederatedPolicyStatus {
  int64_t observed_generation = 0;
  std::string revision;  // of the policy before per-cluster overrides
  std::vector<Condition> conditions;
  std::vector<ClusterStatus> clusters;  // sorted by name
  int64_t ready_clusters = 0;
  int64_t total_clusters = 0;
  std::string cluster_summary;  // "ready/total", for the printer column
};

struct FederatedPolicy {
  ObjectMeta metadata;
  FederatedPolicySpec spec;
  FederatedPolicyStatus status;
};

// ---- MemberCluster -----------------------------------------------------------

struct SecretRef {
  std::string namespace_name;
  std::string name;
  std::string key = "kubeconfig";
};

// The engine Service in the member that webhooks point at.
struct EngineService {
  std::string namespace_name = "fedra-system";
  std::string name = "fedra-engine";
  int64_t port = 443;
};

struct MemberClusterSpec {
  SecretRef kubeconfig_secret_ref;
  Tier tier = Tier::kCloud;
  EngineService engine_service;
};

struct MemberClusterStatus {
  int64_t observed_generation = 0;
  std::vector<Condition> conditions;  // Ready, Reachable
  std::string last_heartbeat_time;
  std::string kubernetes_version;
  int64_t engines_ready = 0;
  int64_t engines_total = 0;
  int64_t policies_synced = 0;
};

struct MemberCluster {
  ObjectMeta metadata;  // labels drive placement
  MemberClusterSpec spec;
  MemberClusterStatus status;
};

// ---- MemberPolicy ------------------------------------------------------------

struct MemberPolicyStatus {
  int64_t observed_generation = 0;
  std::string revision;
  std::vector<Condition> conditions;
  int64_t engines_ready = 0;
  int64_t engines_total = 0;
};

struct MemberPolicy {
  ObjectMeta metadata;
  admission::PolicySpec spec;  // resolved: overrides applied, defaults filled in
  MemberPolicyStatus status;
};

// ---- JSON --------------------------------------------------------------------

// `doc` must carry apiVersion policy.fedra.io/v1alpha1 and the right kind.
Status ParseFederatedPolicy(const Json& doc, FederatedPolicy* out);
Status ParseMemberCluster(const Json& doc, MemberCluster* out);
Status ParseMemberPolicy(const Json& doc, MemberPolicy* out);

Json ToJson(const FederatedPolicy& p);
Json ToJson(const MemberCluster& c);
Json ToJson(const MemberPolicy& p);

// The spec of a policy as the engine reads it: PolicySpecToValue plus
// "modules" [{name, rego}]; `failure_policy` false leaves failurePolicy out.
Json PolicySpecToJson(const admission::PolicySpec& spec, bool failure_policy = true);

Json ConditionsToJson(const std::vector<Condition>& conditions);
// The `status` objects alone, for status subresource updates.
Json FederatedPolicyStatusToJson(const FederatedPolicyStatus& status);
Json MemberClusterStatusToJson(const MemberClusterStatus& status);
Json MemberPolicyStatusToJson(const MemberPolicyStatus& status);
Json MetadataToJson(const ObjectMeta& meta);

// The cross-field rules (the CRDs' x-kubernetes-validations and the name
// formats), every error with its path. Parsing already checked types.
std::vector<FieldError> ValidateFederatedPolicy(const FederatedPolicy& p);
std::vector<FieldError> ValidateMemberCluster(const MemberCluster& c);

// A DNS-1123 subdomain (object names): lower-case alphanumerics, '-' and
// '.', starting and ending alphanumeric, at most 253 characters.
bool IsDnsSubdomain(std::string_view name);

}  // namespace fedra::policy

#endif  // FEDRA_POLICY_TYPES_H_
