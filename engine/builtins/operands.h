// Operand helpers beyond registry.h's Expect*, with OPA's exact wording
// (topdown/builtins: NewOperandErr, NewOperandElementErr, IntOperand).
// All return eval_type_error statuses; the evaluator adds the builtin's name.
#ifndef FEDRA_BUILTINS_OPERANDS_H_
#define FEDRA_BUILTINS_OPERANDS_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::builtins {

// "operand N " + what, e.g. OperandError(1, "must be integer number but got
// floating-point number").
Status OperandError(int pos, std::string_view what);

// "operand N must be array of numbers but got array containing string", or
// with several wanted kinds "must be set of (any of) {a, b} but got set
// containing ..." (`want` is then "{a, b}" and `several` true).
Status OperandElementError(int pos, const Value& collection, const Value& element,
                           std::string_view want, bool several = false);

// OPA's IntOperand: a number that is integral and fits int64. Errors:
// "operand N must be number but got K" or "operand N must be integer number
// but got floating-point number".
Status ExpectInt(std::span<const Value> args, int index0, int64_t* out);

// eval_builtin_error when `v` is a float64 beyond its range. OPA computes
// such results exactly with big decimals; Fedra keeps non-integers as
// float64, and an infinity would serialise as invalid JSON (+Inf), so the
// operation fails instead (undefined outside strict mode).
Status CheckFinite(const Value& v);

// Strings a builtin assembles from repeated pieces (every match replaced
// by a long replacement) stop at this length: one such call cannot be
// cancelled while it runs, so without a bound a small input could take the
// engine's memory and time (100,000 matches of a 100,000-byte replacement
// are 10 GB).
inline constexpr size_t kMaxBuiltStringBytes = 64u << 20;
// fedra_limit_error: "result longer than 67108864 bytes".
Status ResultTooLong();

}  // namespace fedra::builtins

#endif  // FEDRA_BUILTINS_OPERANDS_H_
