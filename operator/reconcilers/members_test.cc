// The member half of the federation end to end: fedra-apiserver as the hub
// and as two member clusters (real processes, HTTPS, bearer tokens), the
// kubeconfig Secrets on the hub, and the FederationReconciler with
// MemberConnections applying MemberPolicies into the members.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "operator/informer/simulator_test_util.h"
#include "operator/kube/config.h"
#include "operator/reconcilers/federation.h"
#include "tests/util/kubectl.h"
#include "tests/util/process.h"

namespace fedra::op::reconcilers {
namespace {

using fedra::testing::HaveKubectl;
using fedra::testing::Kubectl;
using fedra::testing::WaitFor;
using policy::Json;

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

Json Secret(const std::string& name, const std::string& key, const std::string& value) {
  return Json{{"apiVersion", "v1"},
              {"kind", "Secret"},
              {"metadata", {{"name", name}, {"namespace", "fedra-system"}}},
              {"data", {{key, kube::EncodeBase64(value)}}}};
}

Json MemberCluster(const std::string& name, const std::string& tier, const Json& labels,
                   const std::string& secret) {
  return Json{{"apiVersion", "policy.fedra.io/v1alpha1"},
              {"kind", "MemberCluster"},
              {"metadata", {{"name", name}, {"labels", labels}}},
              {"spec",
               {{"tier", tier},
                {"kubeconfigSecretRef", {{"namespace", "fedra-system"}, {"name", secret}}}}}};
}

// The condition of `type` in obj's status, or an empty object.
Json FindCondition(const Json& obj, const std::string& type) {
  if (!obj.is_object() || !obj.contains("status")) return Json::object();
  for (const auto& c : obj["status"].value("conditions", Json::array())) {
    if (c.value("type", "") == type) return c;
  }
  return Json::object();
}

class MembersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveKubectl()) GTEST_SKIP() << "kubectl is not installed";
    for (auto* sim : {&hub_sim_, &m1_, &m2_}) {
      ASSERT_TRUE(sim->Start().ok());
      ASSERT_EQ(Kubectl(sim->kubeconfig(), "apply -f crds/"), 0);
    }
    ASSERT_TRUE(hub_sim_.NewClient(&hub_).ok());
    ASSERT_TRUE(m1_.NewClient(&m1_client_).ok());
    ASSERT_TRUE(m2_.NewClient(&m2_client_).ok());
    Json out;
    ASSERT_TRUE(hub_->Create(kube::gvr::Namespaces(), "",
                             Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "fedra-system"}}}},
                             &out)
                    .ok());
    ASSERT_TRUE(hub_->Create(kube::gvr::Secrets(), "fedra-system",
                             Secret("m1-kubeconfig", "kubeconfig", ReadFile(m1_.kubeconfig())), &out)
                    .ok());
    ASSERT_TRUE(hub_->Create(kube::gvr::Secrets(), "fedra-system",
                             Secret("m2-kubeconfig", "kubeconfig", ReadFile(m2_.kubeconfig())), &out)
                    .ok());
    ASSERT_TRUE(
        hub_->Create(MemberClusters(), "", MemberCluster("m1", "cloud", {{"env", "prod"}}, "m1-kubeconfig"), &out)
            .ok());
    ASSERT_TRUE(hub_->Create(MemberClusters(), "",
                             MemberCluster("m2", "edge", {{"env", "prod"}, {"site", "s1"}}, "m2-kubeconfig"), &out)
                    .ok());
    ASSERT_EQ(Kubectl(hub_sim_.kubeconfig(), "apply -f examples/policies/required-labels.yaml"), 0);

    hub::HubOptions ho;
    ho.server.threads = 1;
    hub_server_ = std::make_unique<hub::HubServer>(ho);
    ASSERT_TRUE(hub_server_->Start().ok());
    MemberConnectionOptions mo;
    mo.hub = "test-hub";
    members_ = std::make_unique<MemberConnections>(
        [this](const std::string& ns, const std::string& name, Json* out) {
          return hub_->Get(kube::gvr::Secrets(), ns, name, out);
        },
        mo);
    FederationOptions fo;
    fo.hub = "test-hub";
    rec_ = std::make_unique<FederationReconciler>(hub_.get(), hub_server_.get(), fo, members_.get());
  }

  void TearDown() override {
    rec_.reset();
    if (members_) members_->Stop();
    if (hub_server_) hub_server_->Stop();
  }

  // Reconciles until `done` holds (bounded by WaitFor's timeout).
  bool ReconcileUntil(const std::function<bool()>& done) {
    return WaitFor([&] {
      rec_->Reconcile(controller::Key{});
      return done();
    });
  }

  Json Get(kube::Client& c, const kube::GroupVersionResource& gvr, const std::string& name) {
    Json out;
    if (!c.Get(gvr, "", name, &out).ok()) return Json();
    return out;
  }

  op::testing::SimulatorProcess hub_sim_;
  op::testing::SimulatorProcess m1_;
  op::testing::SimulatorProcess m2_{{}, /*keep_state=*/true};
  std::unique_ptr<kube::Client> hub_, m1_client_, m2_client_;
  std::unique_ptr<hub::HubServer> hub_server_;
  std::unique_ptr<MemberConnections> members_;
  std::unique_ptr<FederationReconciler> rec_;
};

TEST_F(MembersTest, AppliesRevertsEditsAndRemovesCopies) {
  // Both members get the resolved copy; the edge one carries the override.
  ASSERT_TRUE(ReconcileUntil([&] {
    return !Get(*m1_client_, MemberPolicies(), "required-labels").is_null() &&
           !Get(*m2_client_, MemberPolicies(), "required-labels").is_null();
  }));
  Json mp1 = Get(*m1_client_, MemberPolicies(), "required-labels");
  Json mp2 = Get(*m2_client_, MemberPolicies(), "required-labels");
  EXPECT_EQ(mp1["spec"]["enforcement"], "Deny");
  EXPECT_EQ(mp2["spec"]["enforcement"], "Warn");
  EXPECT_EQ(mp1["metadata"]["labels"]["policy.fedra.io/hub"], "test-hub");
  bool managed_by_operator = false;
  for (const auto& mf : mp1["metadata"].value("managedFields", Json::array())) {
    if (mf.value("manager", "") == "fedra-operator" && mf.value("operation", "") == "Apply") managed_by_operator = true;
  }
  EXPECT_TRUE(managed_by_operator) << mp1["metadata"].dump();

  // The MemberCluster's status: reachable, version, one policy synced.
  ASSERT_TRUE(ReconcileUntil([&] {
    Json mc = Get(*hub_, MemberClusters(), "m1");
    return FindCondition(mc, "Reachable").value("status", "") == "True" && mc["status"].value("policiesSynced", 0) == 1 &&
           !mc["status"].value("kubernetesVersion", "").empty() &&
           !mc["status"].value("lastHeartbeatTime", "").empty();
  })) << Get(*hub_, MemberClusters(), "m1").dump();

  // The copy's status in the member: its revision, and no engine reporting yet.
  ASSERT_TRUE(ReconcileUntil([&] {
    Json mp = Get(*m1_client_, MemberPolicies(), "required-labels");
    return mp.contains("status") &&
           mp["status"].value("revision", "") == mp["metadata"]["annotations"].value("policy.fedra.io/revision", "-") &&
           FindCondition(mp, "Ready").value("reason", "") == "NoEngines";
  })) << Get(*m1_client_, MemberPolicies(), "required-labels").dump();

  // An edit made in the member is reverted.
  Json out;
  ASSERT_TRUE(m1_client_
                  ->Patch(MemberPolicies(), "", "required-labels", kube::PatchType::kMerge,
                          Json{{"spec", {{"enforcement", "DryRun"}}}}, &out)
                  .ok());
  ASSERT_TRUE(ReconcileUntil([&] {
    return Get(*m1_client_, MemberPolicies(), "required-labels")["spec"].value("enforcement", "") == "Deny";
  }));

  // Another hub's copy and an unlabelled object are never touched.
  Json foreign = mp1;
  foreign["metadata"] = Json{{"name", "from-elsewhere"}, {"labels", {{"policy.fedra.io/hub", "other-hub"}}}};
  ASSERT_TRUE(m1_client_->Create(MemberPolicies(), "", foreign, &out).ok());

  // m2 leaves the placement: its copy goes, m1 keeps its own.
  ASSERT_TRUE(hub_->Patch(MemberClusters(), "", "m2", kube::PatchType::kMerge,
                          Json{{"metadata", {{"labels", {{"env", "staging"}}}}}}, &out)
                  .ok());
  ASSERT_TRUE(ReconcileUntil([&] { return Get(*m2_client_, MemberPolicies(), "required-labels").is_null(); }));
  EXPECT_FALSE(Get(*m1_client_, MemberPolicies(), "required-labels").is_null());

  // Deleting the FederatedPolicy: the finalizer holds it until the copies are gone.
  Json fp = Get(*hub_, FederatedPolicies(), "required-labels");
  EXPECT_NE(fp["metadata"].value("finalizers", Json::array()).dump().find(kFinalizer), std::string::npos);
  ASSERT_EQ(Kubectl(hub_sim_.kubeconfig(), "delete federatedpolicy required-labels --wait=false"), 0);
  ASSERT_TRUE(ReconcileUntil([&] { return Get(*hub_, FederatedPolicies(), "required-labels").is_null(); }));
  EXPECT_TRUE(Get(*m1_client_, MemberPolicies(), "required-labels").is_null());
  EXPECT_FALSE(Get(*m1_client_, MemberPolicies(), "from-elsewhere").is_null());
}

TEST_F(MembersTest, BadKubeconfigSecretsAreReportedAndOthersCarryOn) {
  Json out;
  ASSERT_TRUE(
      hub_->Create(MemberClusters(), "", MemberCluster("nosecret", "cloud", {{"env", "prod"}}, "missing"), &out).ok());
  ASSERT_TRUE(hub_->Create(kube::gvr::Secrets(), "fedra-system", Secret("garbage", "kubeconfig", "{{ not yaml"), &out)
                  .ok());
  ASSERT_TRUE(
      hub_->Create(MemberClusters(), "", MemberCluster("broken", "cloud", {{"env", "prod"}}, "garbage"), &out).ok());
  ASSERT_TRUE(hub_->Create(kube::gvr::Secrets(), "fedra-system", Secret("wrongkey", "config", "x"), &out).ok());
  ASSERT_TRUE(
      hub_->Create(MemberClusters(), "", MemberCluster("wrongkey", "cloud", {{"env", "prod"}}, "wrongkey"), &out).ok());

  auto reason = [&](const std::string& name) {
    const Json mc = Get(*hub_, MemberClusters(), name);
    const Json c = FindCondition(mc, "Reachable");
    return !c.empty() ? c.value("reason", "") + ": " + c.value("message", "") : std::string();
  };
  ASSERT_TRUE(ReconcileUntil([&] {
    return reason("nosecret").starts_with("KubeconfigSecretNotFound") &&
           reason("broken").starts_with("KubeconfigInvalid") && reason("wrongkey").starts_with("KubeconfigKeyMissing");
  })) << reason("nosecret") << " | " << reason("broken") << " | " << reason("wrongkey");
  EXPECT_NE(reason("nosecret").find("fedra-system/missing"), std::string::npos) << reason("nosecret");
  EXPECT_NE(reason("wrongkey").find("\"kubeconfig\""), std::string::npos) << reason("wrongkey");
  // The policy's status names the clusters it cannot reach; m1 still gets its copy.
  ASSERT_TRUE(ReconcileUntil([&] { return !Get(*m1_client_, MemberPolicies(), "required-labels").is_null(); }));

  // Fixing the Secret is enough.
  ASSERT_TRUE(hub_->Update(kube::gvr::Secrets(), "fedra-system",
                           Secret("garbage", "kubeconfig", ReadFile(m1_.kubeconfig())), &out)
                  .ok());
  ASSERT_TRUE(ReconcileUntil([&] { return reason("broken").starts_with("Heartbeat"); })) << reason("broken");
}

TEST_F(MembersTest, StoppedMemberIsNotReadyWithinThreeSecondsAndConvergesOnReturn) {
  ASSERT_TRUE(ReconcileUntil([&] {
    return FindCondition(Get(*hub_, MemberClusters(), "m2"), "Ready").value("status", "") == "True" && !Get(*m2_client_, MemberPolicies(), "required-labels").is_null();
  }));
  // A controller would be woken by the health callback; polling Reconcile
  // here does the same work.
  auto stopped = std::chrono::steady_clock::now();
  m2_.Kill();
  ASSERT_TRUE(ReconcileUntil([&] {
    return FindCondition(Get(*hub_, MemberClusters(), "m2"), "Ready").value("status", "") == "False";
  }));
  auto noticed = std::chrono::steady_clock::now() - stopped;
  EXPECT_LT(noticed, std::chrono::seconds(3));
  Json fp = Get(*hub_, FederatedPolicies(), "required-labels");
  bool m2_unreachable = false;
  for (const auto& c : fp["status"].value("clusters", Json::array())) {
    if (c.value("name", "") == "m2") m2_unreachable = c.value("phase", "") == "Unreachable";
  }
  EXPECT_TRUE(m2_unreachable) << fp["status"].dump();

  // While it is away the policy changes; back, it gets the new revision.
  Json out;
  ASSERT_TRUE(hub_->Patch(FederatedPolicies(), "", "required-labels", kube::PatchType::kMerge,
                          Json{{"spec", {{"match", {{"operations", {"CREATE"}}}}}}}, &out)
                  .ok());
  rec_->Reconcile(controller::Key{});
  ASSERT_TRUE(m2_.Restart().ok());
  ASSERT_TRUE(ReconcileUntil([&] {
    Json mp = Get(*m2_client_, MemberPolicies(), "required-labels");
    return FindCondition(Get(*hub_, MemberClusters(), "m2"), "Ready").value("status", "") == "True" &&
           mp.is_object() &&
           mp["spec"]["match"]["operations"] == Json{"CREATE"};
  })) << Get(*m2_client_, MemberPolicies(), "required-labels").dump();
}

TEST_F(MembersTest, MemberThatHangsOrFailsIsReportedAndOthersCarryOn) {
  auto ready = [&](const std::string& name) {
    return FindCondition(Get(*hub_, MemberClusters(), name), "Ready").value("status", "");
  };
  // Settled: nothing left to write to m2 (its copy's status included).
  ASSERT_TRUE(ReconcileUntil([&] {
    return ready("m1") == "True" && ready("m2") == "True" &&
           FindCondition(Get(*m2_client_, MemberPolicies(), "required-labels"), "Ready").value("reason", "") ==
               "NoEngines";
  }));
  auto fault = [&](kube::Client& c, const std::string& what) {
    kube::Client::RawResponse res;
    return c.Raw("POST", "/fedra-sim/faults/" + what, "", "", &res).ok();
  };

  // m2 answers every request 5 s late: not Ready within 3 s, m1 unaffected.
  ASSERT_TRUE(fault(*m2_client_, "latency?ms=5000"));
  auto slowed = std::chrono::steady_clock::now();
  ASSERT_TRUE(ReconcileUntil([&] { return ready("m2") == "False"; }));
  EXPECT_LT(std::chrono::steady_clock::now() - slowed, std::chrono::seconds(3));
  EXPECT_EQ(ready("m1"), "True");
  const Json reachable = FindCondition(Get(*hub_, MemberClusters(), "m2"), "Reachable");
  EXPECT_EQ(reachable.value("status", ""), "False") << reachable.dump();
  ASSERT_TRUE(fault(*m2_client_, "clear"));
  ASSERT_TRUE(ReconcileUntil([&] { return ready("m2") == "True"; }));

  // m1 answers 500 for a while: reported, then brought back in line.
  Json out;
  ASSERT_TRUE(m1_client_->Delete(MemberPolicies(), "", "required-labels").ok());
  ASSERT_TRUE(fault(*m1_client_, "errors?count=20&code=500"));
  ASSERT_TRUE(ReconcileUntil([&] { return !Get(*m1_client_, MemberPolicies(), "required-labels").is_null(); }));
  EXPECT_EQ(ready("m2"), "True");
}

}  // namespace
}  // namespace fedra::op::reconcilers
