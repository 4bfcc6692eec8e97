#include "policy/placement.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include "policy/json_util.h"

namespace fedra::policy {

bool SelectorMatches(const LabelSelector& selector,
                     const std::map<std::string, std::string>& labels) {
  for (const auto& [k, want] : selector.match_labels) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != want) return false;
  }
  for (const admission::LabelRequirement& r : selector.match_expressions) {
    auto it = labels.find(r.key);
    bool has = it != labels.end();
    bool in = has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end();
    switch (r.op) {
      case admission::LabelRequirement::Op::kIn:
        if (!in) return false;
        break;
      case admission::LabelRequirement::Op::kNotIn:
        if (in) return false;
        break;
      case admission::LabelRequirement::Op::kExists:
        if (!has) return false;
        break;
      case admission::LabelRequirement::Op::kDoesNotExist:
        if (has) return false;
        break;
    }
  }
  return true;
}

bool PlacementSelects(const Placement& placement, const MemberCluster& cluster) {
  if (placement.cluster_selector &&
      !SelectorMatches(*placement.cluster_selector, cluster.metadata.labels)) {
    return false;
  }
  const auto& names = placement.clusters;
  if (!names.empty() &&
      std::find(names.begin(), names.end(), cluster.metadata.name) == names.end()) {
    return false;
  }
  const auto& tiers = placement.tiers;
  if (!tiers.empty() && std::find(tiers.begin(), tiers.end(), cluster.spec.tier) == tiers.end()) {
    return false;
  }
  return true;
}

bool OverrideSelects(const Override& o, const MemberCluster& cluster) {
  if (o.clusters.empty() && !o.cluster_selector) return false;  // selects nothing (invalid)
  if (!o.clusters.empty() &&
      std::find(o.clusters.begin(), o.clusters.end(), cluster.metadata.name) == o.clusters.end()) {
    return false;
  }
  return !o.cluster_selector || SelectorMatches(*o.cluster_selector, cluster.metadata.labels);
}

namespace {

void DefaultFailurePolicy(bool failure_policy_set, admission::PolicySpec* spec) {
  if (failure_policy_set) return;
  bool deny = spec->enforcement == admission::Enforcement::kDeny &&
              spec->type == admission::PolicyType::kAdmission;
  spec->failure_policy = deny ? admission::FailurePolicy::kFail : admission::FailurePolicy::kIgnore;
}

}  // namespace

admission::PolicySpec BaseSpec(const FederatedPolicy& policy) {
  admission::PolicySpec spec = policy.spec.policy;
  spec.name = policy.metadata.name;
  DefaultFailurePolicy(policy.spec.failure_policy_set, &spec);
  return spec;
}

bool Resolve(const FederatedPolicy& policy, const MemberCluster& cluster, ResolvedPolicy* out) {
  if (policy.spec.suspend || !PlacementSelects(policy.spec.placement, cluster)) return false;
  admission::PolicySpec spec = policy.spec.policy;
  spec.name = policy.metadata.name;
  bool params_changed = false;
  internal::Json params;
  for (const Override& o : policy.spec.overrides) {
    if (!OverrideSelects(o, cluster)) continue;
    if (o.suspend) return false;
    if (o.enforcement) spec.enforcement = *o.enforcement;
    if (o.parameters) {
      if (!params_changed) params = internal::FromValue(spec.parameters);
      params = internal::MergePatch(std::move(params), *o.parameters);
      params_changed = true;
    }
  }
  if (params_changed) {
    Value v;
    // MergePatch of two objects is an object of plain JSON: it converts.
    if (internal::ToValue(params, &v).ok()) spec.parameters = v;
  }
  DefaultFailurePolicy(policy.spec.failure_policy_set, &spec);
  out->policy = policy.metadata.name;
  out->cluster = cluster.metadata.name;
  out->tier = cluster.spec.tier;
  out->revision = ContentRevision(spec);
  out->spec = std::move(spec);
  return true;
}

std::vector<ResolvedPolicy> PlaceAll(const std::vector<FederatedPolicy>& policies,
                                     const std::vector<MemberCluster>& clusters) {
  std::vector<ResolvedPolicy> out;
  for (const FederatedPolicy& p : policies) {
    if (p.spec.suspend) continue;
    // Most clusters get the policy without overrides: resolve and hash that
    // once per policy, not once per cluster (1,000 policies x 50 clusters).
    std::optional<ResolvedPolicy> base;
    for (const MemberCluster& c : clusters) {
      if (!PlacementSelects(p.spec.placement, c)) continue;
      bool overridden = std::any_of(p.spec.overrides.begin(), p.spec.overrides.end(),
                                    [&c](const Override& o) { return OverrideSelects(o, c); });
      ResolvedPolicy r;
      if (overridden) {
        if (!Resolve(p, c, &r)) continue;
      } else {
        if (!base) {
          base.emplace();
          base->policy = p.metadata.name;
          base->spec = BaseSpec(p);
          base->revision = ContentRevision(base->spec);
        }
        r = *base;
        r.cluster = c.metadata.name;
        r.tier = c.spec.tier;
      }
      out.push_back(std::move(r));
    }
  }
  std::sort(out.begin(), out.end(), [](const ResolvedPolicy& a, const ResolvedPolicy& b) {
    return std::tie(a.cluster, a.policy) < std::tie(b.cluster, b.policy);
  });
  return out;
}

std::string CanonicalPolicyJson(const admission::PolicySpec& spec) {
  internal::Json doc = {{"name", spec.name}, {"spec", PolicySpecToJson(spec)}};
  return internal::CanonicalJson(doc);
}

std::string ContentRevision(const admission::PolicySpec& spec) {
  return internal::Sha256Hex(CanonicalPolicyJson(spec));
}

MemberPolicy ToMemberPolicy(const ResolvedPolicy& resolved, std::string_view hub) {
  MemberPolicy mp;
  mp.metadata.name = resolved.policy;
  mp.metadata.labels[std::string(kHubLabel)] = std::string(hub);
  // Label values hold at most 63 characters; object names may be longer (the
  // MemberPolicy's own name is the policy's anyway).
  if (resolved.policy.size() <= 63) {
    mp.metadata.labels[std::string(kPolicyLabel)] = resolved.policy;
  }
  mp.metadata.labels[std::string(kRevisionLabel)] =
      resolved.revision.substr(0, kRevisionLabelChars);
  mp.metadata.labels["app.kubernetes.io/managed-by"] = "fedra-operator";
  mp.metadata.annotations[std::string(kRevisionAnnotation)] = resolved.revision;
  mp.spec = resolved.spec;
  return mp;
}

Json ToApplyJson(const MemberPolicy& member_policy) {
  MemberPolicy copy = member_policy;
  copy.metadata.uid.clear();
  copy.metadata.resource_version.clear();
  copy.metadata.generation = 0;
  Json out = ToJson(copy);
  out.erase("status");
  return out;
}

std::string MemberContentRevision(const MemberPolicy& found) {
  admission::PolicySpec spec = found.spec;
  spec.name = found.metadata.name;
  return ContentRevision(spec);
}

bool NeedsApply(const MemberPolicy& found, std::string_view found_revision, const ResolvedPolicy& want,
                std::string_view hub) {
  auto label = [&found](std::string_view key) -> std::string_view {
    auto it = found.metadata.labels.find(std::string(key));
    return it == found.metadata.labels.end() ? std::string_view() : std::string_view(it->second);
  };
  if (label(kHubLabel) != hub) return true;
  if (label(kRevisionLabel) != std::string_view(want.revision).substr(0, kRevisionLabelChars)) {
    return true;
  }
  return found.metadata.name != want.policy || found_revision != want.revision;
}

bool NeedsApply(const MemberPolicy& found, const ResolvedPolicy& want, std::string_view hub) {
  if (found.metadata.name != want.policy) return true;
  return NeedsApply(found, MemberContentRevision(found), want, hub);
}

}  // namespace fedra::policy
