#include "admission/gatekeeper.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "admission/documents.h"
#include "admission/revision.h"
#include "admission/verify.h"

namespace fedra::admission {
namespace {

namespace fs = std::filesystem;

Value Yaml(std::string_view text) {
  std::vector<Value> docs;
  Status s = ParseDocuments(text, "test.yaml", &docs);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return docs.empty() ? Value() : docs[0];
}

constexpr char kTemplateV0[] = R"(
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8sdenyname}
spec:
  crd: {spec: {names: {kind: K8sDenyName}}}
  targets:
  - target: admission.k8s.gatekeeper.sh
    libs:
    - |
      package lib.names
      bad(n) { n == input.parameters.name }
    rego: |
      package k8sdenyname
      import data.lib.names
      violation[{"msg": msg}] {
        names.bad(input.review.object.metadata.name)
        msg := sprintf("name %v is not allowed", [input.review.object.metadata.name])
      }
)";

TEST(ConstraintTemplate, LegacyRegoAndLibs) {
  ConstraintTemplate t;
  Status s = ParseConstraintTemplate(Yaml(kTemplateV0), "t.yaml", &t);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(t.kind, "K8sDenyName");
  EXPECT_EQ(t.rego_version, RegoSyntax::kV0);
  ASSERT_EQ(t.modules.size(), 2u);
  EXPECT_EQ(t.modules[0].name, "t.yaml:rego");
  EXPECT_EQ(t.modules[1].name, "t.yaml:libs[0]");
}

TEST(ConstraintTemplate, CodeWithRegoEngineV1) {
  ConstraintTemplate t;
  Status s = ParseConstraintTemplate(Yaml(R"(
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: x}
spec:
  crd: {spec: {names: {kind: X}}}
  targets:
  - target: admission.k8s.gatekeeper.sh
    code:
    - engine: K8sNativeValidation
      source: {validations: []}
    - engine: Rego
      source:
        version: "v1"
        rego: "package x\nviolation contains {\"msg\": \"m\"} if true"
)"),
                                     "x.yaml", &t);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(t.rego_version, RegoSyntax::kV1);
  ASSERT_EQ(t.modules.size(), 1u);
}

TEST(ConstraintTemplate, Errors) {
  struct Case {
    const char* yaml;
    const char* want;
  } cases[] = {
      {"apiVersion: v1\nkind: ConfigMap", "expected a templates.gatekeeper.sh ConstraintTemplate"},
      {"apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nspec: {targets: []}",
       "spec.crd.spec.names.kind: required"},
      {"apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\n"
       "spec: {crd: {spec: {names: {kind: K}}}, targets: [{target: admission.k8s.gatekeeper.sh}]}",
       "spec.targets[0]: no Rego"},
      {"apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\n"
       "spec: {crd: {spec: {names: {kind: K}}}, targets: [{target: admission.k8s.gatekeeper.sh, "
       "code: [{engine: Rego, source: {rego: 'package k', version: v9}}]}]}",
       "spec.targets[0].code[0].source.version: \"v9\""},
  };
  for (const Case& c : cases) {
    ConstraintTemplate t;
    Status s = ParseConstraintTemplate(Yaml(c.yaml), "t.yaml", &t);
    ASSERT_FALSE(s.ok()) << c.yaml;
    EXPECT_NE(s.ToString().find(c.want), std::string::npos) << s.ToString();
  }
}

TEST(Constraint, BecomesAPolicyThatAdmitDecides) {
  ConstraintTemplate t;
  ASSERT_TRUE(ParseConstraintTemplate(Yaml(kTemplateV0), "t.yaml", &t).ok());
  PolicySpec spec;
  Status s = ConstraintToPolicy(t, Yaml(R"(
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyName
metadata: {name: no-bad-name}
spec:
  enforcementAction: warn
  match:
    source: All
    kinds: [{apiGroups: [""], kinds: [ConfigMap]}]
    excludedNamespaces: [kube-system]
  parameters: {name: bad}
)"),
                                &spec);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(spec.name, "no-bad-name");
  EXPECT_EQ(spec.enforcement, Enforcement::kWarn);
  EXPECT_EQ(spec.match.excluded_namespaces, std::vector<std::string>{"kube-system"});
  PolicySource src;
  src.policies.push_back(spec);
  std::shared_ptr<const Revision> rev;
  ASSERT_TRUE(Build(std::move(src), {}, &rev).ok());

  Value review;
  ASSERT_TRUE(ReviewForObject(
                  Yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: bad, namespace: a}}"),
                  "u", &review)
                  .ok());
  EXPECT_EQ(ToJson(*review.Find("request")->Find("kind")),
            R"({"group":"","kind":"ConfigMap","version":"v1"})");
  AdmitResult r;
  ASSERT_TRUE(rev->Admit(review, {}, &r).ok());
  EXPECT_TRUE(r.allowed);
  EXPECT_EQ(r.warnings, std::vector<std::string>{"[no-bad-name] name bad is not allowed"});

  for (const char* bad : {"spec: {enforcementAction: scoped}", "spec: {match: {name: x}}",
                          "spec: {match: {kinds: Pod}}"}) {
    std::string doc = std::string(
                          "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sDenyName\n"
                          "metadata: {name: c}\n") +
                      bad;
    EXPECT_FALSE(ConstraintToPolicy(t, Yaml(doc), &spec).ok()) << bad;
  }
  EXPECT_FALSE(ConstraintToPolicy(t,
                                  Yaml("apiVersion: constraints.gatekeeper.sh/v1beta1\n"
                                       "kind: Other\nmetadata: {name: c}"),
                                  &spec)
                   .ok());
}

TEST(Inventory, GatekeeperLayout) {
  Value inv = Value::EmptyObject();
  ASSERT_TRUE(
      AddToInventory(Yaml("{apiVersion: v1, kind: Namespace, metadata: {name: prod}}"), &inv).ok());
  ASSERT_TRUE(AddToInventory(Yaml("{apiVersion: networking.k8s.io/v1, kind: Ingress, "
                                  "metadata: {name: web, namespace: prod}}"),
                             &inv)
                  .ok());
  EXPECT_NE(inv.Find("cluster")->Find("v1")->Find("Namespace")->Find("prod"), nullptr);
  EXPECT_NE(inv.Find("namespace")
                ->Find("prod")
                ->Find("networking.k8s.io/v1")
                ->Find("Ingress")
                ->Find("web"),
            nullptr);
  EXPECT_FALSE(AddToInventory(Yaml("{kind: Pod, metadata: {name: x}}"), &inv).ok());
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "fedra-verify-XXXXXX").string();
    EXPECT_NE(mkdtemp(tmpl.data()), nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  void Write(const std::string& rel, std::string_view text) const {
    fs::path p = path_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

TEST(Verify, CountsPassFailSkipAndReportsWhy) {
  TempDir dir;
  dir.Write("t.yaml", kTemplateV0);
  dir.Write("c.yaml",
            "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sDenyName\n"
            "metadata: {name: c}\nspec: {parameters: {name: bad}}\n");
  dir.Write("bad.yaml", "{apiVersion: v1, kind: ConfigMap, metadata: {name: bad, namespace: a}}");
  dir.Write("good.yaml", "{apiVersion: v1, kind: ConfigMap, metadata: {name: good, namespace: a}}");
  dir.Write("notes.yaml", "just: some yaml");
  dir.Write("sub/suite.yaml", R"(
kind: Suite
apiVersion: test.gatekeeper.sh/v1alpha1
tests:
- name: names
  template: ../t.yaml
  constraint: ../c.yaml
  cases:
  - {name: good, object: ../good.yaml, assertions: [{violations: no}]}
  - {name: bad, object: ../bad.yaml, assertions: [{violations: 1, message: "^name bad"}]}
  - {name: default-is-yes, object: ../bad.yaml, assertions: [{}]}
  - {name: wrong, object: ../good.yaml, assertions: [{violations: yes}]}
  - {name: wrong-message, object: ../bad.yaml, assertions: [{message: "nope"}]}
  - {name: missing-object, object: ../none.yaml}
  - {name: later, object: ../good.yaml, skip: true}
- name: constraint-kind-mismatch
  template: ../t.yaml
  constraint: ../t.yaml
  invalidConstraint: true
)");
  std::vector<std::string> lines;
  VerifyCounts counts;
  Status s = Verify(
      {dir.path()}, {}, [&](std::string_view l) { lines.emplace_back(l); }, &counts);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(counts.passed, 4);
  EXPECT_EQ(counts.failed, 3);
  EXPECT_EQ(counts.skipped, 1);
  std::string all;
  for (const std::string& l : lines) all += l + "\n";
  EXPECT_NE(all.find("FAIL  names/wrong: assertion 1: want violations yes, got 0"),
            std::string::npos)
      << all;
  EXPECT_NE(
      all.find("FAIL  names/wrong-message: assertion 1: want violations yes matching \"nope\""),
      std::string::npos)
      << all;
  EXPECT_NE(all.find("FAIL  names/missing-object: "), std::string::npos) << all;
  EXPECT_NE(all.find("ok    constraint-kind-mismatch (invalid constraint rejected"),
            std::string::npos)
      << all;

  VerifyOptions only;
  only.run = "names/bad$";
  ASSERT_TRUE(Verify(
                  {dir.path()}, only, [](std::string_view) {}, &counts)
                  .ok());
  EXPECT_EQ(counts.passed, 1);
  EXPECT_EQ(counts.failed, 0);

  EXPECT_EQ(Verify(
                {dir.path() + "/missing"}, {}, [](std::string_view) {}, &counts)
                .code(),
            StatusCode::kNotFound);
  only.run = "(";
  EXPECT_EQ(Verify(
                {dir.path()}, only, [](std::string_view) {}, &counts)
                .code(),
            StatusCode::kInvalidArgument);
}

TEST(Verify, TheRepositorySuitesPass) {
  VerifyCounts counts;
  std::string out;
  Status s = Verify(
      {std::string(FEDRA_SOURCE_DIR) + "/tests/gatekeeper"}, {},
      [&](std::string_view l) { out += std::string(l) + "\n"; }, &counts);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(counts.failed, 0) << out;
  EXPECT_GE(counts.passed, 30) << out;
}

}  // namespace
}  // namespace fedra::admission
