#include "policy/schema.h"

#include <re2/re2.h>

#include <algorithm>
#include <set>

#include "policy/json_util.h"

namespace fedra::policy {

using internal::Index;
using internal::Join;

namespace {

// A bad pattern is reported as a field error; RE2 need not log it too.
const RE2::Options& QuietRe2() {
  static const RE2::Options options = [] {
    RE2::Options o;
    o.set_log_errors(false);
    return o;
  }();
  return options;
}

// Schemas nest far less than this; a deeper one is reported, not followed.
constexpr int kMaxDepth = 64;

const std::set<std::string>& KnownKeywords() {
  static const std::set<std::string> k = {"type",
                                          "format",
                                          "description",
                                          "title",
                                          "properties",
                                          "required",
                                          "items",
                                          "additionalProperties",
                                          "enum",
                                          "default",
                                          "minimum",
                                          "maximum",
                                          "exclusiveMinimum",
                                          "exclusiveMaximum",
                                          "minLength",
                                          "maxLength",
                                          "pattern",
                                          "minItems",
                                          "maxItems",
                                          "minProperties",
                                          "maxProperties",
                                          "multipleOf",
                                          "nullable",
                                          "allOf",
                                          "anyOf",
                                          "oneOf",
                                          "not",
                                          "example",
                                          "externalDocs",
                                          "uniqueItems",
                                          "x-kubernetes-preserve-unknown-fields",
                                          "x-kubernetes-int-or-string",
                                          "x-kubernetes-embedded-resource",
                                          "x-kubernetes-list-type",
                                          "x-kubernetes-list-map-keys",
                                          "x-kubernetes-map-type",
                                          "x-kubernetes-validations"};
  return k;
}

bool IsTrue(const Json& s, const char* key) {
  return s.is_object() && s.contains(key) && s[key].is_boolean() && s[key].get<bool>();
}

std::string TypeOf(const Json& s) {
  return s.is_object() && s.contains("type") && s["type"].is_string() ? s["type"].get<std::string>()
                                                                      : std::string();
}

bool MatchesType(const std::string& type, const Json& v) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "integer") return v.is_number_integer();
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_boolean();
  return true;
}

void Structural(const Json& s, const std::string& path, bool in_junctor, int depth,
                std::vector<FieldError>* errors) {
  if (depth > kMaxDepth) {
    errors->push_back({path, "schema nested too deeply"});
    return;
  }
  if (!s.is_object()) {
    errors->push_back({path, "expected a schema object"});
    return;
  }
  for (const auto& [k, v] : s.items()) {
    if (!KnownKeywords().count(k)) errors->push_back({Join(path, k), "unknown schema keyword"});
  }
  if (s.contains("$ref")) errors->push_back({Join(path, "$ref"), "$ref is not allowed"});
  if (IsTrue(s, "uniqueItems")) {
    errors->push_back({Join(path, "uniqueItems"), "must not be true (use x-kubernetes-list-type)"});
  }
  for (const char* k :
       {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"}) {
    if (s.contains(k) && !s[k].is_number_integer()) {
      errors->push_back({Join(path, k), "expected an integer"});
    }
  }
  for (const char* k : {"minimum", "maximum", "multipleOf"}) {
    if (s.contains(k) && !s[k].is_number()) errors->push_back({Join(path, k), "expected a number"});
  }
  for (const char* k : {"type", "format", "description", "pattern", "x-kubernetes-list-type",
                        "x-kubernetes-map-type"}) {
    if (s.contains(k) && !s[k].is_string()) errors->push_back({Join(path, k), "expected a string"});
  }
  if (s.contains("pattern") && s["pattern"].is_string() &&
      !RE2(s["pattern"].get<std::string>(), QuietRe2()).ok()) {
    errors->push_back({Join(path, "pattern"), "does not compile"});
  }
  const std::string type = TypeOf(s);
  if (in_junctor) {
    for (const char* k : {"type", "description", "default", "additionalProperties", "nullable"}) {
      if (s.contains(k))
        errors->push_back({Join(path, k), "must not be set inside allOf/anyOf/oneOf/not"});
    }
  } else if (type.empty() && !IsTrue(s, "x-kubernetes-int-or-string") &&
             !IsTrue(s, "x-kubernetes-preserve-unknown-fields")) {
    errors->push_back({Join(path, "type"), "must not be empty for specified fields"});
  }
  static const std::set<std::string> kTypes = {"object",  "array",  "string",
                                               "integer", "number", "boolean"};
  if (!type.empty() && !kTypes.count(type)) {
    errors->push_back({Join(path, "type"), "\"" + type + "\" is not a schema type"});
  }
  if (s.contains("x-kubernetes-preserve-unknown-fields") &&
      !IsTrue(s, "x-kubernetes-preserve-unknown-fields")) {
    errors->push_back(
        {Join(path, "x-kubernetes-preserve-unknown-fields"), "must be true or absent"});
  }
  if (s.contains("properties") && s.contains("additionalProperties")) {
    errors->push_back(
        {Join(path, "additionalProperties"), "must not be used together with properties"});
  }
  if ((s.contains("properties") || s.contains("additionalProperties")) && !type.empty() &&
      type != "object") {
    errors->push_back({Join(path, "type"), "must be object when properties are given"});
  }
  if (type == "array" && !s.contains("items") && !in_junctor) {
    errors->push_back({Join(path, "items"), "must be specified for arrays"});
  }
  if (s.contains("enum")) {
    if (!s["enum"].is_array() || s["enum"].empty()) {
      errors->push_back({Join(path, "enum"), "expected a non-empty array"});
    } else {
      for (size_t i = 0; i < s["enum"].size(); ++i) {
        if (!MatchesType(type, s["enum"][i])) {
          errors->push_back({Index(Join(path, "enum"), i), "does not match type " + type});
        }
      }
    }
  }
  if (s.contains("required")) {
    const Json& req = s["required"];
    if (!req.is_array()) {
      errors->push_back({Join(path, "required"), "expected an array of names"});
    } else if (s.contains("properties") && s["properties"].is_object()) {
      for (size_t i = 0; i < req.size(); ++i) {
        if (!req[i].is_string() || !s["properties"].contains(req[i].get<std::string>())) {
          errors->push_back({Index(Join(path, "required"), i), "names no property"});
        }
      }
    }
  }
  if (s.contains("x-kubernetes-list-type")) {
    std::string lt = s["x-kubernetes-list-type"].is_string()
                         ? s["x-kubernetes-list-type"].get<std::string>()
                         : std::string();
    std::string lp = Join(path, "x-kubernetes-list-type");
    if (type != "array") errors->push_back({lp, "only for arrays"});
    if (lt != "atomic" && lt != "set" && lt != "map") {
      errors->push_back({lp, "must be atomic, set or map"});
    }
    const Json items = s.value("items", Json::object());
    if (lt == "set" && (TypeOf(items) == "object" || TypeOf(items) == "array")) {
      errors->push_back({lp, "set lists must have scalar items"});
    }
    if (lt == "map") {
      if (!s.contains("x-kubernetes-list-map-keys") ||
          !s["x-kubernetes-list-map-keys"].is_array() || s["x-kubernetes-list-map-keys"].empty()) {
        errors->push_back({Join(path, "x-kubernetes-list-map-keys"), "required for map lists"});
      } else {
        std::vector<std::string> req;
        if (items.contains("required") && items["required"].is_array()) {
          for (const Json& r : items["required"]) {
            if (r.is_string()) req.push_back(r.get<std::string>());
          }
        }
        for (const Json& key : s["x-kubernetes-list-map-keys"]) {
          std::string k = key.is_string() ? key.get<std::string>() : std::string();
          bool defaulted = items.contains("properties") && items["properties"].contains(k) &&
                           items["properties"][k].contains("default");
          if (std::find(req.begin(), req.end(), k) == req.end() && !defaulted) {
            errors->push_back({Join(path, "x-kubernetes-list-map-keys"),
                               "key \"" + k + "\" must be required or defaulted in items"});
          }
        }
      }
    }
  }
  if (s.contains("x-kubernetes-map-type") && type != "object") {
    errors->push_back({Join(path, "x-kubernetes-map-type"), "only for objects"});
  }
  if (s.contains("x-kubernetes-validations")) {
    const Json& rules = s["x-kubernetes-validations"];
    std::string rp = Join(path, "x-kubernetes-validations");
    if (!rules.is_array()) {
      errors->push_back({rp, "expected an array"});
    } else {
      for (size_t i = 0; i < rules.size(); ++i) {
        const Json& r = rules[i];
        if (!r.is_object() || !r.contains("rule") || !r["rule"].is_string() ||
            r["rule"].get<std::string>().empty()) {
          errors->push_back({Join(Index(rp, i), "rule"), "required"});
        }
        for (const auto& [k, v] : r.items()) {
          if (k != "rule" && k != "message" && k != "messageExpression" && k != "reason" &&
              k != "fieldPath" && k != "optionalOldSelf") {
            errors->push_back({Join(Index(rp, i), k), "unknown field"});
          }
        }
      }
    }
  }
  if (s.contains("default")) {
    Json d = s["default"];
    ApplyDefaults(s, &d);
    Json bare = s;
    bare.erase("x-kubernetes-validations");
    // Validate the default as a value of this schema (not as a root object).
    auto v = ValidateAgainstSchema(Json{{"type", "object"}, {"properties", {{"x", bare}}}},
                                   Json{{"x", d}});
    for (FieldError& e : v) {
      errors->push_back({Join(path, "default"), e.path + ": " + e.message});
    }
  }
  if (s.contains("properties")) {
    const Json& props = s["properties"];
    if (!props.is_object()) {
      errors->push_back({Join(path, "properties"), "expected an object"});
    } else {
      for (const auto& [k, v] : props.items()) {
        bool meta = depth == 0 && k == "metadata";
        Structural(v, Join(Join(path, "properties"), k), in_junctor, depth + 1, errors);
        if (meta && v.is_object() && v.contains("properties")) {
          for (const auto& [mk, mv] : v["properties"].items()) {
            if (mk != "name" && mk != "generateName") {
              errors->push_back({Join(Join(Join(path, "properties"), "metadata.properties"), mk),
                                 "metadata may only restrict name and generateName"});
            }
          }
        }
      }
    }
  }
  if (s.contains("additionalProperties") && s["additionalProperties"].is_object()) {
    Structural(s["additionalProperties"], Join(path, "additionalProperties"), in_junctor, depth + 1,
               errors);
  }
  if (s.contains("items")) {
    Structural(s["items"], Join(path, "items"), in_junctor, depth + 1, errors);
  }
  for (const char* j : {"allOf", "anyOf", "oneOf"}) {
    if (s.contains(j) && s[j].is_array()) {
      for (size_t i = 0; i < s[j].size(); ++i) {
        Structural(s[j][i], Index(Join(path, j), i), true, depth + 1, errors);
      }
    }
  }
  if (s.contains("not")) Structural(s["not"], Join(path, "not"), true, depth + 1, errors);
}

bool ValidDateTime(const std::string& s) {
  static const RE2 re(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))");
  return RE2::FullMatch(s, re);
}

void Validate(const Json& s, const Json& v, const std::string& path, int depth, bool root,
              std::vector<FieldError>* errors) {
  if (depth > kMaxDepth) {
    errors->push_back({path, "nested too deeply"});
    return;
  }
  if (v.is_null()) {
    if (!IsTrue(s, "nullable")) errors->push_back({path, "must not be null"});
    return;
  }
  const std::string type = TypeOf(s);
  if (IsTrue(s, "x-kubernetes-int-or-string")) {
    if (!v.is_number_integer() && !v.is_string()) {
      errors->push_back({path, "expected an integer or a string"});
    }
    return;
  }
  if (!type.empty() && !MatchesType(type, v)) {
    errors->push_back({path, "expected " + type + ", got " + std::string(v.type_name())});
    return;
  }
  if (s.contains("enum") && s["enum"].is_array()) {
    const Json& e = s["enum"];
    if (std::find(e.begin(), e.end(), v) == e.end()) {
      std::string list;
      for (const Json& x : e) list += (list.empty() ? "" : ", ") + x.dump();
      errors->push_back({path, "Unsupported value: " + v.dump() + ": supported values: " + list});
    }
  }
  if (v.is_string()) {
    const std::string str = v.get<std::string>();
    if (s.contains("minLength") &&
        static_cast<int64_t>(str.size()) < s["minLength"].get<int64_t>()) {
      errors->push_back({path, "should be at least " + s["minLength"].dump() + " chars long"});
    }
    if (s.contains("maxLength") &&
        static_cast<int64_t>(str.size()) > s["maxLength"].get<int64_t>()) {
      errors->push_back({path, "may not be longer than " + s["maxLength"].dump()});
    }
    if (s.contains("pattern") && s["pattern"].is_string()) {
      RE2 re(s["pattern"].get<std::string>(), QuietRe2());
      if (!re.ok()) {
        errors->push_back({path, "schema pattern does not compile"});
      } else if (!RE2::PartialMatch(str, re)) {
        errors->push_back({path, "should match '" + s["pattern"].get<std::string>() + "'"});
      }
    }
    if (s.value("format", "") == "date-time" && !ValidDateTime(str)) {
      errors->push_back({path, "must be an RFC 3339 date-time"});
    }
  }
  if (v.is_number()) {
    double d = v.get<double>();
    if (s.contains("minimum") && d < s["minimum"].get<double>()) {
      errors->push_back({path, "should be greater than or equal to " + s["minimum"].dump()});
    }
    if (s.contains("maximum") && d > s["maximum"].get<double>()) {
      errors->push_back({path, "should be less than or equal to " + s["maximum"].dump()});
    }
  }
  if (v.is_array()) {
    if (s.contains("minItems") && static_cast<int64_t>(v.size()) < s["minItems"].get<int64_t>()) {
      errors->push_back({path, "should have at least " + s["minItems"].dump() + " items"});
    }
    if (s.contains("maxItems") && static_cast<int64_t>(v.size()) > s["maxItems"].get<int64_t>()) {
      errors->push_back({path, "Too many: " + std::to_string(v.size()) + ": must have at most " +
                                   s["maxItems"].dump() + " items"});
    }
    std::string lt = s.value("x-kubernetes-list-type", "");
    if (lt == "set") {
      for (size_t i = 0; i < v.size(); ++i) {
        if (std::find(v.begin(), v.begin() + i, v[i]) != v.begin() + i) {
          errors->push_back({Index(path, i), "Duplicate value: " + v[i].dump()});
        }
      }
    } else if (lt == "map" && s.contains("x-kubernetes-list-map-keys")) {
      std::vector<Json> seen;
      for (size_t i = 0; i < v.size(); ++i) {
        Json key = Json::object();
        for (const Json& k : s["x-kubernetes-list-map-keys"]) {
          std::string name = k.get<std::string>();
          key[name] = v[i].is_object() && v[i].contains(name) ? v[i][name] : Json();
        }
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
          errors->push_back({Index(path, i), "Duplicate value: " + key.dump()});
        }
        seen.push_back(std::move(key));
      }
    }
    if (s.contains("items")) {
      for (size_t i = 0; i < v.size(); ++i) {
        Validate(s["items"], v[i], Index(path, i), depth + 1, false, errors);
      }
    }
  }
  if (v.is_object()) {
    if (s.contains("required") && s["required"].is_array()) {
      for (const Json& r : s["required"]) {
        if (r.is_string() && !v.contains(r.get<std::string>())) {
          errors->push_back({Join(path, r.get<std::string>()), "Required value"});
        }
      }
    }
    const bool preserve = IsTrue(s, "x-kubernetes-preserve-unknown-fields");
    for (const auto& [k, item] : v.items()) {
      if (root && (k == "apiVersion" || k == "kind" || k == "metadata")) {
        if (k != "metadata" && !item.is_string()) errors->push_back({k, "expected string"});
        if (k == "metadata" && !item.is_object()) errors->push_back({k, "expected object"});
        continue;
      }
      std::string p = Join(path, k);
      if (s.contains("properties") && s["properties"].contains(k)) {
        Validate(s["properties"][k], item, p, depth + 1, false, errors);
      } else if (s.contains("additionalProperties") && s["additionalProperties"].is_object()) {
        Validate(s["additionalProperties"], item, p, depth + 1, false, errors);
      } else if (!preserve &&
                 !(s.contains("additionalProperties") && s["additionalProperties"].is_boolean() &&
                   s["additionalProperties"].get<bool>())) {
        errors->push_back({p, "unknown field \"" + k + "\""});
      }
    }
  }
}

void Defaults(const Json& s, Json* v, int depth) {
  if (depth > kMaxDepth || !s.is_object()) return;
  if (v->is_object() && s.contains("properties") && s["properties"].is_object()) {
    for (const auto& [k, ps] : s["properties"].items()) {
      if (!v->contains(k) && ps.is_object() && ps.contains("default")) (*v)[k] = ps["default"];
      if (v->contains(k)) Defaults(ps, &(*v)[k], depth + 1);
    }
  }
  if (v->is_object() && s.contains("additionalProperties") &&
      s["additionalProperties"].is_object()) {
    for (auto& [k, item] : v->items()) Defaults(s["additionalProperties"], &item, depth + 1);
  }
  if (v->is_array() && s.contains("items")) {
    for (Json& item : *v) Defaults(s["items"], &item, depth + 1);
  }
}

std::vector<std::string> StringList(const Json& j) {
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const Json& x : j) {
    if (x.is_string()) out.push_back(x.get<std::string>());
  }
  return out;
}

std::vector<FieldError> CheckStructuralUnchecked(const Json& schema, const std::string& path) {
  std::vector<FieldError> errors;
  if (TypeOf(schema) != "object")
    errors.push_back({Join(path, "type"), "the root must be an object"});
  Structural(schema, path, false, 0, &errors);
  return errors;
}

void ApplyDefaultsUnchecked(const Json& schema, Json* obj) { Defaults(schema, obj, 0); }

std::vector<FieldError> ValidateUnchecked(const Json& schema, const Json& obj) {
  std::vector<FieldError> errors;
  Validate(schema, obj, "", 0, true, &errors);
  return errors;
}

std::vector<FieldError> CheckCrdUnchecked(const Json& doc, CrdInfo* out) {
  std::vector<FieldError> errors;
  auto str = [](const Json& o, const char* k) {
    return o.is_object() && o.contains(k) && o[k].is_string() ? o[k].get<std::string>()
                                                              : std::string();
  };
  if (str(doc, "apiVersion") != "apiextensions.k8s.io/v1") {
    errors.push_back({"apiVersion", "must be apiextensions.k8s.io/v1"});
  }
  if (str(doc, "kind") != "CustomResourceDefinition") {
    errors.push_back({"kind", "must be CustomResourceDefinition"});
  }
  const Json meta = doc.value("metadata", Json::object());
  const Json spec = doc.value("spec", Json::object());
  const Json names = spec.value("names", Json::object());
  out->name = str(meta, "name");
  out->group = str(spec, "group");
  out->kind = str(names, "kind");
  out->plural = str(names, "plural");
  out->scope = str(spec, "scope");
  out->short_names = StringList(names.value("shortNames", Json::array()));
  out->categories = StringList(names.value("categories", Json::array()));
  if (out->group.empty()) errors.push_back({"spec.group", "Required value"});
  if (out->kind.empty()) errors.push_back({"spec.names.kind", "Required value"});
  if (out->plural.empty()) errors.push_back({"spec.names.plural", "Required value"});
  if (out->name != out->plural + "." + out->group) {
    errors.push_back({"metadata.name", "must be spec.names.plural+\".\"+spec.group"});
  }
  if (str(names, "listKind") != out->kind + "List") {
    errors.push_back({"spec.names.listKind", "should be " + out->kind + "List"});
  }
  static const RE2 kDns1035(R"([a-z]([-a-z0-9]*[a-z0-9])?)");
  for (const char* k : {"plural", "singular"}) {
    if (!RE2::FullMatch(str(names, k), kDns1035)) {
      errors.push_back({Join("spec.names", k), "must be a lower-case DNS-1035 label"});
    }
  }
  for (size_t i = 0; i < out->short_names.size(); ++i) {
    if (!RE2::FullMatch(out->short_names[i], kDns1035)) {
      errors.push_back({Index("spec.names.shortNames", i), "must be a lower-case DNS-1035 label"});
    }
  }
  if (out->scope != "Cluster" && out->scope != "Namespaced") {
    errors.push_back({"spec.scope", "must be Cluster or Namespaced"});
  }
  const Json versions = spec.value("versions", Json::array());
  if (!versions.is_array() || versions.empty()) {
    errors.push_back({"spec.versions", "Required value"});
    return errors;
  }
  int storage = 0;
  for (size_t i = 0; i < versions.size(); ++i) {
    const Json& v = versions[i];
    std::string vp = Index("spec.versions", i);
    if (!v.value("served", false)) errors.push_back({Join(vp, "served"), "should be true"});
    if (!v.value("storage", false)) continue;
    ++storage;
    out->version = str(v, "name");
    const Json schema = v.value("schema", Json::object()).value("openAPIV3Schema", Json());
    if (!schema.is_object()) {
      errors.push_back({Join(vp, "schema.openAPIV3Schema"), "Required value"});
      continue;
    }
    out->schema = schema;
    for (FieldError& e : CheckStructural(schema, Join(vp, "schema.openAPIV3Schema"))) {
      errors.push_back(std::move(e));
    }
    const Json subresources = v.value("subresources", Json::object());
    out->status_subresource = subresources.contains("status");
    if (out->status_subresource &&
        !(schema.contains("properties") && schema["properties"].contains("status"))) {
      errors.push_back({Join(vp, "subresources.status"), "the schema has no status property"});
    }
    out->printer_columns = v.value("additionalPrinterColumns", Json::array());
    static const std::set<std::string> kColumnTypes = {"integer", "number", "string", "boolean",
                                                       "date"};
    for (size_t c = 0; c < out->printer_columns.size(); ++c) {
      const Json& col = out->printer_columns[c];
      std::string cp = Index(Join(vp, "additionalPrinterColumns"), c);
      if (str(col, "name").empty()) errors.push_back({Join(cp, "name"), "Required value"});
      if (!kColumnTypes.count(str(col, "type"))) {
        errors.push_back({Join(cp, "type"), "must be integer, number, string, boolean or date"});
      }
      if (str(col, "jsonPath").empty() || str(col, "jsonPath")[0] != '.') {
        errors.push_back({Join(cp, "jsonPath"), "must be a JSON path starting with '.'"});
      }
    }
  }
  if (storage != 1)
    errors.push_back({"spec.versions", "exactly one version must be the storage version"});
  return errors;
}

}  // namespace

// The public entry points: a schema or document of the wrong shape (a
// keyword with a value of the wrong type) makes nlohmann throw; that becomes
// an error here instead of escaping.
namespace {

FieldError Malformed(const std::string& path, const std::exception& e) {
  return {path.empty() ? "$" : path, std::string("malformed: ") + e.what()};
}

}  // namespace

std::vector<FieldError> CheckStructural(const Json& schema, const std::string& path) {
  try {
    return CheckStructuralUnchecked(schema, path);
  } catch (const Json::exception& e) {
    return {Malformed(path, e)};
  }
}

void ApplyDefaults(const Json& schema, Json* obj) {
  try {
    ApplyDefaultsUnchecked(schema, obj);
  } catch (const Json::exception&) {
    // Defaults stop where the schema is malformed; validation reports it.
  }
}

std::vector<FieldError> ValidateAgainstSchema(const Json& schema, const Json& obj) {
  try {
    return ValidateUnchecked(schema, obj);
  } catch (const Json::exception& e) {
    return {Malformed("", e)};
  }
}

std::vector<FieldError> CheckCrd(const Json& doc, CrdInfo* out) {
  try {
    return CheckCrdUnchecked(doc, out);
  } catch (const Json::exception& e) {
    return {Malformed("", e)};
  }
}

}  // namespace fedra::policy
