#include "admission/gatekeeper.h"

#include "admission/fields.h"
#include "tools/loader.h"

namespace fedra::admission {

using internal::FieldError;
using internal::Index;
using internal::Join;
using internal::Lookup;
using internal::Member;
using internal::OptString;

namespace {

Status AddLibs(const Value& libs, std::string_view path, std::string_view origin,
               ConstraintTemplate* out) {
  if (libs.is_undefined() || libs.is_null()) return Status::OK();
  if (!libs.is_array()) return FieldError(path, "expected an array of Rego sources");
  for (size_t i = 0; i < libs.size(); ++i) {
    const Value& lib = libs.array()[i];
    if (!lib.is_string()) return FieldError(Index(path, i), "expected a string");
    out->modules.push_back(
        {std::string(origin) + ":libs[" + std::to_string(i) + "]", std::string(lib.str())});
  }
  return Status::OK();
}

// The Rego of one target: `code[]` with engine Rego wins over the legacy `rego`.
Status ParseTarget(const Value& target, std::string_view path, std::string_view origin,
                   ConstraintTemplate* out) {
  Value code = Member(target, "code");
  if (code.defined() && !code.is_null()) {
    if (!code.is_array()) return FieldError(Join(path, "code"), "expected an array");
    for (size_t i = 0; i < code.size(); ++i) {
      const Value& c = code.array()[i];
      std::string cp = Index(Join(path, "code"), i);
      std::string engine;
      FEDRA_RETURN_IF_ERROR(OptString(c, "engine", cp, &engine));
      if (engine != "Rego") continue;  // e.g. K8sNativeValidation (CEL): not ours
      Value source = Member(c, "source");
      std::string sp = Join(cp, "source");
      if (!source.is_object()) return FieldError(sp, "expected an object with rego");
      std::string rego, version;
      FEDRA_RETURN_IF_ERROR(OptString(source, "rego", sp, &rego));
      FEDRA_RETURN_IF_ERROR(OptString(source, "version", sp, &version));
      if (rego.empty()) return FieldError(Join(sp, "rego"), "required");
      if (!version.empty() && version != "v0" && version != "v1") {
        return FieldError(Join(sp, "version"), "\"" + version + "\" is not one of v0, v1");
      }
      out->rego_version = version == "v1" ? RegoSyntax::kV1 : RegoSyntax::kV0;
      out->modules.push_back({std::string(origin) + ":rego", rego});
      return AddLibs(Member(source, "libs"), Join(sp, "libs"), origin, out);
    }
  }
  std::string rego;
  FEDRA_RETURN_IF_ERROR(OptString(target, "rego", path, &rego));
  if (rego.empty()) {
    return FieldError(path, "no Rego: neither rego nor code[] with engine Rego");
  }
  out->rego_version = RegoSyntax::kV0;
  out->modules.push_back({std::string(origin) + ":rego", rego});
  return AddLibs(Member(target, "libs"), Join(path, "libs"), origin, out);
}

}  // namespace

Status ParseConstraintTemplate(const Value& doc, std::string_view origin, ConstraintTemplate* out) {
  *out = ConstraintTemplate{};
  if (!doc.is_object()) return FieldError("$", "expected a ConstraintTemplate object");
  std::string api_version, kind;
  FEDRA_RETURN_IF_ERROR(OptString(doc, "apiVersion", "", &api_version));
  FEDRA_RETURN_IF_ERROR(OptString(doc, "kind", "", &kind));
  if (kind != "ConstraintTemplate" || !api_version.starts_with("templates.gatekeeper.sh/")) {
    return FieldError("kind", "expected a templates.gatekeeper.sh ConstraintTemplate, found " +
                                  api_version + " " + kind);
  }
  FEDRA_RETURN_IF_ERROR(OptString(Member(doc, "metadata"), "name", "metadata", &out->name));
  Value names = Lookup(doc, {"spec", "crd", "spec", "names"});
  FEDRA_RETURN_IF_ERROR(OptString(names, "kind", "spec.crd.spec.names", &out->kind));
  if (out->kind.empty()) return FieldError("spec.crd.spec.names.kind", "required");
  Value targets = Lookup(doc, {"spec", "targets"});
  if (!targets.is_array() || targets.empty()) {
    return FieldError("spec.targets", "expected a non-empty array");
  }
  for (size_t i = 0; i < targets.size(); ++i) {
    const Value& t = targets.array()[i];
    std::string tp = Index("spec.targets", i);
    if (!t.is_object()) return FieldError(tp, "expected an object");
    std::string target;
    FEDRA_RETURN_IF_ERROR(OptString(t, "target", tp, &target));
    if (!target.empty() && target != kGatekeeperTarget) continue;
    return ParseTarget(t, tp, origin, out);
  }
  return FieldError("spec.targets", "no target " + std::string(kGatekeeperTarget));
}

Status ConstraintToPolicy(const ConstraintTemplate& tmpl, const Value& constraint,
                          PolicySpec* out) {
  *out = PolicySpec{};
  if (!constraint.is_object()) return FieldError("$", "expected a Constraint object");
  std::string api_version, kind;
  FEDRA_RETURN_IF_ERROR(OptString(constraint, "apiVersion", "", &api_version));
  FEDRA_RETURN_IF_ERROR(OptString(constraint, "kind", "", &kind));
  if (!api_version.starts_with("constraints.gatekeeper.sh/")) {
    return FieldError("apiVersion",
                      "expected constraints.gatekeeper.sh/..., found \"" + api_version + "\"");
  }
  if (kind != tmpl.kind) {
    return FieldError("kind", "\"" + kind + "\" is not the template's kind \"" + tmpl.kind + "\"");
  }
  FEDRA_RETURN_IF_ERROR(OptString(Member(constraint, "metadata"), "name", "metadata", &out->name));
  if (out->name.empty()) return FieldError("metadata.name", "required");
  Value spec = Member(constraint, "spec");
  if (spec.defined() && !spec.is_null() && !spec.is_object()) {
    return FieldError("spec", "expected an object");
  }
  std::string action = "deny";
  FEDRA_RETURN_IF_ERROR(OptString(spec, "enforcementAction", "spec", &action));
  if (action == "deny") {
    out->enforcement = Enforcement::kDeny;
  } else if (action == "warn") {
    out->enforcement = Enforcement::kWarn;
  } else if (action == "dryrun") {
    out->enforcement = Enforcement::kDryRun;
  } else {
    return FieldError("spec.enforcementAction",
                      "\"" + action + "\" is not supported (deny, warn, dryrun)");
  }
  // Gatekeeper's webhook fails closed only when configured to; gator reports
  // errors either way. Fail keeps an evaluation error visible.
  out->failure_policy = FailurePolicy::kFail;
  Value match = Member(spec, "match");
  if (match.is_object()) {
    // `source` (Original/Generated) concerns expansion, which has no effect here.
    std::vector<ObjectEntry> kept;
    for (const auto& [k, v] : match.object()) {
      if (k.is_string() && k.str() == "source") continue;
      if (k.is_string() && k.str() == "name") {
        return FieldError("spec.match.name", "matching by object name is not supported");
      }
      kept.emplace_back(k, v);
    }
    FEDRA_RETURN_IF_ERROR(ParseMatch(Value::Object(std::move(kept)), "spec.match", &out->match));
  } else if (match.defined() && !match.is_null()) {
    return FieldError("spec.match", "expected an object");
  }
  Value params = Member(spec, "parameters");
  if (params.defined() && !params.is_null()) out->parameters = params;
  out->rego_version = tmpl.rego_version;
  out->modules = tmpl.modules;
  return Status::OK();
}

Status AddToInventory(const Value& object, Value* inventory) {
  if (!object.is_object()) return FieldError("$", "inventory item is not an object");
  std::string api_version, kind, name, ns;
  FEDRA_RETURN_IF_ERROR(OptString(object, "apiVersion", "", &api_version));
  FEDRA_RETURN_IF_ERROR(OptString(object, "kind", "", &kind));
  Value metadata = Member(object, "metadata");
  FEDRA_RETURN_IF_ERROR(OptString(metadata, "name", "metadata", &name));
  FEDRA_RETURN_IF_ERROR(OptString(metadata, "namespace", "metadata", &ns));
  if (api_version.empty()) return FieldError("apiVersion", "required");
  if (kind.empty()) return FieldError("kind", "required");
  if (name.empty()) return FieldError("metadata.name", "required");
  std::vector<std::string> path;
  if (ns.empty()) {
    path = {"cluster", api_version, kind, name};
  } else {
    path = {"namespace", ns, api_version, kind, name};
  }
  if (!inventory->is_object()) *inventory = Value::EmptyObject();
  return tools::MergeAt(*inventory, path, object, kind + "/" + name, inventory);
}

Status ReviewForObject(const Value& object, std::string_view uid, Value* out) {
  if (!object.is_object()) return FieldError("$", "the object is not an object");
  std::string api_version, kind, name, ns;
  FEDRA_RETURN_IF_ERROR(OptString(object, "apiVersion", "", &api_version));
  FEDRA_RETURN_IF_ERROR(OptString(object, "kind", "", &kind));
  if (api_version.empty()) return FieldError("apiVersion", "required");
  if (kind.empty()) return FieldError("kind", "required");
  Value metadata = Member(object, "metadata");
  FEDRA_RETURN_IF_ERROR(OptString(metadata, "name", "metadata", &name));
  FEDRA_RETURN_IF_ERROR(OptString(metadata, "namespace", "metadata", &ns));
  std::string group, version = api_version;
  if (size_t slash = api_version.find('/'); slash != std::string::npos) {
    group = api_version.substr(0, slash);
    version = api_version.substr(slash + 1);
  }
  std::vector<ObjectEntry> req = {
      {Value::String("uid"), Value::String(uid)},
      {Value::String("kind"), Value::Object({{Value::String("group"), Value::String(group)},
                                             {Value::String("version"), Value::String(version)},
                                             {Value::String("kind"), Value::String(kind)}})},
      {Value::String("name"), Value::String(name)},
      {Value::String("operation"), Value::String("CREATE")},
      {Value::String("object"), object},
      {Value::String("userInfo"),
       Value::Object({{Value::String("username"), Value::String("fedra-verify")}})},
      {Value::String("dryRun"), Value::Bool(true)},
  };
  if (!ns.empty()) req.emplace_back(Value::String("namespace"), Value::String(ns));
  *out = Value::Object({{Value::String("apiVersion"), Value::String("admission.k8s.io/v1")},
                        {Value::String("kind"), Value::String("AdmissionReview")},
                        {Value::String("request"), Value::Object(std::move(req))}});
  return Status::OK();
}

}  // namespace fedra::admission
