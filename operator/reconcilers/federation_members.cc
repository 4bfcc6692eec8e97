// FederationReconciler's member half: reachability, and the work done in
// one member cluster (see federation.h, steps 6 and 6b).
#include "operator/reconcilers/federation.h"
#include "operator/reconcilers/propagation.h"
#include "server/log.h"

namespace fedra::op::reconcilers {

bool FederationReconciler::Reachability(const std::string& cluster, policy::ClusterObservation* obs,
                                        std::string* version, MemberConnection* conn) const {
  *conn = members_->Get(cluster);
  if (!conn->cluster) {
    obs->reachable = false;
    obs->reason = conn->reason;
    obs->message = conn->message;
    return false;
  }
  cluster::ClusterHealth health = conn->cluster->health();
  *version = health.server_version;
  if (health.state == cluster::HealthState::kUnreachable) {
    obs->reachable = false;
    obs->reason = "Unreachable";
    obs->message = health.message.empty() ? "member cluster is not answering" : health.message;
    return false;
  }
  return true;
}

Status FederationReconciler::EnsureAdmission(const MemberDesired& d, kube::Client& member, MemberState* state) {
  std::string fingerprint;
  for (const Placed& r : d.placed) fingerprint += r->policy + "=" + r->revision + ";";
  auto now = std::chrono::system_clock::now();
  if (state->admission_placed == fingerprint && now < state->admission_next_check) return Status::OK();
  MemberAdmissionResult res;
  std::vector<policy::ResolvedPolicy> placed;
  for (const Placed& r : d.placed) placed.push_back(*r);
  Status s = EnsureMemberAdmission(member, d.cluster, placed, now, options_.admission, &res);
  if (res.changed()) {
    server::LogInfo("member admission wiring written", {{"cluster", d.cluster.metadata.name}, {"what", res.reason}});
    if (options_.metrics != nullptr) options_.metrics->member_writes.Add({"admission", "ok"});
  }
  if (!s.ok()) {
    if (options_.metrics != nullptr) options_.metrics->member_writes.Add({"admission", "error"});
    state->admission_placed.clear();  // try again next pass
    return s;
  }
  state->admission_placed = fingerprint;
  state->admission_next_check = std::min(now + options_.admission_recheck, res.next_change);
  return Status::OK();
}

controller::Result FederationReconciler::ReconcileMember(const std::string& name) {
  MemberDesired d;
  std::shared_ptr<MemberState> state;
  {
    std::lock_guard<std::mutex> lock(members_mu_);
    auto it = desired_.find(name);
    if (it == desired_.end()) return controller::Result::Done();  // not (or no longer) a member
    d = it->second;
    std::shared_ptr<MemberState>& slot = member_state_[name];
    if (!slot) slot = std::make_shared<MemberState>();
    state = slot;
  }
  policy::ClusterObservation obs;
  obs.engines = d.engines;
  std::string version;
  MemberConnection conn;
  std::map<std::string, std::string> applied;
  Status error;
  bool reachable = Reachability(name, &obs, &version, &conn);
  cluster::ClusterHealth health = reachable ? conn.cluster->health() : cluster::ClusterHealth();
  informer::Informer* inf = reachable ? MemberConnections::PolicyInformer(*conn.cluster) : nullptr;
  if (inf != nullptr && inf->HasSynced() && health.state != cluster::HealthState::kUnknown) {
    if (Observe(inf->store().List(), &state->seen)) ++state->seen_changes;
    if (health.state == cluster::HealthState::kHealthy) {
      std::vector<const policy::ResolvedPolicy*> placed;
      for (const Placed& r : d.placed) placed.push_back(r.get());
      PropagationResult res = Propagate(conn.cluster->client(), state->seen, options_.hub, placed);
      applied = std::move(res.held);
      error = res.error;
      if (res.applied > 0 || res.deleted > 0) {
        server::LogInfo("member policies written", {{"cluster", name},
                                                    {"applied", std::to_string(res.applied)},
                                                    {"deleted", std::to_string(res.deleted)},
                                                    {"unchanged", std::to_string(res.unchanged)}});
      }
      if (options_.metrics != nullptr) {
        if (res.applied > 0) options_.metrics->member_writes.Add({"apply", "ok"}, res.applied);
        if (res.deleted > 0) options_.metrics->member_writes.Add({"delete", "ok"}, res.deleted);
        if (!res.error.ok()) options_.metrics->member_writes.Add({"apply_or_delete", "error"});
      }
      if (options_.manage_admission) {
        Status s = EnsureAdmission(d, conn.cluster->client(), state.get());
        if (error.ok()) error = s;
      }
      // The copies' status, when the placement, the engines or the copies
      // changed since it was last written.
      std::string statuses_for = d.fingerprint + "#" + std::to_string(state->seen_changes);
      if (res.applied == 0 && res.deleted == 0 && statuses_for != state->statuses_for) {
        obs.applied = applied;
        int written = 0;
        Status s = WriteMemberPolicyStatuses(
            conn.cluster->client(), state->seen, placed, obs,
            policy::FormatTime(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count()),
            &written);
        if (options_.metrics != nullptr && written > 0) options_.metrics->member_writes.Add({"status", "ok"}, written);
        if (s.ok()) {
          state->statuses_for = std::move(statuses_for);
        } else {
          if (options_.metrics != nullptr) options_.metrics->member_writes.Add({"status", "error"});
          if (error.ok()) error = s;
        }
      }
    } else {
      // Answering probes but a watch is not up (it may be failing): report
      // what the member last showed, write nothing this pass.
      for (const auto& [copy_name, c] : state->seen) {
        if (!c.parsed) continue;
        auto rev = c.policy.metadata.annotations.find(std::string(policy::kRevisionAnnotation));
        if (rev != c.policy.metadata.annotations.end()) applied[copy_name] = rev->second;
      }
    }
  }
  bool changed;
  {
    std::lock_guard<std::mutex> lock(members_mu_);
    changed = !state->observed || state->applied != applied;
    state->applied = std::move(applied);
    state->observed = true;
  }
  if (changed && options_.on_member_observed) options_.on_member_observed();
  if (!error.ok()) return controller::Result::Error(error.WithContext("member cluster " + name));
  return controller::Result::RequeueAfter(options_.resync);
}

}  // namespace fedra::op::reconcilers
