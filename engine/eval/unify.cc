// Unification of terms with terms and with values.
#include "eval/evaluator.h"

namespace fedra::eval {

// The slot takes v's address (see Slot in scratch.h): v is alive and
// unchanged until k returns, and the binding is undone before that.
Flow Evaluator::Bind(uint32_t slot, const Value& v, Cont k) {
  Slot& s = frame_[slot];  // chunks never move: valid across k
  if (s != nullptr) {
    if (*s != v) return Flow::kContinue;
    return k();
  }
  s = &v;
  Flow f = k();
  s = nullptr;
  return f;
}

Flow Evaluator::Unify(const ir::Term& a, const ir::Term& b, Cont k) {
  // Patterns (unbound locals, arrays or objects holding them) on one side
  // take their values from the other side.
  // Only locals, arrays and objects can be patterns; anything else is
  // evaluated, so its groundness never needs computing.
  auto ground = [this](const ir::Term& t) {
    switch (t.op) {
      case ir::TermOp::kLocal: return frame_[t.slot] != nullptr;
      case ir::TermOp::kArray:
      case ir::TermOp::kObject: return IsGround(t);
      default: return true;
    }
  };
  bool a_ground = ground(a);
  bool b_ground = ground(b);
  if (!a_ground) {
    if (!b_ground && b.op == ir::TermOp::kArray && a.op == ir::TermOp::kArray) {
      // [x, 1] = [2, y]: element-wise.
      if (a.items.size() != b.items.size()) return Flow::kContinue;
      struct Rec {
        Evaluator* ev;
        const ir::Term& a;
        const ir::Term& b;
        Flow Go(size_t i, Cont k) {
          if (i == a.items.size()) return k();
          return ev->Unify(a.items[i], b.items[i], [&]() -> Flow { return Go(i + 1, k); });
        }
      } rec{this, a, b};
      return rec.Go(0, k);
    }
    if (!b_ground && b.op == ir::TermOp::kObject && a.op == ir::TermOp::kObject) {
      // {"x": x, "y": 2} = {"x": 1, "y": y}: value-wise by constant key.
      if (a.entries.size() != b.entries.size()) return Flow::kContinue;
      std::vector<std::pair<const ir::Term*, const ir::Term*>> pairs;
      for (const auto& [ka, va] : a.entries) {
        if (!ka.is_const()) return Fail(Status::Internal("object pattern keys must be constant"));
        const ir::Term* match = nullptr;
        for (const auto& [kb, vb] : b.entries) {
          if (kb.is_const() && kb.value == ka.value) match = &vb;
        }
        if (!match) return Flow::kContinue;
        pairs.emplace_back(&va, match);
      }
      struct Rec {
        Evaluator* ev;
        const std::vector<std::pair<const ir::Term*, const ir::Term*>>& pairs;
        Flow Go(size_t i, Cont k) {
          if (i == pairs.size()) return k();
          return ev->Unify(*pairs[i].first, *pairs[i].second, [&]() -> Flow { return Go(i + 1, k); });
        }
      } rec{this, pairs};
      return rec.Go(0, k);
    }
    if (b.op == ir::TermOp::kLocal && !b_ground) {
      return Fail(Status(StatusCode::kUnsafeVarError,
                         "cannot unify two unbound variables", a.loc));
    }
    return EvalTerm(b, [&](const Value& v) -> Flow { return UnifyValue(a, v, k); });
  }
  if (!b_ground) {
    return EvalTerm(a, [&](const Value& v) -> Flow { return UnifyValue(b, v, k); });
  }
  // Both sides evaluate (refs with variables enumerate).
  return EvalTerm(a, [&](const Value& va) -> Flow {
    if (b.op == ir::TermOp::kConst) {
      if (va != b.value) return Flow::kContinue;
      return k();
    }
    return UnifyValue(b, va, k);
  });
}

Flow Evaluator::UnifyValue(const ir::Term& t, const Value& v, Cont k) {
  switch (t.op) {
    case ir::TermOp::kConst:
      if (t.value != v) return Flow::kContinue;
      return k();
    case ir::TermOp::kLocal:
      return Bind(t.slot, v, k);
    case ir::TermOp::kArray:
      if (!v.is_array() || v.size() != t.items.size()) return Flow::kContinue;
      return UnifyArray(t, v, 0, k);
    case ir::TermOp::kObject:
      if (!v.is_object() || v.size() != t.entries.size()) return Flow::kContinue;
      return UnifyObject(t, v, 0, k);
    default:
      // Refs, calls, comprehensions: evaluate (possibly enumerating) and
      // compare.
      return EvalTerm(t, [&](const Value& tv) -> Flow {
        if (tv != v) return Flow::kContinue;
        return k();
      });
  }
}

Flow Evaluator::UnifyArray(const ir::Term& t, const Value& v, size_t i, Cont k) {
  if (i == t.items.size()) return k();
  return UnifyValue(t.items[i], v.array()[i], [&]() -> Flow { return UnifyArray(t, v, i + 1, k); });
}

Flow Evaluator::UnifyObject(const ir::Term& t, const Value& v, size_t i, Cont k) {
  if (i == t.entries.size()) return k();
  const auto& [kt, vt] = t.entries[i];
  return EvalTerm(kt, [&](const Value& key) -> Flow {
    const Value* member = v.Find(key);
    if (member == nullptr) return Flow::kContinue;
    Value m = *member;
    return UnifyValue(vt, m, [&]() -> Flow { return UnifyObject(t, v, i + 1, k); });
  });
}

}  // namespace fedra::eval
