#include "operator/controller/health.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "operator/kube/client.h"

namespace fedra::op::controller {
namespace {

http::Request Get(std::string target) {
  http::Request r;
  r.method = "GET";
  r.target = target;
  size_t q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = http::ParseQuery(target.substr(q + 1));
  return r;
}

TEST(HealthChecksTest, OkWhenEveryCheckPasses) {
  HealthChecks h;
  h.AddLiveness("ping", [] { return Status::OK(); });
  h.AddReadiness("informers-synced", [] { return Status::OK(); });
  for (const char* p : {"/healthz", "/livez", "/readyz"}) {
    http::Response r = h.Serve(Get(p));
    EXPECT_EQ(r.status, 200) << p;
    EXPECT_EQ(r.body, "ok") << p;
  }
  http::Response v = h.Serve(Get("/readyz?verbose"));
  EXPECT_EQ(v.body, "[+]ping ok\n[+]informers-synced ok\nreadyz check passed\n");
}

TEST(HealthChecksTest, ReadinessFailuresDoNotFailLiveness) {
  HealthChecks h;
  std::atomic<bool> synced{false};
  h.AddLiveness("ping", [] { return Status::OK(); });
  h.AddReadiness("informers-synced", [&] {
    return synced ? Status::OK() : Status::Internal("3 of 4 informers synced");
  });
  EXPECT_EQ(h.Serve(Get("/healthz")).status, 200);
  http::Response r = h.Serve(Get("/readyz"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "[-]informers-synced failed: 3 of 4 informers synced\nreadyz check failed\n");
  EXPECT_EQ(h.Serve(Get("/readyz?exclude=informers-synced")).status, 200);
  synced = true;
  EXPECT_EQ(h.Serve(Get("/readyz")).status, 200);
}

TEST(HealthChecksTest, SingleChecksUnknownPathsAndThrowingChecks) {
  HealthChecks h;
  h.AddLiveness("leader-election", [] { return Status::OK(); });
  h.AddReadiness("boom", []() -> Status { throw std::runtime_error("nil"); });
  EXPECT_EQ(h.Serve(Get("/readyz/leader-election")).status, 200);
  http::Response boom = h.Serve(Get("/readyz/boom"));
  EXPECT_EQ(boom.status, 500);
  EXPECT_NE(boom.body.find("check threw: nil"), std::string::npos) << boom.body;
  EXPECT_EQ(h.Serve(Get("/readyz/nope")).status, 404);
  EXPECT_EQ(h.Serve(Get("/metrics")).status, 404);
  EXPECT_FALSE(HealthChecks::Handles("/healthzz"));
  EXPECT_TRUE(HealthChecks::Handles("/livez/ping"));
  http::Request post = Get("/healthz");
  post.method = "POST";
  EXPECT_EQ(h.Serve(post).status, 405);
}

// Over a real HTTP server on loopback, as the operator serves them.
TEST(HealthChecksTest, ServedByTheHttpServer) {
  HealthChecks h;
  std::atomic<bool> ready{false};
  h.AddReadiness("ready", [&] { return ready ? Status::OK() : Status::Internal("not yet"); });
  http::ServerOptions so;
  http::Server server(so, http::Sync([&](const http::Request& req) {
                        if (HealthChecks::Handles(req.path)) return h.Serve(req);
                        return http::Response::Text(404, "other\n");
                      }));
  ASSERT_TRUE(server.Start().ok());
  kube::RestConfig rc;
  rc.server = "http://127.0.0.1:" + std::to_string(server.port());
  std::unique_ptr<kube::Client> client;
  ASSERT_TRUE(kube::Client::Create(rc, &client).ok());
  kube::Client::RawResponse resp;
  ASSERT_TRUE(client->Raw("GET", "/readyz", "", "", &resp).ok());
  EXPECT_EQ(resp.status, 500);
  EXPECT_NE(resp.body.find("[-]ready failed: not yet"), std::string::npos) << resp.body;
  ASSERT_TRUE(client->Raw("GET", "/healthz", "", "", &resp).ok());
  EXPECT_EQ(resp.status, 200);
  ready = true;
  ASSERT_TRUE(client->Raw("GET", "/readyz", "", "", &resp).ok());
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, "ok");
  server.Stop();
}

}  // namespace
}  // namespace fedra::op::controller
