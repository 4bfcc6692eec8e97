// Issue 6's end-to-end list, with real processes on loopback: a hub and
// three member clusters (fedra-apiserver), fedra-operator, and four
// fedra-engines (two cloud, two edge) answering the members' webhooks.
//
//   cloud-a  tier cloud, env=prod     one engine
//   cloud-b  tier cloud, env=staging  one engine
//   edge-a   tier edge, env=prod      two engines
// examples/policies/required-labels.yaml goes to env=prod (Warn at the edge
// through an override); disallow-latest-tag.yaml to the cloud tier.
#include <signal.h>

#include <algorithm>
#include <chrono>

#include "http/client.h"
#include "tests/federation/federation_test_util.h"

namespace fedra::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

class FederationE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveKubectl()) GTEST_SKIP() << "kubectl is not installed";
    for (const char* b : {"fedra-operator", "fedra-engine", "fedra-apiserver"}) {
      if (!std::filesystem::exists(Bin(b))) GTEST_SKIP() << b << " is not built";
    }
    fed_ = std::make_unique<Federation>(&dir_);
    ASSERT_TRUE(fed_->StartHub());
    ASSERT_TRUE(fed_->AddMember("cloud-a", "cloud", {{"env", "prod"}}, 1));
    ASSERT_TRUE(fed_->AddMember("cloud-b", "cloud", {{"env", "staging"}}, 1));
    ASSERT_TRUE(fed_->AddMember("edge-a", "edge", {{"env", "prod"}, {"site", "s1"}}, 2));
  }

  void TearDown() override {
    if (HasFailure() && fed_) std::cerr << fed_->Logs();
  }

  std::string Pod(const std::string& name, const std::string& labels, const std::string& image) {
    return dir_.Write(name + ".yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name +
                                          "\n  namespace: demo\n  labels: " + labels +
                                          "\nspec:\n  containers:\n  - name: c\n    image: " + image + "\n");
  }

  json Fp(const std::string& name) { return fed_->Get(fed_->hub(), op::reconcilers::FederatedPolicies(), name); }

  // Ready=True for the current generation, and every placed cluster Synced.
  bool FpSynced(const std::string& name) {
    json fp = Fp(name);
    if (!fp.is_object()) return false;
    json ready = Condition(fp, "Ready");
    if (ready.value("status", "") != "True") return false;
    if (ready.value("observedGeneration", -1) != fp["metadata"].value("generation", 0)) return false;
    for (const auto& c : fp["status"].value("clusters", json::array())) {
      if (c.value("phase", "") != "Synced") return false;
    }
    return true;
  }

  std::map<std::string, std::string> ClusterRevisions(const std::string& name) {
    std::map<std::string, std::string> out;
    for (const auto& c : Fp(name)["status"].value("clusters", json::array())) out[c["name"]] = c.value("revision", "");
    return out;
  }

  std::vector<std::string> Sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  }

  TempDir dir_;
  std::unique_ptr<Federation> fed_;
};

TEST_F(FederationE2E, PlacesEnforcesUpdatesRejectsBadRegoAndDeletes) {
  ASSERT_NE(fed_->StartOperator(), nullptr);
  ASSERT_TRUE(fed_->StartEngines());
  ASSERT_EQ(Kubectl(fed_->hub_kubeconfig(),
                    "apply -f examples/policies/required-labels.yaml -f examples/policies/disallow-latest-tag.yaml"),
            0);

  // Exactly the placed clusters and tiers, and every engine active.
  ASSERT_TRUE(WaitFor([&] { return FpSynced("required-labels") && FpSynced("disallow-latest-tag"); },
                      std::chrono::seconds(20)))
      << Fp("required-labels").dump() << Fp("disallow-latest-tag").dump();
  EXPECT_EQ(Sorted(fed_->MemberPolicyNames(fed_->member("cloud-a"))),
            (std::vector<std::string>{"disallow-latest-tag", "required-labels"}));
  EXPECT_EQ(fed_->MemberPolicyNames(fed_->member("cloud-b")), std::vector<std::string>{"disallow-latest-tag"});
  EXPECT_EQ(fed_->MemberPolicyNames(fed_->member("edge-a")), std::vector<std::string>{"required-labels"});
  json fp = Fp("required-labels");
  for (const auto& c : fp["status"]["clusters"]) {
    int engines = c["name"] == "edge-a" ? 2 : 1;
    EXPECT_EQ(c["engines"].value("ready", 0), engines) << c.dump();
    EXPECT_EQ(c["engines"].value("total", 0), engines) << c.dump();
  }
  EXPECT_EQ(fp["status"].value("clusters", json::array()).size(), 2u);

  // The operator's metrics and readiness say the same.
  auto get = [&](const std::string& path) {
    http::ClientOptions co;
    co.port = fed_->operator_port();
    http::Client c(co);
    http::ClientResponse res;
    if (!c.Do("GET", path, "", http::Headers(), &res).ok()) return std::string("<no answer>");
    return std::to_string(res.status) + " " + res.body;
  };
  EXPECT_EQ(get("/readyz").substr(0, 3), "200");
  ASSERT_TRUE(WaitFor([&] {
    std::string m = get("/metrics");
    return m.find("fedra_operator_clusters{state=\"ready\"} 3\n") != std::string::npos &&
           m.find("fedra_operator_policies{state=\"ready\"} 2\n") != std::string::npos &&
           m.find("fedra_operator_engines 4\n") != std::string::npos;
  })) << get("/metrics");
  std::string metrics = get("/metrics");
  EXPECT_NE(metrics.find("fedra_operator_sync_latency_seconds_count{tier=\"edge\"} 1\n"), std::string::npos)
      << metrics;
  // Four copies went out (a pass that runs before the watch reports an
  // apply may repeat it, a no-op for the API server).
  const std::string applies = "fedra_operator_member_writes_total{action=\"apply\",result=\"ok\"} ";
  size_t at = metrics.find(applies);
  ASSERT_NE(at, std::string::npos) << metrics;
  EXPECT_GE(std::atoi(metrics.c_str() + at + applies.size()), 4) << metrics;

  // Through each member's admission path.
  std::string allowed = Pod("web", "{team: shop}", "registry.example.com/web:1.2");
  std::string violating = Pod("shell", "{app: debug}", "busybox:latest");
  auto [rc, out] = fed_->ApplyPod(fed_->member("cloud-a"), allowed);
  EXPECT_EQ(rc, 0) << out;
  std::tie(rc, out) = fed_->ApplyPod(fed_->member("cloud-a"), violating);
  EXPECT_NE(rc, 0) << out;
  EXPECT_NE(out.find("denied the request"), std::string::npos) << out;
  EXPECT_NE(out.find("missing label"), std::string::npos) << out;
  std::tie(rc, out) = fed_->ApplyPod(fed_->member("cloud-b"), violating);  // latest tag only
  EXPECT_NE(rc, 0) << out;
  EXPECT_EQ(out.find("missing label"), std::string::npos) << out;
  std::tie(rc, out) = fed_->ApplyPod(fed_->member("edge-a"), violating);  // Warn at the edge
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("Warning"), std::string::npos) << out;

  // An edit reaches every engine: a Pod with only `team` is now denied.
  std::map<std::string, std::string> before = ClusterRevisions("required-labels");
  ASSERT_EQ(Kubectl(fed_->hub_kubeconfig(),
                    R"(patch fp required-labels --type=merge -p '{"spec":{"parameters":{"labels":["team","owner"]}}}')"),
            0);
  ASSERT_TRUE(WaitFor([&] { return FpSynced("required-labels") && ClusterRevisions("required-labels") != before; },
                      std::chrono::seconds(20)))
      << Fp("required-labels").dump();
  std::map<std::string, std::string> edited = ClusterRevisions("required-labels");
  EXPECT_NE(edited.at("cloud-a"), before.at("cloud-a"));
  EXPECT_EQ(edited.at("edge-a"), before.at("edge-a")) << "the edge override replaces the labels parameter";
  std::string team_only = Pod("web-2", "{team: shop}", "registry.example.com/web:1.2");
  std::tie(rc, out) = fed_->ApplyPod(fed_->member("cloud-a"), team_only);
  EXPECT_NE(rc, 0) << out;
  EXPECT_NE(out.find("owner"), std::string::npos) << out;

  // A syntax error is reported with its location and changes nothing.
  ASSERT_EQ(Kubectl(fed_->hub_kubeconfig(),
                    R"(patch fp required-labels --type=json -p '[{"op":"replace","path":"/spec/modules/0/rego","value":"package x\nviolation contains y if {"}]')"),
            0);
  ASSERT_TRUE(WaitFor([&] { return Condition(Fp("required-labels"), "Compiled").value("status", "") == "False"; }))
      << Fp("required-labels").dump();
  std::string message = Condition(Fp("required-labels"), "Compiled").value("message", "");
  EXPECT_NE(message.find("required-labels/main.rego:2:"), std::string::npos) << message;
  EXPECT_EQ(ClusterRevisions("required-labels"), edited);
  std::tie(rc, out) = fed_->ApplyPod(fed_->member("cloud-a"), team_only);
  EXPECT_NE(rc, 0) << "the last good revision still denies: " << out;

  // Deleting the policy removes it from members and engines.
  ASSERT_EQ(Kubectl(fed_->hub_kubeconfig(), "delete fp required-labels"), 0);
  ASSERT_TRUE(WaitFor([&] {
    return fed_->MemberPolicyNames(fed_->member("edge-a")).empty() &&
           fed_->MemberPolicyNames(fed_->member("cloud-a")) == std::vector<std::string>{"disallow-latest-tag"};
  }));
  ASSERT_TRUE(WaitFor([&] { return fed_->ApplyPod(fed_->member("cloud-a"), team_only).first == 0; }))
      << fed_->ApplyPod(fed_->member("cloud-a"), team_only).second;
}

TEST_F(FederationE2E, StoppedMemberIsNotReadyWithinThreeSecondsAndConverges) {
  ASSERT_NE(fed_->StartOperator(), nullptr);
  ASSERT_TRUE(fed_->StartEngines());
  ASSERT_EQ(Kubectl(fed_->hub_kubeconfig(), "apply -f examples/policies/disallow-latest-tag.yaml"), 0);
  ASSERT_TRUE(WaitFor([&] { return FpSynced("disallow-latest-tag"); }, std::chrono::seconds(20)));
  auto mc_ready = [&](const std::string& name) {
    return Condition(fed_->Get(fed_->hub(), op::reconcilers::MemberClusters(), name), "Ready").value("status", "");
  };
  ASSERT_TRUE(WaitFor([&] { return mc_ready("cloud-b") == "True"; }));

  Member& b = fed_->member("cloud-b");
  auto stopped = steady_clock::now();
  b.api->Kill();
  ASSERT_TRUE(WaitFor([&] { return mc_ready("cloud-b") == "False"; }, std::chrono::seconds(10),
                      std::chrono::milliseconds(20)));
  auto noticed = std::chrono::duration_cast<milliseconds>(steady_clock::now() - stopped);
  EXPECT_LT(noticed.count(), 3000) << "MemberCluster cloud-b not Ready only after " << noticed.count() << " ms";
  std::cerr << "cloud-b reported not Ready " << noticed.count() << " ms after it stopped\n";
  ASSERT_TRUE(WaitFor([&] {
    for (const auto& c : Fp("disallow-latest-tag")["status"].value("clusters", json::array())) {
      if (c["name"] == "cloud-b") return c.value("phase", "") == "Unreachable";
    }
    return false;
  })) << Fp("disallow-latest-tag").dump();
  EXPECT_EQ(mc_ready("cloud-a"), "True") << "the other members are unaffected";

  // The policy changes while cloud-b is away; back, it is brought up to date.
  ASSERT_EQ(Kubectl(fed_->hub_kubeconfig(),
                    R"(patch fp disallow-latest-tag --type=merge -p '{"spec":{"match":{"operations":["CREATE"]}}}')"),
            0);
  ASSERT_TRUE(b.api->Restart().ok());
  ASSERT_TRUE(WaitFor(
      [&] {
        json mp = fed_->Get(*b.client, op::reconcilers::MemberPolicies(), "disallow-latest-tag");
        return mc_ready("cloud-b") == "True" && mp.is_object() &&
               mp["spec"]["match"]["operations"] == json{"CREATE"} && FpSynced("disallow-latest-tag");
      },
      std::chrono::seconds(20)))
      << Fp("disallow-latest-tag").dump();
}

TEST_F(FederationE2E, OperatorKilledDuringPropagationConvergesAfterRestart) {
  Subprocess* op = fed_->StartOperator();
  ASSERT_NE(op, nullptr);
  // 20 policies for the cloud tier, created at once.
  const int kPolicies = 20;
  for (int i = 0; i < kPolicies; ++i) {
    std::string name = "p" + std::to_string(i);
    json fp = {{"apiVersion", "policy.fedra.io/v1alpha1"},
               {"kind", "FederatedPolicy"},
               {"metadata", {{"name", name}}},
               {"spec",
                {{"enforcement", "Deny"},
                 {"modules",
                  {{{"name", "main.rego"},
                    {"rego", "package fedra.policies.p" + std::to_string(i) +
                                 "\n\nviolation contains {\"msg\": \"label " + name +
                                 " is forbidden\"} if input.review.object.metadata.labels[\"" + name + "\"]\n"}}}},
                 {"placement", {{"tiers", {"cloud"}}}}}}};
    json out;
    ASSERT_TRUE(fed_->hub().Create(op::reconcilers::FederatedPolicies(), "", fp, &out).ok());
  }
  // Killed (SIGKILL) as soon as the first copy lands anywhere.
  ASSERT_TRUE(WaitFor(
      [&] {
        return !fed_->MemberPolicyNames(fed_->member("cloud-a")).empty() ||
               !fed_->MemberPolicyNames(fed_->member("cloud-b")).empty();
      },
      std::chrono::seconds(20), std::chrono::milliseconds(2)));
  op->Signal(SIGKILL);
  ASSERT_TRUE(WaitFor([&] { return !op->running(); })) << "the killed operator still runs (its port is taken)";
  size_t at_kill = fed_->MemberPolicyNames(fed_->member("cloud-a")).size() +
                   fed_->MemberPolicyNames(fed_->member("cloud-b")).size();
  std::cerr << "operator killed with " << at_kill << " of " << 2 * kPolicies << " copies applied\n";

  // Restarted on the same address, where the engines pull from.
  ASSERT_NE(fed_->StartOperator({}, fed_->operator_port()), nullptr);
  ASSERT_TRUE(fed_->StartEngines());
  ASSERT_TRUE(WaitFor(
      [&] {
        for (int i = 0; i < kPolicies; ++i) {
          if (!FpSynced("p" + std::to_string(i))) return false;
        }
        return true;
      },
      std::chrono::seconds(30)));
  for (const char* name : {"cloud-a", "cloud-b"}) {
    Member& m = fed_->member(name);
    std::vector<std::string> names = Sorted(fed_->MemberPolicyNames(m));
    EXPECT_EQ(names.size(), static_cast<size_t>(kPolicies)) << name;
    EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end()) << name;
    // One field manager, one Apply entry: nothing was written twice over.
    json mp = fed_->Get(*m.client, op::reconcilers::MemberPolicies(), "p7");
    int applies = 0;
    for (const auto& mf : mp["metadata"].value("managedFields", json::array())) {
      if (mf.value("manager", "") == "fedra-operator" && mf.value("operation", "") == "Apply") ++applies;
    }
    EXPECT_EQ(applies, 1) << mp.dump();
  }
  EXPECT_TRUE(fed_->MemberPolicyNames(fed_->member("edge-a")).empty());
}

TEST_F(FederationE2E, LeaderHandsOverToTheSecondReplica) {
  auto holder = [&] {
    json lease = fed_->Get(fed_->hub(), op::kube::gvr::Leases(), "fedra-operator", "fedra-system");
    return lease.is_object() ? lease["spec"].value("holderIdentity", "") : std::string();
  };
  std::vector<std::string> election = {"--leader-elect", "--lease-namespace", "fedra-system", "--lease-duration",
                                       "1500",           "--renew-deadline",  "1000",         "--retry-period",
                                       "200"};
  auto with_id = [&](const std::string& id) {
    std::vector<std::string> v = election;
    v.push_back("--id");
    v.push_back(id);
    return v;
  };
  Subprocess* a = fed_->StartOperator(with_id("replica-a"));
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(WaitFor([&] { return holder() == "replica-a"; }));
  ASSERT_NE(fed_->StartOperator(with_id("replica-b")), nullptr);
  ASSERT_EQ(Kubectl(fed_->hub_kubeconfig(), "apply -f examples/policies/required-labels.yaml"), 0);
  ASSERT_TRUE(WaitFor([&] { return !fed_->MemberPolicyNames(fed_->member("cloud-a")).empty(); }));
  EXPECT_EQ(holder(), "replica-a") << "one replica leads";

  // The leader dies without releasing the lease; the other takes over once it expires.
  auto killed = steady_clock::now();
  a->Signal(SIGKILL);
  ASSERT_TRUE(WaitFor([&] { return holder() == "replica-b"; }, std::chrono::seconds(10)));
  std::cerr << "replica-b took over "
            << std::chrono::duration_cast<milliseconds>(steady_clock::now() - killed).count()
            << " ms after the leader was killed\n";
  ASSERT_EQ(Kubectl(fed_->hub_kubeconfig(),
                    R"(patch fp required-labels --type=merge -p '{"spec":{"match":{"operations":["CREATE"]}}}')"),
            0);
  ASSERT_TRUE(WaitFor([&] {
    json mp = fed_->Get(*fed_->member("edge-a").client, op::reconcilers::MemberPolicies(), "required-labels");
    return mp.is_object() && mp["spec"]["match"]["operations"] == json{"CREATE"};
  })) << "the new leader propagates changes";
}

}  // namespace
}  // namespace fedra::e2e
