// Common pieces of the CRD types and the FederatedPolicy JSON form.
#include "policy/types.h"

#include "policy/json_util.h"
#include "policy/types_internal.h"

namespace fedra::policy {

using internal::Join;
using internal::OptBool;
using internal::OptInt;
using internal::OptObject;
using internal::OptString;
using internal::OptStringMap;
using internal::OptStrings;
using internal::PathError;

std::string_view TierName(Tier t) { return t == Tier::kEdge ? "edge" : "cloud"; }

bool ParseTier(std::string_view text, Tier* out) {
  if (text == "cloud") {
    *out = Tier::kCloud;
  } else if (text == "edge") {
    *out = Tier::kEdge;
  } else {
    return false;
  }
  return true;
}

Status ErrorsToStatus(const std::vector<FieldError>& errors) {
  if (errors.empty()) return Status::OK();
  std::string msg;
  for (const FieldError& e : errors) {
    if (!msg.empty()) msg += "; ";
    msg += e.path + ": " + e.message;
  }
  return Status::InvalidArgument(msg);
}

namespace internal {

Status CheckKind(const Json& doc, std::string_view kind) {
  if (!doc.is_object()) return PathError("$", "expected an object");
  std::string api_version, got;
  FEDRA_RETURN_IF_ERROR(OptString(doc, "apiVersion", "", &api_version));
  FEDRA_RETURN_IF_ERROR(OptString(doc, "kind", "", &got));
  if (api_version != kApiVersion) {
    return PathError("apiVersion", "expected \"" + std::string(kApiVersion) + "\", found \"" +
                                       api_version + "\"");
  }
  if (got != kind) {
    return PathError("kind", "expected " + std::string(kind) + ", found \"" + got + "\"");
  }
  return Status::OK();
}

Status ParseMeta(const Json& doc, ObjectMeta* out) {
  Json meta;
  FEDRA_RETURN_IF_ERROR(OptObject(doc, "metadata", "", &meta));
  if (meta.is_null()) return PathError("metadata", "required");
  FEDRA_RETURN_IF_ERROR(OptString(meta, "name", "metadata", &out->name));
  if (out->name.empty()) return PathError("metadata.name", "required");
  FEDRA_RETURN_IF_ERROR(OptString(meta, "uid", "metadata", &out->uid));
  FEDRA_RETURN_IF_ERROR(OptString(meta, "resourceVersion", "metadata", &out->resource_version));
  FEDRA_RETURN_IF_ERROR(OptInt(meta, "generation", "metadata", &out->generation));
  FEDRA_RETURN_IF_ERROR(OptStringMap(meta, "labels", "metadata", &out->labels));
  FEDRA_RETURN_IF_ERROR(OptStringMap(meta, "annotations", "metadata", &out->annotations));
  return Status::OK();
}

Status ParseConditions(const Json& status, std::string_view path, std::vector<Condition>* out) {
  if (!status.is_object() || !status.contains("conditions") || status["conditions"].is_null()) {
    return Status::OK();
  }
  std::string p = Join(path, "conditions");
  const Json& list = status["conditions"];
  if (!list.is_array()) return PathError(p, "expected an array");
  for (size_t i = 0; i < list.size(); ++i) {
    std::string cp = internal::Index(p, i);
    if (!list[i].is_object()) return PathError(cp, "expected an object");
    Condition c;
    FEDRA_RETURN_IF_ERROR(OptString(list[i], "type", cp, &c.type));
    FEDRA_RETURN_IF_ERROR(OptString(list[i], "status", cp, &c.status));
    FEDRA_RETURN_IF_ERROR(OptString(list[i], "reason", cp, &c.reason));
    FEDRA_RETURN_IF_ERROR(OptString(list[i], "message", cp, &c.message));
    FEDRA_RETURN_IF_ERROR(OptString(list[i], "lastTransitionTime", cp, &c.last_transition_time));
    FEDRA_RETURN_IF_ERROR(OptInt(list[i], "observedGeneration", cp, &c.observed_generation));
    out->push_back(std::move(c));
  }
  return Status::OK();
}

Status ParseSelector(const Json& obj, std::string_view key, std::string_view path,
                     std::optional<LabelSelector>* out) {
  Json sel;
  FEDRA_RETURN_IF_ERROR(OptObject(obj, key, path, &sel));
  if (sel.is_null()) return Status::OK();
  Value v;
  FEDRA_RETURN_IF_ERROR(ToValue(sel, &v));
  LabelSelector ls;
  FEDRA_RETURN_IF_ERROR(admission::ParseLabelSelector(v, Join(path, key), &ls));
  *out = std::move(ls);
  return Status::OK();
}

Json SelectorToJson(const LabelSelector& s) {
  admission::PolicySpec spec;
  spec.match.label_selector = s;
  Value v = admission::PolicySpecToValue(spec);
  return FromValue(v)["match"]["labelSelector"];
}

}  // namespace internal

Json MetadataToJson(const ObjectMeta& meta) {
  Json out = Json::object();
  out["name"] = meta.name;
  if (!meta.uid.empty()) out["uid"] = meta.uid;
  if (!meta.resource_version.empty()) out["resourceVersion"] = meta.resource_version;
  if (meta.generation != 0) out["generation"] = meta.generation;
  if (!meta.labels.empty()) out["labels"] = meta.labels;
  if (!meta.annotations.empty()) out["annotations"] = meta.annotations;
  return out;
}

Json ConditionsToJson(const std::vector<Condition>& conditions) {
  Json out = Json::array();
  for (const Condition& c : conditions) {
    Json j = {{"type", c.type},
              {"status", c.status},
              {"reason", c.reason},
              {"message", c.message},
              {"lastTransitionTime", c.last_transition_time}};
    if (c.observed_generation != 0) j["observedGeneration"] = c.observed_generation;
    out.push_back(std::move(j));
  }
  return out;
}

Json PolicySpecToJson(const admission::PolicySpec& spec, bool failure_policy) {
  Json out = internal::FromValue(admission::PolicySpecToValue(spec));
  if (!failure_policy) out.erase("failurePolicy");
  Json modules = Json::array();
  for (const admission::PolicyModule& m : spec.modules) {
    modules.push_back({{"name", m.name}, {"rego", m.rego}});
  }
  out["modules"] = std::move(modules);
  return out;
}

namespace {

Status ParsePlacement(const Json& spec, Placement* out) {
  Json p;
  FEDRA_RETURN_IF_ERROR(OptObject(spec, "placement", "spec", &p));
  if (p.is_null()) return Status::OK();
  const std::string path = "spec.placement";
  FEDRA_RETURN_IF_ERROR(
      internal::ParseSelector(p, "clusterSelector", path, &out->cluster_selector));
  FEDRA_RETURN_IF_ERROR(OptStrings(p, "clusters", path, &out->clusters));
  std::vector<std::string> tiers;
  FEDRA_RETURN_IF_ERROR(OptStrings(p, "tiers", path, &tiers));
  for (size_t i = 0; i < tiers.size(); ++i) {
    Tier t;
    if (!ParseTier(tiers[i], &t)) {
      return PathError(internal::Index(Join(path, "tiers"), i),
                       "\"" + tiers[i] + "\" is not one of cloud, edge");
    }
    out->tiers.push_back(t);
  }
  return Status::OK();
}

Status ParseOverrides(const Json& spec, std::vector<Override>* out) {
  if (!spec.contains("overrides") || spec["overrides"].is_null()) return Status::OK();
  const Json& list = spec["overrides"];
  if (!list.is_array()) return PathError("spec.overrides", "expected an array");
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = internal::Index("spec.overrides", i);
    const Json& o = list[i];
    if (!o.is_object()) return PathError(p, "expected an object");
    Override ov;
    FEDRA_RETURN_IF_ERROR(OptStrings(o, "clusters", p, &ov.clusters));
    FEDRA_RETURN_IF_ERROR(internal::ParseSelector(o, "clusterSelector", p, &ov.cluster_selector));
    std::string enforcement;
    FEDRA_RETURN_IF_ERROR(OptString(o, "enforcement", p, &enforcement));
    if (!enforcement.empty()) {
      if (enforcement == "Deny") {
        ov.enforcement = admission::Enforcement::kDeny;
      } else if (enforcement == "Warn") {
        ov.enforcement = admission::Enforcement::kWarn;
      } else if (enforcement == "DryRun") {
        ov.enforcement = admission::Enforcement::kDryRun;
      } else {
        return PathError(Join(p, "enforcement"),
                         "\"" + enforcement + "\" is not one of Deny, Warn, DryRun");
      }
    }
    Json params;
    FEDRA_RETURN_IF_ERROR(OptObject(o, "parameters", p, &params));
    if (!params.is_null()) ov.parameters = std::move(params);
    FEDRA_RETURN_IF_ERROR(OptBool(o, "suspend", p, &ov.suspend));
    out->push_back(std::move(ov));
  }
  return Status::OK();
}

Status ParseClusterStatuses(const Json& status, std::vector<ClusterStatus>* out) {
  if (!status.contains("clusters") || status["clusters"].is_null()) return Status::OK();
  const Json& list = status["clusters"];
  if (!list.is_array()) return PathError("status.clusters", "expected an array");
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = internal::Index("status.clusters", i);
    if (!list[i].is_object()) return PathError(p, "expected an object");
    ClusterStatus c;
    FEDRA_RETURN_IF_ERROR(OptString(list[i], "name", p, &c.name));
    FEDRA_RETURN_IF_ERROR(OptString(list[i], "tier", p, &c.tier));
    FEDRA_RETURN_IF_ERROR(OptString(list[i], "revision", p, &c.revision));
    FEDRA_RETURN_IF_ERROR(OptString(list[i], "phase", p, &c.phase));
    FEDRA_RETURN_IF_ERROR(OptString(list[i], "message", p, &c.message));
    Json engines;
    FEDRA_RETURN_IF_ERROR(OptObject(list[i], "engines", p, &engines));
    FEDRA_RETURN_IF_ERROR(OptInt(engines, "ready", Join(p, "engines"), &c.engines_ready));
    FEDRA_RETURN_IF_ERROR(OptInt(engines, "total", Join(p, "engines"), &c.engines_total));
    int64_t latency = -1;
    FEDRA_RETURN_IF_ERROR(OptInt(list[i], "lastSyncLatencyMillis", p, &latency));
    if (latency >= 0) c.last_sync_latency_millis = latency;
    out->push_back(std::move(c));
  }
  return Status::OK();
}

}  // namespace

Status ParseFederatedPolicy(const Json& doc, FederatedPolicy* out) {
  *out = FederatedPolicy{};
  FEDRA_RETURN_IF_ERROR(internal::CheckKind(doc, "FederatedPolicy"));
  FEDRA_RETURN_IF_ERROR(internal::ParseMeta(doc, &out->metadata));
  Json spec;
  FEDRA_RETURN_IF_ERROR(OptObject(doc, "spec", "", &spec));
  if (spec.is_null()) return PathError("spec", "required");
  Value spec_value;
  FEDRA_RETURN_IF_ERROR(internal::ToValue(spec, &spec_value));
  FederatedPolicySpec& s = out->spec;
  s.policy.name = out->metadata.name;
  FEDRA_RETURN_IF_ERROR(admission::ParsePolicySpec(spec_value, "spec", true, &s.policy));
  s.failure_policy_set = spec.contains("failurePolicy") && !spec["failurePolicy"].is_null();
  FEDRA_RETURN_IF_ERROR(ParsePlacement(spec, &s.placement));
  FEDRA_RETURN_IF_ERROR(ParseOverrides(spec, &s.overrides));
  FEDRA_RETURN_IF_ERROR(OptBool(spec, "suspend", "spec", &s.suspend));

  Json status;
  FEDRA_RETURN_IF_ERROR(OptObject(doc, "status", "", &status));
  if (status.is_null()) return Status::OK();
  FederatedPolicyStatus& st = out->status;
  FEDRA_RETURN_IF_ERROR(OptInt(status, "observedGeneration", "status", &st.observed_generation));
  FEDRA_RETURN_IF_ERROR(OptString(status, "revision", "status", &st.revision));
  FEDRA_RETURN_IF_ERROR(internal::ParseConditions(status, "status", &st.conditions));
  FEDRA_RETURN_IF_ERROR(ParseClusterStatuses(status, &st.clusters));
  FEDRA_RETURN_IF_ERROR(OptInt(status, "readyClusters", "status", &st.ready_clusters));
  FEDRA_RETURN_IF_ERROR(OptInt(status, "totalClusters", "status", &st.total_clusters));
  FEDRA_RETURN_IF_ERROR(OptString(status, "clusterSummary", "status", &st.cluster_summary));
  return Status::OK();
}

Json FederatedPolicyStatusToJson(const FederatedPolicyStatus& st) {
  Json status = Json::object();
  status["observedGeneration"] = st.observed_generation;
  if (!st.revision.empty()) status["revision"] = st.revision;
  status["conditions"] = ConditionsToJson(st.conditions);
  Json clusters = Json::array();
  for (const ClusterStatus& c : st.clusters) {
    Json j = {{"name", c.name},
              {"tier", c.tier},
              {"phase", c.phase},
              {"engines", {{"ready", c.engines_ready}, {"total", c.engines_total}}}};
    if (!c.revision.empty()) j["revision"] = c.revision;
    if (c.last_sync_latency_millis) j["lastSyncLatencyMillis"] = *c.last_sync_latency_millis;
    if (!c.message.empty()) j["message"] = c.message;
    clusters.push_back(std::move(j));
  }
  status["clusters"] = std::move(clusters);
  status["readyClusters"] = st.ready_clusters;
  status["totalClusters"] = st.total_clusters;
  status["clusterSummary"] = st.cluster_summary;
  return status;
}

Json ToJson(const FederatedPolicy& p) {
  const FederatedPolicySpec& s = p.spec;
  Json spec = PolicySpecToJson(s.policy, s.failure_policy_set);
  Json placement = Json::object();
  if (s.placement.cluster_selector) {
    placement["clusterSelector"] = internal::SelectorToJson(*s.placement.cluster_selector);
  }
  if (!s.placement.clusters.empty()) placement["clusters"] = s.placement.clusters;
  if (!s.placement.tiers.empty()) {
    Json tiers = Json::array();
    for (Tier t : s.placement.tiers) tiers.push_back(std::string(TierName(t)));
    placement["tiers"] = std::move(tiers);
  }
  spec["placement"] = std::move(placement);
  if (!s.overrides.empty()) {
    Json overrides = Json::array();
    for (const Override& o : s.overrides) {
      Json j = Json::object();
      if (!o.clusters.empty()) j["clusters"] = o.clusters;
      if (o.cluster_selector) j["clusterSelector"] = internal::SelectorToJson(*o.cluster_selector);
      if (o.enforcement) j["enforcement"] = std::string(admission::EnforcementName(*o.enforcement));
      if (o.parameters) j["parameters"] = *o.parameters;
      if (o.suspend) j["suspend"] = true;
      overrides.push_back(std::move(j));
    }
    spec["overrides"] = std::move(overrides);
  }
  spec["suspend"] = s.suspend;
  Json out = {{"apiVersion", std::string(kApiVersion)},
              {"kind", "FederatedPolicy"},
              {"metadata", MetadataToJson(p.metadata)},
              {"spec", std::move(spec)}};
  out["status"] = FederatedPolicyStatusToJson(p.status);
  return out;
}

}  // namespace fedra::policy
