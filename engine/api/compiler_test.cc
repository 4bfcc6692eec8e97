// The compiler through the public API: every named stage can be the last one,
// later stages find the errors earlier ones do not, and compile errors carry
// OPA's codes and a file:line:col location.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/api_test_util.h"
#include "compile/compiler.h"
#include "fedra/engine.h"

namespace fedra {
namespace {

using apitest::CompileModules;
using apitest::First;

const char* kGoodPolicy = R"(package good
import rego.v1

default allow := false
allow if {
  some role in data.roles[input.user]
  role == "admin"
}
names contains n if some n in input.names
byname[n] := count(n) if some n in input.names
f(x) := x + 1
g := f(1)
r := "a" if input.a else := "b"
)";

// Compiles `src` as one module; returns the first error (OK when none).
Status CompileSrc(const std::string& src, CompileOptions opts = {}, std::vector<Status>* all = nullptr) {
  Compiler c(std::move(opts));
  Status s = c.AddModule("pol.rego", src);
  if (!s.ok()) return s;
  std::shared_ptr<const PolicySet> ps;
  s = c.Compile(&ps);
  if (all) *all = c.errors();
  if (s.ok() && !ps) return Status::Internal("Compile returned OK without a policy set");
  return s;
}

// OPA words arity errors as "arity mismatch" or "too many/few arguments".
bool MentionsArity(const Status& s) {
  std::string_view m = s.message();
  return m.find("arity") != std::string_view::npos || m.find("arguments") != std::string_view::npos;
}

std::string Code(const Status& s) { return std::string(StatusCodeName(s.code())); }

TEST(CompilerStages, NamesAreKnownAndOrdered) {
  std::vector<std::string> names;
  for (const auto& st : compile::Stages()) names.push_back(st.name);
  std::vector<std::string> want{"resolve_packages", "build_rule_tree", "lower_rules",
                                "check_safety",     "plan_steps",       "check_recursion", "build_indexes"};
  EXPECT_EQ(names, want);
}

TEST(CompilerStages, StopAfterEachStageSucceeds) {
  for (const auto& st : compile::Stages()) {
    CompileOptions opts;
    opts.stop_after = st.name;
    Status s = CompileSrc(kGoodPolicy, opts);
    EXPECT_TRUE(s.ok()) << "stop_after=" << st.name << ": " << s.ToString();
  }
  // And all stages, with an evaluation to show the policy is sound.
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"good.rego", kGoodPolicy}}, &ps, R"({"roles":{"al":["admin"]}})").ok());
  EXPECT_EQ(First(*ps, "data.good.allow", R"({"user":"al","names":["ab"]})"), "true");
  EXPECT_EQ(First(*ps, "data.good.byname", R"({"user":"al","names":["ab","c"]})"), R"({"ab":2,"c":1})");
  EXPECT_EQ(First(*ps, "data.good.g"), "2");
  EXPECT_EQ(First(*ps, "data.good.r"), R"("b")");
}

// Each error is found by its stage and not before it.
TEST(CompilerStages, ErrorsAppearAtTheirStage) {
  struct Case {
    const char* src;
    const char* stage;       // first stage that reports it
    const char* before;      // a stage before it (no error expected)
    StatusCode code;
  };
  const Case cases[] = {
      {"package p\nx := 1\nx contains 2\n", "build_rule_tree", "resolve_packages", StatusCode::kTypeError},
      {"package p\nx if undefined_fn(1)\n", "lower_rules", "build_rule_tree", StatusCode::kTypeError},
      {"package p\nx if y > 1\n", "check_safety", "lower_rules", StatusCode::kUnsafeVarError},
      {"package p\na if b\nb if a\n", "check_recursion", "check_safety", StatusCode::kRecursionError},
  };
  for (const auto& c : cases) {
    CompileOptions before;
    before.stop_after = c.before;
    Status s = CompileSrc(c.src, before);
    EXPECT_TRUE(s.ok()) << c.src << " stop_after=" << c.before << ": " << s.ToString();
    CompileOptions at;
    at.stop_after = c.stage;
    s = CompileSrc(c.src, at);
    EXPECT_EQ(s.code(), c.code) << c.src << " stop_after=" << c.stage << ": " << s.ToString();
    s = CompileSrc(c.src);
    EXPECT_EQ(s.code(), c.code) << c.src << ": " << s.ToString();
  }
}

TEST(CompilerErrors, UnsafeVariable) {
  Status s = CompileSrc("package p\n\nallow if {\n  input.x == 1\n  y > 1\n}\n");
  ASSERT_EQ(s.code(), StatusCode::kUnsafeVarError) << s.ToString();
  EXPECT_EQ(Code(s), "rego_unsafe_var_error");
  EXPECT_NE(s.message().find("var y is unsafe"), std::string::npos) << s.ToString();
  EXPECT_EQ(s.location().line, 5u) << s.ToString();
  EXPECT_EQ(s.location().col, 3u) << s.ToString();
  EXPECT_EQ(s.ToString().rfind("pol.rego:5:3:", 0), 0u) << s.ToString();
}

TEST(CompilerErrors, UnsafeVariableInHeadAndNegation) {
  Status s = CompileSrc("package p\nv := x if input.a\n");
  EXPECT_EQ(s.code(), StatusCode::kUnsafeVarError) << s.ToString();
  EXPECT_NE(s.message().find("var x is unsafe"), std::string::npos) << s.ToString();
  EXPECT_EQ(s.location().line, 2u) << s.ToString();
  s = CompileSrc("package p\nv if {\n  not input.m[k]\n}\n");
  EXPECT_EQ(s.code(), StatusCode::kUnsafeVarError) << s.ToString();
  EXPECT_EQ(s.location().line, 3u) << s.ToString();
  // Reordering makes a body safe when a later expression binds the variable.
  EXPECT_TRUE(CompileSrc("package p\nv if {\n  y > 1\n  y = input.n\n}\n").ok());
}

TEST(CompilerErrors, UnsafeVariableInQuery) {
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"p.rego", "package p\n"}}, &ps).ok());
  PreparedQuery q;
  Status s = ps->Prepare("x > 1", &q);
  EXPECT_EQ(s.code(), StatusCode::kUnsafeVarError) << s.ToString();
  EXPECT_FALSE(q.valid());
}

TEST(CompilerErrors, AllErrorsAreCollected) {
  std::vector<Status> all;
  Status s = CompileSrc("package p\na if x > 1\nb if y > 1\n", {}, &all);
  ASSERT_FALSE(s.ok());
  ASSERT_GE(all.size(), 2u);
  EXPECT_EQ(all[0].location().line, 2u) << all[0].ToString();
  EXPECT_EQ(all[1].location().line, 3u) << all[1].ToString();
}

TEST(CompilerErrors, UndefinedFunction) {
  Status s = CompileSrc("package p\n\nallow if {\n  no_such_fn(input.x)\n}\n");
  ASSERT_EQ(s.code(), StatusCode::kTypeError) << s.ToString();
  EXPECT_EQ(Code(s), "rego_type_error");
  EXPECT_NE(s.message().find("undefined function no_such_fn"), std::string::npos) << s.ToString();
  EXPECT_EQ(s.location().line, 4u) << s.ToString();
  EXPECT_GT(s.location().col, 0u) << s.ToString();
  EXPECT_NE(s.ToString().find("pol.rego:4:"), std::string::npos) << s.ToString();
  // Also through a package ref to a rule that is not a function.
  s = CompileSrc("package p\nv := 1\nallow if data.p.w(1)\n");
  EXPECT_EQ(s.code(), StatusCode::kTypeError) << s.ToString();
  EXPECT_NE(s.message().find("undefined function"), std::string::npos) << s.ToString();
}

TEST(CompilerErrors, BuiltinArity) {
  for (const char* src : {"package p\nallow if count(1, 2, 3)\n", "package p\nallow if count()\n",
                          "package p\nx := concat(\",\")\n"}) {
    Status s = CompileSrc(src);
    EXPECT_EQ(s.code(), StatusCode::kTypeError) << src << ": " << s.ToString();
    EXPECT_TRUE(MentionsArity(s)) << src << ": " << s.ToString();
    EXPECT_EQ(s.location().line, 2u) << s.ToString();
  }
  // One extra argument is the output of the call, and that is allowed.
  EXPECT_TRUE(CompileSrc("package p\nallow if count([1], 1)\n").ok());
}

TEST(CompilerErrors, FunctionArity) {
  Status s = CompileSrc("package p\nf(x) := x\nallow if f(1, 2, 3)\n");
  EXPECT_EQ(s.code(), StatusCode::kTypeError) << s.ToString();
  EXPECT_TRUE(MentionsArity(s)) << s.ToString();
  EXPECT_EQ(s.location().line, 3u) << s.ToString();
}

TEST(CompilerErrors, ConflictingRuleKinds) {
  const char* cases[] = {
      "package p\nx := 1\nx contains 2\n",          // complete vs partial set
      "package p\nx := 1\nx(a) := a\n",             // value vs function
      "package p\nf(a) := a\nf(a, b) := b\n",       // different arity
      "package p\ns contains 1\ns[\"k\"] := 2\n",   // partial set vs partial object
  };
  for (const char* src : cases) {
    Status s = CompileSrc(src);
    EXPECT_EQ(s.code(), StatusCode::kTypeError) << src << ": " << s.ToString();
    // OPA: "conflicting rules data.p.x found" (wording varies by kind).
    EXPECT_NE(s.message().find("conflict"), std::string::npos) << src << ": " << s.ToString();
    EXPECT_NE(s.message().find("data.p."), std::string::npos) << src << ": " << s.ToString();
    EXPECT_TRUE(s.location().known()) << src << ": " << s.ToString();
  }
}

TEST(CompilerErrors, ConflictAcrossModules) {
  Compiler c;
  ASSERT_TRUE(c.AddModule("a.rego", "package p\nx := 1\n").ok());
  ASSERT_TRUE(c.AddModule("b.rego", "package p\nx contains 1\n").ok());
  std::shared_ptr<const PolicySet> ps;
  Status s = c.Compile(&ps);
  EXPECT_EQ(s.code(), StatusCode::kTypeError) << s.ToString();
  EXPECT_NE(s.message().find("conflicting rules"), std::string::npos) << s.ToString();
}

TEST(CompilerErrors, MultipleDefaults) {
  Status s = CompileSrc("package p\ndefault x := 1\ndefault x := 2\n");
  EXPECT_EQ(s.code(), StatusCode::kTypeError) << s.ToString();
  EXPECT_NE(s.message().find("multiple default rules"), std::string::npos) << s.ToString();
}

TEST(CompilerErrors, Recursion) {
  Status s = CompileSrc("package p\nf(x) := y if {\n  y := f(x)\n}\n");
  ASSERT_EQ(s.code(), StatusCode::kRecursionError) << s.ToString();
  EXPECT_EQ(Code(s), "rego_recursion_error");
  EXPECT_NE(s.message().find("data.p.f"), std::string::npos) << s.ToString();
  EXPECT_TRUE(s.location().known()) << s.ToString();
  // Mutual recursion through rules in two packages.
  Compiler c;
  ASSERT_TRUE(c.AddModule("a.rego", "package a\nx if data.b.y\n").ok());
  ASSERT_TRUE(c.AddModule("b.rego", "package b\ny if data.a.x\n").ok());
  std::shared_ptr<const PolicySet> ps;
  s = c.Compile(&ps);
  EXPECT_EQ(s.code(), StatusCode::kRecursionError) << s.ToString();
  // Recursion through a comprehension.
  s = CompileSrc("package p\ns := {x | some x in t}\nt := {x | some x in s}\n");
  EXPECT_EQ(s.code(), StatusCode::kRecursionError) << s.ToString();
}

TEST(CompilerErrors, VarAssignedTwice) {
  Status s = CompileSrc("package p\nallow if {\n  x := 1\n  x := 2\n}\n");
  EXPECT_EQ(s.code(), StatusCode::kCompileError) << s.ToString();
  EXPECT_NE(s.message().find("var x assigned above"), std::string::npos) << s.ToString();
  EXPECT_EQ(s.location().line, 4u) << s.ToString();
}

TEST(CompilerErrors, CompileAfterFailureKeepsFailing) {
  Compiler c;
  Status s = c.AddModule("bad.rego", "package p\nallow if {\n");
  ASSERT_EQ(s.code(), StatusCode::kParseError) << s.ToString();
  std::shared_ptr<const PolicySet> ps;
  EXPECT_EQ(c.Compile(&ps).code(), StatusCode::kParseError);
  EXPECT_EQ(ps, nullptr);
  EXPECT_FALSE(c.errors().empty());
}

TEST(CompilerErrors, V0Syntax) {
  Compiler c;
  ASSERT_TRUE(c.AddModule("v0.rego", "package p\nallow { input.x == 1 }\ns[x] { x := input.xs[_] }\n",
                          RegoSyntax::kV0)
                  .ok());
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(c.Compile(&ps).ok());
  EXPECT_EQ(First(*ps, "data.p.allow", R"({"x":1})"), "true");
  EXPECT_EQ(First(*ps, "data.p.s", R"({"xs":[2,1,2]})"), "[1,2]");
  // The same source is not valid v1 (bodies need `if`).
  Compiler v1;
  EXPECT_EQ(v1.AddModule("v1.rego", "package p\nallow { input.x == 1 }\n").code(), StatusCode::kParseError);
}

}  // namespace
}  // namespace fedra
