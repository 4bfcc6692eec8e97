// MemberCluster and MemberPolicy JSON forms.
#include "policy/json_util.h"
#include "policy/types.h"
#include "policy/types_internal.h"

namespace fedra::policy {

using internal::Join;
using internal::OptInt;
using internal::OptObject;
using internal::OptString;
using internal::PathError;

namespace {

Status ParseEngines(const Json& status, std::string_view path, int64_t* ready, int64_t* total) {
  Json engines;
  FEDRA_RETURN_IF_ERROR(OptObject(status, "engines", path, &engines));
  std::string p = Join(path, "engines");
  FEDRA_RETURN_IF_ERROR(OptInt(engines, "ready", p, ready));
  return OptInt(engines, "total", p, total);
}

}  // namespace

Status ParseMemberCluster(const Json& doc, MemberCluster* out) {
  *out = MemberCluster{};
  FEDRA_RETURN_IF_ERROR(internal::CheckKind(doc, "MemberCluster"));
  FEDRA_RETURN_IF_ERROR(internal::ParseMeta(doc, &out->metadata));
  Json spec;
  FEDRA_RETURN_IF_ERROR(OptObject(doc, "spec", "", &spec));
  if (spec.is_null()) return PathError("spec", "required");
  MemberClusterSpec& s = out->spec;
  Json ref;
  FEDRA_RETURN_IF_ERROR(OptObject(spec, "kubeconfigSecretRef", "spec", &ref));
  if (ref.is_null()) return PathError("spec.kubeconfigSecretRef", "required");
  const std::string rp = "spec.kubeconfigSecretRef";
  FEDRA_RETURN_IF_ERROR(OptString(ref, "namespace", rp, &s.kubeconfig_secret_ref.namespace_name));
  FEDRA_RETURN_IF_ERROR(OptString(ref, "name", rp, &s.kubeconfig_secret_ref.name));
  FEDRA_RETURN_IF_ERROR(OptString(ref, "key", rp, &s.kubeconfig_secret_ref.key));
  std::string tier;
  FEDRA_RETURN_IF_ERROR(OptString(spec, "tier", "spec", &tier));
  if (!tier.empty() && !ParseTier(tier, &s.tier)) {
    return PathError("spec.tier", "\"" + tier + "\" is not one of cloud, edge");
  }
  Json svc;
  FEDRA_RETURN_IF_ERROR(OptObject(spec, "engineService", "spec", &svc));
  const std::string sp = "spec.engineService";
  FEDRA_RETURN_IF_ERROR(OptString(svc, "namespace", sp, &s.engine_service.namespace_name));
  FEDRA_RETURN_IF_ERROR(OptString(svc, "name", sp, &s.engine_service.name));
  FEDRA_RETURN_IF_ERROR(OptInt(svc, "port", sp, &s.engine_service.port));

  Json status;
  FEDRA_RETURN_IF_ERROR(OptObject(doc, "status", "", &status));
  if (status.is_null()) return Status::OK();
  MemberClusterStatus& st = out->status;
  FEDRA_RETURN_IF_ERROR(OptInt(status, "observedGeneration", "status", &st.observed_generation));
  FEDRA_RETURN_IF_ERROR(internal::ParseConditions(status, "status", &st.conditions));
  FEDRA_RETURN_IF_ERROR(OptString(status, "lastHeartbeatTime", "status", &st.last_heartbeat_time));
  FEDRA_RETURN_IF_ERROR(OptString(status, "kubernetesVersion", "status", &st.kubernetes_version));
  FEDRA_RETURN_IF_ERROR(ParseEngines(status, "status", &st.engines_ready, &st.engines_total));
  return OptInt(status, "policiesSynced", "status", &st.policies_synced);
}

Json MemberClusterStatusToJson(const MemberClusterStatus& st) {
  Json status = {{"observedGeneration", st.observed_generation},
                 {"conditions", ConditionsToJson(st.conditions)},
                 {"engines", {{"ready", st.engines_ready}, {"total", st.engines_total}}},
                 {"policiesSynced", st.policies_synced}};
  if (!st.last_heartbeat_time.empty()) status["lastHeartbeatTime"] = st.last_heartbeat_time;
  if (!st.kubernetes_version.empty()) status["kubernetesVersion"] = st.kubernetes_version;
  return status;
}

Json ToJson(const MemberCluster& c) {
  const MemberClusterSpec& s = c.spec;
  Json ref = {{"name", s.kubeconfig_secret_ref.name}, {"key", s.kubeconfig_secret_ref.key}};
  if (!s.kubeconfig_secret_ref.namespace_name.empty()) {
    ref["namespace"] = s.kubeconfig_secret_ref.namespace_name;
  }
  Json spec = {{"kubeconfigSecretRef", std::move(ref)},
               {"tier", std::string(TierName(s.tier))},
               {"engineService",
                {{"namespace", s.engine_service.namespace_name},
                 {"name", s.engine_service.name},
                 {"port", s.engine_service.port}}}};
  return {{"apiVersion", std::string(kApiVersion)},
          {"kind", "MemberCluster"},
          {"metadata", MetadataToJson(c.metadata)},
          {"spec", std::move(spec)},
          {"status", MemberClusterStatusToJson(c.status)}};
}

Status ParseMemberPolicy(const Json& doc, MemberPolicy* out) {
  *out = MemberPolicy{};
  FEDRA_RETURN_IF_ERROR(internal::CheckKind(doc, "MemberPolicy"));
  FEDRA_RETURN_IF_ERROR(internal::ParseMeta(doc, &out->metadata));
  Json spec;
  FEDRA_RETURN_IF_ERROR(OptObject(doc, "spec", "", &spec));
  if (spec.is_null()) return PathError("spec", "required");
  Value v;
  FEDRA_RETURN_IF_ERROR(internal::ToValue(spec, &v));
  out->spec.name = out->metadata.name;
  FEDRA_RETURN_IF_ERROR(admission::ParsePolicySpec(v, "spec", true, &out->spec));
  Json status;
  FEDRA_RETURN_IF_ERROR(OptObject(doc, "status", "", &status));
  if (status.is_null()) return Status::OK();
  MemberPolicyStatus& st = out->status;
  FEDRA_RETURN_IF_ERROR(OptInt(status, "observedGeneration", "status", &st.observed_generation));
  FEDRA_RETURN_IF_ERROR(OptString(status, "revision", "status", &st.revision));
  FEDRA_RETURN_IF_ERROR(internal::ParseConditions(status, "status", &st.conditions));
  return ParseEngines(status, "status", &st.engines_ready, &st.engines_total);
}

Json MemberPolicyStatusToJson(const MemberPolicyStatus& st) {
  Json status = {{"observedGeneration", st.observed_generation},
                 {"conditions", ConditionsToJson(st.conditions)},
                 {"engines", {{"ready", st.engines_ready}, {"total", st.engines_total}}}};
  if (!st.revision.empty()) status["revision"] = st.revision;
  return status;
}

Json ToJson(const MemberPolicy& p) {
  return {{"apiVersion", std::string(kApiVersion)},
          {"kind", "MemberPolicy"},
          {"metadata", MetadataToJson(p.metadata)},
          {"spec", PolicySpecToJson(p.spec)},
          {"status", MemberPolicyStatusToJson(p.status)}};
}

}  // namespace fedra::policy
