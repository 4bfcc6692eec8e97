// http.send against a tiny HTTP/1.1 server on 127.0.0.1 run by the test
// (one thread, one connection at a time, a bounded number of connections,
// every read bounded in size and time). Nothing leaves the loopback.
#include "builtins/http_send.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <unordered_map>

#include "builtins/builtin_test_util.h"

namespace fedra::builtins {
namespace {

using namespace testing;  // NOLINT

class LoopbackServer {
 public:
  LoopbackServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd_, 16) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1";
      return;
    }
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  ~LoopbackServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    close(fd_);
  }

  std::string Url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }
  int requests() const { return requests_.load(); }

 private:
  static constexpr int kMaxConnections = 200;
  static constexpr size_t kMaxRequestBytes = 1 << 16;

  void Loop() {
    for (int served = 0; served < kMaxConnections && !stop_;) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      int conn = accept(fd_, nullptr, nullptr);
      if (conn < 0) continue;
      ++served;
      Handle(conn);
      close(conn);
    }
  }

  // Reads one request (head, then Content-Length bytes of body).
  static bool ReadRequest(int conn, std::string* head, std::string* body) {
    timeval tv{2, 0};
    setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string data;
    char buf[4096];
    size_t head_end = std::string::npos;
    while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = recv(conn, buf, sizeof buf, 0);
      if (n <= 0 || data.size() > kMaxRequestBytes) return false;
      data.append(buf, static_cast<size_t>(n));
    }
    *head = data.substr(0, head_end);
    size_t length = 0;
    std::string lower = *head;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (size_t at = lower.find("\r\ncontent-length:"); at != std::string::npos) {
      length = std::stoul(lower.substr(at + 17));
    }
    if (length > kMaxRequestBytes) return false;
    *body = data.substr(head_end + 4);
    while (body->size() < length) {
      ssize_t n = recv(conn, buf, sizeof buf, 0);
      if (n <= 0) return false;
      body->append(buf, static_cast<size_t>(n));
    }
    return true;
  }

  static std::string JsonString(std::string_view s) { return ToJson(Value::String(s)); }

  void Handle(int conn) {
    std::string head, body;
    if (!ReadRequest(conn, &head, &body)) return;
    ++requests_;
    const std::string line = head.substr(0, head.find("\r\n"));
    const std::string method = line.substr(0, line.find(' '));
    const std::string path = line.substr(method.size() + 1, line.rfind(' ') - method.size() - 1);

    int code = 200;
    std::string reason = "OK", type = "application/json", payload, extra;
    if (path == "/json") {
      payload = R"({"hello":"world","n":[1,2]})";
    } else if (path == "/yaml") {
      type = "application/yaml";
      payload = "a: 1\nb: [x, z]\n";
    } else if (path == "/echo") {
      std::string headers = "{";
      size_t pos = head.find("\r\n");
      while (pos != std::string::npos && pos + 2 < head.size()) {
        size_t next = head.find("\r\n", pos + 2);
        std::string h = head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
        size_t colon = h.find(':');
        if (colon != std::string::npos) {
          std::string k = h.substr(0, colon), v = h.substr(colon + 1);
          for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          v.erase(0, v.find_first_not_of(' '));
          if (headers.size() > 1) headers += ",";
          headers += JsonString(k) + ":" + JsonString(v);
        }
        pos = next;
      }
      headers += "}";
      payload = "{\"method\":" + JsonString(method) + ",\"path\":" + JsonString(path) +
                ",\"body\":" + JsonString(body) + ",\"headers\":" + headers + "}";
    } else if (path.rfind("/status/", 0) == 0) {
      code = std::stoi(path.substr(8));
      reason = code == 404 ? "Not Found" : "Status";
      type = "text/plain";
      payload = "status";
    } else if (path == "/slow") {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      payload = "{}";
    } else if (path == "/redirect") {
      code = 302;
      reason = "Found";
      extra = "Location: /json\r\n";
      type = "text/plain";
    } else {
      code = 404;
      reason = "Not Found";
      type = "text/plain";
    }
    std::string resp = "HTTP/1.1 " + std::to_string(code) + " " + reason + "\r\nContent-Type: " + type +
                       "\r\nContent-Length: " + std::to_string(payload.size()) +
                       "\r\nConnection: close\r\n" + extra + "\r\n" + payload;
    send(conn, resp.data(), resp.size(), MSG_NOSIGNAL);
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

class HttpSendTest : public ::testing::Test {
 protected:
  void SetUp() override { SetHttpSendPolicy({{"127.0.0.1"}}); }
  void TearDown() override { SetHttpSendPolicy({}); }

  Value Get(std::string_view path, std::vector<ObjectEntry> extra = {}) {
    extra.emplace_back(S("method"), S("get"));
    extra.emplace_back(S("url"), S(server_.Url(path)));
    return O(std::move(extra));
  }

  LoopbackServer server_;
};

TEST_F(HttpSendTest, DisabledByDefaultAndAllowListed) {
  SetHttpSendPolicy({});
  ExpectBuiltinError("http.send", {Get("/json")}, "host 127.0.0.1 is not allowed (http.send is disabled)");
  SetHttpSendPolicy({{"example.com"}});
  ExpectBuiltinError("http.send", {Get("/json")}, "host 127.0.0.1 is not allowed");
  EXPECT_EQ(server_.requests(), 0);
  SetHttpSendPolicy({{"*"}});
  EXPECT_EQ(*Eval("http.send", {Get("/json")}).Find("status_code"), I(200));
}

TEST_F(HttpSendTest, ValidatesKeysBeforeAnythingElse) {
  SetHttpSendPolicy({});
  ExpectTypeError("http.send", {O({{S("bad_key"), S("v")}, {S("method"), S("get")}, {S("url"), S("u")}})},
                  "operand 1 invalid request parameters(s): {\"bad_key\"}");
  ExpectTypeError("http.send", {O({{S("method"), S("get")}})},
                  "operand 1 missing required request parameters(s): {\"url\"}");
  ExpectTypeError("http.send", {S("x")}, "operand 1 must be object but got string");
  ExpectBuiltinError("http.send", {O({{S("raise_error"), S("no")}})}, "invalid value for raise_error field");
  Value soft = Eval("http.send", {O({{S("raise_error"), B(false)}, {S("x"), I(1)}})});
  EXPECT_EQ(*soft.Find("status_code"), I(0));
  EXPECT_EQ(*soft.Find("error")->Find("code"), S("eval_http_send_internal_error"));
  ExpectBuiltinError("http.send", {O({{S("method"), I(1)}, {S("url"), S(server_.Url("/json"))}})},
                     "\"method\" must be a string");
  ExpectBuiltinError("http.send", {Get("/json", {{S("headers"), S("x")}})}, "invalid type for headers key");
  ExpectTypeError("http.send", {Get("/json", {{S("timeout"), O({})}})},
                  "operand 1 'timeout' must be one of {string, number} but got object");
  EXPECT_EQ(server_.requests(), 0);
}

TEST_F(HttpSendTest, GetDecodesJson) {
  Value r = Eval("http.send", {Get("/json")});
  EXPECT_EQ(*r.Find("status_code"), I(200));
  EXPECT_EQ(*r.Find("status"), S("200 OK"));
  EXPECT_EQ(*r.Find("body"), O({{S("hello"), S("world")}, {S("n"), A({I(1), I(2)})}}));
  EXPECT_EQ(*r.Find("raw_body"), S(R"({"hello":"world","n":[1,2]})"));
  EXPECT_EQ(*r.Find("headers")->Find("content-type"), A({S("application/json")}));
}

TEST_F(HttpSendTest, PostSendsBodyAndHeaders) {
  Value req = O({{S("method"), S("post")},
                 {S("url"), S(server_.Url("/echo"))},
                 {S("body"), O({{S("x"), I(1)}})},
                 {S("headers"), O({{S("x-test"), S("yes")}})}});
  Value echo = *Eval("http.send", {req}).Find("body");
  EXPECT_EQ(*echo.Find("method"), S("POST"));
  EXPECT_EQ(*echo.Find("body"), S("{\"x\":1}"));
  EXPECT_EQ(*echo.Find("headers")->Find("x-test"), S("yes"));
  EXPECT_EQ(echo.Find("headers")->Find("content-type"), nullptr);  // none of our own

  Value raw = O({{S("method"), S("PUT")}, {S("url"), S(server_.Url("/echo"))}, {S("raw_body"), S("plain")},
                 {S("body"), O({})}});
  EXPECT_EQ(*Eval("http.send", {raw}).Find("body")->Find("body"), S("plain"));
}

TEST_F(HttpSendTest, StatusCodesYamlAndRedirects) {
  Value r = Eval("http.send", {Get("/status/404")});
  EXPECT_EQ(*r.Find("status_code"), I(404));
  EXPECT_EQ(*r.Find("status"), S("404 Not Found"));
  EXPECT_EQ(*r.Find("body"), Null());
  EXPECT_EQ(*r.Find("raw_body"), S("status"));
  EXPECT_EQ(*Eval("http.send", {Get("/status/500")}).Find("status_code"), I(500));

  EXPECT_EQ(*Eval("http.send", {Get("/yaml")}).Find("body"),
            O({{S("a"), I(1)}, {S("b"), A({S("x"), S("z")})}}));

  EXPECT_EQ(*Eval("http.send", {Get("/redirect")}).Find("status_code"), I(302));
  Value followed = Eval("http.send", {Get("/redirect", {{S("enable_redirect"), B(true)}})});
  EXPECT_EQ(*followed.Find("status_code"), I(200));
  EXPECT_EQ(*followed.Find("body")->Find("hello"), S("world"));
}

TEST_F(HttpSendTest, TimeoutsAndNetworkErrors) {
  auto t0 = std::chrono::steady_clock::now();
  CallResult r = Call("http.send", {Get("/slow", {{S("timeout"), S("200ms")}})});
  EXPECT_EQ(r.status.code(), StatusCode::kEvalBuiltinError);
  EXPECT_NE(r.status.message().find("request timed out"), std::string_view::npos) << r.status.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1200));

  Value soft = Eval("http.send", {Get("/slow", {{S("timeout"), I(100'000'000)}, {S("raise_error"), B(false)}})});
  EXPECT_EQ(*soft.Find("error")->Find("code"), S("eval_http_send_network_error"));

  // A port nobody listens on.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  const std::string closed = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/";
  Value refused = Eval("http.send", {O({{S("method"), S("get")}, {S("url"), S(closed)}, {S("raise_error"), B(false)}})});
  EXPECT_EQ(*refused.Find("status_code"), I(0));
  EXPECT_EQ(*refused.Find("error")->Find("code"), S("eval_http_send_network_error"));
  EXPECT_EQ(refused.Find("error")->Find("message")->str().rfind("Get \"" + closed + "\": ", 0), 0u)
      << ToRegoString(refused);
}

TEST_F(HttpSendTest, CancellationStopsWaiting) {
  Context ctx;
  auto t0 = std::chrono::steady_clock::now();
  ctx.check_cancel = [t0]() {
    return std::chrono::steady_clock::now() - t0 > std::chrono::milliseconds(100) ? Status::Cancelled("deadline")
                                                                                   : Status::OK();
  };
  CallResult r = Call("http.send", {Get("/slow")}, &ctx);
  EXPECT_EQ(r.status.code(), StatusCode::kEvalCancelError);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1000));
}

TEST_F(HttpSendTest, SameRequestIsServedFromTheQueryCache) {
  std::unordered_map<std::string, Value> cache;
  Context ctx;
  ctx.query_cache = &cache;
  const int before = server_.requests();
  Value a = Call("http.send", {Get("/json")}, &ctx).value;
  Value b = Call("http.send", {Get("/json")}, &ctx).value;
  EXPECT_EQ(a, b);
  EXPECT_EQ(server_.requests(), before + 1);
  // Ignored headers do not split the cache.
  Value h1 = Get("/json", {{S("headers"), O({{S("x-id"), S("1")}})}, {S("cache_ignored_headers"), A({S("x-id")})}});
  Value h2 = Get("/json", {{S("headers"), O({{S("x-id"), S("2")}})}, {S("cache_ignored_headers"), A({S("x-id")})}});
  Call("http.send", {h1}, &ctx);
  Call("http.send", {h2}, &ctx);
  EXPECT_EQ(server_.requests(), before + 2);
  // Non-cacheable status codes are fetched again.
  Call("http.send", {Get("/status/500")}, &ctx);
  Call("http.send", {Get("/status/500")}, &ctx);
  EXPECT_EQ(server_.requests(), before + 4);
}

}  // namespace
}  // namespace fedra::builtins
