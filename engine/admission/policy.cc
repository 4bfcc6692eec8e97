#include "admission/policy.h"

#include <algorithm>

#include "admission/fields.h"

namespace fedra::admission {

using internal::FieldError;
using internal::Index;
using internal::Join;
using internal::Member;
using internal::OptObject;
using internal::OptString;
using internal::OptStrings;

std::string_view PolicyTypeName(PolicyType t) {
  return t == PolicyType::kAdmission ? "Admission" : "Recommendation";
}

std::string_view EnforcementName(Enforcement e) {
  switch (e) {
    case Enforcement::kDeny:
      return "Deny";
    case Enforcement::kWarn:
      return "Warn";
    case Enforcement::kDryRun:
      return "DryRun";
  }
  return "Deny";
}

std::string_view FailurePolicyName(FailurePolicy f) {
  return f == FailurePolicy::kFail ? "Fail" : "Ignore";
}

namespace {

// Reads an enum-valued string field; `names` lists the spellings in enum order.
template <typename E>
Status OptEnum(const Value& obj, std::string_view key, std::string_view path,
               std::initializer_list<std::string_view> names, E* out, bool* present = nullptr) {
  std::string text;
  bool seen = false;
  Value v = Member(obj, key);
  if (v.defined() && !v.is_null()) {
    FEDRA_RETURN_IF_ERROR(OptString(obj, key, path, &text));
    seen = true;
  }
  if (present) *present = seen;
  if (!seen) return Status::OK();
  int i = 0;
  std::string list;
  for (std::string_view n : names) {
    if (n == text) {
      *out = static_cast<E>(i);
      return Status::OK();
    }
    if (!list.empty()) list += ", ";
    list += n;
    ++i;
  }
  return FieldError(Join(path, key), "\"" + text + "\" is not one of " + list);
}

Status CheckKeys(const Value& obj, std::string_view path,
                 std::initializer_list<std::string_view> known) {
  for (const auto& [k, v] : obj.object()) {
    std::string_view key = k.is_string() ? k.str() : std::string_view();
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string list;
      for (std::string_view n : known) {
        if (!list.empty()) list += ", ";
        list += n;
      }
      return FieldError(Join(path, key), "unknown field (known: " + list + ")");
    }
  }
  return Status::OK();
}

Status ParseRequirement(const Value& v, std::string_view path, LabelRequirement* out) {
  if (!v.is_object()) return FieldError(path, "expected an object");
  FEDRA_RETURN_IF_ERROR(CheckKeys(v, path, {"key", "operator", "values"}));
  FEDRA_RETURN_IF_ERROR(OptString(v, "key", path, &out->key));
  if (out->key.empty()) return FieldError(Join(path, "key"), "required");
  bool present = false;
  FEDRA_RETURN_IF_ERROR(
      OptEnum(v, "operator", path, {"In", "NotIn", "Exists", "DoesNotExist"}, &out->op, &present));
  if (!present) return FieldError(Join(path, "operator"), "required");
  FEDRA_RETURN_IF_ERROR(OptStrings(v, "values", path, &out->values));
  bool set_op = out->op == LabelRequirement::Op::kIn || out->op == LabelRequirement::Op::kNotIn;
  if (set_op && out->values.empty()) {
    return FieldError(Join(path, "values"), "must be non-empty for In and NotIn");
  }
  if (!set_op && !out->values.empty()) {
    return FieldError(Join(path, "values"), "must be empty for Exists and DoesNotExist");
  }
  return Status::OK();
}

}  // namespace

bool LabelSelector::Matches(const Value& labels) const {
  auto get = [&labels](std::string_view key) -> const Value* {
    return labels.is_object() ? labels.Find(key) : nullptr;
  };
  for (const auto& [k, want] : match_labels) {
    const Value* got = get(k);
    if (!got || !got->is_string() || got->str() != want) return false;
  }
  for (const LabelRequirement& r : match_expressions) {
    const Value* got = get(r.key);
    bool in = got && got->is_string() &&
              std::find(r.values.begin(), r.values.end(), got->str()) != r.values.end();
    switch (r.op) {
      case LabelRequirement::Op::kIn:
        if (!in) return false;
        break;
      case LabelRequirement::Op::kNotIn:
        if (in) return false;
        break;
      case LabelRequirement::Op::kExists:
        if (!got) return false;
        break;
      case LabelRequirement::Op::kDoesNotExist:
        if (got) return false;
        break;
    }
  }
  return true;
}

Status ParseLabelSelector(const Value& selector, std::string_view path, LabelSelector* out) {
  *out = LabelSelector{};
  if (!selector.is_object()) return FieldError(path, "expected an object");
  FEDRA_RETURN_IF_ERROR(CheckKeys(selector, path, {"matchLabels", "matchExpressions"}));
  Value labels;
  FEDRA_RETURN_IF_ERROR(OptObject(selector, "matchLabels", path, &labels));
  if (labels.is_object()) {
    for (const auto& [k, v] : labels.object()) {
      if (!v.is_string()) {
        return FieldError(Join(Join(path, "matchLabels"), k.str()), "expected a string");
      }
      out->match_labels.emplace_back(std::string(k.str()), std::string(v.str()));
    }
  }
  Value exprs = Member(selector, "matchExpressions");
  if (exprs.defined() && !exprs.is_null()) {
    std::string p = Join(path, "matchExpressions");
    if (!exprs.is_array()) return FieldError(p, "expected an array");
    for (size_t i = 0; i < exprs.size(); ++i) {
      LabelRequirement r;
      FEDRA_RETURN_IF_ERROR(ParseRequirement(exprs.array()[i], Index(p, i), &r));
      out->match_expressions.push_back(std::move(r));
    }
  }
  return Status::OK();
}

Status ParseMatch(const Value& match, std::string_view path, MatchSpec* out) {
  *out = MatchSpec{};
  if (!match.is_object()) return FieldError(path, "expected an object");
  FEDRA_RETURN_IF_ERROR(CheckKeys(match, path,
                                  {"kinds", "operations", "namespaces", "excludedNamespaces",
                                   "labelSelector", "namespaceSelector", "scope"}));
  Value kinds = Member(match, "kinds");
  if (kinds.defined() && !kinds.is_null()) {
    std::string p = Join(path, "kinds");
    if (!kinds.is_array()) return FieldError(p, "expected an array");
    for (size_t i = 0; i < kinds.size(); ++i) {
      const Value& k = kinds.array()[i];
      std::string kp = Index(p, i);
      if (!k.is_object()) return FieldError(kp, "expected an object with apiGroups and kinds");
      FEDRA_RETURN_IF_ERROR(CheckKeys(k, kp, {"apiGroups", "kinds"}));
      KindSelector ks;
      FEDRA_RETURN_IF_ERROR(OptStrings(k, "apiGroups", kp, &ks.api_groups));
      FEDRA_RETURN_IF_ERROR(OptStrings(k, "kinds", kp, &ks.kinds));
      out->kinds.push_back(std::move(ks));
    }
  }
  FEDRA_RETURN_IF_ERROR(OptStrings(match, "operations", path, &out->operations));
  for (size_t i = 0; i < out->operations.size(); ++i) {
    const std::string& op = out->operations[i];
    if (op != "CREATE" && op != "UPDATE" && op != "DELETE" && op != "CONNECT" && op != "*") {
      return FieldError(Index(Join(path, "operations"), i),
                        "\"" + op + "\" is not one of CREATE, UPDATE, DELETE, CONNECT, *");
    }
  }
  FEDRA_RETURN_IF_ERROR(OptStrings(match, "namespaces", path, &out->namespaces));
  FEDRA_RETURN_IF_ERROR(OptStrings(match, "excludedNamespaces", path, &out->excluded_namespaces));
  for (const char* key : {"labelSelector", "namespaceSelector"}) {
    Value sel = Member(match, key);
    if (sel.is_undefined() || sel.is_null()) continue;
    LabelSelector ls;
    FEDRA_RETURN_IF_ERROR(ParseLabelSelector(sel, Join(path, key), &ls));
    (std::string_view(key) == "labelSelector" ? out->label_selector : out->namespace_selector) =
        std::move(ls);
  }
  FEDRA_RETURN_IF_ERROR(OptEnum(match, "scope", path, {"*", "Cluster", "Namespaced"}, &out->scope));
  return Status::OK();
}

Status ParsePolicySpec(const Value& spec, std::string_view path, bool with_modules,
                       PolicySpec* out) {
  if (!spec.is_object()) return FieldError(path, "expected an object");
  FEDRA_RETURN_IF_ERROR(OptEnum(spec, "type", path, {"Admission", "Recommendation"}, &out->type));
  FEDRA_RETURN_IF_ERROR(
      OptEnum(spec, "enforcement", path, {"Deny", "Warn", "DryRun"}, &out->enforcement));
  bool failure_set = false;
  FEDRA_RETURN_IF_ERROR(
      OptEnum(spec, "failurePolicy", path, {"Fail", "Ignore"}, &out->failure_policy, &failure_set));
  if (!failure_set) {
    out->failure_policy =
        out->enforcement == Enforcement::kDeny && out->type == PolicyType::kAdmission
            ? FailurePolicy::kFail
            : FailurePolicy::kIgnore;
  }
  // "v0"/"v1" in manifests; bundles (docs/bundles.md) may write the number 0 or 1.
  if (Value rv = Member(spec, "regoVersion"); rv.is_number()) {
    int64_t n = -1;
    if (!rv.AsInt64(&n) || (n != 0 && n != 1)) {
      return FieldError(Join(path, "regoVersion"), ToJson(rv) + " is not one of v0, v1, 0, 1");
    }
    out->rego_version = n == 0 ? RegoSyntax::kV0 : RegoSyntax::kV1;
  } else {
    FEDRA_RETURN_IF_ERROR(OptEnum(spec, "regoVersion", path, {"v0", "v1"}, &out->rego_version));
  }
  Value match = Member(spec, "match");
  if (match.defined() && !match.is_null()) {
    FEDRA_RETURN_IF_ERROR(ParseMatch(match, Join(path, "match"), &out->match));
  }
  Value params = Member(spec, "parameters");
  if (params.defined() && !params.is_null()) out->parameters = params;
  if (!with_modules) return Status::OK();
  Value modules = Member(spec, "modules");
  if (modules.is_undefined() || modules.is_null()) return Status::OK();
  std::string p = Join(path, "modules");
  if (!modules.is_array()) return FieldError(p, "expected an array of {name, rego}");
  out->modules.clear();
  for (size_t i = 0; i < modules.size(); ++i) {
    const Value& m = modules.array()[i];
    std::string mp = Index(p, i);
    if (!m.is_object()) return FieldError(mp, "expected an object with name and rego");
    PolicyModule pm;
    FEDRA_RETURN_IF_ERROR(OptString(m, "name", mp, &pm.name));
    FEDRA_RETURN_IF_ERROR(OptString(m, "rego", mp, &pm.rego));
    if (pm.name.empty()) pm.name = "module" + std::to_string(i) + ".rego";
    if (pm.rego.empty()) return FieldError(Join(mp, "rego"), "required");
    for (const PolicyModule& prev : out->modules) {
      if (prev.name == pm.name) return FieldError(Join(mp, "name"), "duplicate module name");
    }
    out->modules.push_back(std::move(pm));
  }
  return Status::OK();
}

Status ParsePolicy(const Value& doc, std::string_view name, PolicySpec* out) {
  *out = PolicySpec{};
  if (!doc.is_object()) return FieldError("$", "expected an object");
  Value kind = Member(doc, "kind");
  if (kind.is_undefined()) {
    if (name.empty()) return FieldError("name", "a bare spec needs a policy name");
    out->name = std::string(name);
    return ParsePolicySpec(doc, "", /*with_modules=*/true, out);
  }
  std::string api_version, kind_text;
  FEDRA_RETURN_IF_ERROR(OptString(doc, "apiVersion", "", &api_version));
  FEDRA_RETURN_IF_ERROR(OptString(doc, "kind", "", &kind_text));
  if (api_version != kPolicyApiVersion) {
    return FieldError("apiVersion", "expected \"" + std::string(kPolicyApiVersion) +
                                        "\", found \"" + api_version + "\"");
  }
  if (kind_text != "FederatedPolicy" && kind_text != "MemberPolicy") {
    return FieldError("kind",
                      "expected FederatedPolicy or MemberPolicy, found \"" + kind_text + "\"");
  }
  Value metadata;
  FEDRA_RETURN_IF_ERROR(OptObject(doc, "metadata", "", &metadata));
  FEDRA_RETURN_IF_ERROR(OptString(metadata, "name", "metadata", &out->name));
  if (out->name.empty()) {
    if (name.empty()) return FieldError("metadata.name", "required");
    out->name = std::string(name);
  }
  Value spec = Member(doc, "spec");
  if (spec.is_undefined()) return FieldError("spec", "required");
  return ParsePolicySpec(spec, "spec", /*with_modules=*/true, out);
}

namespace {

Value Strings(const std::vector<std::string>& items) {
  std::vector<Value> out;
  out.reserve(items.size());
  for (const std::string& s : items) out.push_back(Value::String(s));
  return Value::Array(std::move(out));
}

Value SelectorToValue(const LabelSelector& s) {
  std::vector<ObjectEntry> labels;
  for (const auto& [k, v] : s.match_labels) labels.emplace_back(Value::String(k), Value::String(v));
  std::vector<Value> exprs;
  static constexpr std::string_view kOps[] = {"In", "NotIn", "Exists", "DoesNotExist"};
  for (const LabelRequirement& r : s.match_expressions) {
    std::vector<ObjectEntry> e;
    e.emplace_back(Value::String("key"), Value::String(r.key));
    e.emplace_back(Value::String("operator"), Value::String(kOps[static_cast<int>(r.op)]));
    if (!r.values.empty()) e.emplace_back(Value::String("values"), Strings(r.values));
    exprs.push_back(Value::Object(std::move(e)));
  }
  std::vector<ObjectEntry> out;
  if (!labels.empty())
    out.emplace_back(Value::String("matchLabels"), Value::Object(std::move(labels)));
  if (!exprs.empty())
    out.emplace_back(Value::String("matchExpressions"), Value::Array(std::move(exprs)));
  return Value::Object(std::move(out));
}

}  // namespace

Value PolicySpecToValue(const PolicySpec& spec) {
  std::vector<ObjectEntry> match;
  const MatchSpec& m = spec.match;
  if (!m.kinds.empty()) {
    std::vector<Value> kinds;
    for (const KindSelector& k : m.kinds) {
      kinds.push_back(Value::Object({{Value::String("apiGroups"), Strings(k.api_groups)},
                                     {Value::String("kinds"), Strings(k.kinds)}}));
    }
    match.emplace_back(Value::String("kinds"), Value::Array(std::move(kinds)));
  }
  if (!m.operations.empty()) match.emplace_back(Value::String("operations"), Strings(m.operations));
  if (!m.namespaces.empty()) match.emplace_back(Value::String("namespaces"), Strings(m.namespaces));
  if (!m.excluded_namespaces.empty()) {
    match.emplace_back(Value::String("excludedNamespaces"), Strings(m.excluded_namespaces));
  }
  if (m.label_selector) {
    match.emplace_back(Value::String("labelSelector"), SelectorToValue(*m.label_selector));
  }
  if (m.namespace_selector) {
    match.emplace_back(Value::String("namespaceSelector"), SelectorToValue(*m.namespace_selector));
  }
  if (m.scope != Scope::kAll) {
    match.emplace_back(Value::String("scope"),
                       Value::String(m.scope == Scope::kCluster ? "Cluster" : "Namespaced"));
  }
  return Value::Object({
      {Value::String("type"), Value::String(PolicyTypeName(spec.type))},
      {Value::String("enforcement"), Value::String(EnforcementName(spec.enforcement))},
      {Value::String("failurePolicy"), Value::String(FailurePolicyName(spec.failure_policy))},
      {Value::String("regoVersion"),
       Value::String(spec.rego_version == RegoSyntax::kV0 ? "v0" : "v1")},
      {Value::String("match"), Value::Object(std::move(match))},
      {Value::String("parameters"), spec.parameters},
  });
}

}  // namespace fedra::admission
