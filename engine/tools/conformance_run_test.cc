// End-to-end tests of running conformance cases through the engine.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tools/conformance.h"
#include "value/json.h"

namespace fedra::tools {
namespace {

Value Json(std::string_view text) {
  Value v;
  Status st = ParseJson(text, &v);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return v;
}

ConformanceCase Case(std::string module, std::string query) {
  ConformanceCase c;
  c.file = "mem/topic/case.yaml";
  c.folder = "topic";
  c.note = "topic/case";
  c.modules = {std::move(module)};
  c.query = std::move(query);
  return c;
}

RunOptions InProcess() {
  RunOptions o;
  o.isolate = false;
  return o;
}

TEST(RunCase, PassesWhenResultsMatch) {
  ConformanceCase c =
      Case("package test\n\np contains x if some x in data.xs\n", "data.test.p = x");
  c.data = Json(R"({"xs": [3, 1, 2]})");
  c.want_result = std::vector<Value>{Json(R"({"x": [1, 2, 3]})")};
  c.sort_bindings = true;
  CaseResult r = RunCase(c, InProcess());
  EXPECT_EQ(r.status, CaseStatus::kPass) << r.reason;
  EXPECT_EQ(r.note, "topic/case");
  EXPECT_EQ(r.folder, "topic");
}

TEST(RunCase, FailsWithTheDifference) {
  ConformanceCase c = Case("package test\n\np := input.n + 1\n", "data.test.p = x");
  c.input = Json(R"({"n": 1})");
  c.want_result = std::vector<Value>{Json(R"({"x": 3})")};
  CaseResult r = RunCase(c, InProcess());
  EXPECT_EQ(r.status, CaseStatus::kFail);
  EXPECT_NE(r.reason.find("missing {\"x\":3}"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("unexpected {\"x\":2}"), std::string::npos) << r.reason;
}

TEST(RunCase, UndefinedIsAnEmptyWantResult) {
  ConformanceCase c = Case("package test\n\np if false\n", "data.test.p = x");
  c.want_result = std::vector<Value>{};
  EXPECT_EQ(RunCase(c, InProcess()).status, CaseStatus::kPass);
}

TEST(RunCase, InputTermMayHoldSets) {
  ConformanceCase c = Case("package test\n\np := count(input.s)\n", "data.test.p = x");
  c.input_term = "{\"s\": {1, 2, 2, 3}}";
  c.want_result = std::vector<Value>{Json(R"({"x": 3})")};
  CaseResult r = RunCase(c, InProcess());
  EXPECT_EQ(r.status, CaseStatus::kPass) << r.reason;
}

TEST(RunCase, ErrorCodeAndTextAsOpaRendersThem) {
  ConformanceCase c = Case("package test\n\np := 1 / input.d\n", "data.test.p = x");
  c.input = Json(R"({"d": 0})");
  c.strict_error = true;
  c.want_error_code = "eval_builtin_error";
  c.want_error = "divide by zero";
  CaseResult r = RunCase(c, InProcess());
  EXPECT_EQ(r.status, CaseStatus::kPass) << r.reason;

  c.want_error = "test-0.rego:3: eval_builtin_error";  // OPA's "file:row: code" form
  r = RunCase(c, InProcess());
  EXPECT_EQ(r.status, CaseStatus::kPass) << r.reason;

  c.want_error_code = "eval_type_error";
  r = RunCase(c, InProcess());
  EXPECT_EQ(r.status, CaseStatus::kFail);
  EXPECT_NE(r.reason.find("want error code eval_type_error"), std::string::npos) << r.reason;
}

TEST(RunCase, CompileErrorsAreErrors) {
  ConformanceCase c = Case("package test\n\np if { x > 1 }\n", "data.test.p = x");
  c.want_error_code = "rego_unsafe_var_error";
  CaseResult r = RunCase(c, InProcess());
  EXPECT_EQ(r.status, CaseStatus::kPass) << r.reason;

  ConformanceCase ok = c;
  ok.want_error_code.reset();
  ok.want_result = std::vector<Value>{};
  r = RunCase(ok, InProcess());
  EXPECT_EQ(r.status, CaseStatus::kFail);
  EXPECT_NE(r.reason.find("unexpected error"), std::string::npos) << r.reason;
}

TEST(RunCase, WantedErrorButGotResult) {
  ConformanceCase c = Case("package test\n\np := 1\n", "data.test.p = x");
  c.want_error = "boom";
  CaseResult r = RunCase(c, InProcess());
  EXPECT_EQ(r.status, CaseStatus::kFail);
  EXPECT_NE(r.reason.find("want error"), std::string::npos) << r.reason;
}

TEST(RunCase, V0SyntaxFromTheCase) {
  ConformanceCase c = Case("package test\n\np[x] { x := 1 }\n", "data.test.p = x");
  c.syntax = RegoSyntax::kV0;
  c.want_result = std::vector<Value>{Json(R"({"x": [1]})")};
  CaseResult r = RunCase(c, InProcess());
  EXPECT_EQ(r.status, CaseStatus::kPass) << r.reason;
}

TEST(RunCase, MalformedCaseFailsWithItsLoadError) {
  ConformanceCase c = Case("package test\n", "true");
  c.load_error = "malformed case: no expectation";
  CaseResult r = RunCase(c, InProcess());
  EXPECT_EQ(r.status, CaseStatus::kFail);
  EXPECT_EQ(r.reason, c.load_error);
}

TEST(RunCase, DeadlineTurnsAHangIntoAFailure) {
  ConformanceCase c = Case(
      "package test\n\n"
      "p := count([1 | some a in numbers.range(1, 5000); some b in numbers.range(1, 5000)])\n",
      "data.test.p = x");
  c.want_result = std::vector<Value>{Json(R"({"x": 25000000})")};
  RunOptions o = InProcess();
  o.timeout = std::chrono::milliseconds(50);
  auto start = std::chrono::steady_clock::now();
  CaseResult r = RunCase(c, o);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, CaseStatus::kFail);
  EXPECT_NE(r.reason.find("timeout"), std::string::npos) << r.reason;
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(RunCases, IsolatedRunsAgreeWithInProcessRunsAndHonourSkips) {
  ConformanceCase pass = Case("package test\n\np := 2\n", "data.test.p = x");
  pass.want_result = std::vector<Value>{Json(R"({"x": 2})")};
  ConformanceCase fail = pass;
  fail.note = "topic/fail";
  fail.want_result = std::vector<Value>{Json(R"({"x": 3})")};
  ConformanceCase skipped = pass;
  skipped.note = "topic/skipped";
  CaseList skip;
  skip.Add("topic/skipped", "not today");
  RunOptions o;
  o.isolate = true;
  o.skip = &skip;
  size_t seen = 0;
  o.on_result = [&](const CaseResult&) { ++seen; };
  std::vector<CaseResult> results = RunCases({pass, fail, skipped}, o);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(seen, 3u);
  EXPECT_EQ(results[0].status, CaseStatus::kPass) << results[0].reason;
  EXPECT_EQ(results[1].status, CaseStatus::kFail);
  EXPECT_EQ(results[1].reason, RunCase(fail, InProcess()).reason);
  EXPECT_EQ(results[2].status, CaseStatus::kSkip);
  EXPECT_EQ(results[2].reason, "not today");
}

}  // namespace
}  // namespace fedra::tools
