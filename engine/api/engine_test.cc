// Evaluation through the public API (fedra/engine.h): rule kinds, functions,
// else, default, `with`, `every`, `some ... in`, comprehensions, negation,
// conflicts, strict builtin errors, rule indexing, thread safety and the
// `opa eval` JSON shape. Expected values are OPA's.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "api/api_test_util.h"
#include "fedra/engine.h"

namespace fedra {
namespace {

using apitest::CompileModules;
using apitest::EvalOne;
using apitest::First;
using apitest::J;
using apitest::RunQuery;

TEST(EngineEval, CompleteRule) {
  const char* src = R"(package p
x := 1 if input.a == 1
y := {"k": [input.a, 2]} if input.a
)";
  EXPECT_EQ(EvalOne(src, "data.p.x", R"({"a":1})"), "1");
  EXPECT_EQ(EvalOne(src, "data.p.x", R"({"a":2})"), "undefined");
  EXPECT_EQ(EvalOne(src, "data.p.y", R"({"a":3})"), R"({"k":[3,2]})");
  EXPECT_EQ(EvalOne(src, "data.p.y", R"({"a":false})"), "undefined");
  // The package as a document holds only the defined rules.
  EXPECT_EQ(EvalOne(src, "data.p", R"({"a":2})"), R"({"y":{"k":[2,2]}})");
}

TEST(EngineEval, PartialSetRule) {
  const char* src = R"(package p
big contains v if {
  some v in input.xs
  v > 1
}
)";
  // Sets are unique and render as sorted arrays.
  EXPECT_EQ(EvalOne(src, "data.p.big", R"({"xs":[3,1,2,3,5]})"), "[2,3,5]");
  // A partial set with no members is the empty set, not undefined.
  EXPECT_EQ(EvalOne(src, "data.p.big", R"({"xs":[0,1]})"), "[]");
  EXPECT_EQ(EvalOne(src, "data.p.big[3]", R"({"xs":[3]})"), "3");
  EXPECT_EQ(EvalOne(src, "data.p.big[4]", R"({"xs":[3]})"), "undefined");
}

TEST(EngineEval, PartialObjectRule) {
  const char* src = R"(package p
pos[k] := v if {
  some k, v in input.m
  v > 0
}
)";
  EXPECT_EQ(EvalOne(src, "data.p.pos", R"({"m":{"a":1,"b":-1,"c":2}})"), R"({"a":1,"c":2})");
  EXPECT_EQ(EvalOne(src, "data.p.pos.c", R"({"m":{"a":1,"b":-1,"c":2}})"), "2");
  EXPECT_EQ(EvalOne(src, "data.p.pos.b", R"({"m":{"a":1,"b":-1,"c":2}})"), "undefined");
  EXPECT_EQ(EvalOne(src, "data.p.pos", R"({"m":{}})"), "{}");
}

TEST(EngineEval, Functions) {
  const char* src = R"(package p
double(x) := x * 2
inc_double(x) := y if {
  y := double(x) + 1
}
kind(x) := "num" if is_number(x)
kind(x) := "str" if is_string(x)
r := [inc_double(3), kind(1), kind("a")]
u := kind(true)
)";
  EXPECT_EQ(EvalOne(src, "data.p.r"), R"([7,"num","str"])");
  EXPECT_EQ(EvalOne(src, "data.p.u"), "undefined");
  EXPECT_EQ(EvalOne(src, "data.p.double(21)"), "42");
  // A function called with one extra argument binds its output.
  EXPECT_EQ(EvalOne(src, "data.p.double(4, 8)"), "true");
  EXPECT_EQ(EvalOne(src, "data.p.double(4, 9)"), "undefined");
}

TEST(EngineEval, FunctionConflict) {
  const char* src = R"(package p
f(x) := 1 if x > 0
f(x) := 2 if x > 1
)";
  EXPECT_EQ(EvalOne(src, "data.p.f(1)"), "1");
  EXPECT_EQ(EvalOne(src, "data.p.f(5)").rfind("ERROR eval_conflict_error", 0), 0u)
      << EvalOne(src, "data.p.f(5)");
}

TEST(EngineEval, ElseChain) {
  const char* src = R"(package p
r := "a" if {
  input.x == 1
} else := "b" if {
  input.x == 2
} else := "c"
)";
  EXPECT_EQ(EvalOne(src, "data.p.r", R"({"x":1})"), R"("a")");
  EXPECT_EQ(EvalOne(src, "data.p.r", R"({"x":2})"), R"("b")");
  EXPECT_EQ(EvalOne(src, "data.p.r", R"({"x":3})"), R"("c")");
  EXPECT_EQ(EvalOne(src, "data.p.r"), R"("c")");
}

TEST(EngineEval, ElseOnFunction) {
  const char* src = R"(package p
sign(x) := -1 if {
  x < 0
} else := 0 if {
  x == 0
} else := 1
)";
  EXPECT_EQ(EvalOne(src, "[data.p.sign(-5), data.p.sign(0), data.p.sign(7)]"), "[-1,0,1]");
}

// `opa eval data.p.b` reports a false value; only a false *call* (such as
// `1 == 2`) makes the query undefined.
TEST(EngineEval, FalseValueOfATermQueryIsReported) {
  const char* src = "package p\nb := false\ndefault d := false\nd if input.x\n";
  EXPECT_EQ(EvalOne(src, "data.p.b"), "false");
  EXPECT_EQ(EvalOne(src, "data.p.d"), "false");
  EXPECT_EQ(EvalOne(src, "false"), "false");
  EXPECT_EQ(EvalOne(src, "data.p.b == true"), "undefined");
}

TEST(EngineEval, Default) {
  const char* src = R"(package p
default allow := false
allow if input.ok == true
default level := "none"
level := input.level
)";
  EXPECT_EQ(EvalOne(src, "data.p.allow"), "false");
  EXPECT_EQ(EvalOne(src, "data.p.allow", R"({"ok":true})"), "true");
  EXPECT_EQ(EvalOne(src, "data.p.allow", R"({"ok":"yes"})"), "false");
  EXPECT_EQ(EvalOne(src, "data.p.level", R"({"level":"high"})"), R"("high")");
  EXPECT_EQ(EvalOne(src, "data.p.level", R"({})"), R"("none")");
}

TEST(EngineEval, WithInputAndData) {
  const char* src = R"(package p
allow if input.user == data.admins[_]
n := count(data.admins)
)";
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"p.rego", src}}, &ps, R"({"admins":["alice"]})").ok());
  EXPECT_EQ(First(*ps, "data.p.allow", R"({"user":"alice"})"), "true");
  EXPECT_EQ(First(*ps, "data.p.allow", R"({"user":"bob"})"), "undefined");
  EXPECT_EQ(First(*ps, R"(data.p.allow with input as {"user": "alice"})"), "true");
  EXPECT_EQ(First(*ps, R"(data.p.allow with input.user as "bob")", R"({"user":"alice"})"),
            "undefined");
  EXPECT_EQ(First(*ps, R"(data.p.allow with input as {"user": "bob"} with data.admins as ["bob"])"),
            "true");
  EXPECT_EQ(First(*ps, "data.p.n with data.admins as [1, 2, 3]"), "3");
  // `with` does not leak past its expression.
  ResultSet rs;
  ASSERT_TRUE(RunQuery(*ps, "data.p.n with data.admins as [1, 2, 3]; m := data.p.n", {}, &rs).ok());
  ASSERT_EQ(rs.results.size(), 1u);
  ASSERT_EQ(rs.results[0].bindings.size(), 1u);
  EXPECT_EQ(rs.results[0].bindings[0].first, "m");
  EXPECT_EQ(ToJson(rs.results[0].bindings[0].second), "1");
}

TEST(EngineEval, WithFunctionsAndBuiltins) {
  const char* src = R"(package p
f(x) := x + 1
mock_f(x) := x * 100
r := f(1)
c := count([1, 2, 3])
mock_count(_) := 42
)";
  EXPECT_EQ(EvalOne(src, "data.p.r"), "2");
  EXPECT_EQ(EvalOne(src, "data.p.r with data.p.f as data.p.mock_f"), "100");
  // Replacing a function with a value makes every call return it.
  EXPECT_EQ(EvalOne(src, "data.p.r with data.p.f as 7"), "7");
  EXPECT_EQ(EvalOne(src, "data.p.c with count as data.p.mock_count"), "42");
  EXPECT_EQ(EvalOne(src, "data.p.c with count as 9"), "9");
  EXPECT_EQ(EvalOne(src, "data.p.c"), "3");
}

TEST(EngineEval, Every) {
  const char* src = R"(package p
all_pos if {
  every x in input.xs { x > 0 }
}
all_keys_short if {
  every k, v in input.m {
    count(k) < 3
    v != null
  }
}
)";
  EXPECT_EQ(EvalOne(src, "data.p.all_pos", R"({"xs":[1,2,3]})"), "true");
  EXPECT_EQ(EvalOne(src, "data.p.all_pos", R"({"xs":[1,-2,3]})"), "undefined");
  EXPECT_EQ(EvalOne(src, "data.p.all_pos", R"({"xs":[]})"), "true");
  EXPECT_EQ(EvalOne(src, "data.p.all_keys_short", R"({"m":{"a":1,"bb":2}})"), "true");
  EXPECT_EQ(EvalOne(src, "data.p.all_keys_short", R"({"m":{"a":1,"bbb":2}})"), "undefined");
  EXPECT_EQ(EvalOne(src, "data.p.all_keys_short", R"({"m":{"a":null}})"), "undefined");
}

TEST(EngineEval, SomeIn) {
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"p.rego", "package p\n"}}, &ps).ok());
  ResultSet rs;
  ASSERT_TRUE(RunQuery(*ps, "some x in [3, 1, 2]; x > 1", {}, &rs).ok());
  // Each solution is one result.
  ASSERT_EQ(rs.results.size(), 2u);
  ASSERT_TRUE(RunQuery(*ps, "some i, x in [10, 20, 30]; x > 15; y := i", {}, &rs).ok());
  ASSERT_EQ(rs.results.size(), 2u);
  std::vector<std::string> ys;
  for (const auto& r : rs.results) {
    for (const auto& [name, v] : r.bindings) {
      if (name == "y") ys.push_back(ToJson(v));
    }
  }
  std::sort(ys.begin(), ys.end());
  EXPECT_EQ(ys, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(First(*ps, R"(some "b" in {"a", "b"})"), "true");
  EXPECT_EQ(First(*ps, R"(some "c" in {"a", "b"})"), "undefined");
  EXPECT_EQ(First(*ps, R"(2 in [1, 2])"), "true");
  // A false expression makes the query undefined.
  EXPECT_EQ(First(*ps, R"(3 in [1, 2])"), "undefined");
}

TEST(EngineEval, Comprehensions) {
  const char* src = R"(package p
arr := [y | some x in input.xs; x > 1; y := x * 2]
st := {y | some x in input.xs; y := x % 2}
obj := {k: v | some v in input.xs; k := sprintf("k%d", [v])}
nested := [[y | some y in numbers.range(1, x)] | some x in [1, 2, 3]]
empty := [x | some x in input.xs; x > 100]
)";
  const char* in = R"({"xs":[1,2,3,3]})";
  EXPECT_EQ(EvalOne(src, "data.p.arr", in), "[4,6,6]");
  EXPECT_EQ(EvalOne(src, "data.p.st", in), "[0,1]");
  EXPECT_EQ(EvalOne(src, "data.p.obj", in), R"({"k1":1,"k2":2,"k3":3})");
  EXPECT_EQ(EvalOne(src, "data.p.nested", in), "[[1],[1,2],[1,2,3]]");
  EXPECT_EQ(EvalOne(src, "data.p.empty", in), "[]");
  // As in OPA, a comprehension head is a single term: `[x * 2 | ...]` reads
  // as an array holding `x * 2 | some ...` and fails to parse.
  std::shared_ptr<const PolicySet> ps;
  EXPECT_EQ(CompileModules({{"p.rego", "package p\na := [x * 2 | some x in [1]]\n"}}, &ps).code(),
            StatusCode::kParseError);
}

TEST(EngineEval, ObjectComprehensionKeyConflict) {
  // Two different values for one key in an object comprehension: OPA
  // reports an eval_conflict_error.
  std::string got = EvalOne("package p\no := {k: v | some v in [1, 2]; k := \"a\"}\n", "data.p.o");
  EXPECT_EQ(got.rfind("ERROR eval_conflict_error", 0), 0u) << got;
}

TEST(EngineEval, Negation) {
  const char* src = R"(package p
deny if not input.allowed
missing contains k if {
  some k in ["a", "b", "c"]
  not input.m[k]
}
)";
  EXPECT_EQ(EvalOne(src, "data.p.deny", R"({})"), "true");
  EXPECT_EQ(EvalOne(src, "data.p.deny", R"({"allowed":false})"), "true");
  EXPECT_EQ(EvalOne(src, "data.p.deny", R"({"allowed":true})"), "undefined");
  EXPECT_EQ(EvalOne(src, "data.p.missing", R"({"m":{"a":1,"c":false}})"), R"(["b","c"])");
}

TEST(EngineEval, CompleteRuleConflict) {
  const char* src = R"(package p
x := 1 if input.a
x := 2 if input.b
same := 1 if input.a
same := 1 if input.b
)";
  EXPECT_EQ(EvalOne(src, "data.p.x", R"({"a":true})"), "1");
  EXPECT_EQ(EvalOne(src, "data.p.x", R"({"b":true})"), "2");
  std::string got = EvalOne(src, "data.p.x", R"({"a":true,"b":true})");
  EXPECT_EQ(got.rfind("ERROR eval_conflict_error", 0), 0u) << got;
  // Equal values from several bodies are not a conflict.
  EXPECT_EQ(EvalOne(src, "data.p.same", R"({"a":true,"b":true})"), "1");
}

TEST(EngineEval, ConflictErrorHasLocation) {
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"conf.rego", "package p\nx := 1\nx := 2\n"}}, &ps).ok());
  ResultSet rs;
  Status s = RunQuery(*ps, "data.p.x", {}, &rs);
  ASSERT_EQ(s.code(), StatusCode::kEvalConflictError) << s.ToString();
  EXPECT_EQ(StatusCodeName(s.code()), "eval_conflict_error");
  EXPECT_NE(s.message().find("complete rules must not produce multiple outputs"), std::string::npos)
      << s.ToString();
  EXPECT_NE(s.ToString().find("conf.rego:"), std::string::npos) << s.ToString();
  EXPECT_TRUE(rs.results.empty());
}

TEST(EngineEval, PartialObjectConflict) {
  std::string got = EvalOne("package p\no[\"a\"] := 1\no[\"a\"] := 2\n", "data.p.o");
  EXPECT_EQ(got.rfind("ERROR eval_conflict_error", 0), 0u) << got;
}

TEST(EngineEval, StrictBuiltinErrors) {
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"p.rego", "package p\nq := input.a / input.b\n"
                                         "n := to_number(input.s)\n"}},
                             &ps)
                  .ok());
  const char* zero = R"({"a":1,"b":0,"s":"x"})";
  EXPECT_EQ(First(*ps, "data.p.q", R"({"a":6,"b":3})"), "2");
  // Without strict mode a builtin error makes the expression undefined.
  EXPECT_EQ(First(*ps, "data.p.q", zero), "undefined");
  EXPECT_EQ(First(*ps, "data.p.n", zero), "undefined");
  std::string got = First(*ps, "data.p.q", zero, /*strict=*/true);
  EXPECT_EQ(got.rfind("ERROR eval_builtin_error", 0), 0u) << got;
  EXPECT_NE(got.find("divide by zero"), std::string::npos) << got;
  got = First(*ps, "data.p.n", zero, /*strict=*/true);
  EXPECT_EQ(got.rfind("ERROR eval_builtin_error", 0), 0u) << got;
  // Strictness does not change successful evaluations.
  EXPECT_EQ(First(*ps, "data.p.q", R"({"a":6,"b":3})", true), "2");
}

TEST(EngineEval, BaseAndVirtualDocuments) {
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"p.rego", "package a.b\nv := data.a.base + 1\n"}}, &ps,
                             R"({"a":{"base":41,"other":{"z":true}}})")
                  .ok());
  EXPECT_EQ(First(*ps, "data.a.b.v"), "42");
  EXPECT_EQ(First(*ps, "data.a.other.z"), "true");
  EXPECT_EQ(First(*ps, "data.a"), R"({"b":{"v":42},"base":41,"other":{"z":true}})");
}

// 50 rules each keyed on one input.kind, plus rules the index cannot serve.
// Every kind must yield exactly its own rule (and the unindexed ones that
// apply), as a plain scan over all rules would.
TEST(EngineEval, RuleIndexingMatchesScan) {
  std::string src = "package idx\n";
  for (int i = 0; i < 50; ++i) {
    src += "hit contains \"r" + std::to_string(i) + "\" if input.kind == \"k" + std::to_string(i) +
           "\"\n";
  }
  src += "hit contains \"num\" if input.kind == 7\n";
  src += "hit contains \"unify\" if input.kind = \"k3\"\n";
  src += "hit contains \"prefix\" if startswith(input.kind, \"k1\")\n";
  src += "hit contains \"var\" if { some k in data.kinds; input.kind == k }\n";
  src += "hit contains \"ne\" if input.kind != \"k0\"\n";
  src += "one := \"k5\" if input.kind == \"k5\"\n";
  for (int i = 0; i < 50; ++i) {
    src += "one := \"k" + std::to_string(i + 100) + "\" if input.kind == \"k" +
           std::to_string(i + 100) + "\"\n";
  }
  std::shared_ptr<const PolicySet> ps;
  Status s = CompileModules({{"idx.rego", src}}, &ps, R"({"kinds":["k2","k40"]})");
  ASSERT_TRUE(s.ok()) << s.ToString();
  PreparedQuery q;
  ASSERT_TRUE(ps->Prepare("data.idx.hit", &q).ok());

  auto expected = [](const std::string& kind, bool is_string) {
    std::vector<std::string> want;
    if (is_string) {
      for (int i = 0; i < 50; ++i) {
        if (kind == "k" + std::to_string(i)) want.push_back("r" + std::to_string(i));
      }
      if (kind == "k3") want.push_back("unify");
      if (kind.rfind("k1", 0) == 0) want.push_back("prefix");
      if (kind == "k2" || kind == "k40") want.push_back("var");
    } else {
      want.push_back("num");
    }
    if (!is_string || kind != "k0") want.push_back("ne");
    std::sort(want.begin(), want.end());
    return want;
  };
  std::vector<std::string> kinds;
  for (int i = 0; i < 50; ++i) kinds.push_back("k" + std::to_string(i));
  kinds.push_back("k50");
  kinds.push_back("zz");
  for (const auto& kind : kinds) {
    EvalOptions opts;
    opts.input = Value::Object({{Value::String("kind"), Value::String(kind)}});
    ResultSet rs;
    ASSERT_TRUE(ps->Eval(q, opts, &rs).ok());
    ASSERT_EQ(rs.results.size(), 1u);
    const Value& got = rs.results[0].expressions[0].value;
    ASSERT_TRUE(got.is_set()) << kind;
    std::vector<std::string> names;
    for (const auto& w : expected(kind, true)) names.push_back(w);
    std::string want_json = "[";
    for (size_t i = 0; i < names.size(); ++i) want_json += (i ? ",\"" : "\"") + names[i] + "\"";
    want_json += "]";
    EXPECT_EQ(ToJson(got), want_json) << "kind " << kind;
  }
  // Numbers compare by value: 7.0 matches the rule keyed on 7, "7" does not.
  EXPECT_EQ(First(*ps, "data.idx.hit", R"({"kind":7})"), R"(["ne","num"])");
  EXPECT_EQ(First(*ps, "data.idx.hit", R"({"kind":7.0})"), R"(["ne","num"])");
  EXPECT_EQ(First(*ps, "data.idx.hit", R"({"kind":"7"})"), R"(["ne"])");
  // No kind at all: only the rules that do not need one... none of them apply.
  EXPECT_EQ(First(*ps, "data.idx.hit", R"({})"), "[]");
  EXPECT_EQ(First(*ps, "data.idx.one", R"({"kind":"k5"})"), R"("k5")");
  EXPECT_EQ(First(*ps, "data.idx.one", R"({"kind":"k149"})"), R"("k149")");
  EXPECT_EQ(First(*ps, "data.idx.one", R"({"kind":"k150"})"), "undefined");
}

TEST(EngineEval, ConcurrentEvaluationOfOnePolicySet) {
  const char* src = R"(package t
default allow := false
allow if {
  some role in data.roles[input.user]
  role == "admin"
}
perms contains p if {
  some role in data.roles[input.user]
  some p in data.grants[role]
}
total := sum([x | some x in numbers.range(1, input.n)])
)";
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"t.rego", src}}, &ps,
                             R"({"roles":{"u0":["admin"],"u1":["dev"],"u2":["dev","ops"]},
                                 "grants":{"admin":["all"],"dev":["read","write"],"ops":["page"]}})")
                  .ok());
  PreparedQuery q;
  ASSERT_TRUE(ps->Prepare("a := data.t.allow; p := data.t.perms; t := data.t.total", &q).ok());
  constexpr int kInputs = 16;
  std::vector<Value> inputs;
  for (int i = 0; i < kInputs; ++i) {
    inputs.push_back(J("{\"user\":\"u" + std::to_string(i % 4) + "\",\"n\":" + std::to_string(10 + i) + "}"));
  }
  std::vector<std::string> baseline;
  for (const auto& in : inputs) {
    EvalOptions opts;
    opts.input = in;
    ResultSet rs;
    ASSERT_TRUE(ps->Eval(q, opts, &rs).ok());
    baseline.push_back(ResultSetToJson(rs, false));
  }
  EXPECT_NE(baseline[0].find("\"a\":true"), std::string::npos) << baseline[0];
  EXPECT_NE(baseline[2].find("[\"page\",\"read\",\"write\"]"), std::string::npos) << baseline[2];

  std::vector<std::vector<std::string>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 100; ++round) {
        int i = (round * 7 + t) % kInputs;
        EvalOptions opts;
        opts.input = inputs[i];
        ResultSet rs;
        Status s = ps->Eval(q, opts, &rs);
        got[t].push_back(s.ok() ? ResultSetToJson(rs, false) : s.ToString());
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) {
    ASSERT_EQ(got[t].size(), 100u);
    for (int round = 0; round < 100; ++round) {
      int i = (round * 7 + t) % kInputs;
      ASSERT_EQ(got[t][round], baseline[i]) << "thread " << t << " round " << round;
    }
  }
}

TEST(EngineEval, ConcurrentPrepare) {
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"p.rego", "package p\nf(x) := x * 3\n"}}, &ps).ok());
  std::vector<std::string> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::string acc;
      for (int i = 0; i < 50; ++i) acc += First(*ps, "data.p.f(" + std::to_string(t) + ")") + ";";
      got[t] = acc;
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) {
    std::string want;
    for (int i = 0; i < 50; ++i) want += std::to_string(3 * t) + ";";
    EXPECT_EQ(got[t], want);
  }
}

TEST(EngineEval, ResultSetToJsonShape) {
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"p.rego", "package p\nx := 5\n"}}, &ps).ok());
  ResultSet rs;
  ASSERT_TRUE(RunQuery(*ps, "y := data.p.x; y > 1", {}, &rs).ok());
  ASSERT_EQ(rs.results.size(), 1u);
  Value got = J(ResultSetToJson(rs, false));
  Value want = J(R"({"result":[{"expressions":[
      {"value":true,"text":"y := data.p.x","location":{"row":1,"col":1}},
      {"value":true,"text":"y > 1","location":{"row":1,"col":16}}],
    "bindings":{"y":5}}]})");
  EXPECT_EQ(got, want) << ResultSetToJson(rs, false);
  // Pretty output is the same document.
  EXPECT_EQ(J(ResultSetToJson(rs, true)), want);
  EXPECT_NE(ResultSetToJson(rs, true).find('\n'), std::string::npos);

  // A ref query's expression value is the document; no bindings key.
  ASSERT_TRUE(RunQuery(*ps, "data.p.x", {}, &rs).ok());
  EXPECT_EQ(J(ResultSetToJson(rs, false)),
            J(R"({"result":[{"expressions":[{"value":5,"text":"data.p.x","location":{"row":1,"col":1}}]}]})"))
      << ResultSetToJson(rs, false);

  // Undefined: {}.
  ASSERT_TRUE(RunQuery(*ps, "data.p.nope", {}, &rs).ok());
  EXPECT_TRUE(rs.results.empty());
  EXPECT_EQ(ResultSetToJson(rs, false), "{}");
  ASSERT_TRUE(RunQuery(*ps, "data.p.x == 6", {}, &rs).ok());
  EXPECT_EQ(ResultSetToJson(rs, false), "{}");
}

TEST(EngineEval, ExpressionTexts) {
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"p.rego", "package p\n"}}, &ps).ok());
  PreparedQuery q;
  EXPECT_FALSE(q.valid());
  ASSERT_TRUE(ps->Prepare("x := 1; x + 1 == 2", &q).ok());
  EXPECT_TRUE(q.valid());
  EXPECT_EQ(q.expression_texts(), (std::vector<std::string>{"x := 1", "x + 1 == 2"}));
}

TEST(EngineEval, QueryFromAnotherPolicySetIsRejected) {
  std::shared_ptr<const PolicySet> a, b;
  ASSERT_TRUE(CompileModules({{"a.rego", "package p\nx := 1\n"}}, &a).ok());
  ASSERT_TRUE(CompileModules({{"b.rego", "package p\nx := 2\n"}}, &b).ok());
  PreparedQuery q;
  ASSERT_TRUE(a->Prepare("data.p.x", &q).ok());
  ResultSet rs;
  EXPECT_EQ(b->Eval(q, {}, &rs).code(), StatusCode::kInvalidArgument);
  PreparedQuery empty;
  EXPECT_EQ(a->Eval(empty, {}, &rs).code(), StatusCode::kInvalidArgument);
  Value v = Value::Int(7);
  EXPECT_EQ(b->EvalValue(q, {}, &v).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(v.is_undefined());
  EXPECT_EQ(a->EvalValue(empty, {}, &v).code(), StatusCode::kInvalidArgument);
}

TEST(EngineEval, EvalValueGivesTheFirstExpressionOfTheFirstResult) {
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"p.rego", R"(package p
default allow := false
allow if input.user == "admin"
deny contains m if { some m in input.msgs }
conflict := 1 if input.c
conflict := 2 if input.c
)"}},
                             &ps)
                  .ok());
  auto value = [&](std::string_view query, std::string_view input, Value* v) {
    PreparedQuery q;
    Status s = ps->Prepare(query, &q);
    if (!s.ok()) return s;
    EvalOptions opts;
    opts.input = J(input);
    *v = Value::Int(-1);  // must be overwritten
    return ps->EvalValue(q, opts, v);
  };
  Value v;
  ASSERT_TRUE(value("data.p.allow", R"({"user": "admin"})", &v).ok());
  EXPECT_EQ(ToJson(v), "true");
  ASSERT_TRUE(value("data.p.allow", R"({"user": "bob"})", &v).ok());
  EXPECT_EQ(ToJson(v), "false");  // a bare term's false is its value, as in Eval
  ASSERT_TRUE(value("data.p.deny", R"({"msgs": ["b", "a"]})", &v).ok());
  EXPECT_EQ(ToJson(v), R"(["a","b"])");
  ASSERT_TRUE(value("data.p.missing", "{}", &v).ok());
  EXPECT_TRUE(v.is_undefined());
  ASSERT_TRUE(value("input.xs[_]", R"({"xs": [3, 4]})", &v).ok());
  EXPECT_EQ(ToJson(v), "3");  // the first of several results
  Status s = value("data.p.conflict", R"({"c": true})", &v);
  EXPECT_EQ(s.code(), StatusCode::kEvalConflictError) << s.ToString();
  EXPECT_TRUE(v.is_undefined());
}

TEST(EngineEval, PrintGoesToCallback) {
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"p.rego", "package p\nx if {\n  print(\"hello\", input.n)\n}\n"}}, &ps)
                  .ok());
  std::string printed;
  EvalOptions opts;
  opts.input = J(R"({"n": 3})");
  opts.print = [&](std::string_view s) { printed += std::string(s); };
  ResultSet rs;
  ASSERT_TRUE(RunQuery(*ps, "data.p.x", opts, &rs).ok());
  ASSERT_EQ(rs.results.size(), 1u);
  EXPECT_NE(printed.find("hello 3"), std::string::npos) << printed;
}

}  // namespace
}  // namespace fedra
