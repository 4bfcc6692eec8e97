#include "builtins/builtin_test_util.h"

namespace fedra::builtins::testing {
namespace {

TEST(ArithmeticTest, Basic) {
  EXPECT_EQ(Eval("plus", {I(1), I(2)}), I(3));
  EXPECT_EQ(Eval("minus", {I(1), I(2)}), I(-1));
  EXPECT_EQ(Eval("mul", {I(6), I(7)}), I(42));
  EXPECT_EQ(Eval("div", {I(4), I(2)}), I(2));
  EXPECT_EQ(Eval("div", {I(1), I(4)}), D(0.25));
  EXPECT_EQ(Eval("rem", {I(7), I(3)}), I(1));
  EXPECT_EQ(Eval("plus", {N("9223372036854775807"), I(1)}), N("9223372036854775808"));
}

TEST(ArithmeticTest, TypeErrors) {
  ExpectTypeError("plus", {S("a"), I(1)}, "operand 1 must be number but got string");
  ExpectTypeError("plus", {I(1), Null()}, "operand 2 must be number but got null");
  ExpectTypeError("mul", {I(1), A({})}, "operand 2 must be number but got array");
  ExpectTypeError("div", {B(true), I(1)}, "operand 1 must be number but got boolean");
  ExpectTypeError("abs", {S("1")}, "operand 1 must be number but got string");
}

TEST(ArithmeticTest, DivisionAndModuloErrors) {
  ExpectBuiltinError("div", {I(1), I(0)}, "divide by zero");
  ExpectBuiltinError("rem", {I(1), I(0)}, "modulo by zero");
  ExpectBuiltinError("rem", {D(1.5), I(1)}, "modulo on floating-point number");
}

TEST(ArithmeticTest, Float64OverflowIsAnErrorNotInfinity) {
  // Non-integers are float64; a result beyond its range fails rather than
  // becoming +Inf, which no JSON can carry.
  const char* kMsg = "arithmetic result out of range (beyond float64)";
  ExpectBuiltinError("mul", {D(2.5), N("1e308")}, kMsg);
  ExpectBuiltinError("div", {N("1e308"), D(1e-308)}, kMsg);
  ExpectBuiltinError("plus", {D(1.7e308), D(1.7e308)}, kMsg);
  ExpectBuiltinError("minus", {D(-1.7e308), D(1.7e308)}, kMsg);
  ExpectBuiltinError("product", {A({D(1e200), D(1e200)})}, kMsg);
  ExpectBuiltinError("sum", {A({D(1.7e308), D(1.7e308)})}, kMsg);
  // Integers stay exact however large; finite float64 results are unchanged.
  EXPECT_EQ(ToJson(Eval("mul", {N("1e308"), I(10)})).size(), 310u);
  EXPECT_EQ(Eval("mul", {D(1.5), D(2.0)}), I(3));
}

TEST(ArithmeticTest, MinusOnSets) {
  EXPECT_EQ(Eval("minus", {Set({I(1), I(2), I(3)}), Set({I(2), S("x")})}), Set({I(1), I(3)}));
  EXPECT_EQ(Eval("minus", {Set({I(1)}), Set({I(1)})}), Set({}));
  // The first operand decides what the second must be.
  ExpectTypeError("minus", {Set({}), I(1)}, "operand 2 must be set but got number");
  ExpectTypeError("minus", {I(1), Set({})}, "operand 2 must be number but got set");
  ExpectTypeError("minus", {S("a"), I(1)}, "operand 1 must be one of {number, set} but got string");
}

TEST(ArithmeticTest, Rounding) {
  EXPECT_EQ(Eval("abs", {I(-3)}), I(3));
  EXPECT_EQ(Eval("abs", {D(-2.5)}), D(2.5));
  EXPECT_EQ(Eval("round", {D(2.5)}), I(3));
  EXPECT_EQ(Eval("round", {D(-2.5)}), I(-3));
  EXPECT_EQ(Eval("round", {D(2.4)}), I(2));
  EXPECT_EQ(Eval("ceil", {D(1.1)}), I(2));
  EXPECT_EQ(Eval("ceil", {D(-1.1)}), I(-1));
  EXPECT_EQ(Eval("floor", {D(-1.1)}), I(-2));
  EXPECT_EQ(Eval("floor", {I(7)}), I(7));
}

TEST(ArithmeticTest, NumbersRange) {
  EXPECT_EQ(Eval("numbers.range", {I(1), I(4)}), A({I(1), I(2), I(3), I(4)}));
  EXPECT_EQ(Eval("numbers.range", {I(2), I(-1)}), A({I(2), I(1), I(0), I(-1)}));
  EXPECT_EQ(Eval("numbers.range", {I(5), I(5)}), A({I(5)}));
  EXPECT_EQ(Eval("numbers.range", {D(2.0), I(3)}), A({I(2), I(3)}));
  EXPECT_EQ(Eval("numbers.range", {N("18446744073709551616"), N("18446744073709551618")}),
            A({N("18446744073709551616"), N("18446744073709551617"), N("18446744073709551618")}));
  ExpectTypeError("numbers.range", {D(1.5), I(3)},
                  "operand 1 must be integer number but got floating-point number");
  ExpectTypeError("numbers.range", {I(1), D(3.5)},
                  "operand 2 must be integer number but got floating-point number");
  ExpectTypeError("numbers.range", {S("1"), I(3)}, "operand 1 must be integer but got string");
}

TEST(ArithmeticTest, NumbersRangeStep) {
  EXPECT_EQ(Eval("numbers.range_step", {I(0), I(10), I(4)}), A({I(0), I(4), I(8)}));
  EXPECT_EQ(Eval("numbers.range_step", {I(10), I(0), I(4)}), A({I(10), I(6), I(2)}));
  EXPECT_EQ(Eval("numbers.range_step", {I(0), I(8), I(4)}), A({I(0), I(4), I(8)}));
  EXPECT_EQ(Eval("numbers.range_step", {I(2), I(5), I(2)}), A({I(2), I(4)}));
  EXPECT_EQ(Eval("numbers.range_step", {I(0), I(10), N("99999999999999999999")}), A({I(0)}));
  // span / step is 0.99999999999999999999...: float64 would round it to 1.
  EXPECT_EQ(Eval("numbers.range_step", {I(0), N("99999999999999999999"), N("100000000000000000000")}),
            A({I(0)}));
  EXPECT_EQ(Eval("numbers.range_step", {N("-18446744073709551616"), N("-18446744073709551626"), I(5)}),
            A({N("-18446744073709551616"), N("-18446744073709551621"), N("-18446744073709551626")}));
  ExpectBuiltinError("numbers.range_step", {I(0), I(10), I(0)},
                     "numbers.range_step: step must be a positive integer");
  ExpectBuiltinError("numbers.range_step", {I(0), I(10), I(-1)},
                     "numbers.range_step: step must be a positive integer");
  ExpectTypeError("numbers.range_step", {I(0), I(10), D(0.5)},
                  "operand 3 must be integer number but got floating-point number");
}

TEST(ArithmeticTest, HugeRangeIsRefusedNotAllocated) {
  CallResult r = Call("numbers.range", {I(0), N("100000000000000")});
  EXPECT_EQ(r.status.code(), StatusCode::kEvalLimitError) << r.status.ToString();
  r = Call("numbers.range", {I(0), N("100000000000000000000000")});
  EXPECT_EQ(r.status.code(), StatusCode::kEvalLimitError) << r.status.ToString();
}

TEST(ArithmeticTest, RangeHonoursCancellation) {
  Context ctx;
  ctx.check_cancel = [] { return Status::Cancelled("deadline exceeded"); };
  CallResult r = Call("numbers.range", {I(0), I(10)}, &ctx);
  EXPECT_EQ(r.status.code(), StatusCode::kEvalCancelError);
}

}  // namespace
}  // namespace fedra::builtins::testing
