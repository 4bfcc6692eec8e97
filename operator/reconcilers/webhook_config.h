// The admission webhook configurations the operator keeps in one member
// cluster, built from the policies placed there.
//
//   ValidatingWebhookConfiguration fedra-engine   always (no entry when no
//                                                 policy is placed)
//   MutatingWebhookConfiguration   fedra-engine   only while some placed policy
//                                                 mutates (PolicyMutates)
//
// Each holds up to two webhook entries, one per failurePolicy
// (fail.admit.fedra.io / ignore.admit.fedra.io in the validating one,
// fail.mutate.fedra.io / ignore.mutate.fedra.io in the mutating one); an
// entry no policy needs is left out. Every entry calls the engine Service at
// POST /v1/admit, the one path the engine decides admission on (mutating or
// not: the engine answers with patches and denials alike), trusting the CA
// bundle given.
//
// Rules come from each policy's match: operations, scope, and match.kinds
// turned into resources by a resolver (the member's discovery, in the
// operator). The API server sends a superset of what the policies match;
// the engine applies the rest of match (namespaces, selectors) itself.
// Rules are merged: the same (operations, scope, group) contributes its
// resources once, and any wildcard swallows what it covers.
//
// Pure functions apart from PolicyMutates (compiles Rego); thread-safe.
#ifndef FEDRA_OPERATOR_RECONCILERS_WEBHOOK_CONFIG_H_
#define FEDRA_OPERATOR_RECONCILERS_WEBHOOK_CONFIG_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "admission/policy.h"
#include "fedra/status.h"
#include "policy/types.h"

namespace fedra::op::reconcilers {

inline constexpr std::string_view kWebhookConfigName = "fedra-engine";
inline constexpr std::string_view kAdmitPath = "/v1/admit";

// Maps an API group ("" core, "*" any) and a kind to the plural resource
// name. NotFound: the member serves no such kind (it is left out of the
// rules; the operator builds the rules again when discovery changes). Any
// other error fails the build.
using ResourceResolver =
    std::function<Status(const std::string& group, const std::string& kind, std::string* resource)>;

// Which policies need the mutating webhook.
using MutatesFn = std::function<Status(const admission::PolicySpec& policy, bool* mutates)>;

struct WebhookConfigOptions {
  policy::EngineService service;
  std::string ca_bundle_pem;  // PEM; written base64 into clientConfig.caBundle
  int timeout_seconds = 10;   // 1..30, as the API server requires
  ResourceResolver resolver;  // empty: GuessResourceName
  MutatesFn mutates;          // empty: PolicyMutates
};

struct WebhookConfigurations {
  nlohmann::json validating;  // the object to apply
  nlohmann::json mutating;    // null when no placed policy mutates
};

// True when `policy` changes objects: an Admission policy, not DryRun,
// whose entry package defines `patch` (found by compiling its modules, as
// the engine does).
Status PolicyMutates(const admission::PolicySpec& policy, bool* mutates);

// The lower-case plural English speakers (and Kubernetes) use for most
// kinds: "Ingress" -> "ingresses", "NetworkPolicy" -> "networkpolicies".
// For when no discovery is at hand; discovery is right where they differ.
std::string GuessResourceName(std::string_view kind);

// The rules a set of policies needs (rules entries: operations, apiGroups,
// apiVersions, resources, scope), merged and sorted.
Status RulesFor(const std::vector<const admission::PolicySpec*>& policies,
                const ResourceResolver& resolver, nlohmann::json* rules);

// Builds both configurations for the policies placed on one member (any
// order; the result does not depend on it).
Status BuildWebhookConfigurations(const std::vector<admission::PolicySpec>& policies,
                                  const WebhookConfigOptions& options, WebhookConfigurations* out);

}  // namespace fedra::op::reconcilers

#endif  // FEDRA_OPERATOR_RECONCILERS_WEBHOOK_CONFIG_H_
