// The safety stage on unifications: `x := y` with y never bound is refused
// at compile time (rego_unsafe_var_error "var y is unsafe", as OPA does)
// instead of failing at evaluation, and unifications wait in the reordered
// body until what they read is bound.
#include "compile/safety.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "builtins/registry.h"
#include "compile/compiler.h"
#include "syntax/parser.h"

namespace fedra::compile {
namespace {

// Parses and compiles one v1 module; returns the first error (OK when none).
// `impl` keeps the compiled rules for inspection.
Status Compile(const std::string& source, PolicySet::Impl* impl) {
  impl->registry = &builtins::DefaultRegistry();
  impl->data = Value::EmptyObject();
  impl->file_names.push_back("safety.rego");
  syntax::ParseOptions po;
  po.version = ast::RegoVersion::kV1;
  ast::Module m;
  FEDRA_RETURN_IF_ERROR(syntax::ParseModule(source, impl->file_names.back(), po, &m));
  impl->modules.push_back(std::move(m));
  CompileState state;
  state.impl = impl;
  RunStages(&state, "");
  return state.errors.empty() ? Status::OK() : state.errors.front();
}

Status Compile(const std::string& source) {
  PolicySet::Impl impl;
  return Compile(source, &impl);
}

TEST(Safety, AssignmentFromUnboundVariableIsUnsafe) {
  Status s = Compile("package p\n\nviolation contains x if {\n  x := y\n}\n");
  ASSERT_EQ(s.code(), StatusCode::kUnsafeVarError) << s.ToString();
  EXPECT_EQ(s.message(), "var y is unsafe") << s.ToString();
  EXPECT_EQ(s.location().line, 4u) << s.ToString();
  EXPECT_EQ(s.location().col, 3u) << s.ToString();
}

TEST(Safety, UnificationsThatCannotBindAreUnsafe) {
  for (const char* src : {
           "package p\nq if { x = y }\n",
           "package p\nq if { [x] = [y] }\n",
           "package p\nq if { x = [y] }\n",
           "package p\nq if { {\"a\": x} = {\"a\": y} }\n",
           "package p\nq if { [x, 1] = [y] }\n",
           "package p\nq := [x | x := y]\n",
           "package p\nq if { x = y; y = x }\n",
       }) {
    Status s = Compile(src);
    EXPECT_EQ(s.code(), StatusCode::kUnsafeVarError) << src << ": " << s.ToString();
  }
  // Only the variable nothing binds is blamed, not the assigned one.
  Status s = Compile("package p\nq if { x := count(z) }\n");
  EXPECT_EQ(s.message(), "var z is unsafe") << s.ToString();
}

TEST(Safety, UnificationsThatBindAreSafe) {
  for (const char* src : {
           "package p\nq if { x := input.a; x > 1 }\n",
           "package p\nq if { input.a = x; x > 1 }\n",
           "package p\nq if { [x, 1] = input.arr; x > 1 }\n",
           "package p\nq if { input.arr = [x, {\"k\": y}]; x > y }\n",
           "package p\nq if { {\"a\": x} = input.obj; x > 1 }\n",
           "package p\nq if { v = input.xs[i]; i > v }\n",
           "package p\nq if { input.xs[i] = v; i > v }\n",
           "package p\nq if { [a, b] = [1, c]; c = 2; a < b }\n",
           "package p\nf(a) := b if { b := a }\n",
           "package p\nq if { x := [y | y := input.a[_]]; count(x) > 0 }\n",
           "package p\nq if { x = 1; x = y }\n",
           "package p\nq if { 1 = 1 }\n",
       }) {
    Status s = Compile(src);
    EXPECT_TRUE(s.ok()) << src << ": " << s.ToString();
  }
}

// The unification waits until a later expression binds what it reads.
TEST(Safety, UnificationIsReorderedAfterItsInputs) {
  PolicySet::Impl impl;
  ASSERT_TRUE(Compile("package p\nq := x if {\n  x = y\n  y = input.n\n}\n", &impl).ok());
  const ir::RuleNode* p = impl.root ? impl.root->Child("p") : nullptr;
  ASSERT_NE(p, nullptr);
  const ir::RuleNode* q = p->Child("q");
  ASSERT_NE(q, nullptr);
  ASSERT_EQ(q->rules.size(), 1u);
  const ir::Body& body = q->rules[0]->body;
  ASSERT_EQ(body.exprs.size(), 2u);
  EXPECT_EQ(body.exprs[0].loc.line, 4u);  // y = input.n first
  EXPECT_EQ(body.exprs[1].loc.line, 3u);
}

}  // namespace
}  // namespace fedra::compile
