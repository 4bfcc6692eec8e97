#include "tests/apiserver/crd_schema.h"

#include <gtest/gtest.h>

namespace fedra::apiserver {
namespace {

Schema Parse(const json& j) {
  Schema s;
  Status st = ParseSchema(j, &s);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return s;
}

const json kWidget = json::parse(R"({
  "type": "object",
  "properties": {
    "spec": {
      "type": "object",
      "required": ["color"],
      "properties": {
        "color": {"type": "string", "enum": ["red", "green"]},
        "size": {"type": "integer", "minimum": 1, "maximum": 10, "default": 3},
        "name": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 5},
        "tags": {"type": "array", "maxItems": 2, "items": {"type": "string", "minLength": 2}},
        "limits": {"type": "object", "additionalProperties": {"type": "integer"}},
        "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
        "port": {"x-kubernetes-int-or-string": true},
        "nested": {"type": "object", "default": {}, "properties": {
          "mode": {"type": "string", "default": "auto"}}}
      }
    }
  }
})");

TEST(CrdSchemaTest, DefaultsFillAbsentFieldsIncludingNestedDefaults) {
  Schema s = Parse(kWidget);
  json obj = {{"spec", {{"color", "red"}}}};
  ApplyDefaults(s, &obj);
  EXPECT_EQ(obj["spec"]["size"], 3);
  EXPECT_EQ(obj["spec"]["nested"]["mode"], "auto");
  json given = {{"spec", {{"color", "red"}, {"size", 7}}}};
  ApplyDefaults(s, &given);
  EXPECT_EQ(given["spec"]["size"], 7);
}

TEST(CrdSchemaTest, PruningDropsUnknownFieldsButKeepsPreservedAndRootMeta) {
  Schema s = Parse(kWidget);
  json obj = {{"apiVersion", "example.com/v1"},
              {"kind", "Widget"},
              {"metadata", {{"name", "w"}}},
              {"spec", {{"color", "red"}, {"bogus", 1}, {"extra", {{"anything", {{"goes", true}}}}}}},
              {"top", "level"}};
  Prune(s, &obj);
  EXPECT_FALSE(obj["spec"].contains("bogus"));
  EXPECT_FALSE(obj.contains("top"));
  EXPECT_EQ(obj["spec"]["extra"]["anything"]["goes"], true);
  EXPECT_EQ(obj["metadata"]["name"], "w");
  EXPECT_EQ(obj["kind"], "Widget");
}

TEST(CrdSchemaTest, ADeclaredMetadataObjectIsNotPruned) {
  // controller-gen writes `metadata: {type: object}` at the root; Kubernetes
  // keeps the object's metadata whole anyway.
  Schema s = Parse(json::parse(R"({"type": "object", "properties": {
      "metadata": {"type": "object"}, "spec": {"type": "object"}}})"));
  json obj = {{"metadata", {{"name", "w"}, {"labels", {{"a", "b"}}}}}, {"spec", json::object()}};
  Prune(s, &obj);
  EXPECT_EQ(obj["metadata"]["name"], "w");
  EXPECT_EQ(obj["metadata"]["labels"]["a"], "b");
}

TEST(CrdSchemaTest, ValidationReportsEveryViolationWithItsFieldPath) {
  Schema s = Parse(kWidget);
  json obj = {{"spec",
               {{"size", 0},
                {"name", "Bad1"},
                {"tags", {"ok", "x", "three"}},
                {"limits", {{"cpu", "lots"}}},
                {"port", true}}}};
  std::vector<Cause> causes = Validate(s, obj);
  std::map<std::string, std::string> by_field;
  for (const Cause& c : causes) by_field[c.field] += c.reason + ": " + c.message + "; ";
  EXPECT_NE(by_field["spec.color"].find("FieldValueRequired: Required value"), std::string::npos);
  EXPECT_NE(by_field["spec.size"].find("should be greater than or equal to 1"), std::string::npos);
  EXPECT_NE(by_field["spec.name"].find("should match '^[a-z]+$'"), std::string::npos);
  EXPECT_NE(by_field["spec.tags"].find("FieldValueTooMany"), std::string::npos);
  EXPECT_NE(by_field["spec.tags[1]"].find("at least 2 chars long"), std::string::npos);
  EXPECT_NE(by_field["spec.limits.cpu"].find("must be of type integer"), std::string::npos);
  EXPECT_NE(by_field["spec.port"].find("must be of type integer,string"), std::string::npos);
}

TEST(CrdSchemaTest, EnumAndTypeMessagesMatchKubernetes) {
  Schema s = Parse(kWidget);
  std::vector<Cause> causes = Validate(s, {{"spec", {{"color", "pink"}}}});
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].reason, "FieldValueNotSupported");
  EXPECT_EQ(causes[0].message, "Unsupported value: \"pink\": supported values: \"red\", \"green\"");
  causes = Validate(s, {{"spec", {{"color", "red"}, {"size", "big"}}}});
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].message,
            "Invalid value: \"string\": spec.size in body must be of type integer: \"string\"");
  EXPECT_TRUE(Validate(s, {{"spec", {{"color", "green"}, {"size", 10}}}}).empty());
}

TEST(CrdSchemaTest, BadSchemasAreRefusedWithTheirPath) {
  Schema s;
  Status st = ParseSchema(json::parse(R"({"type":"object","properties":{"a":{"type":"array"}}})"), &s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("openAPIV3Schema.properties.a.items"), std::string_view::npos);
  st = ParseSchema(json::parse(R"({"type":"object","properties":{"a":{"type":"strin"}}})"), &s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("properties.a.type"), std::string_view::npos);
  st = ParseSchema(json::parse(R"({"type":"object","properties":{"a":{"type":"string","pattern":"("}}})"), &s);
  EXPECT_FALSE(st.ok());
}

TEST(CrdSchemaTest, DeepSchemasAreRefused) {
  json deep = {{"type", "string"}};
  for (int i = 0; i < 100; ++i) deep = {{"type", "object"}, {"properties", {{"x", deep}}}};
  Schema s;
  EXPECT_FALSE(ParseSchema(deep, &s).ok());
}

}  // namespace
}  // namespace fedra::apiserver
