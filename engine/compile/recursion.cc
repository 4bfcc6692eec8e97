// Stage check_recursion: rules may not depend on themselves.
//
// Edges run from a rule node to every rule node its bodies, heads or calls
// refer to statically (refs into data with constant steps, and user function
// calls). A ref that stops above rule nodes (data.pkg) depends on every rule
// below it. Cycles are reported as rego_recursion_error with the path.
// Dynamic refs (data[x]) are caught at evaluation time instead.
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

void TermEdges(const ir::Term& t, const ir::RuleNode* root, Edges* out) {
  if (t.op == ir::TermOp::kRef && !t.items.empty() && t.items[0].op == ir::TermOp::kData) {
    const ir::RuleNode* n = root;
    bool stopped = false;
    for (size_t i = 1; i < t.items.size(); ++i) {
      const ir::Term& s = t.items[i];
      if (s.is_const() && !s.value.is_string()) {
        stopped = true;  // rules are only ever under string keys
        break;
      }
      if (!s.is_const()) {
        // A dynamic step may reach any rule below; cycles through it are
        // caught at evaluation time.
        stopped = true;
        break;
      }
      const ir::RuleNode* c = n->Child(s.value.str());
      if (!c) { stopped = true; break; }
      n = c;
      if (n->has_rules()) { out->insert(n); stopped = true; break; }
    }
    if (!stopped) AddSubtree(n, out);
  }
  if (t.op == ir::TermOp::kCall && t.callee && t.callee->node) out->insert(t.callee->node);
  for (const auto& i : t.items) TermEdges(i, root, out);
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
