// The evaluator: top-down evaluation of compiled Rego with unification and
// backtracking, in continuation-passing style.
//
// Every generator (a body, a ref with variables, a unification) takes a
// continuation and calls it once per solution. A continuation returns a Flow:
// kContinue to ask for more solutions, kStop to end the search early
// (negation, `every`, first-value lookups), kError when evaluation failed
// (the Status is in error_). Variables are slots in frames allocated from a
// chunked stack, bound before a continuation runs and cleared after it
// returns, so backtracking needs no trail.
//
// One Evaluator serves one query evaluation on one thread; the PolicySet it
// reads is shared and immutable. Limits: a deadline and cancellation flag
// (checked every 256 expressions), a nested call depth, a native stack
// budget, and a bound on results.
#ifndef FEDRA_EVAL_EVALUATOR_H_
#define FEDRA_EVAL_EVALUATOR_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "builtins/registry.h"
#include "compile/ir.h"
#include "compile/policy.h"
#include "eval/inline_buffer.h"
#include "eval/scratch.h"
#include "fedra/engine.h"

namespace fedra::eval {

enum class Flow : uint8_t { kContinue, kStop, kError };

// A non-owning reference to a callable, cheaper than std::function (no
// allocation). Only pass it down the stack; never store it.
template <typename Sig>
class FnRef;
template <typename R, typename... A>
class FnRef<R(A...)> {
 public:
  template <typename F>
    requires(!std::is_same_v<std::decay_t<F>, FnRef>)
  FnRef(F&& f)  // NOLINT: implicit by design
      : obj_(const_cast<void*>(static_cast<const void*>(&f))),
        call_([](void* o, A... a) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(o))(std::forward<A>(a)...);
        }) {}
  R operator()(A... a) const { return call_(obj_, std::forward<A>(a)...); }

 private:
  void* obj_;
  R (*call_)(void*, A...);
};

using Cont = FnRef<Flow()>;
using ValueCont = FnRef<Flow(const Value&)>;

class Evaluator {
 public:
  Evaluator(const PolicySet::Impl& ps, const EvalOptions& options);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;
  Status Run(const compile::CompiledQuery& query, ResultSet* out);
  // The value of the query's first expression in its first result
  // (undefined when there is none), without building a ResultSet.
  Status RunFirst(const compile::CompiledQuery& query, Value* out);

 private:
  using Cache = RuleCache;
  struct DataOverride {
    std::vector<Value> path;
    Value value;
  };
  struct FnOverride {
    std::string name;
    const ir::Callable* replacement;
    Value value;
  };

  // Evaluates the query's body, calling on_result per solution (frame and
  // expression values readable); *nexprs: the query's source expressions.
  Status Solve(const compile::CompiledQuery& query, size_t* nexprs, Cont on_result);
  Flow Fail(Status s);
  // Per expression, rule body and data lookup: the native stack budget
  // always, cancellation and the deadline every kCheckEvery calls. Inline:
  // it runs for nearly every step.
  static constexpr uint32_t kCheckEvery = 256;
  Flow CheckLimits() {
    // Compared as addresses, never subtracted: when the first steps are
    // inlined into Run, `here` lies in Run's own frame above its base, and
    // an unsigned difference wrapped around to "exhausted" (Release builds).
    char here;
    if (reinterpret_cast<uintptr_t>(&here) < stack_limit_) [[unlikely]] {
      return StackExhausted();
    }
    if (++steps_ % kCheckEvery == 0) [[unlikely]] return CheckCancel();
    return Flow::kContinue;
  }
  Flow StackExhausted();
  Flow CheckCancel();

  // Bodies and expressions (eval_body.cc).
  Flow EvalBody(const ir::Body& body, size_t i, Cont k);
  Flow EvalExpr(const ir::Expr& e, Cont k);
  Flow EvalExprUnchecked(const ir::Expr& e, Cont k) {
    return e.with.empty() ? EvalExprCore(e, k) : EvalWith(e, k);
  }
  Flow EvalExprCore(const ir::Expr& e, Cont k);
  Flow EvalSomeIn(const ir::Expr& e, Cont k);
  Flow EvalEvery(const ir::Expr& e, Cont k);
  Flow EvalWith(const ir::Expr& e, Cont k);

  // Straight-line steps (eval_straight.cc). An expression that has one
  // solution at most and binds nothing but a fresh local from a value (a
  // test, `x := f(y)`, `not`, `every`) runs without a continuation: the
  // body loops over such steps and only nests for generators. Slots a step
  // binds go to `bound`, for the body to clear when it returns.
  enum class Step : uint8_t { kHolds, kFails, kComplex, kError };
  using BoundSlots = SmallVector<uint32_t, 8>;
  Step EvalStep(const ir::Expr& e, BoundSlots* bound);
  // The value of a term with one value at most (a step's side, see
  // compile/steps.h). *out lives until the current body
  // returns (in temps_ when computed here).
  enum class Got : uint8_t { kValue, kUndefined, kError };
  Got EvalValue(const ir::Term& t, const Value** out);
  Got CallValue(const ir::Term& t, const Value** out);

  // Terms (eval_term.cc).
  Flow EvalTerm(const ir::Term& t, ValueCont k);
  // Evaluates items[i..] (or t.entries[i..]) and puts their addresses in
  // vals[i..] (valid during k, as frame slots), then runs k once per
  // combination of their values.
  using EntryRef = std::pair<const Value*, const Value*>;
  Flow EvalInto(const std::vector<ir::Term>& items, size_t i, const Value** vals, Cont k);
  Flow EvalEntries(const ir::Term& t, size_t i, EntryRef* vals, Cont k);
  Flow EvalComprehension(const ir::Term& t, ValueCont k);
  Flow EvalTemplate(const ir::Term& t, ValueCont k);
  Flow EvalCall(const ir::Term& t, ValueCont k);
  Flow CallWithArgs(const ir::Callable* c, const ir::Term& t, std::span<const Value> args, ValueCont k);
  Flow CallBuiltin(const ir::Callable* c, const ir::Term& t, std::span<const Value> args, ValueCont k);
  // A non-relation builtin's result in *out (undefined when it has none);
  // kError when evaluation must stop.
  Flow BuiltinResult(const ir::Callable* c, const ir::Term& t, std::span<const Value> args,
                     Value* out);
  Flow CallFunction(const ir::RuleNode* node, const ir::Term& t, std::span<const Value> args,
                    ValueCont k);
  // A user function's result in *out (undefined when no definition
  // applies and there is no default); kError on a conflict or failure.
  Flow FunctionResult(const ir::RuleNode* node, const ir::Term& t, std::span<const Value> args,
                      Value* out);
  Flow CallPrint(const ir::Term& t, ValueCont k);
  // True when every local in `t` is bound. The common cases inline.
  bool IsGround(const ir::Term& t) const {
    if (!t.has_vars) return true;
    if (t.op == ir::TermOp::kLocal) return frame_[t.slot] != nullptr;
    return IsGroundComposite(t);
  }
  bool IsGroundComposite(const ir::Term& t) const;

  // Unification (unify.cc).
  Flow Unify(const ir::Term& a, const ir::Term& b, Cont k);
  Flow UnifyValue(const ir::Term& t, const Value& v, Cont k);
  Flow UnifyArray(const ir::Term& t, const Value& v, size_t i, Cont k);
  Flow UnifyObject(const ir::Term& t, const Value& v, size_t i, Cont k);
  Flow Bind(uint32_t slot, const Value& v, Cont k);

  // Refs and the data tree (eval_ref.cc).
  // The value of `t` without a continuation, for the terms that need none:
  // a constant, a bound local, or a ref from a bound local, the input or an
  // already computed rule through constant steps or bound locals. kValue:
  // *out points at the value, which lives until the current continuation
  // returns; kUndefined: there is none; kComplex: use EvalTerm. Such terms
  // have one value at most and cannot fail, so trying this first never
  // changes a result.
  enum class Direct : uint8_t { kValue, kUndefined, kComplex };
  Direct EvalDirect(const ir::Term& t, const Value** out);
  Flow EvalRef(const ir::Term& t, ValueCont k);
  Flow EvalPath(const Value& v, const ir::Term& ref, size_t i, ValueCont k);
  // EvalData from the root of data at step i of ref, with an empty path.
  Flow EvalDataFromRoot(const ir::Term& ref, size_t i, ValueCont k);
  Flow EvalData(const ir::RuleNode* node, const Value& base, const ir::Term& ref, size_t i,
                ValueCont k);
  Flow EvalDataStep(const ir::RuleNode* node, const Value& base, const ir::Term& ref, size_t i,
                    const Value& key, ValueCont k);
  // The value of `node` and everything below it merged with base data;
  // undefined when nothing is there.
  Status Extent(const ir::RuleNode* node, const Value& base, Value* out);
  Value PatchOverridesBelow(Value v);

  // Rules (eval_rules.cc).
  Status NodeValue(const ir::RuleNode* node, Value* out);
  Status EvalComplete(const ir::RuleNode* node, Value* out);
  // The default rule's value, if the node has one (out untouched otherwise).
  Status DefaultValue(const ir::RuleNode* node, Value* out);
  Status EvalMulti(const ir::RuleNode* node, Value* out);
  Status EvalObject(const ir::RuleNode* node, Value* out);
  Status MergeChildren(const ir::RuleNode* node, void* tree);  // tree: ObjTree*
  // Runs rule `r` (a function's with `args`) and merges its values into
  // *result: the first is kept, a different one fails with `conflict` at
  // `loc`. Constant-valued rules exit early (eval_rules.cc).
  Flow MergeRuleValue(const ir::Rule& r, const std::span<const Value>* args, Value* result,
                      const char* conflict, const Location& loc);
  // Runs the rule's body (then its else branches while none succeeds) in a
  // fresh frame; `k` runs in that frame for each solution.
  Flow EvalRuleBodies(const ir::Rule& rule, const std::span<const Value>* args,
                      FnRef<Flow(const ir::Term& value)> k);
  // The rules of `node` that can succeed for the current input (all of
  // them unless the node is indexed); calls `f` for each until it fails.
  template <typename F>
  Status ForEachCandidate(const ir::RuleNode* node, F&& f);
  template <typename F>
  Flow VisitIndex(const ir::RuleIndex& idx, F& f);

  const PolicySet::Impl& ps_;
  const EvalOptions& options_;
  builtins::Context bctx_;
  std::unordered_map<std::string, Value> query_cache_;

  // Frames, the root rule cache and expression values come from this
  // thread's pool (scratch.h) and go back to it in the destructor.
  Scratch* scratch_;
  FrameStack& frames_;
  ValueStack& temps_;
  Slot* frame_ = nullptr;
  Value input_;
  std::vector<DataOverride> data_overrides_;
  std::vector<FnOverride> fn_overrides_;
  std::vector<Value>& cur_path_;  // data path of EvalData's position (scratch)
  Cache* cache_ = nullptr;

  Status error_;
  uint32_t steps_ = 0;
  size_t depth_ = 0;
  // The lowest stack address evaluation may reach (the stack grows down);
  // 0 until Run sets it.
  uintptr_t stack_limit_ = 0;
  std::vector<Value>& expr_values_;
};

// Formats a value as print() and template strings show it: strings bare,
// everything else in Rego literal syntax.
std::string FormatForPrint(const Value& v);

}  // namespace fedra::eval

#endif  // FEDRA_EVAL_EVALUATOR_H_
