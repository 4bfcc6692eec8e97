// Straight-line steps: expressions with one solution at most, evaluated
// without continuations.
//
// Most expressions in real policies are tests (`c.privileged == true`,
// `startswith(img, r)`), assignments of one value (`msg := sprintf(...)`),
// negations and `every`. In continuation-passing style each of them nested
// the rest of its body one level deeper (a closure, a call through FnRef and
// a stack frame per expression, per solution). EvalBody now runs such steps
// in a loop and nests only at a generator (`some x in xs`, a ref with an
// unbound variable, a relation call). A step is only taken when it is known
// up front to have at most one solution, so its value and errors are
// exactly what the general path gives (compile/steps.h decides which
// expressions can be steps and which locals must be bound); anything else
// goes to that path untouched.
#include <vector>

#include "eval/evaluator.h"

namespace fedra::eval {

Evaluator::Step Evaluator::EvalStep(const ir::Expr& e, BoundSlots* bound) {
  if (!e.step) return Step::kComplex;
  auto all_bound = [this](const std::vector<uint32_t>& reads) {
    for (uint32_t s : reads) {
      if (frame_[s] == nullptr) return false;
    }
    return true;
  };
  // The value of a side: kHolds with *out set, or how the step ends.
  auto value = [this](const ir::Term& t, const Value** out) {
    switch (EvalValue(t, out)) {
      case Got::kValue: return Step::kHolds;
      case Got::kUndefined: return Step::kFails;
      case Got::kError: break;
    }
    return Step::kError;
  };
  switch (e.op) {
    case ir::ExprOp::kTruthy: {
      if (!all_bound(e.reads_a)) return Step::kComplex;
      if (CheckLimits() != Flow::kContinue) return Step::kError;
      const Value* v = nullptr;
      if (Step s = value(e.a, &v); s != Step::kHolds) return s;
      // As EvalExprCore: a query's bare term reports false as its value.
      if (v->is_false() && (e.query_index < 0 || e.a.op == ir::TermOp::kCall)) return Step::kFails;
      if (e.query_index >= 0) expr_values_[e.query_index] = *v;
      return Step::kHolds;
    }
    case ir::ExprOp::kUnify: {
      // `x := v` / `x = v` with x unbound binds; both sides ground compare.
      const ir::Term* var = nullptr;
      const ir::Term* other = nullptr;
      if (e.a.is_local() && frame_[e.a.slot] == nullptr) {
        if (!all_bound(e.reads_b)) return Step::kComplex;
        var = &e.a;
        other = &e.b;
      } else if (e.b.is_local() && frame_[e.b.slot] == nullptr) {
        if (!all_bound(e.reads_a)) return Step::kComplex;
        var = &e.b;
        other = &e.a;
      } else if (!all_bound(e.reads_a) || !all_bound(e.reads_b)) {
        return Step::kComplex;
      }
      if (CheckLimits() != Flow::kContinue) return Step::kError;
      const Value* a = nullptr;
      if (Step s = value(var != nullptr ? *other : e.a, &a); s != Step::kHolds) return s;
      if (var != nullptr) {
        // The value lives until the body returns, and the body clears
        // the slot before that (Slot, scratch.h).
        frame_[var->slot] = a;
        bound->push_back(var->slot);
        return Step::kHolds;
      }
      const Value* b = nullptr;
      if (Step s = value(e.b, &b); s != Step::kHolds) return s;
      return *a == *b ? Step::kHolds : Step::kFails;
    }
    case ir::ExprOp::kNot: {
      if (CheckLimits() != Flow::kContinue) return Step::kError;
      Flow f = EvalBody(*e.body, 0, []() -> Flow { return Flow::kStop; });
      if (f == Flow::kError) return Step::kError;
      return f == Flow::kStop ? Step::kFails : Step::kHolds;
    }
    case ir::ExprOp::kEvery: {
      // Binds nothing outside its body: holds or not.
      if (CheckLimits() != Flow::kContinue) return Step::kError;
      bool held = false;
      Flow f = EvalEvery(e, [&]() -> Flow {
        held = true;
        return Flow::kStop;
      });
      if (f == Flow::kError) return Step::kError;
      return held ? Step::kHolds : Step::kFails;
    }
    case ir::ExprOp::kSomeIn:
      return Step::kComplex;
  }
  return Step::kComplex;
}

Evaluator::Got Evaluator::EvalValue(const ir::Term& t, const Value** out) {
  switch (EvalDirect(t, out)) {
    case Direct::kValue: return Got::kValue;
    case Direct::kUndefined: return Got::kUndefined;
    case Direct::kComplex: break;
  }
  switch (t.op) {
    case ir::TermOp::kCall:
      return CallValue(t, out);
    case ir::TermOp::kArray:
    case ir::TermOp::kSet: {
      const size_t n = t.items.size();
      InlineBuffer<Value, 8> items(n);
      for (size_t i = 0; i < n; ++i) {
        const Value* v = nullptr;
        Got g = EvalValue(t.items[i], &v);
        if (g != Got::kValue) return g;
        items[i] = *v;
      }
      std::span<Value> span(items.data(), n);
      *out = temps_.Push(t.op == ir::TermOp::kArray ? Value::ArrayFrom(span) : Value::SetFrom(span));
      return Got::kValue;
    }
    case ir::TermOp::kObject: {
      const size_t n = t.entries.size();
      InlineBuffer<ObjectEntry, 8> entries(n);
      for (size_t i = 0; i < n; ++i) {
        const Value* key = nullptr;
        const Value* val = nullptr;
        Got g = EvalValue(t.entries[i].first, &key);
        if (g != Got::kValue) return g;
        g = EvalValue(t.entries[i].second, &val);
        if (g != Got::kValue) return g;
        entries[i] = ObjectEntry(*key, *val);
      }
      *out = temps_.Push(Value::ObjectFrom(std::span<ObjectEntry>(entries.data(), n)));
      return Got::kValue;
    }
    default: {
      // Refs into rules, comprehensions, templates, the bare input: the
      // general path, taking its only value. Stored once it has returned,
      // so that nothing it ran pops it.
      Value got;
      Flow f = EvalTerm(t, [&](const Value& v) -> Flow {
        got = v;
        return Flow::kStop;
      });
      if (f == Flow::kError) return Got::kError;
      if (got.is_undefined()) return Got::kUndefined;
      *out = temps_.Push(std::move(got));
      return Got::kValue;
    }
  }
}

Evaluator::Got Evaluator::CallValue(const ir::Term& t, const Value** out) {
  const ir::Callable* c = t.callee;
  const size_t n = t.items.size();
  ArgAliases<6> argv(n);
  for (size_t i = 0; i < n; ++i) {
    const Value* v = nullptr;
    Got g = EvalValue(t.items[i], &v);
    if (g != Got::kValue) return g;
    argv.Set(i, *v);
  }
  Value result;
  Flow f;
  // Mocks (`with f as ...`) and the internal callables go through
  // CallWithArgs; builtins and functions are called directly.
  const bool mocked = !fn_overrides_.empty();
  if (!mocked && c->kind == ir::Callable::Kind::kBuiltin) {
    f = BuiltinResult(c, t, argv.span(), &result);
  } else if (!mocked && c->kind == ir::Callable::Kind::kFunction) {
    f = FunctionResult(c->node, t, argv.span(), &result);
  } else {
    f = CallWithArgs(c, t, argv.span(), [&](const Value& v) -> Flow {
      result = v;
      return Flow::kStop;
    });
  }
  if (f == Flow::kError) return Got::kError;
  if (result.is_undefined()) return Got::kUndefined;
  *out = temps_.Push(std::move(result));
  return Got::kValue;
}

}  // namespace fedra::eval
