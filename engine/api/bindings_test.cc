// Evaluation paths that bind variables and call arguments by address rather
// than by copy (eval/scratch.h Slot, eval/inline_buffer.h ArgAliases) and
// that read refs without continuations (Evaluator::EvalDirect): values must
// come out the same as through the general path, including when `with`
// replaces the input under a reference and when a result outlives the call
// that produced it. Object comprehensions collect entries in a buffer
// (scanned while small, indexed once large): the same keys conflict.
#include <gtest/gtest.h>

#include "api/api_test_util.h"

namespace fedra::apitest {
namespace {

TEST(Bindings, RepeatedParameterNeedsEqualArguments) {
  const char* src = R"(package t
same(x, x) := "same" if true else := "never"
both(a, b) := same(a, b)
)";
  EXPECT_EQ(EvalOne(src, "data.t.both(1, 1)"), R"("same")");
  EXPECT_EQ(EvalOne(src, "data.t.both(1, 2)"), "undefined");
  EXPECT_EQ(EvalOne(src, R"(data.t.both(input.a, input.b))", R"({"a": [1], "b": [1]})"),
            R"("same")");
}

TEST(Bindings, ResultsOutliveTheCallsThatMadeThem) {
  const char* src = R"(package t
id(v) := v
pair(a, b) := [id(a), id(b)]
p := [pair(input.a, input.b), pair(input.b.c, {"k": input.a})]
)";
  EXPECT_EQ(EvalOne(src, "data.t.p", R"({"a": "x", "b": {"c": [1, 2]}})"),
            R"([["x",{"c":[1,2]}],[[1,2],{"k":"x"}]])");
}

TEST(Bindings, WithInputInsideACallKeepsTheArgument) {
  const char* src = R"(package t
inner := input.x
g(v) := [v, h] if h := inner with input as {"x": 2}
p := g(input.x)
whole(v) := [v, h] if h := input with input as 5
q := whole(input)
)";
  EXPECT_EQ(EvalOne(src, "data.t.p", R"({"x": 1})"), "[1,2]");
  EXPECT_EQ(EvalOne(src, "data.t.q", R"({"x": 1})"), R"([{"x":1},5])");
}

TEST(Bindings, RuleValuesAndLocalKeysReadDirectly) {
  const char* src = R"(package t
r := {"k": 1, "m": {"n": "deep"}}
f(x) := x
s := [f(r.k), f(r.m.n), f(r.missing)]
t := [f(r.k), f(r.m.n)]
u := [v | some key in ["k", "m", "zz"]; v := r[key]]
w := [y | some i in numbers.range(1, 3); y := i * 2]
)";
  EXPECT_EQ(EvalOne(src, "data.t.s"), "undefined");
  EXPECT_EQ(EvalOne(src, "data.t.t"), R"([1,"deep"])");
  EXPECT_EQ(EvalOne(src, "data.t.u"), R"([1,{"n":"deep"}])");
  EXPECT_EQ(EvalOne(src, "data.t.w"), "[2,4,6]");
}

TEST(Comprehensions, ObjectKeysRepeatOrConflictAtAnySize) {
  const char* src = R"(package t
small := {k: v | some x in [1, 2, 1]; k := sprintf("k%d", [x]); v := x}
large := {k: v | some x in numbers.range(1, 40); k := x % 20; v := k * 2}
small_conflict := {k: v | some x in [1, 2, 3]; k := x % 2; v := x}
large_conflict := {k: v | some x in numbers.range(1, 40); k := x % 30; v := x}
)";
  EXPECT_EQ(EvalOne(src, "data.t.small"), R"({"k1":1,"k2":2})");
  std::string large = EvalOne(src, "count(data.t.large)");
  EXPECT_EQ(large, "20");
  EXPECT_EQ(EvalOne(src, "data.t.large[7]"), "14");
  EXPECT_NE(EvalOne(src, "data.t.small_conflict").find("object keys must be unique"),
            std::string::npos);
  EXPECT_NE(EvalOne(src, "data.t.large_conflict").find("object keys must be unique"),
            std::string::npos);
}

}  // namespace
}  // namespace fedra::apitest
