#include "policy/assembly.h"

#include <algorithm>

#include "policy/json_util.h"

namespace fedra::policy {

std::string ModulePath(std::string_view policy, std::string_view module_name) {
  std::string out(bundle::kFedraPoliciesRoot);
  out += '/';
  out += policy;
  out += '/';
  out += module_name;
  if (module_name.size() < 5 || module_name.substr(module_name.size() - 5) != ".rego") {
    out += ".rego";
  }
  return out;
}

Status AssembleBundle(std::string_view cluster, Tier tier, std::vector<ResolvedPolicy> policies,
                      bundle::Bundle* out) {
  std::sort(policies.begin(), policies.end(),
            [](const ResolvedPolicy& a, const ResolvedPolicy& b) { return a.policy < b.policy; });
  internal::Json revisions = internal::Json::object();
  std::vector<ObjectEntry> entries;
  std::vector<bundle::Module> modules;
  for (size_t i = 0; i < policies.size(); ++i) {
    const ResolvedPolicy& p = policies[i];
    if (i > 0 && policies[i - 1].policy == p.policy) {
      return Status::InvalidArgument("policy \"" + p.policy + "\" is placed twice on cluster \"" +
                                     std::string(cluster) + "\"");
    }
    if (p.cluster != cluster || p.tier != tier) {
      return Status::InvalidArgument("policy \"" + p.policy + "\" was resolved for cluster \"" +
                                     p.cluster + "\" (" + std::string(TierName(p.tier)) +
                                     "), not \"" + std::string(cluster) + "\" (" +
                                     std::string(TierName(tier)) + ")");
    }
    revisions[p.policy] = p.revision;
    std::vector<Value> paths;
    for (const admission::PolicyModule& m : p.spec.modules) {
      std::string path = ModulePath(p.policy, m.name);
      paths.push_back(Value::String(path));
      modules.push_back(
          bundle::Module{.path = path,
                         .source = m.rego,
                         .rego_version = p.spec.rego_version == RegoSyntax::kV0 ? 0 : 1});
    }
    Value meta = admission::PolicySpecToValue(p.spec);
    std::vector<ObjectEntry> fields(meta.object().begin(), meta.object().end());
    fields.emplace_back(Value::String("modules"), Value::Array(std::move(paths)));
    entries.emplace_back(Value::String(p.policy), Value::Object(std::move(fields)));
  }
  std::sort(modules.begin(), modules.end(),
            [](const bundle::Module& a, const bundle::Module& b) { return a.path < b.path; });
  for (size_t i = 1; i < modules.size(); ++i) {
    if (modules[i - 1].path == modules[i].path) {
      return Status::InvalidArgument("two modules at bundle path \"" + modules[i].path + "\"");
    }
  }
  bundle::Bundle b;
  // The manifest's rego_version covers every module when they agree; v0
  // Gatekeeper templates beside v1 policies need per-file versions
  // (Module::rego_version, written as the manifest's file_rego_versions).
  bool all_v0 =
      !modules.empty() && std::all_of(modules.begin(), modules.end(),
                                      [](const bundle::Module& m) { return m.rego_version == 0; });
  if (all_v0) b.rego_version = 0;
  b.revision = internal::Sha256Hex(internal::CanonicalJson(revisions));
  b.roots = {""};
  internal::Json metadata = {{"cluster", std::string(cluster)},
                             {"tier", std::string(TierName(tier))},
                             {"policies", revisions}};
  FEDRA_RETURN_IF_ERROR(internal::ToValue(metadata, &b.metadata));
  b.modules = std::move(modules);
  b.data = Value::Object(
      {{Value::String("fedra"),
        Value::Object({{Value::String("policies"), Value::Object(std::move(entries))}})}});
  *out = std::move(b);
  return Status::OK();
}

Status AssembleAll(const std::vector<ResolvedPolicy>& placed,
                   const std::vector<MemberCluster>& clusters,
                   std::map<std::pair<std::string, Tier>, bundle::Bundle>* out) {
  std::map<std::pair<std::string, Tier>, std::vector<ResolvedPolicy>> groups;
  for (const MemberCluster& c : clusters) groups[{c.metadata.name, c.spec.tier}];
  for (const ResolvedPolicy& r : placed) groups[{r.cluster, r.tier}].push_back(r);
  out->clear();
  for (auto& [key, list] : groups) {
    bundle::Bundle b;
    FEDRA_RETURN_IF_ERROR(AssembleBundle(key.first, key.second, std::move(list), &b));
    out->emplace(key, std::move(b));
  }
  return Status::OK();
}

std::map<std::string, std::string> PolicyRevisionsOf(const bundle::Bundle& b) {
  std::map<std::string, std::string> out;
  const Value* policies = b.metadata.is_object() ? b.metadata.Find("policies") : nullptr;
  if (!policies || !policies->is_object()) return out;
  for (const auto& [k, v] : policies->object()) {
    if (k.is_string() && v.is_string()) out[std::string(k.str())] = std::string(v.str());
  }
  return out;
}

}  // namespace fedra::policy
