// Bundle assembly: every policy resolved for one (cluster, tier) becomes one
// OPA bundle in Fedra's layout (docs/bundles.md):
//
//   data.fedra.policies.<name> = PolicySpecToValue(spec) + "modules": [paths]
//   fedra/policies/<name>/<module>.rego       (".rego" is not doubled)
//   .manifest  revision: hex SHA-256 over the policies' names and revisions
//              roots: [""]  (Gatekeeper templates keep their own packages,
//                            which need not lie under data.fedra)
//              metadata: {"cluster", "tier", "policies": {<name>: <revision>}}
//              rego_version: 0 when every module is Rego v0; otherwise each
//              module's Module::rego_version says (bundle::WriteBundle must
//              write those as file_rego_versions for a v0 policy to load
//              beside v1 ones; it does not yet)
//
// Assembly is deterministic: the same resolved policies, in any order, give
// an equal Bundle and, through bundle::WriteBundle, equal bytes (and ETag).
// The bundle revision changes exactly when some policy's revision changes or
// a policy comes or goes.
//
// Pure functions; thread-safe.
#ifndef FEDRA_POLICY_ASSEMBLY_H_
#define FEDRA_POLICY_ASSEMBLY_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bundle/bundle.h"
#include "fedra/status.h"
#include "policy/placement.h"

namespace fedra::policy {

// The bundle path of module `module_name` of policy `policy`.
std::string ModulePath(std::string_view policy, std::string_view module_name);

// Builds the bundle for (cluster, tier) from `policies`, which must all be
// for that cluster and tier and have distinct names (InvalidArgument
// otherwise). An empty list gives a valid bundle with no policies (an engine
// then enforces nothing).
Status AssembleBundle(std::string_view cluster, Tier tier, std::vector<ResolvedPolicy> policies,
                      bundle::Bundle* out);

// Groups PlaceAll's output by (cluster, tier) and assembles each group;
// `clusters` lists every cluster that needs a bundle even when no policy is
// placed there (so its engines drop what they had).
Status AssembleAll(const std::vector<ResolvedPolicy>& placed,
                   const std::vector<MemberCluster>& clusters,
                   std::map<std::pair<std::string, Tier>, bundle::Bundle>* out);

// The per-policy revisions a bundle carries (its manifest metadata), so the
// status roll-up can tell which policy revisions an engine reporting a
// bundle revision has active.
std::map<std::string, std::string> PolicyRevisionsOf(const bundle::Bundle& b);

}  // namespace fedra::policy

#endif  // FEDRA_POLICY_ASSEMBLY_H_
