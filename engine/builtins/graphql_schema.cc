// Schema side of graphql_validate.h: gqlparser's ValidateSchemaDocument.
#include <algorithm>
#include <string_view>

#include "builtins/graphql_lexer.h"
#include "builtins/graphql_validate.h"

namespace fedra::builtins {
namespace {

class SchemaBuilder {
 public:
  SchemaBuilder(GqlSchema* s, GqlError* e) : s_(s), e_(e) {}

  bool Fail(GqlPos pos, std::string msg) {
    e_->message = std::move(msg);
    e_->pos = pos;
    return false;
  }

  static bool IsInputType(const GqlDefinition* d) {
    return d->kind == "SCALAR" || d->kind == "ENUM" || d->kind == "INPUT_OBJECT";
  }
  static std::string TypeName(const std::shared_ptr<GqlType>& t) {
    const GqlType* p = t.get();
    int guard = 0;
    while (p != nullptr && p->named.empty() && p->elem && ++guard < 100000) p = p->elem.get();
    return p == nullptr ? "" : p->named;
  }
  GqlDefinition* Lookup(const std::string& name) const {
    auto it = s_->types.find(name);
    return it == s_->types.end() ? nullptr : it->second;
  }
  void AddPossible(const std::string& name, const GqlDefinition* d) {
    s_->possible_types[name].push_back(d);
  }

  bool ValidateName(GqlPos pos, const std::string& name) {
    if (name.rfind("__", 0) == 0) {
      return Fail(pos, "Name \"" + name +
                           "\" must not begin with \"__\", which is reserved by GraphQL introspection.");
    }
    return true;
  }
  bool ValidateTypeRef(const std::shared_ptr<GqlType>& t) {
    if (!t || Lookup(TypeName(t)) == nullptr) {
      return Fail(t ? t->pos : GqlPos{}, "Undefined type " + TypeName(t) + ".");
    }
    return true;
  }
  bool ValidateDirectives(const std::vector<GqlDirective>& dirs, std::string_view location,
                          const GqlDirectiveDefinition* current) {
    for (const auto& d : dirs) {
      if (!ValidateName(d.pos, d.name)) return false;
      if (current != nullptr && d.name == current->name) {
        return Fail(d.pos, "Directive " + current->name + " cannot refer to itself.");
      }
      auto it = s_->directives.find(d.name);
      if (it == s_->directives.end()) return Fail(d.pos, "Undefined directive " + d.name + ".");
      const auto& locs = it->second->locations;
      if (std::find(locs.begin(), locs.end(), location) == locs.end()) {
        return Fail(d.pos, "Directive " + d.name + " is not applicable on " + std::string(location) + ".");
      }
    }
    return true;
  }
  bool ValidateArgs(const std::vector<GqlArgumentDefinition>& args,
                    const GqlDirectiveDefinition* current) {
    for (const auto& a : args) {
      if (!ValidateName(a.pos, a.name) || !ValidateTypeRef(a.type)) return false;
      const GqlDefinition* d = Lookup(TypeName(a.type));
      if (!IsInputType(d)) {
        return Fail(a.pos, "cannot use " + GqlTypeString(*a.type) + " as argument " + a.name +
                               " because " + d->kind + " is not a valid input type");
      }
      if (!ValidateDirectives(a.directives, "ARGUMENT_DEFINITION", current)) return false;
    }
    return true;
  }

  bool IsCovariant(const GqlType* required, const GqlType* actual) {
    for (int guard = 0; guard < 100000; ++guard) {
      if (required == nullptr || actual == nullptr) return false;
      if (required->non_null && !actual->non_null) return false;
      if (!required->named.empty()) {
        if (required->named == actual->named) return true;
        auto it = s_->possible_types.find(required->named);
        if (it != s_->possible_types.end()) {
          for (const auto* pt : it->second) {
            if (pt != nullptr && pt->name == actual->named) return true;
          }
        }
        return false;
      }
      if (required->elem && !actual->elem) return false;
      required = required->elem.get();
      actual = actual->elem.get();
    }
    return false;
  }

  static const GqlFieldDefinition* FieldFor(const GqlDefinition& d, const std::string& name) {
    for (const auto& f : d.fields) {
      if (f.name == name) return &f;
    }
    return nullptr;
  }

  bool ValidateImplements(const GqlDefinition& def, const std::string& intf_name) {
    const GqlDefinition* intf = Lookup(intf_name);
    if (intf == nullptr) return Fail(def.pos, "Undefined type " + GoQuote(intf_name) + ".");
    if (intf->kind != "INTERFACE") {
      return Fail(def.pos, GoQuote(intf_name) + " is a non interface type " + intf->kind + ".");
    }
    for (const auto& req : intf->fields) {
      const GqlFieldDefinition* found = FieldFor(def, req.name);
      if (found == nullptr) {
        return Fail(def.pos, "For " + def.name + " to implement " + intf->name +
                                 " it must have a field called " + req.name + ".");
      }
      if (!IsCovariant(req.type.get(), found->type.get())) {
        return Fail(found->pos, "For " + def.name + " to implement " + intf->name + " the field " +
                                    req.name + " must have type " +
                                    (req.type ? GqlTypeString(*req.type) : "") + ".");
      }
      for (const auto& ra : req.arguments) {
        const GqlArgumentDefinition* fa = nullptr;
        for (const auto& a : found->arguments) {
          if (a.name == ra.name) fa = &a;
          if (fa != nullptr) break;
        }
        if (fa == nullptr) {
          return Fail(found->pos, "For " + def.name + " to implement " + intf->name + " the field " +
                                      req.name + " must have the same arguments but it is missing " +
                                      ra.name + ".");
        }
        if (!ra.type || !fa->type || GqlTypeString(*ra.type) != GqlTypeString(*fa->type)) {
          return Fail(fa->pos, "For " + def.name + " to implement " + intf->name + " the field " +
                                   req.name + " must have the same arguments but " + ra.name +
                                   " has the wrong type.");
        }
      }
      for (const auto& fa : found->arguments) {
        bool in_required = false;
        for (const auto& ra : req.arguments) in_required = in_required || ra.name == fa.name;
        if (!in_required && fa.type && fa.type->non_null && !fa.default_value) {
          return Fail(fa.pos, "For " + def.name + " to implement " + intf->name +
                                  " any additional arguments on " + found->name +
                                  " must be optional or have a default value but " + fa.name +
                                  " is required.");
        }
      }
    }
    for (const auto& transitive : intf->interfaces) {
      if (std::find(def.interfaces.begin(), def.interfaces.end(), transitive) == def.interfaces.end()) {
        if (transitive == def.name) {
          return Fail(def.pos, "Type " + def.name + " cannot implement " + intf_name +
                                   " because it would create a circular reference.");
        }
        return Fail(def.pos, "Type " + def.name + " must implement " + transitive +
                                 " because it is implemented by " + intf_name + ".");
      }
    }
    return true;
  }

  bool ValidateDefinition(const GqlDefinition& def) {
    for (const auto& f : def.fields) {
      if (!ValidateName(f.pos, f.name) || !ValidateTypeRef(f.type) || !ValidateArgs(f.arguments, nullptr) ||
          !ValidateDirectives(f.directives,
                              def.kind == "INPUT_OBJECT" ? "INPUT_FIELD_DEFINITION" : "FIELD_DEFINITION",
                              nullptr)) {
        return false;
      }
    }
    for (const auto& t : def.types) {
      const GqlDefinition* td = Lookup(t);
      if (td == nullptr) return Fail(def.pos, "Undefined type " + GoQuote(t) + ".");
      if (td->kind != "OBJECT") {
        return Fail(def.pos, def.kind + " type " + GoQuote(t) + " must be OBJECT.");
      }
    }
    for (const auto& i : def.interfaces) {
      if (!ValidateImplements(def, i)) return false;
    }
    if (def.kind == "OBJECT" || def.kind == "INTERFACE") {
      if (def.fields.empty()) return Fail(def.pos, def.kind + " " + def.name + ": must define one or more fields.");
      for (const auto& f : def.fields) {
        const GqlDefinition* t = Lookup(TypeName(f.type));
        if (t != nullptr && t->kind == "INPUT_OBJECT") {
          return Fail(f.pos, def.kind + " " + def.name +
                                 ": field must be one of SCALAR, OBJECT, INTERFACE, UNION, ENUM.");
        }
      }
    } else if (def.kind == "ENUM") {
      if (def.enum_values.empty()) {
        return Fail(def.pos, def.kind + " " + def.name + ": must define one or more unique enum values.");
      }
      for (const auto& v : def.enum_values) {
        if (v.name == "true" || v.name == "false" || v.name == "null") {
          return Fail(def.pos, def.kind + " " + def.name + ": non-enum value " + v.name + ".");
        }
      }
    } else if (def.kind == "INPUT_OBJECT") {
      if (def.fields.empty()) {
        return Fail(def.pos, def.kind + " " + def.name + ": must define one or more input fields.");
      }
      for (const auto& f : def.fields) {
        const GqlDefinition* t = Lookup(TypeName(f.type));
        if (t != nullptr && !IsInputType(t)) {
          return Fail(f.pos, t->kind + " " + f.name + ": field must be one of SCALAR, ENUM, INPUT_OBJECT.");
        }
      }
    }
    for (size_t i = 0; i < def.fields.size(); ++i) {
      for (size_t j = i + 1; j < def.fields.size(); ++j) {
        if (def.fields[i].name == def.fields[j].name) {
          return Fail(def.fields[j].pos, "Field " + def.name + "." + def.fields[j].name +
                                             " can only be defined once.");
        }
      }
    }
    if (!def.built_in && !ValidateName(def.pos, def.name)) return false;
    return ValidateDirectives(def.directives, def.kind, nullptr);
  }

  bool SetRoot(const GqlOperationType& ot) {
    GqlDefinition* d = Lookup(ot.type);
    if (d == nullptr) {
      return Fail(ot.pos, "Schema root " + ot.operation + " refers to a type " + ot.type +
                              " that does not exist.");
    }
    if (ot.operation == "query") s_->query = d;
    if (ot.operation == "mutation") s_->mutation = d;
    if (ot.operation == "subscription") s_->subscription = d;
    return true;
  }

  bool Build(const GqlSchemaDocument& user) {
    const GqlSchemaDocument& prelude = GqlPrelude();
    std::vector<const GqlDefinition*> defs_in, exts;
    for (const auto& d : prelude.definitions) defs_in.push_back(&d);
    for (const auto& d : user.definitions) defs_in.push_back(&d);
    for (const auto& d : prelude.extensions) exts.push_back(&d);
    for (const auto& d : user.extensions) exts.push_back(&d);

    std::vector<GqlDefinition*> defs;
    for (const GqlDefinition* d : defs_in) {
      if (Lookup(d->name) != nullptr) return Fail(d->pos, "Cannot redeclare type " + d->name + ".");
      s_->storage.push_back(*d);
      s_->types[d->name] = &s_->storage.back();
      defs.push_back(&s_->storage.back());
    }
    for (const GqlDefinition* ext : exts) {
      GqlDefinition* def = Lookup(ext->name);
      if (def == nullptr) {
        GqlDefinition fresh;
        fresh.kind = ext->kind;
        fresh.name = ext->name;
        fresh.pos = ext->pos;
        s_->storage.push_back(std::move(fresh));
        def = &s_->storage.back();
        s_->types[ext->name] = def;
        defs.push_back(def);
      }
      if (def->kind != ext->kind) {
        return Fail(ext->pos, "Cannot extend type " + ext->name + " because the base type is a " +
                                  def->kind + ", not " + ext->kind + ".");
      }
      def->directives.insert(def->directives.end(), ext->directives.begin(), ext->directives.end());
      def->interfaces.insert(def->interfaces.end(), ext->interfaces.begin(), ext->interfaces.end());
      def->fields.insert(def->fields.end(), ext->fields.begin(), ext->fields.end());
      def->types.insert(def->types.end(), ext->types.begin(), ext->types.end());
      def->enum_values.insert(def->enum_values.end(), ext->enum_values.begin(), ext->enum_values.end());
    }
    for (GqlDefinition* def : defs) {
      if (def->kind == "UNION") {
        for (const auto& t : def->types) AddPossible(def->name, Lookup(t));
      } else if (def->kind == "INPUT_OBJECT" || def->kind == "OBJECT") {
        for (const auto& i : def->interfaces) AddPossible(i, def);
        AddPossible(def->name, def);
      } else if (def->kind == "INTERFACE") {
        for (const auto& i : def->interfaces) AddPossible(i, def);
      }
    }
    std::vector<const GqlDirectiveDefinition*> dirs;
    for (const auto& d : prelude.directives) dirs.push_back(&d);
    for (const auto& d : user.directives) dirs.push_back(&d);
    for (const GqlDirectiveDefinition* d : dirs) {
      if (s_->directives.count(d->name) != 0) {
        if (d->name == "include" || d->name == "skip" || d->name == "deprecated" || d->name == "specifiedBy") {
          continue;  // keeps the first definition of a builtin directive
        }
        return Fail(d->pos, "Cannot redeclare directive " + d->name + ".");
      }
      s_->directives[d->name] = d;
    }
    std::vector<const GqlSchemaDefinition*> schemas;
    for (const auto& sd : prelude.schema) schemas.push_back(&sd);
    for (const auto& sd : user.schema) schemas.push_back(&sd);
    if (schemas.size() > 1) {
      return Fail(schemas[1]->pos,
                  "Cannot have multiple schema entry points, consider schema extensions instead.");
    }
    if (schemas.size() == 1) {
      for (const auto& ot : schemas[0]->operation_types) {
        if (!SetRoot(ot)) return false;
      }
    }
    for (const auto& ext : user.schema_extension) {
      for (const auto& ot : ext.operation_types) {
        if (!SetRoot(ot)) return false;
      }
    }
    for (const auto& [name, def] : s_->types) {  // std::map: sorted, as gqlparser sorts
      if (!ValidateDefinition(*def)) return false;
    }
    for (const auto& [name, dir] : s_->directives) {
      if (!ValidateName(dir->pos, dir->name) || !ValidateArgs(dir->arguments, dir)) return false;
    }
    if (schemas.empty()) {
      if (s_->query == nullptr) s_->query = Lookup("Query");
      if (s_->mutation == nullptr) s_->mutation = Lookup("Mutation");
      if (s_->subscription == nullptr) s_->subscription = Lookup("Subscription");
    }
    if (s_->query != nullptr) {
      GqlDefinition* q = Lookup(s_->query->name);
      GqlFieldDefinition schema_field;
      schema_field.name = "__schema";
      schema_field.type = std::make_shared<GqlType>();
      schema_field.type->named = "__Schema";
      schema_field.type->non_null = true;
      GqlFieldDefinition type_field;
      type_field.name = "__type";
      type_field.type = std::make_shared<GqlType>();
      type_field.type->named = "__Type";
      GqlArgumentDefinition name_arg;
      name_arg.name = "name";
      name_arg.type = std::make_shared<GqlType>();
      name_arg.type->named = "String";
      name_arg.type->non_null = true;
      type_field.arguments.push_back(std::move(name_arg));
      q->fields.push_back(std::move(schema_field));
      q->fields.push_back(std::move(type_field));
    }
    return true;
  }

 private:
  GqlSchema* s_;
  GqlError* e_;
};

}  // namespace

bool BuildGqlSchema(const GqlSchemaDocument& doc, GqlSchema* schema, GqlError* error) {
  return SchemaBuilder(schema, error).Build(doc);
}

}  // namespace fedra::builtins
