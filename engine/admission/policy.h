// The Fedra policy contract (docs/policies.md): what one policy is, parsed
// from its manifest.
//
// A PolicySpec is read from a `FederatedPolicy` or `MemberPolicy` manifest
// (`apiVersion: policy.fedra.io/v1alpha1`), from its bare `spec`, or from a
// bundle's `data.fedra.policies.<name>` entry (revision.h). Parsing checks
// every field it knows and rejects unknown values with an error naming the
// JSON path (`spec.match.kinds[0].kinds: expected an array of strings`); keys
// it does not know (placement, overrides, suspend: the operator's business)
// are ignored so one manifest serves the hub and the engine.
//
// The policy's entry point is the package of its first module. Rules read
// from there: `violation` (a set of {"msg", "details"}, Gatekeeper's
// convention), `patch` (a set of JSON Patch operations) and `recommend`
// (advisories). Enforcement, not the Rego, decides whether a violation denies,
// warns or is only counted.
//
// Plain values; copy and share freely. Matching (MatchSpec against a request)
// lives in match.h.
#ifndef FEDRA_ADMISSION_POLICY_H_
#define FEDRA_ADMISSION_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fedra/engine.h"
#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::admission {

inline constexpr std::string_view kPolicyApiVersion = "policy.fedra.io/v1alpha1";

enum class PolicyType : uint8_t { kAdmission, kRecommendation };
enum class Enforcement : uint8_t { kDeny, kWarn, kDryRun };
enum class FailurePolicy : uint8_t { kFail, kIgnore };

// The manifest spellings: "Admission", "Deny", "Fail", ...
std::string_view PolicyTypeName(PolicyType t);
std::string_view EnforcementName(Enforcement e);
std::string_view FailurePolicyName(FailurePolicy f);

// One entry of match.kinds: the request's kind.group must be in api_groups and
// kind.kind in kinds; "*" or an empty list matches anything (as in
// Gatekeeper). The core group is "".
struct KindSelector {
  std::vector<std::string> api_groups;
  std::vector<std::string> kinds;
};

struct LabelRequirement {
  enum class Op : uint8_t { kIn, kNotIn, kExists, kDoesNotExist };
  std::string key;
  Op op = Op::kExists;
  std::vector<std::string> values;  // In/NotIn only (non-empty)
};

// A Kubernetes metav1.LabelSelector. An empty selector matches everything.
struct LabelSelector {
  std::vector<std::pair<std::string, std::string>> match_labels;
  std::vector<LabelRequirement> match_expressions;

  // `labels` is an object of label -> value, or undefined/null for none.
  bool Matches(const Value& labels) const;
};

// Gatekeeper's match.scope: which objects the policy sees by scope.
enum class Scope : uint8_t { kAll, kCluster, kNamespaced };

struct MatchSpec {
  std::vector<KindSelector> kinds;      // empty: every kind
  std::vector<std::string> operations;  // empty or "*": every operation
  // Namespace names; a leading or trailing '*' is a glob (Gatekeeper's
  // prefix/suffix matching). Neither applies to cluster-scoped objects other
  // than Namespaces (whose own name is their namespace).
  std::vector<std::string> namespaces;  // empty: every namespace
  std::vector<std::string> excluded_namespaces;
  std::optional<LabelSelector> label_selector;
  std::optional<LabelSelector> namespace_selector;
  Scope scope = Scope::kAll;
};

struct PolicyModule {
  std::string name;  // file name used in error locations, e.g. "labels/main.rego"
  std::string rego;
};

struct PolicySpec {
  std::string name;
  PolicyType type = PolicyType::kAdmission;
  Enforcement enforcement = Enforcement::kDeny;
  MatchSpec match;
  Value parameters = Value::EmptyObject();
  // Default: kFail for Deny policies, kIgnore otherwise.
  FailurePolicy failure_policy = FailurePolicy::kFail;
  RegoSyntax rego_version = RegoSyntax::kV1;
  std::vector<PolicyModule> modules;  // the first module's package is the entry point
};

// Parses a manifest (apiVersion policy.fedra.io/v1alpha1, kind FederatedPolicy
// or MemberPolicy, name from metadata.name) or, when `doc` has no `kind`, a
// bare spec (its name must then be given in `name`). Modules may be empty
// here: a policy directory supplies them from its .rego files.
Status ParsePolicy(const Value& doc, std::string_view name, PolicySpec* out);

// Parses the fields of a spec object (without `name` and `modules` when
// `with_modules` is false); `path` prefixes error paths ("spec").
Status ParsePolicySpec(const Value& spec, std::string_view path, bool with_modules,
                       PolicySpec* out);

Status ParseMatch(const Value& match, std::string_view path, MatchSpec* out);
Status ParseLabelSelector(const Value& selector, std::string_view path, LabelSelector* out);

// The inverse of ParsePolicySpec, without name and modules: the object a
// bundle carries as data.fedra.policies.<name> (revision.h), minus "modules".
Value PolicySpecToValue(const PolicySpec& spec);

}  // namespace fedra::admission

#endif  // FEDRA_ADMISSION_POLICY_H_
