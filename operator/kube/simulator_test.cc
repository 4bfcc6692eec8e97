// The client against the API-server simulator (build/bin/fedra-apiserver)
// running as a real process: the same contract tests as against FakeApi,
// but with the simulator's store, watch cache, apply and fault injection.
// Skipped when the simulator has not been built in this build directory.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>

#include "operator/informer/simulator_test_util.h"
#include "operator/kube/client.h"
#include "operator/kube/test_util.h"
#include "operator/kube/watch.h"

namespace fedra::op::kube {
namespace {

using kube::testing::Eventually;
using op::testing::SimulatorAvailable;
using op::testing::SimulatorProcess;

const GroupVersionResource kConfigMaps = gvr::ConfigMaps();

nlohmann::json ConfigMap(const std::string& name, const std::string& value,
                         nlohmann::json labels = nlohmann::json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"labels", std::move(labels)}}},
          {"data", {{"key", value}}}};
}

class SimulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!SimulatorAvailable()) GTEST_SKIP() << "fedra-apiserver not built";
    Status st = sim_.Start();
    ASSERT_TRUE(st.ok()) << st.ToString();
    RestConfig rc = sim_.config();
    rc.qps = 0;
    ASSERT_TRUE(Client::Create(rc, &client_).ok());
  }
  // An admin call to the simulator's fault endpoints.
  void Admin(const std::string& path) {
    Client::RawResponse resp;
    ApiStatus st = client_->Raw("POST", path, "", "", &resp);
    ASSERT_TRUE(st.ok()) << st.ToString();
    ASSERT_EQ(resp.status, 200) << resp.body;
  }

  SimulatorProcess sim_;
  std::unique_ptr<Client> client_;
};

TEST_F(SimulatorTest, KubeconfigAndDiscovery) {
  ServerVersion v;
  ApiStatus st = client_->GetServerVersion(&v);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_FALSE(v.git_version.empty());
  GroupVersionResource gvr;
  ASSERT_TRUE(client_->ResourceFor("v1", "ConfigMap", &gvr).ok());
  EXPECT_EQ(gvr, kConfigMaps);
  ASSERT_TRUE(client_->ResourceFor("v1", "Namespace", &gvr).ok());
  EXPECT_FALSE(gvr.namespaced);
  ASSERT_TRUE(client_->ResourceFor("coordination.k8s.io/v1", "Lease", &gvr).ok());
  EXPECT_EQ(gvr, gvr::Leases());
  EXPECT_TRUE(IsNotFound(client_->ResourceFor("v1", "NoSuchKind", &gvr)));
}

TEST_F(SimulatorTest, CrudConflictsAndPreconditions) {
  nlohmann::json out;
  ApiStatus st = client_->Create(kConfigMaps, "default", ConfigMap("cm", "v1"), &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(
      IsAlreadyExists(client_->Create(kConfigMaps, "default", ConfigMap("cm", "v1"), &out)));
  nlohmann::json stale;
  ASSERT_TRUE(client_->Get(kConfigMaps, "default", "cm", &stale).ok());
  nlohmann::json fresh = stale;
  fresh["data"]["key"] = "v2";
  ASSERT_TRUE(client_->Update(kConfigMaps, "default", fresh, &out).ok());
  stale["data"]["key"] = "v3";
  st = client_->Update(kConfigMaps, "default", stale, &out);
  ASSERT_TRUE(IsConflict(st)) << st.ToString();
  // The usual answer to a conflict: re-read, re-apply the change, retry.
  for (int attempt = 0; attempt < 5; ++attempt) {
    nlohmann::json cur;
    ASSERT_TRUE(client_->Get(kConfigMaps, "default", "cm", &cur).ok());
    cur["data"]["key"] = "v3";
    st = client_->Update(kConfigMaps, "default", cur, &out);
    if (!IsConflict(st)) break;
  }
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out["data"]["key"], "v3");

  DeleteOptions del;
  del.precondition_uid = "not-the-uid";
  st = client_->Delete(kConfigMaps, "default", "cm", del);
  EXPECT_TRUE(IsConflict(st)) << st.ToString();
  del.precondition_uid = out["metadata"]["uid"];
  del.precondition_resource_version = out["metadata"]["resourceVersion"];
  st = client_->Delete(kConfigMaps, "default", "cm", del);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(IsNotFound(client_->Get(kConfigMaps, "default", "cm", &out)));
}

TEST_F(SimulatorTest, PagingAndSelectors) {
  nlohmann::json out;
  for (int i = 0; i < 25; ++i) {
    ApiStatus st = client_->Create(
        kConfigMaps, "default",
        ConfigMap("cm-" + std::to_string(i), "x", {{"parity", i % 2 ? "odd" : "even"}}), &out);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  ListOptions o;
  o.limit = 10;
  nlohmann::json page;
  ASSERT_TRUE(client_->List(kConfigMaps, "default", o, &page).ok());
  EXPECT_EQ(page["items"].size(), 10u);
  ASSERT_TRUE(page["metadata"].contains("continue"));
  nlohmann::json all;
  ASSERT_TRUE(client_->ListAll(kConfigMaps, "default", o, &all).ok());
  std::set<std::string> names;
  for (const auto& item : all["items"]) names.insert(item["metadata"]["name"]);
  EXPECT_EQ(names.size(), 25u);
  EXPECT_FALSE(all["metadata"].value("resourceVersion", "").empty());
  o.label_selector = "parity=odd";
  ASSERT_TRUE(client_->ListAll(kConfigMaps, "default", o, &all).ok());
  EXPECT_EQ(all["items"].size(), 12u);
  o.label_selector.clear();
  o.field_selector = "metadata.name=cm-3";
  ASSERT_TRUE(client_->ListAll(kConfigMaps, "default", o, &all).ok());
  ASSERT_EQ(all["items"].size(), 1u);
  EXPECT_EQ(all["items"][0]["metadata"]["name"], "cm-3");
}

TEST_F(SimulatorTest, AllPatchTypes) {
  nlohmann::json out;
  ASSERT_TRUE(client_->Create(kConfigMaps, "default", ConfigMap("p", "0"), &out).ok());
  ApiStatus st = client_->Patch(kConfigMaps, "default", "p", PatchType::kMerge,
                                {{"data", {{"a", "1"}}}}, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out["data"]["a"], "1");
  st = client_->Patch(kConfigMaps, "default", "p", PatchType::kJson,
                      nlohmann::json::array({{{"op", "add"}, {"path", "/data/b"}, {"value", "2"}}}),
                      &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out["data"]["b"], "2");
  st = client_->Patch(kConfigMaps, "default", "p", PatchType::kStrategicMerge,
                      {{"data", {{"c", "3"}}}}, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out["data"]["c"], "3");
  // Server-side apply: manager "one" owns data.owned; "two" conflicts
  // unless it forces.
  nlohmann::json applied = {{"apiVersion", "v1"},
                            {"kind", "ConfigMap"},
                            {"metadata", {{"name", "p"}}},
                            {"data", {{"owned", "by-one"}}}};
  st = client_->Apply(kConfigMaps, "default", applied, "one", false, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out["data"]["owned"], "by-one");
  applied["data"]["owned"] = "by-two";
  st = client_->Apply(kConfigMaps, "default", applied, "two", false, &out);
  ASSERT_TRUE(IsConflict(st)) << st.ToString();
  st = client_->Apply(kConfigMaps, "default", applied, "two", true, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out["data"]["owned"], "by-two");
}

TEST_F(SimulatorTest, FinalizerHoldsDeletion) {
  nlohmann::json cm = ConfigMap("held", "x");
  cm["metadata"]["finalizers"] = {"fedra.io/test"};
  nlohmann::json out;
  ASSERT_TRUE(client_->Create(kConfigMaps, "default", cm, &out).ok());
  ApiStatus st = client_->Delete(kConfigMaps, "default", "held", {}, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  nlohmann::json got;
  ASSERT_TRUE(client_->Get(kConfigMaps, "default", "held", &got).ok());
  EXPECT_TRUE(got["metadata"].contains("deletionTimestamp"));
  st = client_->Patch(kConfigMaps, "default", "held", PatchType::kMerge,
                      {{"metadata", {{"finalizers", nullptr}}}}, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(IsNotFound(client_->Get(kConfigMaps, "default", "held", &got)));
}

TEST_F(SimulatorTest, TooManyRequestsWithRetryAfterIsHonoured) {
  Admin("/fedra-sim/faults/errors?count=2&code=429&retryAfter=1");
  nlohmann::json out;
  auto start = std::chrono::steady_clock::now();
  ApiStatus st = client_->Create(kConfigMaps, "default", ConfigMap("after-429", "x"), &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(client_->metrics().retries, 2u);
  // More errors than the client retries: the 503 comes back typed.
  Admin("/fedra-sim/faults/errors?count=10&code=503&retryAfter=0");
  st = client_->Get(kConfigMaps, "default", "after-429", &out);
  EXPECT_TRUE(IsServerError(st)) << st.ToString();
  Admin("/fedra-sim/faults/clear");
}

// Runs a watch on its own thread and collects (type, name) pairs.
class Collector {
 public:
  Collector(Client* client, WatchOptions o) : watch_(client, kConfigMaps, "default", std::move(o)) {
    result_ = std::async(std::launch::async, [this] {
      return watch_.Run([this](const WatchEvent& ev) {
        if (ev.type == EventType::kBookmark) return true;
        std::lock_guard<std::mutex> lock(mu_);
        seen_.push_back(std::string(EventTypeName(ev.type)) + " " +
                        ev.object["metadata"].value("name", ""));
        return true;
      });
    });
  }
  ~Collector() {
    watch_.Stop();
    if (result_.valid()) result_.wait();
  }
  std::vector<std::string> seen() const {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  WatchResult Finish() {
    watch_.Stop();
    EXPECT_EQ(result_.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    return result_.get();
  }
  WatchResult Wait() {
    EXPECT_EQ(result_.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    return result_.get();
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> seen_;
  Watch watch_;
  std::future<WatchResult> result_;
};

TEST_F(SimulatorTest, WatchDroppedMidStreamMissesNothing) {
  nlohmann::json list;
  ASSERT_TRUE(client_->ListAll(kConfigMaps, "default", {}, &list).ok());
  WatchOptions o;
  o.resource_version = list["metadata"]["resourceVersion"];
  o.backoff_initial = std::chrono::milliseconds(50);
  Collector watch(client_.get(), o);
  nlohmann::json out;
  ASSERT_TRUE(client_->Create(kConfigMaps, "default", ConfigMap("w1", "x"), &out).ok());
  ASSERT_TRUE(Eventually([&] { return watch.seen().size() == 1; }));
  // Drop every watch, and change things before the client is back.
  Admin("/fedra-sim/faults/drop-watches");
  ASSERT_TRUE(client_->Create(kConfigMaps, "default", ConfigMap("w2", "x"), &out).ok());
  ASSERT_TRUE(
      client_
          ->Patch(kConfigMaps, "default", "w1", PatchType::kMerge, {{"data", {{"key", "y"}}}}, &out)
          .ok());
  ASSERT_TRUE(client_->Delete(kConfigMaps, "default", "w2").ok());
  ASSERT_TRUE(Eventually([&] { return watch.seen().size() == 4; }));
  WatchResult r = watch.Finish();
  EXPECT_EQ(watch.seen(),
            (std::vector<std::string>{"ADDED w1", "ADDED w2", "MODIFIED w1", "DELETED w2"}));
  EXPECT_GE(r.connections, 2u);
}

TEST_F(SimulatorTest, ForcedGoneThenRelistConverges) {
  nlohmann::json out;
  ASSERT_TRUE(client_->Create(kConfigMaps, "default", ConfigMap("g1", "x"), &out).ok());
  Admin("/fedra-sim/faults/expire-watches?count=1");
  nlohmann::json list;
  ASSERT_TRUE(client_->ListAll(kConfigMaps, "default", {}, &list).ok());
  WatchOptions o;
  o.resource_version = list["metadata"]["resourceVersion"];
  {
    Collector watch(client_.get(), o);
    WatchResult r = watch.Wait();
    EXPECT_EQ(r.end, WatchEnd::kExpired);
    EXPECT_TRUE(IsGone(r.status)) << r.status.ToString();
  }
  // Relist and watch again: it now works and sees new changes.
  ASSERT_TRUE(client_->Create(kConfigMaps, "default", ConfigMap("g2", "x"), &out).ok());
  ASSERT_TRUE(client_->ListAll(kConfigMaps, "default", {}, &list).ok());
  EXPECT_EQ(list["items"].size(), 2u);
  o.resource_version = list["metadata"]["resourceVersion"];
  Collector watch(client_.get(), o);
  ASSERT_TRUE(client_->Create(kConfigMaps, "default", ConfigMap("g3", "x"), &out).ok());
  ASSERT_TRUE(Eventually([&] { return watch.seen().size() == 1; }));
  EXPECT_EQ(watch.seen()[0], "ADDED g3");
}

TEST(SimulatorHistory, WatchFromVersionOlderThanHistoryIsExpired) {
  if (!SimulatorAvailable()) GTEST_SKIP() << "fedra-apiserver not built";
  SimulatorProcess sim({"--history", "2"});
  Status st = sim.Start();
  ASSERT_TRUE(st.ok()) << st.ToString();
  std::unique_ptr<Client> client;
  ASSERT_TRUE(sim.NewClient(&client).ok());
  nlohmann::json out;
  ASSERT_TRUE(client->Create(kConfigMaps, "default", ConfigMap("o0", "x"), &out).ok());
  std::string first = out["metadata"]["resourceVersion"];
  for (int i = 1; i < 6; ++i) {
    ASSERT_TRUE(
        client->Create(kConfigMaps, "default", ConfigMap("o" + std::to_string(i), "x"), &out).ok());
  }
  WatchOptions o;
  o.resource_version = first;  // 5 changes ago; the server keeps 2
  Collector watch(client.get(), o);
  WatchResult r = watch.Wait();
  EXPECT_EQ(r.end, WatchEnd::kExpired);
  EXPECT_TRUE(IsGone(r.status)) << r.status.ToString();
  // As a kube-apiserver does, the 410 arrives as an ERROR event in a 200
  // stream; nothing else was delivered.
  EXPECT_EQ(watch.seen(), (std::vector<std::string>{"ERROR "}));
}

// A CRD with a status subresource: discovery finds it once created, and the
// status subresource only changes status.
TEST_F(SimulatorTest, CustomResourceStatusSubresource) {
  nlohmann::json crd = nlohmann::json::parse(R"({
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "gadgets.example.com"},
    "spec": {"group": "example.com", "scope": "Cluster",
      "names": {"plural": "gadgets", "kind": "Gadget"},
      "versions": [{"name": "v1", "served": true, "storage": true,
        "subresources": {"status": {}},
        "schema": {"openAPIV3Schema": {"type": "object", "properties": {
          "spec": {"type": "object", "properties": {"count": {"type": "integer"}}},
          "status": {"type": "object", "properties": {"ready": {"type": "boolean"}}}}}}}]}})");
  GroupVersionResource gvr;
  EXPECT_TRUE(IsNotFound(client_->ResourceFor("example.com/v1", "Gadget", &gvr)));
  nlohmann::json out;
  ApiStatus st = client_->Create(gvr::CustomResourceDefinitions(), "", crd, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  // The earlier miss is not cached for good: a new lookup refreshes.
  ASSERT_TRUE(
      Eventually([&] { return client_->ResourceFor("example.com/v1", "Gadget", &gvr).ok(); }));
  EXPECT_FALSE(gvr.namespaced);
  EXPECT_EQ(gvr.resource, "gadgets");
  nlohmann::json g = {{"apiVersion", "example.com/v1"},
                      {"kind", "Gadget"},
                      {"metadata", {{"name", "g1"}}},
                      {"spec", {{"count", 1}}}};
  st = client_->Create(gvr, "", g, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  out["status"] = {{"ready", true}};
  out["spec"]["count"] = 5;  // ignored through the status subresource
  st = client_->UpdateStatus(gvr, "", out, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  nlohmann::json got;
  ASSERT_TRUE(client_->GetStatus(gvr, "", "g1", &got).ok());
  EXPECT_EQ(got["status"]["ready"], true);
  EXPECT_EQ(got["spec"]["count"], 1);
  st = client_->PatchStatus(gvr, "", "g1", PatchType::kMerge, {{"status", {{"ready", false}}}},
                            &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out["status"]["ready"], false);
  // Schema validation surfaces as Invalid with the field named.
  g["metadata"]["name"] = "g2";
  g["spec"]["count"] = "many";
  st = client_->Create(gvr, "", g, &out);
  ASSERT_TRUE(IsInvalid(st)) << st.ToString();
  ASSERT_FALSE(st.causes().empty());
  EXPECT_EQ(st.causes()[0].field, "spec.count");
}

class SimulatorTlsTest : public ::testing::Test {};

TEST_F(SimulatorTlsTest, TokenAndClientCertificateKubeconfigs) {
  if (!SimulatorAvailable()) GTEST_SKIP() << "fedra-apiserver not built";
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--tls"}, {"--tls", "--client-cert"}}) {
    SimulatorProcess sim(args);
    Status st = sim.Start();
    ASSERT_TRUE(st.ok()) << st.ToString();
    RestConfig rc;
    ASSERT_TRUE(LoadRestConfig({sim.kubeconfig()}, "", &rc).ok());
    EXPECT_EQ(rc.server.rfind("https://", 0), 0u);
    EXPECT_FALSE(rc.ca_pem.empty());
    if (args.size() == 2) {
      EXPECT_FALSE(rc.client_cert_pem.empty());
    }
    std::unique_ptr<Client> client;
    ASSERT_TRUE(Client::Create(rc, &client).ok());
    nlohmann::json out;
    ApiStatus ast = client->Create(kConfigMaps, "default", ConfigMap("tls", "x"), &out);
    ASSERT_TRUE(ast.ok()) << ast.ToString();
  }
}

}  // namespace
}  // namespace fedra::op::kube
