#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "admission/documents.h"
#include "admission/response.h"
#include "admission/revision.h"
#include "value/json.h"

namespace fedra::admission {
namespace {

Value Json(std::string_view text) {
  Value v;
  Status s = ParseJson(text, &v, "test");
  EXPECT_TRUE(s.ok()) << s.ToString();
  return v;
}

// A policy from a YAML spec; `rego` is its one module.
PolicySpec Spec(std::string_view name, std::string_view yaml, std::string_view rego) {
  std::vector<Value> docs;
  Status s = ParseDocuments(yaml, "spec.yaml", &docs);
  EXPECT_TRUE(s.ok()) << s.ToString();
  PolicySpec p;
  s = ParsePolicy(docs.empty() ? Value::EmptyObject() : docs[0], name, &p);
  EXPECT_TRUE(s.ok()) << s.ToString();
  p.modules.push_back({std::string(name) + ".rego", std::string(rego)});
  return p;
}

std::shared_ptr<const Revision> BuildOrDie(std::vector<PolicySpec> policies,
                                           Value data = Value::EmptyObject()) {
  PolicySource src;
  src.policies = std::move(policies);
  src.data = data;
  std::shared_ptr<const Revision> rev;
  Status s = Build(std::move(src), {}, &rev);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return rev;
}

std::string Review(std::string_view labels = "{}", std::string_view ns = "default",
                   std::string_view op = "CREATE") {
  return R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
    "uid":"u-1","kind":{"group":"","version":"v1","kind":"Pod"},
    "operation":")" +
         std::string(op) + R"(","namespace":")" + std::string(ns) + R"(","name":"p",
    "object":{"metadata":{"name":"p","labels":)" +
         std::string(labels) + R"(},
      "spec":{"containers":[{"name":"c","image":"nginx"}]}}}})";
}

constexpr char kNeedsTeam[] = R"(package labels
violation contains {"msg": msg} if {
  not input.review.object.metadata.labels.team
  msg := sprintf("missing label team on %s", [input.review.name])
})";

AdmitResult AdmitOrDie(const Revision& rev, std::string_view review, AdmitOptions opts = {}) {
  AdmitResult r;
  Status s = rev.Admit(Json(review), opts, &r);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return r;
}

TEST(Admit, DenyListsEachMessageAndKeepsUid) {
  auto rev = BuildOrDie({Spec("needs-team", "enforcement: Deny", kNeedsTeam),
                         Spec("no-nginx", "enforcement: Deny", R"(package nginx
violation contains {"msg": "nginx is not allowed", "details": {"image": c.image}} if {
  some c in input.request.object.spec.containers
  c.image == "nginx"
})")});
  AdmitResult r = AdmitOrDie(*rev, Review());
  EXPECT_FALSE(r.allowed);
  const Value& resp = *r.response.Find("response");
  EXPECT_EQ(ToJson(*resp.Find("uid")), "\"u-1\"");
  EXPECT_EQ(ToJson(*r.response.Find("apiVersion")), "\"admission.k8s.io/v1\"");
  const Value& status = *resp.Find("status");
  EXPECT_EQ(ToJson(*status.Find("code")), "403");
  EXPECT_EQ(status.Find("message")->str(),
            "[needs-team] missing label team on p\n[no-nginx] nginx is not allowed");
  ASSERT_EQ(r.decisions.size(), 2u);
  EXPECT_EQ(r.decisions[0].outcome, Outcome::kDenied);
  EXPECT_EQ(ToJson(r.decisions[1].violations[0].details), R"({"image":"nginx"})");

  AdmitResult ok = AdmitOrDie(*rev, Review(R"({"team":"a"})"));
  EXPECT_FALSE(ok.allowed);  // nginx still denied
  EXPECT_EQ(ok.decisions[0].outcome, Outcome::kAllowed);
}

TEST(Admit, WarnDryRunAndRecommendation) {
  auto rev = BuildOrDie({
      Spec("warn-team", "enforcement: Warn", kNeedsTeam),
      Spec("dry", "enforcement: DryRun", R"(package dry
violation contains {"msg": "counted only"} if true)"),
      Spec("advice", "type: Recommendation", R"(package advice
recommend contains {"msg": "consider resource limits"} if true)"),
  });
  AdmitResult r = AdmitOrDie(*rev, Review());
  EXPECT_TRUE(r.allowed);
  const Value& resp = *r.response.Find("response");
  EXPECT_EQ(resp.Find("status"), nullptr);
  EXPECT_EQ(ToJson(*resp.Find("warnings")),
            R"(["[warn-team] missing label team on p","[advice] consider resource limits"])");
  ASSERT_EQ(r.decisions.size(), 3u);
  EXPECT_EQ(r.decisions[0].outcome, Outcome::kWarned);
  EXPECT_EQ(r.decisions[1].outcome, Outcome::kDryRun);
  EXPECT_EQ(r.decisions[1].violations.size(), 1u);
  EXPECT_EQ(r.decisions[2].outcome, Outcome::kAdvised);
}

TEST(Admit, ParametersAndMatch) {
  auto rev = BuildOrDie({Spec("required", R"(
parameters: {labels: [team, owner]}
match:
  kinds: [{apiGroups: [""], kinds: [Pod]}]
  namespaces: [prod]
  namespaceSelector: {matchLabels: {tier: gold}}
)",
                              R"(package required
violation contains {"msg": sprintf("missing %s", [l])} if {
  some l in input.parameters.labels
  not input.review.object.metadata.labels[l]
})")},
                        Json(R"({"inventory":{"cluster":{"v1":{"Namespace":{
                          "prod":{"metadata":{"name":"prod","labels":{"tier":"gold"}}}}}}}})"));
  AdmitResult r = AdmitOrDie(*rev, Review(R"({"team":"a"})", "prod"));
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.response.Find("response")->Find("status")->Find("message")->str(),
            "[required] missing owner");
  // Other namespaces are not selected.
  EXPECT_TRUE(AdmitOrDie(*rev, Review("{}", "dev")).decisions.empty());
  // The caller's namespace lookup replaces the inventory.
  AdmitOptions opts;
  opts.namespace_labels = [](std::string_view) { return Value::EmptyObject(); };
  EXPECT_TRUE(AdmitOrDie(*rev, Review("{}", "prod"), opts).allowed);
}

TEST(Admit, MutationsBecomeOneJsonPatch) {
  auto rev = BuildOrDie({
      Spec("add-label", "enforcement: Deny", R"(package addlabel
patch contains {"op": "add", "path": "/metadata/labels/managed", "value": "fedra"} if true)"),
      Spec("pull-policy", "enforcement: Deny", R"(package pull
patch contains {"op": "replace", "path": sprintf("/spec/containers/%d/imagePullPolicy", [i]),
                "value": "Always"} if {
  some i, _ in input.review.object.spec.containers
})"),
      Spec("dry-mutation", "enforcement: DryRun", R"(package drymut
patch contains {"op": "remove", "path": "/spec"} if true)"),
  });
  AdmitResult r = AdmitOrDie(*rev, Review());
  ASSERT_TRUE(r.allowed);
  const Value& resp = *r.response.Find("response");
  EXPECT_EQ(resp.Find("patchType")->str(), "JSONPatch");
  std::string want =
      R"([{"op":"add","path":"/metadata/labels/managed","value":"fedra"},)"
      R"({"op":"replace","path":"/spec/containers/0/imagePullPolicy","value":"Always"}])";
  EXPECT_EQ(resp.Find("patch")->str(), Base64Encode(want));
  EXPECT_EQ(r.decisions[0].outcome, Outcome::kMutated);
  EXPECT_EQ(r.decisions[2].outcome, Outcome::kDryRun);
  EXPECT_EQ(r.decisions[2].patch_ops, 1u);
}

TEST(Admit, BadPatchIsAPolicyError) {
  auto rev = BuildOrDie({Spec("bad-patch", "failurePolicy: Fail", R"(package badpatch
patch contains {"op": "upsert", "path": "/x", "value": 1} if true)")});
  AdmitResult r = AdmitOrDie(*rev, Review());
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.decisions[0].outcome, Outcome::kErrorDenied);
  EXPECT_NE(r.decisions[0].error.ToString().find("upsert"), std::string::npos);
}

constexpr char kSlow[] = R"(package slow
violation contains {"msg": "never"} if {
  some i in numbers.range(1, 2000)
  some j in numbers.range(1, 2000)
  some k in numbers.range(1, 2000)
  i + j + k < 0
})";

TEST(Admit, DeadlineFollowsFailurePolicy) {
  auto rev = BuildOrDie({Spec("slow-fail", "enforcement: Deny", kSlow),
                         Spec("slow-ignore", "enforcement: Deny\nfailurePolicy: Ignore",
                              "package slow2\n" + std::string(kSlow).substr(13))});
  AdmitOptions opts;
  opts.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
  AdmitResult r = AdmitOrDie(*rev, Review(), opts);
  EXPECT_FALSE(r.allowed);
  ASSERT_EQ(r.decisions.size(), 2u);
  EXPECT_EQ(r.decisions[0].outcome, Outcome::kErrorDenied);
  EXPECT_EQ(r.decisions[0].error.code(), StatusCode::kEvalCancelError);
  EXPECT_EQ(r.decisions[1].outcome, Outcome::kErrorIgnored);
  std::string msg(r.response.Find("response")->Find("status")->Find("message")->str());
  EXPECT_NE(msg.find("[slow-fail] policy evaluation failed"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("slow-ignore"), std::string::npos) << msg;
}

TEST(Admit, ExpiredDeadlineDoesNotEvaluate) {
  auto rev = BuildOrDie({Spec("w", "enforcement: Warn", kNeedsTeam)});
  AdmitOptions opts;
  opts.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  AdmitResult r = AdmitOrDie(*rev, Review(), opts);
  EXPECT_TRUE(r.allowed);  // Warn defaults to Ignore
  EXPECT_EQ(r.decisions[0].outcome, Outcome::kErrorIgnored);
  EXPECT_TRUE(r.warnings.empty());
}

TEST(Admit, WarningsRespectApiServerLimits) {
  auto rev = BuildOrDie({Spec("many", "enforcement: Warn", R"(package many
violation contains {"msg": sprintf("%03d %s", [i, concat("", [x | some _ in numbers.range(1, 300); x := "y"])])} if {
  some i in numbers.range(1, 40)
}
violation contains {"msg": "line one\nline two"} if true)")});
  AdmitResult r = AdmitOrDie(*rev, Review());
  ASSERT_FALSE(r.warnings.empty());
  size_t total = 0;
  for (const std::string& w : r.warnings) {
    EXPECT_LE(w.size(), kMaxWarningChars);  // ASCII: bytes == characters
    EXPECT_EQ(w.find('\n'), std::string::npos);
    total += w.size();
  }
  EXPECT_LE(total, kMaxWarningTotalChars);
  EXPECT_GT(r.warnings_dropped, 0u);
  EXPECT_EQ(r.warnings.size() + r.warnings_dropped, 41u);
  EXPECT_TRUE(r.warnings[0].ends_with("...")) << r.warnings[0];
}

TEST(LimitWarnings, CountsCharactersNotBytes) {
  std::string s;
  for (int i = 0; i < 300; ++i) s += "\xc3\xa9";  // é
  std::vector<std::string> w = {s, s, "short"};
  EXPECT_EQ(LimitWarnings(&w), 0u);
  ASSERT_EQ(w.size(), 2u);  // duplicate removed
  EXPECT_EQ(w[0].size(), 253u * 2 + 3);
}

TEST(Admit, MalformedReviewsNameThePath) {
  auto rev = BuildOrDie({Spec("w", "enforcement: Warn", kNeedsTeam)});
  struct Case {
    const char* json;
    const char* want;
  } cases[] = {
      {"[]", "$: expected an AdmissionReview object"},
      {R"({"kind":"AdmissionReview","request":{}})", "apiVersion: required"},
      {R"({"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview"})",
       "apiVersion: expected"},
      {R"({"apiVersion":"admission.k8s.io/v1","kind":"Pod"})",
       "kind: expected \"AdmissionReview\""},
      {R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"})", "request: required"},
      {R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":"x"})",
       "request: expected an object"},
      {R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{}})",
       "request.uid: required"},
      {R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":7}})",
       "request.uid: expected a string"},
      {R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":""}})",
       "request.uid: must not be empty"},
      {R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u"}})",
       "request.kind: required"},
      {R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u",
          "kind":{"group":""}}})",
       "request.kind.kind: required"},
      {R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u",
          "kind":{"kind":"Pod"},"operation":"PATCH"}})",
       "request.operation: \"PATCH\" is not one of"},
      {R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u",
          "kind":{"kind":"Pod"},"operation":"CREATE"}})",
       "request.object: required for CREATE"},
      {R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u",
          "kind":{"kind":"Pod"},"operation":"CREATE","namespace":4,"object":{}}})",
       "request.namespace: expected a string"},
      {R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u",
          "kind":{"kind":"Pod"},"operation":"CREATE","object":{"metadata":{"labels":[]}}}})",
       "request.object.metadata.labels: expected an object"},
      {R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u",
          "kind":{"kind":"Pod"},"operation":"DELETE","oldObject":5}})",
       "request.oldObject: expected an object"},
  };
  for (const Case& c : cases) {
    AdmitResult r;
    Status s = rev->Admit(Json(c.json), {}, &r);
    ASSERT_FALSE(s.ok()) << c.json;
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.ToString().find(c.want), std::string::npos) << s.ToString() << "\nwant " << c.want;
  }
}

TEST(Admit, DeleteMatchesLabelsOfOldObject) {
  auto rev =
      BuildOrDie({Spec("protect", R"(match: {labelSelector: {matchLabels: {protected: "true"}}})",
                       R"(package protect
violation contains {"msg": "protected"} if input.review.operation == "DELETE")")});
  std::string review = R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
    "uid":"d","kind":{"group":"","version":"v1","kind":"ConfigMap"},"operation":"DELETE",
    "namespace":"a","oldObject":{"metadata":{"labels":{"protected":"true"}}}}})";
  EXPECT_FALSE(AdmitOrDie(*rev, review).allowed);
}

TEST(Admit, SharedRevisionFromManyThreads) {
  auto rev = BuildOrDie({Spec("needs-team", "enforcement: Deny", kNeedsTeam),
                         Spec("warn-team", "enforcement: Warn",
                              "package warnteam\n" + std::string(kNeedsTeam).substr(15))});
  const Value denied = Json(Review());
  const Value allowed = Json(Review(R"({"team":"x"})"));
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        bool want_allowed = (i + t) % 2 == 0;
        AdmitResult r;
        Status s = rev->Admit(want_allowed ? allowed : denied, {}, &r);
        if (!s.ok() || r.allowed != want_allowed || r.warnings.size() != (want_allowed ? 0u : 1u)) {
          ++wrong;
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(Admit, UpdateMatchesLabelsOfEitherVersion) {
  auto rev =
      BuildOrDie({Spec("protect", R"(match: {labelSelector: {matchLabels: {protected: "true"}}})",
                       R"(package protect
violation contains {"msg": "protected"} if true)")});
  auto review = [](std::string_view now, std::string_view before) {
    return R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
      "uid":"u","kind":{"group":"","version":"v1","kind":"ConfigMap"},"operation":"UPDATE",
      "namespace":"a","object":{"metadata":{"labels":)" +
           std::string(now) + R"(}},"oldObject":{"metadata":{"labels":)" + std::string(before) +
           "}}}}";
  };
  // Removing the label must not escape the policy that protects it.
  EXPECT_FALSE(AdmitOrDie(*rev, review("{}", R"({"protected":"true"})")).allowed);
  EXPECT_FALSE(AdmitOrDie(*rev, review(R"({"protected":"true"})", "{}")).allowed);
  EXPECT_TRUE(AdmitOrDie(*rev, review("{}", "{}")).allowed);
}

TEST(Build, SamePackageTwiceIsAnError) {
  PolicySource src;
  src.policies = {Spec("a", "{}", kNeedsTeam), Spec("b", "{}", kNeedsTeam)};
  std::shared_ptr<const Revision> rev;
  Status s = Build(std::move(src), {}, &rev);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("same package data.labels"), std::string::npos) << s.ToString();
}

TEST(Build, CompileErrorsNameThePolicyAndLocation) {
  PolicySource src;
  src.policies = {
      Spec("broken", "{}", "package broken\n\nviolation contains \"x\" if {\n  y > 1\n}\n")};
  std::shared_ptr<const Revision> rev;
  Status s = Build(std::move(src), {}, &rev);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("broken.rego:4:"), std::string::npos) << s.ToString();
  EXPECT_NE(s.ToString().find("policy \"broken\""), std::string::npos) << s.ToString();

  PolicySource parse;
  parse.policies = {Spec("syntax", "{}", "package syntax\nviolation contains {\n")};
  s = Build(std::move(parse), {}, &rev);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("syntax.rego:"), std::string::npos) << s.ToString();
  EXPECT_NE(s.ToString().find("policy \"syntax\""), std::string::npos) << s.ToString();
}

TEST(Build, PolicySetServesEveryModule) {
  PolicySource src;
  src.policies = {Spec("w", "{}", kNeedsTeam)};
  src.modules = {{"lib.rego", "package lib\nanswer := 42"}};
  std::shared_ptr<const Revision> rev;
  ASSERT_TRUE(Build(std::move(src), {}, &rev).ok());
  PreparedQuery q;
  ASSERT_TRUE(rev->policy_set()->Prepare("data.lib.answer", &q).ok());
  ResultSet rs;
  ASSERT_TRUE(rev->policy_set()->Eval(q, {}, &rs).ok());
  ASSERT_EQ(rs.results.size(), 1u);
  EXPECT_EQ(ToJson(rs.results[0].expressions[0].value), "42");
  EXPECT_EQ(rev->revision().size(), 64u);
  EXPECT_EQ(rev->FindPolicy("w"), 0);
}

}  // namespace
}  // namespace fedra::admission
