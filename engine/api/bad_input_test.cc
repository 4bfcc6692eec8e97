// Malformed Rego and JSON through the public API: each gives a clear error
// with a code and, for sources, file:line:col -- never a crash or a hang.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/api_test_util.h"
#include "fedra/engine.h"
#include "value/json.h"

namespace fedra {
namespace {

using apitest::CompileModules;
using apitest::First;

// Adds `src` as "bad.rego" and compiles; the first error.
Status CompileBad(std::string_view src) {
  Compiler c;
  Status s = c.AddModule("bad.rego", src);
  if (!s.ok()) return s;
  std::shared_ptr<const PolicySet> ps;
  return c.Compile(&ps);
}

// A parse error located in bad.rego, rendered with that prefix.
void ExpectParseError(std::string_view src, uint32_t line = 0) {
  Status s = CompileBad(src);
  std::string shown(src.substr(0, 80));
  ASSERT_EQ(s.code(), StatusCode::kParseError) << shown << " -> " << s.ToString();
  EXPECT_EQ(StatusCodeName(s.code()), "rego_parse_error");
  EXPECT_TRUE(s.location().known()) << shown << " -> " << s.ToString();
  EXPECT_GT(s.location().col, 0u) << shown << " -> " << s.ToString();
  EXPECT_EQ(s.ToString().rfind("bad.rego:" + std::to_string(s.location().line) + ":", 0), 0u)
      << s.ToString();
  EXPECT_FALSE(s.message().empty());
  if (line != 0) {
    EXPECT_EQ(s.location().line, line) << shown << " -> " << s.ToString();
  }
}

TEST(BadRego, TruncatedModule) {
  ExpectParseError("package p\n\nallow if {\n  input.x ==", 4);
  ExpectParseError("package p\n\nallow if {\n  input.x == 1\n", 0);
  ExpectParseError("package", 1);
  ExpectParseError("package p\nx := \"unterminated\n", 2);
  ExpectParseError("package p\nx := `raw", 2);
  ExpectParseError("package p\nf(x", 2);
  ExpectParseError("package p\nx := {\"a\": ", 0);
  ExpectParseError("package p\nimport", 2);
}

// Every prefix of a valid module either parses or fails with a located
// parse error; the compiler never crashes on any of them.
TEST(BadRego, EveryPrefixOfAModule) {
  const std::string src = R"(package pre
import rego.v1

default allow := false
allow if {
  some role in data.roles[input.user]
  role == "admin"
  every c in input.containers { not startswith(c.image, "evil/") }
}
names contains n if some n in input.names
obj[k] := {"v": v, "s": [x | some x in v]} if some k, v in input.m
f(x) := y if { y := x + 1 } else := 0
s := `raw string`
t := {1, 2, 3}
)";
  int ok = 0;
  for (size_t n = 0; n <= src.size(); ++n) {
    Status s = CompileBad(std::string_view(src).substr(0, n));
    if (s.ok()) {
      ++ok;
      continue;
    }
    ASSERT_TRUE(s.location().known()) << "prefix " << n << ": " << s.ToString();
    ASSERT_NE(s.code(), StatusCode::kInternal) << "prefix " << n << ": " << s.ToString();
  }
  EXPECT_GT(ok, 3);  // e.g. ends of complete rules
  EXPECT_TRUE(CompileBad(src).ok());
}

TEST(BadRego, UnbalancedBrackets) {
  ExpectParseError("package p\nx := [1, 2\n", 0);
  ExpectParseError("package p\nx := [1, 2]]\n", 2);
  ExpectParseError("package p\nx := {1, 2]\n", 2);
  ExpectParseError("package p\nx := (1 + 2\n", 0);
  ExpectParseError("package p\nx := 1 + 2)\n", 2);
  ExpectParseError("package p\nallow if {\n  true\n", 0);
  ExpectParseError("package p\nallow if true }\n", 2);
  ExpectParseError("package p\nallow if {\n  x := [1, {\"a\": (2]}\n}\n", 3);
  ExpectParseError("package p\n}\n", 2);
}

TEST(BadRego, HundredThousandNestedBrackets) {
  const size_t n = 100000;
  // Unclosed.
  ExpectParseError("package p\nx := " + std::string(n, '['), 2);
  ExpectParseError("package p\nx := " + std::string(n, '{'), 2);
  ExpectParseError("package p\nx := " + std::string(n, '('), 2);
  // Closed: still too deep to accept; the parser must stop at its bound
  // rather than recurse 100,000 frames.
  for (char open : {'[', '(', '{'}) {
    char close = open == '[' ? ']' : open == '(' ? ')' : '}';
    std::string src = "package p\nx := " + std::string(n, open) + "1" + std::string(n, close) + "\n";
    Status s = CompileBad(src);
    EXPECT_EQ(s.code(), StatusCode::kParseError) << open << ": " << s.ToString();
    EXPECT_EQ(s.location().line, 2u) << s.ToString();
  }
  // In a query.
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"p.rego", "package p\n"}}, &ps).ok());
  PreparedQuery q;
  Status s = ps->Prepare(std::string(n, '[') + std::string(n, ']'), &q);
  EXPECT_EQ(s.code(), StatusCode::kParseError) << s.ToString();
  EXPECT_FALSE(q.valid());
}

TEST(BadRego, ModeratelyNestedIsFine) {
  // Well inside the parser's bound, nesting compiles and evaluates.
  const int n = 200;
  std::string src = "package p\nx := " + std::string(n, '[') + "1" + std::string(n, ']') + "\n";
  std::shared_ptr<const PolicySet> ps;
  Status s = CompileModules({{"p.rego", src}}, &ps);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::string want = std::string(n, '[') + "1" + std::string(n, ']');
  EXPECT_EQ(First(*ps, "data.p.x"), want);
}

TEST(BadRego, LongFlatExpressions) {
  // Long chains are flat in the source but a naive parser or evaluator
  // builds them as deep trees. They must compile and evaluate, or be
  // rejected with a clear error.
  const int n = 100000;
  std::string sum = "package p\nx := 1";
  for (int i = 1; i < n; ++i) sum += " + 1";
  sum += "\n";
  std::shared_ptr<const PolicySet> ps;
  Status s = CompileModules({{"sum.rego", sum}}, &ps);
  if (s.ok()) {
    EXPECT_EQ(First(*ps, "data.p.x"), std::to_string(n));
  } else {
    EXPECT_TRUE(s.location().known()) << s.ToString();
    EXPECT_NE(s.code(), StatusCode::kInternal) << s.ToString();
  }
  std::string calls = "package p\nx := " ;
  for (int i = 0; i < n; ++i) calls += "abs(";
  calls += "-1" + std::string(n, ')') + "\n";
  s = CompileBad(calls);
  EXPECT_EQ(s.code(), StatusCode::kParseError) << s.ToString();
  std::string neg = "package p\nx := " + std::string(n, '-') + "1\n";
  s = CompileBad(neg);  // must return at all, with a located error if any
  if (!s.ok()) {
    EXPECT_TRUE(s.location().known()) << s.ToString();
    EXPECT_NE(s.code(), StatusCode::kInternal) << s.ToString();
  }
}

TEST(BadRego, ManyRulesAndLongLines) {
  // Size alone is not an error.
  std::string src = "package p\n";
  for (int i = 0; i < 5000; ++i) src += "r" + std::to_string(i) + " := " + std::to_string(i) + "\n";
  src += "s := \"" + std::string(1 << 20, 'a') + "\"\n";
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"big.rego", src}}, &ps).ok());
  EXPECT_EQ(First(*ps, "data.p.r4999"), "4999");
  EXPECT_EQ(First(*ps, "count(data.p.s)"), std::to_string(1 << 20));
}

TEST(BadRego, InvalidUtf8) {
  ExpectParseError("package p\nx := \"caf\xff\"\n", 2);              // in a string
  ExpectParseError("package p\nx := `raw \xc3`\n", 2);                // truncated sequence in raw string
  ExpectParseError("package p\n# comment \xfe\xfe\nx := 1\n", 2);      // in a comment
  ExpectParseError("package p\nx\xff := 1\n", 2);                      // in code
  ExpectParseError("package p\nx := \"\xc0\xaf\"\n", 2);              // overlong '/'
  ExpectParseError("package p\nx := \"\xed\xa0\x80\"\n", 2);          // encoded surrogate
  ExpectParseError("package p\nx := \"\xe2\x82\"", 2);                // truncated at EOF
  ExpectParseError("\xef\xbb", 1);                                     // partial BOM
  // Valid multi-byte text is fine and keeps its bytes.
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"u.rego", "package p\nx := \"caf\xc3\xa9 \xf0\x9f\x98\x80\"\n"}}, &ps).ok());
  EXPECT_EQ(First(*ps, "count(data.p.x)"), "6");
}

TEST(BadRego, NulBytesAndBinaryGarbage) {
  ExpectParseError(std::string("package p\nx := 1\0\n", 17), 2);
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 131 + 7) & 0xff));
  Status s = CompileBad(garbage);
  EXPECT_EQ(s.code(), StatusCode::kParseError) << s.ToString();
  EXPECT_TRUE(s.location().known());
}

TEST(BadRego, QueryErrorsAreLocated) {
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"p.rego", "package p\nx := 1\n"}}, &ps).ok());
  PreparedQuery q;
  Status s = ps->Prepare("data.p.x ==", &q);
  EXPECT_EQ(s.code(), StatusCode::kParseError) << s.ToString();
  EXPECT_EQ(s.location().line, 1u) << s.ToString();
  s = ps->Prepare("x := [1, 2", &q);
  EXPECT_EQ(s.code(), StatusCode::kParseError) << s.ToString();
  s = ps->Prepare("", &q);
  EXPECT_FALSE(s.ok()) << "an empty query is an error in OPA";
  s = ps->Prepare("nope(1)", &q);
  EXPECT_EQ(s.code(), StatusCode::kTypeError) << s.ToString();
  s = ps->Prepare("\"\xff\"", &q);
  EXPECT_EQ(s.code(), StatusCode::kParseError) << s.ToString();
}

// ---- JSON ------------------------------------------------------------------------

Status Json(std::string_view text, Value* v = nullptr) {
  Value tmp;
  return ParseJson(text, v ? v : &tmp, "input");
}

TEST(BadJson, MalformedDocumentsGiveLocatedErrors) {
  const std::vector<std::string> bad = {
      "",
      "   ",
      "{",
      "{\"a\": [1, 2}",
      "{\"a\" 1}",
      "{\"a\": 1,}",
      "[1, 2,]",
      "[1 2]",
      "{a: 1}",
      "{'a': 1}",
      "\"unterminated",
      "\"bad escape \\q\"",
      "\"bad unicode \\u12G4\"",
      "01",
      "1.",
      ".5",
      "1e",
      "-",
      "+1",
      "NaN",
      "Infinity",
      "tru",
      "nul",
      "[1] [2]",
      "{} x",
      "\"raw\ncontrol\"",
      "\"caf\xff\"",
      "\"\xc0\xaf\"",
      "\"\xed\xa0\x80\"",
      std::string("[1,\0 2]", 7),
  };
  for (const auto& text : bad) {
    Status s = Json(text);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << "'" << text << "' -> " << s.ToString();
    EXPECT_NE(s.ToString().find("input:"), std::string::npos) << "'" << text << "' -> " << s.ToString();
  }
}

TEST(BadJson, ErrorNamesLineColAndPath) {
  Status s = Json("{\n  \"spec\": {\n    \"containers\": [\n      {\"image\": 1 2}\n    ]\n  }\n}\n");
  ASSERT_EQ(s.code(), StatusCode::kInvalidArgument);
  std::string m = s.ToString();
  EXPECT_NE(m.find("input:4:"), std::string::npos) << m;
  EXPECT_NE(m.find("$.spec.containers[0]"), std::string::npos) << m;
}

TEST(BadJson, DeepNestingIsBounded) {
  const size_t n = 100000;
  Status s = Json(std::string(n, '[') + std::string(n, ']'));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  s = Json(std::string(n, '['));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  std::string objs;
  for (size_t i = 0; i < n; ++i) objs += "{\"a\":";
  s = Json(objs + "1" + std::string(n, '}'));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  // Within the default bound, deep documents parse and evaluate.
  Value v;
  ASSERT_TRUE(Json(std::string(500, '[') + "7" + std::string(500, ']'), &v).ok());
  std::shared_ptr<const PolicySet> ps;
  ASSERT_TRUE(CompileModules({{"p.rego", "package p\n"}}, &ps).ok());
  EvalOptions opts;
  opts.input = v;
  ResultSet rs;
  PreparedQuery q;
  ASSERT_TRUE(ps->Prepare("count([x | walk(input, [_, x]); is_number(x)])", &q).ok());
  ASSERT_TRUE(ps->Eval(q, opts, &rs).ok());
  ASSERT_EQ(rs.results.size(), 1u);
  EXPECT_EQ(ToJson(rs.results[0].expressions[0].value), "1");
}

TEST(BadJson, ValidEdgeCases) {
  Value v;
  ASSERT_TRUE(Json(" {\"a\": [1, 2.5, -3, \"\\u00e9\\ud83d\\ude00\", true, null]} ", &v).ok());
  EXPECT_EQ(ToJson(v), "{\"a\":[1,2.5,-3,\"\xc3\xa9\xf0\x9f\x98\x80\",true,null]}");
  ASSERT_TRUE(Json("123456789012345678901234567890", &v).ok());
  EXPECT_EQ(ToJson(v), "123456789012345678901234567890");
}

}  // namespace
}  // namespace fedra
