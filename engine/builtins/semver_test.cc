#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "builtins/registry.h"

namespace fedra::builtins {
namespace {

Value Str(std::string_view s) { return Value::String(s); }

std::string Eval(std::string_view name, std::vector<Value> args) {
  const Builtin* b = DefaultRegistry().Find(name);
  EXPECT_NE(b, nullptr) << name;
  if (b == nullptr) return "missing";
  Context ctx;
  Value out;
  Status st = b->fn(ctx, args, &out);
  if (!st.ok()) {
    return "error: " + std::string(StatusCodeName(st.code())) + ": " + std::string(st.message());
  }
  return out.defined() ? ToJson(out) : "undefined";
}

std::string Compare(std::string_view a, std::string_view b) {
  return Eval("semver.compare", {Str(a), Str(b)});
}

std::string Valid(std::string_view v) { return Eval("semver.is_valid", {Str(v)}); }

TEST(SemverTest, IsValid) {
  for (const char* v : {"1.0.0", "v1.0.0", "0.0.0", "1.2.3-alpha", "1.2.3-alpha.1",
                        "1.2.3-alpha-1.x", "1.2.3+build.5", "1.2.3-rc.1+build-7", "01.02.03",
                        "9223372036854775807.0.0",
                        // OPA only checks a pre-release or metadata part that is non-empty.
                        "1.0.0-", "1.0.0+"}) {
    EXPECT_EQ(Valid(v), "true") << v;
  }
  for (const char* v : {"1", "1.0", "1.0.0.0", "", "vv1.0.0", "1.0.0-alpha..1", "1.0.0-al_pha", "a.b.c", "1..0", "9223372036854775808.0.0",
                        "-1.0.0", "1.0.0+build+x"}) {
    EXPECT_EQ(Valid(v), "false") << v;
  }
  EXPECT_EQ(Eval("semver.is_valid", {Value::Int(1)}), "false");
}

TEST(SemverTest, CompareCore) {
  EXPECT_EQ(Compare("1.0.0", "2.0.0"), "-1");
  EXPECT_EQ(Compare("2.0.0", "1.0.0"), "1");
  EXPECT_EQ(Compare("1.0.0", "1.0.0"), "0");
  EXPECT_EQ(Compare("1.10.0", "1.9.0"), "1");
  EXPECT_EQ(Compare("1.0.10", "1.0.9"), "1");
  EXPECT_EQ(Compare("v1.0.0", "1.0.0"), "0");
  // Build metadata does not take part in precedence.
  EXPECT_EQ(Compare("1.0.0+a", "1.0.0+b"), "0");
}

TEST(SemverTest, ComparePrereleasePrecedence) {
  // The SemVer 2.0.0 example chain, each lower than the next.
  const char* chain[] = {"1.0.0-alpha",      "1.0.0-alpha.1", "1.0.0-alpha.beta",
                         "1.0.0-beta",       "1.0.0-beta.2",  "1.0.0-beta.11",
                         "1.0.0-rc.1",       "1.0.0"};
  for (size_t i = 0; i + 1 < std::size(chain); ++i) {
    EXPECT_EQ(Compare(chain[i], chain[i + 1]), "-1") << chain[i] << " < " << chain[i + 1];
    EXPECT_EQ(Compare(chain[i + 1], chain[i]), "1") << chain[i + 1] << " > " << chain[i];
  }
  EXPECT_EQ(Compare("1.0.0-rc.1", "1.0.0-rc.1"), "0");
  EXPECT_EQ(Compare("1.0.0-99999999999999999999", "1.0.0-a"), "-1");
}

TEST(SemverTest, CompareErrors) {
  EXPECT_EQ(Compare("1", "1.0.0"),
            "error: eval_builtin_error: operand 1: string \"1\" is not a valid SemVer");
  EXPECT_EQ(Compare("1.0.0", "1"),
            "error: eval_builtin_error: operand 2: string \"1\" is not a valid SemVer");
  EXPECT_EQ(Eval("semver.compare", {Value::Int(1), Str("1.0.0")}),
            "error: eval_type_error: operand 1 must be string but got number");
  EXPECT_EQ(Eval("semver.compare", {Str("1.0.0"), Value::Null()}),
            "error: eval_type_error: operand 2 must be string but got null");
}

}  // namespace
}  // namespace fedra::builtins
