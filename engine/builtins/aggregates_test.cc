#include "builtins/builtin_test_util.h"

namespace fedra::builtins::testing {
namespace {

TEST(AggregatesTest, Count) {
  EXPECT_EQ(Eval("count", {A({I(1), I(2), I(3)})}), I(3));
  EXPECT_EQ(Eval("count", {Set({I(1), I(1), I(2)})}), I(2));
  EXPECT_EQ(Eval("count", {O({{S("a"), I(1)}, {S("b"), I(2)}})}), I(2));
  EXPECT_EQ(Eval("count", {S("abcde")}), I(5));
  EXPECT_EQ(Eval("count", {S("")}), I(0));
}

TEST(AggregatesTest, CountStringsByCodePoint) {
  EXPECT_EQ(Eval("count", {S("\xc3\xa5\xc3\xa4\xc3\xb6")}), I(3));  // åäö
  EXPECT_EQ(Eval("count", {S("\xf0\x9f\x98\x80x")}), I(2));         // 😀x
  // Bytes that start no valid sequence count one each, as in Go.
  EXPECT_EQ(Eval("count", {S("\xff\xfe")}), I(2));
  EXPECT_EQ(Eval("count", {S("\xe2\x82")}), I(2));          // truncated 3-byte sequence
  EXPECT_EQ(Eval("count", {S("\xc0\xaf")}), I(2));          // overlong
  EXPECT_EQ(Eval("count", {S("\xed\xa0\x80")}), I(3));      // surrogate
}

TEST(AggregatesTest, CountTypeErrors) {
  ExpectTypeError("count", {Null()}, "operand 1 must be one of {array, object, set, string} but got null");
  ExpectTypeError("count", {I(1)}, "operand 1 must be one of {array, object, set, string} but got number");
}

TEST(AggregatesTest, SumAndProduct) {
  EXPECT_EQ(Eval("sum", {A({I(1), I(2), I(3), I(4)})}), I(10));
  EXPECT_EQ(Eval("sum", {Set({I(1), I(2), I(3), I(4)})}), I(10));
  EXPECT_EQ(Eval("sum", {A({})}), I(0));
  EXPECT_EQ(Eval("sum", {A({D(1.5), D(2.5)})}), I(4));
  EXPECT_EQ(Eval("sum", {A({I(1), D(2.5)})}), D(3.5));
  EXPECT_EQ(Eval("sum", {A({N("9223372036854775807"), I(1)})}), N("9223372036854775808"));
  EXPECT_EQ(Eval("sum", {A({N("49649733057"), I(1)})}), N("49649733058"));
  EXPECT_EQ(Eval("product", {A({I(1), I(2), I(3), I(4)})}), I(24));
  EXPECT_EQ(Eval("product", {Set({})}), I(1));
  EXPECT_EQ(Eval("product", {A({N("18446744073709551617"), I(2)})}), N("36893488147419103234"));
  EXPECT_EQ(Eval("product", {A({D(1.5), I(2)})}), I(3));
}

TEST(AggregatesTest, SumErrors) {
  ExpectTypeError("sum", {S("x")}, "operand 1 must be one of {set, array} but got string");
  ExpectTypeError("sum", {A({I(1), S("2")})}, "operand 1 must be array of numbers but got array containing string");
  ExpectTypeError("product", {Set({I(1), Null()})}, "operand 1 must be set of numbers but got set containing null");
}

TEST(AggregatesTest, MaxMin) {
  EXPECT_EQ(Eval("max", {A({I(1), I(4), I(3)})}), I(4));
  EXPECT_EQ(Eval("min", {A({I(3), I(2), I(1), I(4), I(6), I(-7), I(10)})}), I(-7));
  EXPECT_EQ(Eval("max", {Set({I(1), S("a"), Null()})}), S("a"));
  EXPECT_EQ(Eval("min", {Set({I(1), S("a"), Null()})}), Null());
  ExpectUndefined("max", {A({})});
  ExpectUndefined("min", {Set({})});
  ExpectTypeError("max", {I(1)}, "operand 1 must be one of {set, array} but got number");
}

TEST(AggregatesTest, Sort) {
  EXPECT_EQ(Eval("sort", {A({I(3), S("a"), I(1), Null()})}), A({Null(), I(1), I(3), S("a")}));
  EXPECT_EQ(Eval("sort", {Set({I(3), I(1)})}), A({I(1), I(3)}));
  EXPECT_EQ(Eval("sort", {A({})}), A({}));
  ExpectTypeError("sort", {O({})}, "operand 1 must be one of {set, array} but got object");
}

TEST(AggregatesTest, AllAny) {
  EXPECT_EQ(Eval("all", {A({B(true), B(true)})}), B(true));
  EXPECT_EQ(Eval("all", {A({B(true), I(1)})}), B(false));
  EXPECT_EQ(Eval("all", {Set({})}), B(true));
  EXPECT_EQ(Eval("any", {A({B(false), B(true)})}), B(true));
  EXPECT_EQ(Eval("any", {Set({B(false)})}), B(false));
  EXPECT_EQ(Eval("any", {A({})}), B(false));
  ExpectTypeError("all", {S("x")}, "operand 1 must be one of {array, set} but got string");
}

}  // namespace
}  // namespace fedra::builtins::testing
