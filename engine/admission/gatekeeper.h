// Gatekeeper compatibility: ConstraintTemplates and Constraints as Fedra
// policies, and the pieces `fedra verify` needs to run gator suites through
// Revision::Admit (the same code path as the webhook).
//
// A ConstraintTemplate gives the Rego (`spec.targets[].rego` + `libs`, Rego
// v0; or `spec.targets[].code[]` with `engine: Rego` and `source: {rego, libs,
// version}`, v0 unless version is "v1") and the constraint kind
// (`spec.crd.spec.names.kind`). A Constraint of that kind gives the name,
// `spec.parameters`, `spec.match` and `spec.enforcementAction` (deny, warn,
// dryrun). Gatekeeper's Rego contract is Fedra's: `violation` in the
// template's package, `input.review`, `input.parameters`, and referential data
// under `data.inventory`.
#ifndef FEDRA_ADMISSION_GATEKEEPER_H_
#define FEDRA_ADMISSION_GATEKEEPER_H_

#include <string>
#include <string_view>
#include <vector>

#include "admission/policy.h"
#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::admission {

inline constexpr std::string_view kGatekeeperTarget = "admission.k8s.gatekeeper.sh";

struct ConstraintTemplate {
  std::string name;  // metadata.name
  std::string kind;  // the constraint kind it defines
  RegoSyntax rego_version = RegoSyntax::kV0;
  std::vector<PolicyModule> modules;  // the target's rego first, then its libs
};

// `origin` (a file name) prefixes the module names, so compile errors read
// "template.yaml:rego:3:5".
Status ParseConstraintTemplate(const Value& doc, std::string_view origin, ConstraintTemplate* out);

// Builds the policy for `constraint`, an instance of `tmpl`.
Status ConstraintToPolicy(const ConstraintTemplate& tmpl, const Value& constraint, PolicySpec* out);

// Adds `object` to a Gatekeeper-layout inventory (an object):
// namespace[ns][apiVersion][kind][name] for namespaced objects,
// cluster[apiVersion][kind][name] otherwise.
Status AddToInventory(const Value& object, Value* inventory);

// An AdmissionReview v1 asking to CREATE `object`, as gator reviews objects.
Status ReviewForObject(const Value& object, std::string_view uid, Value* out);

}  // namespace fedra::admission

#endif  // FEDRA_ADMISSION_GATEKEEPER_H_
