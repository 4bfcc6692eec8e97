#include "compile/safety.h"

#include <algorithm>
#include <string>

namespace fedra::compile {

namespace {

enum class Pos { kOutput, kEval };

struct VarSets {
  std::vector<uint32_t> in;
  std::vector<uint32_t> out;
  std::vector<uint32_t> ref_out;  // bound by enumerating a ref step
  void AddIn(uint32_t s) { in.push_back(s); }
  void AddOut(uint32_t s) { out.push_back(s); }
};

void TermVars(const ir::Term& t, Pos pos, VarSets* vs) {
  switch (t.op) {
    case ir::TermOp::kConst:
    case ir::TermOp::kInput:
    case ir::TermOp::kData:
      return;
    case ir::TermOp::kLocal:
      if (pos == Pos::kOutput) vs->AddOut(t.slot);
      else vs->AddIn(t.slot);
      return;
    case ir::TermOp::kRef: {
      const ir::Term& head = t.items[0];
      if (head.op == ir::TermOp::kLocal) vs->AddIn(head.slot);
      else TermVars(head, Pos::kEval, vs);
      for (size_t i = 1; i < t.items.size(); ++i) {
        const ir::Term& step = t.items[i];
        if (step.op == ir::TermOp::kLocal) {
          vs->AddOut(step.slot);
          vs->ref_out.push_back(step.slot);
        }
        else if (step.op == ir::TermOp::kArray || step.op == ir::TermOp::kObject)
          TermVars(step, Pos::kOutput, vs);
        else TermVars(step, Pos::kEval, vs);
      }
      return;
    }
    case ir::TermOp::kArray:
      for (const auto& i : t.items) TermVars(i, pos, vs);
      return;
    case ir::TermOp::kObject:
      for (const auto& [k, v] : t.entries) {
        TermVars(k, Pos::kEval, vs);
        TermVars(v, pos, vs);
      }
      return;
    case ir::TermOp::kSet:
    case ir::TermOp::kCall:
    case ir::TermOp::kTemplate:
      for (const auto& i : t.items) TermVars(i, Pos::kEval, vs);
      return;
    case ir::TermOp::kArrayCompr:
    case ir::TermOp::kSetCompr:
    case ir::TermOp::kObjectCompr:
      for (uint32_t s : t.captures) vs->AddIn(s);
      return;
  }
}

void ExprVars(const ir::Expr& e, const std::vector<std::string>& names, VarSets* vs) {
  switch (e.op) {
    case ir::ExprOp::kTruthy:
      TermVars(e.a, Pos::kEval, vs);
      break;
    case ir::ExprOp::kUnify:
      TermVars(e.a, Pos::kOutput, vs);
      TermVars(e.b, Pos::kOutput, vs);
      break;
    case ir::ExprOp::kNot: {
      VarSets inner;
      for (const auto& x : e.body->exprs) ExprVars(x, names, &inner);
      for (uint32_t s : inner.in) vs->AddIn(s);
      for (uint32_t s : inner.out) {
        if (s < names.size() && names[s] == "_") continue;
        vs->AddIn(s);
      }
      break;
    }
    case ir::ExprOp::kSomeIn:
      TermVars(e.c, Pos::kEval, vs);
      if (e.has_key) TermVars(e.a, Pos::kOutput, vs);
      TermVars(e.b, Pos::kOutput, vs);
      break;
    case ir::ExprOp::kEvery:
      TermVars(e.c, Pos::kEval, vs);
      for (uint32_t s : e.captures) vs->AddIn(s);
      break;
  }
  for (const auto& w : e.with) TermVars(w.value, Pos::kEval, vs);
}

// What unification can bind, mirroring the evaluator (eval/unify.cc): a
// side that can be evaluated gives a value, and the other side, a pattern
// (locals, arrays and objects of patterns), takes it; two arrays or two
// objects unify element by element. Each function returns false when the
// term cannot be handled with the slots in *bound; on success it marks the
// slots it binds. Callers work on a copy of the bound set.

// `t` evaluates when every variable it reads is bound; evaluating binds the
// variables of its ref steps (which enumerate).
bool Evaluable(const ir::Term& t, std::vector<bool>* bound) {
  VarSets vs;
  TermVars(t, Pos::kEval, &vs);
  for (uint32_t s : vs.in) {
    if (!(*bound)[s]) return false;
  }
  for (uint32_t s : vs.out) (*bound)[s] = true;
  return true;
}

// `t` can be matched against a value.
bool Pattern(const ir::Term& t, std::vector<bool>* bound) {
  switch (t.op) {
    case ir::TermOp::kConst:
      return true;
    case ir::TermOp::kLocal:
      (*bound)[t.slot] = true;
      return true;
    case ir::TermOp::kArray:
      for (const auto& i : t.items) {
        if (!Pattern(i, bound)) return false;
      }
      return true;
    case ir::TermOp::kObject:
      for (const auto& [k, v] : t.entries) {
        if (!Evaluable(k, bound) || !Pattern(v, bound)) return false;
      }
      return true;
    default:
      return Evaluable(t, bound);
  }
}

// `a = b` can run: afterwards every variable in it is bound. Element-wise
// unification binds what it can in any order (`[y, x] = [x, 1]`), as OPA's
// safety analysis does.
bool UnifyBinds(const ir::Term& a, const ir::Term& b, std::vector<bool>* bound) {
  for (int side = 0; side < 2; ++side) {
    const ir::Term& value = side == 0 ? a : b;
    const ir::Term& pattern = side == 0 ? b : a;
    std::vector<bool> trial = *bound;
    if (Evaluable(value, &trial) && Pattern(pattern, &trial)) {
      *bound = std::move(trial);
      return true;
    }
  }
  std::vector<std::pair<const ir::Term*, const ir::Term*>> pairs;
  if (a.op == ir::TermOp::kArray && b.op == ir::TermOp::kArray) {
    if (a.items.size() != b.items.size()) return false;
    for (size_t i = 0; i < a.items.size(); ++i) pairs.emplace_back(&a.items[i], &b.items[i]);
  } else if (a.op == ir::TermOp::kObject && b.op == ir::TermOp::kObject) {
    if (a.entries.size() != b.entries.size()) return false;
    for (const auto& [ka, va] : a.entries) {
      const ir::Term* match = nullptr;
      for (const auto& [kb, vb] : b.entries) {
        if (ka.is_const() && kb.is_const() && ka.value == kb.value) match = &vb;
      }
      if (match == nullptr) return false;
      pairs.emplace_back(&va, match);
    }
  } else {
    return false;
  }
  std::vector<bool> trial = *bound;
  std::vector<bool> done(pairs.size(), false);
  size_t remaining = pairs.size();
  bool progressed = true;
  while (remaining > 0 && progressed) {
    progressed = false;
    for (size_t i = 0; i < pairs.size(); ++i) {
      if (done[i] || !UnifyBinds(*pairs[i].first, *pairs[i].second, &trial)) continue;
      done[i] = true;
      --remaining;
      progressed = true;
    }
  }
  if (remaining > 0) return false;
  *bound = std::move(trial);
  return true;
}

class Checker {
 public:
  Checker(std::vector<std::string> names, std::vector<Status>* errors)
      : names_(std::move(names)), errors_(errors) {}

  // Reorders `body` given the slots bound on entry; returns false when some
  // expression can never run (errors added).
  bool Body(ir::Body* body, std::vector<bool>* bound) {
    std::vector<ir::Expr> pending = std::move(body->exprs);
    body->exprs.clear();
    std::vector<bool> done(pending.size(), false);
    size_t remaining = pending.size();
    bool ok = true;
    while (remaining > 0) {
      bool progressed = false;
      for (size_t i = 0; i < pending.size(); ++i) {
        if (done[i]) continue;
        VarSets vs;
        ExprVars(pending[i], names_, &vs);
        // A test like `foo == input.foos[foo]` binds foo by enumerating
        // the ref first (the evaluator evaluates such arguments first).
        bool self_binding = pending[i].op == ir::ExprOp::kTruthy;
        bool ready = true;
        for (uint32_t s : vs.in) {
          if ((*bound)[s]) continue;
          if (self_binding &&
              std::find(vs.ref_out.begin(), vs.ref_out.end(), s) != vs.ref_out.end())
            continue;
          ready = false;
          break;
        }
        // `x = y` runs only once unification can bind all of it.
        std::vector<bool> after;
        if (ready && pending[i].op == ir::ExprOp::kUnify) {
          after = *bound;
          ready = UnifyBinds(pending[i].a, pending[i].b, &after);
        }
        if (!ready) continue;
        if (!Nested(&pending[i], *bound)) ok = false;
        if (!after.empty()) *bound = std::move(after);
        for (uint32_t s : vs.out) (*bound)[s] = true;
        body->exprs.push_back(std::move(pending[i]));
        done[i] = true;
        --remaining;
        progressed = true;
        break;  // restart from the first pending expression (stable order)
      }
      if (!progressed) {
        for (size_t i = 0; i < pending.size(); ++i) {
          if (done[i]) continue;
          for (uint32_t s : UnboundReads(pending[i], *bound)) Unsafe(s, pending[i].loc);
          body->exprs.push_back(std::move(pending[i]));
        }
        return false;
      }
    }
    return ok;
  }

  // Checks that every local in `t` is bound (heads, comprehension heads).
  bool Require(const ir::Term& t, const std::vector<bool>& bound) {
    VarSets vs;
    TermVars(t, Pos::kEval, &vs);
    bool ok = true;
    // Variables in ref steps (`xs[_]`) enumerate when the term is evaluated.
    for (uint32_t s : vs.in) if (!bound[s]) { Unsafe(s, t.loc); ok = false; }
    return ok;
  }

  // Checks (and reorders) the bodies of comprehensions inside a head term.
  bool HeadTerm(ir::Term* t, const std::vector<bool>& bound) { return Term(t, bound); }

 private:
  // The unbound variables to blame for an expression that cannot run. For
  // a unification, the variables no ordering binds; for `x := y` that is y
  // (as OPA reports it), not the variable being assigned.
  std::vector<uint32_t> UnboundReads(const ir::Expr& e, const std::vector<bool>& bound) {
    VarSets vs;
    ExprVars(e, names_, &vs);
    std::vector<uint32_t> out;
    auto add = [&](uint32_t s) {
      if (!bound[s] && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    };
    for (uint32_t s : vs.in) add(s);
    if (e.op != ir::ExprOp::kUnify) return out;
    VarSets value_side;
    TermVars(e.b, Pos::kEval, &value_side);
    for (uint32_t s : value_side.in) add(s);
    if (!out.empty() && e.a.op == ir::TermOp::kLocal) return out;
    for (uint32_t s : vs.out) add(s);
    return out;
  }

  void Unsafe(uint32_t slot, Location loc) {
    std::string name = slot < names_.size() ? names_[slot] : "?";
    if (name.empty() || name[0] == '$') name = "_";
    for (const auto& e : *errors_) {
      if (e.location().line == loc.line && e.location().col == loc.col &&
          e.message() == "var " + name + " is unsafe")
        return;
    }
    errors_->emplace_back(StatusCode::kUnsafeVarError, "var " + name + " is unsafe", loc);
  }

  bool Term(ir::Term* t, const std::vector<bool>& bound) {
    bool ok = true;
    switch (t->op) {
      case ir::TermOp::kArrayCompr:
      case ir::TermOp::kSetCompr:
      case ir::TermOp::kObjectCompr: {
        std::vector<bool> inner = bound;
        auto* body = const_cast<ir::Body*>(t->body.get());
        ok = Body(body, &inner);
        for (auto& h : t->items) ok = Term(&h, inner) && ok;
        if (ok) for (const auto& h : t->items) ok = Require(h, inner) && ok;
        return ok;
      }
      default:
        for (auto& i : t->items) ok = Term(&i, bound) && ok;
        for (auto& [k, v] : t->entries) {
          ok = Term(&k, bound) && ok;
          ok = Term(&v, bound) && ok;
        }
        return ok;
    }
  }

  bool Nested(ir::Expr* e, const std::vector<bool>& bound) {
    bool ok = Term(&e->a, bound);
    ok = Term(&e->b, bound) && ok;
    ok = Term(&e->c, bound) && ok;
    for (auto& w : e->with) ok = Term(&w.value, bound) && ok;
    if (e->op == ir::ExprOp::kNot) {
      // The negated expression runs with what is bound now; its own
      // wildcards bind inside it.
      std::vector<bool> inner = bound;
      ok = Body(const_cast<ir::Body*>(e->body.get()), &inner) && ok;
    } else if (e->op == ir::ExprOp::kEvery) {
      std::vector<bool> inner = bound;
      VarSets vs;
      if (e->has_key) TermVars(e->a, Pos::kOutput, &vs);
      TermVars(e->b, Pos::kOutput, &vs);
      for (uint32_t s : vs.out) inner[s] = true;
      ok = Body(const_cast<ir::Body*>(e->body.get()), &inner) && ok;
    }
    return ok;
  }

  std::vector<std::string> names_;
  std::vector<Status>* errors_;
};

void CollectNames(const ir::Term& t, std::vector<std::string>* names);

void CollectBodyNames(const ir::Body& b, std::vector<std::string>* names) {
  for (const auto& e : b.exprs) {
    CollectNames(e.a, names);
    CollectNames(e.b, names);
    CollectNames(e.c, names);
    for (const auto& w : e.with) CollectNames(w.value, names);
    if (e.body) CollectBodyNames(*e.body, names);
  }
}

void CollectNames(const ir::Term& t, std::vector<std::string>* names) {
  if (t.op == ir::TermOp::kLocal) {
    if (t.slot >= names->size()) names->resize(t.slot + 1);
    (*names)[t.slot] = t.var_name;
  }
  for (const auto& i : t.items) CollectNames(i, names);
  for (const auto& [k, v] : t.entries) {
    CollectNames(k, names);
    CollectNames(v, names);
  }
  if (t.body) CollectBodyNames(*t.body, names);
}

}  // namespace

void CheckRuleSafety(ir::Rule* rule, std::vector<Status>* errors) {
  std::vector<std::string> names(rule->num_slots);
  for (const auto& a : rule->args) CollectNames(a, &names);
  for (const auto& k : rule->key_path) CollectNames(k, &names);
  CollectNames(rule->value, &names);
  CollectBodyNames(rule->body, &names);
  for (const auto& [v, b] : rule->elses) {
    CollectNames(v, &names);
    CollectBodyNames(b, &names);
  }
  names.resize(std::max<size_t>(names.size(), rule->num_slots));
  Checker checker(names, errors);
  std::vector<bool> entry(names.size(), false);
  {
    VarSets vs;
    for (const auto& a : rule->args) TermVars(a, Pos::kOutput, &vs);
    for (uint32_t s : vs.out) entry[s] = true;
    for (uint32_t s : vs.in) entry[s] = true;
  }
  auto check_branch = [&](ir::Body* body, ir::Term* value, bool with_keys) {
    std::vector<bool> bound = entry;
    bool ok = checker.Body(body, &bound);
    if (!ok) return;
    if (with_keys) {
      for (auto& k : rule->key_path) {
        if (checker.HeadTerm(&k, bound)) checker.Require(k, bound);
      }
    }
    if (checker.HeadTerm(value, bound)) checker.Require(*value, bound);
  };
  check_branch(&rule->body, &rule->value, true);
  for (auto& [v, b] : rule->elses) check_branch(&b, &v, false);
}

void CheckQuerySafety(ir::Body* body, uint32_t num_slots, std::vector<Status>* errors) {
  std::vector<std::string> names(num_slots);
  CollectBodyNames(*body, &names);
  names.resize(std::max<size_t>(names.size(), num_slots));
  Checker checker(names, errors);
  std::vector<bool> bound(names.size(), false);
  checker.Body(body, &bound);
}

}  // namespace fedra::compile
