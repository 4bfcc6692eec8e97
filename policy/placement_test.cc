#include "policy/placement.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "policy/json_util.h"
#include "policy/test_util.h"

namespace fedra::policy {
namespace {

using testing::Cluster;
using testing::Policy;

std::vector<MemberCluster> Fleet() {
  return {Cluster("cloud-eu", "cloud", {{"env", "prod"}, {"region", "eu"}}),
          Cluster("cloud-us", "cloud", {{"env", "prod"}, {"region", "us"}}),
          Cluster("cloud-dev", "cloud", {{"env", "dev"}}),
          Cluster("edge-1", "edge", {{"env", "prod"}, {"site", "s1"}}),
          Cluster("edge-2", "edge", {{"site", "s2"}})};
}

std::vector<std::string> PlacedOn(const FederatedPolicy& p) {
  std::vector<std::string> out;
  for (const MemberCluster& c : Fleet()) {
    ResolvedPolicy r;
    if (Resolve(p, c, &r)) out.push_back(r.cluster);
  }
  return out;
}

TEST(PlacementTest, NoCriteriaPlacesEverywhere) { EXPECT_EQ(PlacedOn(Policy("p")).size(), 5u); }

TEST(PlacementTest, SelectorsTiersAndNames) {
  struct Case {
    const char* placement;
    std::vector<std::string> want;
  } cases[] = {
      {R"({"clusterSelector": {"matchLabels": {"env": "prod"}}})",
       {"cloud-eu", "cloud-us", "edge-1"}},
      {R"({"clusterSelector": {"matchLabels": {"env": "prod", "region": "eu"}}})", {"cloud-eu"}},
      {R"({"clusterSelector": {"matchExpressions": [{"key": "env", "operator": "In", "values": ["dev", "prod"]}]}})",
       {"cloud-eu", "cloud-us", "cloud-dev", "edge-1"}},
      {R"({"clusterSelector": {"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["prod"]}]}})",
       {"cloud-dev", "edge-2"}},  // NotIn matches a missing label
      {R"({"clusterSelector": {"matchExpressions": [{"key": "site", "operator": "Exists"}]}})",
       {"edge-1", "edge-2"}},
      {R"({"clusterSelector": {"matchExpressions": [{"key": "site", "operator": "DoesNotExist"}]}})",
       {"cloud-eu", "cloud-us", "cloud-dev"}},
      {R"({"clusterSelector": {}})", {"cloud-eu", "cloud-us", "cloud-dev", "edge-1", "edge-2"}},
      {R"({"tiers": ["edge"]})", {"edge-1", "edge-2"}},
      {R"({"tiers": ["cloud", "edge"]})",
       {"cloud-eu", "cloud-us", "cloud-dev", "edge-1", "edge-2"}},
      {R"({"clusters": ["edge-2", "cloud-us", "missing"]})", {"cloud-us", "edge-2"}},
      // Every criterion given must hold.
      {R"({"clusters": ["cloud-eu", "edge-2"], "tiers": ["edge"]})", {"edge-2"}},
      {R"({"clusterSelector": {"matchLabels": {"env": "prod"}}, "tiers": ["edge"]})", {"edge-1"}},
      {R"({"clusterSelector": {"matchLabels": {"env": "prod"}}, "clusters": ["cloud-dev"]})", {}},
  };
  for (const Case& c : cases) {
    FederatedPolicy p = Policy("p", {{"placement", Json::parse(c.placement)}});
    EXPECT_EQ(PlacedOn(p), c.want) << c.placement;
  }
}

TEST(PlacementTest, SuspendWithdrawsEverywhere) {
  EXPECT_TRUE(PlacedOn(Policy("p", {{"suspend", true}})).empty());
  FederatedPolicy p = Policy("p", Json::parse(R"({
      "overrides": [{"clusterSelector": {"matchLabels": {"env": "prod"}}, "suspend": true}]})"));
  EXPECT_EQ(PlacedOn(p), (std::vector<std::string>{"cloud-dev", "edge-2"}));
  p = Policy("p", Json::parse(R"({"overrides": [{"clusters": ["edge-1"], "suspend": true}]})"));
  EXPECT_EQ(PlacedOn(p).size(), 4u);
}

ResolvedPolicy ResolveOn(const FederatedPolicy& p, const std::string& cluster) {
  for (const MemberCluster& c : Fleet()) {
    if (c.metadata.name != cluster) continue;
    ResolvedPolicy r;
    EXPECT_TRUE(Resolve(p, c, &r)) << cluster;
    return r;
  }
  ADD_FAILURE() << "no cluster " << cluster;
  return {};
}

TEST(PlacementTest, OverridesApplyInOrderLastWins) {
  FederatedPolicy p = Policy("p", Json::parse(R"({
      "enforcement": "Deny",
      "parameters": {"labels": ["team"], "limits": {"cpu": "1", "memory": "1Gi"}, "drop": 1},
      "overrides": [
        {"clusterSelector": {"matchLabels": {"env": "prod"}}, "enforcement": "Warn",
         "parameters": {"limits": {"cpu": "2"}, "drop": null}},
        {"clusters": ["cloud-eu"], "enforcement": "DryRun", "parameters": {"labels": ["team", "owner"]}},
        {"clusters": ["cloud-eu", "edge-2"], "clusterSelector": {"matchLabels": {"region": "eu"}},
         "parameters": {"extra": true}}]})"));
  ResolvedPolicy eu = ResolveOn(p, "cloud-eu");
  EXPECT_EQ(eu.spec.enforcement, admission::Enforcement::kDryRun);
  Json params = internal::FromValue(eu.spec.parameters);
  EXPECT_EQ(params, Json::parse(R"({"labels": ["team", "owner"],
      "limits": {"cpu": "2", "memory": "1Gi"}, "extra": true})"));
  ResolvedPolicy us = ResolveOn(p, "cloud-us");
  EXPECT_EQ(us.spec.enforcement, admission::Enforcement::kWarn);
  EXPECT_EQ(internal::FromValue(us.spec.parameters),
            Json::parse(R"({"labels": ["team"], "limits": {"cpu": "2", "memory": "1Gi"}})"));
  // Both clusters and clusterSelector given: both must hold (edge-2 is not in eu).
  ResolvedPolicy edge2 = ResolveOn(p, "edge-2");
  EXPECT_EQ(edge2.spec.enforcement, admission::Enforcement::kDeny);
  EXPECT_EQ(
      internal::FromValue(edge2.spec.parameters),
      Json::parse(R"({"labels": ["team"], "limits": {"cpu": "1", "memory": "1Gi"}, "drop": 1})"));
  // The unplaced base is untouched and different.
  EXPECT_NE(eu.revision, us.revision);
  EXPECT_NE(us.revision, edge2.revision);
  EXPECT_EQ(edge2.revision, ContentRevision(BaseSpec(p)));
}

TEST(PlacementTest, FailurePolicyFollowsOverriddenEnforcementUnlessWritten) {
  const char* overrides = R"([{"clusters": ["edge-1"], "enforcement": "Warn"}])";
  FederatedPolicy p = Policy("p", {{"overrides", Json::parse(overrides)}});
  EXPECT_EQ(ResolveOn(p, "edge-1").spec.failure_policy, admission::FailurePolicy::kIgnore);
  EXPECT_EQ(ResolveOn(p, "edge-2").spec.failure_policy, admission::FailurePolicy::kFail);
  p = Policy("p", {{"failurePolicy", "Fail"}, {"overrides", Json::parse(overrides)}});
  EXPECT_EQ(ResolveOn(p, "edge-1").spec.failure_policy, admission::FailurePolicy::kFail);
}

TEST(PlacementTest, RevisionIgnoresKeyOrderAndInputOrder) {
  Json a = Json::parse(R"({"parameters": {"x": 1, "y": {"b": 2, "a": [1, 2]}},
      "match": {"operations": ["CREATE"], "kinds": [{"kinds": ["Pod"], "apiGroups": [""]}]}})");
  Json b = Json::parse(
      R"({"match": {"kinds": [{"apiGroups": [""], "kinds": ["Pod"]}], "operations": ["CREATE"]},
      "parameters": {"y": {"a": [1, 2], "b": 2}, "x": 1}})");
  FederatedPolicy pa = Policy("p", a), pb = Policy("p", b);
  ResolvedPolicy ra = ResolveOn(pa, "edge-1"), rb = ResolveOn(pb, "edge-1");
  EXPECT_EQ(ra.revision, rb.revision);
  EXPECT_EQ(ra.revision.size(), 64u);
  EXPECT_EQ(ra.revision.find_first_not_of("0123456789abcdef"), std::string::npos);
  // Spelling a default explicitly changes nothing; content changes do.
  EXPECT_EQ(ContentRevision(BaseSpec(Policy("p"))),
            ContentRevision(BaseSpec(Policy("p", {{"type", "Admission"}, {"regoVersion", "v1"}}))));
  EXPECT_NE(ra.revision, ContentRevision(BaseSpec(Policy("q", a))));
  EXPECT_NE(ra.revision, ContentRevision(BaseSpec(Policy("p", {{"enforcement", "Warn"}}))));
  EXPECT_NE(ContentRevision(BaseSpec(Policy("p"))),
            ContentRevision(BaseSpec(Policy("p", {}, std::string(testing::kLabelsRego) + "\n"))));
  // The same for every cluster it resolves equally on.
  EXPECT_EQ(ResolveOn(pa, "edge-1").revision, ResolveOn(pa, "cloud-us").revision);

  std::vector<FederatedPolicy> policies = {Policy("a"), Policy("b", {{"enforcement", "Warn"}}),
                                           Policy("c", {{"placement", {{"tiers", {"edge"}}}}})};
  std::vector<MemberCluster> fleet = Fleet();
  std::vector<ResolvedPolicy> first = PlaceAll(policies, fleet);
  std::mt19937 rng(7);
  for (int i = 0; i < 5; ++i) {
    std::shuffle(policies.begin(), policies.end(), rng);
    std::shuffle(fleet.begin(), fleet.end(), rng);
    std::vector<ResolvedPolicy> again = PlaceAll(policies, fleet);
    ASSERT_EQ(again.size(), first.size());
    for (size_t j = 0; j < first.size(); ++j) {
      EXPECT_EQ(again[j].cluster, first[j].cluster);
      EXPECT_EQ(again[j].policy, first[j].policy);
      EXPECT_EQ(again[j].revision, first[j].revision);
    }
  }
  EXPECT_EQ(first.size(), 5u + 5u + 2u);
  EXPECT_EQ(first.front().cluster, "cloud-dev");
}

TEST(PlacementTest, MemberPolicyCarriesHubAndRevision) {
  ResolvedPolicy r = ResolveOn(Policy("labels"), "edge-1");
  MemberPolicy mp = ToMemberPolicy(r, "hub-1");
  EXPECT_EQ(mp.metadata.name, "labels");
  EXPECT_EQ(mp.metadata.labels.at(std::string(kHubLabel)), "hub-1");
  EXPECT_EQ(mp.metadata.labels.at(std::string(kPolicyLabel)), "labels");
  EXPECT_EQ(mp.metadata.labels.at(std::string(kRevisionLabel)), r.revision.substr(0, 32));
  EXPECT_EQ(mp.metadata.annotations.at(std::string(kRevisionAnnotation)), r.revision);
  // What a member stores parses back to the same content, so its revision
  // can be recomputed there (drift detection).
  MemberPolicy back;
  ASSERT_TRUE(ParseMemberPolicy(ToJson(mp), &back).ok());
  EXPECT_EQ(ContentRevision(back.spec), r.revision);
  // A name too long for a label value is left out of the labels.
  std::string long_name(70, 'a');
  r.policy = long_name;
  EXPECT_EQ(ToMemberPolicy(r, "hub").metadata.labels.count(std::string(kPolicyLabel)), 0u);
}

TEST(PlacementTest, DriftInTheMemberIsDetected) {
  ResolvedPolicy want = ResolveOn(Policy("labels"), "edge-1");
  MemberPolicy applied = ToMemberPolicy(want, "hub-1");
  Json payload = ToApplyJson(applied);
  EXPECT_FALSE(payload.contains("status"));
  EXPECT_EQ(payload["kind"], "MemberPolicy");
  // Read back from the member (the API server adds uid, resourceVersion, ...).
  Json stored = payload;
  stored["metadata"]["uid"] = "u-1";
  stored["metadata"]["resourceVersion"] = "42";
  stored["status"] = {{"revision", want.revision}};
  MemberPolicy found;
  ASSERT_TRUE(ParseMemberPolicy(stored, &found).ok());
  EXPECT_FALSE(NeedsApply(found, want, "hub-1"));
  EXPECT_TRUE(NeedsApply(found, want, "hub-2"));  // another hub's copy
  // Someone in the member relaxes the policy.
  Json edited = stored;
  edited["spec"]["enforcement"] = "DryRun";
  ASSERT_TRUE(ParseMemberPolicy(edited, &found).ok());
  EXPECT_TRUE(NeedsApply(found, want, "hub-1"));
  edited = stored;
  edited["spec"]["modules"][0]["rego"] =
      "package fedra.policies.labels\nviolation contains 1 if false\n";
  ASSERT_TRUE(ParseMemberPolicy(edited, &found).ok());
  EXPECT_TRUE(NeedsApply(found, want, "hub-1"));
  edited = stored;
  edited["metadata"]["labels"].erase(std::string(kRevisionLabel));
  ASSERT_TRUE(ParseMemberPolicy(edited, &found).ok());
  EXPECT_TRUE(NeedsApply(found, want, "hub-1"));
}

// PlaceAll resolves each policy once for the clusters no override touches;
// the result must be what Resolve gives cluster by cluster.
TEST(PlacementTest, PlaceAllAgreesWithResolveAtScale) {
  std::vector<MemberCluster> fleet;
  for (int i = 0; i < 50; ++i) {
    fleet.push_back(Cluster("c" + std::to_string(i), i % 5 == 0 ? "edge" : "cloud",
                            {{"env", i % 2 ? "prod" : "dev"}, {"idx", std::to_string(i)}}));
  }
  std::vector<FederatedPolicy> policies;
  for (int i = 0; i < 100; ++i) {
    Json extra = Json::object();
    if (i % 3 == 0)
      extra["placement"] = {{"clusterSelector", {{"matchLabels", {{"env", "prod"}}}}}};
    if (i % 4 == 0) {
      extra["overrides"] = {
          {{"clusters", {"c1", "c3"}}, {"enforcement", "Warn"}},
          {{"clusterSelector", {{"matchLabels", {{"idx", "7"}}}}}, {"suspend", true}}};
    }
    if (i % 10 == 0) extra["placement"]["tiers"] = {"edge"};
    policies.push_back(Policy("p" + std::to_string(i), extra));
  }
  std::vector<ResolvedPolicy> placed = PlaceAll(policies, fleet);
  size_t expected = 0;
  for (const MemberCluster& c : fleet) {
    for (const FederatedPolicy& p : policies) {
      ResolvedPolicy r;
      if (!Resolve(p, c, &r)) continue;
      ++expected;
      auto it = std::find_if(placed.begin(), placed.end(), [&](const ResolvedPolicy& x) {
        return x.cluster == r.cluster && x.policy == r.policy;
      });
      ASSERT_NE(it, placed.end()) << r.policy << " on " << r.cluster;
      EXPECT_EQ(it->revision, r.revision);
      EXPECT_EQ(it->tier, r.tier);
      EXPECT_EQ(it->spec.enforcement, r.spec.enforcement);
    }
  }
  EXPECT_EQ(placed.size(), expected);
  EXPECT_GT(expected, 1000u);
}

}  // namespace
}  // namespace fedra::policy
