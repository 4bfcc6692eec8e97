// fedra::http::Server: the HTTP/1.1 and HTTPS server every Fedra process
// uses (fedra-engine's webhook and decision API, the operator's bundle
// server, the API-server simulator). Boost.Beast on Asio with OpenSSL.
//
// Contract:
// - A handler gets each complete request (body read up to max_body_bytes;
//   larger bodies get 413 before the handler runs) and a Responder. It
//   answers exactly once, from any thread, now or later: Send() for a whole
//   response, or StartStream() for a chunked one written over time (watch
//   streams). A Responder dropped without answering sends 500, so a handler
//   that forgets cannot hang a client.
// - Handlers run on the server's I/O threads: keep them short, or keep the
//   Responder and answer from elsewhere (long polls).
// - Keep-alive as HTTP/1.1 says. Timeouts bound reading a request, writing a
//   response and idle keep-alive connections, so slow clients cannot hold
//   connections forever; connections above max_connections are closed at
//   accept.
// - HTTPS reads the certificate and key from files and checks their mtimes:
//   a rotated pair is loaded for new connections without dropping existing
//   ones; a pair that fails to load keeps the old one and counts an error.
//   With client_ca_file set, client certificates are verified (mTLS).
// - Stop(grace): stop accepting, let in-flight requests finish for up to
//   `grace`, then close everything. Thread-safe; idempotent.
#ifndef FEDRA_HTTP_SERVER_H_
#define FEDRA_HTTP_SERVER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fedra/status.h"

namespace fedra::http {

// Header fields in order, looked up without regard to case.
class Headers {
 public:
  void Add(std::string name, std::string value);
  // Replaces every field with this name.
  void Set(std::string name, std::string value);
  // The first field with this name, or null.
  const std::string* Get(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

struct Request {
  std::string method;   // as sent, e.g. "GET"
  std::string target;   // as sent: path and "?query"
  std::string path;     // the target's path, percent-decoded
  std::string raw_path; // the target's path, not decoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  Headers headers;
  std::string body;
  std::string remote;               // "ip:port" of the peer
  std::string client_cert_subject;  // mTLS: verified client certificate's subject

  // The first value of query parameter `key`, or null.
  const std::string* Query(std::string_view key) const;
  bool HasQuery(std::string_view key) const { return Query(key) != nullptr; }
  // The Content-Type's media type, lower case, without parameters.
  std::string MediaType() const;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body);
  // OPA's error shape, {"code": code, "message": message}.
  static Response JsonError(int status, std::string_view code, std::string_view message);
};

// A chunked response written over time. Thread-safe.
class Stream {
 public:
  virtual ~Stream() = default;
  // Queues one chunk. False once the client is gone, the write timed out,
  // the server is stopping or Close() was called.
  virtual bool Write(std::string chunk) = 0;
  // Ends the response; the connection may then serve its next request.
  virtual void Close() = 0;
  virtual bool closed() const = 0;
};

class Responder {
 public:
  struct State;
  explicit Responder(std::shared_ptr<State> state);
  Responder(Responder&&) noexcept = default;
  Responder& operator=(Responder&&) noexcept = default;
  Responder(const Responder&) = default;
  Responder& operator=(const Responder&) = default;
  ~Responder();

  void Send(Response response);
  std::shared_ptr<Stream> StartStream(int status, Headers headers);
  // True once Send or StartStream was called (by any copy).
  bool answered() const;

 private:
  std::shared_ptr<State> state_;
};

using Handler = std::function<void(Request&, Responder)>;
// The common case: answer at once.
Handler Sync(std::function<Response(const Request&)> fn);

struct TlsOptions {
  std::string cert_file;        // PEM certificate chain
  std::string key_file;         // PEM private key
  std::string client_ca_file;   // set: verify client certificates against it
  bool require_client_cert = false;
  std::chrono::milliseconds reload_check{1000};  // how often to stat the files
};

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: an ephemeral port, see Server::port()
  std::optional<TlsOptions> tls;
  int threads = 1;
  size_t max_body_bytes = 3u << 20;
  size_t max_header_bytes = 16u << 10;
  std::chrono::milliseconds read_timeout{10000};   // one whole request
  std::chrono::milliseconds write_timeout{10000};  // one response or chunk
  std::chrono::milliseconds idle_timeout{60000};   // keep-alive between requests
  size_t max_connections = 4096;
  std::string server_name = "fedra";               // the Server header
};

class Server {
 public:
  struct Stats {
    uint64_t connections_accepted = 0;
    uint64_t connections_rejected = 0;  // over max_connections
    uint64_t connections_active = 0;
    uint64_t requests = 0;
    uint64_t bad_requests = 0;          // malformed, oversized, timed out
    uint64_t tls_handshake_failures = 0;
    uint64_t tls_reloads = 0;
    uint64_t tls_reload_errors = 0;
  };

  Server(ServerOptions options, Handler handler);
  ~Server();  // Stop(0) if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads TLS material, binds, listens and starts the I/O threads. Errors
  // name the address or file at fault.
  Status Start();
  uint16_t port() const;
  bool tls() const;
  void Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(0));
  Stats stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Percent-decodes `s` ('+' stays '+'; in queries use DecodeQueryComponent).
std::string PercentDecode(std::string_view s);
std::string DecodeQueryComponent(std::string_view s);  // also '+' -> ' '
// Splits "a=1&b=2" into decoded pairs.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view q);
// The reason phrase for a status code ("Not Found").
std::string_view ReasonPhrase(int status);

}  // namespace fedra::http

#endif  // FEDRA_HTTP_SERVER_H_
