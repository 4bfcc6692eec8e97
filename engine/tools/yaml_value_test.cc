#include "tools/yaml_value.h"

#include <gtest/gtest.h>

#include <string>

#include "value/json.h"

namespace fedra::tools {
namespace {

Value Json(std::string_view text) {
  Value v;
  Status st = ParseJson(text, &v);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return v;
}

Value Yaml(std::string_view text) {
  Value v;
  Status st = ParseYaml(text, &v, "test.yaml");
  EXPECT_TRUE(st.ok()) << st.ToString();
  return v;
}

TEST(ResolvePlainScalar, CoreSchema) {
  struct Case {
    const char* text;
    const char* json;
  } cases[] = {
      {"", "null"},       {"~", "null"},      {"null", "null"},
      {"NULL", "null"},   {"true", "true"},   {"False", "false"},
      {"42", "42"},       {"-7", "-7"},       {"+7", "7"},
      {"007", "7"},       {"0x1F", "31"},     {"0o17", "15"},
      {"1.5", "1.5"},     {"-0.25", "-0.25"}, {".5", "0.5"},
      {"1.", "1"},        {"1e3", "1000"},    {"2.5E-1", "0.25"},
      {"yes", "\"yes\""}, {"0x", "\"0x\""},   {"1.2.3", "\"1.2.3\""},
      {"abc", "\"abc\""}, {"1e", "\"1e\""},   {"-", "\"-\""},
  };
  for (const Case& c : cases) {
    Value v;
    ASSERT_TRUE(ResolvePlainScalar(c.text, &v).ok()) << c.text;
    EXPECT_EQ(ToJson(v), ToJson(Json(c.json))) << "scalar: " << c.text;
  }
}

TEST(ResolvePlainScalar, BigIntegersStayExact) {
  Value v;
  ASSERT_TRUE(ResolvePlainScalar("18446744073709551614", &v).ok());
  EXPECT_EQ(ToJson(v), "18446744073709551614");
  ASSERT_TRUE(ResolvePlainScalar("-9223372036854775808", &v).ok());
  EXPECT_EQ(ToJson(v), "-9223372036854775808");
}

TEST(ResolvePlainScalar, InfinityAndNaNAreErrors) {
  Value v;
  EXPECT_FALSE(ResolvePlainScalar(".inf", &v).ok());
  EXPECT_FALSE(ResolvePlainScalar("-.Inf", &v).ok());
  EXPECT_FALSE(ResolvePlainScalar(".nan", &v).ok());
}

TEST(ParseYaml, QuotedScalarsAreStrings) {
  Value v = Yaml("a: \"1\"\nb: '1'\nc: 1\nd: \"true\"\ne: true\nf: \"null\"\ng: ~\n");
  EXPECT_EQ(v, Json(R"({"a":"1","b":"1","c":1,"d":"true","e":true,"f":"null","g":null})"));
}

TEST(ParseYaml, NestedCollectionsAndKeysAsStrings) {
  Value v = Yaml("x:\n  - [1, 2]\n  - {k: v}\n1: one\ntrue: t\n");
  EXPECT_EQ(v, Json(R"({"x":[[1,2],{"k":"v"}],"1":"one","true":"t"})"));
}

TEST(ParseYaml, BlockScalarsKeepText) {
  Value v = Yaml("m: |\n  package x\n\n  p := 1\n");
  ASSERT_TRUE(v.is_object());
  EXPECT_EQ(*v.Find("m"), Value::String(std::string_view("package x\n\np := 1\n")));
}

TEST(ParseYaml, ExplicitTags) {
  EXPECT_EQ(Yaml("a: !!str 12\n"), Json(R"({"a":"12"})"));
  EXPECT_EQ(Yaml("a: !!int 12\n"), Json(R"({"a":12})"));
  Value v;
  Status st = ParseYaml("a: !!int abc\n", &v, "t.yaml");
  EXPECT_FALSE(st.ok());
}

TEST(ParseYaml, EmptyDocumentIsNull) { EXPECT_TRUE(Yaml("").is_null()); }

TEST(ParseYaml, SyntaxErrorNamesSourceAndPosition) {
  Value v;
  Status st = ParseYaml("a: [1, 2\nb: 3\n", &v, "bad.yaml");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("bad.yaml:"), std::string_view::npos) << st.ToString();
}

TEST(ParseYaml, ErrorNamesPathOfBadNode) {
  Value v;
  Status st = ParseYaml("a:\n  b: [1, .inf]\n", &v, "f.yaml");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("$.a.b[1]"), std::string_view::npos) << st.ToString();
  EXPECT_NE(st.message().find("f.yaml:2:"), std::string_view::npos) << st.ToString();
}

TEST(ParseYaml, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  Value v;
  EXPECT_FALSE(ParseYaml(deep, &v, "deep.yaml").ok());
  // Within yaml-cpp's own limit but past ours.
  std::string medium = std::string(1500, '[') + std::string(1500, ']');
  YamlLimits limits;
  limits.max_depth = 100;
  Status st = ParseYaml(medium, &v, "m.yaml", limits);
  EXPECT_FALSE(st.ok());
}

TEST(ParseYaml, AliasExpansionIsBounded) {
  // Each level doubles the document: 2^30 nodes if expanded naively.
  std::string doc = "a0: &a0 [x, x]\n";
  for (int i = 1; i <= 30; ++i) {
    doc += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" + std::to_string(i - 1) +
           ", *a" + std::to_string(i - 1) + "]\n";
  }
  YamlLimits limits;
  limits.max_nodes = 100000;
  Value v;
  Status st = ParseYaml(doc, &v, "bomb.yaml", limits);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("nodes"), std::string_view::npos) << st.ToString();
}

}  // namespace
}  // namespace fedra::tools
