#include "operator/hub/hub_server.h"

#include <gtest/gtest.h>

#include "bundle/bundle.h"
#include "http/client.h"
#include "tests/util/process.h"
#include "value/json.h"

namespace fedra::op::hub {
namespace {

using fedra::testing::Subprocess;
using fedra::testing::TempDir;
using fedra::testing::WaitFor;

std::string PolicyBundle(const std::string& revision, const std::string& message) {
  bundle::Bundle b;
  b.revision = revision;
  b.roots = {"fedra"};
  b.modules.push_back(bundle::Module{
      "fedra/policies/p/main.rego",
      "package fedra.p\nviolation contains {\"msg\": \"" + message + "\"} if input.review.object.bad\n", 1});
  EXPECT_TRUE(ParseJson(R"({"fedra":{"policies":{"p":{"type":"Admission","enforcement":"Deny",)"
                        R"("match":{"kinds":[{"apiGroups":[""],"kinds":["Pod"]}]},"modules":["fedra/policies/p/main.rego"]}}}})",
                        &b.data)
                  .ok());
  std::string out;
  EXPECT_TRUE(bundle::WriteBundle(b, {}, &out).ok());
  return out;
}

HubOptions Options(const std::string& token = "") {
  HubOptions o;
  o.server.threads = 2;
  o.bearer_token = token;
  return o;
}

TEST(HubServerTest, StatusReportsAreParsedAndErrorsNameThePath) {
  EngineReport r;
  ASSERT_TRUE(ParseStatusReport(R"({"labels":{"id":"e1","cluster":"c1","tier":"edge"},
      "bundles":{"fedra":{"active_revision":"r9","code":"bundle_error","message":"bad"}}})", &r).ok());
  EXPECT_EQ(r.id, "e1");
  EXPECT_EQ(r.cluster, "c1");
  EXPECT_EQ(r.active_revision, "r9");
  EXPECT_EQ(r.error_code, "bundle_error");
  EXPECT_NE(ParseStatusReport("[]", &r).message().find("$"), std::string::npos);
  EXPECT_NE(ParseStatusReport(R"({"labels":{}})", &r).message().find("labels.id"), std::string::npos);
  EXPECT_NE(ParseStatusReport(R"({"labels":{"id":"x","cluster":"a/b"}})", &r).message().find("labels.cluster"),
            std::string::npos);
  EXPECT_FALSE(ParseStatusReport("{", &r).ok());
}

TEST(HubServerTest, TokenIsRequiredWhenSet) {
  HubServer hub(Options("s3cret"));
  ASSERT_TRUE(hub.Start().ok());
  hub.Publish("c1", "cloud", PolicyBundle("r1", "x"));
  http::ClientOptions co;
  co.port = hub.port();
  http::Client client(co);
  http::ClientResponse res;
  ASSERT_TRUE(client.Get(HubServer::BundlePath("c1", "cloud"), &res).ok());
  EXPECT_EQ(res.status, 401);
  http::Headers h;
  h.Set("Authorization", "Bearer s3cret");
  ASSERT_TRUE(client.Do("GET", HubServer::BundlePath("c1", "cloud"), "", h, &res).ok());
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(*res.headers.Get("ETag"), "\"" + hub.ETag("c1", "cloud") + "\"");
  ASSERT_TRUE(client.Do("POST", "/status", "not json", h, &res).ok());
  EXPECT_EQ(res.status, 400);
  ASSERT_TRUE(client.Get("/healthz", &res).ok());
  EXPECT_EQ(res.status, 200);
}

// A real fedra-engine pulls from the hub and reports back: the hub sees each
// revision become active on it.
TEST(HubServerTest, EnginesPullBundlesAndReportTheirActiveRevision) {
  std::string engine_bin = std::string(FEDRA_BINARY_DIR) + "/bin/fedra-engine";
  if (!std::filesystem::exists(engine_bin)) GTEST_SKIP() << "fedra-engine is not built in " << FEDRA_BINARY_DIR;
  HubServer hub(Options("tok"));
  std::atomic<int> reports{0};
  hub.OnReport([&](const EngineReport&) { reports++; });
  ASSERT_TRUE(hub.Start().ok());
  hub.Publish("edge-1", "edge", PolicyBundle("r1", "one"));
  TempDir dir;
  std::string token_file = dir.Write("token", "tok\n");
  std::string base = "http://127.0.0.1:" + std::to_string(hub.port());
  Subprocess engine({engine_bin, "--insecure-http", "--addr", "127.0.0.1:0", "--bundle-url",
                     base + HubServer::BundlePath("edge-1", "edge"), "--bundle-token-file", token_file,
                     "--status-url", base + "/status", "--status-interval", "1s", "--id", "edge-1-a",
                     "--cluster", "edge-1", "--tier", "edge"},
                    dir.Path("engine.log"));
  ASSERT_TRUE(engine.Start());
  auto active = [&](const std::string& rev) {
    auto engines = hub.Engines("edge-1");
    return engines.size() == 1 && engines[0].active_revision == rev && engines[0].tier == "edge";
  };
  ASSERT_TRUE(WaitFor([&] { return active("r1"); })) << engine.Log();
  ASSERT_TRUE(WaitFor([&] { return hub.parked() == 1; })) << "the engine waits in a long poll";
  auto start = std::chrono::steady_clock::now();
  hub.Publish("edge-1", "edge", PolicyBundle("r2", "two"));
  ASSERT_TRUE(WaitFor([&] { return active("r2"); })) << engine.Log();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  std::cout << "publish -> engine active -> reported: " << ms.count() << " ms\n";
  EXPECT_TRUE(hub.Fresh(hub.Engines("edge-1")[0], std::chrono::system_clock::now()));
  EXPECT_NE(hub.Engines("edge-1")[0].raw.find("\"active_revision\":\"r2\""), std::string::npos);
  EXPECT_GE(reports.load(), 2);
  EXPECT_TRUE(hub.Engines("other").empty());
  EXPECT_EQ(engine.Terminate(), 0);
}

}  // namespace
}  // namespace fedra::op::hub
