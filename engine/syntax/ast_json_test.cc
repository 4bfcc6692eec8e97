// ModuleToValue: OPA's AST JSON for parsed modules.
#include "syntax/ast_json.h"

#include <gtest/gtest.h>

#include <string>

#include "syntax/parser.h"
#include "value/json.h"

namespace fedra::syntax {
namespace {

Value J(std::string_view json) {
  Value v;
  Status st = ParseJson(json, &v);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return v;
}

Value Convert(const std::string& src, ast::RegoVersion version = ast::RegoVersion::kV1) {
  ParseOptions opts;
  opts.version = version;
  ast::Module m;
  Status st = ParseModule(src, "x.rego", opts, &m);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return ModuleToValue(m, src);
}

TEST(AstJsonTest, PackageImportsAndSimpleRule) {
  Value v = Convert("package foo.bar\n\nimport rego.v1\nimport data.a\n\np if { a = true }");
  EXPECT_EQ(v, J(R"({
    "package": {"path": [{"type": "var", "value": "data"},
                         {"type": "string", "value": "foo"},
                         {"type": "string", "value": "bar"}]},
    "imports": [
      {"path": {"type": "ref", "value": [{"type": "var", "value": "rego"},
                                         {"type": "string", "value": "v1"}]}},
      {"path": {"type": "ref", "value": [{"type": "var", "value": "data"},
                                         {"type": "string", "value": "a"}]}}],
    "rules": [{
      "head": {"name": "p", "ref": [{"type": "var", "value": "p"}],
               "value": {"type": "boolean", "value": true}},
      "body": [{"index": 0, "terms": [
        {"type": "ref", "value": [{"type": "var", "value": "eq"}]},
        {"type": "var", "value": "a"},
        {"type": "boolean", "value": true}]}]}]})"));
}

TEST(AstJsonTest, V0PartialSetDefaultElseAndTerms) {
  Value v = Convert(
      "package t\n"
      "default d = 1\n"
      "s[x] { x := [1, \"a\", null, {\"k\": 2.5}][_] }\n"
      "f(x) = 1 { x > 0 } else = 2 { not x }\n",
      ast::RegoVersion::kV0);
  const Value* rules = v.Find("rules");
  ASSERT_NE(rules, nullptr);
  ASSERT_EQ(rules->size(), 3u);
  EXPECT_EQ(rules->array()[0], J(R"({
    "default": true,
    "head": {"name": "d", "ref": [{"type": "var", "value": "d"}],
             "value": {"type": "number", "value": 1}},
    "body": [{"index": 0, "terms": {"type": "boolean", "value": true}}]})"));
  EXPECT_EQ(rules->array()[1], J(R"({
    "head": {"name": "s", "ref": [{"type": "var", "value": "s"}],
             "key": {"type": "var", "value": "x"}},
    "body": [{"index": 0, "terms": [
      {"type": "ref", "value": [{"type": "var", "value": "assign"}]},
      {"type": "var", "value": "x"},
      {"type": "ref", "value": [
        {"type": "array", "value": [
          {"type": "number", "value": 1}, {"type": "string", "value": "a"},
          {"type": "null", "value": null},
          {"type": "object", "value": [[{"type": "string", "value": "k"},
                                        {"type": "number", "value": 2.5}]]}]},
        {"type": "var", "value": "$0"}]}]}]})"));
  EXPECT_EQ(rules->array()[2], J(R"({
    "head": {"name": "f", "ref": [{"type": "var", "value": "f"}],
             "args": [{"type": "var", "value": "x"}],
             "value": {"type": "number", "value": 1}},
    "body": [{"index": 0, "terms": [
      {"type": "ref", "value": [{"type": "var", "value": "gt"}]},
      {"type": "var", "value": "x"}, {"type": "number", "value": 0}]}],
    "else": {
      "head": {"name": "f", "ref": [{"type": "var", "value": "f"}],
               "args": [{"type": "var", "value": "x"}],
               "value": {"type": "number", "value": 2}},
      "body": [{"index": 0, "negated": true, "terms": {"type": "var", "value": "x"}}]}})"));
}

TEST(AstJsonTest, SomeEveryWithComprehensionsAndComments) {
  Value v = Convert(
      "package t\n"
      "# hello\n"
      "p contains y if {\n"
      "  some x in input.xs\n"
      "  every k, w in x { w > k }\n"
      "  y := {z | z := x[_]} with input as 1\n"
      "}\n");
  const Value& rule = v.Find("rules")->array()[0];
  EXPECT_EQ(*rule.Find("head"), J(R"({"name": "p", "ref": [{"type": "var", "value": "p"}],
                                      "key": {"type": "var", "value": "y"}})"));
  const Value& body = *rule.Find("body");
  ASSERT_EQ(body.size(), 3u);
  EXPECT_EQ(body.array()[0], J(R"({"index": 0, "terms": {"symbols": [{"type": "call", "value": [
    {"type": "ref", "value": [{"type": "var", "value": "internal"},
                              {"type": "string", "value": "member_2"}]},
    {"type": "var", "value": "x"},
    {"type": "ref", "value": [{"type": "var", "value": "input"},
                              {"type": "string", "value": "xs"}]}]}]}})"));
  EXPECT_EQ(body.array()[1], J(R"({"index": 1, "terms": {
    "key": {"type": "var", "value": "k"}, "value": {"type": "var", "value": "w"},
    "domain": {"type": "var", "value": "x"},
    "body": [{"index": 0, "terms": [{"type": "ref", "value": [{"type": "var", "value": "gt"}]},
                                    {"type": "var", "value": "w"}, {"type": "var", "value": "k"}]}]}})"));
  const Value& third = body.array()[2];
  EXPECT_EQ(*third.Find("with"), J(R"([{"target": {"type": "ref", "value": [{"type": "var", "value": "input"}]},
                                        "value": {"type": "number", "value": 1}}])"));
  const Value& compr = third.Find("terms")->array()[2];
  EXPECT_EQ(compr.Find("type")->str(), "setcomprehension");
  EXPECT_EQ(*compr.Find("value")->Find("term"), J(R"({"type": "var", "value": "z"})"));
  EXPECT_EQ(*v.Find("comments"),
            J(R"([{"Text": "IGhlbGxv", "Location": {"file": "x.rego", "row": 2, "col": 1}}])"));
}

}  // namespace
}  // namespace fedra::syntax
