#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "admission/revision.h"
#include "value/json.h"

namespace fedra::admission {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "fedra-admission-XXXXXX").string();
    char* p = mkdtemp(tmpl.data());
    EXPECT_NE(p, nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  void Write(const std::string& rel, const std::string& text) const {
    fs::path p = path_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }

 private:
  fs::path path_;
};

constexpr char kManifests[] = R"(apiVersion: policy.fedra.io/v1alpha1
kind: FederatedPolicy
metadata: {name: no-latest}
spec:
  enforcement: Deny
  match: {kinds: [{apiGroups: [""], kinds: [Pod]}]}
  modules:
  - name: main.rego
    rego: |
      package nolatest
      violation contains {"msg": "latest tag"} if {
        some c in input.review.object.spec.containers
        endswith(c.image, ":latest")
      }
---
apiVersion: policy.fedra.io/v1alpha1
kind: MemberPolicy
metadata: {name: warn-all}
spec:
  enforcement: Warn
  modules:
  - name: w.rego
    rego: |
      package warnall
      violation contains {"msg": data.config.greeting} if true
)";

TEST(LoadPolicyDir, EveryKindOfFile) {
  TempDir dir;
  dir.Write("policies.yaml", kManifests);
  dir.Write("labels/policy.yaml", "enforcement: Deny\nparameters: {labels: [team]}\n");
  dir.Write("labels/b_lib.rego",
            "package labels.lib\nmissing(l) if not input.review.object.metadata.labels[l]\n");
  dir.Write("labels/a_main.rego", R"(package labels
import data.labels.lib
violation contains {"msg": sprintf("missing %s", [l])} if {
  some l in input.parameters.labels
  lib.missing(l)
}
)");
  dir.Write("lib/util.rego", "package util\ntwo := 2\n");
  dir.Write("config/data.json", R"({"greeting": "hello"})");
  dir.Write("data.yaml", "top: 1\n");
  dir.Write(".hidden/x.rego", "this is not rego");
  dir.Write("notes.txt", "ignored");

  PolicySource src;
  Status s = LoadPolicyDir(dir.path().string(), &src);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(src.policies.size(), 3u);
  EXPECT_EQ(src.policies[0].name, "labels");  // walk order: labels/ sorts before policies.yaml
  ASSERT_EQ(src.policies[0].modules.size(), 2u);
  EXPECT_EQ(src.policies[0].modules[0].name, "labels/a_main.rego");
  EXPECT_EQ(src.policies[1].name, "no-latest");
  EXPECT_EQ(src.policies[1].modules[0].name, "no-latest/main.rego");
  EXPECT_EQ(src.policies[2].enforcement, Enforcement::kWarn);
  ASSERT_EQ(src.modules.size(), 1u);
  EXPECT_EQ(src.modules[0].name, "lib/util.rego");
  EXPECT_EQ(ToJson(src.data), R"({"config":{"greeting":"hello"},"top":1})");
  EXPECT_EQ(src.revision.size(), 64u);

  // The revision is a content hash: stable across loads, changed by an edit.
  PolicySource again;
  ASSERT_TRUE(LoadPolicyDir(dir.path().string(), &again).ok());
  EXPECT_EQ(again.revision, src.revision);
  dir.Write("config/data.json", R"({"greeting": "hi"})");
  ASSERT_TRUE(LoadPolicyDir(dir.path().string(), &again).ok());
  EXPECT_NE(again.revision, src.revision);

  std::shared_ptr<const Revision> rev;
  s = Build(std::move(again), {}, &rev);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(rev->policies()[0].package, "data.labels");
  Value review;
  ASSERT_TRUE(ParseJson(R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
    "request":{"uid":"1","kind":{"group":"","version":"v1","kind":"Pod"},"operation":"CREATE",
    "namespace":"a","object":{"metadata":{"labels":{}},"spec":{"containers":[{"image":"x:latest"}]}}}})",
                        &review)
                  .ok());
  AdmitResult r;
  ASSERT_TRUE(rev->Admit(review, {}, &r).ok());
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.response.Find("response")->Find("status")->Find("message")->str(),
            "[labels] missing team\n[no-latest] latest tag");
  EXPECT_EQ(ToJson(*r.response.Find("response")->Find("warnings")), R"(["[warn-all] hi"])");
}

TEST(LoadPolicyDir, ErrorsNameTheFile) {
  {
    TempDir dir;
    dir.Write("bad.yaml",
              "apiVersion: policy.fedra.io/v1alpha1\nkind: FederatedPolicy\n"
              "metadata: {name: x}\nspec: {match: {kinds: [{kinds: Pod}]}}\n");
    PolicySource src;
    Status s = LoadPolicyDir(dir.path().string(), &src);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.ToString().find("bad.yaml: spec.match.kinds[0].kinds"), std::string::npos)
        << s.ToString();
  }
  {
    TempDir dir;
    dir.Write("broken.yaml", "a: [1, 2\n");
    PolicySource src;
    Status s = LoadPolicyDir(dir.path().string(), &src);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.ToString().find("broken.yaml:"), std::string::npos) << s.ToString();
  }
  {
    TempDir dir;
    dir.Write("p/policy.yaml", "enforcement: Deny\n");
    PolicySource src;
    Status s = LoadPolicyDir(dir.path().string(), &src);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.ToString().find("has no modules"), std::string::npos) << s.ToString();
  }
  {
    TempDir dir;
    dir.Write("p/policy.yaml", "enforcement: Deny\n");
    dir.Write("p/main.rego",
              "package p\n\nviolation contains \"m\" if {\n  undefined_var > 1\n}\n");
    PolicySource src;
    ASSERT_TRUE(LoadPolicyDir(dir.path().string(), &src).ok());
    std::shared_ptr<const Revision> rev;
    Status s = Build(std::move(src), {}, &rev);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.ToString().find("p/main.rego:4:"), std::string::npos) << s.ToString();
    EXPECT_NE(s.ToString().find("policy \"p\""), std::string::npos) << s.ToString();
  }
  {
    // An inline module's error also points into the manifest.
    TempDir dir;
    dir.Write("m.yaml", R"(apiVersion: policy.fedra.io/v1alpha1
kind: FederatedPolicy
metadata: {name: other}
spec:
  modules: [{name: a.rego, rego: "package other\nviolation contains 1 if true"}]
---
apiVersion: policy.fedra.io/v1alpha1
kind: FederatedPolicy
metadata: {name: inline}
spec:
  modules:
  - name: main.rego
    rego: |
      package inline

      violation contains "m" if {
        nope > 1
      }
)");
    PolicySource src;
    ASSERT_TRUE(LoadPolicyDir(dir.path().string(), &src).ok());
    std::shared_ptr<const Revision> rev;
    Status s = Build(std::move(src), {}, &rev);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.ToString().find("inline/main.rego:4:3"), std::string::npos) << s.ToString();
    EXPECT_NE(s.ToString().find("policy \"inline\" (m.yaml:17:9)"), std::string::npos)
        << s.ToString();
  }
  PolicySource src;
  EXPECT_EQ(LoadPolicyDir("/nonexistent/fedra", &src).code(), StatusCode::kNotFound);
}

TEST(PoliciesFromData, BundleLayout) {
  Value data;
  ASSERT_TRUE(ParseJson(R"({"fedra":{"policies":{"team":{
      "type":"Admission","enforcement":"Warn","match":{"kinds":[{"apiGroups":["*"],"kinds":["*"]}]},
      "parameters":{"label":"team"},"modules":["/policies/team.rego"]}}},"other":1})",
                        &data)
                  .ok());
  std::vector<PolicyModule> modules = {
      {"policies/team.rego",
       "package team\nviolation contains {\"msg\": input.parameters.label} if true"},
      {"lib/x.rego", "package x\ny := 1"}};
  PolicySource src;
  Status s = PoliciesFromData(data, modules, &src);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(src.policies.size(), 1u);
  EXPECT_EQ(src.policies[0].name, "team");
  EXPECT_EQ(src.policies[0].enforcement, Enforcement::kWarn);
  EXPECT_EQ(src.policies[0].modules[0].name, "policies/team.rego");
  ASSERT_EQ(src.modules.size(), 1u);
  EXPECT_EQ(src.modules[0].name, "lib/x.rego");
  std::shared_ptr<const Revision> rev;
  ASSERT_TRUE(Build(std::move(src), {}, &rev).ok());

  ASSERT_TRUE(
      ParseJson(R"({"fedra":{"policies":{"team":{"modules":["/missing.rego"]}}}})", &data).ok());
  s = PoliciesFromData(data, modules, &src);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("data.fedra.policies.team.modules[0]: no module"), std::string::npos)
      << s.ToString();
  ASSERT_TRUE(
      ParseJson(
          R"({"fedra":{"policies":{"team":{"enforcement":"Loud","modules":["lib/x.rego"]}}}})",
          &data)
          .ok());
  s = PoliciesFromData(data, modules, &src);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("data.fedra.policies.team.enforcement"), std::string::npos)
      << s.ToString();
}

}  // namespace
}  // namespace fedra::admission
