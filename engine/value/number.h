// Number arithmetic with OPA's semantics.
//
// Integers are exact: int64 while they fit, BigInt beyond. A result that has a
// fraction is a float64. Division of integers that divides exactly stays an
// integer (4 / 2 == 2); otherwise it is a float64 (1 / 3). Every function
// takes numbers (Value::is_number()) and is undefined-free: the caller checks
// operand types and reports OPA's type errors.
#ifndef FEDRA_VALUE_NUMBER_H_
#define FEDRA_VALUE_NUMBER_H_

#include <string>
#include <string_view>

#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::num {

// Parses a JSON / Rego number literal ("12", "-3.5e2", "123456789012345678901").
// Returns false when `text` is not a number literal.
bool Parse(std::string_view text, Value* out);

Value Add(const Value& a, const Value& b);
Value Sub(const Value& a, const Value& b);
Value Mul(const Value& a, const Value& b);
// Errors (eval_builtin_error messages as OPA words them): "divide by zero".
Status Div(const Value& a, const Value& b, Value* out);
// Errors: "modulo by zero", "modulo on floating-point number".
Status Rem(const Value& a, const Value& b, Value* out);
Value Negate(const Value& a);
Value Abs(const Value& a);
Value Round(const Value& a);  // half away from zero
Value Ceil(const Value& a);
Value Floor(const Value& a);

// -1, 0, 1 by numeric value.
int Compare(const Value& a, const Value& b);

// JSON text for the number: integers in full, floats in the shortest form
// that reads back to the same double (like Go's strconv 'g' with -1 precision,
// without an exponent for moderate magnitudes, as OPA prints them).
std::string Format(const Value& a);
void AppendFormat(const Value& a, std::string* out);

}  // namespace fedra::num

#endif  // FEDRA_VALUE_NUMBER_H_
