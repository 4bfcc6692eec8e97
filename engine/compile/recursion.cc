// Stage check_recursion: rules may not depend on themselves.
//
// Edges run from a rule node to every rule node its bodies, heads or calls
// may refer to: refs into data (a variable step may be any key, as in OPA,
// so `data[x].allow` reaches every `<pkg>.allow`) and user function calls.
// A ref that stops above rule nodes (data.pkg, data) depends on every rule
// below it. Cycles are reported as rego_recursion_error with the path.
#include <algorithm>
#include <set>

#include "compile/compiler.h"

namespace fedra::compile {

namespace {

using Edges = std::set<const ir::RuleNode*>;

void AddSubtree(const ir::RuleNode* n, Edges* out) {
  std::vector<const ir::RuleNode*> stack{n};
  while (!stack.empty()) {
    const ir::RuleNode* c = stack.back();
    stack.pop_back();
    if (c->has_rules()) out->insert(c);
    for (const auto& [k, ch] : c->children) stack.push_back(ch.get());
  }
}

void TermEdges(const ir::Term& t, const ir::RuleNode* root, Edges* out);

void BodyEdges(const ir::Body& b, const ir::RuleNode* root, Edges* out) {
  for (const auto& e : b.exprs) {
    TermEdges(e.a, root, out);
    TermEdges(e.b, root, out);
    TermEdges(e.c, root, out);
    for (const auto& w : e.with) TermEdges(w.value, root, out);
    if (e.body) BodyEdges(*e.body, root, out);
  }
}

// The rule nodes a data ref may reach: constant steps follow one child,
// variable steps any child; the first node with rules ends a path, and a
// ref that ends above rules reaches everything below.
void MatchRef(const ir::Term& t, size_t i, const ir::RuleNode* n, Edges* out) {
  if (n->has_rules()) {
    out->insert(n);
    return;
  }
  if (i == t.items.size()) {
    AddSubtree(n, out);
    return;
  }
  const ir::Term& s = t.items[i];
  if (s.is_const()) {
    if (!s.value.is_string()) return;  // rules live under string keys only
    if (const ir::RuleNode* c = n->Child(s.value.str())) MatchRef(t, i + 1, c, out);
    return;
  }
  for (const auto& [key, child] : n->children) MatchRef(t, i + 1, child.get(), out);
}

void TermEdges(const ir::Term& t, const ir::RuleNode* root, Edges* out) {
  size_t first_item = 0;
  if (t.op == ir::TermOp::kData) AddSubtree(root, out);  // `data` itself
  if (t.op == ir::TermOp::kRef && !t.items.empty() && t.items[0].op == ir::TermOp::kData) {
    MatchRef(t, 1, root, out);
    first_item = 1;  // the head is this ref's own `data`, matched above
  }
  if (t.op == ir::TermOp::kCall && t.callee && t.callee->node) out->insert(t.callee->node);
  for (size_t i = first_item; i < t.items.size(); ++i) TermEdges(t.items[i], root, out);
  for (const auto& [k, v] : t.entries) {
    TermEdges(k, root, out);
    TermEdges(v, root, out);
  }
  if (t.body) BodyEdges(*t.body, root, out);
}

}  // namespace

void CheckRecursion(CompileState* state) {
  const ir::RuleNode* root = state->impl->root.get();
  std::map<const ir::RuleNode*, Edges> graph;
  for (const ir::Rule* r : state->all_rules) {
    Edges& e = graph[r->node];
    BodyEdges(r->body, root, &e);
    TermEdges(r->value, root, &e);
    for (const auto& k : r->key_path) TermEdges(k, root, &e);
    for (const auto& a : r->args) TermEdges(a, root, &e);
    for (const auto& [v, b] : r->elses) {
      TermEdges(v, root, &e);
      BodyEdges(b, root, &e);
    }
  }
  // Iterative DFS with colours; report each cycle once.
  std::map<const ir::RuleNode*, int> colour;  // 0 new, 1 on stack, 2 done
  std::set<const ir::RuleNode*> reported;
  for (const auto& [start, unused] : graph) {
    if (colour[start] != 0) continue;
    struct Frame {
      const ir::RuleNode* node;
      Edges::const_iterator next;
    };
    std::vector<Frame> stack;
    colour[start] = 1;
    stack.push_back({start, graph[start].begin()});
    while (!stack.empty()) {
      Frame& f = stack.back();
      const Edges& edges = graph[f.node];
      if (f.next == edges.end()) {
        colour[f.node] = 2;
        stack.pop_back();
        continue;
      }
      const ir::RuleNode* to = *f.next++;
      if (colour[to] == 1) {
        if (reported.insert(to).second) {
          std::string cycle;
          auto it = std::find_if(stack.begin(), stack.end(), [&](const Frame& x) { return x.node == to; });
          for (; it != stack.end(); ++it) cycle += it->node->dotted + " -> ";
          cycle += to->dotted;
          Location loc = to->rules.empty() ? Location{} : to->rules.front()->loc;
          state->errors.push_back(Status(StatusCode::kRecursionError,
                                         "rule " + to->dotted + " is recursive: " + cycle, loc));
        }
      } else if (colour[to] == 0) {
        colour[to] = 1;
        stack.push_back({to, graph[to].begin()});
      }
    }
  }
}

}  // namespace fedra::compile
