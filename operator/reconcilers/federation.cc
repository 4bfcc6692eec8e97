#include "operator/reconcilers/federation.h"

#include <algorithm>
#include <set>

#include "bundle/bundle.h"
#include "policy/assembly.h"
#include "policy/placement.h"
#include "operator/reconcilers/propagation.h"

namespace fedra::op::reconcilers {

namespace {

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

kube::GroupVersionResource Gvr(const char* resource) {
  kube::GroupVersionResource g;
  g.group = std::string(policy::kGroup);
  g.version = std::string(policy::kVersion);
  g.resource = resource;
  g.namespaced = false;
  return g;
}

}  // namespace

kube::GroupVersionResource FederatedPolicies() { return Gvr("federatedpolicies"); }
kube::GroupVersionResource MemberClusters() { return Gvr("memberclusters"); }

FederationReconciler::FederationReconciler(kube::Client* hub_client, hub::HubServer* hub,
                                           FederationOptions options, MemberConnections* members)
    : client_(hub_client), hub_(hub), options_(std::move(options)), members_(members) {}

Status FederationReconciler::WriteStatus(const policy::FederatedPolicy& fp,
                                         const policy::FederatedPolicyStatus& status) {
  policy::Json next = policy::FederatedPolicyStatusToJson(status);
  if (next == policy::FederatedPolicyStatusToJson(fp.status)) return Status::OK();
  policy::Json out;
  kube::ApiStatus st = client_->PatchStatus(FederatedPolicies(), "", fp.metadata.name,
                                            kube::PatchType::kMerge, {{"status", next}}, &out);
  return st.ok() ? Status::OK() : st.ToStatus();
}

Status FederationReconciler::WriteClusterStatus(const policy::MemberCluster& mc,
                                                const policy::MemberClusterStatus& status) {
  policy::Json next = policy::MemberClusterStatusToJson(status);
  policy::Json prev = policy::MemberClusterStatusToJson(mc.status);
  // The heartbeat alone is written every heartbeat_interval, not on every pass.
  policy::Json next_rest = next, prev_rest = prev;
  next_rest.erase("lastHeartbeatTime");
  prev_rest.erase("lastHeartbeatTime");
  if (next_rest == prev_rest) {
    if (next == prev) return Status::OK();
    int64_t last = policy::ParseTimeMillis(mc.status.last_heartbeat_time);
    if (last > 0 && NowMillis() - last < options_.heartbeat_interval.count()) return Status::OK();
  }
  policy::Json out;
  kube::ApiStatus st = client_->PatchStatus(MemberClusters(), "", mc.metadata.name, kube::PatchType::kMerge,
                                            {{"status", next}}, &out);
  return st.ok() ? Status::OK() : st.ToStatus();
}

Status FederationReconciler::SetFinalizer(const policy::Json& item, bool present) {
  const policy::Json& meta = item["metadata"];
  policy::Json finalizers = policy::Json::array();
  bool had = false;
  for (const auto& f : meta.value("finalizers", policy::Json::array())) {
    if (f == kFinalizer) {
      had = true;
    } else {
      finalizers.push_back(f);
    }
  }
  if (had == present) return Status::OK();
  if (present) finalizers.push_back(kFinalizer);
  // resourceVersion makes this a compare-and-swap: a concurrent writer's
  // finalizer is not lost (a Conflict retries the whole reconcile).
  policy::Json patch = {{"metadata",
                         {{"finalizers", finalizers}, {"resourceVersion", meta.value("resourceVersion", "")}}}};
  policy::Json out;
  kube::ApiStatus st = client_->Patch(FederatedPolicies(), "", meta.value("name", ""), kube::PatchType::kMerge,
                                      patch, &out);
  if (st.ok() || st.reason() == kube::Reason::kNotFound) return Status::OK();
  return st.ToStatus();
}

Status FederationReconciler::ReadAll(const kube::GroupVersionResource& gvr, const informer::Informer* from,
                                     std::vector<informer::ObjectPtr>* out) {
  if (from != nullptr && from->HasSynced()) {
    *out = from->store().List();
    return Status::OK();
  }
  policy::Json list;
  kube::ApiStatus st = client_->ListAll(gvr, "", {}, &list);
  if (!st.ok()) return st.ToStatus();
  out->clear();
  for (auto& item : list.value("items", policy::Json::array())) {
    out->push_back(std::make_shared<const policy::Json>(std::move(item)));
  }
  return Status::OK();
}

namespace {

policy::ClusterObservation ObservationFor(const policy::ClusterObservation& all, const std::string& name) {
  policy::ClusterObservation out;
  out.reachable = all.reachable;
  out.reason = all.reason;
  out.message = all.message;
  if (auto it = all.applied.find(name); it != all.applied.end()) out.applied.insert(*it);
  out.engines.reserve(all.engines.size());
  for (const policy::EngineReport& e : all.engines) {
    policy::EngineReport trimmed;
    trimmed.id = e.id;
    trimmed.healthy = e.healthy;
    trimmed.message = e.message;
    trimmed.activated_at_millis = e.activated_at_millis;
    if (auto it = e.active.find(name); it != e.active.end()) trimmed.active.insert(*it);
    out.engines.push_back(std::move(trimmed));
  }
  return out;
}

}  // namespace

std::vector<FederationReconciler::Placed> FederationReconciler::Place(
    const std::vector<policy::FederatedPolicy>& policies, const std::vector<policy::MemberCluster>& clusters) {
  // Resolving is the costly part (overrides, a content hash per copy): a
  // policy is resolved again only when its spec (uid, generation) or the
  // fleet (names, tiers, labels) changed.
  std::string fleet;
  for (const policy::MemberCluster& mc : clusters) {
    fleet += mc.metadata.name + "/" + std::string(policy::TierName(mc.spec.tier));
    for (const auto& [k, v] : mc.metadata.labels) fleet += "," + k + "=" + v;
    fleet += ";";
  }
  std::vector<Placed> out;
  std::set<std::string> names;
  for (const policy::FederatedPolicy& fp : policies) {
    names.insert(fp.metadata.name);
    // The revision is known for the current spec; a last good one (older
    // generation) is hashed here.
    auto known = parsed_.find(fp.metadata.name);
    std::string revision = known != parsed_.end() && known->second.fp.metadata.generation == fp.metadata.generation
                               ? known->second.base_revision
                               : policy::ContentRevision(policy::BaseSpec(fp));
    std::string key = fp.metadata.uid + "/" + std::to_string(fp.metadata.generation) + "/" + revision;
    CachedPlacement& c = placement_cache_[fp.metadata.name];
    if (c.policy_key != key || c.fleet != fleet) {
      c.policy_key = std::move(key);
      c.fleet = fleet;
      c.placed.clear();
      for (policy::ResolvedPolicy& r : policy::PlaceAll({fp}, clusters)) {
        c.placed.push_back(std::make_shared<const policy::ResolvedPolicy>(std::move(r)));
      }
    }
    out.insert(out.end(), c.placed.begin(), c.placed.end());
  }
  std::erase_if(placement_cache_, [&](const auto& e) { return names.count(e.first) == 0; });
  std::sort(out.begin(), out.end(), [](const Placed& a, const Placed& b) {
    return a->cluster != b->cluster ? a->cluster < b->cluster : a->policy < b->policy;
  });
  return out;
}

controller::Result FederationReconciler::Reconcile(const controller::Key&) {
  // 1. What the hub holds (the informers' caches once synced).
  std::vector<informer::ObjectPtr> items;
  Status s = ReadAll(FederatedPolicies(), options_.policy_informer, &items);
  if (!s.ok()) return controller::Result::Error(s);
  std::vector<policy::FederatedPolicy> policies;
  std::vector<policy::Json> deleting;  // FederatedPolicies being deleted, as read
  Status first_error;
  auto note = [&first_error](const Status& s) {
    if (!s.ok() && first_error.ok()) first_error = s;
  };
  for (const auto& ptr : items) {
    const policy::Json& item = *ptr;
    if (members_ != nullptr && item["metadata"].contains("deletionTimestamp")) {
      deleting.push_back(item);
      continue;
    }
    // Parsed (and hashed) once per resourceVersion.
    const std::string name = item["metadata"].value("name", "");
    const std::string rv = item["metadata"].value("resourceVersion", "");
    ParsedPolicy& pp = parsed_[name];
    if (rv.empty() || pp.resource_version != rv) {
      policy::FederatedPolicy fp;
      if (!policy::ParseFederatedPolicy(item, &fp).ok()) {
        parsed_.erase(name);
        continue;
      }
      pp.base_revision = policy::ContentRevision(policy::BaseSpec(fp));
      pp.fp = std::move(fp);
      pp.resource_version = rv;
    }
    if (members_ != nullptr) note(SetFinalizer(item, true));
    policies.push_back(pp.fp);
  }
  std::set<std::string> listed;
  for (const auto& fp : policies) listed.insert(fp.metadata.name);
  std::erase_if(parsed_, [&](const auto& e) { return listed.count(e.first) == 0; });
  s = ReadAll(MemberClusters(), options_.cluster_informer, &items);
  if (!s.ok()) return controller::Result::Error(s);
  std::vector<policy::MemberCluster> clusters;
  for (const auto& ptr : items) {
    policy::MemberCluster mc;
    if (policy::ParseMemberCluster(*ptr, &mc).ok()) clusters.push_back(std::move(mc));
  }

  // 2. Compile (once per content revision); what does not compile keeps
  // its last good revision.
  std::map<std::string, policy::CompileReport> reports;
  std::map<std::string, std::string> base_revision;  // policy name -> revision before overrides
  std::vector<policy::FederatedPolicy> to_place;
  std::set<std::string> present, revisions;
  for (const auto& fp : policies) {
    present.insert(fp.metadata.name);
    const std::string& base = parsed_[fp.metadata.name].base_revision;
    base_revision[fp.metadata.name] = base;
    revisions.insert(base);
    auto cached = compiled_.find(base);
    if (cached == compiled_.end()) cached = compiled_.emplace(base, policy::CheckCompiles(fp)).first;
    const policy::CompileReport& r = cached->second;
    if (policy::MayPropagate(r)) {
      last_good_[fp.metadata.name] = fp;
      to_place.push_back(fp);
    } else if (auto it = last_good_.find(fp.metadata.name); it != last_good_.end()) {
      to_place.push_back(it->second);
    }
    reports[fp.metadata.name] = r;
  }
  std::erase_if(last_good_, [&](const auto& e) { return present.count(e.first) == 0; });
  std::erase_if(compiled_, [&](const auto& e) { return revisions.count(e.first) == 0; });

  // 3. Place; assemble and publish the bundles whose content changed.
  std::vector<Placed> placed = Place(to_place, clusters);
  std::map<std::pair<std::string, policy::Tier>, std::vector<const policy::ResolvedPolicy*>> groups;
  for (const policy::MemberCluster& c : clusters) groups[{c.metadata.name, c.spec.tier}];
  for (const Placed& r : placed) groups[{r->cluster, r->tier}].push_back(r.get());
  std::map<std::pair<std::string, std::string>, std::string> published;
  for (auto& [where, list] : groups) {
    std::string tier(policy::TierName(where.second));
    std::string fingerprint;
    for (const auto* r : list) fingerprint += r->policy + "=" + r->revision + ";";
    PublishedBundle& pb = bundles_[{where.first, tier}];
    if (pb.revision.empty() || pb.fingerprint != fingerprint) {
      bundle::Bundle b;
      std::vector<policy::ResolvedPolicy> copies;
      for (const auto* r : list) copies.push_back(*r);
      Status bs = policy::AssembleBundle(where.first, where.second, std::move(copies), &b);
      std::string bytes;
      if (bs.ok()) bs = bundle::WriteBundle(b, {}, &bytes);
      if (!bs.ok()) return controller::Result::Error(bs);
      index_[b.revision] = policy::PolicyRevisionsOf(b);
      hub_->Publish(where.first, tier, std::move(bytes));
      if (options_.metrics != nullptr && b.revision != pb.revision) options_.metrics->bundles_published.Add({});
      pb.fingerprint = std::move(fingerprint);
      pb.revision = b.revision;
      // Engines may still report the revisions before (a slow poller).
      pb.recent.push_back(b.revision);
      if (pb.recent.size() > 4) pb.recent.erase(pb.recent.begin());
    }
    published[{where.first, tier}] = pb.revision;
  }
  for (const auto& [where, rev] : published_) {
    if (published.count(where) == 0) hub_->Remove(where.first, where.second);
  }
  std::erase_if(bundles_, [&](const auto& e) { return published.count(e.first) == 0; });
  std::set<std::string> known;
  for (const auto& [where, pb] : bundles_) known.insert(pb.recent.begin(), pb.recent.end());
  std::erase_if(index_, [&](const auto& e) { return known.count(e.first) == 0; });
  published_ = std::move(published);
  std::map<std::string, std::vector<const policy::ResolvedPolicy*>> by_policy, by_cluster;
  std::map<std::string, std::vector<Placed>> by_cluster_shared;
  for (const Placed& r : placed) {
    by_policy[r->policy].push_back(r.get());
    by_cluster[r->cluster].push_back(r.get());
    by_cluster_shared[r->cluster].push_back(r);
  }

  // 4-6. Members and engines: hand each member what it should hold, and
  // observe reachability (live), what it holds (its last member pass) and
  // what its engines report.
  if (members_ != nullptr) members_->Sync(clusters);
  {
    std::lock_guard<std::mutex> lock(members_mu_);
    auto gone = [&](const std::string& name) {
      return std::none_of(clusters.begin(), clusters.end(),
                          [&](const policy::MemberCluster& mc) { return mc.metadata.name == name; });
    };
    std::erase_if(desired_, [&](const auto& e) { return gone(e.first); });
    std::erase_if(member_state_, [&](const auto& e) { return gone(e.first); });
  }
  int64_t now = NowMillis();
  const std::string now_text = policy::FormatTime(now);
  auto wall = std::chrono::system_clock::now();
  std::map<std::string, policy::ClusterObservation> observed;
  std::set<std::string> held_anywhere;  // policies some reachable member still holds
  std::map<std::vector<std::string>, double> cluster_states, policy_states;  // for metrics
  for (const auto& mc : clusters) {
    const std::string& name = mc.metadata.name;
    policy::ClusterObservation obs;
    const std::vector<const policy::ResolvedPolicy*>& mine = by_cluster[name];
    std::string engines_fingerprint;
    for (const auto& e : hub_->Engines(name)) {
      if (!hub_->Fresh(e, wall)) continue;
      policy::EngineIdentity who;
      policy::EngineReport er;
      policy::Json raw = policy::Json::parse(e.raw, nullptr, false);
      if (raw.is_discarded()) continue;
      if (!policy::DecodeEngineStatus(raw, "fedra", index_, &who, &er).ok()) continue;
      engines_fingerprint += er.id + (er.healthy ? "+" : "-");
      for (const auto& [p, rev] : er.active) engines_fingerprint += p + "=" + rev + ",";
      obs.engines.push_back(std::move(er));
    }
    if (members_ == nullptr) {
      for (const auto* r : mine) obs.applied[r->policy] = r->revision;
      observed[name] = std::move(obs);
      continue;
    }
    MemberDesired d;
    d.cluster = mc;
    d.placed = by_cluster_shared[name];
    for (const auto* r : mine) d.fingerprint += r->policy + "=" + r->revision + ";";
    d.fingerprint += "|" + mc.metadata.resource_version + "|" + engines_fingerprint;
    d.engines = obs.engines;
    bool changed;
    {
      std::lock_guard<std::mutex> lock(members_mu_);
      MemberDesired& slot = desired_[name];
      changed = slot.fingerprint != d.fingerprint;
      slot = std::move(d);
    }
    if (!options_.enqueue_member) {
      controller::Result r = ReconcileMember(name);
      if (!r.ok()) note(r.error());
    } else if (changed) {
      options_.enqueue_member(name);
    }
    std::string version;
    MemberConnection conn;
    if (Reachability(name, &obs, &version, &conn)) {
      std::lock_guard<std::mutex> lock(members_mu_);
      auto it = member_state_.find(name);
      if (it != member_state_.end()) obs.applied = it->second->applied;
    }
    for (const auto& [policy_name, rev] : obs.applied) held_anywhere.insert(policy_name);
    int64_t synced = 0;
    for (const auto* r : mine) {
      auto it = obs.applied.find(r->policy);
      if (it != obs.applied.end() && it->second == r->revision) ++synced;
    }
    policy::MemberClusterStatus cs = policy::RollUpCluster(mc, obs, version, synced, now_text);
    cluster_states[{policy::ConditionIs(cs.conditions, policy::kConditionReady, "True")            ? "ready"
                    : policy::ConditionIs(cs.conditions, policy::kConditionReachable, "False") ? "unreachable"
                                                                                                : "not_ready"}] += 1;
    note(WriteClusterStatus(mc, cs));
    observed[name] = std::move(obs);
  }

  // 7. Each policy's status.
  for (const auto& fp : policies) {
    const std::string& base = base_revision[fp.metadata.name];
    first_seen_millis_.emplace(base, now);
    policy::RollUpInput in;
    in.policy = &fp;
    in.compile = &reports[fp.metadata.name];
    in.placed = by_policy[fp.metadata.name];
    // Each cluster's observation as far as this policy goes (a whole one
    // holds every policy's revision: copying it per policy is quadratic).
    for (const auto* r : in.placed) in.clusters[r->cluster] = ObservationFor(observed[r->cluster], fp.metadata.name);
    in.changed_at_millis = first_seen_millis_[base];
    in.now = now_text;
    in.revision = base;
    policy::FederatedPolicyStatus ps = policy::RollUp(in);
    if (options_.metrics != nullptr) {
      policy_states[{policy::ConditionIs(ps.conditions, policy::kConditionCompiled, "False") ? "not_compiled"
                     : policy::ConditionIs(ps.conditions, policy::kConditionReady, "True")     ? "ready"
                                                                                               : "progressing"}] += 1;
      for (const policy::ClusterStatus& c : ps.clusters) {
        if (c.phase == policy::kPhaseSynced && c.last_sync_latency_millis) {
          options_.metrics->ObserveSync(fp.metadata.name, c.name, c.tier, c.revision, *c.last_sync_latency_millis);
        }
      }
    }
    note(WriteStatus(fp, ps));
  }
  std::erase_if(first_seen_millis_, [&](const auto& e) { return revisions.count(e.first) == 0; });
  if (options_.metrics != nullptr) {
    std::map<std::pair<std::string, std::string>, bool> pairs;
    for (const Placed& r : placed) pairs[{r->policy, r->cluster}] = true;
    options_.metrics->RetainSyncs(pairs);
    options_.metrics->clusters.Replace(cluster_states);
    options_.metrics->policies.Replace(policy_states);
  }

  // 8. A deleted policy goes once no reachable member holds a copy.
  for (const auto& item : deleting) {
    if (held_anywhere.count(item["metadata"].value("name", "")) == 0) note(SetFinalizer(item, false));
  }
  if (!first_error.ok()) return controller::Result::Error(first_error);
  return controller::Result::RequeueAfter(options_.resync);
}

}  // namespace fedra::op::reconcilers
