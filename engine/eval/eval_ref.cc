// References: into values (input, locals, call results) and into the data
// tree, where base documents and rules meet.
#include <algorithm>
#include <atomic>
#include <set>
#include <string_view>

#include "eval/evaluator.h"

namespace fedra::eval {

Value ValueSetPath(const Value& root, const std::vector<Value>& path, size_t from,
                   const Value& value);  // eval_body.cc

namespace {

// `v[key]` without copying: a pointer into v's node (valid while v lives),
// or nullptr when undefined.
const Value* Member(const Value& v, const Value& key) {
  switch (v.kind()) {
    case Kind::kObject:
      return key.is_string() ? v.Find(key.str()) : v.Find(key);
    case Kind::kArray: {
      int64_t i;
      if (!key.is_number() || !key.AsInt64(&i) || i < 0 || static_cast<size_t>(i) >= v.size())
        return nullptr;
      return &v.array()[static_cast<size_t>(i)];
    }
    case Kind::kSet: {
      auto items = v.set();
      auto it = std::lower_bound(items.begin(), items.end(), key, ValueLess());
      if (it == items.end() || *it != key) return nullptr;
      return &*it;
    }
    default:
      return nullptr;
  }
}

// Member for a constant ref step: tries the index where the key was last
// found first (see ir::Term::member_hint), then the binary search.
const Value* ConstMember(const Value& v, const ir::Term& step) {
  const Value& key = step.value;
  if (!v.is_object() || !key.is_string()) return Member(v, key);
  const auto es = v.object();
  std::atomic_ref<uint32_t> hint(step.member_hint);
  const uint32_t h = hint.load(std::memory_order_relaxed);
  const std::string_view name = key.str();
  if (h < es.size() && es[h].first.is_string() && es[h].first.str() == name) {
    return &es[h].second;
  }
  const Value* found = v.Find(name);
  if (found != nullptr) {
    // `found` is es[index].second.
    const auto index = static_cast<uint32_t>(
        (reinterpret_cast<const char*>(found) - reinterpret_cast<const char*>(&es[0].second)) /
        sizeof(ObjectEntry));
    if (index != h) hint.store(index, std::memory_order_relaxed);
  }
  return found;
}

}  // namespace

Evaluator::Direct Evaluator::EvalDirect(const ir::Term& t, const Value** out) {
  switch (t.op) {
    case ir::TermOp::kConst:
      *out = &t.value;
      return Direct::kValue;
    case ir::TermOp::kLocal:
      *out = frame_[t.slot];
      return *out != nullptr ? Direct::kValue : Direct::kComplex;
    case ir::TermOp::kRef:
      break;
    default:
      return Direct::kComplex;
  }
  const ir::Term& head = t.items[0];
  const Value* v = nullptr;
  size_t i = 1;
  switch (head.op) {
    case ir::TermOp::kLocal:
      v = frame_[head.slot];
      if (v == nullptr) return Direct::kComplex;
      break;
    case ir::TermOp::kInput:
      // Only through steps: the result then points into the input's nodes,
      // which outlive the call even if `with` replaces input_ meanwhile.
      if (t.items.size() < 2) return Direct::kComplex;
      if (input_.is_undefined()) return Direct::kUndefined;
      v = &input_;
      break;
    case ir::TermOp::kData: {
      // As EvalRef's resolved case, when the rule's value is cached.
      if (!t.data_resolved || !data_overrides_.empty()) return Direct::kComplex;
      const ir::RuleNode* node = t.data_node;
      if (node == nullptr || !node->has_rules() || cache_->state[node->id] != 2) {
        return Direct::kComplex;
      }
      v = &cache_->values[node->id];
      if (v->is_undefined()) return Direct::kUndefined;
      i = t.data_skip;
      break;
    }
    default:
      return Direct::kComplex;
  }
  for (; i < t.items.size(); ++i) {
    const ir::Term& step = t.items[i];
    if (step.op == ir::TermOp::kConst) {
      v = ConstMember(*v, step);
    } else if (step.op == ir::TermOp::kLocal && frame_[step.slot] != nullptr) {
      v = Member(*v, *frame_[step.slot]);
    } else {
      return Direct::kComplex;
    }
    if (v == nullptr) return Direct::kUndefined;
  }
  *out = v;
  return Direct::kValue;
}

Flow Evaluator::EvalRef(const ir::Term& t, ValueCont k) {
  if (t.op == ir::TermOp::kData) return EvalDataFromRoot(t, t.items.size(), k);
  const ir::Term& head = t.items[0];
  switch (head.op) {
    case ir::TermOp::kInput: {
      if (input_.is_undefined()) return Flow::kContinue;
      Value in = input_;
      return EvalPath(in, t, 1, k);
    }
    case ir::TermOp::kData: {
      if (t.data_resolved && data_overrides_.empty()) {
        // cur_path_ only matters to `with data` overrides; none are in force.
        return EvalData(t.data_node, t.data_base, t, t.data_skip, k);
      }
      return EvalDataFromRoot(t, 1, k);
    }
    case ir::TermOp::kLocal: {
      // A bound value stays alive and bound until k returns (see Slot in
      // scratch.h): no copy (and no reference count traffic) needed.
      const Value* v = frame_[head.slot];
      if (v == nullptr) return Flow::kContinue;
      return EvalPath(*v, t, 1, k);
    }
    default:
      return EvalTerm(head, [&](const Value& v) -> Flow { return EvalPath(v, t, 1, k); });
  }
}

Flow Evaluator::EvalDataFromRoot(const ir::Term& ref, size_t i, ValueCont k) {
  // Pushes and pops on cur_path_ balance, so from an empty path (the usual
  // case: a query's data ref) nothing needs saving and the vector keeps its
  // capacity across evaluations (it lives in the scratch).
  if (cur_path_.empty()) return EvalData(ps_.root.get(), ps_.data, ref, i, k);
  std::vector<Value> saved = std::move(cur_path_);
  cur_path_.clear();
  Flow f = EvalData(ps_.root.get(), ps_.data, ref, i, k);
  cur_path_ = std::move(saved);
  return f;
}

Flow Evaluator::EvalPath(const Value& v, const ir::Term& ref, size_t i, ValueCont k) {
  if (i == ref.items.size()) return k(v);
  const ir::Term& step = ref.items[i];
  if (step.op == ir::TermOp::kConst) {
    const Value* child = ConstMember(v, step);
    if (child == nullptr) return Flow::kContinue;
    return EvalPath(*child, ref, i + 1, k);
  }
  if (IsGround(step)) {
    return EvalTerm(step, [&](const Value& key) -> Flow {
      const Value* child = Member(v, key);
      if (child == nullptr) return Flow::kContinue;
      return EvalPath(*child, ref, i + 1, k);
    });
  }
  // A step with unbound variables enumerates the collection.
  switch (v.kind()) {
    case Kind::kArray: {
      auto items = v.array();
      for (size_t j = 0; j < items.size(); ++j) {
        const Value& child = items[j];
        Flow f = UnifyValue(step, Value::Int(static_cast<int64_t>(j)),
                            [&]() -> Flow { return EvalPath(child, ref, i + 1, k); });
        if (f != Flow::kContinue) return f;
      }
      return Flow::kContinue;
    }
    case Kind::kObject:
      for (const auto& [key, child] : v.object()) {
        Flow f = UnifyValue(step, key, [&]() -> Flow { return EvalPath(child, ref, i + 1, k); });
        if (f != Flow::kContinue) return f;
      }
      return Flow::kContinue;
    case Kind::kSet:
      for (const auto& child : v.set()) {
        Flow f = UnifyValue(step, child, [&]() -> Flow { return EvalPath(child, ref, i + 1, k); });
        if (f != Flow::kContinue) return f;
      }
      return Flow::kContinue;
    default:
      return Flow::kContinue;
  }
}

Value Evaluator::PatchOverridesBelow(Value v) {
  for (const auto& o : data_overrides_) {
    if (o.path.size() <= cur_path_.size()) continue;
    bool prefix = true;
    for (size_t j = 0; j < cur_path_.size(); ++j) {
      if (o.path[j] != cur_path_[j]) { prefix = false; break; }
    }
    if (prefix) v = ValueSetPath(v, o.path, cur_path_.size(), o.value);
  }
  return v;
}

Flow Evaluator::EvalData(const ir::RuleNode* node, const Value& base, const ir::Term& ref, size_t i,
                         ValueCont k) {
  // `with data.x as v` replaces everything at and below its path.
  for (auto it = data_overrides_.rbegin(); it != data_overrides_.rend(); ++it) {
    if (it->path == cur_path_) {
      Value v = it->value;
      return EvalPath(v, ref, i, k);
    }
  }
  if (node && node->has_rules()) {
    if (Flow f = CheckLimits(); f != Flow::kContinue) return f;
    if (data_overrides_.empty() && cache_->state[node->id] == 2) {
      // Computed already: read it in place, without a copy. The cache is
      // sized before evaluation starts and a computed entry is not written
      // again until the evaluation ends, so it outlives k.
      const Value& cached = cache_->values[node->id];
      if (cached.is_undefined()) return Flow::kContinue;
      return EvalPath(cached, ref, i, k);
    }
    Value v;
    Status s = NodeValue(node, &v);
    if (!s.ok()) return Fail(std::move(s));
    if (!data_overrides_.empty()) v = PatchOverridesBelow(v);
    if (v.is_undefined()) return Flow::kContinue;
    return EvalPath(v, ref, i, k);
  }
  if (i == ref.items.size()) {
    Value v;
    Status s = Extent(node, base, &v);
    if (!s.ok()) return Fail(std::move(s));
    if (v.is_undefined()) return Flow::kContinue;
    return k(v);
  }
  const ir::Term& step = ref.items[i];
  if (IsGround(step)) {
    if (step.op == ir::TermOp::kConst) return EvalDataStep(node, base, ref, i, step.value, k);
    return EvalTerm(step, [&](const Value& key) -> Flow {
      return EvalDataStep(node, base, ref, i, key, k);
    });
  }
  // Enumerate the keys at this level: rule subtrees, base documents and
  // overrides below.
  std::vector<Value> keys;
  std::set<Value, ValueLess> seen;
  if (node) {
    for (const auto& [name, child] : node->children) {
      Value key = Value::String(name);
      if (seen.insert(key).second) keys.push_back(std::move(key));
    }
  }
  if (base.is_object()) {
    for (const auto& [key, val] : base.object())
      if (seen.insert(key).second) keys.push_back(key);
  } else if (base.is_array()) {
    for (size_t j = 0; j < base.size(); ++j) {
      Value key = Value::Int(static_cast<int64_t>(j));
      if (seen.insert(key).second) keys.push_back(std::move(key));
    }
  } else if (base.is_set()) {
    for (const auto& v : base.set())
      if (seen.insert(v).second) keys.push_back(v);
  }
  for (const auto& o : data_overrides_) {
    if (o.path.size() <= cur_path_.size()) continue;
    bool prefix = true;
    for (size_t j = 0; j < cur_path_.size(); ++j)
      if (o.path[j] != cur_path_[j]) { prefix = false; break; }
    if (prefix && seen.insert(o.path[cur_path_.size()]).second) keys.push_back(o.path[cur_path_.size()]);
  }
  for (const auto& key : keys) {
    Flow f = UnifyValue(step, key, [&]() -> Flow { return EvalDataStep(node, base, ref, i, key, k); });
    if (f != Flow::kContinue) return f;
  }
  return Flow::kContinue;
}

Flow Evaluator::EvalDataStep(const ir::RuleNode* node, const Value& base, const ir::Term& ref,
                             size_t i, const Value& key, ValueCont k) {
  const ir::RuleNode* child = nullptr;
  if (node && key.is_string()) child = node->Child(key.str());
  Value child_base = base.is_undefined() ? Value() : base.Get(key);
  if (key.is_number() && (base.is_object() || node)) {
    // Documents under data are stored under string keys: data.a[2] finds
    // data.a["2"], as in OPA.
    Value skey = Value::String(ToJson(key));
    if (child_base.is_undefined() && base.is_object()) child_base = base.Get(skey);
    if (node && !child) child = node->Child(skey.str());
  }
  if (child == nullptr && child_base.is_undefined()) {
    bool override_below = false;
    for (const auto& o : data_overrides_) {
      if (o.path.size() > cur_path_.size() && o.path[cur_path_.size()] == key) {
        bool prefix = true;
        for (size_t j = 0; j < cur_path_.size(); ++j)
          if (o.path[j] != cur_path_[j]) { prefix = false; break; }
        override_below |= prefix;
      }
    }
    if (!override_below) return Flow::kContinue;
  }
  cur_path_.push_back(key);
  Flow f = EvalData(child, child_base, ref, i + 1, k);
  cur_path_.pop_back();
  return f;
}

Status Evaluator::Extent(const ir::RuleNode* node, const Value& base, Value* out) {
  if (node == nullptr) {
    *out = data_overrides_.empty() ? base : PatchOverridesBelow(base);
    return Status::OK();
  }
  if (node->has_rules()) {
    FEDRA_RETURN_IF_ERROR(NodeValue(node, out));
    return Status::OK();
  }
  std::vector<ObjectEntry> entries;
  if (base.is_object()) entries.assign(base.object().begin(), base.object().end());
  for (const auto& [name, child] : node->children) {
    Value key = Value::String(name);
    Value child_base = base.is_object() ? base.Get(key) : Value();
    Value v;
    bool overridden = false;
    cur_path_.push_back(key);
    for (auto it = data_overrides_.rbegin(); it != data_overrides_.rend(); ++it) {
      if (it->path == cur_path_) {
        v = it->value;
        overridden = true;
        break;
      }
    }
    Status s = overridden ? Status::OK() : Extent(child.get(), child_base, &v);
    cur_path_.pop_back();
    FEDRA_RETURN_IF_ERROR(s);
    if (v.is_undefined()) {
      // A subtree with nothing defined contributes an empty object when it
      // holds only packages (as OPA shows empty packages), nothing otherwise.
      if (child->has_rules()) continue;
      v = Value::EmptyObject();
    }
    // Where a base document and a rule share a key, the base document is
    // shown, as OPA does.
    bool present = false;
    for (auto& [ek, ev] : entries) present |= ek == key;
    if (!present) entries.emplace_back(std::move(key), std::move(v));
  }
  *out = Value::Object(std::move(entries));
  if (!data_overrides_.empty()) *out = PatchOverridesBelow(*out);
  return Status::OK();
}

}  // namespace fedra::eval
