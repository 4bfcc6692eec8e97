#include "operator/reconcilers/propagation.h"

#include <set>

#include "operator/reconcilers/members.h"

namespace fedra::op::reconcilers {

PropagationResult Propagate(kube::Client& member, const std::vector<informer::ObjectPtr>& found,
                            std::string_view hub, const std::vector<const policy::ResolvedPolicy*>& placed) {
  PropagationResult res;
  auto fail = [&res](const kube::ApiStatus& st, const std::string& what) {
    if (res.error.ok()) res.error = st.ToStatus().WithContext(what);
  };
  std::map<std::string, policy::MemberPolicy> held;  // this hub's copies, by name
  std::set<std::string> unparsed;                     // names of copies that do not parse
  for (const informer::ObjectPtr& obj : found) {
    policy::MemberPolicy mp;
    if (policy::ParseMemberPolicy(*obj, &mp).ok()) {
      auto it = mp.metadata.labels.find(std::string(policy::kHubLabel));
      if (it != mp.metadata.labels.end() && it->second == hub) held.emplace(mp.metadata.name, std::move(mp));
      continue;
    }
    // A copy edited in the member into something that no longer parses is
    // still ours (the informer selects on the hub label): replace or delete.
    const nlohmann::json& meta = (*obj)["metadata"];
    if (meta.is_object() && meta.value("name", "") != "") unparsed.insert(meta.value("name", ""));
  }

  std::map<std::string, bool> wanted;
  for (const policy::ResolvedPolicy* r : placed) {
    wanted[r->policy] = true;
    auto it = held.find(r->policy);
    if (it != held.end() && !policy::NeedsApply(it->second, *r, hub)) {
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
        auto rev = it->second.metadata.annotations.find(std::string(policy::kRevisionAnnotation));
        if (rev != it->second.metadata.annotations.end()) res.held[r->policy] = rev->second;
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
  for (const auto& [name, mp] : held) {
    if (wanted.count(name)) continue;
    auto rev = mp.metadata.annotations.find(std::string(policy::kRevisionAnnotation));
    remove(name, rev == mp.metadata.annotations.end() ? "" : rev->second);
  }
  for (const std::string& name : unparsed) {
    if (!wanted.count(name) && !held.count(name)) remove(name, "");
  }
  return res;
}

Status WriteMemberPolicyStatuses(kube::Client& member, const std::vector<informer::ObjectPtr>& found,
                                 const std::vector<const policy::ResolvedPolicy*>& placed,
                                 const policy::ClusterObservation& obs, std::string_view now) {
  std::map<std::string, policy::MemberPolicy> held;
  for (const informer::ObjectPtr& obj : found) {
    policy::MemberPolicy mp;
    if (policy::ParseMemberPolicy(*obj, &mp).ok()) held.emplace(mp.metadata.name, std::move(mp));
  }
  Status first;
  for (const policy::ResolvedPolicy* r : placed) {
    auto it = held.find(r->policy);
    if (it == held.end()) continue;
    auto rev = it->second.metadata.annotations.find(std::string(policy::kRevisionAnnotation));
    if (rev == it->second.metadata.annotations.end() || rev->second != r->revision) continue;
    nlohmann::json next = policy::MemberPolicyStatusToJson(policy::RollUpMemberPolicy(it->second, *r, obs, now));
    if (next == policy::MemberPolicyStatusToJson(it->second.status)) continue;
    nlohmann::json out;
    kube::ApiStatus st = member.PatchStatus(MemberPolicies(), "", r->policy, kube::PatchType::kMerge,
                                            {{"status", next}}, &out);
    if (!st.ok() && st.reason() != kube::Reason::kNotFound && first.ok()) {
      first = st.ToStatus().WithContext("status of MemberPolicy " + r->policy);
    }
  }
  return first;
}

}  // namespace fedra::op::reconcilers
