#include "operator/reconcilers/propagation.h"

#include <set>

#include "operator/reconcilers/members.h"

namespace fedra::op::reconcilers {

bool Observe(const std::vector<informer::ObjectPtr>& found, SeenCopies* seen) {
  std::set<std::string> names;
  bool changed = false;
  for (const informer::ObjectPtr& obj : found) {
    const nlohmann::json& meta = (*obj)["metadata"];
    if (!meta.is_object() || meta.value("name", "") == "") continue;
    std::string name = meta.value("name", "");
    std::string rv = meta.value("resourceVersion", "");
    names.insert(name);
    SeenCopy& c = (*seen)[name];
    if (!c.resource_version.empty() && c.resource_version == rv) continue;
    changed = true;
    c.resource_version = rv;
    c.policy = policy::MemberPolicy();
    c.parsed = policy::ParseMemberPolicy(*obj, &c.policy).ok();
    c.content_revision = c.parsed ? policy::MemberContentRevision(c.policy) : "";
    // Only the hash of the spec is needed from here on (its Rego and
    // parameters are most of the memory a member's copies take).
    c.policy.spec = admission::PolicySpec();
  }
  changed |= std::erase_if(*seen, [&](const auto& e) { return names.count(e.first) == 0; }) > 0;
  return changed;
}

PropagationResult Propagate(kube::Client& member, const SeenCopies& seen, std::string_view hub,
                            const std::vector<const policy::ResolvedPolicy*>& placed) {
  PropagationResult res;
  auto fail = [&res](const kube::ApiStatus& st, const std::string& what) {
    if (res.error.ok()) res.error = st.ToStatus().WithContext(what);
  };
  std::map<std::string, const SeenCopy*> held;  // this hub's copies, by name
  // A copy edited in the member into something that no longer parses is
  // still ours (the informer selects on the hub label): replace or delete.
  std::set<std::string> unparsed;
  for (const auto& [name, c] : seen) {
    if (!c.parsed) {
      unparsed.insert(name);
      continue;
    }
    auto it = c.policy.metadata.labels.find(std::string(policy::kHubLabel));
    if (it != c.policy.metadata.labels.end() && it->second == hub) held.emplace(name, &c);
  }

  std::map<std::string, bool> wanted;
  for (const policy::ResolvedPolicy* r : placed) {
    wanted[r->policy] = true;
    auto it = held.find(r->policy);
    if (it != held.end() && !policy::NeedsApply(it->second->policy, it->second->content_revision, *r, hub)) {
      ++res.unchanged;
      res.held[r->policy] = r->revision;
      continue;
    }
    nlohmann::json out;
    kube::ApiStatus st = member.Apply(MemberPolicies(), "", policy::ToApplyJson(policy::ToMemberPolicy(*r, hub)),
                                      kFieldManager, /*force=*/true, &out);
    if (!st.ok()) {
      fail(st, "apply MemberPolicy " + r->policy);
      if (it != held.end()) {
        const auto& annotations = it->second->policy.metadata.annotations;
        auto rev = annotations.find(std::string(policy::kRevisionAnnotation));
        if (rev != annotations.end()) res.held[r->policy] = rev->second;
      }
      continue;
    }
    ++res.applied;
    res.held[r->policy] = r->revision;
  }

  // A copy that could not be deleted is still held (its FederatedPolicy's
  // finalizer waits for it).
  auto remove = [&](const std::string& name, const std::string& revision) {
    kube::ApiStatus st = member.Delete(MemberPolicies(), "", name);
    if (st.ok() || st.reason() == kube::Reason::kNotFound) {
      ++res.deleted;
    } else {
      fail(st, "delete MemberPolicy " + name);
      res.held[name] = revision;
    }
  };
  for (const auto& [name, c] : held) {
    if (wanted.count(name)) continue;
    const auto& annotations = c->policy.metadata.annotations;
    auto rev = annotations.find(std::string(policy::kRevisionAnnotation));
    remove(name, rev == annotations.end() ? "" : rev->second);
  }
  for (const std::string& name : unparsed) {
    if (!wanted.count(name) && !held.count(name)) remove(name, "");
  }
  return res;
}

Status WriteMemberPolicyStatuses(kube::Client& member, const SeenCopies& seen,
                                 const std::vector<const policy::ResolvedPolicy*>& placed,
                                 const policy::ClusterObservation& obs, std::string_view now, int* written) {
  *written = 0;
  Status first;
  for (const policy::ResolvedPolicy* r : placed) {
    auto it = seen.find(r->policy);
    if (it == seen.end() || !it->second.parsed) continue;
    const policy::MemberPolicy& mp = it->second.policy;
    auto rev = mp.metadata.annotations.find(std::string(policy::kRevisionAnnotation));
    if (rev == mp.metadata.annotations.end() || rev->second != r->revision) continue;
    nlohmann::json next = policy::MemberPolicyStatusToJson(policy::RollUpMemberPolicy(mp, *r, obs, now));
    if (next == policy::MemberPolicyStatusToJson(mp.status)) continue;
    nlohmann::json out;
    kube::ApiStatus st =
        member.PatchStatus(MemberPolicies(), "", r->policy, kube::PatchType::kMerge, {{"status", next}}, &out);
    if (st.ok()) {
      ++*written;
    } else if (st.reason() != kube::Reason::kNotFound && first.ok()) {
      first = st.ToStatus().WithContext("status of MemberPolicy " + r->policy);
    }
  }
  return first;
}

}  // namespace fedra::op::reconcilers
