#include "builtins/builtin_test_util.h"

namespace fedra::builtins::testing {
namespace {

TEST(SetsTest, AndOr) {
  EXPECT_EQ(Eval("and", {Set({I(1), I(2), I(3)}), Set({I(2), I(3), I(4)})}), Set({I(2), I(3)}));
  EXPECT_EQ(Eval("and", {Set({I(1)}), Set({I(2)})}), Set({}));
  EXPECT_EQ(Eval("or", {Set({I(1), S("a")}), Set({I(2), S("a")})}), Set({I(1), I(2), S("a")}));
  EXPECT_EQ(Eval("or", {Set({}), Set({})}), Set({}));
  ExpectTypeError("and", {A({}), Set({})}, "operand 1 must be set but got array");
  ExpectTypeError("or", {Set({}), O({})}, "operand 2 must be set but got object");
}

TEST(SetsTest, SetDiff) {
  EXPECT_EQ(Eval("set_diff", {Set({I(1), I(2)}), Set({I(2)})}), Set({I(1)}));
  ExpectTypeError("set_diff", {Set({}), I(2)}, "operand 2 must be set but got number");
}

TEST(SetsTest, Intersection) {
  EXPECT_EQ(Eval("intersection", {Set({Set({I(1), I(2), I(3)}), Set({I(2), I(3)}), Set({I(3), I(4)})})}),
            Set({I(3)}));
  EXPECT_EQ(Eval("intersection", {Set({Set({I(1), I(2)})})}), Set({I(1), I(2)}));
  EXPECT_EQ(Eval("intersection", {Set({})}), Set({}));
  EXPECT_EQ(Eval("intersection", {Set({Set({}), Set({I(1)})})}), Set({}));
  ExpectTypeError("intersection", {A({})}, "operand 1 must be set but got array");
  // A member that is not a set is reported as operand 1.
  ExpectTypeError("intersection", {Set({Set({I(1)}), I(1)})}, "operand 1 must be set but got number");
}

TEST(SetsTest, Union) {
  EXPECT_EQ(Eval("union", {Set({Set({I(1), I(2)}), Set({I(2), I(3)}), Set({})})}),
            Set({I(1), I(2), I(3)}));
  EXPECT_EQ(Eval("union", {Set({})}), Set({}));
  ExpectTypeError("union", {S("x")}, "operand 1 must be set but got string");
  ExpectTypeError("union", {Set({S("x"), Set({})})}, "operand 1 must be set but got string");
}

}  // namespace
}  // namespace fedra::builtins::testing
