// plus, minus (numbers and set difference), mul, div, rem, abs, round, ceil,
// floor, numbers.range, numbers.range_step.
//
// Number semantics (exact integers, float64 otherwise, OPA's error texts for
// division and modulo) live in value/number.h; this file adds operand checks.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "builtins/operands.h"
#include "builtins/registry.h"
#include "value/number.h"

namespace fedra::builtins {
namespace {

// numbers.range materialises its whole result; past this size a policy is far
// more likely to be wrong than to need the array, and we refuse rather than
// exhaust memory.
constexpr int64_t kMaxRangeElements = 10'000'000;
// How often long loops poll Context::check_cancel.
constexpr int64_t kCancelPollInterval = 1 << 16;

Status CheckNumbers(std::span<const Value> args) {
  FEDRA_RETURN_IF_ERROR(ExpectNumber(args, 0));
  return ExpectNumber(args, 1);
}

Status Plus(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(CheckNumbers(args));
  *out = num::Add(args[0], args[1]);
  return CheckFinite(*out);
}

Status Mul(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(CheckNumbers(args));
  *out = num::Mul(args[0], args[1]);
  return CheckFinite(*out);
}

Status Div(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(CheckNumbers(args));
  FEDRA_RETURN_IF_ERROR(num::Div(args[0], args[1], out));
  return CheckFinite(*out);
}

Status Rem(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(CheckNumbers(args));
  return num::Rem(args[0], args[1], out);
}

// Elements of sorted set `a` that are not in sorted set `b`.
Value SetDifference(const Value& a, const Value& b) {
  std::vector<Value> items;
  auto bs = b.set();
  for (const Value& v : a.set()) {
    if (!std::binary_search(bs.begin(), bs.end(), v, ValueLess())) items.push_back(v);
  }
  return Value::Set(std::move(items));
}

Status Minus(Context&, std::span<const Value> args, Value* out) {
  const Value& a = args[0];
  const Value& b = args[1];
  if (a.is_number() && b.is_number()) {
    *out = num::Sub(a, b);
    return CheckFinite(*out);
  }
  if (a.is_set() && b.is_set()) {
    *out = SetDifference(a, b);
    return Status::OK();
  }
  // The first operand picks which kind the second must be, as in OPA.
  if (!a.is_number() && !a.is_set()) return OperandTypeError(1, a, "one of {number, set}");
  if (a.is_set()) return OperandTypeError(2, b, "set");
  return OperandTypeError(2, b, "number");
}

template <Value (*Op)(const Value&)>
Status Unary(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectNumber(args, 0));
  *out = Op(args[0]);
  return Status::OK();
}

// OPA's BigIntOperand: any integral number.
Status ExpectInteger(std::span<const Value> args, int index0) {
  const Value& v = args[static_cast<size_t>(index0)];
  if (!v.is_number()) return OperandTypeError(index0 + 1, v, "integer");
  if (!v.is_integral()) {
    return OperandError(index0 + 1, "must be integer number but got floating-point number");
  }
  return Status::OK();
}

Status PollCancel(Context& ctx, int64_t i) {
  if (ctx.check_cancel && i % kCancelPollInterval == 0) return ctx.check_cancel();
  return Status::OK();
}

// [from, from±step, ...] up to and including `to`, counting down when
// from > to. `step` is a positive integer.
Status Range(Context& ctx, std::string_view name, const Value& from, const Value& to,
             const Value& step, Value* out) {
  int64_t x, y, s;
  std::vector<Value> items;
  if (from.AsInt64(&x) && to.AsInt64(&y) && step.AsInt64(&s)) {
    __int128 span = static_cast<__int128>(y) - x;
    if (span < 0) span = -span;
    __int128 count = span / s + 1;
    if (count > kMaxRangeElements) {
      return Status::LimitExceeded(std::string(name) + ": range has more than " +
                                   std::to_string(kMaxRangeElements) + " elements");
    }
    items.reserve(static_cast<size_t>(count));
    __int128 cur = x;
    const __int128 delta = x <= y ? s : -static_cast<__int128>(s);
    for (int64_t i = 0; i < static_cast<int64_t>(count); ++i, cur += delta) {
      FEDRA_RETURN_IF_ERROR(PollCancel(ctx, i));
      items.push_back(Value::Int(static_cast<int64_t>(cur)));
    }
    *out = Value::Array(std::move(items));
    return Status::OK();
  }
  // Big integers: count first so a huge span fails fast instead of looping.
  const bool up = num::Compare(from, to) <= 0;
  Value span = up ? num::Sub(to, from) : num::Sub(from, to);
  // floor(span / step), exactly: dividing out the remainder first keeps a
  // big-integer quotient from being rounded through float64. Integral values
  // beyond int64 held as doubles cannot take a remainder; estimate those.
  Value quotient;
  auto is_int = [](const Value& v) { return v.num_rep() != Value::NumRep::kDouble; };
  if (is_int(span) && is_int(step)) {
    Value rem;
    FEDRA_RETURN_IF_ERROR(num::Rem(span, step, &rem));
    FEDRA_RETURN_IF_ERROR(num::Div(num::Sub(span, rem), step, &quotient));
  } else {
    FEDRA_RETURN_IF_ERROR(num::Div(span, step, &quotient));
    quotient = num::Floor(quotient);
  }
  Value count = num::Add(quotient, Value::Int(1));
  int64_t n;
  if (!count.AsInt64(&n) || n > kMaxRangeElements) {
    return Status::LimitExceeded(std::string(name) + ": range has more than " +
                                 std::to_string(kMaxRangeElements) + " elements");
  }
  items.reserve(static_cast<size_t>(n));
  Value cur = from;
  for (int64_t i = 0; i < n; ++i) {
    FEDRA_RETURN_IF_ERROR(PollCancel(ctx, i));
    items.push_back(cur);
    cur = up ? num::Add(cur, step) : num::Sub(cur, step);
  }
  *out = Value::Array(std::move(items));
  return Status::OK();
}

Status NumbersRange(Context& ctx, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectInteger(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectInteger(args, 1));
  return Range(ctx, "numbers.range", args[0], args[1], Value::Int(1), out);
}

Status NumbersRangeStep(Context& ctx, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectInteger(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectInteger(args, 1));
  FEDRA_RETURN_IF_ERROR(ExpectInteger(args, 2));
  if (num::Compare(args[2], Value::Int(0)) <= 0) {
    // OPA's message names the builtin itself, and the evaluator prefixes the
    // name again; keeping both reproduces OPA's text exactly.
    return Status::BuiltinError("numbers.range_step: step must be a positive integer");
  }
  return Range(ctx, "numbers.range_step", args[0], args[1], args[2], out);
}

}  // namespace

void RegisterArithmetic(Registry& r) {
  r.Add("plus", 2, Plus);
  r.Add("minus", 2, Minus);
  r.Add("mul", 2, Mul);
  r.Add("div", 2, Div);
  r.Add("rem", 2, Rem);
  r.Add("abs", 1, Unary<num::Abs>);
  r.Add("round", 1, Unary<num::Round>);
  r.Add("ceil", 1, Unary<num::Ceil>);
  r.Add("floor", 1, Unary<num::Floor>);
  r.Add("numbers.range", 2, NumbersRange);
  r.Add("numbers.range_step", 3, NumbersRangeStep);
}

}  // namespace fedra::builtins
