// Query entry, frames, limits, bodies and expressions.
#include <pthread.h>

#include <algorithm>

#include "eval/evaluator.h"

namespace fedra::eval {

namespace {
constexpr size_t kDefaultStackBudget = 4u << 20;  // when the stack size is unknown
constexpr size_t kStackReserve = 256u << 10;      // left for builtins and the caller

// The lowest usable address of this thread's stack, or nullptr when unknown.
// Computed once per thread: for the main thread glibc reads
// /proc/self/maps to answer, far too slow for every evaluation.
const char* StackLow() {
  thread_local const char* low = [] {
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return static_cast<const char*>(nullptr);
    void* addr = nullptr;
    size_t size = 0;
    int rc = pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
    return rc == 0 ? static_cast<const char*>(addr) : static_cast<const char*>(nullptr);
  }();
  return low;
}

// Bytes of native stack below `here` that evaluation may use on this thread.
size_t StackBudget(const char* here) {
  const char* low = StackLow();
  if (low == nullptr) return kDefaultStackBudget;
  if (here <= low) return 0;
  size_t avail = static_cast<size_t>(here - low);
  return avail > kStackReserve ? avail - kStackReserve : 0;
}
}  // namespace

Evaluator::Evaluator(const PolicySet::Impl& ps, const EvalOptions& options)
    : ps_(ps),
      options_(options),
      scratch_(Scratch::Acquire()),
      frames_(scratch_->frames),
      temps_(scratch_->temps),
      cur_path_(scratch_->cur_path),
      expr_values_(scratch_->expr_values) {
  bctx_.strict = options.strict_builtin_errors;
  bctx_.runtime = options.runtime;
  bctx_.query_cache = &query_cache_;
  bctx_.check_cancel = [this]() -> Status {
    if (options_.cancel && options_.cancel->load(std::memory_order_relaxed))
      return Status::Cancelled("evaluation cancelled");
    if (options_.deadline != std::chrono::steady_clock::time_point{} &&
        std::chrono::steady_clock::now() > options_.deadline)
      return Status::Cancelled("evaluation deadline exceeded");
    return Status::OK();
  };
  input_ = options.input;
  scratch_->cache.Prepare(ps.num_nodes + 1);
  cache_ = &scratch_->cache;
}

Evaluator::~Evaluator() { Scratch::Release(scratch_); }

Flow Evaluator::Fail(Status s) {
  if (error_.ok()) error_ = std::move(s);
  return Flow::kError;
}

Flow Evaluator::StackExhausted() {
  return Fail(Status::LimitExceeded("evaluation too deeply nested (native stack budget exhausted)"));
}

Flow Evaluator::CheckCancel() {
  Status s = bctx_.check_cancel();
  if (!s.ok()) return Fail(std::move(s));
  return Flow::kContinue;
}

Status Evaluator::Solve(const compile::CompiledQuery& query, size_t* nexprs, Cont on_result) {
  char base;
  const auto base_addr = reinterpret_cast<uintptr_t>(&base);
  const size_t budget = StackBudget(&base);
  stack_limit_ = base_addr > budget ? base_addr - budget : 0;
  *nexprs = 0;
  for (const auto& e : query.body.exprs) *nexprs = std::max<size_t>(*nexprs, e.query_index + 1);
  expr_values_.assign(*nexprs, Value::Bool(true));
  frame_ = frames_.Push(query.num_slots);
  Flow f = EvalBody(query.body, 0, on_result);
  frames_.Pop(query.num_slots);
  if (f == Flow::kError) return error_;
  return Status::OK();
}

Status Evaluator::Run(const compile::CompiledQuery& query, ResultSet* out) {
  size_t nexprs = 0;
  return Solve(query, &nexprs, [&]() -> Flow {
    if (out->results.size() >= options_.max_results) {
      return Fail(Status::LimitExceeded("query produced more than " +
                                        std::to_string(options_.max_results) + " results"));
    }
    Result r;
    r.expressions.reserve(nexprs);
    for (size_t i = 0; i < nexprs; ++i) {
      ExpressionResult er;
      er.value = expr_values_[i];
      if (i < query.texts.size()) er.text = query.texts[i];
      if (i < query.locations.size()) er.location = query.locations[i];
      r.expressions.push_back(std::move(er));
    }
    for (const auto& [name, slot] : query.outputs) {
      if (frame_[slot] != nullptr) r.bindings.emplace_back(name, *frame_[slot]);
    }
    out->results.push_back(std::move(r));
    return Flow::kContinue;
  });
}

Status Evaluator::RunFirst(const compile::CompiledQuery& query, Value* out) {
  size_t nexprs = 0;
  *out = Value();
  return Solve(query, &nexprs, [&]() -> Flow {
    if (nexprs > 0) *out = expr_values_[0];
    return Flow::kStop;
  });
}

Flow Evaluator::EvalBody(const ir::Body& body, size_t i, Cont k) {
  const size_t n = body.exprs.size();
  if (i == n) return k();
  // Steps with one solution run in this loop; the first generator nests
  // the rest of the body in its continuation.
  const size_t mark = temps_.Mark();
  BoundSlots bound;
  Flow f = Flow::kContinue;
  for (;; ++i) {
    if (i == n) {
      f = k();
      break;
    }
    const ir::Expr& e = body.exprs[i];
    const Step s = EvalStep(e, &bound);
    if (s == Step::kHolds) continue;
    if (s == Step::kError) f = Flow::kError;
    if (s == Step::kComplex) {
      f = EvalExprUnchecked(e, [&]() -> Flow { return EvalBody(body, i + 1, k); });
    }
    break;
  }
  for (size_t j = 0; j < bound.size(); ++j) frame_[bound.data()[j]] = nullptr;
  temps_.PopTo(mark);
  return f;
}

Flow Evaluator::EvalExpr(const ir::Expr& e, Cont k) {
  if (Flow f = CheckLimits(); f != Flow::kContinue) return f;
  if (!e.with.empty()) return EvalWith(e, k);
  return EvalExprCore(e, k);
}

Flow Evaluator::EvalExprCore(const ir::Expr& e, Cont k) {
  switch (e.op) {
    case ir::ExprOp::kTruthy:
      return EvalTerm(e.a, [&](const Value& v) -> Flow {
        // A query's bare term (`data.p.allow`) reports its value, false
        // included, as `opa eval` does; tests (calls) must hold.
        if (v.is_false() && (e.query_index < 0 || e.a.op == ir::TermOp::kCall)) {
          return Flow::kContinue;
        }
        if (e.query_index >= 0) expr_values_[e.query_index] = v;
        return k();
      });
    case ir::ExprOp::kUnify:
      return Unify(e.a, e.b, k);
    case ir::ExprOp::kNot: {
      Flow f = EvalBody(*e.body, 0, []() -> Flow { return Flow::kStop; });
      if (f == Flow::kError) return f;
      if (f == Flow::kStop) return Flow::kContinue;
      return k();
    }
    case ir::ExprOp::kSomeIn:
      return EvalSomeIn(e, k);
    case ir::ExprOp::kEvery:
      return EvalEvery(e, k);
  }
  return Flow::kContinue;
}

Flow Evaluator::EvalSomeIn(const ir::Expr& e, Cont k) {
  return EvalTerm(e.c, [&](const Value& coll) -> Flow {
    auto each = [&](const Value& key, const Value& val) -> Flow {
      if (e.has_key) {
        return UnifyValue(e.a, key, [&]() -> Flow { return UnifyValue(e.b, val, k); });
      }
      return UnifyValue(e.b, val, k);
    };
    switch (coll.kind()) {
      case Kind::kArray: {
        auto items = coll.array();
        for (size_t i = 0; i < items.size(); ++i) {
          Flow f = each(Value::Int(static_cast<int64_t>(i)), items[i]);
          if (f != Flow::kContinue) return f;
        }
        return Flow::kContinue;
      }
      case Kind::kObject:
        for (const auto& [key, val] : coll.object()) {
          Flow f = each(key, val);
          if (f != Flow::kContinue) return f;
        }
        return Flow::kContinue;
      case Kind::kSet:
        for (const auto& v : coll.set()) {
          Flow f = each(v, v);
          if (f != Flow::kContinue) return f;
        }
        return Flow::kContinue;
      default:
        return Flow::kContinue;
    }
  });
}

Flow Evaluator::EvalEvery(const ir::Expr& e, Cont k) {
  // An undefined domain makes `every` undefined (EvalTerm never calls back).
  return EvalTerm(e.c, [&](const Value& coll) -> Flow {
    auto each = [&](const Value& key, const Value& val) -> Flow {
      // Returns kStop when the body holds for this element, kContinue when not.
      auto body = [&]() -> Flow { return EvalBody(*e.body, 0, []() -> Flow { return Flow::kStop; }); };
      if (e.has_key) {
        return UnifyValue(e.a, key, [&]() -> Flow { return UnifyValue(e.b, val, body); });
      }
      return UnifyValue(e.b, val, body);
    };
    auto check = [&](const Value& key, const Value& val) -> int {
      Flow f = each(key, val);
      if (f == Flow::kError) return -1;
      return f == Flow::kStop ? 1 : 0;
    };
    switch (coll.kind()) {
      case Kind::kArray: {
        auto items = coll.array();
        for (size_t i = 0; i < items.size(); ++i) {
          int r = check(Value::Int(static_cast<int64_t>(i)), items[i]);
          if (r < 0) return Flow::kError;
          if (r == 0) return Flow::kContinue;
        }
        break;
      }
      case Kind::kObject:
        for (const auto& [key, val] : coll.object()) {
          int r = check(key, val);
          if (r < 0) return Flow::kError;
          if (r == 0) return Flow::kContinue;
        }
        break;
      case Kind::kSet:
        for (const auto& v : coll.set()) {
          int r = check(v, v);
          if (r < 0) return Flow::kError;
          if (r == 0) return Flow::kContinue;
        }
        break;
      default:
        return Flow::kContinue;  // not a collection: every is false
    }
    return k();
  });
}

// ---- with ----------------------------------------------------------------------

namespace {

// Returns `root` with `value` at `path`, creating objects along the way.
Value SetPath(const Value& root, const std::vector<Value>& path, size_t i, const Value& value) {
  if (i == path.size()) return value;
  std::vector<ObjectEntry> entries;
  Value child;
  if (root.is_object()) {
    entries.assign(root.object().begin(), root.object().end());
    if (const Value* c = root.Find(path[i])) child = *c;
  }
  Value updated = SetPath(child, path, i + 1, value);
  bool replaced = false;
  for (auto& [k, v] : entries) {
    if (k == path[i]) {
      v = updated;
      replaced = true;
    }
  }
  if (!replaced) entries.emplace_back(path[i], updated);
  return Value::Object(std::move(entries));
}

}  // namespace

Value ValueSetPath(const Value& root, const std::vector<Value>& path, size_t from,
                   const Value& value) {
  return SetPath(root, path, from, value);
}

Flow Evaluator::EvalWith(const ir::Expr& e, Cont k) {
  // Evaluate every replacement value first (in the current context).
  std::vector<Value> values(e.with.size());
  for (size_t i = 0; i < e.with.size(); ++i) {
    const ir::WithModifier& m = e.with[i];
    if (m.replacement) continue;
    bool got = false;
    Flow f = EvalTerm(m.value, [&](const Value& v) -> Flow {
      values[i] = v;
      got = true;
      return Flow::kStop;
    });
    if (f == Flow::kError) return f;
    if (!got) return Flow::kContinue;  // undefined replacement: expression fails
  }
  // Save, apply, evaluate, restore; the continuation runs in the saved state.
  Value saved_input = input_;
  size_t saved_data = data_overrides_.size();
  size_t saved_fns = fn_overrides_.size();
  Cache* saved_cache = cache_;
  Cache with_cache;
  with_cache.Prepare(ps_.num_nodes + 1);

  Value new_input = input_;
  std::vector<DataOverride> new_data;
  std::vector<FnOverride> new_fns;
  for (size_t i = 0; i < e.with.size(); ++i) {
    const ir::WithModifier& m = e.with[i];
    switch (m.target) {
      case ir::WithModifier::Target::kInput:
        new_input = SetPath(new_input, m.path, 0, values[i]);
        break;
      case ir::WithModifier::Target::kData:
        new_data.push_back({m.path, values[i]});
        break;
      case ir::WithModifier::Target::kFunction:
        if (m.function) new_fns.push_back({m.function->name, m.replacement, values[i]});
        break;
    }
  }
  auto apply = [&]() {
    input_ = new_input;
    data_overrides_.insert(data_overrides_.end(), new_data.begin(), new_data.end());
    fn_overrides_.insert(fn_overrides_.end(), new_fns.begin(), new_fns.end());
    cache_ = &with_cache;
  };
  auto restore = [&]() {
    input_ = saved_input;
    data_overrides_.resize(saved_data);
    fn_overrides_.resize(saved_fns);
    cache_ = saved_cache;
  };
  apply();
  Flow f = EvalExprCore(e, [&]() -> Flow {
    restore();
    Flow r = k();
    apply();
    return r;
  });
  restore();
  return f;
}

}  // namespace fedra::eval
