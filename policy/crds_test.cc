// crds/*.yaml and examples/policies/*.yaml: the CRDs are structural and
// complete, every example passes its CRD's schema, the engine's parser and
// the operator's validation, and compiles; what the operator writes back
// (status, MemberPolicies) passes the schemas too.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "admission/documents.h"
#include "admission/gatekeeper.h"
#include "admission/revision.h"
#include "policy/json_util.h"
#include "policy/placement.h"
#include "policy/rollup.h"
#include "policy/schema.h"
#include "policy/test_util.h"
#include "value/json.h"

namespace fedra::policy {
namespace {

namespace fs = std::filesystem;

std::vector<Json> Load(const fs::path& file) {
  std::vector<Value> docs;
  Status s = admission::ReadDocuments(file.string(), &docs);
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::vector<Json> out;
  for (const Value& v : docs) out.push_back(internal::FromValue(v));
  return out;
}

std::vector<fs::path> YamlFiles(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".yaml") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Describe(const std::vector<FieldError>& errors) {
  return ErrorsToStatus(errors).ToString();
}

class CrdsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (const fs::path& f : YamlFiles(fs::path(FEDRA_SOURCE_DIR) / "crds")) {
      for (const Json& doc : Load(f)) {
        CrdInfo info;
        std::vector<FieldError> errors = CheckCrd(doc, &info);
        EXPECT_TRUE(errors.empty()) << f << ": " << Describe(errors);
        crds_[info.kind] = info;
      }
    }
  }
  static const CrdInfo& Crd(const std::string& kind) { return crds_.at(kind); }
  static std::vector<FieldError> Check(const Json& obj) {
    std::string kind = obj.value("kind", "");
    if (!crds_.count(kind)) return {{"kind", "no CRD for " + kind}};
    Json defaulted = obj;
    ApplyDefaults(Crd(kind).schema, &defaulted);
    return ValidateAgainstSchema(Crd(kind).schema, defaulted);
  }
  static std::map<std::string, CrdInfo> crds_;
};

std::map<std::string, CrdInfo> CrdsTest::crds_;

TEST_F(CrdsTest, ThreeKindsWithNamesColumnsAndStatus) {
  ASSERT_EQ(crds_.size(), 3u);
  struct Want {
    const char* kind;
    const char* plural;
    const char* short_name;
    std::vector<std::string> columns;
  } wants[] = {
      {"FederatedPolicy",
       "federatedpolicies",
       "fp",
       {"Type", "Enforcement", "Revision", "Clusters", "Ready", "Suspended", "Age"}},
      {"MemberCluster",
       "memberclusters",
       "mc",
       {"Tier", "Ready", "Engines", "Policies", "Version", "Last Heartbeat", "Age"}},
      {"MemberPolicy", "memberpolicies", "mp", {"Type", "Enforcement", "Revision", "Hub", "Age"}},
  };
  for (const Want& w : wants) {
    const CrdInfo& c = Crd(w.kind);
    EXPECT_EQ(c.group, "policy.fedra.io");
    EXPECT_EQ(c.version, "v1alpha1");
    EXPECT_EQ(c.scope, "Cluster");
    EXPECT_EQ(c.plural, w.plural);
    EXPECT_EQ(c.short_names.at(0), w.short_name);
    EXPECT_EQ(c.categories, std::vector<std::string>{"fedra"});
    EXPECT_TRUE(c.status_subresource);
    std::vector<std::string> names;
    for (const Json& col : c.printer_columns) names.push_back(col["name"]);
    EXPECT_EQ(names, w.columns) << w.kind;
    // kstatus conditions: a map list keyed by type, with observedGeneration.
    const Json& conds = c.schema["properties"]["status"]["properties"]["conditions"];
    EXPECT_EQ(conds["x-kubernetes-list-type"], "map");
    EXPECT_TRUE(conds["items"]["properties"].contains("observedGeneration"));
    EXPECT_EQ(conds["items"]["properties"]["status"]["enum"].size(), 3u);
    EXPECT_TRUE(c.schema["properties"]["status"]["properties"].contains("observedGeneration"));
  }
  // The FederatedPolicy CEL rules are there (their C++ twins are tested in types_test).
  std::string text = Crd("FederatedPolicy").schema.dump();
  for (const char* rule : {"self.all(t, self.exists_one(u, u == t))",
                           "has(self.clusters) || has(self.clusterSelector)",
                           "o.clusters.all(c, c in self.placement.clusters)"}) {
    EXPECT_NE(text.find(rule), std::string::npos) << rule;
  }
}

TEST_F(CrdsTest, StructuralCheckerCatchesWhatTheApiServerRejects) {
  struct Case {
    const char* schema;
    const char* want_path;
  } cases[] = {
      {R"({"type": "object", "properties": {"a": {"description": "untyped"}}})",
       "x.properties.a.type"},
      {R"({"type": "object", "properties": {"a": {"type": "object", "properties": {}, "additionalProperties": {"type": "string"}}}})",
       "x.properties.a.additionalProperties"},
      {R"({"type": "object", "properties": {"a": {"type": "array"}}})", "x.properties.a.items"},
      {R"({"type": "object", "properties": {"a": {"type": "string", "enum": ["x", 1]}}})",
       "x.properties.a.enum[1]"},
      {R"({"type": "object", "properties": {"a": {"type": "string", "default": 3}}})",
       "x.properties.a.default"},
      {R"({"type": "object", "properties": {"a": {"type": "array", "items": {"type": "object"}, "x-kubernetes-list-type": "set"}}})",
       "x.properties.a.x-kubernetes-list-type"},
      {R"({"type": "object", "properties": {"a": {"type": "array", "items": {"type": "object", "properties": {"k": {"type": "string"}}}, "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["k"]}}})",
       "x.properties.a.x-kubernetes-list-map-keys"},
      {R"({"type": "object", "properties": {"metadata": {"type": "object", "properties": {"labels": {"type": "object"}}}}})",
       "x.properties.metadata.properties.labels"},
      {R"({"type": "object", "properties": {"a": {"type": "string", "requird": true}}})",
       "x.properties.a.requird"},
      {R"({"type": "object", "properties": {"a": {"type": "string", "x-kubernetes-validations": [{"message": "m"}]}}})",
       "x.properties.a.x-kubernetes-validations[0].rule"},
      {R"({"type": "object", "anyOf": [{"type": "string"}]})", "x.anyOf[0].type"},
      {R"({"type": "object", "required": ["b"], "properties": {"a": {"type": "string"}}})",
       "x.required[0]"},
  };
  for (const Case& c : cases) {
    std::vector<FieldError> errors = CheckStructural(Json::parse(c.schema), "x");
    bool found = false;
    for (const FieldError& e : errors) found = found || e.path == c.want_path;
    EXPECT_TRUE(found) << c.schema << " -> " << Describe(errors);
  }
  // Keywords with values of the wrong type are errors, never exceptions.
  Json odd = Json::parse(R"({"type": "object", "properties": {
      "a": {"type": "string", "minLength": "3", "format": 7, "pattern": "("},
      "b": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set",
            "x-kubernetes-list-map-keys": [1], "maxItems": 1.5},
      "c": {"type": "integer", "minimum": "0"}}})");
  std::vector<FieldError> odd_errors = CheckStructural(odd, "x");
  EXPECT_GE(odd_errors.size(), 5u) << Describe(odd_errors);
  Json obj = {{"a", "xy"}, {"b", {"p", "q"}}, {"c", -1}};
  EXPECT_FALSE(ValidateAgainstSchema(odd, obj).empty());
  ApplyDefaults(odd, &obj);
  CrdInfo info;
  EXPECT_FALSE(CheckCrd(Json::array(), &info).empty());
  EXPECT_FALSE(
      CheckCrd(Json::parse(R"({"spec": {"versions": [{"served": "yes", "storage": 1}]}})"), &info)
          .empty());
  EXPECT_TRUE(CheckStructural(Json::parse(R"({"type": "object", "properties": {
      "p": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
      "q": {"x-kubernetes-int-or-string": true}}})"),
                              "x")
                  .empty());
}

TEST_F(CrdsTest, SchemaValidationNamesPaths) {
  Json good = ToJson(testing::Policy("p"));
  EXPECT_TRUE(Check(good).empty()) << Describe(Check(good));
  struct Case {
    const char* path;  // JSON pointer to set
    Json value;
    const char* want_path;
    const char* want;
  } cases[] = {
      {"/spec/enforcement", "deny", "spec.enforcement", "Unsupported value"},
      {"/spec/placement/tiers", {"edge", "edge"}, "spec.placement.tiers[1]", "Duplicate value"},
      {"/spec/placement/tiers", {"fog"}, "spec.placement.tiers[0]", "Unsupported value"},
      {"/spec/modules", Json::array(), "spec.modules", "at least 1"},
      {"/spec/modules/0/name", "dir/main.rego", "spec.modules[0].name", "should match"},
      {"/spec/modules/1",
       {{"name", "main.rego"}, {"rego", "package x"}},
       "spec.modules[1]",
       "Duplicate value"},
      {"/spec/match/operations", {"PATCH"}, "spec.match.operations[0]", "Unsupported value"},
      {"/spec/match/namespace", {"a"}, "spec.match.namespace", "unknown field"},
      {"/spec/suspend", "true", "spec.suspend", "expected boolean"},
      {"/spec/overrides",
       {{{"clusters", Json::array()}, {"suspend", true}}},
       "spec.overrides[0].clusters",
       "at least 1"},
      {"/status/conditions/0",
       {{"type", "Ready"}, {"status", "Maybe"}},
       "status.conditions[0].status",
       "Unsupported value"},
  };
  for (const Case& c : cases) {
    Json doc = good;
    doc[Json::json_pointer(c.path)] = c.value;
    std::vector<FieldError> errors = Check(doc);
    bool found = false;
    for (const FieldError& e : errors) {
      found = found || (e.path == c.want_path && e.message.find(c.want) != std::string::npos);
    }
    EXPECT_TRUE(found) << c.path << " -> " << Describe(errors);
  }
  // parameters keep unknown fields at any depth.
  Json doc = good;
  doc["spec"]["parameters"] = {{"deep", {{"any", {1, "two", nullptr}}}}};
  doc["spec"]["overrides"] = {{{"clusters", {"a"}}, {"parameters", {{"x", {{"y", 1}}}}}}};
  EXPECT_TRUE(Check(doc).empty()) << Describe(Check(doc));
}

TEST_F(CrdsTest, DefaultsMatchTheOperatorsDefaults) {
  Json bare = Json::parse(R"({"apiVersion": "policy.fedra.io/v1alpha1", "kind": "MemberCluster",
      "metadata": {"name": "c"}, "spec": {"kubeconfigSecretRef": {"namespace": "n", "name": "s"}}})");
  Json defaulted = bare;
  ApplyDefaults(Crd("MemberCluster").schema, &defaulted);
  MemberCluster from_bare, from_defaulted;
  ASSERT_TRUE(ParseMemberCluster(bare, &from_bare).ok());
  ASSERT_TRUE(ParseMemberCluster(defaulted, &from_defaulted).ok());
  EXPECT_EQ(defaulted["spec"]["engineService"]["port"], 443);
  EXPECT_EQ(ToJson(from_bare), ToJson(from_defaulted));

  Json policy = ToJson(testing::Policy("p"));
  for (const char* k : {"type", "enforcement", "regoVersion", "failurePolicy"})
    policy["spec"].erase(k);
  Json pd = policy;
  ApplyDefaults(Crd("FederatedPolicy").schema, &pd);
  EXPECT_EQ(pd["spec"]["type"], "Admission");
  EXPECT_FALSE(pd["spec"].contains("failurePolicy"));  // depends on enforcement: no schema default
  FederatedPolicy a, b;
  ASSERT_TRUE(ParseFederatedPolicy(policy, &a).ok());
  ASSERT_TRUE(ParseFederatedPolicy(pd, &b).ok());
  EXPECT_EQ(ContentRevision(BaseSpec(a)), ContentRevision(BaseSpec(b)));
}

TEST_F(CrdsTest, ExamplesPassSchemaEngineAndOperator) {
  std::vector<FederatedPolicy> policies;
  std::vector<MemberCluster> clusters;
  size_t docs = 0;
  for (const fs::path& f : YamlFiles(fs::path(FEDRA_SOURCE_DIR) / "examples" / "policies")) {
    for (const Json& doc : Load(f)) {
      ++docs;
      SCOPED_TRACE(f.filename().string() + " " + doc["metadata"].value("name", ""));
      std::vector<FieldError> errors = Check(doc);
      EXPECT_TRUE(errors.empty()) << Describe(errors);
      Json defaulted = doc;
      ApplyDefaults(Crd(doc["kind"].get<std::string>()).schema, &defaulted);
      if (doc["kind"] == "FederatedPolicy") {
        Value v;
        ASSERT_TRUE(internal::ToValue(defaulted, &v).ok());
        admission::PolicySpec engine_view;
        Status s = admission::ParsePolicy(v, "", &engine_view);
        EXPECT_TRUE(s.ok()) << s.ToString();
        FederatedPolicy p;
        s = ParseFederatedPolicy(defaulted, &p);
        ASSERT_TRUE(s.ok()) << s.ToString();
        EXPECT_TRUE(ValidateFederatedPolicy(p).empty()) << Describe(ValidateFederatedPolicy(p));
        CompileReport r = CheckCompiles(p);
        EXPECT_TRUE(r.ok) << (r.messages.empty() ? "" : r.messages[0]);
        // The hub's reading and the engine's agree.
        EXPECT_EQ(admission::PolicySpecToValue(engine_view),
                  admission::PolicySpecToValue(p.spec.policy));
        // What the operator writes back passes the schema.
        Json written = ToJson(p);
        EXPECT_TRUE(Check(written).empty()) << Describe(Check(written));
        policies.push_back(std::move(p));
      } else {
        ASSERT_EQ(doc["kind"], "MemberCluster");
        MemberCluster c;
        Status s = ParseMemberCluster(defaulted, &c);
        ASSERT_TRUE(s.ok()) << s.ToString();
        EXPECT_TRUE(ValidateMemberCluster(c).empty());
        EXPECT_TRUE(Check(ToJson(c)).empty()) << Describe(Check(ToJson(c)));
        clusters.push_back(std::move(c));
      }
    }
  }
  EXPECT_GE(policies.size(), 4u);
  EXPECT_EQ(clusters.size(), 2u);
  EXPECT_EQ(docs, policies.size() + clusters.size());

  // Placement of the examples over the example clusters, as `make run` sees it.
  std::vector<ResolvedPolicy> placed = PlaceAll(policies, clusters);
  std::map<std::string, std::vector<std::string>> by_cluster;
  for (const ResolvedPolicy& r : placed) {
    by_cluster[r.cluster].push_back(r.policy);
    MemberPolicy mp = ToMemberPolicy(r, "hub");
    Json j = ToJson(mp);
    j["status"]["revision"] = r.revision;
    EXPECT_TRUE(Check(j).empty()) << Describe(Check(j));
    if (r.cluster == "edge-1" && r.policy == "required-labels") {
      EXPECT_EQ(r.spec.enforcement, admission::Enforcement::kWarn);
    }
  }
  EXPECT_EQ(by_cluster["cloud-1"],
            (std::vector<std::string>{"disallow-latest-tag", "memory-limits-advice",
                                      "ns-must-have-owner", "required-labels"}));
  EXPECT_EQ(
      by_cluster["edge-1"],
      (std::vector<std::string>{"memory-limits-advice", "ns-must-have-owner", "required-labels"}));
  // Status written by the roll-up passes the schema.
  CompileReport ok;
  ok.ok = true;
  RollUpInput in;
  in.policy = &policies[0];
  in.compile = &ok;
  in.now = "2026-11-28T09:00:00Z";
  for (const ResolvedPolicy& r : placed) {
    if (r.policy == policies[0].metadata.name) in.placed.push_back(&r);
  }
  policies[0].status = RollUp(in);
  EXPECT_TRUE(Check(ToJson(policies[0])).empty()) << Describe(Check(ToJson(policies[0])));
  MemberCluster c = clusters[0];
  c.status = RollUpCluster(c, {}, "v1.31.0", 3, "2026-11-28T09:00:00Z");
  EXPECT_TRUE(Check(ToJson(c)).empty()) << Describe(Check(ToJson(c)));
}

// The Gatekeeper pair and its FederatedPolicy form are one policy: the same
// spec and the same Rego, and they decide alike.
TEST_F(CrdsTest, GatekeeperPairAsFederatedPolicy) {
  fs::path dir = fs::path(FEDRA_SOURCE_DIR) / "examples" / "policies";
  std::vector<Json> tdocs = Load(dir / "gatekeeper" / "template.yaml");
  std::vector<Json> cdocs = Load(dir / "gatekeeper" / "constraint.yaml");
  std::vector<Json> fdocs = Load(dir / "gatekeeper-required-labels.yaml");
  ASSERT_EQ(tdocs.size(), 1u);
  ASSERT_EQ(cdocs.size(), 1u);
  ASSERT_EQ(fdocs.size(), 1u);
  Value tv, cv;
  ASSERT_TRUE(internal::ToValue(tdocs[0], &tv).ok());
  ASSERT_TRUE(internal::ToValue(cdocs[0], &cv).ok());
  admission::ConstraintTemplate tmpl;
  ASSERT_TRUE(admission::ParseConstraintTemplate(tv, "template.yaml", &tmpl).ok());
  admission::PolicySpec from_gatekeeper;
  Status s = admission::ConstraintToPolicy(tmpl, cv, &from_gatekeeper);
  ASSERT_TRUE(s.ok()) << s.ToString();
  FederatedPolicy fp;
  ASSERT_TRUE(ParseFederatedPolicy(fdocs[0], &fp).ok());
  EXPECT_EQ(fp.metadata.name, from_gatekeeper.name);
  EXPECT_EQ(admission::PolicySpecToValue(fp.spec.policy),
            admission::PolicySpecToValue(from_gatekeeper));
  ASSERT_EQ(fp.spec.policy.modules.size(), from_gatekeeper.modules.size());
  for (size_t i = 0; i < from_gatekeeper.modules.size(); ++i) {
    EXPECT_EQ(fp.spec.policy.modules[i].rego, from_gatekeeper.modules[i].rego);
  }

  // Both decide a Namespace without an owner label the same way.
  Value ns;
  ASSERT_TRUE(ParseJson(R"({"apiVersion": "v1", "kind": "Namespace",
      "metadata": {"name": "shop", "labels": {"team": "x"}}})",
                        &ns)
                  .ok());
  Value review;
  ASSERT_TRUE(admission::ReviewForObject(ns, "u1", &review).ok());
  std::vector<std::string> messages;
  for (admission::PolicySpec spec : {from_gatekeeper, BaseSpec(fp)}) {
    admission::PolicySource src;
    src.policies.push_back(std::move(spec));
    std::shared_ptr<const admission::Revision> rev;
    s = admission::Build(std::move(src), {}, &rev);
    ASSERT_TRUE(s.ok()) << s.ToString();
    admission::AdmitResult r;
    ASSERT_TRUE(rev->Admit(review, {}, &r).ok());
    EXPECT_FALSE(r.allowed);
    ASSERT_EQ(r.decisions.size(), 1u);
    ASSERT_EQ(r.decisions[0].violations.size(), 1u);
    messages.push_back(r.decisions[0].violations[0].message);
  }
  EXPECT_EQ(messages[0], messages[1]);
  EXPECT_NE(messages[0].find("owner"), std::string::npos);
}

}  // namespace
}  // namespace fedra::policy
