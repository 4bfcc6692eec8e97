#include "policy/assembly.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "admission/revision.h"
#include "policy/test_util.h"
#include "value/json.h"

namespace fedra::policy {
namespace {

using testing::Cluster;
using testing::Policy;

std::vector<ResolvedPolicy> Resolved(const MemberCluster& c,
                                     const std::vector<FederatedPolicy>& policies) {
  std::vector<ResolvedPolicy> out;
  for (const FederatedPolicy& p : policies) {
    ResolvedPolicy r;
    if (Resolve(p, c, &r)) out.push_back(std::move(r));
  }
  return out;
}

const char* kImagesRego =
    "package fedra.policies.images\n"
    "import data.fedra.policies.images.lib\n"
    "violation contains {\"msg\": \"latest\"} if lib.latest\n";
const char* kImagesLib =
    "package fedra.policies.images.lib\n"
    "latest if endswith(input.review.object.spec.containers[_].image, \":latest\")\n";

std::vector<FederatedPolicy> Policies() {
  FederatedPolicy images = Policy("images", {{"enforcement", "Warn"}}, kImagesRego);
  images.spec.policy.modules.push_back({"lib", kImagesLib});
  return {Policy("labels", {{"match", {{"kinds", {{{"apiGroups", {""}}, {"kinds", {"Pod"}}}}}}}}),
          images};
}

TEST(AssemblyTest, FedraLayout) {
  MemberCluster c = Cluster("edge-1", "edge");
  bundle::Bundle b;
  Status s = AssembleBundle("edge-1", Tier::kEdge, Resolved(c, Policies()), &b);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(b.modules.size(), 3u);
  EXPECT_EQ(b.modules[0].path, "fedra/policies/images/lib.rego");
  EXPECT_EQ(b.modules[1].path, "fedra/policies/images/main.rego");
  EXPECT_EQ(b.modules[2].path, "fedra/policies/labels/main.rego");
  EXPECT_EQ(b.roots, std::vector<std::string>{""});
  const Value* labels = b.data.Find("fedra")->Find("policies")->Find("labels");
  ASSERT_NE(labels, nullptr);
  EXPECT_EQ(ToJson(*labels->Find("modules")), R"(["fedra/policies/labels/main.rego"])");
  EXPECT_EQ(labels->Find("enforcement")->str(), "Deny");
  const Value* images = b.data.Find("fedra")->Find("policies")->Find("images");
  EXPECT_EQ(ToJson(*images->Find("modules")),
            R"(["fedra/policies/images/main.rego","fedra/policies/images/lib.rego"])");
  auto revisions = PolicyRevisionsOf(b);
  ASSERT_EQ(revisions.size(), 2u);
  EXPECT_EQ(revisions["labels"], ContentRevision(BaseSpec(Policies()[0])));
  EXPECT_EQ(b.metadata.Find("tier")->str(), "edge");
  EXPECT_EQ(b.revision.size(), 64u);
}

TEST(AssemblyTest, DeterministicBytesWhateverTheOrder) {
  MemberCluster c = Cluster("cloud-1");
  std::vector<ResolvedPolicy> list = Resolved(c, Policies());
  bundle::Bundle b1, b2;
  ASSERT_TRUE(AssembleBundle("cloud-1", Tier::kCloud, list, &b1).ok());
  std::reverse(list.begin(), list.end());
  ASSERT_TRUE(AssembleBundle("cloud-1", Tier::kCloud, list, &b2).ok());
  std::string t1, t2;
  ASSERT_TRUE(bundle::WriteBundle(b1, {}, &t1).ok());
  ASSERT_TRUE(bundle::WriteBundle(b2, {}, &t2).ok());
  EXPECT_EQ(t1, t2);
  EXPECT_EQ(b1.revision, b2.revision);
  // Rebuilt from freshly parsed objects: still equal bytes.
  bundle::Bundle b3;
  ASSERT_TRUE(
      AssembleBundle("cloud-1", Tier::kCloud, Resolved(Cluster("cloud-1"), Policies()), &b3).ok());
  std::string t3;
  ASSERT_TRUE(bundle::WriteBundle(b3, {}, &t3).ok());
  EXPECT_EQ(t1, t3);
  // A parameter change changes the revision and the bytes.
  std::vector<FederatedPolicy> changed = Policies();
  changed[0] = Policy("labels", {{"parameters", {{"labels", {"owner"}}}}});
  bundle::Bundle b4;
  ASSERT_TRUE(AssembleBundle("cloud-1", Tier::kCloud, Resolved(c, changed), &b4).ok());
  EXPECT_NE(b4.revision, b1.revision);
}

TEST(AssemblyTest, RejectsMixedOrDuplicatePolicies) {
  MemberCluster c = Cluster("cloud-1");
  std::vector<ResolvedPolicy> list = Resolved(c, Policies());
  list.push_back(list[0]);
  bundle::Bundle b;
  Status s = AssembleBundle("cloud-1", Tier::kCloud, list, &b);
  EXPECT_NE(s.message().find("placed twice"), std::string_view::npos) << s.ToString();
  s = AssembleBundle("edge-1", Tier::kEdge, Resolved(c, Policies()), &b);
  EXPECT_NE(s.message().find("was resolved for cluster \"cloud-1\""), std::string_view::npos);
  // Module "a" and "a.rego" would land at the same path.
  FederatedPolicy p = Policy("p");
  p.spec.policy.modules.push_back({"main", "package x\n"});
  s = AssembleBundle("cloud-1", Tier::kCloud, Resolved(c, {p}), &b);
  EXPECT_NE(s.message().find("two modules at bundle path"), std::string_view::npos);
}

TEST(AssemblyTest, EmptyBundleAndAssembleAll) {
  std::vector<MemberCluster> fleet = {Cluster("a"), Cluster("b", "edge"), Cluster("c")};
  std::vector<FederatedPolicy> policies = Policies();
  policies[1].spec.placement.tiers = {Tier::kEdge};
  std::map<std::pair<std::string, Tier>, bundle::Bundle> bundles;
  ASSERT_TRUE(AssembleAll(PlaceAll(policies, fleet), fleet, &bundles).ok());
  ASSERT_EQ(bundles.size(), 3u);
  const bundle::Bundle& a = bundles[std::make_pair(std::string("a"), Tier::kCloud)];
  const bundle::Bundle& b = bundles[std::make_pair(std::string("b"), Tier::kEdge)];
  const bundle::Bundle& c = bundles[std::make_pair(std::string("c"), Tier::kCloud)];
  EXPECT_EQ(a.modules.size(), 1u);
  EXPECT_EQ(b.modules.size(), 3u);
  EXPECT_EQ(a.revision, c.revision);
  bundle::Bundle empty;
  ASSERT_TRUE(AssembleBundle("x", Tier::kCloud, {}, &empty).ok());
  EXPECT_TRUE(empty.modules.empty());
  EXPECT_TRUE(PolicyRevisionsOf(empty).empty());
}

// The engine reads what the hub assembles: archive bytes -> ReadBundle ->
// PoliciesFromData -> Build -> Admit, with the cluster's overrides in force.
TEST(AssemblyTest, EngineLoadsTheBundleAndEnforcesOverrides) {
  std::vector<FederatedPolicy> policies = Policies();
  Override warn;
  warn.clusters = {"edge-1"};
  warn.enforcement = admission::Enforcement::kWarn;
  policies[0].spec.overrides.push_back(warn);
  MemberCluster c = Cluster("edge-1", "edge");
  bundle::Bundle b;
  ASSERT_TRUE(AssembleBundle("edge-1", Tier::kEdge, Resolved(c, policies), &b).ok());
  std::string targz;
  ASSERT_TRUE(bundle::WriteBundle(b, {}, &targz).ok());
  bundle::Bundle read;
  Status s = bundle::ReadBundle(targz, {}, &read);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(read.revision, b.revision);
  std::vector<admission::PolicyModule> modules;
  for (const bundle::Module& m : read.modules) modules.push_back({m.path, m.source});
  admission::PolicySource src;
  s = admission::PoliciesFromData(read.data, modules, &src);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::shared_ptr<const admission::Revision> rev;
  s = admission::Build(std::move(src), {}, &rev);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(rev->policies().size(), 2u);
  Value review;
  ASSERT_TRUE(ParseJson(R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
      "request": {"uid": "u1", "kind": {"group": "", "version": "v1", "kind": "Pod"},
        "resource": {"group": "", "version": "v1", "resource": "pods"},
        "operation": "CREATE", "name": "p", "namespace": "default",
        "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                   "spec": {"containers": [{"name": "c", "image": "nginx:latest"}]}}}})",
                        &review)
                  .ok());
  admission::AdmitResult r;
  ASSERT_TRUE(rev->Admit(review, {}, &r).ok());
  EXPECT_TRUE(r.allowed);  // labels: Warn on edge-1; images: Warn
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_NE(r.warnings[0].find("latest"), std::string::npos);
  EXPECT_NE(r.warnings[1].find("missing label team"), std::string::npos);
}

// A Rego v0 policy (a Gatekeeper template's Rego, unchanged) next to a v1
// one: the bundle must tell the engine which syntax each module uses.
// Disabled: bundle::WriteBundle writes only the manifest's rego_version, not
// file_rego_versions from Module::rego_version, so the v0 module is read back
// as v1 and rejected. Enable once WriteBundle writes per-file versions.
TEST(AssemblyTest, MixedRegoVersionsSurviveTheBundle) {
  const char* v0 =
      "package k8srequiredlabels\n"
      "violation[{\"msg\": msg}] {\n"
      "  not input.review.object.metadata.labels.owner\n"
      "  msg := \"owner label required\"\n"
      "}\n";
  std::vector<FederatedPolicy> policies = {Policy("gk", {{"regoVersion", "v0"}}, v0),
                                           Policy("labels")};
  MemberCluster c = Cluster("cloud-1");
  bundle::Bundle b;
  ASSERT_TRUE(AssembleBundle("cloud-1", Tier::kCloud, Resolved(c, policies), &b).ok());
  std::string targz;
  ASSERT_TRUE(bundle::WriteBundle(b, {}, &targz).ok());
  bundle::Bundle read;
  Status s = bundle::ReadBundle(targz, {}, &read);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::vector<admission::PolicyModule> modules;
  for (const bundle::Module& m : read.modules) modules.push_back({m.path, m.source});
  admission::PolicySource src;
  ASSERT_TRUE(admission::PoliciesFromData(read.data, modules, &src).ok());
  std::shared_ptr<const admission::Revision> rev;
  s = admission::Build(std::move(src), {}, &rev);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(rev->policies().size(), 2u);
}

// Only v0 modules: the manifest says so and the engine reads them as v0.
TEST(AssemblyTest, RegoV0OnlyBundle) {
  const char* v0 =
      "package k8srequiredlabels\n"
      "violation[{\"msg\": msg}] {\n"
      "  not input.review.object.metadata.labels.owner\n"
      "  msg := \"owner label required\"\n"
      "}\n";
  MemberCluster c = Cluster("cloud-1");
  bundle::Bundle b;
  ASSERT_TRUE(AssembleBundle("cloud-1", Tier::kCloud,
                             Resolved(c, {Policy("gk", {{"regoVersion", "v0"}}, v0)}), &b)
                  .ok());
  EXPECT_EQ(b.rego_version, 0);
  std::string targz;
  ASSERT_TRUE(bundle::WriteBundle(b, {}, &targz).ok());
  bundle::Bundle read;
  Status s = bundle::ReadBundle(targz, {}, &read);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::vector<admission::PolicyModule> modules;
  for (const bundle::Module& m : read.modules) modules.push_back({m.path, m.source});
  admission::PolicySource src;
  ASSERT_TRUE(admission::PoliciesFromData(read.data, modules, &src).ok());
  std::shared_ptr<const admission::Revision> rev;
  s = admission::Build(std::move(src), {}, &rev);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(rev->policies().size(), 1u);
}

}  // namespace
}  // namespace fedra::policy
