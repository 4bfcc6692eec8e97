#include "operator/reconcilers/members.h"

#include <set>

#include "operator/kube/config.h"
#include "server/log.h"

namespace fedra::op::reconcilers {

kube::GroupVersionResource MemberPolicies() {
  kube::GroupVersionResource g;
  g.group = std::string(policy::kGroup);
  g.version = std::string(policy::kVersion);
  g.resource = "memberpolicies";
  g.namespaced = false;
  return g;
}

MemberConnections::MemberConnections(SecretReader read_secret, MemberConnectionOptions options)
    : read_secret_(std::move(read_secret)),
      options_(std::move(options)),
      manager_([this] {
        cluster::ManagerOptions mo;
        mo.cluster = options_.cluster;
        // Server-side apply bookkeeping is most of a MemberPolicy's size and
        // no reader needs it: a member holding 1,000 copies keeps less.
        if (!mo.cluster.informer.transform) mo.cluster.informer.transform = informer::StripManagedFields;
        mo.on_setup = [this](cluster::Cluster& c) {
          informer::Informer* inf = PolicyInformer(c);
          if (inf == nullptr || !options_.on_change) return;
          inf->AddEventHandler(informer::CallOnAnyChange([this, name = c.name()] { options_.on_change(name); }));
        };
        mo.on_health = [this](const std::string& name, const cluster::ClusterHealth& h) {
          server::Log(h.state == cluster::HealthState::kUnreachable ? server::LogLevel::kWarn : server::LogLevel::kInfo,
                      "member cluster health",
                      {{"cluster", name},
                       {"state", std::string(cluster::HealthStateName(h.state))},
                       {"message", h.message},
                       {"version", h.server_version}});
          if (options_.on_change) options_.on_change(name);
        };
        return mo;
      }()) {}

MemberConnections::~MemberConnections() { Stop(); }

void MemberConnections::Stop() { manager_.Stop(); }

informer::Informer* MemberConnections::PolicyInformer(const cluster::Cluster& c) {
  return c.informer(MemberPolicies());
}

bool MemberConnections::LoadConfig(const policy::MemberCluster& mc, kube::RestConfig* rc,
                                   std::string* fingerprint, MemberConnection* failure) {
  const policy::SecretRef& ref = mc.spec.kubeconfig_secret_ref;
  const std::string where = "Secret " + ref.namespace_name + "/" + ref.name;
  nlohmann::json secret;
  kube::ApiStatus st = read_secret_(ref.namespace_name, ref.name, &secret);
  if (!st.ok()) {
    if (st.reason() == kube::Reason::kNotFound) {
      failure->reason = "KubeconfigSecretNotFound";
      failure->message = where + " not found";
    } else {
      failure->reason = "KubeconfigSecretUnreadable";
      failure->message = where + ": " + st.ToString();
    }
    return false;
  }
  const nlohmann::json* data = secret.contains("data") && secret["data"].is_object() ? &secret["data"] : nullptr;
  if (data == nullptr || !data->contains(ref.key) || !(*data)[ref.key].is_string()) {
    failure->reason = "KubeconfigKeyMissing";
    failure->message = where + " has no key \"" + ref.key + "\"";
    return false;
  }
  std::string text;
  if (!kube::DecodeBase64((*data)[ref.key].get<std::string>(), &text)) {
    failure->reason = "KubeconfigInvalid";
    failure->message = where + " key \"" + ref.key + "\": not base64";
    return false;
  }
  Status s = kube::RestConfigFromKubeconfigBytes(text, where + " key \"" + ref.key + "\"", "", rc);
  if (!s.ok()) {
    failure->reason = "KubeconfigInvalid";
    failure->message = s.message();
    return false;
  }
  rc->qps = options_.qps;
  rc->burst = options_.burst;
  rc->timeout = options_.request_timeout;
  rc->max_retries = 1;
  *fingerprint = ref.namespace_name + "/" + ref.name + "/" + ref.key + "\n" + text;
  return true;
}

void MemberConnections::Sync(const std::vector<policy::MemberCluster>& clusters) {
  std::set<std::string> wanted;
  for (const policy::MemberCluster& mc : clusters) {
    const std::string& name = mc.metadata.name;
    wanted.insert(name);
    kube::RestConfig rc;
    std::string fingerprint;
    MemberConnection failure;
    if (!LoadConfig(mc, &rc, &fingerprint, &failure)) {
      // Keep a working connection while its Secret is briefly unreadable;
      // a Secret that is gone or broken disconnects.
      if (failure.reason == "KubeconfigSecretUnreadable" && manager_.Get(name)) continue;
      if (manager_.Get(name)) manager_.RemoveCluster(name);
      std::lock_guard<std::mutex> lock(mu_);
      fingerprints_.erase(name);
      auto prev = failures_.find(name);
      if (prev == failures_.end() || prev->second.message != failure.message) {
        server::LogWarn("member cluster not connected",
                        {{"cluster", name}, {"reason", failure.reason}, {"message", failure.message}});
      }
      failures_[name] = std::move(failure);
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = fingerprints_.find(name);
      if (it != fingerprints_.end() && it->second == fingerprint && manager_.Get(name)) continue;
    }
    if (manager_.Get(name)) manager_.RemoveCluster(name);
    cluster::ClusterSpec spec;
    spec.name = name;
    spec.config = std::move(rc);
    spec.labels = mc.metadata.labels;
    informer::ResourceSelector what;
    what.gvr = MemberPolicies();
    what.label_selector = std::string(policy::kHubLabel) + "=" + options_.hub;
    spec.resources.push_back(std::move(what));
    Status s = manager_.AddCluster(std::move(spec));
    std::lock_guard<std::mutex> lock(mu_);
    if (!s.ok()) {
      fingerprints_.erase(name);
      failures_[name] = MemberConnection{nullptr, "KubeconfigInvalid", std::string(s.message())};
      continue;
    }
    fingerprints_[name] = std::move(fingerprint);
    failures_.erase(name);
    server::LogInfo("member cluster connected", {{"cluster", name}, {"source", mc.spec.kubeconfig_secret_ref.namespace_name + "/" + mc.spec.kubeconfig_secret_ref.name}});
  }
  for (const std::string& name : manager_.Names()) {
    if (wanted.count(name) == 0) manager_.RemoveCluster(name);
  }
  std::lock_guard<std::mutex> lock(mu_);
  std::erase_if(fingerprints_, [&](const auto& e) { return wanted.count(e.first) == 0; });
  std::erase_if(failures_, [&](const auto& e) { return wanted.count(e.first) == 0; });
}

MemberConnection MemberConnections::Get(const std::string& name) const {
  if (auto c = manager_.Get(name)) return MemberConnection{std::move(c), "", ""};
  std::lock_guard<std::mutex> lock(mu_);
  auto it = failures_.find(name);
  if (it != failures_.end()) return it->second;
  return MemberConnection{nullptr, "NotConnected", "no connection to the member cluster yet"};
}

}  // namespace fedra::op::reconcilers
