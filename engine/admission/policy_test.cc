#include "admission/policy.h"

#include <gtest/gtest.h>

#include "admission/documents.h"
#include "admission/match.h"

namespace fedra::admission {
namespace {

Value Yaml(std::string_view text) {
  std::vector<Value> docs;
  Status s = ParseDocuments(text, "test.yaml", &docs);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(docs.size(), 1u);
  return docs.empty() ? Value() : docs[0];
}

TEST(ParsePolicy, FullManifest) {
  Value doc = Yaml(R"(
apiVersion: policy.fedra.io/v1alpha1
kind: FederatedPolicy
metadata: {name: required-labels}
spec:
  type: Admission
  enforcement: Warn
  regoVersion: v0
  parameters: {labels: [team]}
  placement: {tiers: [edge]}
  match:
    kinds: [{apiGroups: ["", apps], kinds: [Pod, Deployment]}]
    operations: [CREATE, UPDATE]
    namespaces: [prod-*]
    excludedNamespaces: [kube-system]
    labelSelector:
      matchLabels: {app: web}
      matchExpressions: [{key: tier, operator: In, values: [front]}]
    namespaceSelector:
      matchExpressions: [{key: env, operator: Exists}]
  modules:
  - name: main.rego
    rego: "package labels\nviolation[{\"msg\": \"x\"}] { true }"
)");
  PolicySpec p;
  Status s = ParsePolicy(doc, "", &p);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(p.name, "required-labels");
  EXPECT_EQ(p.enforcement, Enforcement::kWarn);
  EXPECT_EQ(p.failure_policy, FailurePolicy::kIgnore);  // default for Warn
  EXPECT_EQ(p.rego_version, RegoSyntax::kV0);
  ASSERT_EQ(p.match.kinds.size(), 1u);
  EXPECT_EQ(p.match.kinds[0].api_groups, (std::vector<std::string>{"", "apps"}));
  EXPECT_EQ(p.match.operations.size(), 2u);
  ASSERT_TRUE(p.match.label_selector.has_value());
  EXPECT_EQ(p.match.label_selector->match_expressions.size(), 1u);
  ASSERT_TRUE(p.match.namespace_selector.has_value());
  ASSERT_EQ(p.modules.size(), 1u);
  EXPECT_EQ(p.modules[0].name, "main.rego");
  EXPECT_EQ(ToJson(p.parameters), R"({"labels":["team"]})");

  // The bundle form round-trips through PolicySpecToValue.
  PolicySpec back;
  back.name = p.name;
  s = ParsePolicySpec(PolicySpecToValue(p), "x", false, &back);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ToJson(PolicySpecToValue(back)), ToJson(PolicySpecToValue(p)));
}

TEST(ParsePolicy, Defaults) {
  PolicySpec p;
  Status s = ParsePolicy(Yaml("modules: [{name: a.rego, rego: 'package a'}]"), "bare", &p);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(p.name, "bare");
  EXPECT_EQ(p.type, PolicyType::kAdmission);
  EXPECT_EQ(p.enforcement, Enforcement::kDeny);
  EXPECT_EQ(p.failure_policy, FailurePolicy::kFail);
  EXPECT_EQ(p.rego_version, RegoSyntax::kV1);
  EXPECT_TRUE(p.match.kinds.empty());
  ASSERT_TRUE(ParsePolicy(Yaml("regoVersion: 0"), "n", &p).ok());  // bundles write numbers
  EXPECT_EQ(p.rego_version, RegoSyntax::kV0);
  EXPECT_FALSE(ParsePolicy(Yaml("regoVersion: 2"), "n", &p).ok());
  ASSERT_TRUE(ParsePolicy(Yaml("type: Recommendation"), "r", &p).ok());
  EXPECT_EQ(p.failure_policy, FailurePolicy::kIgnore);
  ASSERT_TRUE(ParsePolicy(Yaml("enforcement: DryRun\nfailurePolicy: Fail"), "r", &p).ok());
  EXPECT_EQ(p.failure_policy, FailurePolicy::kFail);
}

TEST(ParsePolicy, ErrorsNameTheJsonPath) {
  struct Case {
    const char* yaml;
    const char* want;
  } cases[] = {
      {"apiVersion: v1\nkind: FederatedPolicy\nspec: {}", "apiVersion: expected"},
      {"apiVersion: policy.fedra.io/v1alpha1\nkind: Pod\nspec: {}",
       "kind: expected FederatedPolicy"},
      {"apiVersion: policy.fedra.io/v1alpha1\nkind: MemberPolicy\nspec: {}",
       "metadata.name: required"},
      {"apiVersion: policy.fedra.io/v1alpha1\nkind: MemberPolicy\nmetadata: {name: x}",
       "spec: required"},
      {"apiVersion: policy.fedra.io/v1alpha1\nkind: MemberPolicy\nmetadata: {name: x}\n"
       "spec: {match: {kinds: [{kinds: Pod}]}}",
       "spec.match.kinds[0].kinds: expected an array of strings"},
      {"apiVersion: policy.fedra.io/v1alpha1\nkind: MemberPolicy\nmetadata: {name: x}\n"
       "spec: {match: {kinds: [{kinds: [Pod, 3]}]}}",
       "spec.match.kinds[0].kinds[1]: expected a string"},
      {"apiVersion: policy.fedra.io/v1alpha1\nkind: MemberPolicy\nmetadata: {name: x}\n"
       "spec: {enforcement: deny}",
       "spec.enforcement: \"deny\" is not one of Deny, Warn, DryRun"},
      {"apiVersion: policy.fedra.io/v1alpha1\nkind: MemberPolicy\nmetadata: {name: x}\n"
       "spec: {match: {namespace: [a]}}",
       "spec.match.namespace: unknown field"},
      {"apiVersion: policy.fedra.io/v1alpha1\nkind: MemberPolicy\nmetadata: {name: x}\n"
       "spec: {match: {operations: [create]}}",
       "spec.match.operations[0]: \"create\" is not one of"},
      {"apiVersion: policy.fedra.io/v1alpha1\nkind: MemberPolicy\nmetadata: {name: x}\n"
       "spec: {match: {labelSelector: {matchExpressions: [{key: a, operator: In}]}}}",
       "spec.match.labelSelector.matchExpressions[0].values: must be non-empty"},
      {"apiVersion: policy.fedra.io/v1alpha1\nkind: MemberPolicy\nmetadata: {name: x}\n"
       "spec: {match: {namespaceSelector: {matchExpressions: [{key: a, operator: Maybe}]}}}",
       "spec.match.namespaceSelector.matchExpressions[0].operator: \"Maybe\""},
      {"apiVersion: policy.fedra.io/v1alpha1\nkind: MemberPolicy\nmetadata: {name: x}\n"
       "spec: {modules: [{name: a.rego}]}",
       "spec.modules[0].rego: required"},
      {"apiVersion: policy.fedra.io/v1alpha1\nkind: MemberPolicy\nmetadata: {name: x}\n"
       "spec: {regoVersion: v2}",
       "spec.regoVersion: \"v2\" is not one of v0, v1"},
  };
  for (const Case& c : cases) {
    PolicySpec p;
    Status s = ParsePolicy(Yaml(c.yaml), "", &p);
    ASSERT_FALSE(s.ok()) << c.yaml;
    EXPECT_NE(s.ToString().find(c.want), std::string::npos) << s.ToString() << "\nwant: " << c.want;
  }
}

TEST(LabelSelector, Operators) {
  LabelSelector sel;
  Status s = ParseLabelSelector(Yaml("matchLabels: {app: web}\nmatchExpressions:\n"
                                     "- {key: tier, operator: In, values: [front, edge]}\n"
                                     "- {key: env, operator: NotIn, values: [dev]}\n"
                                     "- {key: owner, operator: Exists}\n"
                                     "- {key: legacy, operator: DoesNotExist}"),
                                "sel", &sel);
  ASSERT_TRUE(s.ok()) << s.ToString();
  struct Case {
    const char* labels;
    bool want;
  } cases[] = {
      {"{app: web, tier: front, owner: a}", true},
      {"{app: web, tier: edge, owner: a, env: prod}", true},
      {"{app: api, tier: front, owner: a}", false},               // matchLabels
      {"{app: web, tier: back, owner: a}", false},                // In
      {"{app: web, owner: a}", false},                            // In needs the label
      {"{app: web, tier: front, owner: a, env: dev}", false},     // NotIn
      {"{app: web, tier: front}", false},                         // Exists
      {"{app: web, tier: front, owner: a, legacy: 'y'}", false},  // DoesNotExist
  };
  for (const Case& c : cases) EXPECT_EQ(sel.Matches(Yaml(c.labels)), c.want) << c.labels;
  EXPECT_FALSE(sel.Matches(Value()));
  EXPECT_TRUE(LabelSelector{}.Matches(Value()));
}

RequestFacts Facts(std::string_view group, std::string_view kind, std::string_view op,
                   std::string_view ns, const Value& labels = Value()) {
  RequestFacts f;
  f.group = group;
  f.kind = kind;
  f.operation = op;
  f.ns = ns;
  f.namespaced = !ns.empty();
  f.labels = labels;
  return f;
}

TEST(Match, Table) {
  struct Case {
    const char* match;
    RequestFacts facts;
    bool want;
  };
  Value web = Yaml("{app: web}");
  Case cases[] = {
      {"{}", Facts("", "Pod", "CREATE", "a"), true},
      {"{kinds: [{apiGroups: [''], kinds: [Pod]}]}", Facts("", "Pod", "CREATE", "a"), true},
      {"{kinds: [{apiGroups: [''], kinds: [Pod]}]}", Facts("apps", "Pod", "CREATE", "a"), false},
      {"{kinds: [{apiGroups: ['*'], kinds: [Pod]}]}", Facts("apps", "Pod", "CREATE", "a"), true},
      {"{kinds: [{kinds: ['*']}]}", Facts("x.io", "Thing", "CREATE", "a"), true},
      {"{kinds: [{apiGroups: [apps], kinds: [Deployment]}, {apiGroups: [''], kinds: [Pod]}]}",
       Facts("", "Pod", "UPDATE", "a"), true},
      {"{operations: [CREATE]}", Facts("", "Pod", "UPDATE", "a"), false},
      {"{operations: ['*']}", Facts("", "Pod", "DELETE", "a"), true},
      {"{namespaces: [prod]}", Facts("", "Pod", "CREATE", "dev"), false},
      {"{namespaces: [prod-*]}", Facts("", "Pod", "CREATE", "prod-eu"), true},
      {"{namespaces: ['*-system']}", Facts("", "Pod", "CREATE", "kube-system"), true},
      {"{namespaces: [prod]}", Facts("", "ClusterRole", "CREATE", ""), true},  // cluster-scoped
      {"{excludedNamespaces: [kube-*]}", Facts("", "Pod", "CREATE", "kube-public"), false},
      {"{excludedNamespaces: [kube-*]}", Facts("", "Pod", "CREATE", "default"), true},
      {"{scope: Cluster}", Facts("", "Pod", "CREATE", "a"), false},
      {"{scope: Namespaced}", Facts("", "Node", "CREATE", ""), false},
      {"{labelSelector: {matchLabels: {app: web}}}", Facts("", "Pod", "CREATE", "a", web), true},
      {"{labelSelector: {matchLabels: {app: api}}}", Facts("", "Pod", "CREATE", "a", web), false},
      {"{namespaceSelector: {matchLabels: {env: prod}}}", Facts("", "Pod", "CREATE", "p"), true},
      {"{namespaceSelector: {matchLabels: {env: prod}}}", Facts("", "Pod", "CREATE", "d"), false},
      {"{namespaceSelector: {matchLabels: {env: prod}}}", Facts("", "Pod", "CREATE", "unknown"),
       false},
      {"{namespaceSelector: {matchLabels: {env: prod}}}", Facts("", "Node", "CREATE", ""), true},
  };
  auto ns_labels = [](std::string_view ns) {
    if (ns == "p") return Yaml("{env: prod}");
    if (ns == "d") return Yaml("{env: dev}");
    return Value();
  };
  for (const Case& c : cases) {
    MatchSpec m;
    Status s = ParseMatch(Yaml(c.match), "match", &m);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(MatchRequest(m, c.facts, ns_labels), c.want)
        << c.match << " " << c.facts.group << "/" << c.facts.kind << " " << c.facts.operation
        << " ns=" << c.facts.ns;
  }
}

TEST(Match, NamespaceObjectUsesItsOwnLabels) {
  MatchSpec m;
  ASSERT_TRUE(ParseMatch(Yaml("{namespaceSelector: {matchLabels: {env: prod}}, namespaces: [p*]}"),
                         "match", &m)
                  .ok());
  RequestFacts f = Facts("", "Namespace", "CREATE", "prod", Yaml("{env: prod}"));
  f.namespaced = false;
  f.is_namespace = true;
  int lookups = 0;
  auto ns_labels = [&lookups](std::string_view) {
    ++lookups;
    return Value();
  };
  EXPECT_TRUE(MatchRequest(m, f, ns_labels));
  EXPECT_EQ(lookups, 0);
  f.labels = Yaml("{env: dev}");
  EXPECT_FALSE(MatchRequest(m, f, ns_labels));
}

}  // namespace
}  // namespace fedra::admission
