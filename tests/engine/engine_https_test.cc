// fedra-engine as a real process over HTTPS on loopback: admission
// decisions, the OPA APIs, bad input, certificate rotation and shutdown.
#include <gtest/gtest.h>

#include "tests/engine/engine_test_util.h"

namespace fedra::testing {
namespace {

constexpr char kPolicies[] = R"(
apiVersion: policy.fedra.io/v1alpha1
kind: FederatedPolicy
metadata:
  name: require-team-label
spec:
  type: Admission
  enforcement: Deny
  match:
    kinds: [{apiGroups: [""], kinds: ["Pod"]}]
    excludedNamespaces: ["kube-system"]
  parameters:
    labels: ["team"]
  modules:
    - name: main.rego
      rego: |
        package fedra.labels
        violation contains {"msg": msg} if {
          some l in input.parameters.labels
          not input.review.object.metadata.labels[l]
          msg := sprintf("missing label %s", [l])
        }
---
apiVersion: policy.fedra.io/v1alpha1
kind: FederatedPolicy
metadata:
  name: no-latest-tag
spec:
  type: Admission
  enforcement: Warn
  match:
    kinds: [{apiGroups: [""], kinds: ["Pod"]}]
  modules:
    - name: main.rego
      rego: |
        package fedra.tags
        violation contains {"msg": sprintf("image %s uses the latest tag", [c.image])} if {
          some c in input.review.object.spec.containers
          endswith(c.image, ":latest")
        }
---
apiVersion: policy.fedra.io/v1alpha1
kind: FederatedPolicy
metadata:
  name: mark-managed
spec:
  type: Admission
  enforcement: Deny
  match:
    kinds: [{apiGroups: [""], kinds: ["Pod"]}]
  modules:
    - name: main.rego
      rego: |
        package fedra.mutate
        patch contains {"op": "add", "path": "/metadata/labels/fedra.io~1managed", "value": "true"} if {
          not input.review.object.metadata.labels["fedra.io/managed"]
        }
)";

class EngineHttpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_ = MakePki(dir_);
    dir_.Write("policies/policies.yaml", kPolicies);
  }
  std::unique_ptr<Engine> StartEngine(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--policy-dir", dir_.Path("policies")};
    args.insert(args.end(), extra.begin(), extra.end());
    auto e = std::make_unique<Engine>(dir_, pki_, args);
    EXPECT_TRUE(e->Start()) << e->process().Log();
    return e;
  }

  TempDir dir_;
  Pki pki_;
};

TEST_F(EngineHttpsTest, AllowsDeniesWarnsAndMutates) {
  auto engine = StartEngine();
  http::Client client(engine->ClientOptions());

  // Allowed, and mutated: one JSON Patch adding the label.
  Value r = Admit(client, PodReview("u-allow", R"({"team":"a"})", "nginx:1.27"));
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r.Get(Value::String("uid")), Value::String("u-allow"));
  EXPECT_TRUE(r.Get(Value::String("allowed")).is_true());
  EXPECT_EQ(r.Get(Value::String("patchType")), Value::String("JSONPatch"));
  Value patch = ParseOrDie(Base64Decode(r.Get(Value::String("patch")).str()));
  ASSERT_EQ(patch.size(), 1u);
  EXPECT_EQ(patch.array()[0].Get(Value::String("path")),
            Value::String("/metadata/labels/fedra.io~1managed"));

  // Denied with 403, naming the policy and the violation.
  r = Admit(client, PodReview("u-deny", R"({"app":"x"})", "nginx:1.27"));
  ASSERT_TRUE(r.is_object());
  EXPECT_TRUE(r.Get(Value::String("allowed")).is_false());
  Value st = r.Get(Value::String("status"));
  EXPECT_EQ(st.Get(Value::String("code")), Value::Int(403));
  EXPECT_NE(st.Get(Value::String("message")).str().find("[require-team-label] missing label team"),
            std::string::npos)
      << ToJson(st);

  // Warned: allowed with a warning.
  r = Admit(client, PodReview("u-warn", R"({"team":"a","fedra.io/managed":"true"})", "nginx:latest"));
  ASSERT_TRUE(r.is_object());
  EXPECT_TRUE(r.Get(Value::String("allowed")).is_true());
  Value warnings = r.Get(Value::String("warnings"));
  ASSERT_EQ(warnings.size(), 1u) << ToJson(r);
  EXPECT_NE(warnings.array()[0].str().find("latest tag"), std::string::npos);
  EXPECT_TRUE(r.Get(Value::String("patch")).is_undefined());

  // Excluded namespace: nothing applies.
  r = Admit(client, PodReview("u-sys", R"({})", "nginx:1", "kube-system"));
  EXPECT_TRUE(r.Get(Value::String("allowed")).is_true());

  // The decision API sees the same policies.
  http::ClientResponse res;
  http::Headers h;
  h.Set("Content-Type", "application/json");
  ASSERT_TRUE(client
                  .Do("POST", "/v1/data/fedra/labels/violation",
                      R"({"input":{"parameters":{"labels":["x"]},"review":{"object":{"metadata":{}}}}})", h,
                      &res)
                  .ok());
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "{\"result\":[{\"msg\":\"missing label x\"}]}\n");

  // Metrics count the decisions by outcome and policy.
  ASSERT_TRUE(client.Get("/metrics", &res).ok());
  EXPECT_NE(res.body.find("fedra_admission_decisions_total{outcome=\"denied\"} 1"), std::string::npos);
  EXPECT_NE(res.body.find("fedra_policy_decisions_total{policy=\"require-team-label\",outcome=\"denied\"} 1"),
            std::string::npos)
      << res.body;
  EXPECT_NE(res.body.find("process_resident_memory_bytes"), std::string::npos);
  EXPECT_EQ(engine->process().Terminate(), 0) << engine->process().Log();
}

TEST_F(EngineHttpsTest, BadInputGetsClearClientErrors) {
  auto engine = StartEngine({"--max-body", "65536", "--max-json-depth", "64", "--read-timeout", "300ms"});
  http::Client client(engine->ClientOptions());
  http::Headers json;
  json.Set("Content-Type", "application/json");
  http::ClientResponse res;

  ASSERT_TRUE(client.Do("POST", "/v1/admit", PodReview("u", "{}", "x"), {}, &res).ok());
  EXPECT_EQ(res.status, 415) << res.body;

  ASSERT_TRUE(client.Do("POST", "/v1/admit", "{\"apiVersion\": ", json, &res).ok());
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("request body"), std::string::npos) << res.body;

  ASSERT_TRUE(client.Do("POST", "/v1/admit", R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{}})",
                        json, &res)
                  .ok());
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("request.uid"), std::string::npos) << res.body;

  ASSERT_TRUE(client.Do("POST", "/v1/admit", std::string(100, '[') + std::string(100, ']'), json, &res).ok());
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("depth"), std::string::npos) << res.body;

  ASSERT_TRUE(client.Do("POST", "/v1/admit", std::string(70000, ' '), json, &res).ok());
  EXPECT_EQ(res.status, 413) << res.body;

  ASSERT_TRUE(client.Do("GET", "/v1/admit", "", {}, &res).ok());
  EXPECT_EQ(res.status, 405);
  ASSERT_TRUE(client.Do("PUT", "/v1/policies/x", "package x", {}, &res).ok());
  EXPECT_EQ(res.status, 403) << "API writes are off by default";
  ASSERT_TRUE(client.Get("/nope", &res).ok());
  EXPECT_EQ(res.status, 404);

  // A slow client is cut off; the engine keeps serving others.
  http::Client slow(engine->ClientOptions());
  std::string reply;
  ASSERT_TRUE(slow.RawExchange("POST /v1/admit HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{",
                               std::chrono::seconds(10), &reply)
                  .ok());
  EXPECT_EQ(reply, "");
  Value r = Admit(client, PodReview("u-after", R"({"team":"a"})", "nginx:1"));
  EXPECT_TRUE(r.Get(Value::String("allowed")).is_true());
  EXPECT_TRUE(engine->process().running());
}

TEST_F(EngineHttpsTest, ApiWritesFollowOpaSemantics) {
  auto engine = StartEngine({"--allow-api-writes"});
  http::Client client(engine->ClientOptions());
  http::ClientResponse res;
  ASSERT_TRUE(client.Do("PUT", "/v1/policies/authz", "package authz\nallow if input.user == data.admins[_]", {}, &res).ok());
  EXPECT_EQ(res.status, 200) << res.body;
  ASSERT_TRUE(client.Do("PUT", "/v1/data/admins", R"(["alice"])", {}, &res).ok());
  EXPECT_EQ(res.status, 204) << res.body;
  ASSERT_TRUE(client.Do("POST", "/v1/data/authz/allow", R"({"input":{"user":"alice"}})", {}, &res).ok());
  EXPECT_EQ(res.body, "{\"result\":true}\n");
  ASSERT_TRUE(client.Do("PATCH", "/v1/data/admins", R"([{"op":"add","path":"/-","value":"bob"}])", {}, &res).ok());
  EXPECT_EQ(res.status, 204) << res.body;
  ASSERT_TRUE(client.Do("POST", "/v1/data/authz/allow", R"({"input":{"user":"bob"}})", {}, &res).ok());
  EXPECT_EQ(res.body, "{\"result\":true}\n");
  // A module that does not compile is refused with its location; the old set stays.
  ASSERT_TRUE(client.Do("PUT", "/v1/policies/authz", "package authz\nallow if {", {}, &res).ok());
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("\"row\":2"), std::string::npos) << res.body;
  ASSERT_TRUE(client.Do("POST", "/v1/data/authz/allow", R"({"input":{"user":"bob"}})", {}, &res).ok());
  EXPECT_EQ(res.body, "{\"result\":true}\n");
  // Data the policy directory owns cannot be overwritten.
  ASSERT_TRUE(client.Do("PUT", "/v1/data/fedra", "{}", {}, &res).ok());
  EXPECT_EQ(res.status, 400) << res.body;
  ASSERT_TRUE(client.Do("DELETE", "/v1/data/admins", "", {}, &res).ok());
  EXPECT_EQ(res.status, 204);
  ASSERT_TRUE(client.Do("DELETE", "/v1/data/admins", "", {}, &res).ok());
  EXPECT_EQ(res.status, 404);
  ASSERT_TRUE(client.Do("POST", "/v1/data/authz/allow?metrics", R"({"input":{"user":"bob"}})", {}, &res).ok());
  EXPECT_NE(res.body.find("timer_rego_query_eval_ns"), std::string::npos) << res.body;
  EXPECT_EQ(res.body.find("result"), std::string::npos) << "undefined: no result key";
}

TEST_F(EngineHttpsTest, RotatedCertificatesAreServedWithoutDroppingConnections) {
  auto engine = StartEngine();
  http::Client old_conn(engine->ClientOptions());
  http::ClientResponse res;
  ASSERT_TRUE(old_conn.Get("/health", &res).ok());

  // Kubernetes updates a mounted Secret: both files change.
  TempDir other;
  Pki next = MakePki(other, "next-");
  dir_.Write("tls.key", next.server.key_pem);
  dir_.Write("tls.crt", next.server.cert_pem);
  http::ClientOptions o = engine->ClientOptions();
  o.ca_file = next.ca_file;
  EXPECT_TRUE(WaitFor([&] {
    http::Client fresh(o);
    return fresh.Get("/health", &res).ok() && res.status == 200;
  }));
  ASSERT_TRUE(old_conn.connected());
  ASSERT_TRUE(old_conn.Get("/health", &res).ok());
  EXPECT_EQ(res.status, 200);
}

TEST_F(EngineHttpsTest, PolicyDirectoryChangesAreActivatedAndBrokenOnesRejected) {
  auto engine = StartEngine({"--watch-interval", "50ms"});
  http::Client client(engine->ClientOptions());
  std::string rev1;
  Value r = Admit(client, PodReview("u1", R"({"app":"x"})", "nginx:1"), nullptr, &rev1);
  EXPECT_TRUE(r.Get(Value::String("allowed")).is_false());

  // A broken edit is rejected; the old revision keeps deciding.
  dir_.Write("policies/policies.yaml", std::string(kPolicies) + "\n---\nkind: [broken\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::string rev;
  r = Admit(client, PodReview("u2", R"({"app":"x"})", "nginx:1"), nullptr, &rev);
  EXPECT_TRUE(r.Get(Value::String("allowed")).is_false());
  EXPECT_EQ(rev, rev1);

  // Removing the policies is a valid change: everything is allowed.
  dir_.Write("policies/policies.yaml", "");
  EXPECT_TRUE(WaitFor([&] {
    Value v = Admit(client, PodReview("u3", R"({"app":"x"})", "nginx:1"));
    return v.Get(Value::String("allowed")).is_true();
  }));
  EXPECT_NE(engine->process().Log().find("rejected"), std::string::npos);
}

TEST_F(EngineHttpsTest, SigtermStopsGracefully) {
  auto engine = StartEngine();
  http::Client client(engine->ClientOptions());
  http::ClientResponse res;
  ASSERT_TRUE(client.Get("/ready", &res).ok());
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(engine->process().Terminate(std::chrono::seconds(15)), 0) << engine->process().Log();
  EXPECT_NE(engine->process().Log().find("\"msg\":\"stopped\""), std::string::npos);
}

}  // namespace
}  // namespace fedra::testing
