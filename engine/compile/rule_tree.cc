// Stage build_rule_tree: one RuleNode per path under data that rules define.
#include <string>

#include "compile/compiler.h"

namespace fedra::compile {

namespace {

ir::RuleNode* Ensure(ir::RuleNode* root, const std::vector<std::string>& path, uint32_t* ids) {
  ir::RuleNode* n = root;
  for (const auto& p : path) {
    auto it = n->children.find(p);
    if (it == n->children.end()) {
      auto child = std::make_unique<ir::RuleNode>();
      child->name = p;
      child->path = n->path;
      child->path.push_back(p);
      child->dotted = n->dotted + "." + p;
      child->parent = n;
      child->id = (*ids)++;
      it = n->children.emplace(p, std::move(child)).first;
    }
    n = it->second.get();
  }
  return n;
}

const char* KindName(ir::RuleKind k) {
  switch (k) {
    case ir::RuleKind::kComplete: return "complete";
    case ir::RuleKind::kMulti: return "multi-value";
    case ir::RuleKind::kObject: return "partial object";
    case ir::RuleKind::kFunction: return "function";
    default: return "none";
  }
}

}  // namespace

void BuildRuleTree(CompileState* state) {
  auto& impl = *state->impl;
  impl.root = std::make_unique<ir::RuleNode>();
  impl.root->dotted = "data";
  uint32_t ids = 1;
  for (size_t mi = 0; mi < impl.modules.size(); ++mi) {
    const ast::Module& m = impl.modules[mi];
    const auto& pkg = state->module_names[mi].package;
    Ensure(impl.root.get(), pkg, &ids);  // empty packages still show as {}
    for (const ast::Rule& r : m.rules) {
      std::vector<std::string> path = pkg;
      std::vector<ast::Term> key_steps;
      const ast::Term& ref = r.head.ref;
      std::vector<const ast::Term*> steps;
      if (ref.kind == ast::TermKind::kVar) {
        path.push_back(ref.name);
      } else {
        path.push_back(ref.items[0].name);
        for (size_t i = 1; i < ref.items.size(); ++i) steps.push_back(&ref.items[i]);
      }
      size_t i = 0;
      for (; i < steps.size(); ++i) {
        const ast::Term& s = *steps[i];
        if (s.kind == ast::TermKind::kScalar && s.value.is_string()) {
          path.emplace_back(s.value.str());
        } else {
          break;
        }
      }
      for (; i < steps.size(); ++i) key_steps.push_back(*steps[i]);

      ir::RuleKind kind;
      if (r.head.is_function) {
        kind = ir::RuleKind::kFunction;
      } else if (r.head.is_multi_value) {
        kind = ir::RuleKind::kMulti;
      } else if (!key_steps.empty()) {
        kind = ir::RuleKind::kObject;
      } else {
        kind = ir::RuleKind::kComplete;
      }
      if (r.is_default && kind == ir::RuleKind::kObject) {
        state->errors.push_back(Status(StatusCode::kCompileError,
                                       "default rules must not have variables in their ref head",
                                       r.loc));
        continue;
      }
      ir::RuleNode* node = Ensure(impl.root.get(), path, &ids);
      if (r.is_default && node->kind == ir::RuleKind::kNone) {
        // A default fixes no kind for function-vs-complete until others come.
      }
      if (node->kind != ir::RuleKind::kNone && node->kind != kind) {
        bool default_fn_mix = r.is_default || (node->rules.empty() && node->default_rule);
        if (!(default_fn_mix && (kind == ir::RuleKind::kFunction ||
                                 node->kind == ir::RuleKind::kFunction ||
                                 kind == ir::RuleKind::kComplete))) {
          state->errors.push_back(Status(
              StatusCode::kTypeError,
              "conflicting rules " + node->dotted + " found (" + KindName(node->kind) + " and " +
                  KindName(kind) + ")",
              r.loc));
          continue;
        }
      }
      if (kind == ir::RuleKind::kFunction) {
        int arity = static_cast<int>(r.head.args.size());
        if (node->kind == ir::RuleKind::kFunction && node->arity != arity) {
          state->errors.push_back(Status(StatusCode::kTypeError,
                                         "conflicting function arity for " + node->dotted, r.loc));
          continue;
        }
        node->arity = arity;
      }
      if (!(r.is_default && node->kind != ir::RuleKind::kNone)) node->kind = kind;
      if (kind == ir::RuleKind::kMulti && !key_steps.empty()) node->nested_multi = true;
      if (!node->loc.known()) node->loc = r.loc;
      if (r.is_default && kind == ir::RuleKind::kFunction) node->kind = kind;
      state->pending.push_back({&r, mi, node, std::move(key_steps)});
    }
  }
  // A rule node must not also have rule nodes below it unless it builds an
  // object (ref heads may extend a partial object).
  std::vector<ir::RuleNode*> stack{impl.root.get()};
  while (!stack.empty()) {
    ir::RuleNode* n = stack.back();
    stack.pop_back();
    bool builds_object = n->kind == ir::RuleKind::kObject ||
                         (n->kind == ir::RuleKind::kMulti && n->nested_multi);
    if (n->kind != ir::RuleKind::kNone && !builds_object && !n->children.empty()) {
      const ir::RuleNode* child = n->children.begin()->second.get();
      while (!child->loc.known() && !child->children.empty()) child = child->children.begin()->second.get();
      state->errors.push_back(Status(StatusCode::kTypeError,
                                     "rule " + n->dotted + " conflicts with rules under " + child->dotted,
                                     child->loc.known() ? child->loc : n->loc));
    }
    for (auto& [k, c] : n->children) stack.push_back(c.get());
  }
  impl.num_nodes = ids;
}

}  // namespace fedra::compile
