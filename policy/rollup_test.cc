#include "policy/rollup.h"

#include <gtest/gtest.h>

#include "policy/test_util.h"

namespace fedra::policy {
namespace {

using testing::Cluster;
using testing::Policy;

constexpr const char* kT0 = "2026-11-28T09:00:00Z";
constexpr const char* kT1 = "2026-11-28T09:05:00Z";

struct Fixture {
  FederatedPolicy policy = Policy("labels");
  std::vector<MemberCluster> fleet = {Cluster("a"), Cluster("b", "edge"), Cluster("c")};
  CompileReport compile = CheckCompiles(policy);
  std::vector<ResolvedPolicy> placed;  // what Input() points into

  RollUpInput Input() {
    RollUpInput in;
    in.policy = &policy;
    in.compile = &compile;
    placed = PlaceAll({policy}, fleet);
    for (const auto& r : placed) in.placed.push_back(&r);
    in.changed_at_millis = 1000;
    in.now = kT0;
    return in;
  }
  std::string Revision() { return ContentRevision(BaseSpec(policy)); }
  ClusterObservation Synced(int engines, int64_t activated_at = 1050) {
    ClusterObservation o;
    o.applied["labels"] = Revision();
    for (int i = 0; i < engines; ++i) {
      EngineReport e;
      e.id = "e" + std::to_string(i);
      e.active = {{"labels", Revision()}};
      e.activated_at_millis = activated_at + i;
      o.engines.push_back(std::move(e));
    }
    return o;
  }
};

const Condition& Cond(const FederatedPolicyStatus& st, std::string_view type) {
  const Condition* c = FindCondition(st.conditions, type);
  EXPECT_NE(c, nullptr) << type;
  static const Condition kNone;
  return c ? *c : kNone;
}

TEST(RollUpTest, AllSyncedIsReady) {
  Fixture f;
  ASSERT_TRUE(f.compile.ok);
  RollUpInput in = f.Input();
  in.clusters["a"] = f.Synced(2);
  in.clusters["b"] = f.Synced(1, 1200);
  in.clusters["c"] = f.Synced(3);
  FederatedPolicyStatus st = RollUp(in);
  EXPECT_EQ(st.observed_generation, 1);
  EXPECT_EQ(st.revision, f.Revision());
  EXPECT_EQ(st.cluster_summary, "3/3");
  ASSERT_EQ(st.clusters.size(), 3u);
  EXPECT_EQ(st.clusters[1].name, "b");
  EXPECT_EQ(st.clusters[1].tier, "edge");
  EXPECT_EQ(st.clusters[1].phase, "Synced");
  EXPECT_EQ(st.clusters[1].last_sync_latency_millis, 200);
  EXPECT_EQ(st.clusters[2].engines_ready, 3);
  EXPECT_EQ(st.clusters[2].last_sync_latency_millis, 52);  // the last engine's activation
  for (std::string_view t : {kConditionCompiled, kConditionPropagated, kConditionReady}) {
    EXPECT_EQ(Cond(st, t).status, "True") << t;
    EXPECT_EQ(Cond(st, t).observed_generation, 1);
    EXPECT_EQ(Cond(st, t).last_transition_time, kT0);
  }
  EXPECT_EQ(Cond(st, kConditionReady).reason, "Synced");
  // Conditions keep their order: Compiled, Propagated, Ready.
  EXPECT_EQ(st.conditions[0].type, "Compiled");
  EXPECT_EQ(st.conditions[2].type, "Ready");
}

TEST(RollUpTest, PhasesPerCluster) {
  Fixture f;
  RollUpInput in = f.Input();
  // a: applied, 1 of 2 engines on the revision.
  in.clusters["a"] = f.Synced(2);
  in.clusters["a"].engines[1].active["labels"] = "old";
  // b: unreachable.
  in.clusters["b"].reachable = false;
  in.clusters["b"].message = "dial tcp 10.0.0.2:443: i/o timeout";
  // c: MemberPolicy still at an old revision.
  in.clusters["c"] = f.Synced(1);
  in.clusters["c"].applied["labels"] = "0123456789abcdef";
  FederatedPolicyStatus st = RollUp(in);
  ASSERT_EQ(st.clusters.size(), 3u);
  EXPECT_EQ(st.clusters[0].phase, "Progressing");
  EXPECT_EQ(st.clusters[0].engines_ready, 1);
  EXPECT_EQ(st.clusters[0].engines_total, 2);
  EXPECT_EQ(st.clusters[0].message, "1 of 2 engines active");
  EXPECT_FALSE(st.clusters[0].last_sync_latency_millis.has_value());
  EXPECT_EQ(st.clusters[1].phase, "Unreachable");
  EXPECT_EQ(st.clusters[1].message, "dial tcp 10.0.0.2:443: i/o timeout");
  EXPECT_EQ(st.clusters[2].phase, "Pending");
  EXPECT_NE(st.clusters[2].message.find("0123456789ab"), std::string::npos);
  EXPECT_EQ(st.cluster_summary, "0/3");
  EXPECT_EQ(Cond(st, kConditionPropagated).status, "False");
  EXPECT_EQ(Cond(st, kConditionPropagated).message, "applied to 1 of 3 clusters; waiting for c, b");
  EXPECT_EQ(Cond(st, kConditionReady).reason, "ClusterUnreachable");

  // An engine that failed to activate: Failed, and Ready says EngineError.
  in.clusters["b"] = f.Synced(1);
  in.clusters["c"] = f.Synced(1);
  in.clusters["a"].engines[1].healthy = false;
  in.clusters["a"].engines[1].message = "bundle rejected";
  st = RollUp(in);
  EXPECT_EQ(st.clusters[0].phase, "Failed");
  EXPECT_EQ(st.clusters[0].message, "engine e1: bundle rejected");
  EXPECT_EQ(Cond(st, kConditionReady).reason, "EngineError");
  EXPECT_EQ(Cond(st, kConditionPropagated).status, "True");

  // No engine reported, and a cluster never observed.
  in.clusters["a"].engines.clear();
  in.clusters.erase("c");
  st = RollUp(in);
  EXPECT_EQ(st.clusters[0].phase, "Progressing");
  EXPECT_EQ(st.clusters[0].message, "no engine has reported yet");
  EXPECT_EQ(st.clusters[2].phase, "Pending");
  EXPECT_EQ(st.clusters[2].message, "not observed yet");
  EXPECT_EQ(Cond(st, kConditionReady).reason, "Progressing");
}

TEST(RollUpTest, TransitionTimesChangeOnlyWithStatus) {
  Fixture f;
  RollUpInput in = f.Input();
  in.clusters["a"] = f.Synced(1);
  FederatedPolicyStatus st = RollUp(in);  // b, c pending
  EXPECT_EQ(Cond(st, kConditionReady).status, "False");
  f.policy.status = st;
  f.policy.metadata.generation = 2;
  in.now = kT1;
  FederatedPolicyStatus st2 = RollUp(in);  // nothing changed but time and generation
  EXPECT_EQ(Cond(st2, kConditionReady).last_transition_time, kT0);
  EXPECT_EQ(Cond(st2, kConditionReady).observed_generation, 2);
  EXPECT_EQ(Cond(st2, kConditionCompiled).last_transition_time, kT0);
  f.policy.status = st2;
  in.clusters["b"] = f.Synced(1);
  in.clusters["c"] = f.Synced(1);
  FederatedPolicyStatus st3 = RollUp(in);
  EXPECT_EQ(Cond(st3, kConditionReady).status, "True");
  EXPECT_EQ(Cond(st3, kConditionReady).last_transition_time, kT1);
  EXPECT_EQ(Cond(st3, kConditionCompiled).last_transition_time, kT0);
}

TEST(RollUpTest, SyntaxErrorIsReportedWithLocationAndNotPropagated) {
  FederatedPolicy bad = Policy(
      "broken", {}, "package fedra.policies.broken\nviolation contains x if {\n  x := \n}\n");
  CompileReport report = CheckCompiles(bad);
  EXPECT_FALSE(report.ok);
  EXPECT_FALSE(MayPropagate(report));
  ASSERT_FALSE(report.messages.empty());
  EXPECT_NE(report.messages[0].find("broken/main.rego:"), std::string::npos) << report.messages[0];
  EXPECT_TRUE(std::isdigit(
      static_cast<unsigned char>(report.messages[0][report.messages[0].find("main.rego:") + 10])))
      << report.messages[0];

  RollUpInput in;
  in.policy = &bad;
  in.compile = &report;
  in.now = kT0;
  FederatedPolicyStatus st = RollUp(in);
  EXPECT_EQ(Cond(st, kConditionCompiled).status, "False");
  EXPECT_EQ(Cond(st, kConditionCompiled).reason, "CompileError");
  EXPECT_NE(Cond(st, kConditionCompiled).message.find("broken/main.rego:"), std::string::npos);
  EXPECT_EQ(Cond(st, kConditionPropagated).status, "False");
  EXPECT_EQ(Cond(st, kConditionReady).status, "False");
}

TEST(RollUpTest, CompileChecksTheEngineContract) {
  // Unsafe variable: a compile (not parse) error, still with a location.
  CompileReport r = CheckCompiles(
      Policy("unsafe", {}, "package fedra.policies.unsafe\nviolation contains y if { x == 1 }\n"));
  EXPECT_FALSE(r.ok);
  ASSERT_FALSE(r.messages.empty());
  EXPECT_NE(r.messages[0].find("unsafe/main.rego:2:"), std::string::npos) << r.messages[0];
  // No violation/patch/recommend rule: not a policy.
  r = CheckCompiles(Policy("norules", {}, "package fedra.policies.norules\nx := 1\n"));
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(CheckCompiles(Policy("fine")).ok);
}

TEST(RollUpTest, SuspendedAndUnplaced) {
  Fixture f;
  f.policy.spec.suspend = true;
  RollUpInput in = f.Input();
  EXPECT_TRUE(in.placed.empty());
  FederatedPolicyStatus st = RollUp(in);
  EXPECT_EQ(Cond(st, kConditionReady).reason, "Suspended");
  EXPECT_EQ(Cond(st, kConditionReady).status, "True");
  EXPECT_EQ(st.cluster_summary, "0/0");
  f.policy.spec.suspend = false;
  f.policy.spec.placement.clusters = {"nowhere"};
  in = f.Input();
  st = RollUp(in);
  EXPECT_EQ(Cond(st, kConditionPropagated).reason, "NoClusters");
}

TEST(RollUpTest, MemberClusterStatus) {
  MemberCluster c = Cluster("edge-1", "edge");
  c.metadata.generation = 4;
  ClusterObservation obs;
  obs.engines.resize(2);
  obs.engines[0].id = "e0";
  obs.engines[1].id = "e1";
  obs.engines[1].healthy = false;
  obs.engines[1].message = "crashloop";
  MemberClusterStatus st = RollUpCluster(c, obs, "v1.31.2", 7, kT0);
  EXPECT_EQ(st.observed_generation, 4);
  EXPECT_EQ(st.engines_ready, 1);
  EXPECT_EQ(st.engines_total, 2);
  EXPECT_EQ(st.policies_synced, 7);
  EXPECT_EQ(st.kubernetes_version, "v1.31.2");
  EXPECT_EQ(st.last_heartbeat_time, kT0);
  EXPECT_EQ(FindCondition(st.conditions, "Reachable")->status, "True");
  EXPECT_EQ(FindCondition(st.conditions, "Ready")->reason, "EngineError");
  c.status = st;
  obs.reachable = false;
  st = RollUpCluster(c, obs, "", 7, kT1);
  EXPECT_EQ(st.last_heartbeat_time, kT0);  // the last one that answered
  EXPECT_EQ(st.kubernetes_version, "v1.31.2");
  EXPECT_EQ(FindCondition(st.conditions, "Reachable")->status, "False");
  EXPECT_EQ(FindCondition(st.conditions, "Reachable")->last_transition_time, kT1);
  EXPECT_EQ(FindCondition(st.conditions, "Ready")->reason, "Unreachable");
  // JSON of the status is what the CRD's status schema describes.
  Json j = MemberClusterStatusToJson(st);
  EXPECT_EQ(j["engines"]["total"], 2);
  EXPECT_EQ(j["conditions"].size(), 2u);
}

TEST(RollUpTest, ConditionMessagesAreBounded) {
  std::vector<Condition> conds;
  SetCondition(&conds, {"Compiled", "False", "CompileError", std::string(100000, 'x'), "", 0}, kT0);
  ASSERT_EQ(conds.size(), 1u);
  EXPECT_LE(conds[0].message.size(), 32768u);
}

TEST(RollUpTest, FormatTime) {
  EXPECT_EQ(FormatTime(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTime(1795856400123), "2026-11-28T09:00:00Z");
}

}  // namespace
}  // namespace fedra::policy
