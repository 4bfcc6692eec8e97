// http.send with OPA's semantics (topdown/http.go), behind Fedra's host
// allow-list (http_send.h).
//
// Order of checks, as in OPA: the operand is an object; raise_error is a
// boolean; the keys are known http.send parameters and include method and
// url (eval_type_error); then the per-query cache; then the request is built
// (type and value errors of each parameter, the allow-list) and sent, with
// max_retry_attempts retries on transport failures. With raise_error false
// every later failure becomes {"status_code": 0, "error": {code, message}}
// instead of an error.
//
// Caching: responses with a cacheable status code, and errors, are kept in
// Context::query_cache for the rest of the query, keyed by the request
// without its cache_ignored_headers. Fedra has no inter-query cache yet:
// "cache" and "force_cache" are validated and then served from the
// per-query cache only.
#include "builtins/http_send.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "builtins/encoding_util.h"
#include "builtins/go_time.h"
#include "builtins/go_url.h"
#include "builtins/http_transport.h"
#include "builtins/network_internal.h"
#include "builtins/operands.h"
#include "builtins/registry.h"
#include "value/json.h"

namespace fedra::builtins {
namespace {

// ---- the process-wide policy -------------------------------------------------

std::mutex g_policy_mu;
std::shared_ptr<const HttpSendPolicy> g_policy = std::make_shared<HttpSendPolicy>();

std::shared_ptr<const HttpSendPolicy> CurrentPolicy() {
  std::lock_guard<std::mutex> lock(g_policy_mu);
  return g_policy;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Non-OK when `url`'s host is not on the allow-list.
Status CheckHost(const HttpSendPolicy& policy, const gourl::Url& url) {
  const std::string host = Lower(url.Hostname());
  if (policy.allowed_hosts.empty()) {
    return Status::BuiltinError("host " + host + " is not allowed (http.send is disabled)");
  }
  for (const std::string& allowed : policy.allowed_hosts) {
    if (allowed == "*" || Lower(allowed) == host) return Status::OK();
  }
  return Status::BuiltinError("host " + host + " is not allowed");
}

// ---- request parameters ---------------------------------------------------------

constexpr std::string_view kAllowedKeys[] = {
    "method", "url", "body", "enable_redirect", "force_json_decode", "force_yaml_decode",
    "headers", "raw_body", "tls_use_system_certs", "tls_ca_cert", "tls_ca_cert_file",
    "tls_ca_cert_env_variable", "tls_client_cert", "tls_client_cert_file",
    "tls_client_cert_env_variable", "tls_client_key", "tls_client_key_file",
    "tls_client_key_env_variable", "tls_insecure_skip_verify", "tls_server_name", "timeout",
    "cache", "force_cache", "force_cache_duration_seconds", "raise_error", "caching_mode",
    "max_retry_attempts", "cache_ignored_headers"};

constexpr std::string_view kStringKeys[] = {
    "method", "url", "raw_body", "tls_ca_cert", "tls_ca_cert_file", "tls_ca_cert_env_variable",
    "tls_client_cert", "tls_client_cert_file", "tls_client_cert_env_variable", "tls_client_key",
    "tls_client_key_file", "tls_client_key_env_variable", "tls_server_name"};

constexpr int kCacheableCodes[] = {200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501};
constexpr int64_t kDefaultTimeoutNs = 5'000'000'000;
constexpr int kMaxRedirects = 10;
constexpr int64_t kMaxRetries = 100;
constexpr size_t kMaxTlsFileBytes = 1u << 20;

bool Contains(std::span<const std::string_view> list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// Go's %q of a short ASCII text.
std::string Q(std::string_view s) { return gotime::Quote(s); }

// OPA reads these with getBoolValFromReqObj: absent is false.
Status BoolField(const Value& req, std::string_view key, bool* out) {
  *out = false;
  const Value* v = req.Find(key);
  if (v == nullptr) return Status::OK();
  if (!v->is_bool()) return Status::BuiltinError("invalid value for " + Q(key) + " field");
  *out = v->bool_value();
  return Status::OK();
}

// strconv.ParseBool(term.String()), as OPA reads enable_redirect and the TLS flags.
Status ParseBoolTerm(const Value& v, bool* out) {
  const std::string text = ToRegoString(v);
  if (text == "1" || text == "t" || text == "T" || text == "TRUE" || text == "true" || text == "True") {
    *out = true;
    return Status::OK();
  }
  if (text == "0" || text == "f" || text == "F" || text == "FALSE" || text == "false" || text == "False") {
    *out = false;
    return Status::OK();
  }
  return Status::BuiltinError("strconv.ParseBool: parsing " + Q(text) + ": invalid syntax");
}

Status ParseTimeout(const Value& v, int64_t* ns) {
  if (v.is_number()) {
    if (v.AsInt64(ns)) return Status::OK();
    return Status::BuiltinError("invalid timeout number value " + ToRegoString(v) + ", must be int64");
  }
  if (v.is_string()) {
    std::string_view s = v.str();
    char* end = nullptr;
    std::string copy(s);
    errno = 0;
    long long n = std::strtoll(copy.c_str(), &end, 10);
    if (!copy.empty() && end == copy.c_str() + copy.size() && errno == 0) {
      *ns = n;
      return Status::OK();
    }
    Status st = gotime::ParseDuration(s, ns);
    if (!st.ok()) return Status::BuiltinError("invalid timeout value " + ToRegoString(v) + ": " + std::string(st.message()));
    return Status::OK();
  }
  return OperandError(1, "'timeout' must be one of {string, number} but got " + std::string(KindName(v.kind())));
}

// http.CanonicalHeaderKey: "content-type" -> "Content-Type"; keys with
// characters outside an HTTP token are left as they are.
std::string CanonicalHeaderKey(std::string_view k) {
  static constexpr std::string_view kTokenExtra = "!#$%&'*+-.^_`|~";
  for (unsigned char c : k) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              kTokenExtra.find(static_cast<char>(c)) != std::string_view::npos;
    if (!ok) return std::string(k);
  }
  std::string out(k);
  bool upper = true;
  for (char& c : out) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    upper = c == '-';
  }
  return out;
}

Status ReadSmallFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::BuiltinError("open " + path + ": no such file or not readable");
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  if (out->size() > kMaxTlsFileBytes) return Status::BuiltinError("read " + path + ": file too large");
  return Status::OK();
}

Status ReadEnv(const std::string& name, std::string* out) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr || *v == '\0') {
    return Status::BuiltinError("env variable " + Q(name) + " is empty or not set");
  }
  *out = v;
  return Status::OK();
}

struct Built {
  http::Request req;
  gourl::Url url;
  bool enable_redirect = false;
};

// OPA's createHTTPRequest: each parameter's type and value, then TLS.
Status BuildRequest(const Value& obj, const HttpSendPolicy& policy, Built* b) {
  b->req.timeout_ns = kDefaultTimeoutNs;
  std::string ca_file, ca_env, cert_file, cert_env, key_file, key_env, ca_inline, cert_inline, key_inline;
  const Value* headers = nullptr;
  const Value* body = nullptr;
  const Value* raw_body = nullptr;
  std::string url_text;
  for (const ObjectEntry& e : obj.object()) {
    const std::string_view key = e.first.str();
    const Value& v = e.second;
    if (!v.is_string() && Contains(kStringKeys, key)) return Status::BuiltinError(Q(key) + " must be a string");
    if (key == "method") {
      std::string m(v.str());
      for (char& c : m) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      }
      b->req.method = m;
    } else if (key == "url") {
      url_text = std::string(v.str());
    } else if (key == "enable_redirect") {
      if (Status st = ParseBoolTerm(v, &b->enable_redirect); !st.ok()) return st;
    } else if (key == "body") {
      body = &v;
    } else if (key == "raw_body") {
      raw_body = &v;
    } else if (key == "tls_use_system_certs") {
      bool ignored = false;  // the system store is always trusted by the transport
      if (Status st = ParseBoolTerm(v, &ignored); !st.ok()) return st;
    } else if (key == "tls_ca_cert") {
      ca_inline = std::string(v.str());
    } else if (key == "tls_ca_cert_file") {
      ca_file = std::string(v.str());
    } else if (key == "tls_ca_cert_env_variable") {
      ca_env = std::string(v.str());
    } else if (key == "tls_client_cert") {
      cert_inline = std::string(v.str());
    } else if (key == "tls_client_cert_file") {
      cert_file = std::string(v.str());
    } else if (key == "tls_client_cert_env_variable") {
      cert_env = std::string(v.str());
    } else if (key == "tls_client_key") {
      key_inline = std::string(v.str());
    } else if (key == "tls_client_key_file") {
      key_file = std::string(v.str());
    } else if (key == "tls_client_key_env_variable") {
      key_env = std::string(v.str());
    } else if (key == "tls_server_name") {
      b->req.server_name = std::string(v.str());
    } else if (key == "tls_insecure_skip_verify") {
      if (Status st = ParseBoolTerm(v, &b->req.insecure_skip_verify); !st.ok()) return st;
    } else if (key == "timeout") {
      if (Status st = ParseTimeout(v, &b->req.timeout_ns); !st.ok()) return st;
    } else if (key == "headers") {
      if (!v.is_object()) return Status::BuiltinError("invalid type for headers key");
      headers = &v;
    }
    // cache, caching_mode, force_*, raise_error, max_retry_attempts and
    // cache_ignored_headers are read elsewhere.
  }

  if (raw_body != nullptr) {
    b->req.has_body = true;
    b->req.body = std::string(raw_body->str());
  } else if (body != nullptr) {
    b->req.has_body = true;
    if (Status st = GoJsonMarshal(*body, false, "", "", &b->req.body); !st.ok()) return st;
  }

  bool has_user_agent = false;
  if (headers != nullptr) {
    for (const ObjectEntry& h : headers->object()) {
      if (!h.second.is_string()) {
        return Status::BuiltinError("invalid type for headers value " + ToJson(h.second));
      }
      std::string name = CanonicalHeaderKey(h.first.is_string() ? h.first.str() : ToJson(h.first));
      if (name == "User-Agent") has_user_agent = true;
      b->req.headers.emplace_back(std::move(name), std::string(h.second.str()));
    }
    if (!has_user_agent && !headers->empty()) b->req.headers.emplace_back("User-Agent", "Fedra (Open Policy Agent compatible)");
  }

  // TLS material: inline, file and environment sources, each in pairs.
  if (!cert_inline.empty() && !key_inline.empty()) {
    b->req.client_cert_pem = cert_inline;
    b->req.client_key_pem = key_inline;
  }
  if (!cert_file.empty() && !key_file.empty()) {
    if (Status st = ReadSmallFile(cert_file, &b->req.client_cert_pem); !st.ok()) return st;
    if (Status st = ReadSmallFile(key_file, &b->req.client_key_pem); !st.ok()) return st;
  }
  if (!cert_env.empty() && !key_env.empty()) {
    if (Status st = ReadEnv(cert_env, &b->req.client_cert_pem); !st.ok()) return st;
    if (Status st = ReadEnv(key_env, &b->req.client_key_pem); !st.ok()) return st;
  }
  if (!ca_inline.empty()) {
    // OPA accepts PEM with escaped newlines ("\\n") in policy strings.
    std::string pem;
    for (size_t i = 0; i < ca_inline.size(); ++i) {
      if (ca_inline[i] == '\\' && i + 1 < ca_inline.size() && ca_inline[i + 1] == 'n') {
        pem += '\n';
        ++i;
      } else {
        pem += ca_inline[i];
      }
    }
    b->req.ca_pem += pem;
  }
  if (!ca_file.empty()) {
    std::string pem;
    if (Status st = ReadSmallFile(ca_file, &pem); !st.ok()) return st;
    b->req.ca_pem += "\n" + pem;
  }
  if (!ca_env.empty()) {
    std::string pem;
    if (Status st = ReadEnv(ca_env, &pem); !st.ok()) return st;
    b->req.ca_pem += "\n" + pem;
  }
  if (Status st = http::CheckTls(b->req); !st.ok()) return Status::BuiltinError(st.message());

  if (Status st = gourl::ParseGoUrl(url_text, &b->url); !st.ok()) return Status::BuiltinError(st.message());
  if (Status st = CheckHost(policy, b->url); !st.ok()) return st;
  b->req.url = url_text;
  return Status::OK();
}

// url.Error's Op: "GET" -> "Get".
std::string UrlErrorOp(const std::string& method) {
  if (method.empty()) return "Get";
  return method.substr(0, 1) + Lower(method.substr(1));
}

// The Location of a redirect resolved against the URL it came from.
std::string ResolveLocation(const gourl::Url& base, const std::string& base_text, const std::string& loc) {
  if (loc.find("://") != std::string::npos) return loc;
  if (loc.rfind("//", 0) == 0) return base.scheme + ":" + loc;
  if (!loc.empty() && loc[0] == '/') return base.scheme + "://" + base.host + loc;
  std::string dir = base.scheme + "://" + base.host + base.EscapedPath();
  dir = dir.substr(0, dir.rfind('/') + 1);
  (void)base_text;
  return dir + loc;
}

struct Outcome {
  Status status;           // OK, or the failure
  bool network = false;    // a transport failure (eval_http_send_network_error)
  http::Response resp;
};

// Sends the request, retrying transport failures and following redirects
// when asked to; every hop is checked against the allow-list.
Outcome Execute(Context& ctx, Built b, int64_t retries, const HttpSendPolicy& policy) {
  Outcome out;
  for (int hop = 0;; ++hop) {
    const std::string op = UrlErrorOp(b.req.method);
    http::Failure failure = http::Failure::kNone;
    Status st;
    for (int64_t attempt = 0;; ++attempt) {
      st = http::Perform(b.req, ctx.check_cancel, &out.resp, &failure);
      if (st.ok() || failure == http::Failure::kCancelled || attempt >= retries) break;
      // Exponential backoff from 100 ms, capped at 2 s, cancellable.
      const int64_t delay_ms = std::min<int64_t>(100LL << std::min<int64_t>(attempt, 5), 2000);
      const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms);
      while (std::chrono::steady_clock::now() < until) {
        if (ctx.check_cancel) {
          if (Status c = ctx.check_cancel(); !c.ok()) {
            out.status = c;
            return out;
          }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
    if (!st.ok()) {
      if (failure == http::Failure::kCancelled) {
        out.status = st;
      } else if (failure == http::Failure::kTimeout) {
        out.status = Status::BuiltinError(op + " " + b.req.url + ": request timed out");
        out.network = true;
      } else {
        out.status = Status::BuiltinError(op + " " + Q(b.req.url) + ": " + std::string(st.message()));
        out.network = failure == http::Failure::kNetwork;
      }
      return out;
    }
    const int code = out.resp.status_code;
    const bool redirect = code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
    if (!b.enable_redirect || !redirect) return out;
    std::string location;
    for (const auto& [k, v] : out.resp.headers) {
      if (Lower(k) == "location") location = v;
    }
    if (location.empty()) return out;
    if (hop + 1 >= kMaxRedirects) {
      out.status = Status::BuiltinError(op + " " + Q(location) + ": stopped after 10 redirects");
      out.network = true;
      return out;
    }
    std::string next = ResolveLocation(b.url, b.req.url, location);
    gourl::Url next_url;
    if (Status p = gourl::ParseGoUrl(next, &next_url); !p.ok()) {
      out.status = Status::BuiltinError(op + " " + Q(next) + ": " + std::string(p.message()));
      out.network = true;
      return out;
    }
    if (Status h = CheckHost(policy, next_url); !h.ok()) {
      out.status = Status::BuiltinError(op + " " + Q(next) + ": " + std::string(h.message()));
      out.network = true;
      return out;
    }
    if ((code == 301 || code == 302 || code == 303) && b.req.method != "HEAD") {
      b.req.method = "GET";
      b.req.has_body = false;
      b.req.body.clear();
    }
    b.req.url = next;
    b.url = next_url;
  }
}

// ---- the response object ----------------------------------------------------------

std::string HeaderValue(const http::Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (Lower(k) == name) return v;
  }
  return std::string();
}

// mime.ParseMediaType then application/json or application/*+json.
bool IsJsonType(const std::string& content_type) {
  std::string t = Lower(content_type.substr(0, content_type.find(';')));
  t.erase(0, t.find_first_not_of(" \t"));
  t.erase(t.find_last_not_of(" \t") + 1);
  size_t slash = t.find('/');
  if (slash == std::string::npos || t.find('/', slash + 1) != std::string::npos) return false;
  std::string_view sub = std::string_view(t).substr(slash + 1);
  return t.substr(0, slash) == "application" &&
         (sub == "json" || (sub.size() > 5 && sub.substr(sub.size() - 5) == "+json"));
}

Value ResponseValue(const http::Response& r, bool force_json, bool force_yaml) {
  const std::string content_type = HeaderValue(r, "content-type");
  Value body = Value::Null();
  if (force_json || IsJsonType(content_type)) {
    Value v;
    if (ParseJson(r.body, &v, "http.send response").ok()) body = v;
  } else if (force_yaml || content_type.find("application/yaml") != std::string::npos ||
             content_type.find("application/x-yaml") != std::string::npos) {
    Value v;
    if (ParseGoYaml(r.body, &v).ok() && v.defined()) body = v;
  }
  std::vector<ObjectEntry> headers;
  for (const auto& [k, v] : r.headers) {
    headers.emplace_back(Value::String(Lower(k)), Value::Array({Value::String(v)}));
  }
  std::string status = std::to_string(r.status_code);
  if (!r.reason.empty()) status += " " + r.reason;
  return Value::Object({
      {Value::String("status"), Value::String(status)},
      {Value::String("status_code"), Value::Int(r.status_code)},
      {Value::String("body"), body},
      {Value::String("raw_body"), Value::String(r.body)},
      {Value::String("headers"), Value::Object(std::move(headers))},
  });
}

Value ErrorResult(bool network, std::string_view message) {
  Value err = Value::Object({
      {Value::String("code"), Value::String(network ? "eval_http_send_network_error"
                                                    : "eval_http_send_internal_error")},
      {Value::String("message"), Value::String(message)},
  });
  return Value::Object({{Value::String("status_code"), Value::Int(0)}, {Value::String("error"), err}});
}

// OPA's getKeyFromRequest: the request minus cache_ignored_headers.
Status CacheKey(const Value& req, std::string* key) {
  std::vector<ObjectEntry> entries;
  const Value* ignored = req.Find("cache_ignored_headers");
  const Value* headers = req.Find("headers");
  for (const ObjectEntry& e : req.object()) {
    if (e.first.str() == "cache_ignored_headers") continue;
    if (e.first.str() == "headers" && ignored != nullptr && headers != nullptr) continue;
    entries.push_back(e);
  }
  if (ignored != nullptr && headers != nullptr) {
    bool ok = ignored->is_array();
    if (ok) {
      for (const Value& h : ignored->array()) ok = ok && h.is_string();
    }
    if (!ok) return Status::BuiltinError("cache_ignored_headers must be an array of strings");
    std::vector<ObjectEntry> kept;
    if (headers->is_object()) {
      for (const ObjectEntry& h : headers->object()) {
        bool drop = false;
        for (const Value& name : ignored->array()) drop = drop || name == h.first;
        if (!drop) kept.push_back(h);
      }
    }
    entries.emplace_back(Value::String("headers"), Value::Object(std::move(kept)));
  }
  entries.emplace_back(Value::String("cache_ignored_headers"), Value::Null());
  *key = "http.send\x1f" + ToRegoString(Value::Object(std::move(entries)));
  return Status::OK();
}

// OPA's useInterQueryCache and newForceCacheParams checks.
Status CheckCacheParams(const Value& req) {
  bool cache = false, force = false;
  if (Status st = BoolField(req, "cache", &cache); !st.ok()) return st;
  if (Status st = BoolField(req, "force_cache", &force); !st.ok()) return st;
  if (!force) return Status::OK();
  const Value* d = req.Find("force_cache_duration_seconds");
  if (d == nullptr) {
    return Status::BuiltinError("'force_cache' set but 'force_cache_duration_seconds' parameter is missing");
  }
  int64_t secs = 0;
  if (!d->is_number() || !d->AsInt64(&secs) || secs < INT32_MIN || secs > INT32_MAX) {
    return Status::BuiltinError("strconv.ParseInt: parsing " + Q(ToRegoString(*d)) + ": invalid syntax");
  }
  return Status::OK();
}

Status RetryCount(const Value& req, int64_t* out) {
  *out = 0;
  const Value* v = req.Find("max_retry_attempts");
  if (v == nullptr) return Status::OK();
  if (!v->is_number() || !v->AsInt64(out) || *out < 0) {
    return Status::BuiltinError("invalid value " + ToRegoString(*v) + " for field \"max_retry_attempts\"");
  }
  *out = std::min(*out, kMaxRetries);
  return Status::OK();
}

// Everything after validation: cache, request, response. A failed status
// here is reported as an error or, with raise_error false, as a result.
Status Respond(Context& ctx, const Value& req, Value* out, bool* network) {
  *network = false;
  std::string key;
  if (Status st = CacheKey(req, &key); !st.ok()) return st;
  if (Status st = CheckCacheParams(req); !st.ok()) return st;
  if (ctx.query_cache != nullptr) {
    if (auto it = ctx.query_cache->find(key); it != ctx.query_cache->end()) {
      *out = it->second;
      return Status::OK();
    }
    if (auto it = ctx.query_cache->find(key + "\x1f" "error"); it != ctx.query_cache->end()) {
      *network = it->second.Find("network")->is_true();
      return Status::BuiltinError(it->second.Find("message")->str());
    }
  }
  bool force_json = false, force_yaml = false;
  if (Status st = BoolField(req, "force_json_decode", &force_json); !st.ok()) return st;
  if (Status st = BoolField(req, "force_yaml_decode", &force_yaml); !st.ok()) return st;
  int64_t retries = 0;
  if (Status st = RetryCount(req, &retries); !st.ok()) return st;

  std::shared_ptr<const HttpSendPolicy> policy = CurrentPolicy();
  Built built;
  if (Status st = BuildRequest(req, *policy, &built); !st.ok()) return st;
  Outcome o = Execute(ctx, std::move(built), retries, *policy);
  if (!o.status.ok()) {
    *network = o.network;
    if (ctx.query_cache != nullptr && o.status.code() != StatusCode::kEvalCancelError) {
      (*ctx.query_cache)[key + "\x1f" "error"] = Value::Object(
          {{Value::String("message"), Value::String(o.status.message())},
           {Value::String("network"), Value::Bool(o.network)}});
    }
    return o.status;
  }
  *out = ResponseValue(o.resp, force_json, force_yaml);
  const bool cacheable = std::find(std::begin(kCacheableCodes), std::end(kCacheableCodes),
                                   o.resp.status_code) != std::end(kCacheableCodes);
  if (cacheable && ctx.query_cache != nullptr) (*ctx.query_cache)[key] = *out;
  return Status::OK();
}

Status HttpSend(Context& ctx, std::span<const Value> args, Value* out) {
  if (Status st = ExpectObject(args, 0); !st.ok()) return st;
  const Value& req = args[0];
  bool raise_error = true;
  if (const Value* v = req.Find("raise_error")) {
    if (!v->is_bool()) return Status::BuiltinError("invalid value for raise_error field");
    raise_error = v->bool_value();
  }
  if (Status st = ValidateHttpRequest(req, 1); !st.ok()) {
    if (raise_error) return st;
    *out = ErrorResult(false, "eval_type_error: http.send: " + std::string(st.message()));
    return Status::OK();
  }
  bool network = false;
  Status st = Respond(ctx, req, out, &network);
  if (st.ok()) return st;
  if (raise_error || st.code() == StatusCode::kEvalCancelError) return st;
  *out = ErrorResult(network, st.message());
  return Status::OK();
}

}  // namespace

void SetHttpSendPolicy(HttpSendPolicy policy) {
  auto p = std::make_shared<const HttpSendPolicy>(std::move(policy));
  std::lock_guard<std::mutex> lock(g_policy_mu);
  g_policy = std::move(p);
}

HttpSendPolicy GetHttpSendPolicy() { return *CurrentPolicy(); }

Value StringSet(std::vector<Value> names) { return Value::Set(std::move(names)); }

Status ValidateHttpRequest(const Value& req, int pos) {
  if (!req.is_object()) return OperandTypeError(pos, req, "object");
  std::vector<Value> invalid;
  for (const ObjectEntry& e : req.object()) {
    if (!e.first.is_string() || !Contains(kAllowedKeys, e.first.str())) invalid.push_back(e.first);
  }
  if (!invalid.empty()) {
    return OperandError(pos, "invalid request parameters(s): " + ToRegoString(Value::Set(std::move(invalid))));
  }
  std::vector<Value> missing;
  for (const char* k : {"method", "url"}) {
    if (req.Find(k) == nullptr) missing.push_back(Value::String(k));
  }
  if (!missing.empty()) {
    return OperandError(pos, "missing required request parameters(s): " + ToRegoString(Value::Set(std::move(missing))));
  }
  return Status::OK();
}

void RegisterHttpSend(Registry& r) { r.Add("http.send", 1, HttpSend); }

void RegisterNetwork(Registry& r) {
  RegisterHttpSend(r);
  RegisterAwsSigV4(r);
  RegisterUri(r);
  RegisterTestBuiltins(r);
}

}  // namespace fedra::builtins
