// http.send's process-wide security policy.
//
// http.send lets a policy make outbound HTTP(S) requests, so an engine that
// evaluates untrusted or semi-trusted policies must not let it reach
// arbitrary hosts (SSRF). Fedra therefore ships with http.send disabled: every
// call fails with the eval_builtin_error
//   http.send: host X is not allowed (http.send is disabled)
// until the embedding application lists the hosts it may contact. Request
// validation (unknown keys, missing method/url) still happens first, with
// OPA's errors, so policies can be compiled and checked without network.
//
// Thread-safety: SetHttpSendPolicy may be called at any time from any thread;
// evaluations that already read the policy keep the one they read.
#ifndef FEDRA_BUILTINS_HTTP_SEND_H_
#define FEDRA_BUILTINS_HTTP_SEND_H_

#include <string>
#include <vector>

namespace fedra::builtins {

struct HttpSendPolicy {
  // Host names or IP literals (as written in the URL, without port or
  // brackets; compared case-insensitively) that http.send may contact. Empty
  // means http.send is disabled. The single entry "*" allows every host;
  // use it only for fully trusted policies. Redirects (enable_redirect) are
  // checked against the same list at every hop.
  std::vector<std::string> allowed_hosts;
};

void SetHttpSendPolicy(HttpSendPolicy policy);
HttpSendPolicy GetHttpSendPolicy();

}  // namespace fedra::builtins

#endif  // FEDRA_BUILTINS_HTTP_SEND_H_
