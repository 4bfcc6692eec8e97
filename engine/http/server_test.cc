#include "http/server.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "http/certs.h"
#include "http/client.h"

namespace fedra::http {
namespace {

using std::chrono::milliseconds;

// Polls `cond` every 5 ms for up to 5 s.
template <class F>
bool Eventually(F cond) {
  for (int i = 0; i < 1000; ++i) {
    if (cond()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return cond();
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/fedra-http-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name, const std::string& contents) const {
    std::string p = path_ + "/" + name;
    EXPECT_TRUE(WriteFileAtomic(p, contents).ok());
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Response Echo(const Request& r) {
  std::string q;
  for (const auto& [k, v] : r.query) q += k + "=" + v + ";";
  return Response::Text(200, r.method + " " + r.path + " " + q + " " + r.body);
}

TlsOptions Tls(std::string cert, std::string key) {
  TlsOptions t;
  t.cert_file = std::move(cert);
  t.key_file = std::move(key);
  return t;
}

ClientOptions To(const Server& s) {
  ClientOptions o;
  o.port = s.port();
  return o;
}

TEST(ServerTest, ServesRequestsOnOneKeptAliveConnection) {
  Server server({}, Sync(Echo));
  ASSERT_TRUE(server.Start().ok());
  Client client(To(server));
  ClientResponse res;
  ASSERT_TRUE(client.Do("POST", "/v1/data/a%2Fb?pretty=true&x=a+b", "{}", {}, &res).ok());
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "POST /v1/data/a/b pretty=true;x=a b; {}");
  ASSERT_TRUE(client.Get("/health", &res).ok());
  EXPECT_EQ(res.body, "GET /health  ");
  EXPECT_EQ(*res.headers.Get("server"), "fedra");
  EXPECT_EQ(server.stats().connections_accepted, 1u);
  EXPECT_EQ(server.stats().requests, 2u);
}

TEST(ServerTest, AnswersLaterFromAnotherThread) {
  std::vector<std::thread> threads;
  std::mutex mu;
  Server server({}, [&](Request& req, Responder resp) {
    std::lock_guard<std::mutex> lock(mu);
    threads.emplace_back([resp, body = req.body]() mutable {
      std::this_thread::sleep_for(milliseconds(20));
      resp.Send(Response::Json(201, body));
    });
  });
  ASSERT_TRUE(server.Start().ok());
  Client client(To(server));
  ClientResponse res;
  ASSERT_TRUE(client.Do("PUT", "/x", "{\"a\":1}", {}, &res).ok());
  EXPECT_EQ(res.status, 201);
  EXPECT_EQ(res.body, "{\"a\":1}");
  EXPECT_EQ(*res.headers.Get("content-type"), "application/json");
  for (auto& t : threads) t.join();
}

TEST(ServerTest, AHandlerThatForgetsToAnswerGives500) {
  Server server({}, [](Request&, Responder) {});
  ASSERT_TRUE(server.Start().ok());
  Client client(To(server));
  ClientResponse res;
  ASSERT_TRUE(client.Get("/", &res).ok());
  EXPECT_EQ(res.status, 500);
}

TEST(ServerTest, AHandlerThatThrowsGives500) {
  Server server({}, Sync([](const Request&) -> Response { throw std::runtime_error("boom"); }));
  ASSERT_TRUE(server.Start().ok());
  Client client(To(server));
  ClientResponse res;
  ASSERT_TRUE(client.Get("/", &res).ok());
  EXPECT_EQ(res.status, 500);
  EXPECT_NE(res.body.find("boom"), std::string::npos);
}

TEST(ServerTest, OversizedBodyGets413BeforeTheHandler) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  std::atomic<int> calls{0};
  Server server(o, Sync([&](const Request& r) {
                  calls++;
                  return Echo(r);
                }));
  ASSERT_TRUE(server.Start().ok());
  Client client(To(server));
  ClientResponse res;
  ASSERT_TRUE(client.Do("POST", "/", std::string(2000, 'x'), {}, &res).ok());
  EXPECT_EQ(res.status, 413);
  EXPECT_NE(res.body.find("1024"), std::string::npos);
  EXPECT_EQ(calls.load(), 0);
  ASSERT_TRUE(client.Do("POST", "/", std::string(1000, 'x'), {}, &res).ok());
  EXPECT_EQ(res.status, 200);
}

TEST(ServerTest, MalformedRequestGets400) {
  Server server({}, Sync(Echo));
  ASSERT_TRUE(server.Start().ok());
  Client client(To(server));
  std::string reply;
  ASSERT_TRUE(client.RawExchange("GARBAGE\r\n\r\n", milliseconds(5000), &reply).ok());
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
  EXPECT_EQ(server.stats().bad_requests, 1u);
}

TEST(ServerTest, SlowClientsAreCutOff) {
  ServerOptions o;
  o.read_timeout = milliseconds(200);
  Server server(o, Sync(Echo));
  ASSERT_TRUE(server.Start().ok());
  Client client(To(server));
  std::string reply;
  // Half a header, then silence: the server must close well before 10 s.
  ASSERT_TRUE(client.RawExchange("GET / HTTP/1.1\r\nHost: x\r\n", milliseconds(10000), &reply).ok());
  EXPECT_EQ(reply, "");
  EXPECT_EQ(server.stats().bad_requests, 1u);
  EXPECT_TRUE(Eventually([&] { return server.stats().connections_active == 0; }));
}

TEST(ServerTest, ExpectContinueIsHonoured) {
  Server server({}, Sync(Echo));
  ASSERT_TRUE(server.Start().ok());
  Client client(To(server));
  std::string reply;
  ASSERT_TRUE(client
                  .RawExchange("POST /p HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                               "Content-Length: 2\r\nConnection: close\r\n\r\nhi",
                               milliseconds(5000), &reply)
                  .ok());
  EXPECT_EQ(reply.rfind("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK", 0), 0u) << reply;
  EXPECT_NE(reply.find("POST /p  hi"), std::string::npos);
}

TEST(ServerTest, StreamsChunksUntilClosed) {
  std::vector<std::thread> threads;
  Server server({}, [&](Request&, Responder resp) {
    auto stream = resp.StartStream(200, {});
    threads.emplace_back([stream] {
      for (const char* c : {"one\n", "two\n", "three\n"}) {
        EXPECT_TRUE(stream->Write(c));
      }
      stream->Close();
      EXPECT_FALSE(stream->Write("late\n"));
    });
  });
  ASSERT_TRUE(server.Start().ok());
  Client client(To(server));
  std::string got;
  int status = 0;
  ASSERT_TRUE(client
                  .Stream("/watch", milliseconds(5000),
                          [&](std::string_view d) {
                            got += d;
                            return true;
                          },
                          &status)
                  .ok());
  EXPECT_EQ(status, 200);
  EXPECT_EQ(got, "one\ntwo\nthree\n");
  for (auto& t : threads) t.join();
}

TEST(ServerTest, AStreamNoticesTheClientLeaving) {
  std::shared_ptr<Stream> stream;
  std::mutex mu;
  Server server({}, [&](Request&, Responder resp) {
    auto s = resp.StartStream(200, {});
    s->Write("hello\n");
    std::lock_guard<std::mutex> lock(mu);
    stream = s;
  });
  ASSERT_TRUE(server.Start().ok());
  {
    Client client(To(server));
    int status = 0;
    ASSERT_TRUE(client.Stream("/watch", milliseconds(5000), [](std::string_view) { return false; },
                              &status)
                    .ok());
  }
  EXPECT_TRUE(Eventually([&] {
    std::lock_guard<std::mutex> lock(mu);
    return stream != nullptr && stream->closed();
  }));
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_FALSE(stream->Write("more\n"));
}

TEST(ServerTest, ConnectionsAboveTheLimitAreClosed) {
  ServerOptions o;
  o.max_connections = 2;
  Server server(o, Sync(Echo));
  ASSERT_TRUE(server.Start().ok());
  Client a(To(server)), b(To(server)), c(To(server));
  ClientResponse res;
  ASSERT_TRUE(a.Get("/", &res).ok());
  ASSERT_TRUE(b.Get("/", &res).ok());
  EXPECT_FALSE(c.Get("/", &res).ok());
  EXPECT_GE(server.stats().connections_rejected, 1u);
  a.Close();
  ASSERT_TRUE(Eventually([&] { return server.stats().connections_active < 2; }));
  EXPECT_TRUE(c.Get("/", &res).ok());
}

TEST(ServerTest, StopLetsInFlightRequestsFinish) {
  std::atomic<bool> received{false};
  std::vector<std::thread> threads;
  std::mutex mu;
  Server server({}, [&](Request&, Responder resp) {
    received = true;
    std::lock_guard<std::mutex> lock(mu);
    threads.emplace_back([resp]() mutable {
      std::this_thread::sleep_for(milliseconds(100));
      resp.Send(Response::Text(200, "done"));
    });
  });
  ASSERT_TRUE(server.Start().ok());
  ClientResponse res;
  Status status;
  std::thread caller([&] {
    Client client(To(server));
    status = client.Get("/slow", &res);
  });
  ASSERT_TRUE(Eventually([&] { return received.load(); }));
  server.Stop(milliseconds(5000));
  caller.join();
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(res.body, "done");
  EXPECT_EQ(*res.headers.Get("connection"), "close");
  for (auto& t : threads) t.join();
}

TEST(ServerTest, StartErrorsNameTheAddressOrFile) {
  ServerOptions o;
  o.address = "not-an-ip";
  Server bad_addr(o, Sync(Echo));
  Status s = bad_addr.Start();
  EXPECT_NE(s.ToString().find("not-an-ip"), std::string::npos) << s.ToString();

  ServerOptions t;
  t.tls = Tls("/nonexistent/cert.pem", "/nonexistent/key.pem");
  Server bad_tls(t, Sync(Echo));
  s = bad_tls.Start();
  EXPECT_NE(s.ToString().find("/nonexistent/cert.pem"), std::string::npos) << s.ToString();
}

// ---- HTTPS ----------------------------------------------------------------

struct Pki {
  KeyPair ca, server, client;
};

Pki MakePki(const std::string& server_cn) {
  Pki p;
  EXPECT_TRUE(MakeCa("fedra-test-ca", std::chrono::hours(24), &p.ca).ok());
  CertRequest sr;
  sr.common_name = server_cn;
  sr.dns_names = {"localhost"};
  sr.ip_addresses = {"127.0.0.1"};
  EXPECT_TRUE(IssueCert(p.ca, sr, &p.server).ok());
  CertRequest cr;
  cr.common_name = "alice";
  cr.organizations = {"system:masters"};
  cr.server = false;
  cr.client = true;
  EXPECT_TRUE(IssueCert(p.ca, cr, &p.client).ok());
  return p;
}

TEST(ServerTlsTest, ServesHttpsVerifiedAgainstTheCa) {
  TempDir dir;
  Pki pki = MakePki("engine");
  ServerOptions o;
  o.tls = Tls(dir.File("tls.crt", pki.server.cert_pem), dir.File("tls.key", pki.server.key_pem));
  Server server(o, Sync(Echo));
  ASSERT_TRUE(server.Start().ok());
  ClientOptions co = To(server);
  co.tls = true;
  co.ca_file = dir.File("ca.crt", pki.ca.cert_pem);
  Client client(co);
  ClientResponse res;
  Status s = client.Get("/tls", &res);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(res.body, "GET /tls  ");

  // A client trusting another CA refuses the server.
  Pki other = MakePki("other");
  co.ca_file = dir.File("other-ca.crt", other.ca.cert_pem);
  Client wrong(co);
  EXPECT_FALSE(wrong.Get("/tls", &res).ok());
  EXPECT_TRUE(Eventually([&] { return server.stats().tls_handshake_failures >= 1; }));
}

TEST(ServerTlsTest, RequiresAndReportsClientCertificates) {
  TempDir dir;
  Pki pki = MakePki("engine");
  ServerOptions o;
  TlsOptions tls = Tls(dir.File("tls.crt", pki.server.cert_pem), dir.File("tls.key", pki.server.key_pem));
  tls.client_ca_file = dir.File("ca.crt", pki.ca.cert_pem);
  tls.require_client_cert = true;
  o.tls = tls;
  Server server(o, Sync([](const Request& r) { return Response::Text(200, r.client_cert_subject); }));
  ASSERT_TRUE(server.Start().ok());
  ClientOptions co = To(server);
  co.tls = true;
  co.ca_file = tls.client_ca_file;
  ClientResponse res;
  Client anonymous(co);
  EXPECT_FALSE(anonymous.Get("/", &res).ok());

  co.cert_file = dir.File("client.crt", pki.client.cert_pem);
  co.key_file = dir.File("client.key", pki.client.key_pem);
  Client alice(co);
  Status s = alice.Get("/", &res);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(res.body, "CN=alice,O=system:masters");
}

TEST(ServerTlsTest, RotatedCertificatesServeNewConnectionsWithoutDroppingOld) {
  TempDir dir;
  Pki first = MakePki("first");
  Pki second = MakePki("second");
  ServerOptions o;
  TlsOptions tls = Tls(dir.File("tls.crt", first.server.cert_pem), dir.File("tls.key", first.server.key_pem));
  tls.reload_check = milliseconds(20);
  o.tls = tls;
  Server server(o, Sync(Echo));
  ASSERT_TRUE(server.Start().ok());

  ClientOptions co = To(server);
  co.tls = true;
  co.ca_file = dir.File("first-ca.crt", first.ca.cert_pem);
  Client old_conn(co);
  ClientResponse res;
  ASSERT_TRUE(old_conn.Get("/before", &res).ok());

  // A key that does not match the certificate is refused; the old pair stays.
  dir.File("tls.key", second.server.key_pem);
  ASSERT_TRUE(Eventually([&] { return server.stats().tls_reload_errors >= 1; }));
  dir.File("tls.crt", second.server.cert_pem);
  ASSERT_TRUE(Eventually([&] { return server.stats().tls_reloads >= 1; }));

  ClientOptions co2 = co;
  co2.ca_file = dir.File("second-ca.crt", second.ca.cert_pem);
  Client new_conn(co2);
  Status s = new_conn.Get("/after", &res);
  ASSERT_TRUE(s.ok()) << s.ToString();
  // The connection made before the rotation still works, on the same socket.
  ASSERT_TRUE(old_conn.connected());
  ASSERT_TRUE(old_conn.Get("/still", &res).ok());
  EXPECT_EQ(res.body, "GET /still  ");
  EXPECT_EQ(server.stats().connections_accepted, 2u);
}

}  // namespace
}  // namespace fedra::http
