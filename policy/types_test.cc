#include "policy/types.h"

#include <gtest/gtest.h>

#include "policy/test_util.h"

namespace fedra::policy {
namespace {

using testing::Cluster;
using testing::Policy;

Json PolicyDoc() {
  return Json::parse(R"({
    "apiVersion": "policy.fedra.io/v1alpha1", "kind": "FederatedPolicy",
    "metadata": {"name": "labels", "generation": 3, "labels": {"team": "sec"}},
    "spec": {
      "enforcement": "Warn",
      "parameters": {"labels": ["team"], "nested": {"a": [1, 2.5, null]}},
      "match": {"kinds": [{"apiGroups": [""], "kinds": ["Pod"]}], "operations": ["CREATE"]},
      "modules": [{"name": "main.rego", "rego": "package fedra.policies.labels\nviolation contains \"x\" if false\n"}],
      "placement": {"clusterSelector": {"matchLabels": {"env": "prod"}}, "clusters": ["a", "b"], "tiers": ["edge"]},
      "overrides": [{"clusters": ["a"], "enforcement": "Deny", "parameters": {"labels": ["team", "owner"]}},
                    {"clusterSelector": {"matchExpressions": [{"key": "site", "operator": "Exists"}]}, "suspend": true}],
      "suspend": false
    }})");
}

TEST(TypesTest, ParsesEveryFederatedPolicyField) {
  FederatedPolicy p;
  ASSERT_TRUE(ParseFederatedPolicy(PolicyDoc(), &p).ok());
  EXPECT_EQ(p.metadata.name, "labels");
  EXPECT_EQ(p.metadata.generation, 3);
  EXPECT_EQ(p.metadata.labels.at("team"), "sec");
  EXPECT_EQ(p.spec.policy.name, "labels");
  EXPECT_EQ(p.spec.policy.enforcement, admission::Enforcement::kWarn);
  EXPECT_EQ(p.spec.policy.type, admission::PolicyType::kAdmission);            // default
  EXPECT_EQ(p.spec.policy.failure_policy, admission::FailurePolicy::kIgnore);  // Warn's default
  EXPECT_FALSE(p.spec.failure_policy_set);
  ASSERT_EQ(p.spec.policy.modules.size(), 1u);
  EXPECT_EQ(p.spec.policy.modules[0].name, "main.rego");
  ASSERT_TRUE(p.spec.placement.cluster_selector.has_value());
  EXPECT_EQ(p.spec.placement.cluster_selector->match_labels.size(), 1u);
  EXPECT_EQ(p.spec.placement.clusters, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(p.spec.placement.tiers, std::vector<Tier>{Tier::kEdge});
  ASSERT_EQ(p.spec.overrides.size(), 2u);
  EXPECT_EQ(p.spec.overrides[0].enforcement, admission::Enforcement::kDeny);
  ASSERT_TRUE(p.spec.overrides[0].parameters.has_value());
  EXPECT_EQ((*p.spec.overrides[0].parameters)["labels"][1], "owner");
  EXPECT_TRUE(p.spec.overrides[1].suspend);
  ASSERT_TRUE(p.spec.overrides[1].cluster_selector.has_value());
  EXPECT_TRUE(ValidateFederatedPolicy(p).empty());
}

TEST(TypesTest, FederatedPolicyRoundTrips) {
  FederatedPolicy p;
  ASSERT_TRUE(ParseFederatedPolicy(PolicyDoc(), &p).ok());
  p.status.revision = "abc";
  p.status.conditions.push_back({"Ready", "True", "Synced", "ok", "2026-11-28T09:00:00Z", 3});
  p.status.clusters.push_back({"a", "edge", "r1", "Synced", 2, 2, 17, ""});
  Json out = ToJson(p);
  EXPECT_FALSE(out["spec"].contains("failurePolicy"));  // not written: stays a default
  EXPECT_EQ(out["spec"]["parameters"]["nested"]["a"][1], 2.5);
  FederatedPolicy back;
  Status s = ParseFederatedPolicy(out, &back);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ToJson(back), out);
  EXPECT_EQ(back.status.conditions, p.status.conditions);
  EXPECT_EQ(back.status.clusters, p.status.clusters);
}

TEST(TypesTest, ErrorsNameTheJsonPath) {
  struct Case {
    const char* patch;  // merged into the spec
    const char* want;
  } cases[] = {
      {R"({"enforcement": "deny"})", "spec.enforcement: \"deny\" is not one of Deny, Warn, DryRun"},
      {R"({"type": 3})", "spec.type"},
      {R"({"match": {"kinds": [{"kinds": "Pod"}]}})", "spec.match.kinds[0].kinds"},
      {R"({"match": {"namespace": ["a"]}})", "spec.match.namespace: unknown field"},
      {R"({"placement": {"tiers": ["cloud", "fog"]}})",
       "spec.placement.tiers[1]: \"fog\" is not one of cloud, edge"},
      {R"({"placement": {"clusters": "a"}})", "spec.placement.clusters: expected an array"},
      {R"({"placement": {"clusterSelector": {"matchExpressions": [{"key": "a", "operator": "In"}]}}})",
       "spec.placement.clusterSelector.matchExpressions[0].values"},
      {R"({"overrides": [{"clusters": ["a"]}, {"enforcement": "Block"}]})",
       "spec.overrides[1].enforcement: \"Block\" is not one of Deny, Warn, DryRun"},
      {R"({"overrides": [{"clusters": ["a"], "parameters": [1]}]})",
       "spec.overrides[0].parameters: expected an object"},
      {R"({"suspend": "yes"})", "spec.suspend: expected a boolean"},
      {R"({"modules": [{"name": "a.rego"}]})", "spec.modules[0].rego: required"},
  };
  for (const Case& c : cases) {
    Json doc = PolicyDoc();
    const Json patch = Json::parse(c.patch);
    for (const auto& [k, v] : patch.items()) doc["spec"][k] = v;
    FederatedPolicy p;
    Status s = ParseFederatedPolicy(doc, &p);
    ASSERT_FALSE(s.ok()) << c.patch;
    EXPECT_NE(s.message().find(c.want), std::string_view::npos) << s.ToString() << " / " << c.want;
  }
}

TEST(TypesTest, WrongKindOrVersionOrMissingFields) {
  FederatedPolicy p;
  Json doc = PolicyDoc();
  doc["apiVersion"] = "policy.fedra.io/v1";
  EXPECT_NE(ParseFederatedPolicy(doc, &p).message().find("apiVersion"), std::string_view::npos);
  doc = PolicyDoc();
  doc["kind"] = "MemberPolicy";
  EXPECT_NE(ParseFederatedPolicy(doc, &p).message().find("kind: expected FederatedPolicy"),
            std::string_view::npos);
  doc = PolicyDoc();
  doc.erase("spec");
  EXPECT_EQ(ParseFederatedPolicy(doc, &p).message(), "spec: required");
  doc = PolicyDoc();
  doc["metadata"].erase("name");
  EXPECT_EQ(ParseFederatedPolicy(doc, &p).message(), "metadata.name: required");
  EXPECT_FALSE(ParseFederatedPolicy(Json::array(), &p).ok());
}

TEST(TypesTest, ValidationListsEveryRuleWithItsPath) {
  FederatedPolicy p = Policy("Bad_Name", Json::parse(R"({
      "placement": {"clusters": ["a", "a", "B"], "tiers": ["edge", "edge"]},
      "overrides": [{"enforcement": "Warn"},
                    {"clusters": ["a"]},
                    {"clusters": ["zz"], "suspend": true, "enforcement": "Warn"}]})"));
  p.spec.policy.modules[0].name = "dir/main.rego";
  std::vector<FieldError> errors = ValidateFederatedPolicy(p);
  std::vector<std::string> paths;
  for (const FieldError& e : errors) paths.push_back(e.path);
  std::vector<std::string> want = {"metadata.name",
                                   "spec.modules[0].name",
                                   "spec.placement.clusters[1]",
                                   "spec.placement.clusters[2]",
                                   "spec.placement.tiers[1]",
                                   "spec.overrides[0]",
                                   "spec.overrides[1]",
                                   "spec.overrides[2].suspend",
                                   "spec.overrides[2].clusters[0]"};
  EXPECT_EQ(paths, want);
  Status s = ErrorsToStatus(errors);
  EXPECT_NE(s.message().find("spec.placement.clusters[1]: duplicate cluster \"a\""),
            std::string_view::npos);
  EXPECT_NE(
      s.message().find("spec.overrides[2].clusters[0]: \"zz\" is not in spec.placement.clusters"),
      std::string_view::npos);
  EXPECT_TRUE(ErrorsToStatus({}).ok());
}

TEST(TypesTest, ValidationBoundsListSizes) {
  Json clusters = Json::array();
  for (int i = 0; i < 201; ++i) clusters.push_back("c" + std::to_string(i));
  FederatedPolicy p = Policy("p", {{"placement", {{"clusters", clusters}}}});
  auto errors = ValidateFederatedPolicy(p);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "spec.placement.clusters");
  EXPECT_NE(errors[0].message.find("at most 200"), std::string::npos);
}

TEST(TypesTest, MemberClusterDefaultsAndRoundTrip) {
  MemberCluster c = Cluster("edge-1", "edge", {{"site", "s1"}});
  EXPECT_EQ(c.spec.tier, Tier::kEdge);
  EXPECT_EQ(c.spec.kubeconfig_secret_ref.key, "kubeconfig");
  EXPECT_EQ(c.spec.engine_service.namespace_name, "fedra-system");
  EXPECT_EQ(c.spec.engine_service.name, "fedra-engine");
  EXPECT_EQ(c.spec.engine_service.port, 443);
  EXPECT_TRUE(ValidateMemberCluster(c).empty());
  c.status.engines_total = 3;
  c.status.last_heartbeat_time = "2026-11-28T09:00:00Z";
  Json out = ToJson(c);
  MemberCluster back;
  ASSERT_TRUE(ParseMemberCluster(out, &back).ok());
  EXPECT_EQ(ToJson(back), out);
  EXPECT_EQ(back.metadata.labels.at("site"), "s1");
}

TEST(TypesTest, MemberClusterErrors) {
  Json doc = ToJson(Cluster("c"));
  doc["spec"]["tier"] = "fog";
  MemberCluster c;
  EXPECT_EQ(ParseMemberCluster(doc, &c).message(), "spec.tier: \"fog\" is not one of cloud, edge");
  doc = ToJson(Cluster("c"));
  doc["spec"].erase("kubeconfigSecretRef");
  EXPECT_EQ(ParseMemberCluster(doc, &c).message(), "spec.kubeconfigSecretRef: required");
  doc = ToJson(Cluster("c"));
  doc["spec"]["engineService"]["port"] = "443";
  EXPECT_EQ(ParseMemberCluster(doc, &c).message(), "spec.engineService.port: expected an integer");
  doc = ToJson(Cluster("c"));
  doc["spec"]["engineService"]["port"] = 70000;
  doc["spec"]["kubeconfigSecretRef"].erase("namespace");
  ASSERT_TRUE(ParseMemberCluster(doc, &c).ok());
  auto errors = ValidateMemberCluster(c);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].path, "spec.kubeconfigSecretRef.namespace");
  EXPECT_EQ(errors[1].path, "spec.engineService.port");
}

TEST(TypesTest, MemberPolicyRoundTrip) {
  Json doc = Json::parse(R"({
    "apiVersion": "policy.fedra.io/v1alpha1", "kind": "MemberPolicy",
    "metadata": {"name": "labels", "labels": {"policy.fedra.io/hub": "hub-1"}},
    "spec": {"type": "Admission", "enforcement": "DryRun",
             "modules": [{"name": "main.rego", "rego": "package a\nviolation contains 1 if false\n"}]},
    "status": {"revision": "r", "engines": {"ready": 1, "total": 2}}})");
  MemberPolicy mp;
  Status s = ParseMemberPolicy(doc, &mp);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(mp.spec.enforcement, admission::Enforcement::kDryRun);
  EXPECT_EQ(mp.status.engines_total, 2);
  Json out = ToJson(mp);
  EXPECT_EQ(out["spec"]["failurePolicy"], "Ignore");  // resolved copies spell every default
  MemberPolicy back;
  ASSERT_TRUE(ParseMemberPolicy(out, &back).ok());
  EXPECT_EQ(ToJson(back), out);
}

TEST(TypesTest, DeepParametersAreRejectedNotRecursedInto) {
  Json deep = Json::object();
  Json* cur = &deep;
  for (int i = 0; i < 1500; ++i) cur = &((*cur)["a"] = Json::object());
  Json doc = PolicyDoc();
  doc["spec"]["parameters"] = deep;
  FederatedPolicy p;
  Status s = ParseFederatedPolicy(doc, &p);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("depth"), std::string::npos) << s.ToString();
}

TEST(TypesTest, DnsSubdomain) {
  EXPECT_TRUE(IsDnsSubdomain("a"));
  EXPECT_TRUE(IsDnsSubdomain("edge-1.eu"));
  EXPECT_FALSE(IsDnsSubdomain(""));
  EXPECT_FALSE(IsDnsSubdomain("-a"));
  EXPECT_FALSE(IsDnsSubdomain("a-"));
  EXPECT_FALSE(IsDnsSubdomain("A"));
  EXPECT_FALSE(IsDnsSubdomain("a_b"));
  EXPECT_FALSE(IsDnsSubdomain(std::string(254, 'a')));
}

}  // namespace
}  // namespace fedra::policy
