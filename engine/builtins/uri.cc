// uri.parse and uri.is_valid: Go's url.Parse exposed as OPA does.
//
// uri.parse returns only the non-empty components among scheme, hostname,
// port (a string), path (decoded), raw_path (as written, or path when the
// written form is the canonical escape), raw_query and fragment (decoded).
// A URL that Go rejects is an eval_builtin_error with Go's message.
// uri.is_valid is false for "" (OPA's choice), for a non-string, and for
// anything url.Parse rejects.
#include <string>
#include <vector>

#include "builtins/go_url.h"
#include "builtins/network_internal.h"
#include "builtins/registry.h"

namespace fedra::builtins {
namespace {

Status UriParse(Context&, std::span<const Value> args, Value* out) {
  if (Status st = ExpectString(args, 0); !st.ok()) return st;
  gourl::Url u;
  if (Status st = gourl::ParseGoUrl(args[0].str(), &u); !st.ok()) {
    return Status::BuiltinError(st.message());
  }
  std::vector<ObjectEntry> entries;
  auto add = [&entries](const char* key, const std::string& value) {
    if (!value.empty()) entries.emplace_back(Value::String(key), Value::String(value));
  };
  add("scheme", u.scheme);
  add("hostname", u.Hostname());
  add("port", u.Port());
  if (!u.path.empty()) {
    add("path", u.path);
    add("raw_path", u.raw_path.empty() ? u.path : u.raw_path);
  }
  add("raw_query", u.raw_query);
  add("fragment", u.fragment);
  *out = Value::Object(std::move(entries));
  return Status::OK();
}

Status UriIsValid(Context&, std::span<const Value> args, Value* out) {
  if (!args[0].is_string() || args[0].str().empty()) {
    *out = Value::Bool(false);
    return Status::OK();
  }
  gourl::Url u;
  *out = Value::Bool(gourl::ParseGoUrl(args[0].str(), &u).ok());
  return Status::OK();
}

}  // namespace

void RegisterUri(Registry& r) {
  r.Add("uri.parse", 1, UriParse);
  r.Add("uri.is_valid", 1, UriIsValid);
}

}  // namespace fedra::builtins
