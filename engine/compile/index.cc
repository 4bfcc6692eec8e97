// Stage build_indexes: for rule sets with many rules, find the input field
// most rules test for equality with a constant (`input.kind == "Pod"`,
// `input.request.kind.kind = "Deployment"`) and index the rules by that
// value, so an evaluation visits only the rules whose test can hold.
#include <algorithm>
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

constexpr int kMaxIndexDepth = 4;

std::unique_ptr<ir::RuleIndex> BuildIndex(const std::vector<const ir::Rule*>& rules,
                                          std::vector<std::vector<Value>>* used, int depth) {
  if (rules.size() < kMinRulesToIndex || depth >= kMaxIndexDepth) return nullptr;
  std::map<std::vector<Value>, size_t> counts;
  for (const ir::Rule* r : rules) {
    for (const auto& [path, v] : r->input_eq) {
      if (std::find(used->begin(), used->end(), path) == used->end()) counts[path]++;
    }
  }
  const std::vector<Value>* best = nullptr;
  size_t best_count = 0;
  for (const auto& [path, n] : counts) {
    if (n > best_count) {
      best = &path;
      best_count = n;
    }
  }
  // Worth it only when most rules test the path.
  if (!best || best_count * 2 < rules.size()) return nullptr;
  auto index = std::make_unique<ir::RuleIndex>();
  index->path = *best;
  for (const ir::Rule* r : rules) {
    const Value* key = nullptr;
    for (const auto& [path, v] : r->input_eq) {
      if (path == *best) {
        key = &v;
        break;
      }
    }
    if (key) index->by_value[*key].rules.push_back(r);
    else index->always.push_back(r);
  }
  used->push_back(index->path);
  for (auto& [key, bucket] : index->by_value) {
    bucket.sub = BuildIndex(bucket.rules, used, depth + 1);
  }
  used->pop_back();
  return index;
}

void IndexNode(ir::RuleNode* node) {
  if (node->rules.size() < kMinRulesToIndex || node->kind == ir::RuleKind::kFunction) return;
  std::vector<const ir::Rule*> rules;
  for (auto& r : node->rules) {
    if (!r->elses.empty()) return;  // else chains must see every rule in order
    CollectEqualities(r.get());
    rules.push_back(r.get());
  }
  std::vector<std::vector<Value>> used;
  node->index = BuildIndex(rules, &used, 0);
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
