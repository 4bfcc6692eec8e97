// Annotations end to end below the evaluator: parse modules with METADATA
// blocks, then check rego.metadata.rule()/chain() values against OPA's
// conformance cases (regometadatarule, regometadatachain) and the parse
// errors for malformed blocks.
#include "compile/annotations.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "syntax/parser.h"
#include "value/json.h"

namespace fedra::compile {
namespace {

Value J(std::string_view json) {
  Value v;
  Status st = ParseJson(json, &v);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return v;
}

struct Parsed {
  std::vector<std::unique_ptr<std::string>> files;  // Locations point into these
  std::vector<std::unique_ptr<ast::Module>> modules;
  std::vector<const ast::Module*> ptrs;
};

Status ParseAll(const std::vector<std::string>& sources, Parsed* out,
                ast::RegoVersion version = ast::RegoVersion::kV1) {
  syntax::ParseOptions opts;
  opts.version = version;
  for (size_t i = 0; i < sources.size(); ++i) {
    out->files.push_back(std::make_unique<std::string>("m" + std::to_string(i) + ".rego"));
    auto m = std::make_unique<ast::Module>();
    FEDRA_RETURN_IF_ERROR(syntax::ParseModule(sources[i], *out->files.back(), opts, m.get()));
    out->ptrs.push_back(m.get());
    out->modules.push_back(std::move(m));
  }
  return Status::OK();
}

Status ParseOne(const std::string& src, ast::Module* m) {
  return syntax::ParseModule(src, "x.rego", syntax::ParseOptions{}, m);
}

const char* kSimple = R"(# METADATA
# description: The Rego test suite
package testing

# METADATA
# title: Testing annotations
# authors:
# - The OPA contributors
p := x if {
	x := rego.metadata.rule()
}
)";

TEST(AnnotationsTest, RuleSimple) {
  Parsed p;
  ASSERT_TRUE(ParseAll({kSimple}, &p).ok());
  const ast::Module& m = *p.ptrs[0];
  ASSERT_EQ(m.rules.size(), 1u);
  EXPECT_EQ(RuleMetadata(m.rules[0]),
            J(R"({"authors":[{"name":"The OPA contributors"}],"scope":"rule","title":"Testing annotations"})"));
  ASSERT_EQ(m.annotations.size(), 1u);
  EXPECT_EQ(m.annotations[0].scope, "package");
  EXPECT_EQ(m.annotations[0].loc.line, 1u);
}

TEST(AnnotationsTest, ChainSimple) {
  Parsed p;
  ASSERT_TRUE(ParseAll({kSimple}, &p).ok());
  const ast::Module& m = *p.ptrs[0];
  EXPECT_EQ(MetadataChain(p.ptrs, m, m.rules[0]), J(R"([
    {"annotations": {"authors": [{"name": "The OPA contributors"}], "scope": "rule",
                     "title": "Testing annotations"},
     "path": ["testing", "p"]},
    {"annotations": {"description": "The Rego test suite", "scope": "package"},
     "path": ["testing"]}])"));
}

const char* kMixed = R"(# METADATA
# description: The Rego test suite
package testing

# METADATA
# scope: document
# title: Testing annotations
# authors:
# - The OPA contributors
p := "foo" if {
	false
}

# METADATA
# title: Another annotation
p := x if {
	x := rego.metadata.chain()
}
)";

TEST(AnnotationsTest, RuleScopeOnly) {
  Parsed p;
  ASSERT_TRUE(ParseAll({kMixed}, &p).ok());
  const ast::Module& m = *p.ptrs[0];
  ASSERT_EQ(m.rules.size(), 2u);
  EXPECT_EQ(RuleMetadata(m.rules[1]), J(R"({"scope":"rule","title":"Another annotation"})"));
  // The first rule carries only a document-scope block.
  EXPECT_EQ(RuleMetadata(m.rules[0]), J("{}"));
}

TEST(AnnotationsTest, ChainMixedScope) {
  Parsed p;
  ASSERT_TRUE(ParseAll({kMixed}, &p).ok());
  const ast::Module& m = *p.ptrs[0];
  EXPECT_EQ(MetadataChain(p.ptrs, m, m.rules[1]), J(R"([
    {"annotations": {"scope": "rule", "title": "Another annotation"}, "path": ["testing", "p"]},
    {"annotations": {"authors": [{"name": "The OPA contributors"}], "scope": "document",
                     "title": "Testing annotations"},
     "path": ["testing", "p"]},
    {"annotations": {"description": "The Rego test suite", "scope": "package"},
     "path": ["testing"]}])"));
}

TEST(AnnotationsTest, ChainPackageSpanningModules) {
  Parsed p;
  ASSERT_TRUE(ParseAll({"# METADATA\n# description: A set of package annotations seen across "
                        "multiple modules\npackage testing\n",
                        "package testing\n\np := rego.metadata.chain()\n"},
                       &p)
                  .ok());
  const ast::Module& m = *p.ptrs[1];
  EXPECT_EQ(MetadataChain(p.ptrs, m, m.rules[0]), J(R"([
    {"path": ["testing", "p"]},
    {"annotations": {"description": "A set of package annotations seen across multiple modules",
                     "scope": "package"},
     "path": ["testing"]}])"));
}

TEST(AnnotationsTest, ChainSubpackagesClosestFirst) {
  Parsed p;
  ASSERT_TRUE(ParseAll({"# METADATA\n# scope: subpackages\n# title: root\npackage a\n",
                        "# METADATA\n# scope: subpackages\n# title: mid\npackage a.b\n",
                        "package a.b.c\n\n# METADATA\n# entrypoint: true\nq[x] := 1 if x := 2\n"},
                       &p)
                  .ok());
  const ast::Module& m = *p.ptrs[2];
  EXPECT_EQ(RuleMetadata(m.rules[0]), J("{}"));
  EXPECT_EQ(MetadataChain(p.ptrs, m, m.rules[0]), J(R"([
    {"path": ["a", "b", "c", "q"]},
    {"annotations": {"entrypoint": true, "scope": "document"}, "path": ["a", "b", "c", "q"]},
    {"annotations": {"scope": "subpackages", "title": "mid"}, "path": ["a", "b"]},
    {"annotations": {"scope": "subpackages", "title": "root"}, "path": ["a"]}])"));
}

TEST(AnnotationsTest, RedeclaredPackageAnnotation) {
  Parsed p;
  ASSERT_TRUE(ParseAll({"# METADATA\n# title: one\npackage t\n", "# METADATA\n# title: two\npackage t\n"}, &p).ok());
  AnnotationSet set;
  Status st = AnnotationSet::Build(p.ptrs, &set);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kTypeError);
  EXPECT_EQ(st.message(), "package annotation redeclared: m0.rego:1");
}

TEST(AnnotationsTest, AllFields) {
  ast::Module m;
  Status st = ParseOne(R"(package t

# METADATA
# title: T
# description: |
#   multi
#   line
# organizations:
# - Acme
# related_resources:
# - https://example.com
# - ref: https://example.com/b
#   description: more
# authors:
# - Jane Doe <jane@example.com>
# - name: John
#   email: john@example.com
# schemas:
# - input: schema.input
# - data.x: {type: string}
# custom:
#   severity: 3
#   tags: [a, "b"]
#   nested: {ok: true, none: null}
p := 1
)", &m);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(RuleMetadata(m.rules[0]), J(R"({
    "scope": "rule", "title": "T", "description": "multi\nline\n",
    "organizations": ["Acme"],
    "related_resources": [{"ref": "https://example.com"},
                          {"ref": "https://example.com/b", "description": "more"}],
    "authors": [{"name": "Jane Doe", "email": "jane@example.com"},
                {"name": "John", "email": "john@example.com"}],
    "schemas": [{"path": ["input"], "schema": ["schema", "input"]},
                {"path": ["data", "x"], "definition": {"type": "string"}}],
    "custom": {"severity": 3, "tags": ["a", "b"], "nested": {"ok": true, "none": null}}})"));
}

TEST(AnnotationsTest, NotMetadataCommentsAndStringsIgnored) {
  ast::Module m;
  Status st = ParseOne("package t\n# just a comment\np := \"# METADATA\"\n# METADATA is mentioned\n"
                       "\n# trailing\nq := `\n# METADATA\n# title: x\n`\n",
                       &m);
  // "# METADATA is mentioned" starts a block (OPA checks the prefix only);
  // its YAML is empty, which OPA rejects too.
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "expected METADATA block, found whitespace");
  EXPECT_EQ(st.location().line, 4u);

  st = ParseOne("package t\n# just a comment\np := \"# METADATA\"\nq := `\n# METADATA\n# title: x\n`\n", &m);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(m.rules[0].annotations.empty());
  EXPECT_TRUE(m.rules[1].annotations.empty());
}

TEST(AnnotationsTest, BlockEndsAtIndentedOrSeparatedComment) {
  ast::Module m;
  Status st = ParseOne("package t\n\n# METADATA\n# title: x\n\n# description: not in the block\np := 1\n", &m);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(RuleMetadata(m.rules[0]), J(R"({"scope":"rule","title":"x"})"));
}

TEST(AnnotationsTest, ScopeErrors) {
  struct Case {
    const char* src;
    const char* msg;
    uint32_t line;
  };
  const Case cases[] = {
      {"# METADATA\n# scope: rule\npackage t\n", "annotation scope 'rule' must be applied to rule (have package)", 1},
      {"package t\n# METADATA\n# scope: package\np := 1\n", "annotation scope 'package' must be applied to package (have rule)", 2},
      {"package t\n# METADATA\n# title: x\nimport data.y\n", "invalid annotation scope 'import'. Use one of 'rule', 'document', 'package', or 'subpackages'", 2},
      {"package t\n# METADATA\n# scope: nope\np := 1\n", "invalid annotation scope 'nope'. Use one of 'rule', 'document', 'package', or 'subpackages'", 2},
      {"package t\np := 1\n# METADATA\n# title: dangling\n", "invalid annotation scope ''. Use one of 'rule', 'document', 'package', or 'subpackages'", 3},
      {"package t\n# METADATA\n# scope: rule\n# entrypoint: true\np := 1\n", "annotation entrypoint applied to non-document or package scope 'rule'", 2},
      {"package t\n# METADATA\n# authors:\n# - {}\np := 1\n", "invalid author definition map[...]: 'name' and/or 'email' values required in object", 2},
      {"package t\n# METADATA\n# related_resources:\n# - description: x\np := 1\n", "invalid related-resource definition map[...]: 'ref' value required in object", 2},
      {"package t\n# METADATA\n# schemas:\n# - input: notschema.x\np := 1\n", "invalid schema reference", 2},
  };
  for (const Case& c : cases) {
    ast::Module m;
    Status st = ParseOne(c.src, &m);
    ASSERT_FALSE(st.ok()) << c.src;
    EXPECT_EQ(st.code(), StatusCode::kParseError) << c.src;
    EXPECT_EQ(st.message(), c.msg) << c.src;
    EXPECT_EQ(st.location().line, c.line) << c.src;
    EXPECT_EQ(st.location().file, "x.rego");
  }
}

TEST(AnnotationsTest, MalformedYamlIsParseErrorAtTheLine) {
  ast::Module m;
  Status st = ParseOne("package t\n\n# METADATA\n# title: [unclosed\n# description: x\np := 1\n", &m);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kParseError);
  EXPECT_EQ(st.message().substr(0, 11), "yaml: line ");
  EXPECT_GE(st.location().line, 4u);
  EXPECT_LE(st.location().line, 5u);
}

TEST(AnnotationsTest, HostileYamlIsBounded) {
  std::string deep = "package t\n# METADATA\n# custom:\n#   x: ";
  for (int i = 0; i < 100000; ++i) deep += "[";
  deep += "\np := 1\n";
  ast::Module m;
  Status st = ParseOne(deep, &m);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kParseError);
  EXPECT_EQ(st.message().substr(0, 5), "yaml:") << st.ToString();

  std::string bomb = "package t\n# METADATA\n# custom:\n#   a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string("#   ") + c + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + prev;
    bomb += "]\n";
    prev = c;
  }
  bomb += "p := 1\n";
  st = ParseOne(bomb, &m);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kParseError);
  EXPECT_EQ(st.message(), "document contains excessive aliasing");
}

TEST(AnnotationsTest, TemplateStringsDoNotConfuseCommentScan) {
  ast::Module m;
  Status st = ParseOne("package t\n\nx := 1\ns := $\"a{ {\"k\": x}[\"k\"] }b{x}\" # tail\n\n"
                       "# METADATA\n# title: after template\np := 1\n",
                       &m);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(m.rules.size(), 3u);
  EXPECT_EQ(RuleMetadata(m.rules[2]), J(R"({"scope":"rule","title":"after template"})"));
}

TEST(AnnotationsTest, V0ModulesAndElse) {
  Parsed p;
  ASSERT_TRUE(ParseAll({"package t\n\n# METADATA\n# title: f\nf(x) = 1 {\n  x > 0\n} else = 2 {\n  true\n}\n"},
                       &p, ast::RegoVersion::kV0)
                  .ok());
  const ast::Module& m = *p.ptrs[0];
  ASSERT_EQ(m.rules.size(), 1u);
  EXPECT_EQ(RuleMetadata(m.rules[0]), J(R"({"scope":"rule","title":"f"})"));
  ASSERT_EQ(m.rules[0].elses.size(), 1u);
  EXPECT_EQ(RuleMetadata(m.rules[0].elses[0]), J("{}"));
  EXPECT_EQ(MetadataChain(p.ptrs, m, m.rules[0].elses[0]), J(R"([{"path": ["t", "f"]}])"));
}

}  // namespace
}  // namespace fedra::compile
