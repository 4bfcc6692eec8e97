#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "builtins/registry.h"
#include "value/number.h"

namespace fedra::builtins {
namespace {

Value Num(std::string_view text) {
  Value v;
  EXPECT_TRUE(num::Parse(text, &v)) << text;
  return v;
}

Status Call(std::string_view name, std::vector<Value> args, Value* out) {
  const Builtin* b = DefaultRegistry().Find(name);
  EXPECT_NE(b, nullptr) << name;
  if (b == nullptr) return Status::Internal("missing builtin");
  EXPECT_EQ(static_cast<size_t>(b->arity), args.size());
  Context ctx;
  *out = Value();
  return b->fn(ctx, args, out);
}

// The result as JSON text, or "error: <code>: <message>".
std::string Eval(std::string_view name, std::vector<Value> args) {
  Value out;
  Status st = Call(name, std::move(args), &out);
  if (!st.ok()) {
    return "error: " + std::string(StatusCodeName(st.code())) + ": " + std::string(st.message());
  }
  return out.defined() ? ToJson(out) : "undefined";
}

TEST(BitsTest, BasicOperations) {
  EXPECT_EQ(Eval("bits.and", {Value::Int(7), Value::Int(9)}), "1");
  EXPECT_EQ(Eval("bits.and", {Value::Int(50), Value::Int(0)}), "0");
  EXPECT_EQ(Eval("bits.or", {Value::Int(50), Value::Int(0)}), "50");
  EXPECT_EQ(Eval("bits.or", {Value::Int(5), Value::Int(10)}), "15");
  EXPECT_EQ(Eval("bits.xor", {Value::Int(42), Value::Int(42)}), "0");
  EXPECT_EQ(Eval("bits.xor", {Value::Int(12), Value::Int(10)}), "6");
  EXPECT_EQ(Eval("bits.negate", {Value::Int(42)}), "-43");
  EXPECT_EQ(Eval("bits.negate", {Value::Int(-1)}), "0");
  EXPECT_EQ(Eval("bits.rsh", {Value::Int(8), Value::Int(3)}), "1");
  EXPECT_EQ(Eval("bits.lsh", {Value::Int(1), Value::Int(10)}), "1024");
}

TEST(BitsTest, NegativeNumbersUseTwosComplement) {
  EXPECT_EQ(Eval("bits.and", {Value::Int(-8), Value::Int(15)}), "8");
  EXPECT_EQ(Eval("bits.or", {Value::Int(-8), Value::Int(3)}), "-5");
  EXPECT_EQ(Eval("bits.xor", {Value::Int(-1), Value::Int(5)}), "-6");
  // Arithmetic shift rounds toward negative infinity, as Go's big.Int.Rsh.
  EXPECT_EQ(Eval("bits.rsh", {Value::Int(-7), Value::Int(1)}), "-4");
  EXPECT_EQ(Eval("bits.rsh", {Value::Int(-7), Value::Int(100)}), "-1");
  EXPECT_EQ(Eval("bits.rsh", {Value::Int(7), Value::Int(100)}), "0");
  EXPECT_EQ(Eval("bits.lsh", {Value::Int(-3), Value::Int(2)}), "-12");
}

TEST(BitsTest, ShiftsLeaveInt64Exactly) {
  EXPECT_EQ(Eval("bits.lsh", {Value::Int(2147483647), Value::Int(1)}), "4294967294");
  EXPECT_EQ(Eval("bits.lsh", {Num("9223372036854775807"), Value::Int(1)}),
            "18446744073709551614");
  EXPECT_EQ(Eval("bits.lsh", {Value::Int(1), Value::Int(100)}),
            "1267650600228229401496703205376");
  EXPECT_EQ(Eval("bits.rsh", {Num("1267650600228229401496703205376"), Value::Int(99)}), "2");
  EXPECT_EQ(Eval("bits.rsh", {Num("-1267650600228229401496703205377"), Value::Int(100)}), "-2");
}

TEST(BitsTest, BigOperandsUseTwosComplement) {
  // 2^64 + 5 and -(2^64) + ...: compare with hand-computed values.
  EXPECT_EQ(Eval("bits.and", {Num("18446744073709551621"), Value::Int(7)}), "5");
  EXPECT_EQ(Eval("bits.or", {Num("18446744073709551616"), Value::Int(1)}),
            "18446744073709551617");
  EXPECT_EQ(Eval("bits.and", {Num("-18446744073709551616"), Num("18446744073709551617")}),
            "18446744073709551616");
  EXPECT_EQ(Eval("bits.xor", {Num("-18446744073709551616"), Value::Int(-1)}),
            "18446744073709551615");
  EXPECT_EQ(Eval("bits.negate", {Num("18446744073709551616")}), "-18446744073709551617");
}

TEST(BitsTest, IntegralFloatsAreIntegers) {
  EXPECT_EQ(Eval("bits.and", {Value::Double(6.0), Value::Int(3)}), "2");
}

TEST(BitsTest, OperandErrorsMatchOpa) {
  EXPECT_EQ(Eval("bits.and", {Value::Double(7.2), Value::Int(42)}),
            "error: eval_type_error: operand 1 must be integer number but got floating-point number");
  EXPECT_EQ(Eval("bits.or", {Value::Int(1), Value::Double(0.5)}),
            "error: eval_type_error: operand 2 must be integer number but got floating-point number");
  EXPECT_EQ(Eval("bits.xor", {Value::String(std::string_view("a")), Value::Int(1)}),
            "error: eval_type_error: operand 1 must be integer but got string");
  EXPECT_EQ(Eval("bits.negate", {Value::Double(7.2)}),
            "error: eval_type_error: operand 1 must be integer number but got floating-point number");
  EXPECT_EQ(Eval("bits.lsh", {Value::Int(7), Value::Int(-1)}),
            "error: eval_type_error: operand 2 must be an unsigned integer number but got a "
            "negative integer");
  EXPECT_EQ(Eval("bits.rsh", {Value::Int(7), Value::Int(-1)}),
            "error: eval_type_error: operand 2 must be an unsigned integer number but got a "
            "negative integer");
}

TEST(BitsTest, HugeLeftShiftIsRefused) {
  Value out;
  Status st = Call("bits.lsh", {Value::Int(1), Value::Int(int64_t{1} << 40)}, &out);
  EXPECT_EQ(st.code(), StatusCode::kEvalLimitError);
  EXPECT_EQ(Eval("bits.lsh", {Value::Int(0), Value::Int(int64_t{1} << 40)}), "0");
}

}  // namespace
}  // namespace fedra::builtins
