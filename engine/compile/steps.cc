#include "compile/steps.h"

#include <algorithm>

namespace fedra::compile {

namespace {

void PlanTerm(ir::Term* t);

// Collects the locals `t` reads in its own scope into *reads; false when
// the term may have several values whatever is bound (a relation builtin
// such as walk, or print, which prints every value of its arguments).
bool Reads(const ir::Term& t, std::vector<uint32_t>* reads) {
  switch (t.op) {
    case ir::TermOp::kConst:
    case ir::TermOp::kInput:
    case ir::TermOp::kData:
      return true;
    case ir::TermOp::kLocal:
      reads->push_back(t.slot);
      return true;
    case ir::TermOp::kArrayCompr:
    case ir::TermOp::kSetCompr:
    case ir::TermOp::kObjectCompr:
    case ir::TermOp::kTemplate:
      // One value each: a comprehension once its captures are bound (the
      // safety order puts their binders first), a template part by part
      // with each part's first value.
      return true;
    case ir::TermOp::kCall: {
      const ir::Callable* c = t.callee;
      if (c == nullptr || c->kind == ir::Callable::Kind::kPrint) return false;
      if (c->kind == ir::Callable::Kind::kBuiltin &&
          (c->builtin == nullptr || c->builtin->relation)) {
        return false;
      }
      break;
    }
    case ir::TermOp::kRef:
    case ir::TermOp::kArray:
    case ir::TermOp::kSet:
    case ir::TermOp::kObject:
      break;
  }
  // A ground ref has one value at most; calls and collections need one
  // value per argument or element.
  for (const auto& i : t.items) {
    if (!Reads(i, reads)) return false;
  }
  for (const auto& [k, v] : t.entries) {
    if (!Reads(k, reads) || !Reads(v, reads)) return false;
  }
  return true;
}

void Unique(std::vector<uint32_t>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

void PlanExpr(ir::Expr* e) {
  // Nested bodies first: `not`, `every`, comprehensions anywhere.
  if (e->body) PlanSteps(const_cast<ir::Body*>(e->body.get()));
  PlanTerm(&e->a);
  PlanTerm(&e->b);
  PlanTerm(&e->c);
  for (auto& w : e->with) PlanTerm(&w.value);

  e->reads_a.clear();
  e->reads_b.clear();
  e->step = false;
  if (!e->with.empty()) return;  // `with` saves and restores state around its continuation
  switch (e->op) {
    case ir::ExprOp::kTruthy:
      e->step = Reads(e->a, &e->reads_a);
      break;
    case ir::ExprOp::kUnify:
      e->step = Reads(e->a, &e->reads_a) && Reads(e->b, &e->reads_b);
      break;
    case ir::ExprOp::kNot:
    case ir::ExprOp::kEvery:
      e->step = true;  // bind nothing outside their bodies
      break;
    case ir::ExprOp::kSomeIn:
      break;  // a generator
  }
  if (!e->step) {
    e->reads_a.clear();
    e->reads_b.clear();
  }
  Unique(&e->reads_a);
  Unique(&e->reads_b);
}

void PlanTerm(ir::Term* t) {
  if (t->body) PlanSteps(const_cast<ir::Body*>(t->body.get()));
  for (auto& i : t->items) PlanTerm(&i);
  for (auto& [k, v] : t->entries) {
    PlanTerm(&k);
    PlanTerm(&v);
  }
  std::vector<uint32_t> reads;
  t->single = Reads(*t, &reads);
}

}  // namespace

void PlanSteps(ir::Body* body) {
  for (auto& e : body->exprs) PlanExpr(&e);
}

void PlanRuleSteps(ir::Rule* rule) {
  PlanSteps(&rule->body);
  for (auto& [value, body] : rule->elses) {
    PlanTerm(&value);
    PlanSteps(&body);
  }
  PlanTerm(&rule->value);
  for (auto& k : rule->key_path) PlanTerm(&k);
  for (auto& a : rule->args) PlanTerm(&a);
}

}  // namespace fedra::compile
