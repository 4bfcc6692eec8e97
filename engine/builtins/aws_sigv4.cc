// providers.aws.sign_req: AWS Signature Version 4 over an http.send request
// object, as OPA computes it (topdown/providers.go and its SignV4).
//
// The signature covers: the method as written, URL.EscapedPath(),
// URL.RawQuery, the headers host / x-amz-date (plus x-amz-content-sha256
// for s3 and glacier, x-amz-security-token with a session token) and every
// request header except authorization, user-agent and x-amzn-trace-id
// (lower-cased, sorted), then the payload's SHA-256 (or UNSIGNED-PAYLOAD).
// The result is the request object with "headers" replaced by the signed set.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "builtins/encoding_util.h"
#include "builtins/go_time.h"
#include "builtins/go_url.h"
#include "builtins/network_internal.h"
#include "builtins/operands.h"
#include "builtins/registry.h"

namespace fedra::builtins {
namespace {

std::string Hex(const unsigned char* data, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 15];
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return Hex(md, sizeof md);
}

std::string HmacSha256(std::string_view key, std::string_view msg) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string StringOr(const Value* v) {
  return v != nullptr && v->is_string() ? std::string(v->str()) : std::string();
}

bool IgnoredHeader(std::string_view lower) {
  return lower == "authorization" || lower == "user-agent" || lower == "x-amzn-trace-id";
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

const char* const kRequiredConfig[] = {"aws_access_key", "aws_region", "aws_secret_access_key",
                                       "aws_service"};

Status ValidateAwsConfig(const Value& config) {
  std::vector<Value> missing, invalid;
  for (const char* key : kRequiredConfig) {
    const Value* v = config.Find(key);
    if (v == nullptr) {
      missing.push_back(Value::String(key));
    } else if (!v->is_string()) {
      invalid.push_back(Value::String(key));
    }
  }
  if (!missing.empty()) {
    return OperandError(2, "missing required AWS config parameters(s): " +
                               ToRegoString(StringSet(std::move(missing))));
  }
  if (!invalid.empty()) {
    return OperandError(2, "invalid values for required AWS config parameters(s): " +
                               ToRegoString(StringSet(std::move(invalid))));
  }
  return Status::OK();
}

struct SignInput {
  std::string method;
  gourl::Url url;
  std::string body;
  std::map<std::string, std::string> headers;  // as given (original case)
  std::string access_key, secret_key, session_token, region, service;
  int64_t time_ns = 0;
  bool disable_payload_signing = false;
};

// Returns the Authorization header and fills the AWS-managed headers.
std::string SignV4(const SignInput& in, std::map<std::string, std::string>* aws_headers) {
  const std::string content_sha =
      in.disable_payload_signing ? std::string("UNSIGNED-PAYLOAD") : Sha256Hex(in.body);
  gotime::Fields f = gotime::Breakdown(gotime::FromUnixNano(in.time_ns, nullptr));
  char date[16], stamp[24];
  std::snprintf(date, sizeof date, "%04lld%02d%02d", static_cast<long long>(f.year), f.month, f.day);
  std::snprintf(stamp, sizeof stamp, "%sT%02d%02d%02dZ", date, f.hour, f.minute, f.second);

  (*aws_headers)["host"] = in.url.host;
  (*aws_headers)["x-amz-date"] = stamp;
  if (in.service == "s3" || in.service == "glacier") (*aws_headers)["x-amz-content-sha256"] = content_sha;
  if (!in.session_token.empty()) (*aws_headers)["x-amz-security-token"] = in.session_token;

  // Request headers are signed too; one equal to an AWS-managed header after
  // lower-casing replaces its value in the signature, as OPA's map does.
  std::map<std::string, std::string> to_sign(aws_headers->begin(), aws_headers->end());
  for (const auto& [k, v] : in.headers) {
    std::string lower = Lower(k);
    if (!IgnoredHeader(lower)) to_sign[lower] = v;
  }

  std::string canonical = in.method + "\n" + in.url.EscapedPath() + "\n" + in.url.raw_query + "\n";
  std::string signed_list;
  for (const auto& [k, v] : to_sign) {
    canonical += k + ":" + v + "\n";
    if (!signed_list.empty()) signed_list += ';';
    signed_list += k;
  }
  canonical += "\n" + signed_list + "\n" + content_sha;

  const std::string scope = std::string(date) + "/" + in.region + "/" + in.service + "/aws4_request";
  const std::string to_sign_text =
      std::string("AWS4-HMAC-SHA256\n") + stamp + "\n" + scope + "\n" + Sha256Hex(canonical);

  std::string key = HmacSha256("AWS4" + in.secret_key, date);
  key = HmacSha256(key, in.region);
  key = HmacSha256(key, in.service);
  key = HmacSha256(key, "aws4_request");
  const std::string sig = HmacSha256(key, to_sign_text);

  return "AWS4-HMAC-SHA256 Credential=" + in.access_key + "/" + scope +
         ",SignedHeaders=" + signed_list +
         ",Signature=" + Hex(reinterpret_cast<const unsigned char*>(sig.data()), sig.size());
}

Status SignReq(Context&, std::span<const Value> args, Value* out) {
  const Value& req = args[0];
  const Value& config = args[1];
  if (!req.is_object()) return OperandTypeError(1, req, "object");
  // OPA checks the config with position 1 too (ObjectOperand(operands[1], 1)).
  if (!config.is_object()) return OperandTypeError(1, config, "object");
  if (Status st = ValidateAwsConfig(config); !st.ok()) return st;

  SignInput in;
  in.service = StringOr(config.Find("aws_service"));
  in.access_key = StringOr(config.Find("aws_access_key"));
  in.secret_key = StringOr(config.Find("aws_secret_access_key"));
  in.region = StringOr(config.Find("aws_region"));
  in.session_token = StringOr(config.Find("aws_session_token"));

  // OPA also reports a non-number time with position 1.
  if (!args[2].is_number()) return OperandTypeError(1, args[2], "number");
  // OPA converts the number's literal text with strconv.ParseInt, so only
  // plain integer literals pass; Fedra numbers carry no text, and accepting
  // integral values from 1970 on is the closest faithful rule (a signing
  // time before the epoch is never valid for AWS).
  if (!args[2].AsInt64(&in.time_ns) || in.time_ns < 0) {
    return OperandError(3, "could not convert time_ns value into a unix timestamp");
  }

  if (Status st = ValidateHttpRequest(req, 1); !st.ok()) return st;

  const Value* url = req.Find("url");
  const Value* method = req.Find("method");
  Value headers = Value::EmptyObject();
  if (const Value* h = req.Find("headers")) {
    if (!h->is_object()) return OperandTypeError(0, *h, "object");
    headers = *h;
  }
  std::vector<Value> bad;
  if (!url->is_string()) bad.push_back(Value::String("url"));
  if (!method->is_string()) bad.push_back(Value::String("method"));
  if (!bad.empty()) {
    return OperandError(1, "invalid values for required request parameters(s): " +
                               ToRegoString(StringSet(std::move(bad))));
  }
  if (Status st = gourl::ParseGoUrl(url->str(), &in.url); !st.ok()) {
    return Status::BuiltinError(st.message());
  }
  in.method = std::string(method->str());

  if (const Value* raw = req.Find("raw_body")) {
    in.body = StringOr(raw);
  } else if (const Value* body = req.Find("body")) {
    if (Status st = GoJsonMarshal(*body, false, "", "", &in.body); !st.ok()) {
      return Status::BuiltinError(st.message());
    }
  }

  for (const ObjectEntry& e : headers.object()) {
    in.headers[StringOr(&e.first)] = StringOr(&e.second);
  }

  if (const Value* dps = config.Find("disable_payload_signing")) {
    if (!dps->is_bool()) {
      return OperandError(2, "invalid value for 'disable_payload_signing' in AWS config");
    }
    in.disable_payload_signing = dps->bool_value();
  }

  std::map<std::string, std::string> aws_headers;
  const std::string auth = SignV4(in, &aws_headers);

  std::map<std::string, std::string> merged = in.headers;
  merged["Authorization"] = auth;
  for (const auto& [k, v] : aws_headers) merged[k] = v;
  std::vector<ObjectEntry> signed_headers;
  signed_headers.reserve(merged.size());
  for (const auto& [k, v] : merged) signed_headers.emplace_back(Value::String(k), Value::String(v));

  std::vector<ObjectEntry> entries;
  entries.reserve(req.size() + 1);
  for (const ObjectEntry& e : req.object()) {
    if (e.first.is_string() && e.first.str() == "headers") continue;
    entries.push_back(e);
  }
  entries.emplace_back(Value::String("headers"), Value::Object(std::move(signed_headers)));
  *out = Value::Object(std::move(entries));
  return Status::OK();
}

}  // namespace

void RegisterAwsSigV4(Registry& r) { r.Add("providers.aws.sign_req", 3, SignReq); }

}  // namespace fedra::builtins
