// Stage build_indexes: for rule sets with many rules, find the input field
// most rules test for equality with a constant (`input.kind == "Pod"`,
// `input.request.kind.kind = "Deployment"`) and index the rules by that
// value, so an evaluation visits only the rules whose test can hold.
#include <map>

#include "compile/compiler.h"

namespace fedra::compile {

namespace {

constexpr size_t kMinRulesToIndex = 8;

// input.<const path> -> the path, or false.
bool InputPath(const ir::Term& t, std::vector<Value>* path) {
  if (t.op != ir::TermOp::kRef || t.items.empty() || t.items[0].op != ir::TermOp::kInput) return false;
  path->clear();
  for (size_t i = 1; i < t.items.size(); ++i) {
    if (!t.items[i].is_const()) return false;
    path->push_back(t.items[i].value);
  }
  return true;
}

bool IsScalar(const Value& v) {
  return v.is_string() || v.is_number() || v.is_bool() || v.is_null();
}

void CollectEqualities(ir::Rule* rule) {
  rule->input_eq.clear();
  for (const auto& e : rule->body.exprs) {
    if (!e.with.empty()) continue;
    const ir::Term* l = nullptr;
    const ir::Term* r = nullptr;
    if (e.op == ir::ExprOp::kUnify) {
      l = &e.a;
      r = &e.b;
    } else if (e.op == ir::ExprOp::kTruthy && e.a.op == ir::TermOp::kCall && e.a.callee &&
               e.a.callee->kind == ir::Callable::Kind::kBuiltin && e.a.callee->name == "equal" &&
               e.a.items.size() == 2) {
      l = &e.a.items[0];
      r = &e.a.items[1];
    } else {
      continue;
    }
    std::vector<Value> path;
    if (r->is_const() && IsScalar(r->value) && InputPath(*l, &path)) {
      rule->input_eq.emplace_back(path, r->value);
    } else if (l->is_const() && IsScalar(l->value) && InputPath(*r, &path)) {
      rule->input_eq.emplace_back(path, l->value);
    }
  }
}

void IndexNode(ir::RuleNode* node) {
  if (node->rules.size() < kMinRulesToIndex || node->kind == ir::RuleKind::kFunction) return;
  std::map<std::vector<Value>, size_t> counts;
  for (auto& r : node->rules) {
    if (!r->elses.empty()) return;  // else chains must see every rule in order
    CollectEqualities(r.get());
    for (const auto& [path, v] : r->input_eq) counts[path]++;
  }
  const std::vector<Value>* best = nullptr;
  size_t best_count = 0;
  for (const auto& [path, n] : counts) {
    if (n > best_count) { best = &path; best_count = n; }
  }
  if (!best || best_count < kMinRulesToIndex / 2) return;
  auto index = std::make_unique<ir::RuleIndex>();
  index->path = *best;
  for (auto& r : node->rules) {
    const Value* key = nullptr;
    for (const auto& [path, v] : r->input_eq) {
      if (path == *best) { key = &v; break; }
    }
    if (key) index->by_value[*key].push_back(r.get());
    else index->always.push_back(r.get());
  }
  node->index = std::move(index);
}

}  // namespace

void BuildIndexes(CompileState* state) {
  std::vector<ir::RuleNode*> stack{state->impl->root.get()};
  while (!stack.empty()) {
    ir::RuleNode* n = stack.back();
    stack.pop_back();
    IndexNode(n);
    for (auto& [k, c] : n->children) stack.push_back(c.get());
  }
}

}  // namespace fedra::compile
