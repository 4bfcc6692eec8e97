// The outbound HTTP(S) transport behind http.send, on cpprestsdk.
//
// One request, no automatic redirects (http.send follows them itself so the
// host allow-list applies at each hop), the whole exchange bounded by
// `timeout_ns` and by the caller's cancellation check, which is polled every
// few milliseconds from the calling thread. The calling thread blocks; it is
// never a cpprestsdk pool thread (those only run continuations), so the pool
// cannot deadlock on itself. The pool is sized on first use.
#ifndef FEDRA_BUILTINS_HTTP_TRANSPORT_H_
#define FEDRA_BUILTINS_HTTP_TRANSPORT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "fedra/status.h"

namespace fedra::builtins::http {

struct Request {
  std::string method;  // upper-case, e.g. "GET"
  std::string url;     // absolute http:// or https:// URL
  bool has_body = false;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // canonical names
  int64_t timeout_ns = 5'000'000'000;  // 0: no timeout of our own
  // TLS
  bool insecure_skip_verify = false;
  std::string ca_pem;           // extra trust anchors (PEM, may hold several)
  std::string client_cert_pem;  // client certificate chain (PEM)
  std::string client_key_pem;   // its private key (PEM)
  std::string server_name;      // SNI / verification name override
};

struct Response {
  int status_code = 0;
  std::string reason;  // "OK"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// How a failed request failed; http.send reports kNetwork failures with
// code eval_http_send_network_error when raise_error is false.
enum class Failure { kNone, kInvalid, kNetwork, kTimeout, kCancelled };

// Performs `req`. On failure returns a non-OK status whose message is the
// cause without a method/URL prefix, and sets *failure.
Status Perform(const Request& req, const std::function<Status()>& check_cancel, Response* out,
               Failure* failure);

// Checks the TLS material of `req` (PEM parsing, key matching the cert)
// without connecting; an error reads like Go's crypto/tls ones.
Status CheckTls(const Request& req);

// Bound on a response body kept in memory.
inline constexpr size_t kMaxResponseBytes = 64u << 20;

}  // namespace fedra::builtins::http

#endif  // FEDRA_BUILTINS_HTTP_TRANSPORT_H_
