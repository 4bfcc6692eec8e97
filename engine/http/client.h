// fedra::http::Client: a small blocking HTTP/1.1 client on one keep-alive
// connection (plain or TLS), with a deadline on every call.
//
// Production clients that talk to Kubernetes, bundle services and status
// services use cpprestsdk (DESIGN.md). This one exists for what cpprestsdk
// does badly: load generators and latency benchmarks that must control one
// connection and time each request, and tests that send malformed or slow
// input on purpose (RawExchange). Not thread-safe: one client per thread.
#ifndef FEDRA_HTTP_CLIENT_H_
#define FEDRA_HTTP_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "fedra/status.h"
#include "http/server.h"

namespace fedra::http {

struct ClientOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  bool tls = false;
  std::string ca_file;    // verify the server against it; empty: no verification
  std::string cert_file;  // client certificate (mTLS), optional
  std::string key_file;
  std::string server_name = "localhost";  // SNI and the name verified
  std::chrono::milliseconds timeout{5000};  // per call
};

struct ClientResponse {
  int status = 0;
  Headers headers;
  std::string body;
};

class Client {
 public:
  explicit Client(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends one request on the kept-alive connection, connecting (again) when
  // needed. Content-Length is set from `body`.
  Status Do(const std::string& method, const std::string& target, const std::string& body,
            const Headers& headers, ClientResponse* out);
  Status Get(const std::string& target, ClientResponse* out) {
    return Do("GET", target, "", {}, out);
  }
  // Reads a chunked response, calling `on_data` with each piece as it
  // arrives until the server ends it, `on_data` returns false, or the
  // deadline passes (then OK with what arrived).
  Status Stream(const std::string& target, std::chrono::milliseconds deadline,
                const std::function<bool(std::string_view)>& on_data, int* status);
  // Writes `bytes` as they are (after connecting) and reads until the server
  // closes or `deadline`; returns whatever came back. For malformed input.
  Status RawExchange(const std::string& bytes, std::chrono::milliseconds deadline,
                     std::string* reply);
  // Whether a connection is open now (servers may close idle ones).
  bool connected() const;
  void Close();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace fedra::http

#endif  // FEDRA_HTTP_CLIENT_H_
