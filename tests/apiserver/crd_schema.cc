#include "tests/apiserver/crd_schema.h"

#include <cmath>
#include <regex>

#include "tests/apiserver/json_util.h"

namespace fedra::apiserver {

namespace {

Status ParseAt(const json& j, Schema* out, const std::string& path, int depth) {
  if (depth > kMaxDepth) return Status::InvalidArgument(path + ": schema nested too deeply");
  if (!j.is_object()) return Status::InvalidArgument(path + ": must be an object");
  auto str = [&](const char* key, std::string* dst) -> Status {
    auto it = j.find(key);
    if (it == j.end()) return Status::OK();
    if (!it->is_string()) return Status::InvalidArgument(path + "." + key + ": must be a string");
    *dst = it->get<std::string>();
    return Status::OK();
  };
  auto boolean = [&](const char* key, bool* dst) -> Status {
    auto it = j.find(key);
    if (it == j.end()) return Status::OK();
    if (!it->is_boolean()) return Status::InvalidArgument(path + "." + key + ": must be a boolean");
    *dst = it->get<bool>();
    return Status::OK();
  };
  auto number = [&](const char* key, std::optional<double>* dst) -> Status {
    auto it = j.find(key);
    if (it == j.end()) return Status::OK();
    if (!it->is_number()) return Status::InvalidArgument(path + "." + key + ": must be a number");
    *dst = it->get<double>();
    return Status::OK();
  };
  auto integer = [&](const char* key, std::optional<long long>* dst) -> Status {
    auto it = j.find(key);
    if (it == j.end()) return Status::OK();
    if (!it->is_number_integer() || it->get<long long>() < 0) {
      return Status::InvalidArgument(path + "." + key + ": must be a non-negative integer");
    }
    *dst = it->get<long long>();
    return Status::OK();
  };
  FEDRA_RETURN_IF_ERROR(str("type", &out->type));
  static const char* kTypes[] = {"", "object", "array", "string", "integer", "number", "boolean"};
  bool known = false;
  for (const char* t : kTypes) known = known || out->type == t;
  if (!known) {
    return Status::InvalidArgument(path + ".type: Unsupported value: \"" + out->type + "\"");
  }
  FEDRA_RETURN_IF_ERROR(str("pattern", &out->pattern));
  FEDRA_RETURN_IF_ERROR(str("description", &out->description));
  FEDRA_RETURN_IF_ERROR(boolean("nullable", &out->nullable));
  FEDRA_RETURN_IF_ERROR(boolean("exclusiveMinimum", &out->exclusive_minimum));
  FEDRA_RETURN_IF_ERROR(boolean("exclusiveMaximum", &out->exclusive_maximum));
  FEDRA_RETURN_IF_ERROR(boolean("x-kubernetes-preserve-unknown-fields", &out->preserve_unknown_fields));
  FEDRA_RETURN_IF_ERROR(boolean("x-kubernetes-int-or-string", &out->int_or_string));
  FEDRA_RETURN_IF_ERROR(boolean("x-kubernetes-embedded-resource", &out->embedded_resource));
  FEDRA_RETURN_IF_ERROR(number("minimum", &out->minimum));
  FEDRA_RETURN_IF_ERROR(number("maximum", &out->maximum));
  FEDRA_RETURN_IF_ERROR(integer("minLength", &out->min_length));
  FEDRA_RETURN_IF_ERROR(integer("maxLength", &out->max_length));
  FEDRA_RETURN_IF_ERROR(integer("minItems", &out->min_items));
  FEDRA_RETURN_IF_ERROR(integer("maxItems", &out->max_items));
  FEDRA_RETURN_IF_ERROR(integer("minProperties", &out->min_properties));
  FEDRA_RETURN_IF_ERROR(integer("maxProperties", &out->max_properties));
  if (!out->pattern.empty()) {
    try {
      std::regex re(out->pattern, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      return Status::InvalidArgument(path + ".pattern: invalid regular expression");
    }
  }
  if (auto it = j.find("default"); it != j.end()) out->default_value = *it;
  if (auto it = j.find("enum"); it != j.end()) {
    if (!it->is_array()) return Status::InvalidArgument(path + ".enum: must be a list");
    out->enum_values.assign(it->begin(), it->end());
  }
  if (auto it = j.find("required"); it != j.end()) {
    if (!it->is_array()) return Status::InvalidArgument(path + ".required: must be a list");
    for (const auto& r : *it) {
      if (!r.is_string()) return Status::InvalidArgument(path + ".required: must hold strings");
      out->required.push_back(r.get<std::string>());
    }
  }
  if (auto it = j.find("properties"); it != j.end()) {
    if (!it->is_object()) return Status::InvalidArgument(path + ".properties: must be an object");
    for (auto p = it->begin(); p != it->end(); ++p) {
      auto child = std::make_unique<Schema>();
      FEDRA_RETURN_IF_ERROR(ParseAt(p.value(), child.get(), path + ".properties." + p.key(), depth + 1));
      out->properties[p.key()] = std::move(child);
    }
  }
  if (auto it = j.find("items"); it != j.end()) {
    out->items = std::make_unique<Schema>();
    FEDRA_RETURN_IF_ERROR(ParseAt(*it, out->items.get(), path + ".items", depth + 1));
  }
  if (auto it = j.find("additionalProperties"); it != j.end()) {
    if (it->is_boolean()) {
      out->additional_properties_any = it->get<bool>();
    } else {
      out->additional_properties = std::make_unique<Schema>();
      FEDRA_RETURN_IF_ERROR(ParseAt(*it, out->additional_properties.get(),
                                    path + ".additionalProperties", depth + 1));
    }
  }
  if (out->type == "array" && !out->items) {
    return Status::InvalidArgument(path + ".items: Required value: must be specified");
  }
  if (out->type.empty() && !out->preserve_unknown_fields && !out->int_or_string &&
      depth > 0) {
    return Status::InvalidArgument(path + ".type: Required value: must not be empty for specified object fields");
  }
  return Status::OK();
}

bool IsRootMeta(const std::string& key) {
  return key == "apiVersion" || key == "kind" || key == "metadata";
}

void PruneAt(const Schema& s, json* v, bool root) {
  if (s.preserve_unknown_fields && s.properties.empty() && !s.additional_properties) return;
  if (v->is_object()) {
    if (s.additional_properties) {
      for (auto& [k, child] : v->items()) PruneAt(*s.additional_properties, &child, false);
      return;
    }
    if (s.additional_properties_any) return;
    for (auto it = v->begin(); it != v->end();) {
      // apiVersion, kind and metadata of an object are the API server's, not
      // the schema's: a schema that declares `metadata: {type: object}` (as
      // controller-gen writes) must not prune the object's name and labels.
      if ((root || s.embedded_resource) && IsRootMeta(it.key())) {
        ++it;
        continue;
      }
      auto p = s.properties.find(it.key());
      if (p != s.properties.end()) {
        PruneAt(*p->second, &it.value(), false);
        ++it;
      } else if ((root && IsRootMeta(it.key())) || s.preserve_unknown_fields ||
                 (s.embedded_resource && IsRootMeta(it.key()))) {
        ++it;
      } else {
        it = v->erase(it);
      }
    }
  } else if (v->is_array() && s.items) {
    for (auto& child : *v) PruneAt(*s.items, &child, false);
  }
}

void DefaultAt(const Schema& s, json* v) {
  if (v->is_object()) {
    for (const auto& [key, child] : s.properties) {
      auto it = v->find(key);
      if (it == v->end()) {
        if (child->default_value) {
          json d = *child->default_value;
          DefaultAt(*child, &d);
          (*v)[key] = std::move(d);
        }
      } else if (!it->is_null() || !child->nullable) {
        DefaultAt(*child, &it.value());
      }
    }
    if (s.additional_properties) {
      for (auto& [k, child] : v->items()) DefaultAt(*s.additional_properties, &child);
    }
  } else if (v->is_array() && s.items) {
    for (auto& child : *v) DefaultAt(*s.items, &child);
  }
}

std::string Quote(const json& v) { return v.dump(); }

std::string JoinPath(const std::string& base, const std::string& key) {
  return base.empty() ? key : base + "." + key;
}

bool TypeMatches(const Schema& s, const json& v) {
  if (s.int_or_string) return v.is_number_integer() || v.is_string();
  if (s.type.empty()) return true;
  if (s.type == "object") return v.is_object();
  if (s.type == "array") return v.is_array();
  if (s.type == "string") return v.is_string();
  if (s.type == "boolean") return v.is_boolean();
  if (s.type == "number") return v.is_number();
  if (s.type == "integer") {
    return v.is_number_integer() ||
           (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>());
  }
  return false;
}

void ValidateAt(const Schema& s, const json& v, const std::string& path, bool root,
                std::vector<Cause>* out) {
  const std::string where = path.empty() ? "body" : path;
  if (v.is_null()) {
    if (s.nullable || s.type.empty()) return;
    out->push_back({"FieldValueTypeInvalid",
                    "Invalid value: \"null\": " + where + " in body must be of type " + s.type +
                        ": \"null\"",
                    path});
    return;
  }
  if (!TypeMatches(s, v)) {
    std::string want = s.int_or_string ? "integer,string" : s.type;
    out->push_back({"FieldValueTypeInvalid",
                    "Invalid value: \"" + std::string(v.type_name()) + "\": " + where +
                        " in body must be of type " + want + ": \"" + v.type_name() + "\"",
                    path});
    return;
  }
  if (!s.enum_values.empty()) {
    bool found = false;
    for (const auto& e : s.enum_values) found = found || e == v;
    if (!found) {
      std::string supported;
      for (size_t i = 0; i < s.enum_values.size(); ++i) {
        if (i) supported += ", ";
        supported += Quote(s.enum_values[i]);
      }
      out->push_back({"FieldValueNotSupported",
                      "Unsupported value: " + Quote(v) + ": supported values: " + supported, path});
    }
  }
  if (v.is_number()) {
    double d = v.get<double>();
    std::string num = v.dump();
    auto fmt = [](double x) {
      json j = x;
      if (std::floor(x) == x && std::fabs(x) < 1e15) j = static_cast<long long>(x);
      return j.dump();
    };
    if (s.minimum && (s.exclusive_minimum ? d <= *s.minimum : d < *s.minimum)) {
      out->push_back({"FieldValueInvalid",
                      "Invalid value: " + num + ": " + where + " in body should be greater than " +
                          (s.exclusive_minimum ? "" : "or equal to ") + fmt(*s.minimum),
                      path});
    }
    if (s.maximum && (s.exclusive_maximum ? d >= *s.maximum : d > *s.maximum)) {
      out->push_back({"FieldValueInvalid",
                      "Invalid value: " + num + ": " + where + " in body should be less than " +
                          (s.exclusive_maximum ? "" : "or equal to ") + fmt(*s.maximum),
                      path});
    }
  }
  if (v.is_string()) {
    const std::string& str = v.get_ref<const std::string&>();
    long long len = static_cast<long long>(str.size());
    if (s.min_length && len < *s.min_length) {
      out->push_back({"FieldValueInvalid",
                      "Invalid value: " + Quote(v) + ": " + where + " in body should be at least " +
                          std::to_string(*s.min_length) + " chars long",
                      path});
    }
    if (s.max_length && len > *s.max_length) {
      out->push_back({"FieldValueTooLong",
                      "Too long: may not be more than " + std::to_string(*s.max_length) + " bytes",
                      path});
    }
    if (!s.pattern.empty() && str.size() <= 64 * 1024) {
      bool match = false;
      try {
        match = std::regex_search(str, std::regex(s.pattern, std::regex::ECMAScript));
      } catch (const std::regex_error&) {
        match = false;
      }
      if (!match) {
        out->push_back({"FieldValueInvalid",
                        "Invalid value: " + Quote(v) + ": " + where + " in body should match '" +
                            s.pattern + "'",
                        path});
      }
    }
  }
  if (v.is_array()) {
    long long n = static_cast<long long>(v.size());
    if (s.min_items && n < *s.min_items) {
      out->push_back({"FieldValueInvalid",
                      "Invalid value: " + std::to_string(n) + ": " + where +
                          " in body should have at least " + std::to_string(*s.min_items) +
                          " items",
                      path});
    }
    if (s.max_items && n > *s.max_items) {
      out->push_back({"FieldValueTooMany",
                      "Too many: " + std::to_string(n) + ": must have at most " +
                          std::to_string(*s.max_items) + " items",
                      path});
    }
    if (s.items) {
      for (size_t i = 0; i < v.size(); ++i) {
        ValidateAt(*s.items, v[i], path + "[" + std::to_string(i) + "]", false, out);
      }
    }
  }
  if (v.is_object()) {
    long long n = static_cast<long long>(v.size());
    if (s.min_properties && n < *s.min_properties) {
      out->push_back({"FieldValueInvalid",
                      "Invalid value: " + std::to_string(n) + ": " + where +
                          " in body should have at least " + std::to_string(*s.min_properties) +
                          " properties",
                      path});
    }
    if (s.max_properties && n > *s.max_properties) {
      out->push_back({"FieldValueTooMany",
                      "Too many: " + std::to_string(n) + ": must have at most " +
                          std::to_string(*s.max_properties) + " items",
                      path});
    }
    for (const std::string& r : s.required) {
      if (!v.contains(r)) out->push_back({"FieldValueRequired", "Required value", JoinPath(path, r)});
    }
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (root && IsRootMeta(it.key())) continue;
      auto p = s.properties.find(it.key());
      if (p != s.properties.end()) {
        ValidateAt(*p->second, it.value(), JoinPath(path, it.key()), false, out);
      } else if (s.additional_properties) {
        ValidateAt(*s.additional_properties, it.value(), JoinPath(path, it.key()), false, out);
      }
    }
  }
}

}  // namespace

Status ParseSchema(const json& j, Schema* out, const std::string& path) {
  return ParseAt(j, out, path, 0);
}

void Prune(const Schema& schema, json* obj) { PruneAt(schema, obj, true); }

void ApplyDefaults(const Schema& schema, json* obj) { DefaultAt(schema, obj); }

std::vector<Cause> Validate(const Schema& schema, const json& obj) {
  std::vector<Cause> out;
  ValidateAt(schema, obj, "", true, &out);
  return out;
}

}  // namespace fedra::apiserver
