#include "policy/rollup.h"

#include <algorithm>
#include <ctime>
#include <memory>

#include "admission/revision.h"

namespace fedra::policy {

namespace {

// Bounds a condition message: the API server limits it to 32 KiB.
constexpr size_t kMaxMessage = 32 * 1024 - 64;

std::string Bounded(std::string s) {
  if (s.size() > kMaxMessage) {
    s.resize(kMaxMessage);
    s += " ... (truncated)";
  }
  return s;
}

std::string JoinNames(const std::vector<std::string>& names, size_t max = 5) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < max; ++i) {
    if (i) out += ", ";
    out += names[i];
  }
  if (names.size() > max) out += ", ... (" + std::to_string(names.size() - max) + " more)";
  return out;
}

}  // namespace

CompileReport CheckCompiles(const FederatedPolicy& policy) {
  CompileReport report;
  admission::PolicySpec spec = BaseSpec(policy);
  if (spec.modules.empty()) {
    report.messages.push_back("policy \"" + spec.name + "\" has no modules");
    return report;
  }
  for (admission::PolicyModule& m : spec.modules) m.name = spec.name + "/" + m.name;
  admission::PolicySource source;
  source.policies.push_back(std::move(spec));
  std::shared_ptr<const admission::Revision> revision;
  Status s = admission::Build(std::move(source), {}, &revision);
  if (s.ok()) {
    report.ok = true;
    return report;
  }
  std::string text = s.ToString();
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) report.messages.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return report;
}

bool MayPropagate(const CompileReport& report) { return report.ok; }

const Condition* FindCondition(const std::vector<Condition>& conditions, std::string_view type) {
  for (const Condition& c : conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

bool ConditionIs(const std::vector<Condition>& conditions, std::string_view type, std::string_view status) {
  const Condition* c = FindCondition(conditions, type);
  return c != nullptr && c->status == status;
}

void SetCondition(std::vector<Condition>* conditions, Condition c, std::string_view now) {
  c.message = Bounded(std::move(c.message));
  for (Condition& old : *conditions) {
    if (old.type != c.type) continue;
    c.last_transition_time = old.status == c.status && !old.last_transition_time.empty()
                                 ? old.last_transition_time
                                 : std::string(now);
    old = std::move(c);
    return;
  }
  c.last_transition_time = std::string(now);
  conditions->push_back(std::move(c));
}

namespace {

ClusterStatus ClusterPhase(const ResolvedPolicy& placed, const ClusterObservation* obs,
                           int64_t changed_at_millis) {
  ClusterStatus cs;
  cs.name = placed.cluster;
  cs.tier = std::string(TierName(placed.tier));
  cs.revision = placed.revision;
  if (!obs) {
    cs.phase = kPhasePending;
    cs.message = "not observed yet";
    return cs;
  }
  if (!obs->reachable) {
    cs.phase = kPhaseUnreachable;
    cs.message = obs->message.empty() ? "member cluster is not answering" : obs->message;
    return cs;
  }
  auto applied = obs->applied.find(placed.policy);
  cs.engines_total = static_cast<int64_t>(obs->engines.size());
  int64_t last_activation = 0;
  std::string failure;
  for (const EngineReport& e : obs->engines) {
    auto active = e.active.find(placed.policy);
    bool current = active != e.active.end() && active->second == placed.revision;
    if (current && e.healthy) {
      ++cs.engines_ready;
      last_activation = std::max(last_activation, e.activated_at_millis);
    } else if (!e.healthy && failure.empty()) {
      failure = "engine " + e.id + ": " + (e.message.empty() ? "unhealthy" : e.message);
    }
  }
  if (applied == obs->applied.end() || applied->second != placed.revision) {
    cs.phase = kPhasePending;
    cs.message = applied == obs->applied.end()
                     ? "MemberPolicy not applied yet"
                     : "MemberPolicy at revision " + applied->second.substr(0, 12) + ", applying " +
                           placed.revision.substr(0, 12);
    return cs;
  }
  if (!failure.empty()) {
    cs.phase = kPhaseFailed;
    cs.message = failure;
  } else if (cs.engines_total == 0) {
    cs.phase = kPhaseProgressing;
    cs.message = "no engine has reported yet";
  } else if (cs.engines_ready == cs.engines_total) {
    cs.phase = kPhaseSynced;
    if (changed_at_millis > 0) {
      cs.last_sync_latency_millis = std::max<int64_t>(0, last_activation - changed_at_millis);
    }
  } else {
    cs.phase = kPhaseProgressing;
    cs.message = std::to_string(cs.engines_ready) + " of " + std::to_string(cs.engines_total) +
                 " engines active";
  }
  return cs;
}

}  // namespace

namespace {

// Sets condition `type` to True or False for `generation` (SetCondition
// keeps the transition time while the status holds).
void SetStatusCondition(std::vector<Condition>* conditions, std::string_view type, bool ok, std::string reason,
                        std::string message, int64_t generation, std::string_view now) {
  SetCondition(conditions,
               Condition{.type = std::string(type),
                         .status = ok ? "True" : "False",
                         .reason = std::move(reason),
                         .message = std::move(message),
                         .last_transition_time = "",
                         .observed_generation = generation},
               now);
}

}  // namespace

FederatedPolicyStatus RollUp(const RollUpInput& in) {
  const FederatedPolicy& policy = *in.policy;
  FederatedPolicyStatus st;
  st.conditions = policy.status.conditions;
  const int64_t gen = policy.metadata.generation;
  st.observed_generation = gen;
  st.revision = in.revision.empty() ? ContentRevision(BaseSpec(policy)) : in.revision;
  auto cond = [&](std::string_view type, bool ok, std::string reason, std::string message) {
    SetStatusCondition(&st.conditions, type, ok, std::move(reason), std::move(message), gen, in.now);
  };

  std::vector<const ResolvedPolicy*> placed = in.placed;
  std::sort(placed.begin(), placed.end(),
            [](const ResolvedPolicy* a, const ResolvedPolicy* b) { return a->cluster < b->cluster; });
  std::vector<std::string> not_applied, unreachable, failed;
  for (const ResolvedPolicy* pp : placed) {
    const ResolvedPolicy& p = *pp;
    auto it = in.clusters.find(p.cluster);
    ClusterStatus cs =
        ClusterPhase(p, it == in.clusters.end() ? nullptr : &it->second, in.changed_at_millis);
    if (cs.phase == kPhaseSynced) ++st.ready_clusters;
    if (cs.phase == kPhasePending) not_applied.push_back(cs.name);
    if (cs.phase == kPhaseUnreachable) unreachable.push_back(cs.name);
    if (cs.phase == kPhaseFailed) failed.push_back(cs.name + " (" + cs.message + ")");
    st.clusters.push_back(std::move(cs));
  }
  st.total_clusters = static_cast<int64_t>(placed.size());
  st.cluster_summary = std::to_string(st.ready_clusters) + "/" + std::to_string(st.total_clusters);

  const bool compiled = in.compile && in.compile->ok;
  if (compiled) {
    cond(kConditionCompiled, true, "Compiled", "the policy compiles");
  } else {
    std::string msg;
    if (in.compile) {
      for (const std::string& m : in.compile->messages) msg += (msg.empty() ? "" : "\n") + m;
    } else {
      msg = "not compiled yet";
    }
    cond(kConditionCompiled, false, "CompileError", msg);
    const std::string held =
        "not propagated: the policy does not compile; the last good revision stays in force";
    cond(kConditionPropagated, false, "CompileError", held);
    cond(kConditionReady, false, "CompileError", held);
    return st;
  }
  if (policy.spec.suspend) {
    cond(kConditionPropagated, true, "Suspended", "suspended: withdrawn from every cluster");
    cond(kConditionReady, true, "Suspended", "suspended: withdrawn from every cluster");
    return st;
  }
  if (placed.empty()) {
    cond(kConditionPropagated, true, "NoClusters", "no member cluster matches the placement");
    cond(kConditionReady, true, "NoClusters", "no member cluster matches the placement");
    return st;
  }
  size_t applied = placed.size() - not_applied.size() - unreachable.size();
  if (not_applied.empty() && unreachable.empty()) {
    cond(kConditionPropagated, true, "Propagated",
         "applied to " + std::to_string(placed.size()) + " clusters");
  } else {
    std::vector<std::string> waiting = not_applied;
    waiting.insert(waiting.end(), unreachable.begin(), unreachable.end());
    cond(kConditionPropagated, false, "Propagating",
         "applied to " + std::to_string(applied) + " of " + std::to_string(placed.size()) +
             " clusters; waiting for " + JoinNames(waiting));
  }
  if (st.ready_clusters == st.total_clusters) {
    cond(kConditionReady, true, "Synced",
         "every engine in " + std::to_string(st.total_clusters) + " clusters runs revision " +
             st.revision.substr(0, 12));
  } else if (!failed.empty()) {
    cond(kConditionReady, false, "EngineError", "engines failed in " + JoinNames(failed));
  } else if (!unreachable.empty()) {
    cond(kConditionReady, false, "ClusterUnreachable",
         "member clusters not answering: " + JoinNames(unreachable));
  } else {
    cond(kConditionReady, false, "Progressing", st.cluster_summary + " clusters synced");
  }
  return st;
}

MemberClusterStatus RollUpCluster(const MemberCluster& cluster, const ClusterObservation& obs,
                                  std::string_view kubernetes_version, int64_t policies_synced,
                                  std::string_view now) {
  MemberClusterStatus st = cluster.status;
  const int64_t gen = cluster.metadata.generation;
  st.observed_generation = gen;
  st.policies_synced = policies_synced;
  if (!kubernetes_version.empty()) st.kubernetes_version = std::string(kubernetes_version);
  st.engines_total = static_cast<int64_t>(obs.engines.size());
  st.engines_ready = 0;
  std::string failure;
  for (const EngineReport& e : obs.engines) {
    if (e.healthy) {
      ++st.engines_ready;
    } else if (failure.empty()) {
      failure = "engine " + e.id + ": " + (e.message.empty() ? "unhealthy" : e.message);
    }
  }
  auto cond = [&](std::string_view type, bool ok, std::string reason, std::string message) {
    SetStatusCondition(&st.conditions, type, ok, std::move(reason), std::move(message), gen, now);
  };
  if (!obs.reachable) {
    std::string msg = obs.message.empty() ? "member cluster is not answering" : obs.message;
    std::string reason = obs.reason.empty() ? "Unreachable" : obs.reason;
    cond(kConditionReachable, false, reason, msg);
    cond(kConditionReady, false, reason, msg);
    return st;
  }
  st.last_heartbeat_time = std::string(now);
  cond(kConditionReachable, true, "Heartbeat", "the member's API server answers");
  if (!failure.empty()) {
    cond(kConditionReady, false, "EngineError", failure);
  } else {
    cond(kConditionReady, true, "Ready",
         std::to_string(st.engines_ready) + " engines ready, " + std::to_string(policies_synced) +
             " policies synced");
  }
  return st;
}

MemberPolicyStatus RollUpMemberPolicy(const MemberPolicy& found, const ResolvedPolicy& placed,
                                      const ClusterObservation& obs, std::string_view now) {
  MemberPolicyStatus st = found.status;
  st.observed_generation = found.metadata.generation;
  st.revision = placed.revision;
  st.engines_total = static_cast<int64_t>(obs.engines.size());
  st.engines_ready = 0;
  for (const EngineReport& e : obs.engines) {
    auto it = e.active.find(placed.policy);
    if (it != e.active.end() && it->second == placed.revision) ++st.engines_ready;
  }
  bool ready = false;
  std::string reason, message;
  if (st.engines_total == 0) {
    reason = "NoEngines";
    message = "no engine in this cluster reports to the hub";
  } else if (st.engines_ready < st.engines_total) {
    reason = "Progressing";
    message = std::to_string(st.engines_ready) + "/" + std::to_string(st.engines_total) +
              " engines have this revision active";
  } else {
    ready = true;
    reason = "Active";
    message = "active in every engine (" + std::to_string(st.engines_total) + ")";
  }
  SetStatusCondition(&st.conditions, kConditionReady, ready, std::move(reason), std::move(message),
                     found.metadata.generation, now);
  return st;
}

std::string FormatTime(int64_t millis) {
  std::time_t secs = static_cast<std::time_t>(millis >= 0 ? millis / 1000 : (millis - 999) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace fedra::policy
