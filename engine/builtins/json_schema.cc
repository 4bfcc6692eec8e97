// json.verify_schema and json.match_schema: a JSON Schema (draft 4/6/7 core
// keywords) validator whose error objects mirror gojsonschema's, which OPA
// uses: {"error": "<field>: <desc>", "type": "<kind>", "field": "<field>",
// "desc": "<desc>"} with fields like "(root)" or "spec.replicas".
//
// Supported: type, enum, const, properties, required, additionalProperties,
// patternProperties, minProperties, maxProperties, items (schema or list),
// additionalItems, minItems, maxItems, uniqueItems, contains, minLength,
// maxLength, pattern, minimum, maximum, exclusiveMinimum/Maximum (boolean
// and numeric forms), multipleOf, anyOf, oneOf, allOf, not, if/then/else,
// boolean schemas and local $ref ("#", "#/definitions/x", "#/$defs/x").
// Formats and remote references are not checked.
#include <cmath>
#include <string>
#include <vector>

#include "builtins/encoding_util.h"
#include "builtins/regex_cache.h"
#include "builtins/text_util.h"
#include "value/json.h"
#include "value/number.h"

namespace fedra::builtins {

namespace {

using Args = std::span<const Value>;

constexpr int kMaxSchemaDepth = 200;

struct SchemaError {
  std::string type, field, desc;
};

std::string Jsonish(const Value& v) {
  std::string s;
  GoJsonMarshal(v, false, "", "", &s);
  return s;
}

bool IsValidTypeName(std::string_view t) {
  return t == "array" || t == "boolean" || t == "integer" || t == "number" || t == "null" || t == "object" ||
         t == "string";
}

// Checks a schema's structure (what gojsonschema rejects when compiling).
Status CheckSchema(const Value& s, const Value& root, int depth) {
  if (depth > kMaxSchemaDepth) return Status::BuiltinError("schema nested too deeply");
  if (s.is_bool()) return Status::OK();
  if (!s.is_object()) return Status::BuiltinError("Invalid type. Expected: object, given: " + std::string(KindName(s.kind())));
  if (const Value* t = s.Find("type")) {
    std::vector<Value> types;
    if (t->is_string()) {
      types.push_back(*t);
    } else if (t->is_array()) {
      types.assign(t->array().begin(), t->array().end());
    } else {
      return Status::BuiltinError("type must be of type string or array");
    }
    for (const Value& x : types) {
      if (!x.is_string()) return Status::BuiltinError("type items must be string");
      if (!IsValidTypeName(x.str())) {
        return Status::BuiltinError("has a primitive type that is NOT VALID -- given: /" + std::string(x.str()) +
                                    "/ Expected valid values are:[array boolean integer number null object string]");
      }
    }
  }
  if (const Value* r = s.Find("required")) {
    if (!r->is_array()) return Status::BuiltinError("required must be of an array");
  }
  if (const Value* p = s.Find("pattern")) {
    std::string err;
    if (!p->is_string() || CompileRegex(p->str(), &err) == nullptr) {
      return Status::BuiltinError("Invalid regex pattern '" + (p->is_string() ? std::string(p->str()) : ToJson(*p)) + "'");
    }
  }
  for (const char* k : {"properties", "definitions", "$defs", "patternProperties"}) {
    if (const Value* m = s.Find(k)) {
      if (!m->is_object()) return Status::BuiltinError(std::string(k) + " must be of an object");
      for (const auto& [name, sub] : m->object()) FEDRA_RETURN_IF_ERROR(CheckSchema(sub, root, depth + 1));
    }
  }
  for (const char* k : {"anyOf", "oneOf", "allOf"}) {
    if (const Value* m = s.Find(k)) {
      if (!m->is_array()) return Status::BuiltinError(std::string(k) + " must be of an array");
      for (const Value& sub : m->array()) FEDRA_RETURN_IF_ERROR(CheckSchema(sub, root, depth + 1));
    }
  }
  for (const char* k : {"not", "additionalProperties", "additionalItems", "contains", "if", "then", "else"}) {
    if (const Value* m = s.Find(k)) {
      if (m->is_object()) FEDRA_RETURN_IF_ERROR(CheckSchema(*m, root, depth + 1));
    }
  }
  if (const Value* items = s.Find("items")) {
    if (items->is_array()) {
      for (const Value& sub : items->array()) FEDRA_RETURN_IF_ERROR(CheckSchema(sub, root, depth + 1));
    } else {
      FEDRA_RETURN_IF_ERROR(CheckSchema(*items, root, depth + 1));
    }
  }
  return Status::OK();
}

class Validator {
 public:
  explicit Validator(const Value& root) : root_(root) {}

  // Validates v against schema s; appends errors. Returns the score (passed
  // checks), used like gojsonschema to pick the best anyOf/oneOf branch.
  Status Validate(const Value& s, const Value& v, const std::string& field, int depth,
                  std::vector<SchemaError>* errs) {
    if (depth > kMaxSchemaDepth) return Status::BuiltinError("schema validation nested too deeply");
    if (s.is_bool()) {
      if (!s.bool_value()) errs->push_back({"false", field, "False always fails validation"});
      return Status::OK();
    }
    if (!s.is_object()) return Status::OK();
    if (const Value* ref = s.Find("$ref")) {
      const Value* target = nullptr;
      FEDRA_RETURN_IF_ERROR(Resolve(*ref, &target));
      return Validate(*target, v, field, depth + 1, errs);
    }
    // type
    std::string given = Given(v);
    if (const Value* t = s.Find("type")) {
      std::vector<std::string> types;
      if (t->is_string()) types.emplace_back(t->str());
      if (t->is_array()) {
        for (const Value& x : t->array()) {
          if (x.is_string()) types.emplace_back(x.str());
        }
      }
      bool ok = false;
      for (const std::string& x : types) ok = ok || x == given || (x == "number" && given == "integer");
      if (!ok) {
        std::string expected = types.size() == 1 ? types[0] : "[";
        if (types.size() != 1) {
          for (size_t i = 0; i < types.size(); ++i) expected += (i ? "," : "") + types[i];
          expected += "]";
        }
        errs->push_back({"invalid_type", field, "Invalid type. Expected: " + expected + ", given: " + given});
        return Status::OK();
      }
    }
    FEDRA_RETURN_IF_ERROR(Combinators(s, v, field, depth, errs));
    // const / enum
    if (const Value* c = s.Find("const")) {
      if (*c != v) errs->push_back({"const", field, FieldName(field) + " does not match: " + Jsonish(*c)});
    }
    if (const Value* e = s.Find("enum")) {
      if (e->is_array()) {
        bool found = false;
        std::string allowed;
        for (const Value& x : e->array()) {
          found = found || x == v;
          if (!allowed.empty()) allowed += ", ";
          allowed += Jsonish(x);
        }
        if (!found) errs->push_back({"enum", field, FieldName(field) + " must be one of the following: " + allowed});
      }
    }
    if (v.is_array()) FEDRA_RETURN_IF_ERROR(ValidateArray(s, v, field, depth, errs));
    if (v.is_object()) FEDRA_RETURN_IF_ERROR(ValidateObject(s, v, field, depth, errs));
    if (v.is_string()) ValidateString(s, v, field, errs);
    if (v.is_number()) ValidateNumber(s, v, field, errs);
    return Status::OK();
  }

 private:
  static std::string Given(const Value& v) {
    switch (v.kind()) {
      case Kind::kNull: return "null";
      case Kind::kBool: return "boolean";
      case Kind::kNumber: return v.is_integral() ? "integer" : "number";
      case Kind::kString: return "string";
      case Kind::kArray:
      case Kind::kSet: return "array";
      case Kind::kObject: return "object";
      default: return "null";
    }
  }

  static std::string FieldName(const std::string& field) { return field; }

  static std::string Child(const std::string& field, std::string_view key) {
    return field == "(root)" ? std::string(key) : field + "." + std::string(key);
  }

  Status Resolve(const Value& ref, const Value** out) {
    if (!ref.is_string() || ref.str().empty() || ref.str()[0] != '#') {
      return Status::BuiltinError("only local $ref (\"#/...\") are supported");
    }
    std::string_view p = ref.str().substr(1);
    const Value* cur = &root_;
    while (!p.empty()) {
      if (p[0] != '/') return Status::BuiltinError("invalid $ref " + std::string(ref.str()));
      p.remove_prefix(1);
      size_t slash = p.find('/');
      std::string key(p.substr(0, slash));
      p = slash == std::string_view::npos ? std::string_view() : p.substr(slash);
      const Value* next = cur->is_object() ? cur->Find(key) : nullptr;
      if (next == nullptr) return Status::BuiltinError("Reference " + std::string(ref.str()) + " could not be resolved");
      cur = next;
    }
    *out = cur;
    return Status::OK();
  }

  Status Combinators(const Value& s, const Value& v, const std::string& field, int depth,
                     std::vector<SchemaError>* errs) {
    for (const char* k : {"anyOf", "oneOf"}) {
      const Value* list = s.Find(k);
      if (list == nullptr || !list->is_array()) continue;
      size_t valid = 0;
      std::vector<SchemaError> best;
      bool have_best = false;
      for (const Value& sub : list->array()) {
        std::vector<SchemaError> e;
        FEDRA_RETURN_IF_ERROR(Validate(sub, v, field, depth + 1, &e));
        if (e.empty()) {
          ++valid;
        } else if (!have_best || e.size() < best.size()) {
          best = std::move(e);
          have_best = true;
        }
      }
      bool any = std::string_view(k) == "anyOf";
      if (any && valid == 0) {
        errs->push_back({"number_any_of", field, "Must validate at least one schema (anyOf)"});
        errs->insert(errs->end(), best.begin(), best.end());
      } else if (!any && valid != 1) {
        errs->push_back({"number_one_of", field, "Must validate one and only one schema (oneOf)"});
        if (valid == 0) errs->insert(errs->end(), best.begin(), best.end());
      }
    }
    if (const Value* list = s.Find("allOf"); list && list->is_array()) {
      bool all = true;
      for (const Value& sub : list->array()) {
        std::vector<SchemaError> e;
        FEDRA_RETURN_IF_ERROR(Validate(sub, v, field, depth + 1, &e));
        all = all && e.empty();
        errs->insert(errs->end(), e.begin(), e.end());
      }
      if (!all) errs->push_back({"number_all_of", field, "Must validate all the schemas (allOf)"});
    }
    if (const Value* n = s.Find("not")) {
      std::vector<SchemaError> e;
      FEDRA_RETURN_IF_ERROR(Validate(*n, v, field, depth + 1, &e));
      if (e.empty()) errs->push_back({"number_not", field, "Must not validate the schema (not)"});
    }
    if (const Value* cond = s.Find("if")) {
      std::vector<SchemaError> e;
      FEDRA_RETURN_IF_ERROR(Validate(*cond, v, field, depth + 1, &e));
      const char* branch = e.empty() ? "then" : "else";
      if (const Value* b = s.Find(branch)) {
        std::vector<SchemaError> be;
        FEDRA_RETURN_IF_ERROR(Validate(*b, v, field, depth + 1, &be));
        if (!be.empty()) {
          errs->insert(errs->end(), be.begin(), be.end());
          errs->push_back({e.empty() ? "condition_then" : "condition_else", field,
                           e.empty() ? "Must validate \"then\" as \"if\" was valid"
                                     : "Must validate \"else\" as \"if\" was not valid"});
        }
      }
    }
    return Status::OK();
  }

  Status ValidateArray(const Value& s, const Value& v, const std::string& field, int depth,
                       std::vector<SchemaError>* errs) {
    std::span<const Value> items = v.array();
    if (const Value* it = s.Find("items")) {
      if (it->is_array()) {
        for (size_t i = 0; i < items.size() && i < it->array().size(); ++i) {
          FEDRA_RETURN_IF_ERROR(Validate(it->array()[i], items[i], Child(field, std::to_string(i)), depth + 1, errs));
        }
        if (items.size() > it->array().size()) {
          if (const Value* add = s.Find("additionalItems")) {
            if (add->is_false()) {
              errs->push_back({"array_no_additional_items", field, "No additional items allowed on array"});
            } else if (add->is_object()) {
              for (size_t i = it->array().size(); i < items.size(); ++i) {
                FEDRA_RETURN_IF_ERROR(Validate(*add, items[i], Child(field, std::to_string(i)), depth + 1, errs));
              }
            }
          }
        }
      } else {
        for (size_t i = 0; i < items.size(); ++i) {
          FEDRA_RETURN_IF_ERROR(Validate(*it, items[i], Child(field, std::to_string(i)), depth + 1, errs));
        }
      }
    }
    int64_t n = 0;
    if (const Value* m = s.Find("minItems"); m && m->AsInt64(&n) && static_cast<int64_t>(items.size()) < n) {
      errs->push_back({"array_min_items", field, "Array must have at least " + std::to_string(n) + " items"});
    }
    if (const Value* m = s.Find("maxItems"); m && m->AsInt64(&n) && static_cast<int64_t>(items.size()) > n) {
      errs->push_back({"array_max_items", field, "Array must have at most " + std::to_string(n) + " items"});
    }
    if (const Value* u = s.Find("uniqueItems"); u && u->is_true()) {
      for (size_t i = 0; i < items.size(); ++i) {
        for (size_t j = i + 1; j < items.size(); ++j) {
          if (items[i] == items[j]) {
            errs->push_back({"unique", field, "array items[" + std::to_string(i) + "," + std::to_string(j) +
                                                  "] must be unique"});
            i = j = items.size();
          }
        }
      }
    }
    if (const Value* c = s.Find("contains")) {
      bool any = false;
      for (const Value& e : items) {
        std::vector<SchemaError> tmp;
        FEDRA_RETURN_IF_ERROR(Validate(*c, e, field, depth + 1, &tmp));
        any = any || tmp.empty();
      }
      if (!any) errs->push_back({"contains", field, "At least one of the items must match"});
    }
    return Status::OK();
  }

  Status ValidateObject(const Value& s, const Value& v, const std::string& field, int depth,
                        std::vector<SchemaError>* errs) {
    int64_t n = 0;
    if (const Value* m = s.Find("minProperties"); m && m->AsInt64(&n) && static_cast<int64_t>(v.size()) < n) {
      errs->push_back({"array_min_properties", field, "Must have at least " + std::to_string(n) + " properties"});
    }
    if (const Value* m = s.Find("maxProperties"); m && m->AsInt64(&n) && static_cast<int64_t>(v.size()) > n) {
      errs->push_back({"array_max_properties", field, "Must have at most " + std::to_string(n) + " properties"});
    }
    if (const Value* req = s.Find("required"); req && req->is_array()) {
      for (const Value& r : req->array()) {
        if (r.is_string() && v.Find(r) == nullptr) {
          errs->push_back({"required", field, std::string(r.str()) + " is required"});
        }
      }
    }
    const Value* props = s.Find("properties");
    if (props && props->is_object()) {
      for (const auto& [k, sub] : props->object()) {
        if (const Value* e = v.Find(k)) {
          FEDRA_RETURN_IF_ERROR(Validate(sub, *e, Child(field, k.is_string() ? k.str() : ""), depth + 1, errs));
        }
      }
    }
    const Value* pattern_props = s.Find("patternProperties");
    const Value* additional = s.Find("additionalProperties");
    for (const auto& [k, e] : v.object()) {
      if (!k.is_string()) continue;
      bool described = props && props->is_object() && props->Find(k) != nullptr;
      if (pattern_props && pattern_props->is_object()) {
        for (const auto& [pat, sub] : pattern_props->object()) {
          std::string err;
          auto re = pat.is_string() ? CompileRegex(pat.str(), &err) : nullptr;
          if (re && RE2::PartialMatch(re2::StringPiece(k.str().data(), k.str().size()), *re)) {
            described = true;
            FEDRA_RETURN_IF_ERROR(Validate(sub, e, Child(field, k.str()), depth + 1, errs));
          }
        }
      }
      if (described || additional == nullptr) continue;
      if (additional->is_false()) {
        errs->push_back({"additional_property_not_allowed", field,
                         "Additional property " + std::string(k.str()) + " is not allowed"});
      } else if (additional->is_object()) {
        FEDRA_RETURN_IF_ERROR(Validate(*additional, e, Child(field, k.str()), depth + 1, errs));
      }
    }
    return Status::OK();
  }

  static void ValidateString(const Value& s, const Value& v, const std::string& field,
                             std::vector<SchemaError>* errs) {
    int64_t n = 0;
    int64_t len = static_cast<int64_t>(text::RuneCount(v.str()));
    if (const Value* m = s.Find("minLength"); m && m->AsInt64(&n) && len < n) {
      errs->push_back({"string_gte", field, "String length must be greater than or equal to " + std::to_string(n)});
    }
    if (const Value* m = s.Find("maxLength"); m && m->AsInt64(&n) && len > n) {
      errs->push_back({"string_lte", field, "String length must be less than or equal to " + std::to_string(n)});
    }
    if (const Value* p = s.Find("pattern"); p && p->is_string()) {
      std::string err;
      auto re = CompileRegex(p->str(), &err);
      if (re && !RE2::PartialMatch(re2::StringPiece(v.str().data(), v.str().size()), *re)) {
        errs->push_back({"pattern", field, "Does not match pattern '" + std::string(p->str()) + "'"});
      }
    }
  }

  static void ValidateNumber(const Value& s, const Value& v, const std::string& field,
                             std::vector<SchemaError>* errs) {
    if (const Value* m = s.Find("multipleOf"); m && m->is_number() && m->ToDouble() > 0) {
      Value rem;
      bool ok = true;
      if (v.is_integral() && m->is_integral()) {
        ok = num::Rem(v, *m, &rem).ok() && num::Compare(rem, Value::Int(0)) == 0;
      } else {
        double q = v.ToDouble() / m->ToDouble();
        ok = std::fabs(q - std::round(q)) < 1e-9;
      }
      if (!ok) errs->push_back({"multiple_of", field, "Must be a multiple of " + num::Format(*m)});
    }
    const Value* max = s.Find("maximum");
    const Value* xmax = s.Find("exclusiveMaximum");
    if (max && max->is_number()) {
      bool exclusive = xmax && xmax->is_true();
      int c = num::Compare(v, *max);
      if (exclusive ? c >= 0 : c > 0) {
        errs->push_back({exclusive ? "number_lt" : "number_lte", field,
                         std::string(exclusive ? "Must be less than " : "Must be less than or equal to ") +
                             num::Format(*max)});
      }
    }
    if (xmax && xmax->is_number() && num::Compare(v, *xmax) >= 0) {
      errs->push_back({"number_lt", field, "Must be less than " + num::Format(*xmax)});
    }
    const Value* min = s.Find("minimum");
    const Value* xmin = s.Find("exclusiveMinimum");
    if (min && min->is_number()) {
      bool exclusive = xmin && xmin->is_true();
      int c = num::Compare(v, *min);
      if (exclusive ? c <= 0 : c < 0) {
        errs->push_back({exclusive ? "number_gt" : "number_gte", field,
                         std::string(exclusive ? "Must be greater than " : "Must be greater than or equal to ") +
                             num::Format(*min)});
      }
    }
    if (xmin && xmin->is_number() && num::Compare(v, *xmin) <= 0) {
      errs->push_back({"number_gt", field, "Must be greater than " + num::Format(*xmin)});
    }
  }

  const Value& root_;
};

// A schema or document argument: a JSON string, an object or an array.
Status LoadArg(const Value& v, Value* out) {
  if (v.is_string()) {
    if (!ParseJson(v.str(), out).ok()) return Status::BuiltinError("invalid JSON string");
    return Status::OK();
  }
  if (v.is_object() || v.is_array()) {
    *out = v;
    return Status::OK();
  }
  return Status::BuiltinError("wrong type, expected string or object");
}

Status VerifySchema(Context&, Args args, Value* out) {
  Value schema;
  Status st = LoadArg(args[0], &schema);
  if (st.ok()) st = CheckSchema(schema, schema, 0);
  if (!st.ok()) {
    *out = Value::Array({Value::Bool(false), Value::String("jsonschema: " + std::string(st.message()))});
  } else {
    *out = Value::Array({Value::Bool(true), Value::Null()});
  }
  return Status::OK();
}

Status MatchSchema(Context&, Args args, Value* out) {
  Value doc, schema;
  FEDRA_RETURN_IF_ERROR(LoadArg(args[0], &doc));
  FEDRA_RETURN_IF_ERROR(LoadArg(args[1], &schema));
  FEDRA_RETURN_IF_ERROR(CheckSchema(schema, schema, 0));
  std::vector<SchemaError> errs;
  Validator validator(schema);
  FEDRA_RETURN_IF_ERROR(validator.Validate(schema, doc, "(root)", 0, &errs));
  std::vector<Value> list;
  for (const SchemaError& e : errs) {
    list.push_back(Value::Object({{Value::String(std::string_view("error")), Value::String(e.field + ": " + e.desc)},
                                  {Value::String(std::string_view("type")), Value::String(e.type)},
                                  {Value::String(std::string_view("field")), Value::String(e.field)},
                                  {Value::String(std::string_view("desc")), Value::String(e.desc)}}));
  }
  bool ok = list.empty();
  *out = Value::Array({Value::Bool(ok), Value::Array(std::move(list))});
  return Status::OK();
}

}  // namespace

void RegisterJsonSchema(Registry& r) {
  r.Add("json.verify_schema", 1, VerifySchema);
  r.Add("json.match_schema", 2, MatchSchema);
}

}  // namespace fedra::builtins
