// Rules: complete, multi-value (sets), partial objects and functions, with
// else chains, defaults, conflicts and the per-query cache.
#include <map>

#include "eval/evaluator.h"
#include "eval/inline_buffer.h"

namespace fedra::eval {

template <typename F>
Flow Evaluator::VisitIndex(const ir::RuleIndex& idx, F& f) {
  Value v = input_;
  for (const auto& p : idx.path) {
    if (v.is_undefined()) break;
    v = v.Get(p);
  }
  if (v.defined()) {
    auto it = idx.by_value.find(v);
    if (it != idx.by_value.end()) {
      if (it->second.sub) {
        if (VisitIndex(*it->second.sub, f) == Flow::kError) return Flow::kError;
      } else {
        for (const ir::Rule* r : it->second.rules) {
          if (f(r) == Flow::kError) return Flow::kError;
        }
      }
    }
  }
  for (const ir::Rule* r : idx.always) {
    if (f(r) == Flow::kError) return Flow::kError;
  }
  return Flow::kContinue;
}

template <typename F>
Status Evaluator::ForEachCandidate(const ir::RuleNode* node, F&& f) {
  if (!node->index) {
    for (const auto& r : node->rules) {
      if (f(r.get()) == Flow::kError) return error_;
    }
    return Status::OK();
  }
  if (VisitIndex(*node->index, f) == Flow::kError) return error_;
  return Status::OK();
}

Flow Evaluator::EvalRuleBodies(const ir::Rule& rule, const std::span<const Value>* args,
                               FnRef<Flow(const ir::Term& value)> k) {
  if (Flow f = CheckLimits(); f != Flow::kContinue) return f;
  if (++depth_ > options_.max_call_depth) {
    --depth_;
    return Fail(Status::LimitExceeded("rule evaluation nested deeper than " +
                                      std::to_string(options_.max_call_depth) + " calls",
                                      rule.loc));
  }
  Slot* saved = frame_;
  frame_ = frames_.Push(rule.num_slots);
  // Parameters that are plain variables (nearly all) are bound once here,
  // for the body and every else branch alike, and cleared with the frame;
  // patterns go through unification per branch.
  bool args_bound = args != nullptr;
  bool args_match = true;
  if (args_bound) {
    for (const ir::Term& p : rule.args) args_bound &= p.op == ir::TermOp::kLocal;
  }
  if (args_bound) {
    for (size_t i = 0; i < rule.args.size(); ++i) {
      Slot& s = frame_[rule.args[i].slot];
      if (s == nullptr) {
        s = &(*args)[i];
      } else if (*s != (*args)[i]) {
        args_match = false;  // f(x, x) called with two different values
        break;
      }
    }
  }
  auto run = [&](const ir::Body& body, const ir::Term& value, bool* any) -> Flow {
    if (!args_match) return Flow::kContinue;
    auto with_args = [&](size_t i, auto& self) -> Flow {
      if (args == nullptr || args_bound || i == rule.args.size()) {
        return EvalBody(body, 0, [&]() -> Flow {
          *any = true;
          return k(value);
        });
      }
      return UnifyValue(rule.args[i], (*args)[i], [&]() -> Flow { return self(i + 1, self); });
    };
    return with_args(0, with_args);
  };
  bool any = false;
  Flow f = run(rule.body, rule.value, &any);
  for (size_t e = 0; f == Flow::kContinue && !any && e < rule.elses.size(); ++e) {
    f = run(rule.elses[e].second, rule.elses[e].first, &any);
  }
  frames_.Pop(rule.num_slots);
  frame_ = saved;
  --depth_;
  return f;
}

Status Evaluator::NodeValue(const ir::RuleNode* node, Value* out) {
  uint8_t& state = cache_->state[node->id];
  if (state == 2) {
    *out = cache_->values[node->id];
    return Status::OK();
  }
  if (state == 1) {
    return Status(StatusCode::kRecursionError, "rule " + node->dotted + " is recursive");
  }
  state = 1;
  cache_->Touch(node->id);
  Status s;
  Value v;
  switch (node->kind) {
    case ir::RuleKind::kComplete: s = EvalComplete(node, &v); break;
    case ir::RuleKind::kMulti: s = EvalMulti(node, &v); break;
    case ir::RuleKind::kObject: s = EvalObject(node, &v); break;
    default: break;  // functions have no value without arguments
  }
  // The cache may have been swapped by `with` inside; index it again.
  if (!s.ok()) {
    cache_->state[node->id] = 0;
    return s;
  }
  cache_->state[node->id] = 2;
  cache_->values[node->id] = v;
  *out = std::move(v);
  return Status::OK();
}

namespace {
Status Conflict(const ir::RuleNode* node, const char* what) {
  Location loc = node->rules.empty() ? Location{} : node->rules.front()->loc;
  return Status::ConflictError(what, loc);
}
}  // namespace

Status Evaluator::DefaultValue(const ir::RuleNode* node, Value* out) {
  if (!node->default_rule) return Status::OK();
  Flow f = EvalRuleBodies(*node->default_rule, nullptr, [&](const ir::Term& value) -> Flow {
    return EvalTerm(value, [&](const Value& v) -> Flow {
      *out = v;
      return Flow::kStop;
    });
  });
  return f == Flow::kError ? error_ : Status::OK();
}

namespace {

// Early exit, as OPA does it: a rule whose values are constants gives the
// same value for every solution of a body, so its search stops at the
// first; and once a value is known, a rule whose constants all equal it
// can add nothing (later solutions' errors are not raised, as in OPA).
bool ConstValued(const ir::Rule& r) {
  if (!r.value.is_const()) return false;
  for (const auto& branch : r.elses) {
    if (!branch.first.is_const()) return false;
  }
  return true;
}

bool CannotChange(const ir::Rule& r, const Value& result) {
  if (result.is_undefined() || !ConstValued(r) || r.value.value != result) return false;
  for (const auto& branch : r.elses) {
    if (branch.first.value != result) return false;
  }
  return true;
}

}  // namespace

Flow Evaluator::MergeRuleValue(const ir::Rule& r, const std::span<const Value>* args, Value* result,
                               const char* conflict, const Location& loc) {
  if (CannotChange(r, *result)) return Flow::kContinue;
  const Flow after = ConstValued(r) ? Flow::kStop : Flow::kContinue;
  Flow f = EvalRuleBodies(r, args, [&](const ir::Term& value) -> Flow {
    return EvalTerm(value, [&](const Value& v) -> Flow {
      if (result->is_undefined()) {
        *result = v;
      } else if (*result != v) {
        return Fail(Status::ConflictError(conflict, loc));
      }
      return after;
    });
  });
  return f == Flow::kError ? f : Flow::kContinue;
}

Status Evaluator::EvalComplete(const ir::RuleNode* node, Value* out) {
  Value result;
  FEDRA_RETURN_IF_ERROR(ForEachCandidate(node, [&](const ir::Rule* r) -> Flow {
    // Reported at the rule whose value disagreed, as OPA does.
    return MergeRuleValue(*r, nullptr, &result, "complete rules must not produce multiple outputs",
                          r->loc);
  }));
  if (result.is_undefined()) FEDRA_RETURN_IF_ERROR(DefaultValue(node, &result));
  *out = std::move(result);
  return Status::OK();
}

namespace {

// A tree of object entries built from rules' key paths. An object value
// merges into path nodes (p[q].r := 1 beside p.a.r := 0); equal leaves and
// set leaves (unioned) are fine; writing into or through a value another
// rule produced conflicts, as in OPA.
struct ObjTree {
  Value leaf;
  std::map<Value, ObjTree, ValueLess> children;

  bool Merge(const Value& v) {
    if (children.empty() && leaf.is_undefined()) {
      leaf = v;
      return true;
    }
    if (leaf.defined()) {
      if (leaf == v) return true;
      if (leaf.is_set() && v.is_set()) {
        std::vector<Value> u(leaf.set().begin(), leaf.set().end());
        u.insert(u.end(), v.set().begin(), v.set().end());
        leaf = Value::Set(std::move(u));
        return true;
      }
      // A value a rule produced is never merged into: another rule writing
      // below it conflicts, as in OPA.
      return false;
    }
    if (!v.is_object()) return false;
    for (const auto& [k, x] : v.object()) {
      if (!children[k].Merge(x)) return false;
    }
    return true;
  }

  bool Insert(const std::vector<Value>& keys, size_t i, const Value& v) {
    if (i == keys.size()) return Merge(v);
    ObjTree& c = children[keys[i]];
    if (i + 1 == keys.size()) return c.Merge(v);
    if (c.leaf.defined()) return false;  // a path through another rule's value
    return c.Insert(keys, i + 1, v);
  }

  Value Build() const {
    if (children.empty()) return leaf.defined() ? leaf : Value::EmptyObject();
    std::vector<ObjectEntry> entries;
    entries.reserve(children.size());
    for (const auto& [k, c] : children) entries.emplace_back(k, c.Build());
    return Value::Object(std::move(entries));
  }
};

}  // namespace

// Rules defined below an object-building node (p.q := ... beside
// p[x] := ...) merge into its value.
Status Evaluator::MergeChildren(const ir::RuleNode* node, void* tree_ptr) {
  ObjTree& tree = *static_cast<ObjTree*>(tree_ptr);
  for (const auto& [name, child] : node->children) {
    Value v;
    cur_path_.push_back(Value::String(name));
    Status s = Extent(child.get(), Value(), &v);
    cur_path_.pop_back();
    FEDRA_RETURN_IF_ERROR(s);
    if (v.is_undefined()) continue;
    std::vector<Value> k{Value::String(name)};
    if (!tree.Insert(k, 0, v)) {
      return Status::ConflictError("object keys must be unique",
                                   child->rules.empty() ? Location{} : child->rules.front()->loc);
    }
  }
  return Status::OK();
}

Status Evaluator::EvalMulti(const ir::RuleNode* node, Value* out) {
  if (!node->nested_multi) {
    SmallVector<Value, 8> items;
    FEDRA_RETURN_IF_ERROR(ForEachCandidate(node, [&](const ir::Rule* r) -> Flow {
      return EvalRuleBodies(*r, nullptr, [&](const ir::Term&) -> Flow {
        return EvalTerm(r->key_path.back(), [&](const Value& v) -> Flow {
          items.push_back(v);
          return Flow::kContinue;
        });
      });
    }));
    *out = Value::SetFrom(items.span());
    return Status::OK();
  }
  // Elements grouped by the key path before them (`p[x] contains y` builds
  // an object of sets; `p contains y` has an empty key path).
  std::map<std::vector<Value>, std::vector<Value>> groups;
  std::vector<Value> keys;
  FEDRA_RETURN_IF_ERROR(ForEachCandidate(node, [&](const ir::Rule* r) -> Flow {
    return EvalRuleBodies(*r, nullptr, [&](const ir::Term&) -> Flow {
      struct Rec {
        Evaluator* ev;
        const ir::Rule* r;
        std::vector<Value>& keys;
        std::map<std::vector<Value>, std::vector<Value>>& groups;
        Flow Go(size_t i) {
          if (i + 1 == r->key_path.size()) {
            return ev->EvalTerm(r->key_path[i], [&](const Value& v) -> Flow {
              groups[keys].push_back(v);
              return Flow::kContinue;
            });
          }
          return ev->EvalTerm(r->key_path[i], [&](const Value& key) -> Flow {
            keys.push_back(key);
            Flow f = Go(i + 1);
            keys.pop_back();
            return f;
          });
        }
      } rec{this, r, keys, groups};
      return rec.Go(0);
    });
  }));
  ObjTree tree;
  for (auto& [path, elems] : groups) {
    if (path.empty() || !tree.Insert(path, 0, Value::Set(std::move(elems)))) {
      return Conflict(node, "object keys must be unique");
    }
  }
  FEDRA_RETURN_IF_ERROR(MergeChildren(node, &tree));
  *out = tree.Build();
  return Status::OK();
}


Status Evaluator::EvalObject(const ir::RuleNode* node, Value* out) {
  ObjTree tree;
  std::vector<Value> keys;
  FEDRA_RETURN_IF_ERROR(ForEachCandidate(node, [&](const ir::Rule* r) -> Flow {
    return EvalRuleBodies(*r, nullptr, [&](const ir::Term& value) -> Flow {
      struct Rec {
        Evaluator* ev;
        const ir::Rule* r;
        const ir::Term& value;
        std::vector<Value>& keys;
        ObjTree& tree;
        const ir::RuleNode* node;
        Flow Go(size_t i) {
          if (i == r->key_path.size()) {
            return ev->EvalTerm(value, [&](const Value& v) -> Flow {
              if (!tree.Insert(keys, 0, v)) {
                return ev->Fail(Status::ConflictError("object keys must be unique", r->loc));
              }
              return Flow::kContinue;
            });
          }
          return ev->EvalTerm(r->key_path[i], [&](const Value& key) -> Flow {
            keys.push_back(key);
            Flow f = Go(i + 1);
            keys.pop_back();
            return f;
          });
        }
      } rec{this, r, value, keys, tree, node};
      return rec.Go(0);
    });
  }));
  FEDRA_RETURN_IF_ERROR(MergeChildren(node, &tree));
  *out = tree.Build();
  return Status::OK();
}

Flow Evaluator::CallFunction(const ir::RuleNode* node, const ir::Term& t, std::span<const Value> args,
                             ValueCont k) {
  Value result;
  if (FunctionResult(node, t, args, &result) == Flow::kError) return Flow::kError;
  if (result.is_undefined()) return Flow::kContinue;
  return k(result);
}

Flow Evaluator::FunctionResult(const ir::RuleNode* node, const ir::Term& t,
                               std::span<const Value> args, Value* out) {
  Value& result = *out;
  for (const auto& r : node->rules) {
    Flow f = MergeRuleValue(*r, &args, &result,
                            "functions must not produce multiple outputs for same inputs", t.loc);
    if (f == Flow::kError) return f;
  }
  // A failed default leaves its error in error_.
  if (result.is_undefined() && !DefaultValue(node, &result).ok()) return Flow::kError;
  return Flow::kContinue;
}

}  // namespace fedra::eval
