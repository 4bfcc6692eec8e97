#include "compile/lower.h"

#include <algorithm>
#include <utility>

namespace fedra::compile {

namespace {

bool IsStringScalar(const ast::Term& t) {
  return t.kind == ast::TermKind::kScalar && t.value.is_string();
}

// Names the evaluator implements itself rather than the registry.
const ir::Callable::Kind* InternalKind(std::string_view name) {
  static const std::pair<std::string_view, ir::Callable::Kind> kTable[] = {
      {"print", ir::Callable::Kind::kPrint},
      {"internal.print", ir::Callable::Kind::kPrint},
      {"internal.member_2", ir::Callable::Kind::kMember2},
      {"internal.member_3", ir::Callable::Kind::kMember3},
      {"trace", ir::Callable::Kind::kTrace},
  };
  for (const auto& [n, k] : kTable) {
    if (n == name) return &k;
  }
  return nullptr;
}

int InternalArity(ir::Callable::Kind k) {
  switch (k) {
    case ir::Callable::Kind::kMember2: return 2;
    case ir::Callable::Kind::kMember3: return 3;
    case ir::Callable::Kind::kTrace: return 1;
    default: return -1;  // variadic
  }
}

}  // namespace

void FoldConstant(ir::Term* t) {
  switch (t->op) {
    case ir::TermOp::kArray: {
      for (const auto& i : t->items) if (!i.is_const()) return;
      std::vector<Value> vals;
      vals.reserve(t->items.size());
      for (auto& i : t->items) vals.push_back(std::move(i.value));
      t->value = Value::Array(std::move(vals));
      break;
    }
    case ir::TermOp::kSet: {
      for (const auto& i : t->items) if (!i.is_const()) return;
      std::vector<Value> vals;
      vals.reserve(t->items.size());
      for (auto& i : t->items) vals.push_back(std::move(i.value));
      t->value = Value::Set(std::move(vals));
      break;
    }
    case ir::TermOp::kObject: {
      for (const auto& [k, v] : t->entries) if (!k.is_const() || !v.is_const()) return;
      std::vector<ObjectEntry> vals;
      vals.reserve(t->entries.size());
      for (auto& [k, v] : t->entries) vals.emplace_back(std::move(k.value), std::move(v.value));
      t->value = Value::Object(std::move(vals));
      break;
    }
    default:
      return;
  }
  t->op = ir::TermOp::kConst;
  t->items.clear();
  t->entries.clear();
  t->has_vars = false;
}

Lowerer::Lowerer(const ModuleNames& names, const ir::RuleNode* root, const Value& data,
                 const builtins::Registry& registry, std::deque<ir::Callable>* callables,
                 std::vector<Status>* errors)
    : names_(names),
      root_(root),
      data_(data),
      registry_(registry),
      callables_(callables),
      errors_(errors) {}

void Lowerer::ResolveDataPrefix(ir::Term* ref) const {
  const ir::RuleNode* node = root_;
  Value base = data_;
  size_t i = 1;
  while (i < ref->items.size()) {
    const ir::Term& step = ref->items[i];
    if (!step.is_const() || !step.value.is_string()) break;
    const ir::RuleNode* child = node ? node->Child(step.value.str()) : nullptr;
    Value child_base = base.is_object() ? base.Get(step.value) : Value();
    if (child == nullptr && child_base.is_undefined()) break;
    node = child;
    base = std::move(child_base);
    ++i;
    if (node && node->has_rules()) break;
  }
  ref->data_resolved = true;
  ref->data_node = node;
  ref->data_base = std::move(base);
  ref->data_skip = static_cast<uint32_t>(i);
}

void Lowerer::Error(Location loc, std::string msg, StatusCode code) {
  errors_->emplace_back(code, msg, loc);
}

uint32_t Lowerer::NewSlot(const std::string&) { return next_slot_++; }

uint32_t Lowerer::Declare(Scope* scope, const std::string& name) {
  uint32_t slot = NewSlot(name);
  if (name != "_") scope->names[name] = slot;
  return slot;
}

const uint32_t* Lowerer::Lookup(const Scope* scope, const std::string& name, bool capture) {
  for (const Scope* s = scope; s != nullptr; s = s->parent) {
    auto it = s->names.find(name);
    if (it != s->names.end()) {
      for (auto& c : captures_) {
        if (!capture) break;
        if (s->depth < c.depth &&
            std::find(c.slots->begin(), c.slots->end(), it->second) == c.slots->end()) {
          c.slots->push_back(it->second);
        }
      }
      return &it->second;
    }
  }
  return nullptr;
}

const ir::Callable* Lowerer::Intern(ir::Callable c) {
  callables_->push_back(std::move(c));
  return &callables_->back();
}

// ---- scoping ------------------------------------------------------------------

void Lowerer::CollectPatternVars(const ast::Term& t, std::vector<const ast::Term*>* vars) {
  switch (t.kind) {
    case ast::TermKind::kVar:
      vars->push_back(&t);
      break;
    case ast::TermKind::kArray:
    case ast::TermKind::kSet:
      for (const auto& i : t.items) CollectPatternVars(i, vars);
      break;
    case ast::TermKind::kObject:
      for (const auto& e : t.entries) CollectPatternVars(e.second, vars);
      break;
    default:
      break;
  }
}

void Lowerer::CollectDeclared(const ast::Body& body, std::set<std::string>* declared) const {
  std::vector<const ast::Term*> vars;
  for (const auto& e : body) {
    if (e.kind == ast::ExprKind::kSome) {
      for (const auto& t : e.terms) {
        if (t.kind == ast::TermKind::kCall) {
          // some k, v in xs: every argument but the domain is declared.
          for (size_t i = 1; i + 1 < t.items.size(); ++i) CollectPatternVars(t.items[i], &vars);
        } else {
          CollectPatternVars(t, &vars);
        }
      }
    } else if (e.kind == ast::ExprKind::kTerm && e.term.kind == ast::TermKind::kCall &&
               e.term.CallName() == "assign" && e.term.items.size() == 3) {
      CollectPatternVars(e.term.items[1], &vars);
    }
  }
  for (const auto* v : vars) declared->insert(v->name);
}

void Lowerer::PrescanTerm(const ast::Term& t, Scope* scope, const std::set<std::string>& declared) {
  switch (t.kind) {
    case ast::TermKind::kVar: {
      if (t.is_wildcard() || declared.count(t.name)) return;
      if (Lookup(scope, t.name, /*capture=*/false)) return;
      if (t.name == "input" || t.name == "data") return;
      if (names_.imports.count(t.name)) return;
      if (names_.rule_names && names_.rule_names->count(t.name)) return;
      scope->names[t.name] = NewSlot(t.name);
      return;
    }
    case ast::TermKind::kCall:
      for (size_t i = 1; i < t.items.size(); ++i) PrescanTerm(t.items[i], scope, declared);
      return;
    case ast::TermKind::kObject:
      for (const auto& [k, v] : t.entries) {
        PrescanTerm(k, scope, declared);
        PrescanTerm(v, scope, declared);
      }
      return;
    case ast::TermKind::kArrayCompr:
    case ast::TermKind::kSetCompr:
    case ast::TermKind::kObjectCompr:
      return;  // their own scope
    default:
      for (const auto& i : t.items) PrescanTerm(i, scope, declared);
      return;
  }
}

void Lowerer::Prescan(const ast::Body& body, Scope* scope) {
  std::set<std::string> declared;
  CollectDeclared(body, &declared);
  for (const auto& e : body) {
    if (e.kind == ast::ExprKind::kTerm) PrescanTerm(e.term, scope, declared);
    if (e.kind == ast::ExprKind::kSome) {
      for (const auto& t : e.terms) {
        if (t.kind == ast::TermKind::kCall && !t.items.empty())
          PrescanTerm(t.items.back(), scope, declared);
      }
    }
    if (e.kind == ast::ExprKind::kEvery && e.terms.size() == 3)
      PrescanTerm(e.terms[2], scope, declared);
    for (const auto& w : e.with) {
      if (!NamesFunction(w.value)) PrescanTerm(w.value, scope, declared);
    }
  }
}

bool Lowerer::NamesFunction(const ast::Term& t) const {
  std::string name;
  if (t.kind == ast::TermKind::kVar) {
    name = t.name;
  } else if (t.kind == ast::TermKind::kRef && t.IsDottedRef()) {
    name = t.items[0].name;
    for (size_t i = 1; i < t.items.size(); ++i) name += "." + std::string(t.items[i].value.str());
  } else {
    return false;
  }
  return registry_.Find(name) != nullptr || InternalKind(name) != nullptr;
}

// ---- globals ------------------------------------------------------------------

bool Lowerer::ResolveGlobal(const std::string& name, Location loc, Scope* scope, ir::Term* out) {
  if (name == "input") {
    out->op = ir::TermOp::kInput;
    out->loc = loc;
    return true;
  }
  if (name == "data") {
    out->op = ir::TermOp::kData;
    out->loc = loc;
    return true;
  }
  auto imp = names_.imports.find(name);
  if (imp != names_.imports.end()) {
    if (import_depth_ > 8) {
      Error(loc, "import cycle through " + name);
      return false;
    }
    ++import_depth_;
    // Imports name data.* or input.* refs; they never see local scopes.
    *out = LowerRef(imp->second, nullptr);
    --import_depth_;
    out->loc = loc;
    return true;
  }
  if (names_.rule_names && names_.rule_names->count(name)) {
    out->op = ir::TermOp::kRef;
    out->loc = loc;
    out->items.clear();
    ir::Term head;
    head.op = ir::TermOp::kData;
    head.loc = loc;
    out->items.push_back(std::move(head));
    for (const auto& p : names_.package) {
      ir::Term s;
      s.value = Value::String(p);
      s.loc = loc;
      out->items.push_back(std::move(s));
    }
    ir::Term s;
    s.value = Value::String(name);
    s.loc = loc;
    out->items.push_back(std::move(s));
    ResolveDataPrefix(out);
    return true;
  }
  return false;
}

const ir::RuleNode* Lowerer::FindNode(const std::vector<Value>& path) const {
  const ir::RuleNode* n = root_;
  for (const auto& p : path) {
    if (!p.is_string()) return nullptr;
    n = n->Child(p.str());
    if (!n) return nullptr;
  }
  return n;
}

// ---- terms --------------------------------------------------------------------

ir::Term Lowerer::LowerVar(const ast::Term& t, Scope* scope) {
  ir::Term out;
  out.loc = t.loc;
  if (t.is_wildcard()) {
    out.op = ir::TermOp::kLocal;
    out.slot = NewSlot("_");
    out.var_name = "_";
    out.has_vars = true;
    return out;
  }
  if (const uint32_t* slot = Lookup(scope, t.name)) {
    out.op = ir::TermOp::kLocal;
    out.slot = *slot;
    out.var_name = t.name;
    out.has_vars = true;
    return out;
  }
  if (ResolveGlobal(t.name, t.loc, scope, &out)) return out;
  // Not seen by a prescan (e.g. a head variable): a local of the rule body.
  Scope* s = scope;
  if (s == nullptr) {
    Error(t.loc, "var " + t.name + " is unsafe", StatusCode::kUnsafeVarError);
    return out;
  }
  out.op = ir::TermOp::kLocal;
  out.slot = Declare(s, t.name);
  out.var_name = t.name;
  out.has_vars = true;
  return out;
}

ir::Term Lowerer::LowerRef(const ast::Term& t, Scope* scope) {
  ir::Term out;
  out.op = ir::TermOp::kRef;
  out.loc = t.loc;
  if (t.items.empty()) return out;
  ir::Term head = t.items[0].kind == ast::TermKind::kVar ? LowerVar(t.items[0], scope)
                                                          : LowerTerm(t.items[0], scope);
  if (head.op == ir::TermOp::kRef) {
    out.items = std::move(head.items);
    out.has_vars = head.has_vars;
  } else {
    out.has_vars = head.has_vars;
    out.items.push_back(std::move(head));
  }
  for (size_t i = 1; i < t.items.size(); ++i) {
    ir::Term step = LowerTerm(t.items[i], scope);
    out.has_vars |= step.has_vars;
    out.items.push_back(std::move(step));
  }
  if (out.items.size() == 1) return std::move(out.items[0]);
  if (out.items[0].op == ir::TermOp::kData) ResolveDataPrefix(&out);
  return out;
}

ir::Term Lowerer::LowerTerm(const ast::Term& t, Scope* scope) {
  ir::Term out;
  out.loc = t.loc;
  switch (t.kind) {
    case ast::TermKind::kScalar:
      out.op = ir::TermOp::kConst;
      out.value = t.value;
      return out;
    case ast::TermKind::kVar:
      return LowerVar(t, scope);
    case ast::TermKind::kRef:
      return LowerRef(t, scope);
    case ast::TermKind::kTemplate:
      out.op = ir::TermOp::kTemplate;
      for (size_t i = 0; i < t.items.size(); ++i) {
        size_t j = i / 2;
        if (i % 2 == 1 && j < t.body.size() && !t.body[j].with.empty() && scope != nullptr) {
          // `{x with input as v}`: the part is a one-expression body whose
          // first value is used (`$t = x with ...`).
          ir::Term part;
          part.op = ir::TermOp::kArrayCompr;
          part.first_of = true;
          part.loc = t.items[i].loc;
          part.has_vars = true;
          std::string tmp = "$template" + std::to_string(next_slot_);
          uint32_t slot = Declare(scope, tmp);
          ast::Expr e = t.body[j];
          e.kind = ast::ExprKind::kTerm;
          e.negated = false;
          e.term = ast::Term::Call({ast::Term::Ref({ast::Term::Var("eq", e.loc)}, e.loc),
                                    ast::Term::Var(tmp, e.loc), t.items[i]},
                                   e.loc);
          auto body = std::make_shared<ir::Body>();
          LowerExpr(e, scope, body.get());
          ir::Term head;
          head.op = ir::TermOp::kLocal;
          head.slot = slot;
          head.var_name = tmp;
          head.has_vars = true;
          part.items.push_back(std::move(head));
          part.body = std::move(body);
          out.items.push_back(std::move(part));
          out.has_vars = true;
          continue;
        }
        out.items.push_back(LowerTerm(t.items[i], scope));
        out.has_vars |= out.items.back().has_vars;
      }
      return out;
    case ast::TermKind::kArray:
    case ast::TermKind::kSet:
      out.op = t.kind == ast::TermKind::kArray ? ir::TermOp::kArray : ir::TermOp::kSet;
      for (const auto& i : t.items) {
        out.items.push_back(LowerTerm(i, scope));
        out.has_vars |= out.items.back().has_vars;
      }
      FoldConstant(&out);
      return out;
    case ast::TermKind::kObject:
      out.op = ir::TermOp::kObject;
      for (const auto& [k, v] : t.entries) {
        ir::Term lk = LowerTerm(k, scope);
        ir::Term lv = LowerTerm(v, scope);
        out.has_vars |= lk.has_vars || lv.has_vars;
        out.entries.emplace_back(std::move(lk), std::move(lv));
      }
      FoldConstant(&out);
      return out;
    case ast::TermKind::kArrayCompr:
    case ast::TermKind::kSetCompr:
    case ast::TermKind::kObjectCompr: {
      out.op = t.kind == ast::TermKind::kArrayCompr ? ir::TermOp::kArrayCompr
               : t.kind == ast::TermKind::kSetCompr ? ir::TermOp::kSetCompr
                                                    : ir::TermOp::kObjectCompr;
      Scope inner;
      inner.parent = scope;
      inner.depth = scope ? scope->depth + 1 : 1;
      captures_.push_back({inner.depth, &out.captures});
      Prescan(t.body, &inner);
      // Head variables not in the body belong to the comprehension too.
      std::set<std::string> declared;
      CollectDeclared(t.body, &declared);
      for (const auto& h : t.items) PrescanTerm(h, &inner, declared);
      auto body = std::make_shared<ir::Body>();
      LowerBody(t.body, &inner, body.get());
      for (const auto& h : t.items) out.items.push_back(LowerTerm(h, &inner));
      captures_.pop_back();
      out.body = std::move(body);
      out.has_vars = true;
      return out;
    }
    case ast::TermKind::kCall: {
      bool relation = false;
      ir::Term unused;
      out = LowerCall(t, scope, &relation, &unused);
      if (relation) Error(t.loc, "too many arguments in call to " + t.CallName(), StatusCode::kTypeError);
      return out;
    }
  }
  return out;
}

const ir::Callable* Lowerer::ResolveFunction(const ast::Term& op, Scope* scope, int nargs,
                                             bool* relation) {
  *relation = false;
  std::string name;
  if (op.kind == ast::TermKind::kRef && op.IsDottedRef()) {
    name = op.items[0].name;
    for (size_t i = 1; i < op.items.size(); ++i) name += "." + std::string(op.items[i].value.str());
  } else if (op.kind == ast::TermKind::kVar) {
    name = op.name;
  } else {
    Error(op.loc, "invalid function name");
    return nullptr;
  }
  const std::string head = op.kind == ast::TermKind::kRef ? op.items[0].name : op.name;

  // User functions: data.x.f, imported.f, or a rule of this package.
  std::vector<Value> path;
  bool user_path = false;
  if (head == "data" || names_.imports.count(head) ||
      (names_.rule_names && names_.rule_names->count(head) && !Lookup(scope, head))) {
    ir::Term ref;
    ast::Term as_ref = op;
    if (as_ref.kind == ast::TermKind::kVar) as_ref = ast::Term::Ref({op}, op.loc);
    ref = LowerRef(as_ref, nullptr);
    if (ref.op == ir::TermOp::kRef && !ref.items.empty() && ref.items[0].op == ir::TermOp::kData) {
      user_path = true;
      for (size_t i = 1; i < ref.items.size(); ++i) path.push_back(ref.items[i].value);
    }
  }
  if (user_path) {
    const ir::RuleNode* node = FindNode(path);
    if (node && node->kind == ir::RuleKind::kFunction) {
      ir::Callable c;
      c.kind = ir::Callable::Kind::kFunction;
      c.name = node->dotted;
      c.node = node;
      c.arity = node->arity;
      if (nargs == kReference) {
        // a reference: no arity to check
      } else if (nargs == node->arity + 1) {
        *relation = true;
      } else if (nargs != node->arity) {
        Error(op.loc, "function " + node->dotted + " has arity " + std::to_string(node->arity) +
                          ", got " + std::to_string(nargs) + " arguments",
              StatusCode::kTypeError);
      }
      return Intern(std::move(c));
    }
  }
  if (const auto* k = InternalKind(name)) {
    ir::Callable c;
    c.kind = *k;
    c.name = name;
    c.arity = InternalArity(*k);
    if (c.arity >= 0 && nargs == c.arity + 1) *relation = true;
    return Intern(std::move(c));
  }
  if (const builtins::Builtin* b = registry_.Find(name)) {
    ir::Callable c;
    c.kind = ir::Callable::Kind::kBuiltin;
    c.name = name;
    c.builtin = b;
    c.arity = b->arity;
    if (nargs == kReference) {
      // a reference: no arity to check
    } else if (nargs == b->arity + 1) {
      *relation = true;
    } else if (nargs != b->arity) {
      Error(op.loc,
            name + ": arity mismatch: expected " + std::to_string(b->arity) + " arguments, got " +
                std::to_string(nargs),
            StatusCode::kTypeError);
    }
    return Intern(std::move(c));
  }
  Error(op.loc, "undefined function " + name, StatusCode::kTypeError);
  return nullptr;
}

ir::Term Lowerer::LowerCall(const ast::Term& t, Scope* scope, bool* relation,
                            ir::Term* relation_out) {
  ir::Term out;
  out.op = ir::TermOp::kCall;
  out.loc = t.loc;
  int nargs = static_cast<int>(t.items.size()) - 1;
  const std::string name = t.CallName();
  if (nargs == 0 && (name == "rego.metadata.rule" || name == "rego.metadata.chain")) {
    // Their value depends only on the enclosing rule: a constant.
    out.op = ir::TermOp::kConst;
    if (current_rule_ == nullptr || annotations_ == nullptr || module_ == nullptr) {
      Error(t.loc, "the " + name + " function must only be called within the scope of a rule",
            StatusCode::kEvalBuiltinError);
      return out;
    }
    out.value = name == "rego.metadata.rule" ? RuleMetadata(*current_rule_)
                                             : annotations_->Chain(*module_, *current_rule_);
    return out;
  }
  if (nargs > 255) {
    Error(t.loc, "too many arguments in call (at most 255)", StatusCode::kTypeError);
    out.op = ir::TermOp::kConst;
    return out;
  }
  out.callee = ResolveFunction(t.items[0], scope, nargs, relation);
  int n = *relation ? nargs - 1 : nargs;
  for (int i = 1; i <= n; ++i) {
    out.items.push_back(LowerTerm(t.items[i], scope));
    out.has_vars |= out.items.back().has_vars;
  }
  if (*relation) *relation_out = LowerTerm(t.items.back(), scope);
  if (out.callee == nullptr) {
    out.op = ir::TermOp::kConst;  // keep going to report more errors
    out.items.clear();
  }
  return out;
}

ir::Term Lowerer::LowerDeclaration(const ast::Term& pattern, Scope* scope) {
  std::vector<const ast::Term*> vars;
  CollectPatternVars(pattern, &vars);
  for (const auto* v : vars) {
    if (v->is_wildcard()) continue;
    if (v->name == "input" || v->name == "data") {
      Error(v->loc, "cannot assign to " + v->name);
      continue;
    }
    if (scope->names.count(v->name)) {
      Error(v->loc, "var " + v->name + " assigned above");
      continue;
    }
    Declare(scope, v->name);
  }
  return LowerTerm(pattern, scope);
}

// ---- expressions --------------------------------------------------------------

void Lowerer::LowerWith(const ast::With& with, Scope* scope, ir::WithModifier* out) {
  out->loc = with.loc;
  const ast::Term& tgt = with.target;
  std::string head;
  std::vector<Value> path;
  bool dotted = false;
  if (tgt.kind == ast::TermKind::kVar) {
    head = tgt.name;
    dotted = true;
  } else if (tgt.kind == ast::TermKind::kRef && !tgt.items.empty() &&
             tgt.items[0].kind == ast::TermKind::kVar) {
    head = tgt.items[0].name;
    dotted = true;
    for (size_t i = 1; i < tgt.items.size(); ++i) {
      if (!IsStringScalar(tgt.items[i]) && tgt.items[i].kind != ast::TermKind::kScalar) {
        dotted = false;
        break;
      }
      path.push_back(tgt.items[i].value);
    }
  }
  if (!dotted) {
    Error(with.loc, "with keyword target must be a reference to input, data or a function");
    return;
  }
  // Where the target points: input.<path>, data.<path> (after resolving
  // imports and this package's rule names), or else a builtin.
  enum class Root { kInput, kData, kNone } root = Root::kNone;
  if (head == "input" || head == "data") {
    root = head == "input" ? Root::kInput : Root::kData;
  } else if (!Lookup(scope, head) &&
             (names_.imports.count(head) || (names_.rule_names && names_.rule_names->count(head)))) {
    ast::Term as_ref = tgt.kind == ast::TermKind::kVar ? ast::Term::Ref({tgt}, tgt.loc) : tgt;
    ir::Term resolved = LowerRef(as_ref, nullptr);
    if (resolved.op == ir::TermOp::kRef && !resolved.items.empty() &&
        (resolved.items[0].op == ir::TermOp::kInput || resolved.items[0].op == ir::TermOp::kData)) {
      root = resolved.items[0].op == ir::TermOp::kInput ? Root::kInput : Root::kData;
      path.clear();
      for (size_t i = 1; i < resolved.items.size(); ++i) path.push_back(resolved.items[i].value);
    }
  }
  const ir::RuleNode* node = root == Root::kData ? FindNode(path) : nullptr;
  if (root == Root::kInput) {
    out->target = ir::WithModifier::Target::kInput;
    out->path = std::move(path);
  } else if (root == Root::kData && !(node && node->kind == ir::RuleKind::kFunction)) {
    out->target = ir::WithModifier::Target::kData;
    out->path = std::move(path);
  } else {
    // A user function (data.<path> naming one) or a builtin.
    bool rel;
    out->target = ir::WithModifier::Target::kFunction;
    out->function = ResolveFunction(tgt, scope, kReference, &rel);
    if (out->function && out->function->kind != ir::Callable::Kind::kBuiltin &&
        out->function->kind != ir::Callable::Kind::kFunction) {
      Error(with.loc, "with keyword cannot replace " + out->function->name);
    }
  }
  // The replacement: a function reference or a value.
  if (out->target == ir::WithModifier::Target::kFunction) {
    const ast::Term& v = with.value;
    bool fn_ref = false;
    if ((v.kind == ast::TermKind::kVar || (v.kind == ast::TermKind::kRef && v.IsDottedRef())) ) {
      std::string vhead = v.kind == ast::TermKind::kVar ? v.name : v.items[0].name;
      if (!Lookup(scope, vhead) && vhead != "input") {
        std::string name = vhead;
        if (v.kind == ast::TermKind::kRef)
          for (size_t i = 1; i < v.items.size(); ++i) name += "." + std::string(v.items[i].value.str());
        bool is_fn = false;
        if (registry_.Find(name) || InternalKind(name)) is_fn = true;
        ast::Term as_ref = v.kind == ast::TermKind::kVar ? ast::Term::Ref({v}, v.loc) : v;
        if (!is_fn && (vhead == "data" || names_.imports.count(vhead) ||
                       (names_.rule_names && names_.rule_names->count(vhead)))) {
          ir::Term r = LowerRef(as_ref, nullptr);
          if (r.op == ir::TermOp::kRef && !r.items.empty() && r.items[0].op == ir::TermOp::kData) {
            std::vector<Value> p;
            for (size_t i = 1; i < r.items.size(); ++i) p.push_back(r.items[i].value);
            const ir::RuleNode* node = FindNode(p);
            is_fn = node && node->kind == ir::RuleKind::kFunction;
          }
        }
        if (is_fn) {
          bool rel;
          out->replacement = ResolveFunction(as_ref, scope, kReference, &rel);
          fn_ref = true;
        }
      }
    }
    if (!fn_ref) out->value = LowerTerm(v, scope);
  } else {
    out->value = LowerTerm(with.value, scope);
  }
}

void Lowerer::LowerExpr(const ast::Expr& expr, Scope* scope, ir::Body* out) {
  ir::Expr e;
  e.loc = expr.loc;
  switch (expr.kind) {
    case ast::ExprKind::kTerm: {
      const ast::Term& t = expr.term;
      std::string name = t.kind == ast::TermKind::kCall ? t.CallName() : std::string();
      if ((name == "eq" || name == "assign") && t.items.size() == 3) {
        e.op = ir::ExprOp::kUnify;
        if (name == "assign") {
          if (expr.negated) {
            Error(t.loc, "cannot assign vars inside negated expression");
          }
          const ast::Term& lhs = t.items[1];
          if (lhs.kind != ast::TermKind::kVar && lhs.kind != ast::TermKind::kArray &&
              lhs.kind != ast::TermKind::kObject) {
            Error(t.loc, "cannot assign to " + std::string(lhs.kind == ast::TermKind::kRef ? "ref" : "term"));
          }
          e.b = LowerTerm(t.items[2], scope);
          e.a = LowerDeclaration(lhs, scope);
        } else {
          e.a = LowerTerm(t.items[1], scope);
          e.b = LowerTerm(t.items[2], scope);
        }
      } else if (t.kind == ast::TermKind::kCall) {
        bool relation = false;
        ir::Term rel_out;
        ir::Term call = LowerCall(t, scope, &relation, &rel_out);
        if (relation) {
          e.op = ir::ExprOp::kUnify;
          e.a = std::move(call);
          e.b = std::move(rel_out);
        } else {
          e.op = ir::ExprOp::kTruthy;
          e.a = std::move(call);
        }
      } else {
        e.op = ir::ExprOp::kTruthy;
        e.a = LowerTerm(t, scope);
      }
      break;
    }
    case ast::ExprKind::kSome: {
      if (expr.terms.size() == 1 && expr.terms[0].kind == ast::TermKind::kCall) {
        const ast::Term& call = expr.terms[0];
        e.op = ir::ExprOp::kSomeIn;
        e.c = LowerTerm(call.items.back(), scope);
        if (call.items.size() == 4) {
          e.has_key = true;
          e.a = LowerDeclaration(call.items[1], scope);
          e.b = LowerDeclaration(call.items[2], scope);
        } else {
          e.b = LowerDeclaration(call.items[1], scope);
        }
        break;
      }
      for (const auto& v : expr.terms) {
        if (v.kind != ast::TermKind::kVar) {
          Error(v.loc, "expected a variable in some declaration");
          continue;
        }
        Declare(scope, v.name);
      }
      return;  // a pure declaration evaluates nothing
    }
    case ast::ExprKind::kEvery: {
      if (expr.terms.size() != 3) {
        Error(expr.loc, "malformed every expression");
        return;
      }
      e.op = ir::ExprOp::kEvery;
      e.c = LowerTerm(expr.terms[2], scope);
      Scope inner;
      inner.parent = scope;
      inner.depth = scope->depth + 1;
      captures_.push_back({inner.depth, &e.captures});
      if (expr.terms[0].kind != ast::TermKind::kScalar) {
        e.has_key = true;
        e.a = LowerDeclaration(expr.terms[0], &inner);
      }
      e.b = LowerDeclaration(expr.terms[1], &inner);
      Prescan(expr.body, &inner);
      auto body = std::make_shared<ir::Body>();
      LowerBody(expr.body, &inner, body.get());
      captures_.pop_back();
      e.body = std::move(body);
      break;
    }
  }
  for (const auto& w : expr.with) {
    ir::WithModifier m;
    LowerWith(w, scope, &m);
    e.with.push_back(std::move(m));
  }
  if (expr.negated) {
    ir::Expr n;
    n.op = ir::ExprOp::kNot;
    n.loc = expr.loc;
    auto body = std::make_shared<ir::Body>();
    body->exprs.push_back(std::move(e));
    n.body = std::move(body);
    out->exprs.push_back(std::move(n));
    return;
  }
  out->exprs.push_back(std::move(e));
}

void Lowerer::LowerBody(const ast::Body& body, Scope* scope, ir::Body* out) {
  for (const auto& e : body) LowerExpr(e, scope, out);
}

// ---- rules and queries ----------------------------------------------------------

void Lowerer::LowerRule(const ast::Rule& rule, const std::vector<ast::Term>& key_steps,
                        ir::Rule* out) {
  out->loc = rule.loc;
  out->is_default = rule.is_default;
  Scope args_scope;
  // Function parameters: patterns whose variables are bound on entry.
  for (const auto& a : rule.head.args) {
    std::vector<const ast::Term*> vars;
    CollectPatternVars(a, &vars);
    for (const auto* v : vars) {
      if (!v->is_wildcard() && !args_scope.names.count(v->name)) Declare(&args_scope, v->name);
    }
  }
  // A parameter that is not a pattern (a template string, a call) is
  // matched by an equality in the body instead, where the body's own
  // bindings are visible: f($"{x}") if x = "a" matches f("a").
  std::vector<const ast::Term*> body_matched(rule.head.args.size(), nullptr);
  for (size_t i = 0; i < rule.head.args.size(); ++i) {
    const ast::Term& a = rule.head.args[i];
    if (a.kind == ast::TermKind::kTemplate || a.kind == ast::TermKind::kCall) {
      body_matched[i] = &a;
      ir::Term param;
      param.op = ir::TermOp::kLocal;
      param.var_name = "$arg" + std::to_string(i);
      param.slot = Declare(&args_scope, param.var_name);
      param.has_vars = true;
      param.loc = a.loc;
      out->args.push_back(std::move(param));
    } else {
      out->args.push_back(LowerTerm(a, &args_scope));
    }
  }

  auto lower_branch = [&](const ast::Rule& r, const std::vector<ast::Term>* keys, ir::Term* value,
                          ir::Body* body) {
    current_rule_ = &r;
    Scope scope;
    scope.parent = &args_scope;
    scope.depth = 1;
    Prescan(r.body, &scope);
    for (const ast::Term* a : body_matched) {
      if (a) PrescanTerm(*a, &scope, {});
    }
    // Head terms are lowered after the body, so that they see the body's
    // declarations (`p := x if { x := 1 }`).
    LowerBody(r.body, &scope, body);
    for (size_t i = 0; i < body_matched.size(); ++i) {
      if (!body_matched[i]) continue;
      ir::Expr e;
      e.op = ir::ExprOp::kUnify;
      e.loc = body_matched[i]->loc;
      e.a = out->args[i];
      e.b = LowerTerm(*body_matched[i], &scope);
      body->exprs.push_back(std::move(e));
    }
    if (keys) {
      for (const auto& k : *keys) out->key_path.push_back(LowerTerm(k, &scope));
    }
    if (r.head.is_multi_value) out->key_path.push_back(LowerTerm(r.head.key, &scope));
    if (r.head.has_value) {
      *value = LowerTerm(r.head.value, &scope);
    } else {
      value->op = ir::TermOp::kConst;
      value->value = Value::Bool(true);
      value->loc = r.head.loc;
    }
  };
  lower_branch(rule, &key_steps, &out->value, &out->body);
  for (const auto& el : rule.elses) {
    ir::Term v;
    ir::Body b;
    lower_branch(el, nullptr, &v, &b);
    out->elses.emplace_back(std::move(v), std::move(b));
  }
  current_rule_ = nullptr;
  out->num_slots = next_slot_;
}

void Lowerer::LowerQuery(const ast::Body& body, ir::Body* out,
                         std::vector<std::pair<std::string, uint32_t>>* outputs) {
  Scope scope;
  Prescan(body, &scope);
  size_t before = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    before = out->exprs.size();
    LowerExpr(body[i], &scope, out);
    for (size_t j = before; j < out->exprs.size(); ++j) out->exprs[j].query_index = static_cast<int>(i);
  }
  for (const auto& [name, slot] : scope.names) {
    if (name.empty() || name[0] == '$' || name == "_") continue;
    outputs->emplace_back(name, slot);
  }
  std::sort(outputs->begin(), outputs->end());
}

}  // namespace fedra::compile
