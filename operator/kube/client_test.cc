#include "operator/kube/client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "operator/kube/auth.h"
#include "operator/kube/fake_api_test_util.h"
#include "operator/kube/rate_limiter.h"
#include "operator/kube/test_util.h"

namespace fedra::op::kube {
namespace {

using testing::FakeApi;
using testing::Pki;
using testing::TempDir;

const GroupVersionResource kWidgets{"test.fedra.io", "v1", "widgets", true};

nlohmann::json Widget(const std::string& name, int size = 1) {
  return {{"apiVersion", "test.fedra.io/v1"},
          {"kind", "Widget"},
          {"metadata", {{"name", name}, {"labels", {{"app", "demo"}}}}},
          {"spec", {{"size", size}}}};
}

RestConfig Plain(const FakeApi& api) {
  RestConfig rc;
  rc.server = api.url();
  rc.qps = 0;  // tests of the limiter set it explicitly
  rc.timeout = std::chrono::milliseconds(10000);
  return rc;
}

std::unique_ptr<Client> MakeClient(RestConfig rc) {
  std::unique_ptr<Client> c;
  Status st = Client::Create(std::move(rc), &c);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return c;
}

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(api_.Start().ok()); }
  FakeApi api_;
};

TEST_F(ClientTest, CrudAndTypedErrors) {
  auto client = MakeClient(Plain(api_));
  nlohmann::json out;
  ApiStatus st = client->Create(kWidgets, "team-a", Widget("w1"), &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out["metadata"]["namespace"], "team-a");
  std::string rv = out["metadata"]["resourceVersion"];

  st = client->Create(kWidgets, "team-a", Widget("w1"), &out);
  EXPECT_TRUE(IsAlreadyExists(st)) << st.ToString();
  EXPECT_EQ(st.http_code(), 409);

  nlohmann::json got;
  ASSERT_TRUE(client->Get(kWidgets, "team-a", "w1", &got).ok());
  EXPECT_EQ(got["metadata"]["resourceVersion"], rv);

  st = client->Get(kWidgets, "team-a", "nope", &got);
  EXPECT_TRUE(IsNotFound(st));
  EXPECT_EQ(st.details_name(), "nope");
  EXPECT_NE(st.ToString().find("GET /apis/test.fedra.io/v1/namespaces/team-a/widgets/nope"),
            std::string::npos)
      << st.ToString();

  // Update with the current version succeeds; the stale one conflicts.
  nlohmann::json changed = got;
  changed["spec"]["size"] = 2;
  ASSERT_TRUE(client->Update(kWidgets, "", changed, &out).ok());  // ns from the object
  EXPECT_NE(out["metadata"]["resourceVersion"], rv);
  st = client->Update(kWidgets, "team-a", changed, &out);
  EXPECT_TRUE(IsConflict(st)) << st.ToString();

  // Invalid with causes.
  nlohmann::json unnamed = Widget("");
  st = client->Create(kWidgets, "team-a", unnamed, &out);
  ASSERT_TRUE(IsInvalid(st)) << st.ToString();
  ASSERT_EQ(st.causes().size(), 1u);
  EXPECT_EQ(st.causes()[0].field, "metadata.name");

  // Delete with preconditions: a wrong uid conflicts, the right one deletes.
  DeleteOptions del;
  del.precondition_uid = "uid-wrong";
  del.propagation_policy = "Foreground";
  st = client->Delete(kWidgets, "team-a", "w1", del);
  EXPECT_TRUE(IsConflict(st)) << st.ToString();
  del.precondition_uid = got["metadata"]["uid"];
  st = client->Delete(kWidgets, "team-a", "w1", del);
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto reqs = api_.requests();
  nlohmann::json sent = nlohmann::json::parse(reqs.back().body);
  EXPECT_EQ(sent["propagationPolicy"], "Foreground");
  EXPECT_EQ(sent["preconditions"]["uid"], got["metadata"]["uid"]);
  EXPECT_TRUE(IsNotFound(client->Get(kWidgets, "team-a", "w1", &got)));
}

TEST_F(ClientTest, PagingWithLimitAndContinue) {
  auto client = MakeClient(Plain(api_));
  nlohmann::json out;
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(client->Create(kWidgets, "paged", Widget("w" + std::to_string(i)), &out).ok());
  }
  ListOptions opts;
  opts.limit = 3;
  opts.label_selector = "app=demo,tier in (a,b)";
  opts.field_selector = "metadata.name!=x";
  nlohmann::json page;
  ASSERT_TRUE(client->List(kWidgets, "paged", opts, &page).ok());
  EXPECT_EQ(page["items"].size(), 3u);
  EXPECT_EQ(page["metadata"]["continue"], "3");
  api_.ClearRequests();
  nlohmann::json all;
  ApiStatus st = client->ListAll(kWidgets, "paged", opts, &all);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(all["items"].size(), 7u);
  EXPECT_FALSE(all["metadata"].contains("continue"));
  auto reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 3u);  // 3 + 3 + 1
  EXPECT_NE(reqs[1].target.find("continue=3"), std::string::npos) << reqs[1].target;
  // Selectors arrive encoded and decode to what was asked.
  EXPECT_NE(reqs[0].target.find("labelSelector=app%3Ddemo%2Ctier%20in%20%28a%2Cb%29"),
            std::string::npos)
      << reqs[0].target;

  // An expired continue token: the pager falls back to one full list.
  api_.expire_continue_ = true;
  api_.ClearRequests();
  st = client->ListAll(kWidgets, "paged", opts, &all);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(all["items"].size(), 7u);
  reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 3u);  // page 1, expired page 2 (410), full list
  EXPECT_EQ(reqs[2].target.find("limit="), std::string::npos) << reqs[2].target;
  // A single List with the expired token reports Gone.
  opts.continue_token = "expired";
  EXPECT_TRUE(IsGone(client->List(kWidgets, "paged", opts, &page)));
}

TEST_F(ClientTest, EachPatchTypeSendsItsContentType) {
  auto client = MakeClient(Plain(api_));
  nlohmann::json out;
  ASSERT_TRUE(client->Create(kWidgets, "p", Widget("w"), &out).ok());
  api_.ClearRequests();

  ASSERT_TRUE(
      client->Patch(kWidgets, "p", "w", PatchType::kMerge, {{"spec", {{"size", 2}}}}, &out).ok());
  EXPECT_EQ(out["spec"]["size"], 2);
  nlohmann::json ops =
      nlohmann::json::array({{{"op", "replace"}, {"path", "/spec/size"}, {"value", 3}}});
  ASSERT_TRUE(client->Patch(kWidgets, "p", "w", PatchType::kJson, ops, &out).ok());
  EXPECT_EQ(out["spec"]["size"], 3);
  ASSERT_TRUE(client
                  ->Patch(kWidgets, "p", "w", PatchType::kStrategicMerge,
                          {{"spec", {{"color", "red"}}}}, &out)
                  .ok());
  EXPECT_EQ(out["spec"]["color"], "red");
  nlohmann::json applied = Widget("w", 4);
  ApiStatus st = client->Apply(kWidgets, "p", applied, "fedra-operator", /*force=*/true, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out["spec"]["size"], 4);

  auto reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[0].content_type, "application/merge-patch+json");
  EXPECT_EQ(reqs[1].content_type, "application/json-patch+json");
  EXPECT_EQ(reqs[2].content_type, "application/strategic-merge-patch+json");
  EXPECT_EQ(reqs[3].content_type, "application/apply-patch+yaml");
  EXPECT_NE(reqs[3].target.find("fieldManager=fedra-operator"), std::string::npos);
  EXPECT_NE(reqs[3].target.find("force=true"), std::string::npos);
  for (const auto& r : reqs) EXPECT_EQ(r.method, "PATCH");

  // Misuse is refused before anything is sent.
  api_.ClearRequests();
  EXPECT_EQ(client->Patch(kWidgets, "p", "w", PatchType::kJson, {{"a", 1}}, &out).reason(),
            Reason::kClientError);
  PatchOptions force;
  force.force = true;
  EXPECT_EQ(client->Patch(kWidgets, "p", "w", PatchType::kMerge, {{"a", 1}}, &out, force).reason(),
            Reason::kClientError);
  EXPECT_EQ(client->Patch(kWidgets, "p", "w", PatchType::kApply, {{"a", 1}}, &out).reason(),
            Reason::kClientError);  // no field manager
  EXPECT_TRUE(api_.requests().empty());
}

TEST_F(ClientTest, StatusSubresource) {
  auto client = MakeClient(Plain(api_));
  nlohmann::json out;
  ASSERT_TRUE(client->Create(kWidgets, "s", Widget("w"), &out).ok());
  out["status"] = {{"phase", "Ready"}};
  out["spec"]["size"] = 99;  // ignored by the status subresource
  ApiStatus st = client->UpdateStatus(kWidgets, "s", out, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out["status"]["phase"], "Ready");
  EXPECT_EQ(out["spec"]["size"], 1);
  ASSERT_TRUE(client
                  ->PatchStatus(kWidgets, "s", "w", PatchType::kMerge,
                                {{"status", {{"observedGeneration", 1}}}}, &out)
                  .ok());
  nlohmann::json got;
  ASSERT_TRUE(client->GetStatus(kWidgets, "s", "w", &got).ok());
  EXPECT_EQ(got["status"]["observedGeneration"], 1);
  EXPECT_EQ(got["status"]["phase"], "Ready");
  auto reqs = api_.requests();
  EXPECT_EQ(reqs.back().path, "/apis/test.fedra.io/v1/namespaces/s/widgets/w/status");
}

TEST_F(ClientTest, Discovery) {
  auto client = MakeClient(Plain(api_));
  ServerVersion v;
  ASSERT_TRUE(client->GetServerVersion(&v).ok());
  EXPECT_EQ(v.git_version, "v1.32.0-fake");
  std::vector<std::string> gvs;
  ASSERT_TRUE(client->ServerGroupVersions(&gvs).ok());
  EXPECT_EQ(gvs, (std::vector<std::string>{"v1", "test.fedra.io/v1"}));
  std::vector<ApiResource> res;
  ASSERT_TRUE(client->ServerResourcesFor("test.fedra.io/v1", &res).ok());
  ASSERT_EQ(res.size(), 1u);  // widgets/status folded in
  EXPECT_TRUE(res[0].has_status);
  GroupVersionResource gvr;
  ApiStatus st = client->ResourceFor("test.fedra.io/v1", "Widget", &gvr);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(gvr, kWidgets);
  ASSERT_TRUE(client->ResourceFor("v1", "Namespace", &gvr).ok());
  EXPECT_FALSE(gvr.namespaced);
  EXPECT_EQ(gvr.ApiPrefix(), "/api/v1");
  // Cached: no new request for a known kind.
  api_.ClearRequests();
  ASSERT_TRUE(client->ResourceFor("v1", "ConfigMap", &gvr).ok());
  EXPECT_TRUE(api_.requests().empty());
  // An unknown kind refreshes once, then reports NotFound.
  st = client->ResourceFor("v1", "Gadget", &gvr);
  EXPECT_TRUE(IsNotFound(st));
  EXPECT_EQ(api_.requests().size(), 1u);
  EXPECT_TRUE(IsNotFound(client->ResourceFor("nope.io/v1", "X", &gvr)));
}

TEST_F(ClientTest, RetryAfterIsHonouredAndBounded) {
  RestConfig rc = Plain(api_);
  rc.max_retries = 3;
  auto client = MakeClient(rc);
  nlohmann::json out;
  // Two 429s with Retry-After: 1, then success.
  api_.FailNext(2, 429, "1");
  auto start = std::chrono::steady_clock::now();
  ApiStatus st = client->Create(kWidgets, "r", Widget("w"), &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  // The waits happened (at least the 2 s the server asked for).
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(api_.requests().size(), 3u);
  EXPECT_EQ(client->metrics().retries, 2u);

  // More failures than retries: the last 429 comes back, Retry-After intact.
  api_.ClearRequests();
  rc.max_retries = 1;
  rc.max_retry_after = std::chrono::seconds(0);  // cap the waits for the test
  auto impatient = MakeClient(rc);
  api_.FailNext(5, 429, "30");
  st = impatient->Get(kWidgets, "r", "w", &out);
  EXPECT_TRUE(IsTooManyRequests(st)) << st.ToString();
  EXPECT_EQ(st.retry_after()->count(), 30);
  EXPECT_EQ(api_.requests().size(), 2u);
  // A 503 without Retry-After is not retried by the client.
  api_.FailNext(1, 503, "");
  api_.ClearRequests();
  st = impatient->Get(kWidgets, "r", "w", &out);
  EXPECT_TRUE(IsServiceUnavailable(st));
  EXPECT_EQ(api_.requests().size(), 1u);
  api_.FailNext(0, 429, "");
}

TEST_F(ClientTest, RateLimiterPacesRequests) {
  RestConfig rc = Plain(api_);
  rc.qps = 50;
  rc.burst = 2;
  auto client = MakeClient(rc);
  nlohmann::json out;
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(client->Get(kWidgets, "x", "y", &out).reason() == Reason::kNotFound);
  // Burst 2: the other 4 had to wait for tokens.
  EXPECT_GE(client->rate_limiter().waits(), 4u);

  // A wait longer than allowed fails fast with kThrottled.
  rc.qps = 0.001;
  rc.burst = 1;
  rc.max_throttle_wait = std::chrono::milliseconds(100);
  auto slow = MakeClient(rc);
  EXPECT_TRUE(IsNotFound(slow->Get(kWidgets, "x", "y", &out)));
  ApiStatus st = slow->Get(kWidgets, "x", "y", &out);
  EXPECT_EQ(st.reason(), Reason::kThrottled) << st.ToString();
  EXPECT_TRUE(IsRetryable(st));
}

TEST_F(ClientTest, BearerTokenFileRefreshedOn401) {
  TempDir dir;
  std::string token_file = dir.Write("token", "old-token\n");
  api_.RequireToken("new-token");
  RestConfig rc = Plain(api_);
  rc.token_file = token_file;
  rc.token_file_refresh = std::chrono::seconds(3600);  // only a 401 forces a re-read
  auto client = MakeClient(rc);
  nlohmann::json out;
  ApiStatus st = client->Get(kWidgets, "a", "b", &out);
  EXPECT_TRUE(IsUnauthorized(st)) << st.ToString();  // old token, re-read gives the same
  dir.Write("token", "new-token\n");
  st = client->Get(kWidgets, "a", "b", &out);
  EXPECT_TRUE(IsNotFound(st)) << st.ToString();  // 401 -> re-read -> accepted
  auto reqs = api_.requests();
  EXPECT_EQ(reqs.back().authorization, "Bearer new-token");
}

TEST_F(ClientTest, UnreachableServerIsATransportError) {
  RestConfig rc = Plain(api_);
  api_.Stop();  // the port is now closed
  auto client = MakeClient(rc);
  nlohmann::json out;
  ApiStatus st = client->Get(kWidgets, "a", "b", &out);
  EXPECT_TRUE(IsTransport(st)) << st.ToString();
  EXPECT_NE(st.ToString().find(rc.server), std::string::npos) << st.ToString();

  RestConfig bad;
  bad.server = "ftp://x";
  std::unique_ptr<Client> c;
  EXPECT_FALSE(Client::Create(bad, &c).ok());
}

// Sequential GETs over one kept-alive connection; prints the rate as a
// figure for the record (no assertion on it).
TEST_F(ClientTest, ManySequentialRequests) {
  auto client = MakeClient(Plain(api_));
  nlohmann::json out;
  ASSERT_TRUE(client->Create(kWidgets, "m", Widget("w"), &out).ok());
  constexpr int kRequests = 2000;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRequests; ++i) ASSERT_TRUE(client->Get(kWidgets, "m", "w", &out).ok());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("client GET: %d requests in %.3f s (%.0f req/s)\n", kRequests, secs,
              kRequests / secs);
  EXPECT_EQ(client->metrics().requests, static_cast<uint64_t>(kRequests + 1));
}

TEST_F(ClientTest, ConcurrentCallersShareOneClient) {
  auto client = MakeClient(Plain(api_));
  nlohmann::json out;
  ASSERT_TRUE(client->Create(kWidgets, "c", Widget("w"), &out).ok());
  constexpr int kThreads = 8;
  constexpr int kEach = 50;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        nlohmann::json o;
        ApiStatus st = i % 2 ? client->Get(kWidgets, "c", "w", &o)
                             : client->Patch(kWidgets, "c", "w", PatchType::kMerge,
                                             {{"spec", {{"t" + std::to_string(t), i}}}}, &o);
        if (st.ok()) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kThreads * kEach);
  ASSERT_TRUE(client->Get(kWidgets, "c", "w", &out).ok());
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(out["spec"]["t" + std::to_string(t)], kEach - 2);
}

// A server (or a proxy in front of it) that answers 200 with something that
// is not the JSON asked for.
TEST(ClientBadServer, UndecodableAnswersAreBadResponses) {
  http::Server server({}, http::Sync([](const http::Request& r) {
                        if (r.path == "/api/v1/namespaces/a/configmaps") {
                          return http::Response::Json(200, R"({"kind":"ConfigMapList"})");
                        }
                        return http::Response::Text(200, "<html>login page</html>");
                      }));
  ASSERT_TRUE(server.Start().ok());
  RestConfig rc;
  rc.server = "http://127.0.0.1:" + std::to_string(server.port());
  auto client = MakeClient(rc);
  nlohmann::json out;
  ApiStatus st = client->Get(gvr::ConfigMaps(), "a", "b", &out);
  EXPECT_EQ(st.reason(), Reason::kBadResponse) << st.ToString();
  EXPECT_NE(st.ToString().find("not JSON"), std::string::npos) << st.ToString();
  st = client->List(gvr::ConfigMaps(), "a", {}, &out);
  EXPECT_EQ(st.reason(), Reason::kBadResponse) << st.ToString();
  EXPECT_NE(st.ToString().find("no items array"), std::string::npos) << st.ToString();
  ServerVersion v;
  EXPECT_EQ(client->GetServerVersion(&v).reason(), Reason::kBadResponse);

  // A body beyond the configured bound is refused, not buffered.
  rc.max_response_bytes = 10;
  auto bounded = MakeClient(rc);
  st = bounded->Get(gvr::ConfigMaps(), "a", "b", &out);
  EXPECT_EQ(st.reason(), Reason::kBadResponse) << st.ToString();
  EXPECT_NE(st.ToString().find("larger than 10 bytes"), std::string::npos) << st.ToString();
}

// ---- TLS ------------------------------------------------------------------------

class TlsTest : public ::testing::Test {
 protected:
  // Server certificate for `dns` (and 127.0.0.1 unless dns_only), CA-signed;
  // client certificates verified against the CA when `mtls`.
  std::unique_ptr<FakeApi> Start(bool mtls, bool dns_only = false) {
    const Pki& pki = Pki::Get();
    http::KeyPair server = pki.server;
    if (dns_only) {
      http::CertRequest req;
      req.common_name = "kube.test";
      req.dns_names = {"kube.test"};
      EXPECT_TRUE(http::IssueCert(pki.ca, req, &server).ok());
    }
    http::TlsOptions tls;
    tls.cert_file = dir_.Write("server.crt", server.cert_pem);
    tls.key_file = dir_.Write("server.key", server.key_pem);
    if (mtls) {
      tls.client_ca_file = dir_.Write("client-ca.crt", pki.ca.cert_pem);
      tls.require_client_cert = true;
    }
    auto api = std::make_unique<FakeApi>(tls);
    EXPECT_TRUE(api->Start().ok());
    return api;
  }
  TempDir dir_;
};

TEST_F(TlsTest, CaAndClientCertificate) {
  const Pki& pki = Pki::Get();
  auto api = Start(/*mtls=*/true);
  RestConfig rc = Plain(*api);
  rc.ca_pem = pki.ca.cert_pem;
  rc.client_cert_pem = pki.client.cert_pem;
  rc.client_key_pem = pki.client.key_pem;
  auto client = MakeClient(rc);
  ServerVersion v;
  ApiStatus st = client->GetServerVersion(&v);
  ASSERT_TRUE(st.ok()) << st.ToString();

  // Without the client certificate the handshake fails.
  RestConfig no_cert = rc;
  no_cert.client_cert_pem.clear();
  no_cert.client_key_pem.clear();
  st = MakeClient(no_cert)->GetServerVersion(&v);
  EXPECT_TRUE(IsTransport(st)) << st.ToString();

  // A server certificate from another CA is refused, even though the
  // system roots would not know either: only the configured CA counts.
  RestConfig wrong_ca = rc;
  wrong_ca.ca_pem = pki.other_ca.cert_pem;
  st = MakeClient(wrong_ca)->GetServerVersion(&v);
  EXPECT_TRUE(IsTransport(st)) << st.ToString();
}

TEST_F(TlsTest, InsecureSkipVerify) {
  const Pki& pki = Pki::Get();
  auto api = Start(/*mtls=*/false);
  RestConfig rc = Plain(*api);
  rc.ca_pem = pki.other_ca.cert_pem;  // would fail verification
  ServerVersion v;
  EXPECT_TRUE(IsTransport(MakeClient(rc)->GetServerVersion(&v)));
  rc.ca_pem.clear();
  rc.insecure_skip_tls_verify = true;
  ApiStatus st = MakeClient(rc)->GetServerVersion(&v);
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_F(TlsTest, TlsServerNameVerifiesAnotherName) {
  const Pki& pki = Pki::Get();
  auto api = Start(/*mtls=*/false, /*dns_only=*/true);  // certificate only for kube.test
  RestConfig rc = Plain(*api);
  rc.ca_pem = pki.ca.cert_pem;
  ServerVersion v;
  ApiStatus st = MakeClient(rc)->GetServerVersion(&v);
  EXPECT_TRUE(IsTransport(st)) << "127.0.0.1 is not in the certificate: " << st.ToString();
  rc.tls_server_name = "kube.test";
  st = MakeClient(rc)->GetServerVersion(&v);
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_F(TlsTest, ClientCertificateFromExecPlugin) {
  const Pki& pki = Pki::Get();
  auto api = Start(/*mtls=*/true);
  nlohmann::json cred = {
      {"apiVersion", "client.authentication.k8s.io/v1"},
      {"kind", "ExecCredential"},
      {"status",
       {{"clientCertificateData", pki.client.cert_pem}, {"clientKeyData", pki.client.key_pem}}}};
  std::string file = dir_.Write("cred.json", cred.dump());
  RestConfig rc = Plain(*api);
  rc.ca_pem = pki.ca.cert_pem;
  ExecConfig exec;
  exec.api_version = "client.authentication.k8s.io/v1";
  exec.command = dir_.Write("plugin.sh", "#!/bin/sh\ncat " + file + "\n", 0755);
  rc.exec = exec;
  auto client = MakeClient(rc);
  ServerVersion v;
  ApiStatus st = client->GetServerVersion(&v);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(client->GetServerVersion(&v).ok());
  EXPECT_EQ(client->credentials().exec_runs(), 1u);
}

}  // namespace
}  // namespace fedra::op::kube
