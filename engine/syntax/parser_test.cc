// Golden tests for the parser: {source, expected dump} tables in the style of
// re2's parse_test, plus source printing, error messages with line:col, and
// depth limits.
#include "syntax/parser.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "syntax/ast_dump.h"

namespace fedra::syntax {
namespace {

using ast::RegoVersion;

ParseOptions Opts(RegoVersion v = RegoVersion::kV1) {
  ParseOptions o;
  o.version = v;
  return o;
}

std::string DumpOf(std::string_view src, RegoVersion v = RegoVersion::kV1) {
  ast::Module m;
  Status s = ParseModule(src, "test.rego", Opts(v), &m);
  if (!s.ok()) return "ERROR " + s.ToString();
  return DumpModule(m);
}

struct Golden {
  const char* source;
  const char* dump;
};

const Golden kV1Modules[] = {
    {R"(package a.b

import data.lib as l

default allow := false

allow if {
	input.kind == "Pod"
	not deny[input.name]
}

names contains n if some n in input.names

f(x, _) := x + 1
)",
     R"(module data.a.b @1:1
  import data.lib as l @3:1
  rule allow default @5:1
    head ref allow assign=assign value=false
    body
  rule allow @7:1
    head ref allow assign=none value=<default true>
    body
      expr @8:2
        call equal @8:2
          ref input.kind @8:2
          scalar "Pod" @8:16
      expr not @9:2
        ref deny[input.name] @9:6
          var deny @9:6
          ref input.name @9:11
  rule names @12:1
    head ref names contains n assign=none
    body
      some @12:21
        call internal.member_2 @12:26
          var n @12:26
          ref input.names @12:31
  rule f @14:1
    head ref f args=(x, _) assign=assign value=x + 1
    body
)"},
    {R"(package p

p := 1 if false else := 2 if {
	true
} else := 3

q[k] := v if {
	some k, v in {"a": 1}
}

r.s[t].u := 1 if t := "x"
)",
     R"(module data.p @1:1
  rule p @3:1
    head ref p assign=assign value=1
    body
      expr @3:11
        scalar false @3:11
    else @3:17
      head ref p assign=assign value=2
      body
        expr @4:2
          scalar true @4:2
    else @5:3
      head ref p assign=assign value=3
      body
  rule q[k] @7:1
    head ref q[k] assign=assign value=v
    body
      some @8:2
        call internal.member_3 @8:7
          var k @8:7
          var v @8:10
          object @8:15
            scalar "a" @8:16
              scalar 1 @8:21
  rule r.s[t].u @11:1
    head ref r.s[t].u assign=assign value=1
    body
      expr @11:18
        call assign @11:18
          var t @11:18
          scalar "x" @11:23
)"},
    // `p if { ... }` is a block even though `{ true }` is also a set literal;
    // `p if {}` is a single-expression body (the empty object), as in OPA.
    {"package p\np if { true }\nq if {}\n",
     R"(module data.p @1:1
  rule p @2:1
    head ref p assign=none value=<default true>
    body
      expr @2:8
        scalar true @2:8
  rule q @3:1
    head ref q assign=none value=<default true>
    body
      expr @3:6
        object @3:6
)"},
    // Keywords followed by '.' or '[' are plain names.
    {"package foo.else.bar\nelse.if := 1\np if { x := else.in; y := input.not[0] }\n",
     R"(module data.foo.else.bar @1:1
  rule else.if @2:1
    head ref else.if assign=assign value=1
    body
  rule p @3:1
    head ref p assign=none value=<default true>
    body
      expr @3:8
        call assign @3:8
          var x @3:8
          ref else.in @3:13
      expr @3:22
        call assign @3:22
          var y @3:22
          ref input.not[0] @3:27
)"},
    // Ref heads and function heads with dots; a constant without a body.
    {"package p\na.b.f(x) := 1\nc.d contains 1\ns := {1, 2}\n",
     R"(module data.p @1:1
  rule a.b.f @2:1
    head ref a.b.f args=(x) assign=assign value=1
    body
  rule c.d @3:1
    head ref c.d contains 1 assign=none
    body
  rule s @4:1
    head ref s assign=assign value={1, 2}
    body
)"},
};

const Golden kV0Modules[] = {
    {R"(package p

p[x] {
	x := 1
}

q = 2 { false } { true }
r[k] = v { k := 1; v := 2 }
s { true } else = 2 { true }
default t = 1
)",
     R"(module data.p @1:1
  rule p @3:1
    head ref p contains x assign=none
    body
      expr @4:2
        call assign @4:2
          var x @4:2
          scalar 1 @4:7
  rule q @7:1
    head ref q assign=unify value=2
    body
      expr @7:9
        scalar false @7:9
  rule q @7:17
    head ref q assign=unify value=2
    body
      expr @7:19
        scalar true @7:19
  rule r[k] @8:1
    head ref r[k] assign=unify value=v
    body
      expr @8:12
        call assign @8:12
          var k @8:12
          scalar 1 @8:17
      expr @8:20
        call assign @8:20
          var v @8:20
          scalar 2 @8:25
  rule s @9:1
    head ref s assign=none value=<default true>
    body
      expr @9:5
        scalar true @9:5
    else @9:12
      head ref s assign=unify value=2
      body
        expr @9:23
          scalar true @9:23
  rule t default @10:1
    head ref t assign=unify value=1
    body
)"},
    // Without future imports, if/contains/in/every are names.
    {"package p\ncontains[x] { x = 1 }\nif { true }\n",
     R"(module data.p @1:1
  rule contains @2:1
    head ref contains contains x assign=none
    body
      expr @2:15
        call eq @2:15
          var x @2:15
          scalar 1 @2:19
  rule if @3:1
    head ref if assign=none value=<default true>
    body
      expr @3:6
        scalar true @3:6
)"},
    // future.keywords and rego.v1 switch the keywords on.
    {"package p\nimport future.keywords.in\np { 1 in [1] }\n",
     R"(module data.p @1:1
  import future.keywords.in @2:1
  rule p @3:1
    head ref p assign=none value=<default true>
    body
      expr @3:5
        call internal.member_2 @3:5
          scalar 1 @3:5
          array @3:10
            scalar 1 @3:11
)"},
};

TEST(ParserTest, GoldenV1Modules) {
  for (const auto& g : kV1Modules) {
    EXPECT_EQ(DumpOf(g.source), g.dump) << "source:\n" << g.source;
  }
}

TEST(ParserTest, GoldenV0Modules) {
  for (const auto& g : kV0Modules) {
    EXPECT_EQ(DumpOf(g.source, RegoVersion::kV0), g.dump) << "source:\n" << g.source;
  }
}

TEST(ParserTest, GoldenQuery) {
  const char* src =
      "x := [a | a := input[_]; a > 1]\n"
      "z := {v | v := x[_]} with input.x as 1 with f as g\n"
      "every v in x { v > 0 }\n";
  ast::Body body;
  std::vector<std::string> texts;
  ASSERT_TRUE(ParseQuery(src, "q", Opts(), &body, &texts).ok());
  EXPECT_EQ(DumpBody(body), R"(expr @1:1
  call assign @1:1
    var x @1:1
    arraycompr @1:6
      var a @1:7
      body
        expr @1:11
          call assign @1:11
            var a @1:11
            ref input[_] @1:16
        expr @1:26
          call gt @1:26
            var a @1:26
            scalar 1 @1:30
expr @2:1
  call assign @2:1
    var z @2:1
    setcompr @2:6
      var v @2:7
      body
        expr @2:11
          call assign @2:11
            var v @2:11
            ref x[_] @2:16
  with @2:22
    ref input.x @2:27
    scalar 1 @2:38
  with @2:40
    ref f @2:45
    var g @2:50
every @3:1
  scalar null @3:7
  var v @3:7
  var x @3:12
  body
    expr @3:16
      call gt @3:16
        var v @3:16
        scalar 0 @3:20
)");
  ASSERT_EQ(texts.size(), 3u);
  EXPECT_EQ(texts[0], "x := [a | a := input[_]; a > 1]");
  EXPECT_EQ(texts[1], "z := {v | v := x[_]} with input.x as 1 with f as g");
  EXPECT_EQ(texts[2], "every v in x { v > 0 }");
}

TEST(ParserTest, GoldenTemplate) {
  ast::Term t;
  ASSERT_TRUE(ParseTerm(R"($"a{x}b\{c{1 with input as 2}")", "t", Opts(), &t).ok());
  EXPECT_EQ(DumpTerm(t), R"(template @1:1
  scalar "a" @1:1
  expr @1:5
    var x @1:5
  scalar "b{c" @1:7
  expr @1:12
    scalar 1 @1:12
    with @1:14
      ref input @1:19
      scalar 2 @1:28
  scalar "" @1:30
)");
  ASSERT_EQ(t.items.size(), 5u);
  ASSERT_EQ(t.body.size(), 2u);
  EXPECT_EQ(t.body[1].with.size(), 1u);
}

TEST(ParserTest, QueryTextsKeepSource) {
  ast::Body body;
  std::vector<std::string> texts;
  ASSERT_TRUE(ParseQuery("data.test.p = x;   count(x)>1 # c\n  y", "q", Opts(), &body, &texts)
                  .ok());
  EXPECT_EQ(texts, (std::vector<std::string>{"data.test.p = x", "count(x)>1", "y"}));
}

// Terms printed back as Rego (TermToString), which also pins precedence and
// associativity: the printer adds parentheses only where the tree needs them.
struct Printed {
  const char* source;
  const char* printed;
};

const Printed kPrinted[] = {
    {"1 + 2 * 3", "1 + 2 * 3"},
    {"(1 + 2) * 3", "(1 + 2) * 3"},
    {"1 - 2 - 3", "1 - 2 - 3"},
    {"1 - (2 - 3)", "1 - (2 - 3)"},
    {"a | b & c", "a | b & c"},
    {"(a | b) & c", "(a | b) & c"},
    {"a == b | c", "a == b | c"},      // `|` binds tighter than comparisons
    {"(a == b) | c", "(a == b) | c"},
    {"x + 1 in xs", "x + 1 in xs"},    // `in` is looser than arithmetic
    {"x == 1 in xs", "x == 1 in xs"},  // ... and looser than comparisons
    {"x in y in z", "(x in y) in z"},
    {"1 < 2 == true", "1 < 2 == true"},
    {"-1 - -2.5", "-1 - -2.5"},
    {".5", "0.5"},
    {"1e3", "1000"},
    {"x[y][z].w", "x[y][z].w"},
    {"data.x[\"a b\"].c", "data.x[\"a b\"].c"},
    {"f(x).y[0]", "f(x).y[0]"},
    {"json.marshal({\"a\": [1, {2}]})", "json.marshal({\"a\": [1, {2}]})"},
    {"set()", "set()"},
    {"{}", "{}"},
    {"[,1]", "[1]"},
    {"{1, 2,}", "{1, 2}"},
    {"[1, 2 | 3]", "[1, (2 | 3)]"},
    {"{1 | 1}", "{1 | 1}"},
    {"[a + b | c]", "[(a + b | c)]"},
    {"{a: b | c}", "{a: b | c}"},
    {"{\"a\": 1 + 2 | 3}", "{\"a\": (1 + 2 | 3)}"},
    {"[x | some x in xs; x > 1]", "[x | some x in xs; x > 1]"},
    {"f((k, v in xs))", "f((k, v in xs))"},
    {"$`raw {x}`", "$\"raw {x}\""},
    {"\"\\ud83d\\ude00\\u00e9\"", "\"😀é\""},
    {"`a\\nb`", "\"a\\\\nb\""},
    {"input", "input"},
    {"(a.b).c", "a.b.c"},
    {"else.x", "else.x"},
};

TEST(ParserTest, PrintsTerms) {
  for (const auto& p : kPrinted) {
    ast::Term t;
    Status s = ParseTerm(p.source, "t", Opts(), &t);
    ASSERT_TRUE(s.ok()) << p.source << ": " << s.ToString();
    EXPECT_EQ(TermToString(t), p.printed) << p.source;
  }
}

TEST(ParserTest, Shapes) {
  ast::Term t;
  ASSERT_TRUE(ParseTerm("json.marshal(x)", "t", Opts(), &t).ok());
  EXPECT_EQ(t.CallName(), "json.marshal");
  ASSERT_TRUE(t.items[0].is_ref());
  EXPECT_TRUE(t.items[0].items[0].is_var());
  ASSERT_TRUE(ParseTerm("input", "t", Opts(), &t).ok());
  ASSERT_TRUE(t.is_ref());
  EXPECT_EQ(t.items.size(), 1u);
  ASSERT_TRUE(ParseTerm("_", "t", Opts(), &t).ok());
  EXPECT_TRUE(t.is_wildcard());
  ASSERT_TRUE(ParseTerm("set()", "t", Opts(), &t).ok());
  EXPECT_EQ(t.kind, ast::TermKind::kSet);
  EXPECT_TRUE(t.items.empty());
  ASSERT_TRUE(ParseTerm("123456789012345678901234567890", "t", Opts(), &t).ok());
  EXPECT_EQ(TermToString(t), "123456789012345678901234567890");
  ASSERT_TRUE(ParseTerm("a.b.c", "t", Opts(), &t).ok());
  EXPECT_TRUE(t.IsDottedRef());
  ASSERT_TRUE(ParseTerm("a.b[c]", "t", Opts(), &t).ok());
  EXPECT_FALSE(t.IsDottedRef());

  ast::Body body;
  ASSERT_TRUE(ParseQuery("not x = 1 with input as 2 with data.f as g", "q", Opts(), &body).ok());
  ASSERT_EQ(body.size(), 1u);
  EXPECT_TRUE(body[0].negated);
  EXPECT_EQ(body[0].term.CallName(), "eq");
  EXPECT_EQ(body[0].with.size(), 2u);
  EXPECT_EQ(ExprToString(body[0]), "not x = 1 with input as 2 with data.f as g");
}

// Whitespace ends a term: `f (x)` is not a call and `a .b` is not a ref.
TEST(ParserTest, RefsNeedNoWhitespace) {
  ast::Term t;
  EXPECT_FALSE(ParseTerm("f (x)", "t", Opts(), &t).ok());
  EXPECT_FALSE(ParseTerm("a .b", "t", Opts(), &t).ok());
  EXPECT_FALSE(ParseTerm("a. b", "t", Opts(), &t).ok());
}

struct ErrorCase {
  RegoVersion version;
  const char* source;
  const char* message;  // substring of the message
  uint32_t line;
  uint32_t col;
};

const ErrorCase kErrors[] = {
    {RegoVersion::kV1, "", "unexpected eof token: expected package declaration", 1, 1},
    {RegoVersion::kV1, "package", "unexpected eof token: expected ident", 1, 8},
    {RegoVersion::kV1, "package foo.", "unexpected eof token: expected ident", 1, 13},
    {RegoVersion::kV1, "package p\np { true }", "`if` keyword is required before rule body", 2, 1},
    {RegoVersion::kV1, "package p\np[x] { x = 1 }", "`contains` keyword is required for partial set rules", 2, 1},
    {RegoVersion::kV0, "package p\nimport rego.v1\np { true }", "`if` keyword is required", 3, 1},
    {RegoVersion::kV1, "package p\np if {\n  x := 1\n", "unexpected eof token: expected '}' to close '{' at 2:6", 4, 1},
    {RegoVersion::kV1, "package p\np if { x := [1, 2 }", "unexpected } token: expected ',' or ']' in array", 2, 19},
    {RegoVersion::kV1, "package p\np := f(1, 2", "expected ')' to close '(' at 2:7", 2, 12},
    {RegoVersion::kV1, "package p\np if { x := 1 y := 2 }", "unexpected ident token: expected \\n or ; or }", 2, 15},
    {RegoVersion::kV1, "package p\np if { \"a }", "unterminated string", 2, 8},
    {RegoVersion::kV1, "package p\np := \"a\\qb\"", "invalid escape sequence \\q", 2, 8},
    {RegoVersion::kV1, "package p\np := \"\\u12\"", "invalid unicode escape", 2, 7},
    {RegoVersion::kV1, "package p\np := 01", "expected number without leading zero", 2, 6},
    {RegoVersion::kV1, "package p\np := 1e999999", "number too big", 2, 6},
    {RegoVersion::kV1, "package p\np := -x", "expected number after '-'", 2, 7},
    {RegoVersion::kV1, "package p\np := 1 ~ 2", "unexpected character '~'", 2, 8},
    {RegoVersion::kV1, "package p\np := x ! y", "expected '!='", 2, 8},
    {RegoVersion::kV1, "package p\np", "expected rule value or body after `p`", 2, 2},
    {RegoVersion::kV1, "package p\nimport foo.bar", "must begin with one of", 2, 8},
    {RegoVersion::kV1, "package p\nimport data.x.if", "must not end with a keyword", 2, 15},
    {RegoVersion::kV1, "package p\nimport future.keywords.foo", "unexpected keyword, must be one of", 2, 8},
    {RegoVersion::kV1, "package p\nimport rego.v9", "must be `rego.v1`", 2, 8},
    {RegoVersion::kV1, "package p\ndefault p", "illegal default rule (must have a value)", 2, 1},
    {RegoVersion::kV1, "package p\ndefault p := x", "illegal default rule (value cannot contain var)", 2, 1},
    {RegoVersion::kV1, "package p\nf(x) contains 1", "contains keyword can only be used with multi-value rule", 2, 6},
    {RegoVersion::kV1, "package p\np contains x if { true } else := 1", "else keyword cannot be used on multi-value rules", 2, 26},
    {RegoVersion::kV1, "package p\np if { some x in [1] } else := 1 { false }", "`if` keyword is required", 2, 24},
    {RegoVersion::kV1, "package p\np if { not some x }", "illegal negation of 'some'", 2, 12},
    {RegoVersion::kV1, "package p\np if { every x in [1] }", "expected '{' to start the every body", 2, 23},
    {RegoVersion::kV1, "package p\np if { every 1 in [1] { true } }", "expected value to be a variable", 2, 14},
    {RegoVersion::kV1, "package p\np if { some f(x) }", "expected `x in xs` or `x, y in xs`", 2, 13},
    {RegoVersion::kV1, "package p\np := $\"{x := 1}\"", "unexpected assignment (':=') in template-string expression", 2, 9},
    {RegoVersion::kV1, "package p\np := $\"{}\"", "expected an expression inside", 2, 9},
    {RegoVersion::kV1, "package p\np := $\"{x\"", "unterminated", 2, 10},
    {RegoVersion::kV1, "package p\np := \"a\".b", "illegal ref: a scalar cannot be dereferenced", 2, 9},
    {RegoVersion::kV1, "package p\np := [1](2)", "cannot be called", 2, 9},
    {RegoVersion::kV1, "package p\np if { x with 1 as 2 }", "unexpected number token: expected ident", 2, 15},
    {RegoVersion::kV1, "package p\np if { x with input 2 }", "expected as keyword", 2, 21},
    {RegoVersion::kV1, "package p\npackage q", "one package declaration", 2, 1},
    {RegoVersion::kV1, "package p\np if {}}", "unexpected } token: expected rule", 2, 8},
    {RegoVersion::kV0, "package p\np { x in y }", "import future.keywords.in", 2, 7},
    {RegoVersion::kV0, "package p\np { every x in y { true } }", "import future.keywords.every", 2, 11},
    {RegoVersion::kV1, "package p\np := \xff", "invalid UTF-8", 2, 6},
    {RegoVersion::kV1, "package p\n# \xc3\x28\np := 1", "invalid UTF-8", 2, 3},
};

TEST(ParserTest, Errors) {
  for (const auto& e : kErrors) {
    ast::Module m;
    Status s = ParseModule(e.source, "test.rego", Opts(e.version), &m);
    ASSERT_FALSE(s.ok()) << "parsed: " << e.source;
    EXPECT_EQ(s.code(), StatusCode::kParseError) << e.source;
    EXPECT_NE(s.message().find(e.message), std::string_view::npos)
        << "source: " << e.source << "\nmessage: " << s.message() << "\nwant: " << e.message;
    EXPECT_EQ(s.location().file, "test.rego") << e.source;
    EXPECT_EQ(s.location().line, e.line) << e.source << ": " << s.ToString();
    EXPECT_EQ(s.location().col, e.col) << e.source << ": " << s.ToString();
  }
}

TEST(ParserTest, QueryErrors) {
  ast::Body body;
  Status s = ParseQuery("", "q", Opts(), &body);
  EXPECT_NE(s.message().find("empty query"), std::string_view::npos) << s.ToString();
  s = ParseQuery("x = 1;", "q", Opts(), &body);
  EXPECT_FALSE(s.ok());
  s = ParseQuery("x = 1 2", "q", Opts(), &body);
  EXPECT_NE(s.message().find("expected \\n or ; or end of query"), std::string_view::npos)
      << s.ToString();
  ast::Term t;
  s = ParseTerm("1 2", "t", Opts(), &t);
  EXPECT_NE(s.message().find("expected end of term"), std::string_view::npos) << s.ToString();
}

// Adversarial nesting must produce an error, not a stack overflow or a hang.
TEST(ParserTest, DeepNestingIsAnError) {
  const char* opens[] = {"[", "{", "(", "$\"{", "f(", "[x | ", "{1: ", "not "};
  for (const char* open : opens) {
    std::string src;
    for (int i = 0; i < 100000; ++i) src += open;
    ast::Term t;
    Status s = ParseTerm(src, "t", Opts(), &t);
    ASSERT_FALSE(s.ok()) << open;
    EXPECT_EQ(s.code(), StatusCode::kParseError);
    EXPECT_GT(s.location().col, 0u);
  }
  // Long operator chains build deep trees without recursion; they are bounded
  // too, so that destroying or printing the tree stays safe.
  std::string chain = "a";
  for (int i = 0; i < 100000; ++i) chain += " + a";
  ast::Term t;
  EXPECT_FALSE(ParseTerm(chain, "t", Opts(), &t).ok());
  std::string body = "package p\np if {";
  for (int i = 0; i < 100000; ++i) body += "every x in y {";
  ast::Module m;
  EXPECT_FALSE(ParseModule(body, "m", Opts(), &m).ok());
}

TEST(ParserTest, NestingWithinLimitParses) {
  std::string src(400, '[');
  src += std::string(400, ']');
  ast::Term t;
  ASSERT_TRUE(ParseTerm(src, "t", Opts(), &t).ok());
  EXPECT_EQ(TermToString(t), src);
  ParseOptions small = Opts();
  small.max_depth = 10;
  EXPECT_FALSE(ParseTerm(src, "t", small, &t).ok());
}

TEST(ParserTest, MaxBytes) {
  ParseOptions o = Opts();
  o.max_bytes = 10;
  ast::Module m;
  Status s = ParseModule("package p\np := 1\n", "m", o, &m);
  EXPECT_NE(s.message().find("too large"), std::string_view::npos) << s.ToString();
}

}  // namespace
}  // namespace fedra::syntax
