#include "operator/reconcilers/federation.h"

#include <set>

#include "bundle/bundle.h"
#include "policy/assembly.h"
#include "policy/placement.h"

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
                                           FederationOptions options)
    : client_(hub_client), hub_(hub), options_(options) {}

Status FederationReconciler::WriteStatus(const policy::FederatedPolicy& fp,
                                         const policy::FederatedPolicyStatus& status) {
  policy::Json next = policy::FederatedPolicyStatusToJson(status);
  if (next == policy::FederatedPolicyStatusToJson(fp.status)) return Status::OK();
  policy::Json out;
  kube::ApiStatus st = client_->PatchStatus(FederatedPolicies(), "", fp.metadata.name,
                                            kube::PatchType::kMerge, {{"status", next}}, &out);
  return st.ok() ? Status::OK() : st.ToStatus();
}

controller::Result FederationReconciler::Reconcile(const controller::Key&) {
  // 1. What the hub holds.
  policy::Json list;
  kube::ApiStatus st = client_->ListAll(FederatedPolicies(), "", {}, &list);
  if (!st.ok()) return controller::Result::Error(st.ToStatus());
  std::vector<policy::FederatedPolicy> policies;
  for (const auto& item : list.value("items", policy::Json::array())) {
    policy::FederatedPolicy fp;
    if (policy::ParseFederatedPolicy(item, &fp).ok()) policies.push_back(std::move(fp));
  }
  st = client_->ListAll(MemberClusters(), "", {}, &list);
  if (!st.ok()) return controller::Result::Error(st.ToStatus());
  std::vector<policy::MemberCluster> clusters;
  for (const auto& item : list.value("items", policy::Json::array())) {
    policy::MemberCluster mc;
    if (policy::ParseMemberCluster(item, &mc).ok()) clusters.push_back(std::move(mc));
  }

  // 2. Compile; what does not compile keeps its last good revision.
  std::map<std::string, policy::CompileReport> reports;
  std::vector<policy::FederatedPolicy> to_place;
  std::set<std::string> present;
  for (const auto& fp : policies) {
    present.insert(fp.metadata.name);
    policy::CompileReport r = policy::CheckCompiles(fp);
    if (policy::MayPropagate(r)) {
      last_good_[fp.metadata.name] = fp;
      to_place.push_back(fp);
    } else if (auto it = last_good_.find(fp.metadata.name); it != last_good_.end()) {
      to_place.push_back(it->second);
    }
    reports[fp.metadata.name] = std::move(r);
  }
  std::erase_if(last_good_, [&](const auto& e) { return present.count(e.first) == 0; });

  // 3. Place, assemble, publish.
  std::vector<policy::ResolvedPolicy> placed = policy::PlaceAll(to_place, clusters);
  std::map<std::pair<std::string, policy::Tier>, bundle::Bundle> bundles;
  Status s = policy::AssembleAll(placed, clusters, &bundles);
  if (!s.ok()) return controller::Result::Error(s);
  std::map<std::pair<std::string, std::string>, std::string> published;
  for (const auto& [where, b] : bundles) {
    std::string bytes;
    s = bundle::WriteBundle(b, {}, &bytes);
    if (!s.ok()) return controller::Result::Error(s);
    std::string tier(policy::TierName(where.second));
    index_[b.revision] = policy::PolicyRevisionsOf(b);
    hub_->Publish(where.first, tier, std::move(bytes));
    published[{where.first, tier}] = b.revision;
  }
  for (const auto& [where, rev] : published_) {
    if (published.count(where) == 0) hub_->Remove(where.first, where.second);
  }
  published_ = std::move(published);

  // 4. Observe engines and roll up each policy's status.
  int64_t now = NowMillis();
  auto wall = std::chrono::system_clock::now();
  std::map<std::string, policy::ClusterObservation> observed;
  for (const auto& mc : clusters) {
    policy::ClusterObservation obs;
    for (const auto& r : placed) {
      if (r.cluster == mc.metadata.name) obs.applied[r.policy] = r.revision;
    }
    for (const auto& e : hub_->Engines(mc.metadata.name)) {
      if (!hub_->Fresh(e, wall)) continue;
      policy::EngineIdentity who;
      policy::EngineReport er;
      policy::Json raw = policy::Json::parse(e.raw, nullptr, false);
      if (raw.is_discarded()) continue;
      if (policy::DecodeEngineStatus(raw, "fedra", index_, &who, &er).ok()) obs.engines.push_back(std::move(er));
    }
    observed[mc.metadata.name] = std::move(obs);
  }
  Status first_error;
  for (const auto& fp : policies) {
    std::string base = policy::ContentRevision(policy::BaseSpec(fp));
    first_seen_millis_.emplace(base, now);
    policy::RollUpInput in;
    in.policy = &fp;
    in.compile = &reports[fp.metadata.name];
    for (const auto& r : placed) {
      if (r.policy == fp.metadata.name) in.placed.push_back(r);
    }
    for (const auto& r : in.placed) in.clusters[r.cluster] = observed[r.cluster];
    in.changed_at_millis = first_seen_millis_[base];
    in.now = policy::FormatTime(now);
    s = WriteStatus(fp, policy::RollUp(in));
    if (!s.ok() && first_error.ok()) first_error = s;
  }
  if (!first_error.ok()) return controller::Result::Error(first_error);
  return controller::Result::RequeueAfter(options_.resync);
}

}  // namespace fedra::op::reconcilers
