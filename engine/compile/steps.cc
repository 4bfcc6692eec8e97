#include "compile/steps.h"

#include <algorithm>
#include <vector>

namespace fedra::compile {

namespace {

// True when the term's own operation has one value once its operands do:
// not a relation builtin such as walk, nor print (which prints every value
// of its arguments).
bool OneValuedOp(const ir::Term& t) {
  if (t.op != ir::TermOp::kCall) return true;
  const ir::Callable* c = t.callee;
  if (c == nullptr || c->kind == ir::Callable::Kind::kPrint) return false;
  return c->kind != ir::Callable::Kind::kBuiltin || (c->builtin != nullptr && !c->builtin->relation);
}

// Comprehensions have one value once their captures are bound (the safety
// order puts their binders first), a template one built from each part's
// first value: neither looks at its parts.
bool Opaque(const ir::Term& t) {
  switch (t.op) {
    case ir::TermOp::kArrayCompr:
    case ir::TermOp::kSetCompr:
    case ir::TermOp::kObjectCompr:
    case ir::TermOp::kTemplate:
      return true;
    default:
      return false;
  }
}

// Sets `single` bottom-up: a ground ref has one value at most; calls and
// collections need one value per argument or element.
void PlanTerm(ir::Term* t) {
  if (t->body) PlanSteps(const_cast<ir::Body*>(t->body.get()));
  bool single = OneValuedOp(*t);
  for (auto& i : t->items) {
    PlanTerm(&i);
    single &= i.single;
  }
  for (auto& [k, v] : t->entries) {
    PlanTerm(&k);
    PlanTerm(&v);
    single &= k.single && v.single;
  }
  t->single = Opaque(*t) || single;
}

// The locals `t` reads in its own scope (not inside comprehensions or
// templates), sorted and unique.
void CollectReads(const ir::Term& t, std::vector<uint32_t>* reads) {
  if (t.op == ir::TermOp::kLocal) reads->push_back(t.slot);
  if (Opaque(t)) return;
  for (const auto& i : t.items) CollectReads(i, reads);
  for (const auto& [k, v] : t.entries) {
    CollectReads(k, reads);
    CollectReads(v, reads);
  }
}

std::vector<uint32_t> Reads(const ir::Term& t) {
  std::vector<uint32_t> reads;
  CollectReads(t, &reads);
  std::sort(reads.begin(), reads.end());
  reads.erase(std::unique(reads.begin(), reads.end()), reads.end());
  return reads;
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
      e->step = e->a.single;
      break;
    case ir::ExprOp::kUnify:
      e->step = e->a.single && e->b.single;
      break;
    case ir::ExprOp::kNot:
    case ir::ExprOp::kEvery:
      e->step = true;  // bind nothing outside their bodies
      return;
    case ir::ExprOp::kSomeIn:
      return;  // a generator
  }
  if (!e->step) return;
  e->reads_a = Reads(e->a);
  if (e->op == ir::ExprOp::kUnify) e->reads_b = Reads(e->b);
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
