// A subset of Go's net/url, reproduced for the builtins that OPA implements
// on top of it: providers.aws.sign_req signs `URL.Host`, `URL.EscapedPath()`
// and `URL.RawQuery`; http.send checks the host of the URL it is given;
// uri.parse reports the components. Following url.Parse byte for byte keeps
// signatures and error texts identical to OPA's.
//
// Contract: ParseGoUrl never reads past `raw`, runs in linear time, and
// returns Go's error wording, e.g.
//   parse "http://a b": invalid character " " in host name
// All functions are thread-safe (no shared state).
#ifndef FEDRA_BUILTINS_GO_URL_H_
#define FEDRA_BUILTINS_GO_URL_H_

#include <string>
#include <string_view>

#include "fedra/status.h"

namespace fedra::builtins::gourl {

struct Url {
  std::string scheme;     // lower-cased
  std::string opaque;     // "mailto:x" -> "x"
  bool has_user = false;  // an '@' was present in the authority
  std::string username;   // unescaped
  std::string password;   // unescaped
  bool has_password = false;
  std::string raw_userinfo;  // as written, before unescaping
  std::string host;       // unescaped host[:port], "[v6]" kept bracketed
  std::string path;       // unescaped
  std::string raw_path;   // set only when the written path differs from escape(path)
  bool force_query = false;
  std::string raw_query;  // without the '?'
  std::string fragment;   // unescaped
  std::string raw_fragment;

  // URL.EscapedPath(): raw_path when it is a valid encoding of path, else
  // escape(path) in path mode.
  std::string EscapedPath() const;
  // URL.Hostname() / URL.Port(): host without port (brackets removed), and
  // the port digits after the last ':' (empty when absent).
  std::string Hostname() const;
  std::string Port() const;
};

// url.Parse. Errors are plain messages (callers choose the status code).
Status ParseGoUrl(std::string_view raw, Url* out);

// Go's strconv.Quote as error messages show it: quotes, backslashes, \n \t
// \r and other control bytes escaped, everything else kept.
std::string QuoteForError(std::string_view s);

// url.PathEscape-like escaping in path mode (used by EscapedPath).
std::string EscapePath(std::string_view s);

}  // namespace fedra::builtins::gourl

#endif  // FEDRA_BUILTINS_GO_URL_H_
