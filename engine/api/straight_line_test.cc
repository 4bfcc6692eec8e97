// Straight-line steps (eval/eval_straight.cc, compile/steps.h) and early
// exit for constant-valued rules (eval/eval_rules.cc): bodies run their
// one-solution expressions in a loop and nest only at generators, and a
// rule whose value is a constant stops at its first solution. Results,
// bindings and errors must be what the general path gives.
#include <gtest/gtest.h>

#include <string>

#include "api/api_test_util.h"

namespace fedra::apitest {
namespace {

std::string Strict(std::string_view source, std::string_view query, std::string_view input = "") {
  std::shared_ptr<const PolicySet> ps;
  Status s = CompileModules({{"p.rego", std::string(source)}}, &ps);
  if (!s.ok()) return "COMPILE " + s.ToString();
  return First(*ps, query, input, /*strict=*/true);
}

TEST(StraightLine, StepsAfterAGeneratorRebindPerSolution) {
  const char* src = R"(package t
p := [m | some x in [1, 2, 3]; y := x * 10; m := sprintf("%d", [y])]
q contains z if {
	prefix := concat("-", ["a", "b"])
	some x in [1, 2]
	z := sprintf("%s%d", [prefix, x])
}
)";
  EXPECT_EQ(EvalOne(src, "data.t.p"), R"(["10","20","30"])");
  EXPECT_EQ(EvalOne(src, "data.t.q"), R"(["a-b1","a-b2"])");
}

TEST(StraightLine, QueryBindingsAndExpressionValues) {
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"p.rego", "package t\n"}}, &ps).ok());
  ResultSet rs;
  ASSERT_TRUE(RunQuery(*ps, "x := 1 + 2; y := [x, x]; x < 5", EvalOptions{}, &rs).ok());
  ASSERT_EQ(rs.results.size(), 1u);
  ASSERT_EQ(rs.results[0].bindings.size(), 2u);
  EXPECT_EQ(ToJson(rs.results[0].bindings[0].second), "3");
  EXPECT_EQ(ToJson(rs.results[0].bindings[1].second), "[3,3]");
  ASSERT_EQ(rs.results[0].expressions.size(), 3u);
  EXPECT_EQ(ToJson(rs.results[0].expressions[2].value), "true");
  rs = ResultSet();
  ASSERT_TRUE(RunQuery(*ps, "x := 1; x > 5", EvalOptions{}, &rs).ok());
  EXPECT_TRUE(rs.results.empty());
}

TEST(StraightLine, NegationAndEveryAreSteps) {
  const char* src = R"(package t
xs := [1, 2, 3]
all_pos if every x in xs { x > 0 }
all_big if every x in xs { x > 2 }
over_nothing if every x in [] { x > 2 }
over_undefined if every x in input.missing { x > 2 }
none_big if not any_big
any_big if { some x in xs; x > 5 }
)";
  EXPECT_EQ(EvalOne(src, "data.t.all_pos"), "true");
  EXPECT_EQ(EvalOne(src, "data.t.all_big"), "undefined");
  EXPECT_EQ(EvalOne(src, "data.t.over_nothing"), "true");
  EXPECT_EQ(EvalOne(src, "data.t.over_undefined", "{}"), "undefined");
  EXPECT_EQ(EvalOne(src, "data.t.none_big"), "true");
}

TEST(StraightLine, ErrorsInAStepStopEvaluationWithTheirLocation) {
  const char* src = R"(package t
p := y if {
	x := "abc"
	y := to_number(x)
}
)";
  EXPECT_EQ(EvalOne(src, "data.t.p"), "undefined");
  std::string strict = Strict(src, "data.t.p");
  EXPECT_NE(strict.find("ERROR"), std::string::npos) << strict;
  EXPECT_NE(strict.find("to_number"), std::string::npos) << strict;
}

TEST(StraightLine, AVeryLongBodyDoesNotNest) {
  // 3,000 dependent assignments: one loop, not 3,000 nested frames.
  std::string src = "package t\np := x3000 if {\n\tx1 := 1\n";
  for (int i = 2; i <= 3000; ++i) {
    src += "\tx" + std::to_string(i) + " := x" + std::to_string(i - 1) + " + 1\n";
  }
  src += "}\n";
  EXPECT_EQ(EvalOne(src, "data.t.p"), "3000");
}

TEST(StraightLine, WithAndPrintKeepTheGeneralPath) {
  const char* src = R"(package t
r := input.a
p := [x, y] if {
	x := r with input as {"a": 1}
	y := r
}
)";
  EXPECT_EQ(EvalOne(src, "data.t.p", R"({"a": 2})"), "[1,2]");
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"p.rego", "package t\nq if { some x in [1, 2]; print(x) }\n"}}, &ps).ok());
  std::vector<std::string> lines;
  EvalOptions opts;
  opts.print = [&](std::string_view line) { lines.emplace_back(line); };
  ResultSet rs;
  ASSERT_TRUE(RunQuery(*ps, "data.t.q", opts, &rs).ok());
  ASSERT_EQ(lines.size(), 1u);  // early exit: q's value is constant
  EXPECT_EQ(lines[0], "1");
}

TEST(EarlyExit, ConstantRuleStopsAtItsFirstSolution) {
  // As in OPA: later iterations (which would fail in strict mode) are not run.
  const char* src = R"(package t
allow if {
	some x in [1, "a"]
	x + 1 > 0
}
n := count([1 | some x in [1, "a"]; x + 1 > 0])
)";
  EXPECT_EQ(Strict(src, "data.t.allow"), "true");
  std::string n = Strict(src, "data.t.n");
  EXPECT_NE(n.find("ERROR"), std::string::npos) << n;  // a comprehension sees every element
}

TEST(EarlyExit, FunctionDefinitionsStopOnceTheValueIsKnown) {
  const char* src = R"(package t
f(x) if x > 0
f(x) if to_number("not a number") > 0
g(x) := 1 if x > 0
g(x) := 2 if x > 5
)";
  EXPECT_EQ(Strict(src, "data.t.f(1)"), "true");
  std::string neg = Strict(src, "data.t.f(-1)");
  EXPECT_NE(neg.find("to_number"), std::string::npos) << neg;  // the second definition ran
  EXPECT_EQ(Strict(src, "data.t.g(3)"), "1");
  std::string conflict = Strict(src, "data.t.g(10)");
  EXPECT_NE(conflict.find("functions must not produce multiple outputs"), std::string::npos)
      << conflict;
}

TEST(EarlyExit, DifferentConstantsStillConflict) {
  const char* src = R"(package t
p := 1 if input.a
p := 1 if input.b
p := 2 if input.c
)";
  EXPECT_EQ(EvalOne(src, "data.t.p", R"({"a": true, "b": true})"), "1");
  std::string conflict = EvalOne(src, "data.t.p", R"({"a": true, "c": true})");
  EXPECT_NE(conflict.find("complete rules must not produce multiple outputs"), std::string::npos)
      << conflict;
}

}  // namespace
}  // namespace fedra::apitest
