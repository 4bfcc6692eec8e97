#include "operator/reconcilers/webhook_config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "operator/kube/config.h"

namespace fedra::op::reconcilers {
namespace {

using Json = nlohmann::json;
using admission::FailurePolicy;
using admission::PolicySpec;

constexpr char kPem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

PolicySpec Policy(const std::string& name, std::vector<admission::KindSelector> kinds,
                  FailurePolicy fp = FailurePolicy::kFail,
                  std::vector<std::string> operations = {}) {
  PolicySpec p;
  p.name = name;
  p.match.kinds = std::move(kinds);
  p.match.operations = std::move(operations);
  p.failure_policy = fp;
  return p;
}

// Policies that mutate are named "mutate-*" here; PolicyMutates has its own test.
Status ByName(const PolicySpec& p, bool* m) {
  *m = p.name.rfind("mutate-", 0) == 0;
  return Status::OK();
}

WebhookConfigOptions Options() {
  WebhookConfigOptions o;
  o.service.namespace_name = "fedra-system";
  o.service.name = "fedra-engine";
  o.service.port = 8443;
  o.ca_bundle_pem = kPem;
  o.mutates = ByName;
  return o;
}

WebhookConfigurations Build(const std::vector<PolicySpec>& policies,
                            const WebhookConfigOptions& o = Options()) {
  WebhookConfigurations out;
  Status s = BuildWebhookConfigurations(policies, o, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

const Json* Hook(const Json& config, const std::string& name) {
  for (const Json& h : config["webhooks"]) {
    if (h["name"] == name) return &h;
  }
  return nullptr;
}

TEST(WebhookConfigTest, EntryPointsAtTheEngineWithItsCa) {
  WebhookConfigurations c = Build({Policy("labels", {{{"apps"}, {"Deployment"}}})});
  EXPECT_EQ(c.validating["apiVersion"], "admissionregistration.k8s.io/v1");
  EXPECT_EQ(c.validating["kind"], "ValidatingWebhookConfiguration");
  EXPECT_EQ(c.validating["metadata"]["name"], "fedra-engine");
  EXPECT_TRUE(c.mutating.is_null());
  ASSERT_EQ(c.validating["webhooks"].size(), 1u);
  const Json& h = c.validating["webhooks"][0];
  EXPECT_EQ(h["name"], "fail.admit.fedra.io");
  EXPECT_EQ(h["failurePolicy"], "Fail");
  EXPECT_EQ(h["clientConfig"]["service"],
            Json({{"namespace", "fedra-system"}, {"name", "fedra-engine"}, {"path", "/v1/admit"},
                  {"port", 8443}}));
  std::string pem;
  ASSERT_TRUE(kube::DecodeBase64(h["clientConfig"]["caBundle"].get<std::string>(), &pem));
  EXPECT_EQ(pem, kPem);
  EXPECT_EQ(h["sideEffects"], "None");
  EXPECT_EQ(h["admissionReviewVersions"], Json::array({"v1"}));
  EXPECT_EQ(h["timeoutSeconds"], 10);
  const Json& expr = h["namespaceSelector"]["matchExpressions"][0];
  EXPECT_EQ(expr["key"], "kubernetes.io/metadata.name");
  EXPECT_EQ(expr["operator"], "NotIn");
  EXPECT_EQ(expr["values"], Json::array({"fedra-system"}));
  EXPECT_EQ(h["rules"], Json::parse(R"([{"operations":["*"],"apiGroups":["apps"],
      "apiVersions":["*"],"resources":["deployments"],"scope":"*"}])"));
}

TEST(WebhookConfigTest, RulesMergeAndDeduplicate) {
  std::vector<PolicySpec> ps = {
      Policy("a", {{{"apps"}, {"Deployment", "StatefulSet"}}, {{""}, {"Pod"}}}),
      Policy("b", {{{"apps"}, {"Deployment", "DaemonSet"}}}),
      Policy("c", {{{""}, {"Pod"}}}),
      Policy("d", {{{"networking.k8s.io"}, {"Ingress"}}}, FailurePolicy::kFail, {"CREATE", "UPDATE"}),
      Policy("e", {{{"networking.k8s.io"}, {"Ingress"}}}, FailurePolicy::kFail, {"UPDATE", "CREATE"}),
  };
  WebhookConfigurations c = Build(ps);
  EXPECT_EQ(c.validating["webhooks"][0]["rules"], Json::parse(R"([
      {"operations":["*"],"apiGroups":["apps"],"apiVersions":["*"],
       "resources":["daemonsets","deployments","statefulsets"],"scope":"*"},
      {"operations":["*"],"apiGroups":[""],"apiVersions":["*"],"resources":["pods"],"scope":"*"},
      {"operations":["CREATE","UPDATE"],"apiGroups":["networking.k8s.io"],"apiVersions":["*"],
       "resources":["ingresses"],"scope":"*"}])"))
      << c.validating["webhooks"][0]["rules"].dump(1);

  // The order policies come in does not matter.
  std::reverse(ps.begin(), ps.end());
  EXPECT_EQ(Build(ps).validating, c.validating);
}

TEST(WebhookConfigTest, WildcardsCoverWhatTheyInclude) {
  // No kinds at all: everything.
  WebhookConfigurations c = Build({Policy("all", {}), Policy("pods", {{{""}, {"Pod"}}})});
  EXPECT_EQ(c.validating["webhooks"][0]["rules"], Json::parse(R"([{"operations":["*"],
      "apiGroups":["*"],"apiVersions":["*"],"resources":["*"],"scope":"*"}])"));
  // Every kind of a group, and a kind in any group.
  c = Build({Policy("apps", {{{"apps"}, {}}}), Policy("more", {{{"apps"}, {"Deployment"}}}),
             Policy("any", {{{"*"}, {"Widget"}}}), Policy("w", {{{"example.io"}, {"Widget"}}})});
  EXPECT_EQ(c.validating["webhooks"][0]["rules"], Json::parse(R"([
      {"operations":["*"],"apiGroups":["apps"],"apiVersions":["*"],"resources":["*"],"scope":"*"},
      {"operations":["*"],"apiGroups":["*"],"apiVersions":["*"],"resources":["widgets"],"scope":"*"}])"))
      << c.validating["webhooks"][0]["rules"].dump(1);
}

TEST(WebhookConfigTest, ScopeIsKept) {
  PolicySpec p = Policy("ns", {{{""}, {"Namespace"}}});
  p.match.scope = admission::Scope::kCluster;
  WebhookConfigurations c = Build({p});
  EXPECT_EQ(c.validating["webhooks"][0]["rules"][0]["scope"], "Cluster");
  EXPECT_EQ(c.validating["webhooks"][0]["rules"][0]["resources"], Json::array({"namespaces"}));
}

TEST(WebhookConfigTest, OneEntryPerFailurePolicy) {
  WebhookConfigurations c = Build({Policy("strict", {{{""}, {"Pod"}}}),
                                   Policy("soft", {{{""}, {"Service"}}}, FailurePolicy::kIgnore)});
  ASSERT_EQ(c.validating["webhooks"].size(), 2u);
  const Json* fail = Hook(c.validating, "fail.admit.fedra.io");
  const Json* ignore = Hook(c.validating, "ignore.admit.fedra.io");
  ASSERT_TRUE(fail != nullptr && ignore != nullptr);
  EXPECT_EQ((*fail)["failurePolicy"], "Fail");
  EXPECT_EQ((*fail)["rules"][0]["resources"], Json::array({"pods"}));
  EXPECT_EQ((*ignore)["failurePolicy"], "Ignore");
  EXPECT_EQ((*ignore)["rules"][0]["resources"], Json::array({"services"}));

  c = Build({Policy("soft", {{{""}, {"Service"}}}, FailurePolicy::kIgnore)});
  ASSERT_EQ(c.validating["webhooks"].size(), 1u);
  EXPECT_EQ(c.validating["webhooks"][0]["name"], "ignore.admit.fedra.io");

  // Nothing placed: a configuration without entries.
  c = Build({});
  EXPECT_EQ(c.validating["webhooks"], Json::array());
  EXPECT_TRUE(c.mutating.is_null());
}

TEST(WebhookConfigTest, MutatingOnlyForPoliciesThatMutate) {
  WebhookConfigurations c = Build({Policy("deny-pods", {{{""}, {"Pod"}}}),
                                   Policy("mutate-deploys", {{{"apps"}, {"Deployment"}}},
                                          FailurePolicy::kIgnore)});
  ASSERT_FALSE(c.mutating.is_null());
  EXPECT_EQ(c.mutating["kind"], "MutatingWebhookConfiguration");
  EXPECT_EQ(c.mutating["metadata"]["name"], "fedra-engine");
  ASSERT_EQ(c.mutating["webhooks"].size(), 1u);
  const Json& m = c.mutating["webhooks"][0];
  EXPECT_EQ(m["name"], "ignore.mutate.fedra.io");
  EXPECT_EQ(m["reinvocationPolicy"], "Never");
  EXPECT_EQ(m["clientConfig"]["service"]["path"], "/v1/admit");
  EXPECT_EQ(m["rules"][0]["resources"], Json::array({"deployments"}));
  // The validating one sees every policy, mutating ones included.
  EXPECT_EQ(c.validating["webhooks"].size(), 2u);
  EXPECT_FALSE(c.validating["webhooks"][0].contains("reinvocationPolicy"));
}

TEST(WebhookConfigTest, ResolverDecidesResources) {
  WebhookConfigOptions o = Options();
  int calls = 0;
  o.resolver = [&calls](const std::string& group, const std::string& kind, std::string* out) {
    ++calls;
    if (kind == "Gone") return Status::NotFound("no such kind");
    if (kind == "Broken") return Status::IoError("discovery is down");
    *out = group == "" && kind == "Endpoints" ? "endpoints" : "x-" + kind;
    return Status::OK();
  };
  WebhookConfigurations c = Build({Policy("p", {{{""}, {"Endpoints", "Gone"}}})}, o);
  EXPECT_EQ(c.validating["webhooks"][0]["rules"][0]["resources"], Json::array({"endpoints"}));
  EXPECT_EQ(calls, 2);
  // Only kinds the member does not serve: no entry.
  c = Build({Policy("p", {{{""}, {"Gone"}}})}, o);
  EXPECT_EQ(c.validating["webhooks"], Json::array());

  Status s = BuildWebhookConfigurations({Policy("q", {{{"apps"}, {"Broken"}}})}, o, &c);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("policy \"q\": match.kinds[0]: resolving kind Broken in group \"apps\""),
            std::string::npos)
      << s.ToString();
  EXPECT_NE(s.ToString().find("discovery is down"), std::string::npos);
}

TEST(WebhookConfigTest, BadOptionsAreRejected) {
  WebhookConfigurations c;
  WebhookConfigOptions o = Options();
  o.timeout_seconds = 31;
  EXPECT_NE(BuildWebhookConfigurations({}, o, &c).ToString().find("1..30"), std::string::npos);
  o = Options();
  o.service.port = 0;
  EXPECT_NE(BuildWebhookConfigurations({}, o, &c).ToString().find("port 0"), std::string::npos);
  o = Options();
  o.ca_bundle_pem.clear();
  EXPECT_NE(BuildWebhookConfigurations({}, o, &c).ToString().find("CA bundle"), std::string::npos);
}

TEST(WebhookConfigTest, GuessResourceName) {
  const std::pair<const char*, const char*> cases[] = {
      {"Pod", "pods"},           {"Ingress", "ingresses"},
      {"NetworkPolicy", "networkpolicies"}, {"Endpoints", "endpoints"},
      {"Gateway", "gateways"},   {"Box", "boxes"},
      {"Deployment", "deployments"},
  };
  for (const auto& [kind, want] : cases) EXPECT_EQ(GuessResourceName(kind), want) << kind;
}

PolicySpec Rego(const std::string& name, const std::string& body) {
  PolicySpec p;
  p.name = name;
  p.modules.push_back({name + ".rego", "package test." + name + "\n\n" + body});
  return p;
}

TEST(PolicyMutatesTest, OnlyEnforcedAdmissionPoliciesWithPatch) {
  const std::string patch =
      "patch contains {\"op\": \"add\", \"path\": \"/metadata/labels/a\", \"value\": \"b\"} if {\n"
      "  input.request.kind.kind == \"Pod\"\n}\n";
  const std::string violation = "violation contains {\"msg\": \"no\"} if {\n  false\n}\n";
  bool m = false;
  PolicySpec p = Rego("adds", patch);
  ASSERT_TRUE(PolicyMutates(p, &m).ok());
  EXPECT_TRUE(m);
  p = Rego("denies", violation);
  ASSERT_TRUE(PolicyMutates(p, &m).ok());
  EXPECT_FALSE(m);
  p = Rego("dry", patch);
  p.enforcement = admission::Enforcement::kDryRun;
  ASSERT_TRUE(PolicyMutates(p, &m).ok());
  EXPECT_FALSE(m);
  p = Rego("advice", patch);
  p.type = admission::PolicyType::kRecommendation;
  ASSERT_TRUE(PolicyMutates(p, &m).ok());
  EXPECT_FALSE(m);
  p = Rego("broken", "patch contains x if {\n");
  Status s = PolicyMutates(p, &m);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("broken"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace fedra::op::reconcilers
