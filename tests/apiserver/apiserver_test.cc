// The simulator over real HTTP(S): auth, watch streams, faults, restarts,
// state files.
#include "tests/apiserver/apiserver.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <mutex>
#include <thread>

#include "http/client.h"
#include "tests/apiserver/json_util.h"
#include "tests/apiserver/test_util.h"

namespace fedra::apiserver {
namespace {

using testing::Eventually;
using testing::TempDir;

const char kConfigMaps[] = "/api/v1/namespaces/default/configmaps";

std::string ConfigMap(const std::string& name) {
  return json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}}.dump();
}

http::Headers Auth(const ApiServer& s) {
  http::Headers h;
  h.Set("Authorization", "Bearer " + s.token());
  h.Set("Content-Type", "application/json");
  return h;
}

// Reads a watch stream on its own thread, collecting events line by line.
class Watch {
 public:
  Watch(uint16_t port, std::string target, std::chrono::milliseconds deadline) {
    thread_ = std::thread([this, port, target, deadline] {
      http::ClientOptions o;
      o.port = port;
      http::Client client(o);
      int status = 0;
      std::string buffer;
      client.Stream(target, deadline, [&](std::string_view data) {
        buffer.append(data);
        size_t nl;
        while ((nl = buffer.find('\n')) != std::string::npos) {
          json e;
          if (ParseJsonText(buffer.substr(0, nl), &e).ok()) {
            std::lock_guard<std::mutex> lock(mu_);
            events_.push_back(e);
          }
          buffer.erase(0, nl + 1);
        }
        return !stop_.load();
      }, &status);
      status_ = status;
      done_ = true;
    });
  }
  ~Watch() {
    stop_ = true;
    thread_.join();
  }
  std::vector<json> events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }
  bool Has(const std::string& type) {
    for (const json& e : events()) {
      if (e["type"] == type) return true;
    }
    return false;
  }
  bool done() const { return done_.load(); }

 private:
  std::mutex mu_;
  std::vector<json> events_;
  std::atomic<bool> stop_{false}, done_{false};
  std::atomic<int> status_{0};
  std::thread thread_;
};

class HttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ApiServerOptions o;
    o.bookmark_interval = std::chrono::milliseconds(50);
    server_ = std::make_unique<ApiServer>(o);
    ASSERT_TRUE(server_->Start().ok());
    http::ClientOptions co;
    co.port = server_->port();
    client_ = std::make_unique<http::Client>(co);
  }
  http::ClientResponse Do(const std::string& method, const std::string& target,
                          const std::string& body = "") {
    http::ClientResponse res;
    Status st = client_->Do(method, target, body, Auth(*server_), &res);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return res;
  }
  std::string Rv() { return std::to_string(server_->store().resource_version()); }

  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<http::Client> client_;
};

TEST_F(HttpTest, WatchStreamsEventsAndBookmarks) {
  Watch w(server_->port(),
          std::string(kConfigMaps) + "?watch=1&allowWatchBookmarks=true&resourceVersion=" + Rv(),
          std::chrono::seconds(10));
  ASSERT_TRUE(Eventually([&] { return server_->store().watch_count() == 1; }));
  ASSERT_EQ(Do("POST", kConfigMaps, ConfigMap("a")).status, 201);
  ASSERT_TRUE(Eventually([&] { return w.Has("ADDED") && w.Has("BOOKMARK"); }));
  for (const json& e : w.events()) {
    if (e["type"] == "ADDED") {
      EXPECT_EQ(e["object"]["metadata"]["name"], "a");
    }
    if (e["type"] == "BOOKMARK") {
      EXPECT_EQ(e["object"]["kind"], "ConfigMap");
    }
  }
}

TEST_F(HttpTest, WatchesEndOnTimeoutAndWhenDropped) {
  Watch timed(server_->port(), std::string(kConfigMaps) + "?watch=true&timeoutSeconds=1",
              std::chrono::seconds(10));
  EXPECT_TRUE(Eventually([&] { return timed.done(); }));
  Watch dropped(server_->port(), std::string(kConfigMaps) + "?watch=true", std::chrono::seconds(10));
  ASSERT_TRUE(Eventually([&] { return server_->store().watch_count() == 1; }));
  EXPECT_EQ(Do("POST", "/fedra-sim/faults/drop-watches").status, 200);
  EXPECT_TRUE(Eventually([&] { return dropped.done(); }));
}

TEST_F(HttpTest, ForcedExpiryGivesA410ErrorEvent) {
  ASSERT_EQ(Do("POST", "/fedra-sim/faults/expire-watches?count=1").status, 200);
  Watch w(server_->port(), std::string(kConfigMaps) + "?watch=1&resourceVersion=" + Rv(),
          std::chrono::seconds(10));
  ASSERT_TRUE(Eventually([&] { return w.done(); }));
  std::vector<json> events = w.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["type"], "ERROR");
  EXPECT_EQ(events[0]["object"]["code"], 410);
  EXPECT_EQ(events[0]["object"]["reason"], "Expired");
}

TEST_F(HttpTest, GarbageWatchesSendBrokenLinesThenEnd) {
  ASSERT_EQ(Do("POST", "/fedra-sim/faults/garbage-watches?count=1").status, 200);
  http::ClientOptions o;
  o.port = server_->port();
  http::Client raw(o);
  std::string body;
  int status = 0;
  ASSERT_TRUE(raw.Stream(std::string(kConfigMaps) + "?watch=1", std::chrono::seconds(10),
                         [&](std::string_view d) {
                           body.append(d);
                           return true;
                         },
                         &status).ok());
  EXPECT_EQ(status, 200);
  EXPECT_NE(body.find("this is not JSON\n"), std::string::npos);
  json ignored;
  EXPECT_FALSE(ParseJsonText(body.substr(0, body.find('\n')), &ignored).ok());
  // The next watch is a normal one.
  ASSERT_EQ(Do("POST", kConfigMaps, ConfigMap("g")).status, 201);
  Watch w(server_->port(), std::string(kConfigMaps) + "?watch=1", std::chrono::seconds(10));
  EXPECT_TRUE(Eventually([&] { return w.Has("ADDED"); }));
}

TEST_F(HttpTest, InjectedErrorsCarryRetryAfter) {
  ASSERT_EQ(Do("POST", "/fedra-sim/faults/errors?count=2&code=429&retryAfter=3").status, 200);
  for (int i = 0; i < 2; ++i) {
    http::ClientResponse r = Do("GET", kConfigMaps);
    EXPECT_EQ(r.status, 429);
    ASSERT_NE(r.headers.Get("Retry-After"), nullptr);
    EXPECT_EQ(*r.headers.Get("Retry-After"), "3");
    json s;
    ASSERT_TRUE(ParseJsonText(r.body, &s).ok());
    EXPECT_EQ(s["reason"], "TooManyRequests");
    EXPECT_EQ(s["details"]["retryAfterSeconds"], 3);
  }
  EXPECT_EQ(Do("GET", kConfigMaps).status, 200);
  ASSERT_EQ(Do("POST", "/fedra-sim/faults/errors?count=1&code=500").status, 200);
  EXPECT_EQ(Do("GET", kConfigMaps).status, 500);
  ASSERT_EQ(Do("POST", "/fedra-sim/faults/latency?ms=20").status, 200);
  EXPECT_EQ(Do("GET", kConfigMaps).status, 200);  // later, but answered
  ASSERT_EQ(Do("POST", "/fedra-sim/faults/clear").status, 200);
}

TEST_F(HttpTest, RestartKeepsOrLosesState) {
  ASSERT_EQ(Do("POST", kConfigMaps, ConfigMap("kept")).status, 201);
  uint16_t port = server_->port();
  ASSERT_TRUE(server_->Restart(true).ok());
  EXPECT_EQ(server_->port(), port);
  client_->Close();
  EXPECT_EQ(Do("GET", std::string(kConfigMaps) + "/kept").status, 200);
  ASSERT_EQ(Do("POST", "/fedra-sim/restart?keepState=false").status, 200);
  client_->Close();
  EXPECT_TRUE(Eventually([&] {
    http::ClientResponse r;
    client_->Close();
    return client_->Do("GET", std::string(kConfigMaps) + "/kept", "", Auth(*server_), &r).ok() &&
           r.status == 404;
  }));
  EXPECT_EQ(Do("GET", "/api/v1/namespaces/default").status, 200);
}

TEST_F(HttpTest, SuspendedServersRefuseConnectionsUntilResumed) {
  ASSERT_EQ(Do("POST", kConfigMaps, ConfigMap("still-here")).status, 201);
  server_->Suspend();
  client_->Close();
  http::ClientResponse r;
  EXPECT_FALSE(client_->Do("GET", kConfigMaps, "", Auth(*server_), &r).ok());
  ASSERT_TRUE(server_->Resume().ok());
  client_->Close();
  EXPECT_EQ(Do("GET", std::string(kConfigMaps) + "/still-here").status, 200);
  // The same through the admin endpoint: away, then back by itself.
  ASSERT_EQ(Do("POST", "/fedra-sim/suspend?ms=300").status, 200);
  EXPECT_TRUE(Eventually([&] {
    client_->Close();
    return !client_->Do("GET", kConfigMaps, "", Auth(*server_), &r).ok();
  }));
  EXPECT_TRUE(Eventually([&] {
    client_->Close();
    return client_->Do("GET", kConfigMaps, "", Auth(*server_), &r).ok() && r.status == 200;
  }));
}

TEST(ApiServerTest, TlsTokenAuthAndKubeconfig) {
  TempDir dir;
  ApiServerOptions o;
  o.tls = true;
  o.token = "secret-token";
  o.kubeconfig_out = dir.Path("kubeconfig");
  ApiServer server(o);
  ASSERT_TRUE(server.Start().ok());
  std::string kubeconfig = server.Kubeconfig();
  EXPECT_NE(kubeconfig.find("server: https://127.0.0.1:" + std::to_string(server.port())), std::string::npos);
  EXPECT_NE(kubeconfig.find("certificate-authority-data: " + Base64Encode(server.ca_pem())), std::string::npos);
  EXPECT_NE(kubeconfig.find("token: secret-token"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(o.kubeconfig_out));

  http::ClientOptions co;
  co.port = server.port();
  co.tls = true;
  co.ca_file = dir.File("ca.crt", server.ca_pem());
  co.server_name = "127.0.0.1";
  http::Client client(co);
  http::ClientResponse r;
  ASSERT_TRUE(client.Do("GET", "/api/v1/namespaces", "", {}, &r).ok());
  EXPECT_EQ(r.status, 401);
  http::Headers wrong;
  wrong.Set("Authorization", "Bearer nope");
  ASSERT_TRUE(client.Do("GET", "/api/v1/namespaces", "", wrong, &r).ok());
  EXPECT_EQ(r.status, 401);
  ASSERT_TRUE(client.Do("GET", "/api/v1/namespaces", "", Auth(server), &r).ok());
  EXPECT_EQ(r.status, 200);
  ASSERT_TRUE(client.Do("GET", "/version", "", {}, &r).ok());
  EXPECT_EQ(r.status, 200);
}

TEST(ApiServerTest, StateFileSurvivesAProcessLifetime) {
  TempDir dir;
  ApiServerOptions o;
  o.state_file = dir.Path("state.json");
  {
    ApiServer server(o);
    ASSERT_TRUE(server.Start().ok());
    http::ClientOptions co;
    co.port = server.port();
    http::Client client(co);
    http::ClientResponse r;
    ASSERT_TRUE(client.Do("POST", kConfigMaps, ConfigMap("durable"), Auth(server), &r).ok());
    ASSERT_EQ(r.status, 201);
    server.Stop();
  }
  ApiServer again(o);
  ASSERT_TRUE(again.Start().ok());
  json got;
  EXPECT_TRUE(again.store().Get(*again.store().Resolve("", "v1", "configmaps"), "default", "durable", &got).ok());
  // A corrupt state file is an error naming the file.
  std::string bad = dir.File("bad.json", "{not json");
  ApiServerOptions b;
  b.state_file = bad;
  ApiServer broken(b);
  Status st = broken.Start();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.ToString().find("bad.json"), std::string::npos);
  broken.Stop();
  std::ifstream in(bad);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "{not json");  // left for the user to inspect
}

}  // namespace
}  // namespace fedra::apiserver
