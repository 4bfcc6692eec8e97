#include "builtins/builtin_test_util.h"

namespace fedra::builtins::testing {
namespace {

TEST(ArraysTest, Concat) {
  EXPECT_EQ(Eval("array.concat", {A({I(1), I(2)}), A({I(3)})}), A({I(1), I(2), I(3)}));
  EXPECT_EQ(Eval("array.concat", {A({}), A({I(3)})}), A({I(3)}));
  EXPECT_EQ(Eval("array.concat", {A({I(1)}), A({})}), A({I(1)}));
  ExpectTypeError("array.concat", {O({}), A({})}, "operand 1 must be array but got object");
  ExpectTypeError("array.concat", {A({}), O({})}, "operand 2 must be array but got object");
}

TEST(ArraysTest, SliceClamps) {
  Value a = A({I(1), I(2), I(3), I(4), I(5)});
  EXPECT_EQ(Eval("array.slice", {a, I(1), I(3)}), A({I(2), I(3)}));
  EXPECT_EQ(Eval("array.slice", {a, I(0), I(0)}), A({}));
  EXPECT_EQ(Eval("array.slice", {a, I(4), I(1)}), A({}));
  EXPECT_EQ(Eval("array.slice", {a, I(-1), I(2)}), A({I(1), I(2)}));
  EXPECT_EQ(Eval("array.slice", {a, I(3), I(6)}), A({I(4), I(5)}));
  EXPECT_EQ(Eval("array.slice", {a, I(0), I(5)}), a);
  EXPECT_EQ(Eval("array.slice", {A({}), I(1000), I(2000)}), A({}));
  EXPECT_EQ(Eval("array.slice", {a, I(-5), I(-1)}), A({}));
}

TEST(ArraysTest, SliceErrors) {
  ExpectTypeError("array.slice", {S("x"), I(0), I(1)}, "operand 1 must be array but got string");
  ExpectTypeError("array.slice", {A({}), S("0"), I(1)}, "operand 2 must be number but got string");
  ExpectTypeError("array.slice", {A({}), I(0), D(1.5)},
                  "operand 3 must be integer number but got floating-point number");
}

TEST(ArraysTest, Reverse) {
  EXPECT_EQ(Eval("array.reverse", {A({I(1), I(2), I(3)})}), A({I(3), I(2), I(1)}));
  EXPECT_EQ(Eval("array.reverse", {A({})}), A({}));
  ExpectTypeError("array.reverse", {O({})}, "operand 1 must be array but got object");
}

TEST(ArraysTest, FlattenOneLevel) {
  EXPECT_EQ(Eval("array.flatten", {A({A({I(1), I(2)}), I(3), A({})})}), A({I(1), I(2), I(3)}));
  EXPECT_EQ(Eval("array.flatten", {A({A({A({I(1)})}), O({})})}), A({A({I(1)}), O({})}));
  EXPECT_EQ(Eval("array.flatten", {A({})}), A({}));
  ExpectTypeError("array.flatten", {I(1)}, "operand 1 must be array but got number");
}

}  // namespace
}  // namespace fedra::builtins::testing
