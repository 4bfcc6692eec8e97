#include "builtins/builtin_test_util.h"

namespace fedra::builtins::testing {
namespace {

TEST(ComparisonTest, NumbersCompareByValue) {
  EXPECT_EQ(Eval("equal", {I(1), D(1.0)}), B(true));
  EXPECT_EQ(Eval("neq", {I(1), D(1.5)}), B(true));
  EXPECT_EQ(Eval("lt", {I(1), D(1.5)}), B(true));
  EXPECT_EQ(Eval("lte", {I(2), I(2)}), B(true));
  EXPECT_EQ(Eval("gt", {I(2), I(3)}), B(false));
  EXPECT_EQ(Eval("gte", {N("18446744073709551617"), I(3)}), B(true));
}

TEST(ComparisonTest, MixedKindsUseOpaTotalOrder) {
  // null < boolean < number < string < array < object < set
  EXPECT_EQ(Eval("lt", {Null(), B(false)}), B(true));
  EXPECT_EQ(Eval("lt", {B(true), I(-100)}), B(true));
  EXPECT_EQ(Eval("lt", {I(1000), S("")}), B(true));
  EXPECT_EQ(Eval("lt", {S("zzz"), A({})}), B(true));
  EXPECT_EQ(Eval("lt", {A({I(9)}), O({})}), B(true));
  EXPECT_EQ(Eval("lt", {O({{S("a"), I(1)}}), Set({})}), B(true));
  EXPECT_EQ(Eval("gt", {Set({}), O({{S("a"), I(1)}})}), B(true));
  EXPECT_EQ(Eval("equal", {S("1"), I(1)}), B(false));
}

TEST(ComparisonTest, Collections) {
  EXPECT_EQ(Eval("equal", {A({I(1), I(2)}), A({I(1), I(2)})}), B(true));
  EXPECT_EQ(Eval("lt", {A({I(1), I(2)}), A({I(1), I(3)})}), B(true));
  EXPECT_EQ(Eval("equal", {Set({I(2), I(1)}), Set({I(1), I(2)})}), B(true));
  EXPECT_EQ(Eval("neq", {O({{S("a"), I(1)}}), O({{S("a"), I(2)}})}), B(true));
}

}  // namespace
}  // namespace fedra::builtins::testing
