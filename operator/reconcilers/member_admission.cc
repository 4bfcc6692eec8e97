#include "operator/reconcilers/member_admission.h"

#include <memory>
#include <mutex>
#include <utility>

namespace fedra::op::reconcilers {

namespace {

using Json = nlohmann::json;

constexpr char kManager[] = "fedra-operator";

kube::GroupVersionResource ValidatingConfigs() {
  return {"admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", false};
}
kube::GroupVersionResource MutatingConfigs() {
  return {"admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", false};
}

// True when every field `want` sets has that value in `have` (the server
// adds defaults and metadata; those do not count as differences).
bool Covers(const Json& have, const Json& want) {
  if (want.is_object()) {
    if (!have.is_object()) return false;
    for (auto it = want.begin(); it != want.end(); ++it) {
      auto h = have.find(it.key());
      if (h == have.end() || !Covers(*h, it.value())) return false;
    }
    return true;
  }
  if (want.is_array()) {
    if (!have.is_array() || have.size() != want.size()) return false;
    for (size_t i = 0; i < want.size(); ++i) {
      if (!Covers(have[i], want[i])) return false;
    }
    return true;
  }
  return have == want;
}

class Step {
 public:
  Step(const policy::MemberCluster& mc, MemberAdmissionResult* out) : mc_(mc), out_(out) {}

  Status Fail(const kube::ApiStatus& st, const std::string& what) const {
    return st.ToStatus().WithContext("member " + mc_.metadata.name + ": " + what);
  }
  void Note(const std::string& what) {
    out_->reason += (out_->reason.empty() ? "" : "; ") + what;
  }

 private:
  const policy::MemberCluster& mc_;
  MemberAdmissionResult* out_;
};

// Get into *obj; null when absent.
kube::ApiStatus GetOrNull(kube::Client& c, const kube::GroupVersionResource& gvr,
                          const std::string& ns, const std::string& name, Json* obj) {
  kube::ApiStatus st = c.Get(gvr, ns, name, obj);
  if (kube::IsNotFound(st)) {
    *obj = Json();
    return kube::ApiStatus();
  }
  return st;
}

Status WriteSecret(kube::Client& c, const SecretWrite& w, Step& step) {
  const std::string ns = w.object["metadata"]["namespace"];
  const std::string name = w.object["metadata"]["name"];
  if (w.recreate) {
    kube::ApiStatus st = c.Delete(kube::gvr::Secrets(), ns, name);
    if (!st.ok() && !kube::IsNotFound(st)) return step.Fail(st, "deleting Secret " + ns + "/" + name);
  }
  Json applied;
  kube::ApiStatus st = c.Apply(kube::gvr::Secrets(), ns, w.object, kManager, true, &applied);
  if (!st.ok()) return step.Fail(st, "applying Secret " + ns + "/" + name);
  step.Note(w.reason);
  return Status::OK();
}

// Applies `want` unless the server's copy already has it; *written says
// whether it did.
Status ApplyConfig(kube::Client& c, const kube::GroupVersionResource& gvr, const Json& want,
                   Step& step, bool* written) {
  *written = false;
  const std::string name = want["metadata"]["name"];
  Json have;
  kube::ApiStatus st = GetOrNull(c, gvr, "", name, &have);
  if (!st.ok()) return step.Fail(st, "reading " + gvr.resource + "/" + name);
  if (!have.is_null() && Covers(have, want)) return Status::OK();
  Json applied;
  st = c.Apply(gvr, "", want, kManager, true, &applied);
  if (!st.ok()) return step.Fail(st, "applying " + gvr.resource + "/" + name);
  *written = true;
  step.Note(std::string(want["kind"]) + " " + name + (have.is_null() ? " created" : " updated"));
  return Status::OK();
}

}  // namespace

ResourceResolver DiscoveryResolver(kube::Client& member) {
  // The group/version list is read once per resolver (one reconcile).
  struct Shared {
    std::mutex mu;
    bool loaded = false;
    std::vector<std::string> group_versions;
  };
  auto shared = std::make_shared<Shared>();
  return [&member, shared](const std::string& group, const std::string& kind,
                           std::string* resource) -> Status {
    std::vector<std::string> gvs;
    {
      std::lock_guard<std::mutex> lock(shared->mu);
      if (!shared->loaded) {
        kube::ApiStatus st = member.ServerGroupVersions(&shared->group_versions);
        if (!st.ok()) return st.ToStatus().WithContext("discovery");
        shared->loaded = true;
      }
      gvs = shared->group_versions;
    }
    for (const std::string& gv : gvs) {
      size_t slash = gv.find('/');
      std::string g = slash == std::string::npos ? "" : gv.substr(0, slash);
      if (group != "*" && g != group) continue;
      kube::GroupVersionResource gvr;
      kube::ApiStatus st = member.ResourceFor(gv, kind, &gvr);
      if (st.ok()) {
        *resource = gvr.resource;
        return Status::OK();
      }
      if (!kube::IsNotFound(st)) return st.ToStatus().WithContext("discovery of " + gv);
    }
    return Status::NotFound("no group " + (group == "*" ? std::string("at all") : "\"" + group + "\"") +
                            " serves kind " + kind);
  };
}

Status EnsureMemberAdmission(kube::Client& member, const policy::MemberCluster& mc,
                             const std::vector<policy::ResolvedPolicy>& placed,
                             std::chrono::system_clock::time_point now,
                             const MemberAdmissionOptions& options, MemberAdmissionResult* out) {
  *out = MemberAdmissionResult();
  Step step(mc, out);
  const policy::EngineService& svc = mc.spec.engine_service;

  // 1. The namespace.
  Json ns_obj;
  kube::ApiStatus st = GetOrNull(member, kube::gvr::Namespaces(), "", svc.namespace_name, &ns_obj);
  if (!st.ok()) return step.Fail(st, "reading namespace " + svc.namespace_name);
  if (ns_obj.is_null()) {
    Json ns = {{"apiVersion", "v1"},
               {"kind", "Namespace"},
               {"metadata",
                {{"name", svc.namespace_name},
                 {"labels", {{"app.kubernetes.io/managed-by", kManager}}}}}};
    Json created;
    st = member.Create(kube::gvr::Namespaces(), "", ns, &created);
    if (!st.ok() && !kube::IsAlreadyExists(st)) {
      return step.Fail(st, "creating namespace " + svc.namespace_name);
    }
    out->namespace_created = st.ok();
    if (st.ok()) step.Note("namespace " + svc.namespace_name + " created");
  }

  // 2. Plan the certificates from what is there.
  Json ca_secret, tls_secret;
  st = GetOrNull(member, kube::gvr::Secrets(), svc.namespace_name, CaSecretName(svc), &ca_secret);
  if (!st.ok()) return step.Fail(st, "reading Secret " + CaSecretName(svc));
  st = GetOrNull(member, kube::gvr::Secrets(), svc.namespace_name, ServingSecretName(svc),
                 &tls_secret);
  if (!st.ok()) return step.Fail(st, "reading Secret " + ServingSecretName(svc));
  EngineCertPlan plan;
  if (Status s = PlanEngineCerts(ca_secret, tls_secret, svc, now, options.certs, &plan); !s.ok()) {
    return s.WithContext("member " + mc.metadata.name);
  }
  out->ca_bundle_pem = plan.ca_bundle_pem;
  out->ca_rotated = plan.ca_rotated;
  out->next_change = plan.next_change;

  // 3. The CA first: webhooks must trust it before anything serves with it.
  if (plan.ca) {
    FEDRA_RETURN_IF_ERROR(WriteSecret(member, *plan.ca, step));
    out->ca_secret_written = true;
  }

  // 4. The webhook configurations.
  std::vector<admission::PolicySpec> specs;
  specs.reserve(placed.size());
  for (const policy::ResolvedPolicy& p : placed) specs.push_back(p.spec);
  WebhookConfigOptions wo;
  wo.service = svc;
  wo.ca_bundle_pem = plan.ca_bundle_pem;
  wo.timeout_seconds = options.webhook_timeout_seconds;
  wo.resolver = options.resolver ? options.resolver : DiscoveryResolver(member);
  wo.mutates = options.mutates;
  WebhookConfigurations configs;
  if (Status s = BuildWebhookConfigurations(specs, wo, &configs); !s.ok()) {
    return s.WithContext("member " + mc.metadata.name);
  }
  FEDRA_RETURN_IF_ERROR(
      ApplyConfig(member, ValidatingConfigs(), configs.validating, step, &out->validating_written));
  if (!configs.mutating.is_null()) {
    FEDRA_RETURN_IF_ERROR(
        ApplyConfig(member, MutatingConfigs(), configs.mutating, step, &out->mutating_written));
  } else {
    const std::string name(kWebhookConfigName);
    Json have;
    st = GetOrNull(member, MutatingConfigs(), "", name, &have);
    if (!st.ok()) return step.Fail(st, "reading mutatingwebhookconfigurations/" + name);
    if (!have.is_null()) {
      st = member.Delete(MutatingConfigs(), "", name);
      if (!st.ok() && !kube::IsNotFound(st)) {
        return step.Fail(st, "deleting mutatingwebhookconfigurations/" + name);
      }
      out->mutating_deleted = true;
      step.Note("MutatingWebhookConfiguration " + name + " deleted: no placed policy mutates");
    }
  }

  // 5. The serving certificate last.
  if (plan.serving) {
    FEDRA_RETURN_IF_ERROR(WriteSecret(member, *plan.serving, step));
    out->serving_secret_written = true;
  }
  return Status::OK();
}

}  // namespace fedra::op::reconcilers
