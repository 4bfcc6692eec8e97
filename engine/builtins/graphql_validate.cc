// Query side of graphql_validate.h: gqlparser's walker and validation rules.
//
// The walker visits operations then fragments; within a node the rules run
// in gqlparser's registration order (alphabetical by rule), and field,
// fragment and operation checks run after their children, as in gqlparser.
// Annotations gqlparser stores on AST nodes (expected types, resolved
// variables) live in side tables keyed by node address.
#include <map>
#include <set>
#include <tuple>
#include <string_view>
#include <unordered_map>

#include "builtins/graphql_lexer.h"
#include "builtins/graphql_validate.h"

namespace fedra::builtins {
namespace {

constexpr int kWalkDepth = 1000;

struct ValueInfo {
  const GqlType* expected = nullptr;
  const GqlDefinition* definition = nullptr;
  const GqlVariableDefinition* variable = nullptr;
};

std::string TypeName(const GqlType* t) {
  int guard = 0;
  while (t != nullptr && t->named.empty() && t->elem && ++guard < 100000) t = t->elem.get();
  return t == nullptr ? "" : t->named;
}
std::string TypeStr(const GqlType* t) { return t == nullptr ? "" : GqlTypeString(*t); }

bool IsCompatible(const GqlType* t, const GqlType* other) {
  for (int guard = 0; guard < 100000; ++guard) {
    if (t == nullptr || other == nullptr) return t == other;
    if (t->named != other->named) return false;
    if (t->elem && !other->elem) return false;
    if (other->non_null && !t->non_null) return false;
    if (!t->elem) return true;
    t = t->elem.get();
    other = other->elem.get();
  }
  return false;
}

bool IsLeaf(const GqlDefinition* d) { return d->kind == "ENUM" || d->kind == "SCALAR"; }
bool IsComposite(const GqlDefinition* d) {
  return d->kind == "OBJECT" || d->kind == "INTERFACE" || d->kind == "UNION";
}
bool IsInput(const GqlDefinition* d) {
  return d->kind == "SCALAR" || d->kind == "ENUM" || d->kind == "INPUT_OBJECT";
}

// gqlparser's Value.String().
std::string ValueStr(const GqlValue* v, int depth = 0) {
  if (v == nullptr) return "<nil>";
  if (depth > kGqlMaxDepth * 2) return "...";
  switch (v->kind) {
    case GqlValueKind::kVariable: return "$" + v->raw;
    case GqlValueKind::kString:
    case GqlValueKind::kBlock: return GoQuote(v->raw);
    case GqlValueKind::kList:
    case GqlValueKind::kObject: {
      bool list = v->kind == GqlValueKind::kList;
      std::string out = list ? "[" : "{";
      for (size_t i = 0; i < v->children.size(); ++i) {
        if (i > 0) out += ",";
        if (!list) out += v->children[i].name + ":";
        out += ValueStr(v->children[i].value.get(), depth + 1);
      }
      return out + (list ? "]" : "}");
    }
    default: return v->raw;
  }
}

class Validator {
 public:
  Validator(const GqlSchema& s, const GqlQueryDocument& d) : s_(s), doc_(d) {
    // First definition wins, like gqlparser's FragmentDefinitionList.ForName.
    for (const auto& f : doc_.fragments) fragments_.emplace(f.name, &f);
  }

  bool Run(std::vector<GqlError>* errors) {
    for (const auto& op : doc_.operations) {
      visited_spreads_.clear();
      WalkOperation(op);
      if (too_deep_) break;
    }
    current_op_ = nullptr;
    for (const auto& f : doc_.fragments) {
      if (too_deep_) break;
      visited_spreads_.clear();
      WalkFragment(f);
    }
    if (too_deep_) errors_.insert(errors_.begin(), GqlError{"query nesting too deep", {}});
    if (errors_.empty()) return true;
    *errors = std::move(errors_);
    return false;
  }

 private:
  void Add(GqlPos pos, std::string msg) {
    if (errors_.size() < 100) errors_.push_back({std::move(msg), pos});
  }
  const GqlDefinition* Type(const std::string& name) const {
    auto it = s_.types.find(name);
    return it == s_.types.end() ? nullptr : it->second;
  }
  const GqlFragment* Fragment(const std::string& name) const {
    auto it = fragments_.find(name);
    return it == fragments_.end() ? nullptr : it->second;
  }
  const std::vector<const GqlDefinition*>& Possible(const std::string& name) const {
    static const std::vector<const GqlDefinition*> kNone;
    auto it = s_.possible_types.find(name);
    return it == s_.possible_types.end() ? kNone : it->second;
  }

  // --- walk -----------------------------------------------------------------

  void WalkOperation(const GqlOperation& op) {
    current_op_ = &op;
    for (const auto& vd : op.variables) {
      const GqlDefinition* def = vd.type ? Type(TypeName(vd.type.get())) : nullptr;
      // KnownTypeNames, VariablesAreInputTypes
      if (def == nullptr) {
        Add(vd.pos, "Unknown type \"" + TypeName(vd.type.get()) + "\".");
      } else if (!IsInput(def)) {
        Add(vd.pos, "Variable \"$" + vd.variable + "\" cannot be non-input type \"" +
                        TypeStr(vd.type.get()) + "\".");
      }
      if (vd.default_value) {
        info_[vd.default_value.get()].expected = vd.type.get();
        info_[vd.default_value.get()].definition = def;
      }
    }
    const GqlDefinition* root = nullptr;
    std::string loc = "QUERY";
    if (op.operation == "mutation") {
      root = s_.mutation;
      loc = "MUTATION";
    } else if (op.operation == "subscription") {
      root = s_.subscription;
      loc = "SUBSCRIPTION";
    } else {
      root = s_.query;
    }
    for (const auto& vd : op.variables) {
      if (vd.default_value) WalkValue(vd.default_value.get(), 0);
      WalkDirectives(vd.directives, "VARIABLE_DEFINITION");
    }
    WalkDirectives(op.directives, loc);
    WalkSelectionSet(root, op.selection_set, 0);
    OnOperation(op, root);
  }

  void WalkFragment(const GqlFragment& f) {
    const GqlDefinition* def = Type(f.type_condition);
    WalkDirectives(f.directives, "FRAGMENT_DEFINITION");
    WalkSelectionSet(def, f.selection_set, 0);
    OnFragment(f, def);
  }

  const GqlDirectiveDefinition* Directive(const std::string& name) const {
    auto it = s_.directives.find(name);
    return it == s_.directives.end() ? nullptr : it->second;
  }

  void WalkDirectives(const std::vector<GqlDirective>& dirs, const std::string& location) {
    for (const auto& d : dirs) {
      const GqlDirectiveDefinition* def = Directive(d.name);
      for (const auto& a : d.arguments) {
        const GqlArgumentDefinition* ad = nullptr;
        if (def != nullptr) {
          for (const auto& x : def->arguments) {
            if (x.name == a.name) { ad = &x; break; }
          }
        }
        WalkArgument(ad, a);
      }
      OnDirective(d, def, location);
    }
    // UniqueDirectivesPerLocation
    std::set<std::string> seen;
    for (const auto& d : dirs) {
      const GqlDirectiveDefinition* def = Directive(d.name);
      if (seen.count(d.name) != 0 && !(def != nullptr && def->repeatable)) {
        Add(d.pos, "The directive \"@" + d.name + "\" can only be used once at this location.");
      }
      seen.insert(d.name);
    }
  }

  void WalkArgument(const GqlArgumentDefinition* ad, const GqlArgument& a) {
    if (!a.value) return;
    if (ad != nullptr) {
      info_[a.value.get()].expected = ad->type.get();
      info_[a.value.get()].definition = ad->type ? Type(TypeName(ad->type.get())) : nullptr;
    }
    WalkValue(a.value.get(), 0);
  }

  void WalkValue(const GqlValue* v, int depth) {
    if (v == nullptr) return;
    if (depth > kWalkDepth) {
      too_deep_ = true;
      return;
    }
    ValueInfo& vi = info_[v];
    if (v->kind == GqlValueKind::kVariable) {
      if (current_op_ == nullptr) return;
      vi.variable = nullptr;
      for (const auto& vd : current_op_->variables) {
        if (vd.variable == v->raw) {
          vi.variable = &vd;
          used_.insert(&vd);
          break;
        }
      }
    }
    if (v->kind == GqlValueKind::kObject) {
      for (const auto& c : v->children) {
        if (vi.definition != nullptr && c.value) {
          for (const auto& f : vi.definition->fields) {
            if (f.name == c.name) {
              info_[c.value.get()].expected = f.type.get();
              info_[c.value.get()].definition = f.type ? Type(TypeName(f.type.get())) : nullptr;
              break;
            }
          }
        }
        WalkValue(c.value.get(), depth + 1);
      }
    }
    if (v->kind == GqlValueKind::kList) {
      for (const auto& c : v->children) {
        if (vi.expected != nullptr && vi.expected->elem && c.value) {
          info_[c.value.get()].expected = vi.expected->elem.get();
          info_[c.value.get()].definition = vi.definition;
        }
        WalkValue(c.value.get(), depth + 1);
      }
    }
    OnValue(v, info_[v]);
  }

  void WalkSelectionSet(const GqlDefinition* parent, const std::vector<GqlSelection>& set, int depth) {
    if (depth > kWalkDepth) {
      too_deep_ = true;
      return;
    }
    for (const auto& sel : set) {
      if (too_deep_) return;
      WalkSelection(parent, sel, depth);
    }
  }

  const GqlFieldDefinition* FieldDef(const GqlDefinition* parent, const std::string& name) {
    if (name == "__typename") {
      static const GqlFieldDefinition* kTypename = [] {
        auto* f = new GqlFieldDefinition;
        f->name = "__typename";
        f->type = std::make_shared<GqlType>();
        f->type->named = "String";
        return f;
      }();
      return kTypename;
    }
    if (parent == nullptr) return nullptr;
    for (const auto& f : parent->fields) {
      if (f.name == name) return &f;
    }
    return nullptr;
  }

  void WalkSelection(const GqlDefinition* parent, const GqlSelection& sel, int depth) {
    switch (sel.kind) {
      case GqlSelection::kField: {
        const GqlFieldDefinition* def = FieldDef(parent, sel.name);
        const GqlDefinition* next = def != nullptr ? Type(TypeName(def->type.get())) : nullptr;
        for (const auto& a : sel.arguments) {
          const GqlArgumentDefinition* ad = nullptr;
          if (def != nullptr) {
            for (const auto& x : def->arguments) {
              if (x.name == a.name) { ad = &x; break; }
            }
          }
          WalkArgument(ad, a);
        }
        WalkDirectives(sel.directives, "FIELD");
        WalkSelectionSet(next, sel.selection_set, depth + 1);
        OnField(sel, parent, def);
        break;
      }
      case GqlSelection::kInlineFragment: {
        const GqlDefinition* next = parent;
        if (!sel.type_condition.empty()) next = Type(sel.type_condition);
        WalkDirectives(sel.directives, "INLINE_FRAGMENT");
        WalkSelectionSet(next, sel.selection_set, depth + 1);
        OnInlineFragment(sel, parent);
        break;
      }
      case GqlSelection::kFragmentSpread: {
        const GqlFragment* def = Fragment(sel.name);
        const GqlDefinition* next = def != nullptr ? Type(def->type_condition) : nullptr;
        WalkDirectives(sel.directives, "FRAGMENT_SPREAD");
        if (def != nullptr && visited_spreads_.insert(def->name).second) {
          WalkSelectionSet(next, def->selection_set, depth + 1);
        }
        OnFragmentSpread(sel, parent, def);
        break;
      }
    }
  }

  // --- rules ------------------------------------------------------------------

  void OnField(const GqlSelection& f, const GqlDefinition* parent, const GqlFieldDefinition* def) {
    // FieldsOnCorrectType
    if (parent != nullptr && def == nullptr) {
      Add(f.pos, "Cannot query field \"" + f.name + "\" on type \"" + parent->name + "\".");
    }
    // KnownArgumentNames
    if (def != nullptr && parent != nullptr) {
      for (const auto& a : f.arguments) {
        bool known = false;
        for (const auto& x : def->arguments) known = known || x.name == a.name;
        if (!known) {
          Add(f.pos, "Unknown argument \"" + a.name + "\" on field \"" + parent->name + "." + f.name + "\".");
        }
      }
    }
    if (def != nullptr) {
      // ProvidedRequiredArguments
      for (const auto& ad : def->arguments) {
        if (!ad.type || !ad.type->non_null || ad.default_value) continue;
        bool given = false;
        for (const auto& a : f.arguments) given = given || a.name == ad.name;
        if (!given) {
          Add(f.pos, "Field \"" + f.name + "\" argument \"" + ad.name + "\" of type \"" +
                         TypeStr(ad.type.get()) + "\" is required, but it was not provided.");
        }
      }
      // ScalarLeafs
      const GqlDefinition* t = Type(TypeName(def->type.get()));
      if (t != nullptr) {
        if (IsLeaf(t) && !f.selection_set.empty()) {
          Add(f.pos, "Field \"" + f.name + "\" must not have a selection since type \"" + t->name +
                         "\" has no subfields.");
        }
        if (!IsLeaf(t) && f.selection_set.empty()) {
          Add(f.pos, "Field \"" + f.name + "\" of type \"" + TypeStr(def->type.get()) +
                         "\" must have a selection of subfields. Did you mean \"" + f.name + " { ... }\"?");
        }
      }
    }
    // UniqueArgumentNames
    UniqueArgs(f.arguments);
  }

  void UniqueArgs(const std::vector<GqlArgument>& args) {
    std::map<std::string, int> seen;
    for (const auto& a : args) {
      if (seen[a.name] == 1) Add(a.pos, "There can be only one argument named \"" + a.name + "\".");
      ++seen[a.name];
    }
  }

  void OnDirective(const GqlDirective& d, const GqlDirectiveDefinition* def, const std::string& location) {
    // KnownArgumentNames
    if (def != nullptr) {
      for (const auto& a : d.arguments) {
        bool known = false;
        for (const auto& x : def->arguments) known = known || x.name == a.name;
        if (!known) Add(d.pos, "Unknown argument \"" + a.name + "\" on directive \"@" + d.name + "\".");
      }
    }
    // KnownDirectives
    if (def == nullptr) {
      Add(d.pos, "Unknown directive \"@" + d.name + "\".");
    } else {
      bool ok = false;
      for (const auto& l : def->locations) ok = ok || l == location;
      if (!ok) {
        auto key = std::make_tuple(d.name, d.pos.line, d.pos.column);
        if (misplaced_.insert(key).second) {
          Add(d.pos, "Directive \"@" + d.name + "\" may not be used on " + location + ".");
        }
      }
      // ProvidedRequiredArguments
      for (const auto& ad : def->arguments) {
        if (!ad.type || !ad.type->non_null || ad.default_value) continue;
        bool given = false;
        for (const auto& a : d.arguments) given = given || a.name == ad.name;
        if (!given) {
          Add(d.pos, "Directive \"@" + def->name + "\" argument \"" + ad.name + "\" of type \"" +
                         TypeStr(ad.type.get()) + "\" is required, but it was not provided.");
        }
      }
    }
    UniqueArgs(d.arguments);
  }

  bool SpreadPossible(const GqlDefinition* parent, const std::string& frag_type) {
    if (parent == nullptr) return true;
    std::vector<const GqlDefinition*> parents;
    if (parent->kind == "OBJECT") {
      parents.push_back(parent);
    } else if (parent->kind == "INTERFACE" || parent->kind == "UNION") {
      parents = Possible(parent->name);
    } else {
      return true;
    }
    const GqlDefinition* ft = Type(frag_type);
    if (ft == nullptr || !IsComposite(ft)) return true;
    for (const auto* f : Possible(ft->name)) {
      for (const auto* p : parents) {
        if (f != nullptr && p != nullptr && f->name == p->name) return true;
      }
    }
    return false;
  }

  void OnInlineFragment(const GqlSelection& sel, const GqlDefinition* parent) {
    const GqlDefinition* t = sel.type_condition.empty() ? nullptr : Type(sel.type_condition);
    // FragmentsOnCompositeTypes
    if (t != nullptr && !IsComposite(t)) {
      Add(sel.pos, "Fragment cannot condition on non composite type \"" + sel.type_condition + "\".");
    }
    // KnownTypeNames
    if (!sel.type_condition.empty() && t == nullptr) {
      Add(sel.pos, "Unknown type \"" + sel.type_condition + "\".");
    }
    // PossibleFragmentSpreads
    if (!SpreadPossible(parent, sel.type_condition)) {
      Add(sel.pos, "Fragment cannot be spread here as objects of type \"" + parent->name +
                       "\" can never be of type \"" + sel.type_condition + "\".");
    }
  }

  void OnFragmentSpread(const GqlSelection& sel, const GqlDefinition* parent, const GqlFragment* def) {
    // KnownFragmentNames
    if (def == nullptr) Add(sel.pos, "Unknown fragment \"" + sel.name + "\".");
    // NoUnusedFragments
    if (!in_fragment_definitions_) used_fragments_.insert(sel.name);
    // PossibleFragmentSpreads
    if (def != nullptr && !SpreadPossible(parent, def->type_condition)) {
      Add(sel.pos, "Fragment \"" + sel.name + "\" cannot be spread here as objects of type \"" +
                       parent->name + "\" can never be of type \"" + def->type_condition + "\".");
    }
  }

  void CollectSpreads(const std::vector<GqlSelection>& set, std::vector<const GqlSelection*>* out,
                      int depth) {
    if (depth > kWalkDepth) return;
    for (const auto& s : set) {
      if (s.kind == GqlSelection::kFragmentSpread) {
        out->push_back(&s);
      } else {
        CollectSpreads(s.selection_set, out, depth + 1);
      }
    }
  }

  void DetectCycles(const GqlFragment& f, std::vector<const GqlSelection*>* path,
                    std::map<std::string, size_t>* index, int depth) {
    if (depth > kWalkDepth || !cycle_visited_.insert(f.name).second) return;
    std::vector<const GqlSelection*> spreads;
    CollectSpreads(f.selection_set, &spreads, 0);
    if (spreads.empty()) return;
    (*index)[f.name] = path->size();
    for (const GqlSelection* sp : spreads) {
      auto it = index->find(sp->name);
      path->push_back(sp);
      if (it == index->end()) {
        if (const GqlFragment* next = Fragment(sp->name)) DetectCycles(*next, path, index, depth + 1);
      } else {
        std::string via;
        for (size_t i = it->second; i + 1 < path->size(); ++i) {
          via += (via.empty() ? " via \"" : ", \"") + (*path)[i]->name + "\"";
        }
        Add(sp->pos, "Cannot spread fragment \"" + sp->name + "\" within itself" + via + ".");
      }
      path->pop_back();
    }
    index->erase(f.name);
  }

  void OnFragment(const GqlFragment& f, const GqlDefinition* def) {
    // FragmentsOnCompositeTypes
    if (def != nullptr && !f.type_condition.empty() && !IsComposite(def)) {
      Add(f.pos, "Fragment \"" + f.name + "\" cannot condition on non composite type \"" +
                     f.type_condition + "\".");
    }
    // KnownTypeNames
    if (def == nullptr) Add(f.pos, "Unknown type \"" + f.type_condition + "\".");
    // NoFragmentCycles
    std::vector<const GqlSelection*> path;
    std::map<std::string, size_t> index;
    DetectCycles(f, &path, &index, 0);
    // NoUnusedFragments
    in_fragment_definitions_ = true;
    if (used_fragments_.count(f.name) == 0) Add(f.pos, "Fragment \"" + f.name + "\" is never used.");
    // UniqueFragmentNames
    if (!seen_fragments_.insert(f.name).second) {
      Add(f.pos, "There can be only one fragment named \"" + f.name + "\".");
    }
  }

  void OnOperation(const GqlOperation& op, const GqlDefinition* root) {
    // KnownRootType
    if (root == nullptr) {
      Add(op.pos, "Schema does not support operation type \"" + op.operation + "\"");
    }
    // LoneAnonymousOperation
    if (op.name.empty() && doc_.operations.size() > 1) {
      Add(op.pos, "This anonymous operation must be the only defined operation.");
    }
    // NoUnusedVariables
    for (const auto& vd : op.variables) {
      if (used_.count(&vd) != 0) continue;
      if (!op.name.empty()) {
        Add(vd.pos, "Variable \"$" + vd.variable + "\" is never used in operation \"" + op.name + "\".");
      } else {
        Add(vd.pos, "Variable \"$" + vd.variable + "\" is never used.");
      }
    }
    // SingleFieldSubscriptions
    if (s_.subscription != nullptr && op.operation == "subscription") {
      std::vector<const GqlSelection*> fields;
      std::set<std::string> names, frags;
      CollectTopFields(op.selection_set, &fields, &names, &frags, 0);
      std::string who = op.name.empty() ? "Anonymous Subscription" : "Subscription " + GoQuote(op.name);
      if (fields.size() > 1) Add(fields[1]->pos, who + " must select only one top level field.");
      for (const auto* f : fields) {
        if (f->name.rfind("__", 0) == 0) {
          Add(f->pos, who + " must not select an introspection top level field.");
        }
      }
    }
    // UniqueOperationNames
    if (!seen_operations_.insert(op.name).second) {
      Add(op.pos, "There can be only one operation named \"" + op.name + "\".");
    }
    // UniqueVariableNames
    std::map<std::string, int> seen;
    for (const auto& vd : op.variables) {
      if (seen[vd.variable] == 1) {
        Add(vd.pos, "There can be only one variable named \"$" + vd.variable + "\".");
      }
      ++seen[vd.variable];
    }
  }

  void CollectTopFields(const std::vector<GqlSelection>& set, std::vector<const GqlSelection*>* out,
                        std::set<std::string>* names, std::set<std::string>* frags, int depth) {
    if (depth > kWalkDepth) return;
    for (const auto& s : set) {
      if (s.kind == GqlSelection::kField) {
        if (names->insert(s.name).second) out->push_back(&s);
      } else if (s.kind == GqlSelection::kInlineFragment) {
        CollectTopFields(s.selection_set, out, names, frags, depth + 1);
      } else if (const GqlFragment* f = Fragment(s.name)) {
        if (frags->insert(f->name).second) CollectTopFields(f->selection_set, out, names, frags, depth + 1);
      }
    }
  }

  std::string UnexpectedType(const GqlValue* v, const ValueInfo& vi) {
    std::string t = TypeStr(vi.expected);
    std::string vs = ValueStr(v);
    if (t == "Int" || t == "Int!") return "Int cannot represent non-integer value: " + vs;
    if (t == "String" || t == "String!" || t == "[String]") {
      return "String cannot represent a non string value: " + vs;
    }
    if (t == "Boolean" || t == "Boolean!") return "Boolean cannot represent a non boolean value: " + vs;
    if (t == "Float" || t == "Float!") return "Float cannot represent non numeric value: " + vs;
    if (t == "ID" || t == "ID!") return "ID cannot represent a non-string and non-integer value: " + vs;
    if (vi.definition->kind == "ENUM") return "Enum \"" + t + "\" cannot represent non-enum value: " + vs + ".";
    return "Expected value of type \"" + t + "\", found " + vs + ".";
  }

  void OnValue(const GqlValue* v, const ValueInfo& vi) {
    // NoUndefinedVariables
    if (current_op_ != nullptr && v->kind == GqlValueKind::kVariable && vi.variable == nullptr) {
      if (!current_op_->name.empty()) {
        Add(v->pos, "Variable \"$" + v->raw + "\" is not defined by operation \"" + current_op_->name + "\".");
      } else {
        Add(v->pos, "Variable \"$" + v->raw + "\" is not defined.");
      }
    }
    // UniqueInputFieldNames
    if (v->kind == GqlValueKind::kObject) {
      std::set<std::string> seen;
      for (const auto& c : v->children) {
        if (!seen.insert(c.name).second) {
          Add(c.pos, "There can be only one input field named \"" + c.name + "\".");
        }
      }
    }
    ValuesOfCorrectType(v, vi);
    // VariablesInAllowedPosition
    if (v->kind == GqlValueKind::kVariable && vi.expected != nullptr && vi.variable != nullptr &&
        current_op_ != nullptr) {
      GqlType tmp = *vi.expected;
      const auto& dv = vi.variable->default_value;
      if ((dv && dv->kind != GqlValueKind::kNull) || v->expected_type_has_default) tmp.non_null = false;
      if (!IsCompatible(vi.variable->type.get(), &tmp)) {
        Add(v->pos, "Variable \"$" + v->raw + "\" of type \"" + TypeStr(vi.variable->type.get()) +
                        "\" used in position expecting type \"" + TypeStr(vi.expected) + "\".");
      }
    }
  }

  void ValuesOfCorrectType(const GqlValue* v, const ValueInfo& vi) {
    const GqlDefinition* d = vi.definition;
    if (d == nullptr || vi.expected == nullptr) return;
    if (v->kind == GqlValueKind::kNull && vi.expected->non_null) {
      Add(v->pos, "Expected value of type \"" + TypeStr(vi.expected) + "\", found " + ValueStr(v) + ".");
    }
    auto one_of = [&](std::initializer_list<std::string_view> names) {
      for (auto n : names) {
        if (d->name == n) return true;
      }
      return false;
    };
    if (d->kind == "SCALAR" && !one_of({"Int", "Float", "String", "Boolean", "ID"})) return;
    switch (v->kind) {
      case GqlValueKind::kNull:
      case GqlValueKind::kVariable:
        return;
      case GqlValueKind::kList:
        if (!vi.expected->elem) Add(v->pos, UnexpectedType(v, vi));
        return;
      case GqlValueKind::kInt:
        if (!one_of({"Int", "Float", "ID"})) Add(v->pos, UnexpectedType(v, vi));
        return;
      case GqlValueKind::kFloat:
        if (!one_of({"Float"})) Add(v->pos, UnexpectedType(v, vi));
        return;
      case GqlValueKind::kString:
      case GqlValueKind::kBlock:
        if (d->kind == "ENUM") {
          Add(v->pos, "Enum \"" + TypeStr(vi.expected) + "\" cannot represent non-enum value: " +
                          ValueStr(v) + ".");
        } else if (!one_of({"String", "ID"})) {
          Add(v->pos, UnexpectedType(v, vi));
        }
        return;
      case GqlValueKind::kEnum:
        if (d->kind != "ENUM") {
          Add(v->pos, UnexpectedType(v, vi));
        } else {
          bool found = false;
          for (const auto& ev : d->enum_values) found = found || ev.name == v->raw;
          if (!found) {
            Add(v->pos, "Value \"" + ValueStr(v) + "\" does not exist in \"" + TypeStr(vi.expected) +
                            "\" enum.");
          }
        }
        return;
      case GqlValueKind::kBoolean:
        if (!one_of({"Boolean"})) Add(v->pos, UnexpectedType(v, vi));
        return;
      case GqlValueKind::kObject:
        for (const auto& f : d->fields) {
          if (!f.type || !f.type->non_null) continue;
          bool given = false;
          for (const auto& c : v->children) given = given || c.name == f.name;
          if (!given && !f.default_value) {
            Add(v->pos, "Field \"" + d->name + "." + f.name + "\" of required type \"" +
                            TypeStr(f.type.get()) + "\" was not provided.");
          }
        }
        for (const auto& c : v->children) {
          bool known = false;
          for (const auto& f : d->fields) known = known || f.name == c.name;
          if (!known) {
            Add(c.pos, "Field \"" + c.name + "\" is not defined by type \"" + d->name + "\".");
          }
        }
        return;
    }
    Add(v->pos, UnexpectedType(v, vi));  // an unknown Kind number from an object AST
  }

  const GqlSchema& s_;
  const GqlQueryDocument& doc_;
  const GqlOperation* current_op_ = nullptr;
  std::map<std::string, const GqlFragment*> fragments_;
  std::set<std::string> visited_spreads_;
  std::unordered_map<const GqlValue*, ValueInfo> info_;
  std::set<const GqlVariableDefinition*> used_;
  std::set<std::tuple<std::string, int, int>> misplaced_;
  std::set<std::string> used_fragments_, seen_fragments_, seen_operations_, cycle_visited_;
  bool in_fragment_definitions_ = false;
  bool too_deep_ = false;
  std::vector<GqlError> errors_;
};

}  // namespace

bool ValidateGqlQuery(const GqlSchema& schema, const GqlQueryDocument& doc,
                      std::vector<GqlError>* errors) {
  return Validator(schema, doc).Run(errors);
}

}  // namespace fedra::builtins
