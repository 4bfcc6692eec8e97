#include "builtins/graphql_ast_json.h"

#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "builtins/graphql_parser.h"

namespace fedra::builtins {
namespace {

// --- encoding ---------------------------------------------------------------

// Builds one pruned object: strings, booleans and numbers always stay;
// arrays and objects only when non-empty; absent pointers are skipped.
class Obj {
 public:
  Obj& Str(const char* k, const std::string& s) { return Put(k, Value::String(s)); }
  Obj& Bool(const char* k, bool b) { return Put(k, Value::Bool(b)); }
  Obj& Int(const char* k, int64_t i) { return Put(k, Value::Int(i)); }
  Obj& Sub(const char* k, Value v) {
    if (v.defined() && !v.empty()) Put(k, std::move(v));
    return *this;
  }
  template <typename T, typename F>
  Obj& List(const char* k, const std::vector<T>& items, F&& enc) {
    std::vector<Value> out;
    for (const auto& it : items) {
      Value v = enc(it);
      if (v.defined() && !(v.is_collection() && v.empty())) out.push_back(std::move(v));
    }
    if (!out.empty()) Put(k, Value::Array(std::move(out)));
    return *this;
  }
  Value Done() { return Value::Object(std::move(entries_)); }

 private:
  Obj& Put(const char* k, Value v) {
    entries_.emplace_back(Value::String(k), std::move(v));
    return *this;
  }
  std::vector<ObjectEntry> entries_;
};

Value EncValue(const std::shared_ptr<GqlValue>& v);

Value EncChild(const GqlChildValue& c) {
  return Obj().Str("Name", c.name).Sub("Value", EncValue(c.value)).Done();
}

Value EncValue(const std::shared_ptr<GqlValue>& v) {
  if (!v) return Value();
  return Obj()
      .Str("Raw", v->raw)
      .Int("Kind", static_cast<int>(v->kind))
      .Bool("ExpectedTypeHasDefault", v->expected_type_has_default)
      .List("Children", v->children, EncChild)
      .Done();
}

Value EncType(const std::shared_ptr<GqlType>& t) {
  if (!t) return Value();
  return Obj()
      .Str("NamedType", t->named)
      .Bool("NonNull", t->non_null)
      .Sub("Elem", EncType(t->elem))
      .Done();
}

Value EncArgument(const GqlArgument& a) {
  return Obj().Str("Name", a.name).Sub("Value", EncValue(a.value)).Done();
}

Value EncDirective(const GqlDirective& d) {
  return Obj()
      .Str("Name", d.name)
      .Str("Location", d.location)
      .List("Arguments", d.arguments, EncArgument)
      .Done();
}

Value EncVariable(const GqlVariableDefinition& v) {
  return Obj()
      .Str("Variable", v.variable)
      .Bool("Used", v.used)
      .Sub("Type", EncType(v.type))
      .Sub("DefaultValue", EncValue(v.default_value))
      .List("Directives", v.directives, EncDirective)
      .Done();
}

Value EncSelection(const GqlSelection& s) {
  Obj o;
  switch (s.kind) {
    case GqlSelection::kField:
      o.Str("Alias", s.alias).Str("Name", s.name).List("Arguments", s.arguments, EncArgument);
      break;
    case GqlSelection::kFragmentSpread:
      o.Str("Name", s.name);
      break;
    case GqlSelection::kInlineFragment:
      o.Str("TypeCondition", s.type_condition);
      break;
  }
  o.List("Directives", s.directives, EncDirective);
  if (s.kind != GqlSelection::kFragmentSpread) o.List("SelectionSet", s.selection_set, EncSelection);
  return o.Done();
}

Value EncArgDef(const GqlArgumentDefinition& a) {
  return Obj()
      .Str("Description", a.description)
      .Str("Name", a.name)
      .Sub("DefaultValue", EncValue(a.default_value))
      .Sub("Type", EncType(a.type))
      .List("Directives", a.directives, EncDirective)
      .Done();
}

Value EncFieldDef(const GqlFieldDefinition& f) {
  return Obj()
      .Str("Description", f.description)
      .Str("Name", f.name)
      .List("Arguments", f.arguments, EncArgDef)
      .Sub("DefaultValue", EncValue(f.default_value))
      .Sub("Type", EncType(f.type))
      .List("Directives", f.directives, EncDirective)
      .Done();
}

Value EncEnumValue(const GqlEnumValueDefinition& e) {
  return Obj()
      .Str("Description", e.description)
      .Str("Name", e.name)
      .List("Directives", e.directives, EncDirective)
      .Done();
}

Value EncString(const std::string& s) { return Value::String(s); }

Value EncDefinition(const GqlDefinition& d) {
  return Obj()
      .Str("Kind", d.kind)
      .Str("Description", d.description)
      .Str("Name", d.name)
      .Bool("BuiltIn", d.built_in)
      .List("Directives", d.directives, EncDirective)
      .List("Interfaces", d.interfaces, EncString)
      .List("Fields", d.fields, EncFieldDef)
      .List("Types", d.types, EncString)
      .List("EnumValues", d.enum_values, EncEnumValue)
      .Done();
}

Value EncOperationType(const GqlOperationType& o) {
  return Obj().Str("Operation", o.operation).Str("Type", o.type).Done();
}

Value EncSchemaDef(const GqlSchemaDefinition& s) {
  return Obj()
      .Str("Description", s.description)
      .List("Directives", s.directives, EncDirective)
      .List("OperationTypes", s.operation_types, EncOperationType)
      .Done();
}

Value EncDirectiveDef(const GqlDirectiveDefinition& d) {
  return Obj()
      .Str("Description", d.description)
      .Str("Name", d.name)
      .Bool("IsRepeatable", d.repeatable)
      .List("Arguments", d.arguments, EncArgDef)
      .List("Locations", d.locations, EncString)
      .Done();
}

// --- decoding ---------------------------------------------------------------

bool FoldEq(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

class Decoder {
 public:
  std::string error;

  bool Fail(std::string msg) {
    if (error.empty()) error = std::move(msg);
    return false;
  }

  // The member of `obj` that Go would store into field `name`: the last key
  // matching exactly, or (unless `exact`) case-insensitively.
  static const Value* Field(const Value& obj, std::string_view name, bool exact) {
    const Value* found = nullptr;
    for (const auto& [k, v] : obj.object()) {
      if (!k.is_string()) continue;
      if (k.str() == name || (!exact && FoldEq(k.str(), name))) found = &v;
    }
    return found;
  }

  bool Str(const Value& obj, std::string_view name, bool exact, std::string* out) {
    const Value* v = Field(obj, name, exact);
    if (v == nullptr || v->is_null()) return true;
    if (!v->is_string()) return TypeErr(*v, name, "string");
    *out = std::string(v->str());
    return true;
  }
  bool Bool(const Value& obj, std::string_view name, bool* out) {
    const Value* v = Field(obj, name, false);
    if (v == nullptr || v->is_null()) return true;
    if (!v->is_bool()) return TypeErr(*v, name, "bool");
    *out = v->bool_value();
    return true;
  }
  bool TypeErr(const Value& v, std::string_view field, std::string_view go_type) {
    std::string_view kind = v.is_number() ? "number" : v.is_array() ? "array"
                          : v.is_object() ? "object" : KindName(v.kind());
    return Fail("json: cannot unmarshal " + std::string(kind) + " into Go struct field ." +
                std::string(field) + " of type " + std::string(go_type));
  }
  bool IsObject(const Value& v, std::string_view what) {
    if (v.is_object()) return true;
    return TypeErr(v, what, "object");
  }

  // A JSON array of T; null leaves the list empty; null elements are
  // rejected (gqlparser would dereference them).
  template <typename T, typename F>
  bool List(const Value& obj, std::string_view name, bool exact, std::vector<T>* out, F&& dec) {
    const Value* v = Field(obj, name, exact);
    if (v == nullptr || v->is_null()) return true;
    if (!v->is_array()) return TypeErr(*v, name, "array");
    out->clear();
    for (const Value& item : v->array()) {
      if (item.is_null()) return Fail("graphql: null element in " + std::string(name));
      T t;
      if (!dec(item, &t)) return false;
      out->push_back(std::move(t));
    }
    return true;
  }
  bool Strings(const Value& obj, std::string_view name, std::vector<std::string>* out) {
    return List(obj, name, false, out, [&](const Value& v, std::string* s) {
      if (!v.is_string()) return TypeErr(v, name, "string");
      *s = std::string(v.str());
      return true;
    });
  }

  bool Enter() {
    if (++depth_ > 4 * kGqlMaxDepth) return Fail("graphql: AST nesting too deep");
    return true;
  }
  void Leave() { --depth_; }

  bool ValuePtr(const Value& obj, std::string_view name, bool exact, std::shared_ptr<GqlValue>* out) {
    const Value* v = Field(obj, name, exact);
    if (v == nullptr || v->is_null()) return true;
    auto gv = std::make_shared<GqlValue>();
    if (!DecValue(*v, gv.get())) return false;
    *out = std::move(gv);
    return true;
  }

  bool DecValue(const Value& v, GqlValue* out) {
    if (!IsObject(v, "Value") || !Enter()) return false;
    bool ok = Str(v, "Raw", false, &out->raw) && Bool(v, "ExpectedTypeHasDefault", &out->expected_type_has_default);
    if (ok) {
      const Value* k = Field(v, "Kind", false);
      if (k != nullptr && !k->is_null()) {
        int64_t n = 0;
        if (!k->is_number() || !k->AsInt64(&n)) {
          ok = TypeErr(*k, "Kind", "ast.ValueKind");
        } else {
          out->kind = static_cast<GqlValueKind>(n);
        }
      }
    }
    ok = ok && List(v, "Children", false, &out->children, [&](const Value& c, GqlChildValue* cv) {
      if (!IsObject(c, "Children")) return false;
      return Str(c, "Name", false, &cv->name) && ValuePtr(c, "Value", false, &cv->value);
    });
    Leave();
    return ok;
  }

  bool TypePtr(const Value& obj, std::string_view name, std::shared_ptr<GqlType>* out) {
    const Value* v = Field(obj, name, false);
    if (v == nullptr || v->is_null()) return true;
    if (!IsObject(*v, name) || !Enter()) return false;
    auto t = std::make_shared<GqlType>();
    bool ok = Str(*v, "NamedType", false, &t->named) && Bool(*v, "NonNull", &t->non_null) &&
              TypePtr(*v, "Elem", &t->elem);
    Leave();
    if (ok) *out = std::move(t);
    return ok;
  }

  bool DecArgument(const Value& v, GqlArgument* a) {
    return IsObject(v, "Arguments") && Str(v, "Name", false, &a->name) &&
           ValuePtr(v, "Value", false, &a->value);
  }
  bool Arguments(const Value& obj, bool exact, std::vector<GqlArgument>* out) {
    return List(obj, "Arguments", exact, out,
                [&](const Value& v, GqlArgument* a) { return DecArgument(v, a); });
  }
  bool Directives(const Value& obj, bool exact, std::vector<GqlDirective>* out) {
    return List(obj, "Directives", exact, out, [&](const Value& v, GqlDirective* d) {
      return IsObject(v, "Directives") && Str(v, "Name", false, &d->name) &&
             Arguments(v, false, &d->arguments) && Str(v, "Location", false, &d->location);
    });
  }
  bool Variables(const Value& obj, std::string_view name, bool exact,
                 std::vector<GqlVariableDefinition>* out) {
    return List(obj, name, exact, out, [&](const Value& v, GqlVariableDefinition* d) {
      return IsObject(v, name) && Str(v, "Variable", false, &d->variable) &&
             TypePtr(v, "Type", &d->type) && ValuePtr(v, "DefaultValue", false, &d->default_value) &&
             Directives(v, false, &d->directives) && Bool(v, "Used", &d->used);
    });
  }

  // gqlparser's UnmarshalSelectionSet: try a field, then a fragment spread,
  // then an inline fragment; an item none of them accepts is dropped.
  bool SelectionSet(const Value& obj, std::vector<GqlSelection>* out) {
    const Value* v = Field(obj, "SelectionSet", true);
    if (v == nullptr || v->is_null()) return true;
    if (!v->is_array()) return TypeErr(*v, "SelectionSet", "array");
    if (!Enter()) return false;
    out->clear();
    for (const Value& item : v->array()) {
      GqlSelection sel;
      if (item.is_object()) {
        if (TryField(item, &sel) || TrySpread(item, &sel) || TryInline(item, &sel)) {
          out->push_back(std::move(sel));
        } else if (depth_exceeded_) {
          Leave();
          return false;
        }
      }
    }
    Leave();
    return true;
  }
  // Runs one attempt with its own error slot, so a failed attempt does not
  // poison the next one.
  bool Attempt(const std::function<bool()>& f) {
    std::string saved = std::move(error);
    error.clear();
    bool ok = f();
    if (!ok && error.find("too deep") != std::string::npos) depth_exceeded_ = true;
    error = ok ? std::move(saved) : (depth_exceeded_ ? error : std::move(saved));
    return ok;
  }
  bool TryField(const Value& v, GqlSelection* s) {
    *s = GqlSelection();
    s->kind = GqlSelection::kField;
    return Attempt([&] {
      return Str(v, "Alias", true, &s->alias) && Str(v, "Name", true, &s->name) &&
             Arguments(v, true, &s->arguments) && Directives(v, true, &s->directives) &&
             SelectionSet(v, &s->selection_set);
    });
  }
  bool TrySpread(const Value& v, GqlSelection* s) {
    *s = GqlSelection();
    s->kind = GqlSelection::kFragmentSpread;
    return Attempt([&] { return Str(v, "Name", false, &s->name) && Directives(v, false, &s->directives); });
  }
  bool TryInline(const Value& v, GqlSelection* s) {
    *s = GqlSelection();
    s->kind = GqlSelection::kInlineFragment;
    return Attempt([&] {
      return Str(v, "TypeCondition", true, &s->type_condition) && Directives(v, true, &s->directives) &&
             SelectionSet(v, &s->selection_set);
    });
  }

  bool ArgDefs(const Value& obj, std::vector<GqlArgumentDefinition>* out) {
    return List(obj, "Arguments", false, out, [&](const Value& v, GqlArgumentDefinition* a) {
      return IsObject(v, "Arguments") && Str(v, "Description", false, &a->description) &&
             Str(v, "Name", false, &a->name) && ValuePtr(v, "DefaultValue", false, &a->default_value) &&
             TypePtr(v, "Type", &a->type) && Directives(v, false, &a->directives);
    });
  }

  bool DecDefinition(const Value& v, GqlDefinition* d) {
    return IsObject(v, "Definitions") && Str(v, "Kind", false, &d->kind) &&
           Str(v, "Description", false, &d->description) && Str(v, "Name", false, &d->name) &&
           Directives(v, false, &d->directives) && Strings(v, "Interfaces", &d->interfaces) &&
           List(v, "Fields", false, &d->fields,
                [&](const Value& f, GqlFieldDefinition* fd) {
                  return IsObject(f, "Fields") && Str(f, "Description", false, &fd->description) &&
                         Str(f, "Name", false, &fd->name) && ArgDefs(f, &fd->arguments) &&
                         ValuePtr(f, "DefaultValue", false, &fd->default_value) &&
                         TypePtr(f, "Type", &fd->type) && Directives(f, false, &fd->directives);
                }) &&
           Strings(v, "Types", &d->types) &&
           List(v, "EnumValues", false, &d->enum_values,
                [&](const Value& e, GqlEnumValueDefinition* ev) {
                  return IsObject(e, "EnumValues") && Str(e, "Description", false, &ev->description) &&
                         Str(e, "Name", false, &ev->name) && Directives(e, false, &ev->directives);
                }) &&
           Bool(v, "BuiltIn", &d->built_in);
  }

  bool DecSchemaDef(const Value& v, GqlSchemaDefinition* s) {
    return IsObject(v, "Schema") && Str(v, "Description", false, &s->description) &&
           Directives(v, false, &s->directives) &&
           List(v, "OperationTypes", false, &s->operation_types,
                [&](const Value& o, GqlOperationType* ot) {
                  return IsObject(o, "OperationTypes") && Str(o, "Operation", false, &ot->operation) &&
                         Str(o, "Type", false, &ot->type);
                });
  }

 private:
  int depth_ = 0;
  bool depth_exceeded_ = false;
};

}  // namespace

Value GqlQueryToValue(const GqlQueryDocument& doc) {
  return Obj()
      .List("Operations", doc.operations,
            [](const GqlOperation& op) {
              return Obj()
                  .Str("Operation", op.operation)
                  .Str("Name", op.name)
                  .List("VariableDefinitions", op.variables, EncVariable)
                  .List("Directives", op.directives, EncDirective)
                  .List("SelectionSet", op.selection_set, EncSelection)
                  .Done();
            })
      .List("Fragments", doc.fragments,
            [](const GqlFragment& f) {
              return Obj()
                  .Str("Name", f.name)
                  .Str("TypeCondition", f.type_condition)
                  .List("VariableDefinition", f.variables, EncVariable)
                  .List("Directives", f.directives, EncDirective)
                  .List("SelectionSet", f.selection_set, EncSelection)
                  .Done();
            })
      .Done();
}

Value GqlSchemaToValue(const GqlSchemaDocument& doc) {
  return Obj()
      .List("Schema", doc.schema, EncSchemaDef)
      .List("SchemaExtension", doc.schema_extension, EncSchemaDef)
      .List("Directives", doc.directives, EncDirectiveDef)
      .List("Definitions", doc.definitions, EncDefinition)
      .List("Extensions", doc.extensions, EncDefinition)
      .Done();
}

bool GqlQueryFromValue(const Value& v, GqlQueryDocument* doc, std::string* error) {
  Decoder d;
  bool ok = v.is_object() &&
            d.List(v, "Operations", false, &doc->operations,
                   [&](const Value& o, GqlOperation* op) {
                     return d.IsObject(o, "Operations") && d.Str(o, "Operation", true, &op->operation) &&
                            d.Str(o, "Name", true, &op->name) &&
                            d.Variables(o, "VariableDefinitions", true, &op->variables) &&
                            d.Directives(o, true, &op->directives) &&
                            d.SelectionSet(o, &op->selection_set);
                   }) &&
            d.List(v, "Fragments", false, &doc->fragments, [&](const Value& o, GqlFragment* f) {
              return d.IsObject(o, "Fragments") && d.Str(o, "Name", true, &f->name) &&
                     d.Variables(o, "VariableDefinition", true, &f->variables) &&
                     d.Str(o, "TypeCondition", true, &f->type_condition) &&
                     d.Directives(o, true, &f->directives) && d.SelectionSet(o, &f->selection_set);
            });
  if (!ok) *error = d.error.empty() ? "json: cannot unmarshal into ast.QueryDocument" : d.error;
  return ok;
}

bool GqlSchemaFromValue(const Value& v, GqlSchemaDocument* doc, std::string* error) {
  Decoder d;
  auto schema_def = [&](const Value& o, GqlSchemaDefinition* s) { return d.DecSchemaDef(o, s); };
  auto definition = [&](const Value& o, GqlDefinition* def) { return d.DecDefinition(o, def); };
  bool ok = v.is_object() && d.List(v, "Schema", false, &doc->schema, schema_def) &&
            d.List(v, "SchemaExtension", false, &doc->schema_extension, schema_def) &&
            d.List(v, "Directives", false, &doc->directives,
                   [&](const Value& o, GqlDirectiveDefinition* dd) {
                     return d.IsObject(o, "Directives") && d.Str(o, "Description", false, &dd->description) &&
                            d.Str(o, "Name", false, &dd->name) && d.ArgDefs(o, &dd->arguments) &&
                            d.Strings(o, "Locations", &dd->locations) &&
                            d.Bool(o, "IsRepeatable", &dd->repeatable);
                   }) &&
            d.List(v, "Definitions", false, &doc->definitions, definition) &&
            d.List(v, "Extensions", false, &doc->extensions, definition);
  if (!ok) *error = d.error.empty() ? "json: cannot unmarshal into ast.SchemaDocument" : d.error;
  return ok;
}

}  // namespace fedra::builtins
