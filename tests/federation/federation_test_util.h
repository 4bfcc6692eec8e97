// A local federation of real processes on loopback for end-to-end tests:
// fedra-apiserver as the hub and as member clusters (HTTPS, bearer
// tokens), fedra-operator, and fedra-engines pulling bundles from it and
// answering the members' admission webhooks, which the operator registers
// with the serving certificate it issued. Objects are applied with the
// real kubectl where a user would use it; the tests read results back with
// the Kubernetes client.
#ifndef FEDRA_TESTS_FEDERATION_FEDERATION_TEST_UTIL_H_
#define FEDRA_TESTS_FEDERATION_FEDERATION_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "operator/informer/simulator_test_util.h"
#include "operator/kube/config.h"
#include "operator/reconcilers/federation.h"
#include "operator/reconcilers/members.h"
#include "tests/engine/engine_test_util.h"
#include "tests/util/kubectl.h"
#include "tests/util/process.h"

namespace fedra::e2e {

using nlohmann::json;
using fedra::testing::FreePort;
using fedra::testing::HaveKubectl;
using fedra::testing::Kubectl;
using fedra::testing::PortOpen;
using fedra::testing::Subprocess;
using fedra::testing::TempDir;
using fedra::testing::WaitFor;

inline std::string Bin(const std::string& name) { return std::string(FEDRA_BINARY_DIR) + "/bin/" + name; }

inline op::kube::GroupVersionResource ValidatingWebhooks() {
  op::kube::GroupVersionResource g;
  g.group = "admissionregistration.k8s.io";
  g.version = "v1";
  g.resource = "validatingwebhookconfigurations";
  g.namespaced = false;
  return g;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The condition of `type` in obj's status, or an empty object.
inline json Condition(const json& obj, const std::string& type) {
  if (!obj.is_object() || !obj.contains("status")) return json::object();
  for (const auto& c : obj["status"].value("conditions", json::array())) {
    if (c.value("type", "") == type) return c;
  }
  return json::object();
}

// One member cluster: its API server and its engines (the first one
// answers the webhook, which the simulator routes to it).
struct Member {
  std::string name, tier;
  std::map<std::string, std::string> labels;
  std::vector<uint16_t> engine_ports;
  std::unique_ptr<op::testing::SimulatorProcess> api;
  std::unique_ptr<op::kube::Client> client;
  std::vector<std::unique_ptr<fedra::testing::Engine>> engines;
};

class Federation {
 public:
  // Starts the hub with the CRDs and the fedra-system namespace.
  explicit Federation(TempDir* dir) : dir_(dir) {}
  ~Federation() {
    for (auto& op : operators_) op->Kill();
    for (auto& m : members_) {
      for (auto& e : m.engines) e->process().Kill();
    }
  }

  bool StartHub() {
    hub_ = std::make_unique<op::testing::SimulatorProcess>();
    if (!hub_->Start().ok() || !hub_->NewClient(&hub_client_).ok()) return false;
    if (Kubectl(hub_->kubeconfig(), "apply -f crds/") != 0) return false;
    return Namespace(*hub_client_, "fedra-system");
  }

  // A member cluster with `engines` engines, its CRD, namespaces, kubeconfig
  // Secret on the hub and MemberCluster.
  bool AddMember(const std::string& name, const std::string& tier, std::map<std::string, std::string> labels,
                 int engines) {
    Member m;
    m.name = name;
    m.tier = tier;
    m.labels = std::move(labels);
    for (int i = 0; i < engines; ++i) m.engine_ports.push_back(FreePort());
    m.api = std::make_unique<op::testing::SimulatorProcess>(
        std::vector<std::string>{"--webhook-service",
                                 "fedra-system/fedra-engine=127.0.0.1:" + std::to_string(m.engine_ports[0])},
        /*keep_state=*/true);
    auto fail = [&](const std::string& what) {
      ADD_FAILURE() << "member " << name << ": " << what;
      return false;
    };
    if (!m.api->Start().ok() || !m.api->NewClient(&m.client).ok()) return fail("API server did not start");
    std::string out_text;
    if (Kubectl(m.api->kubeconfig(), "apply -f crds/policy.fedra.io_memberpolicies.yaml", &out_text) != 0) {
      return fail("CRD: " + out_text);
    }
    if (!Namespace(*m.client, "fedra-system") || !Namespace(*m.client, "demo")) return fail("namespaces");
    json out;
    json secret = {{"apiVersion", "v1"},
                   {"kind", "Secret"},
                   {"metadata", {{"name", name + "-kubeconfig"}, {"namespace", "fedra-system"}}},
                   {"data", {{"kubeconfig", op::kube::EncodeBase64(ReadFile(m.api->kubeconfig()))}}}};
    if (auto st = hub_client_->Create(op::kube::gvr::Secrets(), "fedra-system", secret, &out); !st.ok()) {
      return fail("Secret: " + st.ToString());
    }
    json mc = {{"apiVersion", "policy.fedra.io/v1alpha1"},
               {"kind", "MemberCluster"},
               {"metadata", {{"name", name}, {"labels", m.labels}}},
               {"spec",
                {{"tier", tier}, {"kubeconfigSecretRef", {{"namespace", "fedra-system"}, {"name", name + "-kubeconfig"}}}}}};
    if (auto st = hub_client_->Create(op::reconcilers::MemberClusters(), "", mc, &out); !st.ok()) {
      return fail("MemberCluster: " + st.ToString());
    }
    members_.push_back(std::move(m));
    return true;
  }

  // A fedra-operator replica serving engines on `port` (0: a free one).
  Subprocess* StartOperator(std::vector<std::string> extra = {}, uint16_t port = 0) {
    if (port == 0) port = FreePort();
    if (operator_port_ == 0) operator_port_ = port;
    std::vector<std::string> argv = {Bin("fedra-operator"), "--kubeconfig", hub_->kubeconfig(), "--addr",
                                     "127.0.0.1:" + std::to_string(port), "--resync", "500", "--hub-name", "e2e"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    operators_.push_back(std::make_unique<Subprocess>(
        argv, dir_->Path("operator-" + std::to_string(operators_.size()) + ".log")));
    Subprocess* op = operators_.back().get();
    if (!op->Start() || !WaitFor([&] { return PortOpen(port) || !op->running(); }) || !op->running()) return nullptr;
    return op;
  }

  // Starts every member's engines against the first operator's address,
  // serving the certificate the operator issued in the member (Secret
  // fedra-system/fedra-engine-tls, as a pod would mount it); waits for the
  // operator's webhook registration too.
  bool StartEngines() {
    for (auto& m : members_) {
      json secret;
      if (!WaitFor([&] {
            secret = Get(*m.client, op::kube::gvr::Secrets(), "fedra-engine-tls", "fedra-system");
            json webhook = Get(*m.client, ValidatingWebhooks(), "fedra-engine");
            return secret.is_object() && webhook.is_object();
          },
          std::chrono::seconds(20))) {
        ADD_FAILURE() << "member " << m.name << ": the operator wrote no serving Secret or webhook";
        return false;
      }
      fedra::testing::Pki pki;
      std::string crt, key, ca;
      if (!op::kube::DecodeBase64(secret["data"].value("tls.crt", ""), &crt) ||
          !op::kube::DecodeBase64(secret["data"].value("tls.key", ""), &key) ||
          !op::kube::DecodeBase64(secret["data"].value("ca.crt", ""), &ca)) {
        ADD_FAILURE() << "member " << m.name << ": serving Secret is not base64";
        return false;
      }
      pki.cert_file = dir_->Write(m.name + "-tls.crt", crt);
      pki.key_file = dir_->Write(m.name + "-tls.key", key);
      pki.ca_file = dir_->Write(m.name + "-ca.crt", ca);
      for (size_t i = 0; i < m.engine_ports.size(); ++i) {
        std::string base = "http://127.0.0.1:" + std::to_string(operator_port_);
        std::string id = m.name + "-" + std::to_string(i);
        auto e = std::make_unique<fedra::testing::Engine>(
            *dir_, pki,
            std::vector<std::string>{"--bundle-url", base + "/bundles/" + m.name + "/" + m.tier, "--status-url",
                                     base + "/status", "--status-interval", "300ms", "--id", id, "--cluster", m.name,
                                     "--tier", m.tier},
            id, m.engine_ports[i]);
        if (!e->Start()) return false;
        m.engines.push_back(std::move(e));
      }
    }
    return true;
  }

  json Get(op::kube::Client& c, const op::kube::GroupVersionResource& gvr, const std::string& name,
           const std::string& ns = "") {
    json out;
    if (!c.Get(gvr, ns, name, &out).ok()) return json();
    return out;
  }
  // Names of this hub's MemberPolicies in a member.
  std::vector<std::string> MemberPolicyNames(Member& m) {
    json list;
    std::vector<std::string> names;
    op::kube::ListOptions lo;
    lo.label_selector = "policy.fedra.io/hub=e2e";
    if (!m.client->List(op::reconcilers::MemberPolicies(), "", lo, &list).ok()) return {"<list failed>"};
    for (const auto& item : list.value("items", json::array())) names.push_back(item["metadata"]["name"]);
    return names;
  }

  // kubectl apply of a Pod manifest in a member: (exit code, output).
  std::pair<int, std::string> ApplyPod(Member& m, const std::string& manifest) {
    std::string out;
    int rc = Kubectl(m.api->kubeconfig(), "apply -f " + manifest, &out);
    return {rc, out};
  }

  Member& member(const std::string& name) {
    for (auto& m : members_) {
      if (m.name == name) return m;
    }
    ADD_FAILURE() << "no member " << name;
    return members_.front();
  }
  std::vector<Member>& members() { return members_; }
  op::kube::Client& hub() { return *hub_client_; }
  uint16_t operator_port() const { return operator_port_; }
  const std::string& hub_kubeconfig() const { return hub_->kubeconfig(); }
  std::string Logs() {
    std::string all;
    for (const auto& entry : std::filesystem::directory_iterator(dir_->path())) {
      if (entry.path().extension() != ".log") continue;
      std::string text = ReadFile(entry.path());
      if (text.size() > 3000) text = text.substr(text.size() - 3000);
      all += "== " + entry.path().filename().string() + "\n" + text + "\n";
    }
    return all;
  }

 private:
  static bool Namespace(op::kube::Client& c, const std::string& name) {
    json out;
    op::kube::ApiStatus st = c.Create(op::kube::gvr::Namespaces(), "",
                                      json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}},
                                      &out);
    return st.ok() || st.reason() == op::kube::Reason::kAlreadyExists;
  }

  TempDir* dir_;
  std::unique_ptr<op::testing::SimulatorProcess> hub_;
  std::unique_ptr<op::kube::Client> hub_client_;
  std::vector<Member> members_;
  std::vector<std::unique_ptr<Subprocess>> operators_;
  uint16_t operator_port_ = 0;
};

}  // namespace fedra::e2e

#endif  // FEDRA_TESTS_FEDERATION_FEDERATION_TEST_UTIL_H_
