// The hub half of the operator end to end: fedra-apiserver as the hub (CRDs
// and examples applied with the real kubectl), the HubServer, and a real
// fedra-engine for one member cluster pulling its bundle and reporting back.
#include "operator/reconcilers/federation.h"

#include <gtest/gtest.h>

#include "http/client.h"
#include "operator/informer/simulator_test_util.h"
#include "tests/util/kubectl.h"
#include "tests/util/process.h"

namespace fedra::op::reconcilers {
namespace {

using fedra::testing::FreePort;
using fedra::testing::Subprocess;
using fedra::testing::TempDir;
using fedra::testing::HaveKubectl;
using fedra::testing::Kubectl;
using fedra::testing::WaitFor;

std::string PodReview(const std::string& labels) {
  return R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1",)"
         R"("kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},)"
         R"("operation":"CREATE","namespace":"shop","object":{"apiVersion":"v1","kind":"Pod",)"
         R"("metadata":{"name":"p","namespace":"shop","labels":)" +
         labels + R"(},"spec":{"containers":[{"name":"c","image":"x"}]}}}})";
}

TEST(FederationTest, PoliciesReachEnginesAndStatusComesBack) {
  if (!HaveKubectl()) GTEST_SKIP() << "kubectl is not installed";
  std::string engine_bin = std::string(FEDRA_BINARY_DIR) + "/bin/fedra-engine";
  if (!std::filesystem::exists(engine_bin)) GTEST_SKIP() << "fedra-engine is not built";
  op::testing::SimulatorProcess sim;
  ASSERT_TRUE(sim.Start().ok());
  const std::string& kc = sim.kubeconfig();
  ASSERT_EQ(Kubectl(kc, "apply -f crds/"), 0);
  ASSERT_EQ(Kubectl(kc, "apply -f examples/policies/member-clusters.yaml -f examples/policies/required-labels.yaml"), 0);
  std::unique_ptr<kube::Client> client;
  ASSERT_TRUE(sim.NewClient(&client).ok());

  hub::HubOptions ho;
  ho.server.threads = 1;
  ho.stale_after = std::chrono::seconds(5);
  hub::HubServer hub(ho);
  ASSERT_TRUE(hub.Start().ok());
  FederationReconciler rec(client.get(), &hub);
  controller::Result r = rec.Reconcile(controller::Key{});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(rec.published().count({"cloud-1", "cloud"}), 1u);
  EXPECT_EQ(rec.published().count({"edge-1", "edge"}), 1u);

  // One engine for cloud-1.
  TempDir dir;
  uint16_t port = FreePort();
  std::string base = "http://127.0.0.1:" + std::to_string(hub.port());
  Subprocess engine({engine_bin, "--insecure-http", "--addr", "127.0.0.1:" + std::to_string(port), "--bundle-url",
                     base + hub::HubServer::BundlePath("cloud-1", "cloud"), "--status-url", base + "/status",
                     "--status-interval", "500ms", "--id", "cloud-1-a", "--cluster", "cloud-1", "--tier", "cloud"},
                    dir.Path("engine.log"));
  ASSERT_TRUE(engine.Start());
  http::ClientOptions co;
  co.port = port;
  auto deny_message = [&]() -> std::string {
    http::Client c(co);
    http::Headers h;
    h.Set("Content-Type", "application/json");
    http::ClientResponse res;
    if (!c.Do("POST", "/v1/admit", PodReview(R"({"app":"web"})"), h, &res).ok() || res.status != 200) return "";
    return res.body.find("\"allowed\":false") != std::string::npos ? res.body : "allowed";
  };
  ASSERT_TRUE(WaitFor([&] { return deny_message().find("missing label") != std::string::npos; }))
      << engine.Log();

  // The engine's report reaches the policy's status: cloud-1 synced, 1/1.
  auto cluster_status = [&](const std::string& name) {
    rec.Reconcile(controller::Key{});
    policy::Json fp;
    if (!client->Get(FederatedPolicies(), "", "required-labels", &fp).ok()) return policy::Json();
    for (const auto& c : fp["status"].value("clusters", policy::Json::array())) {
      if (c.value("name", "") == name) return c;
    }
    return policy::Json();
  };
  ASSERT_TRUE(WaitFor([&] {
    policy::Json c = cluster_status("cloud-1");
    return c.value("phase", "") == "Synced" && c.contains("engines") && c["engines"].value("ready", 0) == 1 &&
           c["engines"].value("total", 0) == 1;
  })) << cluster_status("cloud-1").dump() << engine.Log();
  policy::Json fp;
  ASSERT_TRUE(client->Get(FederatedPolicies(), "", "required-labels", &fp).ok());
  bool compiled = false;
  for (const auto& c : fp["status"]["conditions"]) {
    if (c["type"] == "Compiled") compiled = c["status"] == "True";
  }
  EXPECT_TRUE(compiled) << fp["status"].dump();
  EXPECT_NE(cluster_status("edge-1").value("phase", ""), "Synced") << "no engine reports for edge-1";

  // A change that does not compile: reported, and the engines keep the old revision.
  std::string before = rec.published().at({"cloud-1", "cloud"});
  ASSERT_EQ(Kubectl(kc, R"(patch federatedpolicy required-labels --type=json -p '[{"op":"replace","path":"/spec/modules/0/rego","value":"package fedra.policies.required_labels\nviolation contains x if {"}]')"), 0);
  ASSERT_TRUE(rec.Reconcile(controller::Key{}).ok());
  EXPECT_EQ(rec.published().at({"cloud-1", "cloud"}), before);
  ASSERT_TRUE(client->Get(FederatedPolicies(), "", "required-labels", &fp).ok());
  std::string compiled_msg;
  for (const auto& c : fp["status"]["conditions"]) {
    if (c["type"] == "Compiled" && c["status"] == "False") compiled_msg = c.value("message", "");
  }
  EXPECT_NE(compiled_msg.find(":2:"), std::string::npos) << fp["status"].dump();
  EXPECT_NE(deny_message().find("missing label"), std::string::npos);

  // Deleting the policy withdraws it: the engine admits what it denied.
  ASSERT_EQ(Kubectl(kc, "delete federatedpolicy required-labels"), 0);
  ASSERT_TRUE(rec.Reconcile(controller::Key{}).ok());
  EXPECT_NE(rec.published().at({"cloud-1", "cloud"}), before);
  ASSERT_TRUE(WaitFor([&] { return deny_message() == "allowed"; })) << engine.Log();
  EXPECT_EQ(engine.Terminate(), 0);
}

}  // namespace
}  // namespace fedra::op::reconcilers
