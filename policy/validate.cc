// Cross-field validation of the CRD types. Each rule here is also stated in
// crds/*.yaml as an x-kubernetes-validations CEL rule or a schema keyword,
// so the API server rejects the object before the operator sees it; the
// operator checks again because a CRD may be older than the operator.
#include <algorithm>
#include <set>

#include "policy/json_util.h"
#include "policy/types.h"

namespace fedra::policy {

using internal::Index;
using internal::Join;

bool IsDnsSubdomain(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return alnum(c) || c == '-' || c == '.'; });
}

namespace {

// The CRD's maxItems, which bound the cost of its CEL rules.
constexpr size_t kMaxModules = 64;
constexpr size_t kMaxPlacementClusters = 200;
constexpr size_t kMaxOverrides = 20;
constexpr size_t kMaxOverrideClusters = 50;

void CheckMax(size_t n, size_t max, const std::string& path, std::vector<FieldError>* errors) {
  if (n > max) {
    errors->push_back({path, "Too many: " + std::to_string(n) + ": must have at most " +
                                 std::to_string(max) + " items"});
  }
}

bool IsModuleName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!alnum(name.front())) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return alnum(c) || c == '-' || c == '.' || c == '_'; });
}

void CheckClusterNames(const std::vector<std::string>& names, const std::string& path,
                       std::vector<FieldError>* errors) {
  std::set<std::string_view> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!IsDnsSubdomain(names[i])) {
      errors->push_back({Index(path, i), "\"" + names[i] + "\" is not a valid cluster name"});
    } else if (!seen.insert(names[i]).second) {
      errors->push_back({Index(path, i), "duplicate cluster \"" + names[i] + "\""});
    }
  }
}

}  // namespace

std::vector<FieldError> ValidateFederatedPolicy(const FederatedPolicy& p) {
  std::vector<FieldError> errors;
  if (!IsDnsSubdomain(p.metadata.name)) {
    errors.push_back({"metadata.name", "\"" + p.metadata.name +
                                           "\" is not a DNS-1123 subdomain (lower case, "
                                           "digits, '-', '.')"});
  }
  const FederatedPolicySpec& s = p.spec;
  if (s.policy.modules.empty()) {
    errors.push_back({"spec.modules", "at least one module is required"});
  }
  for (size_t i = 0; i < s.policy.modules.size(); ++i) {
    const std::string& name = s.policy.modules[i].name;
    if (!IsModuleName(name)) {
      errors.push_back({Join(Index("spec.modules", i), "name"),
                        "\"" + name + "\" must be letters, digits, '.', '-', '_' (no '/')"});
    }
  }
  CheckMax(s.policy.modules.size(), kMaxModules, "spec.modules", &errors);
  CheckMax(s.placement.clusters.size(), kMaxPlacementClusters, "spec.placement.clusters", &errors);
  CheckMax(s.overrides.size(), kMaxOverrides, "spec.overrides", &errors);
  CheckClusterNames(s.placement.clusters, "spec.placement.clusters", &errors);
  for (size_t i = 0; i < s.placement.tiers.size(); ++i) {
    if (std::find(s.placement.tiers.begin(), s.placement.tiers.begin() + i, s.placement.tiers[i]) !=
        s.placement.tiers.begin() + i) {
      errors.push_back({Index("spec.placement.tiers", i),
                        "duplicate tier \"" + std::string(TierName(s.placement.tiers[i])) + "\""});
    }
  }
  for (size_t i = 0; i < s.overrides.size(); ++i) {
    const Override& o = s.overrides[i];
    std::string path = Index("spec.overrides", i);
    if (o.clusters.empty() && !o.cluster_selector) {
      errors.push_back({path, "must select clusters: set clusters or clusterSelector"});
    }
    if (!o.enforcement && !o.parameters && !o.suspend) {
      errors.push_back({path, "changes nothing: set enforcement, parameters or suspend"});
    }
    if (o.suspend && (o.enforcement || o.parameters)) {
      errors.push_back({Join(path, "suspend"),
                        "a suspended override cannot also set enforcement or parameters"});
    }
    CheckMax(o.clusters.size(), kMaxOverrideClusters, Join(path, "clusters"), &errors);
    CheckClusterNames(o.clusters, Join(path, "clusters"), &errors);
    if (!s.placement.clusters.empty()) {
      for (size_t j = 0; j < o.clusters.size(); ++j) {
        const auto& placed = s.placement.clusters;
        if (std::find(placed.begin(), placed.end(), o.clusters[j]) == placed.end()) {
          errors.push_back({Index(Join(path, "clusters"), j),
                            "\"" + o.clusters[j] + "\" is not in spec.placement.clusters"});
        }
      }
    }
  }
  return errors;
}

std::vector<FieldError> ValidateMemberCluster(const MemberCluster& c) {
  std::vector<FieldError> errors;
  if (!IsDnsSubdomain(c.metadata.name)) {
    errors.push_back({"metadata.name", "\"" + c.metadata.name + "\" is not a DNS-1123 subdomain"});
  }
  const SecretRef& ref = c.spec.kubeconfig_secret_ref;
  if (ref.name.empty()) errors.push_back({"spec.kubeconfigSecretRef.name", "required"});
  if (ref.namespace_name.empty()) {
    errors.push_back({"spec.kubeconfigSecretRef.namespace", "required"});
  }
  if (ref.key.empty()) errors.push_back({"spec.kubeconfigSecretRef.key", "must not be empty"});
  if (c.spec.engine_service.port < 1 || c.spec.engine_service.port > 65535) {
    errors.push_back({"spec.engineService.port",
                      std::to_string(c.spec.engine_service.port) + " is not in 1..65535"});
  }
  if (c.spec.engine_service.name.empty()) {
    errors.push_back({"spec.engineService.name", "must not be empty"});
  }
  return errors;
}

}  // namespace fedra::policy
