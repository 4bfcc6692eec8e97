#include "tests/apiserver/resources.h"

#include <algorithm>
#include <set>

#include "tests/apiserver/json_util.h"

namespace fedra::apiserver {

std::string ResourceType::GroupVersion() const {
  return group.empty() ? version : group + "/" + version;
}

namespace {

const std::vector<std::string>& AllVerbs() {
  static const std::vector<std::string> v = {"create", "delete", "deletecollection", "get",
                                             "list",   "patch",  "update",           "watch"};
  return v;
}

ResourcePtr Builtin(std::string group, std::string version, std::string resource,
                    std::string kind, bool namespaced, bool has_status,
                    std::vector<std::string> short_names, std::vector<std::string> categories = {}) {
  auto t = std::make_shared<ResourceType>();
  t->group = std::move(group);
  t->version = std::move(version);
  t->resource = std::move(resource);
  t->kind = std::move(kind);
  t->singular = t->kind;  // Kubernetes: the lower-cased kind
  t->list_kind = t->kind + "List";
  t->namespaced = namespaced;
  t->has_status = has_status;
  t->short_names = std::move(short_names);
  t->categories = std::move(categories);
  t->verbs = AllVerbs();
  std::transform(t->singular.begin(), t->singular.end(), t->singular.begin(), ::tolower);
  return t;
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::vector<std::string> Strings(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& s : *it) {
    if (s.is_string()) out.push_back(s.get<std::string>());
  }
  return out;
}

}  // namespace

Registry::Registry() {
  types_ = {
      Builtin("", "v1", "namespaces", "Namespace", false, true, {"ns"}),
      Builtin("", "v1", "configmaps", "ConfigMap", true, false, {"cm"}),
      Builtin("", "v1", "secrets", "Secret", true, false, {}),
      Builtin("", "v1", "services", "Service", true, true, {"svc"}, {"all"}),
      Builtin("", "v1", "pods", "Pod", true, true, {"po"}, {"all"}),
      Builtin("", "v1", "events", "Event", true, false, {"ev"}),
      Builtin("", "v1", "serviceaccounts", "ServiceAccount", true, false, {"sa"}),
      Builtin("", "v1", "endpoints", "Endpoints", true, false, {"ep"}),
      Builtin("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, true, {"pvc"}),
      Builtin("", "v1", "nodes", "Node", false, true, {"no"}),
      // What Helm charts and GitOps tools apply next to the CRDs: stored and
      // served, never acted on (no controllers run here).
      Builtin("apps", "v1", "deployments", "Deployment", true, true, {"deploy"}, {"all"}),
      Builtin("apps", "v1", "statefulsets", "StatefulSet", true, true, {"sts"}, {"all"}),
      Builtin("apps", "v1", "daemonsets", "DaemonSet", true, true, {"ds"}, {"all"}),
      Builtin("apps", "v1", "replicasets", "ReplicaSet", true, true, {"rs"}, {"all"}),
      Builtin("batch", "v1", "jobs", "Job", true, true, {}, {"all"}),
      Builtin("batch", "v1", "cronjobs", "CronJob", true, true, {"cj"}, {"all"}),
      Builtin("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, true, {"pdb"}),
      Builtin("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, false, {"netpol"}),
      Builtin("networking.k8s.io", "v1", "ingresses", "Ingress", true, true, {"ing"}),
      Builtin("rbac.authorization.k8s.io", "v1", "roles", "Role", true, false, {}),
      Builtin("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, false, {}),
      Builtin("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, false, {}),
      Builtin("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false, false, {}),
      Builtin("events.k8s.io", "v1", "events", "Event", true, false, {"ev"}),
      Builtin("coordination.k8s.io", "v1", "leases", "Lease", true, false, {}),
      Builtin("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations",
              "ValidatingWebhookConfiguration", false, false, {}),
      Builtin("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations",
              "MutatingWebhookConfiguration", false, false, {}),
      Builtin("apiextensions.k8s.io", "v1", "customresourcedefinitions",
              "CustomResourceDefinition", false, true, {"crd", "crds"}),
  };
  // Kubernetes answers for namespaces with a narrower verb set.
  auto ns = std::const_pointer_cast<ResourceType>(types_[0]);
  ns->verbs = {"create", "delete", "get", "list", "patch", "update", "watch"};
}

ResourcePtr Registry::Find(const std::string& group, const std::string& version,
                           const std::string& resource) const {
  for (const auto& t : types_) {
    if (t->group == group && t->version == version && t->resource == resource) return t;
  }
  return nullptr;
}

ResourcePtr Registry::FindKind(const std::string& group, const std::string& version,
                               const std::string& kind) const {
  ResourcePtr any;
  for (const auto& t : types_) {
    if (t->group != group || t->kind != kind) continue;
    if (t->version == version) return t;
    if (!any) any = t;
  }
  return any;
}

std::vector<std::pair<std::string, std::vector<std::string>>> Registry::Groups() const {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& t : types_) {
    if (t->group.empty()) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& g) { return g.first == t->group; });
    if (it == out.end()) {
      out.push_back({t->group, {}});
      it = out.end() - 1;
    }
    auto& versions = it->second;
    if (std::find(versions.begin(), versions.end(), t->version) == versions.end()) {
      // The storage version is preferred, as with a CRD's first listed version.
      if (t->storage_version) {
        versions.insert(versions.begin(), t->version);
      } else {
        versions.push_back(t->version);
      }
    }
  }
  return out;
}

ApiError Registry::ValidateCrd(const json& crd) {
  std::vector<Cause> causes;
  const std::string name = MetaString(crd, "name");
  const json empty = json::object();
  const json& spec = crd.contains("spec") && crd["spec"].is_object() ? crd["spec"] : empty;
  const std::string group = Str(spec, "group");
  const json& names = spec.contains("names") && spec["names"].is_object() ? spec["names"] : empty;
  const std::string plural = Str(names, "plural");
  if (group.empty()) causes.push_back({"FieldValueRequired", "Required value", "spec.group"});
  if (plural.empty()) causes.push_back({"FieldValueRequired", "Required value", "spec.names.plural"});
  if (Str(names, "kind").empty()) {
    causes.push_back({"FieldValueRequired", "Required value", "spec.names.kind"});
  }
  if (!plural.empty() && !group.empty() && name != plural + "." + group) {
    causes.push_back({"FieldValueInvalid",
                      "Invalid value: \"" + name + "\": must be spec.names.plural+\".\"+spec.group",
                      "metadata.name"});
  }
  std::string scope = Str(spec, "scope");
  if (scope != "Namespaced" && scope != "Cluster") {
    causes.push_back({"FieldValueNotSupported",
                      "Unsupported value: \"" + scope +
                          "\": supported values: \"Cluster\", \"Namespaced\"",
                      "spec.scope"});
  }
  auto versions = spec.find("versions");
  if (versions == spec.end() || !versions->is_array() || versions->empty()) {
    causes.push_back({"FieldValueRequired", "Required value", "spec.versions"});
  } else {
    int storage = 0;
    for (size_t i = 0; i < versions->size(); ++i) {
      const json& v = (*versions)[i];
      std::string path = "spec.versions[" + std::to_string(i) + "]";
      if (!v.is_object() || Str(v, "name").empty()) {
        causes.push_back({"FieldValueRequired", "Required value", path + ".name"});
        continue;
      }
      if (v.value("storage", false)) ++storage;
      auto schema = v.find("schema");
      if (schema != v.end() && schema->is_object() && schema->contains("openAPIV3Schema")) {
        Schema parsed;
        Status st = ParseSchema((*schema)["openAPIV3Schema"], &parsed,
                                path + ".schema.openAPIV3Schema");
        if (!st.ok()) {
          causes.push_back({"FieldValueInvalid", std::string(st.message()), path + ".schema"});
        }
      } else {
        causes.push_back({"FieldValueRequired", "Required value: schemas are required",
                          path + ".schema.openAPIV3Schema"});
      }
    }
    if (storage != 1) {
      causes.push_back({"FieldValueInvalid",
                        "Invalid value: " + versions->dump() +
                            ": must have exactly one version marked as storage version",
                        "spec.versions"});
    }
  }
  if (causes.empty()) return ApiError();
  return ApiError::Invalid("apiextensions.k8s.io", "CustomResourceDefinition", name,
                           std::move(causes));
}

ApiError Registry::ApplyCrd(const json& crd) {
  ApiError err = ValidateCrd(crd);
  if (!err.ok()) return err;
  const std::string crd_name = MetaString(crd, "name");
  const json& spec = crd["spec"];
  const json& names = spec["names"];
  std::vector<ResourcePtr> fresh;
  for (const json& v : spec["versions"]) {
    if (!v.value("served", true)) continue;
    auto t = std::make_shared<ResourceType>();
    t->group = Str(spec, "group");
    t->version = Str(v, "name");
    t->resource = Str(names, "plural");
    t->kind = Str(names, "kind");
    t->list_kind = Str(names, "listKind");
    if (t->list_kind.empty()) t->list_kind = t->kind + "List";
    t->singular = Str(names, "singular");
    if (t->singular.empty()) {
      t->singular = t->kind;
      std::transform(t->singular.begin(), t->singular.end(), t->singular.begin(), ::tolower);
    }
    t->namespaced = Str(spec, "scope") == "Namespaced";
    t->short_names = Strings(names, "shortNames");
    t->categories = Strings(names, "categories");
    t->verbs = AllVerbs();
    t->crd_name = crd_name;
    t->storage_version = v.value("storage", false);
    auto sub = v.find("subresources");
    t->has_status = sub != v.end() && sub->is_object() && sub->contains("status");
    auto schema = std::make_shared<Schema>();
    Status st = ParseSchema(v["schema"]["openAPIV3Schema"], schema.get());
    if (!st.ok()) return ApiError::BadRequest(std::string(st.message()));
    t->schema = std::move(schema);
    t->raw_schema = v["schema"]["openAPIV3Schema"];
    if (auto cols = v.find("additionalPrinterColumns"); cols != v.end() && cols->is_array()) {
      for (const json& c : *cols) {
        if (!c.is_object()) continue;
        t->columns.push_back({Str(c, "name"), Str(c, "type"), Str(c, "jsonPath"),
                              Str(c, "description"), c.value("priority", 0)});
      }
    }
    fresh.push_back(std::move(t));
  }
  for (auto& t : fresh) {
    for (const auto& existing : types_) {
      if (existing->crd_name != crd_name && existing->group == t->group &&
          existing->resource == t->resource) {
        return ApiError::Invalid("apiextensions.k8s.io", "CustomResourceDefinition", crd_name,
                                 {{"FieldValueDuplicate", "Duplicate value: \"" + t->resource + "\"",
                                   "spec.names.plural"}});
      }
    }
  }
  RemoveCrd(crd_name);
  for (auto& t : fresh) types_.push_back(std::move(t));
  return ApiError();
}

void Registry::RemoveCrd(const std::string& crd_name) {
  types_.erase(std::remove_if(types_.begin(), types_.end(),
                              [&](const ResourcePtr& t) { return t->crd_name == crd_name; }),
               types_.end());
}

json Registry::CrdStatus(const json& crd) {
  const std::string now = NowRfc3339();
  json stored = json::array();
  for (const json& v : crd["spec"]["versions"]) {
    if (v.value("storage", false)) stored.push_back(v["name"]);
  }
  json names = crd["spec"]["names"];
  if (!names.contains("singular")) {
    std::string s = names.value("kind", "");
    std::transform(s.begin(), s.end(), s.begin(), ::tolower);
    names["singular"] = s;
  }
  if (!names.contains("listKind")) names["listKind"] = names.value("kind", "") + "List";
  return {{"acceptedNames", names},
          {"storedVersions", stored},
          {"conditions",
           json::array({{{"type", "NamesAccepted"},
                         {"status", "True"},
                         {"reason", "NoConflicts"},
                         {"message", "no conflicts found"},
                         {"lastTransitionTime", now}},
                        {{"type", "Established"},
                         {"status", "True"},
                         {"reason", "InitialNamesAccepted"},
                         {"message", "the initial names have been accepted"},
                         {"lastTransitionTime", now}}})}};
}

}  // namespace fedra::apiserver
