// Evaluation limits through the public API: a deadline and a cancellation
// flag stop work that would run (nearly) forever, recursion through data is
// refused, and call depth and result counts are bounded with clear errors.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "api/api_test_util.h"
#include "fedra/engine.h"

namespace fedra {
namespace {

using apitest::CompileModules;
using apitest::First;
using apitest::J;
using apitest::RunQuery;
using Clock = std::chrono::steady_clock;

constexpr auto kDeadline = std::chrono::milliseconds(200);
// Generous so a loaded CI machine does not flake, yet far below "forever".
constexpr auto kMaxStop = std::chrono::milliseconds(3000);

const char* kSlow = R"(package slow
# 1e6 x 1e6 iterations: would take hours.
pairs := count([1 |
  some i in numbers.range(1, 1000000)
  some j in numbers.range(1, 1000000)
  i == j + 1000000000
])
big contains [i, j] if {
  some i in numbers.range(1, 100000)
  some j in numbers.range(1, 100000)
}
loop if {
  some i in numbers.range(1, 1000000)
  some j in numbers.range(1, 1000000)
  i + j < 0
}
)";

std::shared_ptr<const PolicySet> SlowPolicy() {
  std::shared_ptr<const PolicySet> ps;
  Status s = CompileModules({{"slow.rego", kSlow}}, &ps);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return ps;
}

// Evaluates `query` with a 200 ms deadline and checks it is cancelled in time.
void ExpectDeadline(const PolicySet& ps, const std::string& query) {
  EvalOptions opts;
  auto start = Clock::now();
  opts.deadline = start + kDeadline;
  ResultSet rs;
  Status s = RunQuery(ps, query, opts, &rs);
  auto took = Clock::now() - start;
  EXPECT_EQ(s.code(), StatusCode::kEvalCancelError) << query << ": " << s.ToString();
  EXPECT_EQ(StatusCodeName(s.code()), "eval_cancel_error");
  EXPECT_GE(took, kDeadline - std::chrono::milliseconds(5)) << query;
  EXPECT_LT(took, kMaxStop) << query << " took "
                            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
  EXPECT_TRUE(rs.results.empty());
}

TEST(EvalLimits, DeadlineStopsNestedRangeEnumeration) {
  auto ps = SlowPolicy();
  ASSERT_NE(ps, nullptr);
  ExpectDeadline(*ps, "data.slow.pairs");
  ExpectDeadline(*ps, "data.slow.loop");
  // A huge partial set (1e10 members) is stopped before it exhausts memory.
  ExpectDeadline(*ps, "data.slow.big");
  // Directly in the query.
  ExpectDeadline(*ps, "some i in numbers.range(1, 1000000); some j in numbers.range(1, 1000000); i + j < 0");
}

TEST(EvalLimits, DeadlineInThePast) {
  auto ps = SlowPolicy();
  ASSERT_NE(ps, nullptr);
  EvalOptions opts;
  opts.deadline = Clock::now() - std::chrono::seconds(1);
  auto start = Clock::now();
  ResultSet rs;
  Status s = RunQuery(*ps, "data.slow.loop", opts, &rs);
  EXPECT_EQ(s.code(), StatusCode::kEvalCancelError) << s.ToString();
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1000));
}

TEST(EvalLimits, DeadlineDoesNotDisturbFastQueries) {
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"p.rego", "package p\nx := count([i | some i in numbers.range(1, 1000)])\n"}}, &ps)
                  .ok());
  EvalOptions opts;
  opts.deadline = Clock::now() + std::chrono::seconds(30);
  ResultSet rs;
  ASSERT_TRUE(RunQuery(*ps, "data.p.x", opts, &rs).ok());
  ASSERT_EQ(rs.results.size(), 1u);
  EXPECT_EQ(ToJson(rs.results[0].expressions[0].value), "1000");
}

TEST(EvalLimits, CancelFromAnotherThread) {
  auto ps = SlowPolicy();
  ASSERT_NE(ps, nullptr);
  std::atomic<bool> cancel{false};
  EvalOptions opts;
  opts.cancel = &cancel;
  auto start = Clock::now();
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel.store(true);
  });
  ResultSet rs;
  Status s = RunQuery(*ps, "data.slow.pairs", opts, &rs);
  auto took = Clock::now() - start;
  canceller.join();
  EXPECT_EQ(s.code(), StatusCode::kEvalCancelError) << s.ToString();
  EXPECT_GE(took, std::chrono::milliseconds(95));
  EXPECT_LT(took, kMaxStop);
  EXPECT_TRUE(rs.results.empty());
}

TEST(EvalLimits, CancelAlreadySetAndUnset) {
  auto ps = SlowPolicy();
  ASSERT_NE(ps, nullptr);
  std::atomic<bool> cancel{true};
  EvalOptions opts;
  opts.cancel = &cancel;
  ResultSet rs;
  EXPECT_EQ(RunQuery(*ps, "data.slow.loop", opts, &rs).code(), StatusCode::kEvalCancelError);
  // An unset flag changes nothing.
  cancel.store(false);
  ASSERT_TRUE(RunQuery(*ps, "x := 1 + 1", opts, &rs).ok());
  ASSERT_EQ(rs.results.size(), 1u);
}

TEST(EvalLimits, CancelOneOfSeveralConcurrentEvaluations) {
  auto ps = SlowPolicy();
  ASSERT_NE(ps, nullptr);
  std::atomic<bool> cancel{false};
  Status slow_status;
  std::thread slow([&] {
    EvalOptions opts;
    opts.cancel = &cancel;
    ResultSet rs;
    slow_status = RunQuery(*ps, "data.slow.loop", opts, &rs);
  });
  // Meanwhile other evaluations of the same set proceed normally.
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(First(*ps, "count([x | some x in numbers.range(1, 100)])"), "100");
  }
  cancel.store(true);
  slow.join();
  EXPECT_EQ(slow_status.code(), StatusCode::kEvalCancelError) << slow_status.ToString();
}

TEST(EvalLimits, RecursionThroughDataIsRefusedAtCompileTime) {
  // A rule that reads its own package's document depends on itself.
  std::shared_ptr<const PolicySet> ps;
  Status s = CompileModules({{"r.rego", "package ex\np := count(data.ex)\n"}}, &ps);
  EXPECT_EQ(s.code(), StatusCode::kRecursionError) << s.ToString();
  EXPECT_EQ(s.location().line, 2u) << s.ToString();
  // A dynamic ref under a prefix without rules is fine.
  s = CompileModules({{"r.rego", "package ex\nallow if data.tables[input.t].open\n"}}, &ps,
                     R"({"tables":{"a":{"open":true}}})");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(First(*ps, "data.ex.allow", R"({"t":"a"})"), "true");
  EXPECT_EQ(First(*ps, "data.ex.allow", R"({"t":"b"})"), "undefined");
}

TEST(EvalLimits, DynamicRecursionThroughDataIsRefusedAtCompileTime) {
  // OPA (since 0.34, "forbid dynamic recursion") reports these at compile
  // time: a ref into all of data may reach the rule itself.
  for (const char* src : {"package ex\nallow if data[input.pkg].allow\n", "package ex\nd := data\n"}) {
    std::shared_ptr<const PolicySet> ps;
    Status s = CompileModules({{"r.rego", src}}, &ps);
    EXPECT_EQ(s.code(), StatusCode::kRecursionError) << src << ": " << s.ToString();
  }
}

TEST(EvalLimits, DynamicRecursionThroughDataNeverHangs) {
  // Whatever the compiler decides, evaluating such a policy ends quickly
  // with an error rather than recursing forever.
  struct Case {
    const char* src;
    const char* query;
  };
  for (const Case& c : {Case{"package ex\nallow if data[input.pkg].allow\n", "data.ex.allow"},
                        Case{"package ex\nallow if data[input.pkg].allow\n", "data"},
                        Case{"package ex\nd := data\n", "data.ex.d"},
                        Case{"package ex\nd := data\n", "data"}}) {
    std::shared_ptr<const PolicySet> ps;
    Status s = CompileModules({{"r.rego", c.src}}, &ps);
    if (!s.ok()) continue;  // refused at compile time, as OPA does
    EvalOptions opts;
    opts.input = J(R"({"pkg":"ex"})");
    opts.deadline = Clock::now() + std::chrono::seconds(5);
    ResultSet rs;
    s = RunQuery(*ps, c.query, opts, &rs);
    EXPECT_FALSE(s.ok()) << c.src << " / " << c.query;
    EXPECT_NE(s.code(), StatusCode::kEvalCancelError) << c.src << " / " << c.query << ": " << s.ToString();
    EXPECT_NE(s.code(), StatusCode::kInternal) << c.src << " / " << c.query << ": " << s.ToString();
  }
}

// r0 := r1 + 1, ..., r{n-1} := 0: evaluating r0 nests n rule evaluations.
std::string RuleChain(int n) {
  std::string src = "package chain\n";
  for (int i = 0; i + 1 < n; ++i) {
    src += "r" + std::to_string(i) + " := data.chain.r" + std::to_string(i + 1) + " + 1\n";
  }
  src += "r" + std::to_string(n - 1) + " := 0\n";
  return src;
}

std::string FunctionChain(int n) {
  std::string src = "package fchain\n";
  for (int i = 0; i + 1 < n; ++i) {
    src += "f" + std::to_string(i) + "(x) := f" + std::to_string(i + 1) + "(x + 1)\n";
  }
  src += "f" + std::to_string(n - 1) + "(x) := x\n";
  return src;
}

TEST(EvalLimits, CallDepthWithinLimit) {
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"chain.rego", RuleChain(100)}}, &ps).ok());
  EXPECT_EQ(First(*ps, "data.chain.r0"), "99");
  ASSERT_TRUE(CompileModules({{"fchain.rego", FunctionChain(100)}}, &ps).ok());
  EXPECT_EQ(First(*ps, "data.fchain.f0(1)"), "100");
}

TEST(EvalLimits, CallDepthLimitIsAnError) {
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"chain.rego", RuleChain(100)}}, &ps).ok());
  EvalOptions opts;
  opts.max_call_depth = 50;
  ResultSet rs;
  Status s = RunQuery(*ps, "data.chain.r0", opts, &rs);
  EXPECT_EQ(s.code(), StatusCode::kEvalLimitError) << s.ToString();
  EXPECT_EQ(StatusCodeName(s.code()), "fedra_limit_error");
  EXPECT_TRUE(rs.results.empty());
  // The deep end of the chain is still reachable directly.
  ASSERT_TRUE(RunQuery(*ps, "data.chain.r60", opts, &rs).ok());
  ASSERT_EQ(rs.results.size(), 1u);
  EXPECT_EQ(ToJson(rs.results[0].expressions[0].value), "39");

  ASSERT_TRUE(CompileModules({{"fchain.rego", FunctionChain(100)}}, &ps).ok());
  s = RunQuery(*ps, "data.fchain.f0(1)", opts, &rs);
  EXPECT_EQ(s.code(), StatusCode::kEvalLimitError) << s.ToString();
}

TEST(EvalLimits, LongRuleChainAtDefaultLimits) {
  // 3000 nested rules exceed the default max_call_depth (2000); compiling
  // such a chain must not recurse per rule either.
  std::shared_ptr<const PolicySet> ps;
  Status s = CompileModules({{"chain.rego", RuleChain(3000)}}, &ps);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ResultSet rs;
  s = RunQuery(*ps, "data.chain.r0", {}, &rs);
  EXPECT_EQ(s.code(), StatusCode::kEvalLimitError) << s.ToString();
  // 1500 nested rules are within the default depth; they either evaluate or
  // hit the native stack budget -- both clean outcomes, never a crash.
  s = RunQuery(*ps, "data.chain.r1500", {}, &rs);
  if (s.ok()) {
    ASSERT_EQ(rs.results.size(), 1u);
    EXPECT_EQ(ToJson(rs.results[0].expressions[0].value), "1499");
  } else {
    EXPECT_EQ(s.code(), StatusCode::kEvalLimitError) << s.ToString();
  }
}

TEST(EvalLimits, RaisedDepthLimitStillBoundedByNativeStack) {
  // Raising max_call_depth must not let evaluation overflow the native
  // stack: the evaluator's stack budget has to stop it with a limit error.
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"chain.rego", RuleChain(3000)}}, &ps).ok());
  EvalOptions deep;
  deep.max_call_depth = 1000000;
  ResultSet rs;
  Status s = RunQuery(*ps, "data.chain.r0", deep, &rs);
  if (s.ok()) {
    EXPECT_EQ(ToJson(rs.results[0].expressions[0].value), "2999");
  } else {
    EXPECT_EQ(s.code(), StatusCode::kEvalLimitError) << s.ToString();
  }
}

TEST(EvalLimits, MaxResultsBoundsQueryResults) {
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"p.rego", "package p\n"}}, &ps).ok());
  EvalOptions opts;
  opts.max_results = 1000;
  ResultSet rs;
  Status s = RunQuery(*ps, "some i in numbers.range(1, 100000); x := i", opts, &rs);
  EXPECT_EQ(s.code(), StatusCode::kEvalLimitError) << s.ToString();
  EXPECT_TRUE(rs.results.empty());
  // Exactly at the bound is fine.
  s = RunQuery(*ps, "some i in numbers.range(1, 1000); x := i", opts, &rs);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(rs.results.size(), 1000u);
  // The default bound (2^20) stops an unbounded-looking query too.
  EvalOptions defaults;
  defaults.deadline = Clock::now() + std::chrono::seconds(10);
  s = RunQuery(*ps, "some i in numbers.range(1, 1000); some j in numbers.range(1, 2000)", defaults, &rs);
  EXPECT_EQ(s.code(), StatusCode::kEvalLimitError) << s.ToString();
}

TEST(EvalLimits, HugeComprehensionIsStoppedNotExhaustingMemory) {
  // 1e5 x 1e5 pairs in an array comprehension (1e10 elements): the deadline
  // stops it long before memory runs out.
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"p.rego", "package p\n"}}, &ps).ok());
  ExpectDeadline(*ps, "x := [[i, j] | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000)]");
  ExpectDeadline(*ps, "x := {sprintf(\"%d-%d\", [i, j]): 1 | some i in numbers.range(1, 100000); "
                      "some j in numbers.range(1, 100000)}");
}

TEST(EvalLimits, HugeBuiltinResultsAreRefused) {
  // Builtins asked for absurd sizes must fail cleanly (strict: an error),
  // not allocate terabytes.
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"p.rego", "package p\n"}}, &ps).ok());
  for (const char* q : {"x := strings.repeat(\"ab\", 1000000000000)",
                        "x := numbers.range(1, 1000000000000)"}) {
    EvalOptions opts;
    opts.strict_builtin_errors = true;
    opts.deadline = Clock::now() + std::chrono::seconds(2);
    ResultSet rs;
    auto start = Clock::now();
    Status s = RunQuery(*ps, q, opts, &rs);
    EXPECT_FALSE(s.ok()) << q;
    EXPECT_NE(s.code(), StatusCode::kInternal) << q << ": " << s.ToString();
    EXPECT_LT(Clock::now() - start, kMaxStop) << q;
  }
}

}  // namespace
}  // namespace fedra
