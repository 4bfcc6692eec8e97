// fedra-engine pulling bundles from a bundle server in the test: revisions
// by ETag and long poll, signatures, rejected revisions, persistence across
// a restart with the hub down, garbage bundles.
#include <gtest/gtest.h>

#include "bundle/archive.h"
#include "tests/engine/engine_test_util.h"

namespace fedra::testing {
namespace {

std::string DenyRego(const std::string& package, const std::string& message) {
  return "package " + package + "\nviolation contains {\"msg\": \"" + message + "\"} if {\n"
         "  input.review.object.metadata.labels.deny == \"yes\"\n}\n";
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

std::string Deniable() { return PodReview("u", R"({"deny":"yes"})", "nginx:1"); }

// The deny message the engine gives now, or "" when allowed.
std::string DenyMessage(http::Client& client) {
  Value r = Admit(client, Deniable());
  if (!r.is_object() || r.Get(Value::String("allowed")).is_true()) return "";
  return std::string(r.Get(Value::String("status")).Get(Value::String("message")).str());
}

class EngineBundleTest : public ::testing::Test {
 protected:
  void SetUp() override { pki_ = MakePki(dir_); }
  std::unique_ptr<Engine> StartEngine(const std::string& url, std::vector<std::string> extra = {},
                                      const std::string& name = "engine") {
    std::vector<std::string> args = {"--bundle-url", url, "--bundle-long-poll", "20s"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto e = std::make_unique<Engine>(dir_, pki_, args, name);
    EXPECT_TRUE(e->Start()) << e->process().Log();
    return e;
  }
  void Publish(BundleHub& hub, const std::string& rev, const std::string& msg,
               const bundle::WriteOptions& o = {}) {
    hub.service().Publish("cluster-a", WriteTargz(PolicyBundle(rev, "p", "Deny", DenyRego("fedra.p", msg)), o));
  }

  TempDir dir_;
  Pki pki_;
};

TEST_F(EngineBundleTest, NewRevisionsArriveByLongPoll) {
  BundleHub hub;
  Publish(hub, "r1", "rev one");
  auto engine = StartEngine(hub.Url("cluster-a"));
  http::Client client(engine->ClientOptions());
  ASSERT_TRUE(WaitFor([&] { return DenyMessage(client).find("rev one") != std::string::npos; }))
      << engine->process().Log();
  // The engine now waits in a long poll; a publish answers it at once.
  ASSERT_TRUE(WaitFor([&] { return hub.service().parked() == 1; }));
  Publish(hub, "r2", "rev two");
  ASSERT_TRUE(WaitFor([&] { return DenyMessage(client).find("rev two") != std::string::npos; }));
  http::ClientResponse res;
  ASSERT_TRUE(client.Get("/health?bundles", &res).ok());
  EXPECT_EQ(res.status, 200);
  ASSERT_TRUE(client.Get("/metrics", &res).ok());
  EXPECT_NE(res.body.find("fedra_policy_activations_total{source=\"bundle\",result=\"success\"} 2"),
            std::string::npos)
      << res.body;
}

TEST_F(EngineBundleTest, BrokenAndGarbageRevisionsAreRejectedAndTheOldOneServes) {
  BundleHub hub;
  Publish(hub, "r1", "good");
  auto engine = StartEngine(hub.Url("cluster-a"));
  http::Client client(engine->ClientOptions());
  ASSERT_TRUE(WaitFor([&] { return DenyMessage(client).find("good") != std::string::npos; }));

  size_t rejected = Count(engine->process().Log(), "bundle rejected");
  // Rego that does not compile.
  hub.service().Publish("cluster-a", WriteTargz(PolicyBundle("r2", "p", "Deny", "package fedra.p\nviolation contains x if {")));
  ASSERT_TRUE(WaitFor([&] { return Count(engine->process().Log(), "bundle rejected") > rejected; }));
  EXPECT_NE(DenyMessage(client).find("good"), std::string::npos);
  rejected = Count(engine->process().Log(), "bundle rejected");

  // Not gzip at all; then a gzip of a tar escaping the bundle root.
  hub.service().Publish("cluster-a", "this is not a bundle");
  ASSERT_TRUE(WaitFor([&] { return Count(engine->process().Log(), "bundle rejected") > rejected; }));
  EXPECT_NE(DenyMessage(client).find("good"), std::string::npos);
  std::string evil;
  ASSERT_TRUE(bundle::WriteTarGz({{"ok.rego", "package ok"}}, 0, &evil).ok());
  std::string tar;
  ASSERT_TRUE(bundle::Gunzip(evil, 1 << 20, &tar).ok());
  size_t at = tar.find("ok.rego");
  ASSERT_NE(at, std::string::npos);
  tar.replace(at, 7, "../x.re");  // same length: the header stays aligned
  // Fix the header checksum so that only the path is wrong.
  size_t header = at - (at % 512);
  std::fill(tar.begin() + static_cast<long>(header) + 148, tar.begin() + static_cast<long>(header) + 156, ' ');
  unsigned sum = 0;
  for (size_t i = 0; i < 512; ++i) sum += static_cast<unsigned char>(tar[header + i]);
  char chk[8];
  std::snprintf(chk, sizeof(chk), "%06o", sum);
  tar.replace(header + 148, 6, chk, 6);
  tar[header + 154] = '\0';
  ASSERT_TRUE(bundle::Gzip(tar, &evil).ok());
  hub.service().Publish("cluster-a", evil);
  ASSERT_TRUE(WaitFor([&] {
    std::string log = engine->process().Log();
    return log.find("../x.re") != std::string::npos;
  })) << engine->process().Log();
  EXPECT_NE(DenyMessage(client).find("good"), std::string::npos);
  EXPECT_TRUE(engine->process().running());
  // Every rejection is counted (the Rego that does not parse is already
  // refused while reading the bundle, like the unreadable ones).
  http::ClientResponse res;
  ASSERT_TRUE(client.Get("/metrics", &res).ok());
  size_t line = res.body.find("\nfedra_bundle_failures ");
  ASSERT_NE(line, std::string::npos) << res.body;
  EXPECT_GE(std::atoi(res.body.c_str() + line + 23), 3) << res.body.substr(line, 40);

  // Rego that parses but does not compile reaches the store, which refuses it.
  rejected = Count(engine->process().Log(), "bundle rejected");
  hub.service().Publish("cluster-a", WriteTargz(PolicyBundle("r5", "p", "Deny",
                                                             "package fedra.p\nviolation contains x if x := no_such_function(1)\n")));
  ASSERT_TRUE(WaitFor([&] { return Count(engine->process().Log(), "bundle rejected") > rejected; }));
  EXPECT_NE(DenyMessage(client).find("good"), std::string::npos);
  ASSERT_TRUE(client.Get("/metrics", &res).ok());
  EXPECT_NE(res.body.find("fedra_policy_activations_total{source=\"bundle\",result=\"failure\"} 1"),
            std::string::npos)
      << res.body;
}

TEST_F(EngineBundleTest, SignedBundlesVerifyAndTamperedOnesAreRejected) {
  http::KeyPair signer;
  ASSERT_TRUE(http::MakeCa("bundle-signer", std::chrono::hours(1), &signer).ok());
  std::string verify_key = dir_.Write("signer.crt", signer.cert_pem);
  bundle::WriteOptions signing;
  signing.signing = bundle::SigningConfig{};
  signing.signing->algorithm = "ES256";
  signing.signing->key = signer.key_pem;
  signing.signing->key_id = "hub";

  BundleHub hub;
  Publish(hub, "r1", "signed one", signing);
  auto engine = StartEngine(hub.Url("cluster-a"), {"--bundle-verify-key", verify_key,
                                                   "--bundle-verify-alg", "ES256",
                                                   "--bundle-verify-key-id", "hub"});
  http::Client client(engine->ClientOptions());
  ASSERT_TRUE(WaitFor([&] { return DenyMessage(client).find("signed one") != std::string::npos; }))
      << engine->process().Log();

  // Change a module after signing.
  std::string signed2 = WriteTargz(PolicyBundle("r2", "p", "Deny", DenyRego("fedra.p", "signed two")), signing);
  std::vector<bundle::TarEntry> entries;
  ASSERT_TRUE(bundle::ReadTarGz(signed2, bundle::Limits{}, &entries).ok());
  bool changed = false;
  for (auto& e : entries) {
    if (e.path.ends_with(".rego")) {
      e.contents = DenyRego("fedra.p", "tampered");
      changed = true;
    }
  }
  ASSERT_TRUE(changed);
  std::string tampered;
  ASSERT_TRUE(bundle::WriteTarGz(entries, 0, &tampered).ok());
  size_t rejected = Count(engine->process().Log(), "bundle rejected");
  hub.service().Publish("cluster-a", tampered);
  ASSERT_TRUE(WaitFor([&] { return Count(engine->process().Log(), "bundle rejected") > rejected; }))
      << engine->process().Log();
  EXPECT_NE(DenyMessage(client).find("signed one"), std::string::npos);

  // An unsigned bundle is refused too.
  rejected = Count(engine->process().Log(), "bundle rejected");
  Publish(hub, "r3", "unsigned");
  ASSERT_TRUE(WaitFor([&] { return Count(engine->process().Log(), "bundle rejected") > rejected; }));
  EXPECT_NE(DenyMessage(client).find("signed one"), std::string::npos);
  // And a properly signed one is taken.
  Publish(hub, "r4", "signed four", signing);
  ASSERT_TRUE(WaitFor([&] { return DenyMessage(client).find("signed four") != std::string::npos; }));
}

TEST_F(EngineBundleTest, RestartWithTheHubDownKeepsTheLastGoodBundle) {
  std::string persist = dir_.Path("persist");
  uint16_t hub_port = FreePort();
  {
    BundleHub hub(hub_port);
    Publish(hub, "r1", "persisted");
    auto engine = StartEngine(hub.Url("cluster-a"), {"--bundle-persist-dir", persist}, "first");
    http::Client client(engine->ClientOptions());
    ASSERT_TRUE(WaitFor([&] { return DenyMessage(client).find("persisted") != std::string::npos; }));
    EXPECT_EQ(engine->process().Terminate(), 0);
  }
  // The hub is gone; a new engine starts from what it saved.
  auto engine = StartEngine("http://127.0.0.1:" + std::to_string(hub_port) + "/bundles/cluster-a",
                            {"--bundle-persist-dir", persist}, "second");
  http::Client client(engine->ClientOptions());
  EXPECT_NE(DenyMessage(client).find("persisted"), std::string::npos) << engine->process().Log();
  http::ClientResponse res;
  ASSERT_TRUE(client.Get("/ready", &res).ok());
  EXPECT_EQ(res.status, 200);

  // Without a saved bundle and without a hub, the engine is not ready and
  // refuses to decide rather than admit everything.
  auto empty = StartEngine("http://127.0.0.1:" + std::to_string(hub_port) + "/bundles/cluster-a", {}, "third");
  http::Client c2(empty->ClientOptions());
  ASSERT_TRUE(c2.Get("/ready", &res).ok());
  EXPECT_EQ(res.status, 503);
  int status = 0;
  Admit(c2, Deniable(), &status);
  EXPECT_EQ(status, 503);
}

}  // namespace
}  // namespace fedra::testing

namespace fedra::testing {
namespace {

// A status service in the test: records every report the engine POSTs.
TEST(EngineStatusTest, ReportsActivationsWithOpaStatusShape) {
  TempDir dir;
  Pki pki = MakePki(dir);
  std::mutex mu;
  std::vector<std::string> reports;  // GUARDED_BY(mu)
  http::ServerOptions so;
  http::Server status_server(so, http::Sync([&](const http::Request& req) {
    if (req.method == "POST" && req.path == "/status") {
      std::lock_guard<std::mutex> lock(mu);
      reports.push_back(req.body);
      return http::Response::Json(200, "{}");
    }
    return http::Response::Text(404, "no\n");
  }));
  ASSERT_TRUE(status_server.Start().ok());
  BundleHub hub;
  hub.service().Publish("edge-1", WriteTargz(PolicyBundle("rev-7", "p", "Deny", DenyRego("fedra.p", "x"))));
  Engine engine(dir, pki, {"--bundle-url", hub.Url("edge-1"), "--status-url",
                           "http://127.0.0.1:" + std::to_string(status_server.port()) + "/status",
                           "--status-interval", "200ms", "--id", "engine-7", "--cluster", "edge-1",
                           "--tier", "edge"});
  ASSERT_TRUE(engine.Start()) << engine.process().Log();
  Value report;
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& r : reports) {
      Value v = ParseOrDie(r);
      if (v.Get(Value::String("bundles")).Get(Value::String("fedra")).Get(Value::String("active_revision")) ==
          Value::String("rev-7")) {
        report = v;
        return true;
      }
    }
    return false;
  })) << engine.process().Log();
  Value labels = report.Get(Value::String("labels"));
  EXPECT_EQ(labels.Get(Value::String("id")), Value::String("engine-7"));
  EXPECT_EQ(labels.Get(Value::String("cluster")), Value::String("edge-1"));
  EXPECT_EQ(labels.Get(Value::String("tier")), Value::String("edge"));
  Value b = report.Get(Value::String("bundles")).Get(Value::String("fedra"));
  EXPECT_TRUE(b.Get(Value::String("last_successful_activation")).is_string());
  EXPECT_TRUE(b.Get(Value::String("code")).is_undefined()) << ToJson(b);
  EXPECT_EQ(report.Get(Value::String("fedra")).Get(Value::String("policies")), ParseOrDie(R"(["p"])"));

  // A broken revision shows up as an error while the old revision stays active.
  hub.service().Publish("edge-1", WriteTargz(PolicyBundle("rev-8", "p", "Deny", "package fedra.p\nviolation contains x if {")));
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(mu);
    Value v = ParseOrDie(reports.back());
    Value fb = v.Get(Value::String("bundles")).Get(Value::String("fedra"));
    return fb.Get(Value::String("code")) == Value::String("bundle_error") &&
           fb.Get(Value::String("active_revision")) == Value::String("rev-7");
  })) << engine.process().Log();
  EXPECT_EQ(engine.process().Terminate(), 0);
}

}  // namespace
}  // namespace fedra::testing
