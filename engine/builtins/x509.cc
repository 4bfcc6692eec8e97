// crypto.x509.* and crypto.parse_private_keys.
//
// Input handling follows OPA (topdown/crypto.go): PEM text, or base64 of PEM
// or DER. Chain verification treats the first certificate as the root, the
// last as the leaf and the rest as intermediates, and applies Go's
// x509.Verify rules on top of OpenSSL's path validation: the trust anchor
// need not be self-signed, certificates signed with MD5/SHA-1 are rejected,
// and extended key usages must allow the requested usages (server auth by
// default). Invalid chains are a value ([false, []]), not an error.
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "builtins/crypto_internal.h"

namespace fedra::builtins::crypto {
namespace {

constexpr std::string_view kBegin = "-----BEGIN";

Status CertificatesFromPem(std::string_view text, std::vector<X509Ptr>* out) {
  std::string der;
  std::string_view rest = text;
  while (!rest.empty()) {
    PemBlock block;
    if (!PemDecode(rest, &block, &rest)) break;
    if (block.type != "CERTIFICATE") {
      return Status::BuiltinError("PEM block type is '" + block.type + "', expected CERTIFICATE");
    }
    der += block.bytes;
  }
  return ParseDerCertificates(der, out);
}

Value FalseAndEmpty() { return Value::Array({Value::Bool(false), Value::EmptyArray()}); }

struct VerifyOptions {
  std::optional<std::string> dns_name;
  std::optional<int64_t> current_time_ns;
  std::vector<int> key_usages;  // Go ExtKeyUsage codes
};

// crypto/x509's checkChainForKeyUsage: walks the chain crossing out requested
// usages a certificate does not allow; fails once none are left.
bool ChainAllowsUsages(const std::vector<X509*>& chain, std::vector<int> usages) {
  if (usages.empty()) usages.push_back(1);  // ExtKeyUsageServerAuth
  if (std::find(usages.begin(), usages.end(), 0) != usages.end()) return true;
  size_t remaining = usages.size();
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    std::vector<int> known;
    int unknown = 0;
    CertExtKeyUsages(*it, &known, &unknown);
    if (known.empty() && unknown == 0) continue;
    if (std::find(known.begin(), known.end(), 0) != known.end()) continue;
    for (int& want : usages) {
      if (want < 0) continue;
      bool ok = std::find(known.begin(), known.end(), want) != known.end();
      // Server-gated-crypto usages also permit server authentication.
      if (!ok && want == 1) {
        ok = std::find(known.begin(), known.end(), 10) != known.end() ||
             std::find(known.begin(), known.end(), 11) != known.end();
      }
      if (ok) continue;
      want = -1;
      if (--remaining == 0) return false;
    }
  }
  return true;
}

// Go refuses MD5 and SHA-1 signatures on every certificate whose signature
// it checks, i.e. all but the trust anchor.
bool InsecureSignature(X509* cert) {
  int md = NID_undef, pk = NID_undef;
  if (X509_get_signature_info(cert, &md, &pk, nullptr, nullptr) != 1) return false;
  return md == NID_md5 || md == NID_sha1 || md == NID_md2;
}

struct StoreFree { void operator()(X509_STORE* p) const { X509_STORE_free(p); } };
struct StoreCtxFree { void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); } };
struct StackFree { void operator()(STACK_OF(X509)* p) const { sk_X509_free(p); } };

// Returns the verified chain, leaf first, or false.
bool VerifyChain(const std::vector<X509Ptr>& certs, const VerifyOptions& opts, int64_t now_ns,
                 std::vector<X509*>* chain_out) {
  if (certs.size() < 2) return false;
  std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  std::unique_ptr<STACK_OF(X509), StackFree> untrusted(sk_X509_new_null());
  if (!store || !ctx || !untrusted) return false;
  if (X509_STORE_add_cert(store.get(), certs.front().get()) != 1) return false;
  for (size_t i = 1; i + 1 < certs.size(); ++i) sk_X509_push(untrusted.get(), certs[i].get());
  X509* leaf = certs.back().get();
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get()) != 1) return false;

  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  int64_t t_ns = opts.current_time_ns.value_or(now_ns);
  if (opts.current_time_ns.has_value() || now_ns != 0) {
    // Floor division keeps times before 1970 in the right second.
    int64_t secs = t_ns / 1000000000 - (t_ns % 1000000000 < 0 ? 1 : 0);
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(secs));
  }
  if (opts.dns_name.has_value() && !opts.dns_name->empty()) {
    const std::string& name = *opts.dns_name;
    unsigned char buf[16];
    if (inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1) {
      X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
    } else {
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
      X509_VERIFY_PARAM_set1_host(param, name.data(), name.size());
    }
  }
  if (X509_verify_cert(ctx.get()) != 1) {
    ERR_clear_error();
    return false;
  }
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  std::vector<X509*> result;
  for (int i = 0; i < sk_X509_num(chain); ++i) result.push_back(sk_X509_value(chain, i));
  if (result.empty()) return false;
  for (size_t i = 0; i + 1 < result.size(); ++i) {
    if (InsecureSignature(result[i])) return false;
  }
  if (!ChainAllowsUsages(result, opts.key_usages)) return false;
  // The chain holds pointers into `certs`, which outlive this call.
  *chain_out = std::move(result);
  return true;
}

Value ChainValue(const std::vector<X509*>& chain, bool uri_strings) {
  std::vector<Value> out;
  for (X509* c : chain) out.push_back(CertificateValue(c, uri_strings));
  return Value::Array(std::move(out));
}

Status ParseCertificates(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  std::vector<X509Ptr> certs;
  FEDRA_RETURN_IF_ERROR(CertificatesFromString(args[0].str(), &certs));
  std::vector<Value> vs;
  for (auto& c : certs) vs.push_back(CertificateValue(c.get(), true));
  *out = Value::Array(std::move(vs));
  return Status::OK();
}

Status ParseAndVerify(Context& ctx, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  std::vector<X509Ptr> certs;
  std::vector<X509*> chain;
  if (!CertificatesFromString(args[0].str(), &certs).ok() || !VerifyChain(certs, {}, ctx.NowNs(), &chain)) {
    *out = FalseAndEmpty();
    return Status::OK();
  }
  *out = Value::Array({Value::Bool(true), ChainValue(chain, true)});
  return Status::OK();
}

Status ExtractVerifyOptions(const Value& options, VerifyOptions* opts) {
  static const struct {
    const char* name;
    int code;
  } kUsages[] = {
      {"KeyUsageAny", 0},
      {"KeyUsageServerAuth", 1},
      {"KeyUsageClientAuth", 2},
      {"KeyUsageCodeSigning", 3},
      {"KeyUsageEmailProtection", 4},
      {"KeyUsageIPSECEndSystem", 5},
      {"KeyUsageIPSECTunnel", 6},
      {"KeyUsageIPSECUser", 7},
      {"KeyUsageTimeStamping", 8},
      {"KeyUsageOCSPSigning", 9},
      {"KeyUsageMicrosoftServerGatedCrypto", 10},
      {"KeyUsageNetscapeServerGatedCrypto", 11},
      {"KeyUsageMicrosoftCommercialCodeSigning", 12},
      {"KeyUsageMicrosoftKernelCodeSigning", 13},
  };
  for (const auto& [key, value] : options.object()) {
    if (!key.is_string()) continue;
    std::string_view k = key.str();
    if (k == "DNSName") {
      if (!value.is_string()) return Status::BuiltinError("'DNSName' should be a string");
      std::string_view dns = value.str();
      while (!dns.empty() && dns.front() == '"') dns.remove_prefix(1);
      while (!dns.empty() && dns.back() == '"') dns.remove_suffix(1);
      opts->dns_name = std::string(dns);
    } else if (k == "CurrentTime") {
      if (!value.is_number()) return Status::BuiltinError("'CurrentTime' should be a number");
      int64_t ns = 0;
      if (!value.AsInt64(&ns)) return Status::BuiltinError("'CurrentTime' should be a valid int64 number");
      opts->current_time_ns = ns;
    } else if (k == "MaxConstraintComparisons") {
      if (!value.is_number()) return Status::BuiltinError("'MaxConstraintComparisons' should be a number");
      int64_t n = 0;
      if (!value.AsInt64(&n)) return Status::BuiltinError("'MaxConstraintComparisons' should be a valid number");
    } else if (k == "KeyUsages") {
      std::span<const Value> items;
      if (value.is_array()) {
        items = value.array();
      } else if (value.is_set()) {
        items = value.set();
      } else {
        return Status::BuiltinError("'KeyUsages' should be an Array or Set");
      }
      std::vector<std::string> invalid;
      for (const Value& item : items) {
        if (!item.is_string()) continue;
        std::string_view u = item.str();
        while (!u.empty() && u.front() == '"') u.remove_prefix(1);
        while (!u.empty() && u.back() == '"') u.remove_suffix(1);
        bool found = false;
        for (const auto& e : kUsages) {
          if (u == e.name) {
            opts->key_usages.push_back(e.code);
            found = true;
            break;
          }
        }
        if (!found) invalid.emplace_back(u);
      }
      if (!invalid.empty()) {
        std::string list;
        for (const auto& s : invalid) list += (list.empty() ? "" : " ") + s;
        return Status::BuiltinError("invalid entries for 'KeyUsages' found: [" + list + "]");
      }
    } else {
      return Status::BuiltinError("invalid key option");
    }
  }
  return Status::OK();
}

Status ParseAndVerifyWithOptions(Context& ctx, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectObject(args, 1));
  std::vector<X509Ptr> certs;
  if (!CertificatesFromString(args[0].str(), &certs).ok()) {
    *out = FalseAndEmpty();
    return Status::OK();
  }
  VerifyOptions opts;
  FEDRA_RETURN_IF_ERROR(ExtractVerifyOptions(args[1], &opts));
  std::vector<X509*> chain;
  if (!VerifyChain(certs, opts, ctx.NowNs(), &chain)) {
    *out = FalseAndEmpty();
    return Status::OK();
  }
  // OPA returns plain x509.Certificate objects here, without URIStrings.
  *out = Value::Array({Value::Bool(true), ChainValue(chain, false)});
  return Status::OK();
}

Status ParseCertificateRequest(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  std::string bytes(args[0].str());
  if (!bytes.starts_with("-----BEGIN CERTIFICATE REQUEST-----")) {
    std::string decoded;
    FEDRA_RETURN_IF_ERROR(StdBase64Decode(bytes, &decoded));
    bytes = std::move(decoded);
  }
  PemBlock block;
  std::string_view rest;
  if (PemDecode(bytes, &block, &rest)) {
    if (block.type != "CERTIFICATE REQUEST") {
      return Status::BuiltinError("invalid PEM-encoded certificate signing request");
    }
    bytes = std::move(block.bytes);
  }
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  X509ReqPtr req(d2i_X509_REQ(nullptr, &p, static_cast<long>(bytes.size())));
  if (!req) {
    ERR_clear_error();
    return Status::BuiltinError("asn1: structure error: malformed certificate request");
  }
  if (p != reinterpret_cast<const unsigned char*>(bytes.data()) + bytes.size()) {
    return Status::BuiltinError("x509: trailing data after X.509 Certificate Request");
  }
  *out = CertificateRequestValue(req.get());
  return Status::OK();
}

std::string GoStringList(const std::vector<std::string>& items) {
  std::string s = "[";
  for (size_t i = 0; i < items.size(); ++i) s += (i ? " " : "") + items[i];
  return s + "]";
}

// tls.X509KeyPair: every CERTIFICATE block of the chain and the first
// "... PRIVATE KEY" block, which must match the first certificate.
Status X509KeyPair(std::string_view cert_pem, std::string_view key_pem, Value* out) {
  std::vector<std::string> chain_der;
  std::vector<std::string> skipped;
  std::string_view rest = cert_pem;
  PemBlock block;
  while (PemDecode(rest, &block, &rest)) {
    if (block.type == "CERTIFICATE") {
      chain_der.push_back(std::move(block.bytes));
    } else {
      skipped.push_back(block.type);
    }
  }
  if (chain_der.empty()) {
    if (skipped.empty()) return Status::BuiltinError("tls: failed to find any PEM data in certificate input");
    return Status::BuiltinError(
        "tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the "
        "following types: " + GoStringList(skipped));
  }
  skipped.clear();
  std::string key_der;
  rest = key_pem;
  while (true) {
    if (!PemDecode(rest, &block, &rest)) {
      if (skipped.empty()) return Status::BuiltinError("tls: failed to find any PEM data in key input");
      if (skipped.size() == 1 && skipped[0] == "CERTIFICATE") {
        return Status::BuiltinError("tls: found a certificate rather than a key in the PEM for the private key");
      }
      return Status::BuiltinError(
          "tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM "
          "blocks of the following types: " + GoStringList(skipped));
    }
    if (block.type == "PRIVATE KEY" || block.type.ends_with(" PRIVATE KEY")) {
      key_der = std::move(block.bytes);
      break;
    }
    skipped.push_back(block.type);
  }
  std::vector<X509Ptr> leaf;
  FEDRA_RETURN_IF_ERROR(ParseDerCertificates(chain_der[0], &leaf));
  if (leaf.size() != 1) return Status::BuiltinError("x509: malformed certificate");
  PkeyPtr key = ParsePrivateKeyDer(key_der);
  if (!key) return Status::BuiltinError("tls: failed to parse private key");
  EVP_PKEY* pub = X509_get0_pubkey(leaf[0].get());
  if (pub == nullptr || EVP_PKEY_get_base_id(pub) != EVP_PKEY_get_base_id(key.get())) {
    return Status::BuiltinError("tls: private key type does not match public key type");
  }
  if (EVP_PKEY_eq(pub, key.get()) != 1) {
    ERR_clear_error();
    return Status::BuiltinError("tls: private key does not match public key");
  }
  std::vector<Value> chain_values;
  for (const auto& der : chain_der) chain_values.push_back(BytesValue(der));
  *out = ObjectBuilder()
             .Add("Certificate", Value::Array(std::move(chain_values)))
             .Add("PrivateKey", PrivateKeyValue(key.get()))
             .Add("SupportedSignatureAlgorithms", Value::Null())
             .Add("OCSPStaple", Value::Null())
             .Add("SignedCertificateTimestamps", Value::Null())
             .Add("Leaf", CertificateValue(leaf[0].get(), false))
             .Build();
  return Status::OK();
}

Status ParseKeyPair(Context&, std::span<const Value> args, Value* out) {
  // OPA reports both operands as "operand 1".
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  if (!args[1].is_string()) return OperandTypeError(1, args[1], "string");
  std::string cert(args[0].str());
  std::string key(args[1].str());
  static constexpr std::string_view kBeginSp = "-----BEGIN ";
  if (!cert.starts_with(kBeginSp)) {
    std::string d;
    FEDRA_RETURN_IF_ERROR(StdBase64Decode(cert, &d));
    cert = std::move(d);
  }
  if (!key.starts_with(kBeginSp)) {
    std::string d;
    FEDRA_RETURN_IF_ERROR(StdBase64Decode(key, &d));
    key = std::move(d);
  }
  // Raw DER is wrapped so that the PEM path below handles both forms.
  if (!cert.starts_with(kBeginSp)) cert = PemEncode("CERTIFICATE", cert);
  if (!key.starts_with(kBegin)) key = PemEncode("PRIVATE KEY", key);
  return X509KeyPair(cert, key, out);
}

Status ParseRsaPrivateKey(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  std::string pem(args[0].str());
  if (pem.empty()) return Status::BuiltinError("input PEM data was empty");
  if (!pem.starts_with(kBegin)) {
    std::string d;
    FEDRA_RETURN_IF_ERROR(StdBase64Decode(pem, &d));
    pem = std::move(d);
  }
  std::vector<PkeyPtr> keys;
  FEDRA_RETURN_IF_ERROR(PrivateKeysFromPem(pem, &keys));
  if (keys.empty()) {
    *out = Value::Null();
    return Status::OK();
  }
  return PrivateKeyJwk(keys[0].get(), out);
}

Status ParsePrivateKeys(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  if (args[0].str().empty()) {
    *out = Value::Null();
    return Status::OK();
  }
  std::vector<PkeyPtr> keys;
  FEDRA_RETURN_IF_ERROR(PrivateKeysFromPem(args[0].str(), &keys));
  std::vector<Value> vs;
  for (auto& k : keys) vs.push_back(PrivateKeyValue(k.get()));
  *out = Value::Array(std::move(vs));
  return Status::OK();
}

PkeyPtr ParseTyped(int type, std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  PkeyPtr key(d2i_PrivateKey(type, nullptr, &p, static_cast<long>(der.size())));
  if (!key) ERR_clear_error();
  return key;
}

PkeyPtr ParsePkcs8(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  PKCS8_PRIV_KEY_INFO* info = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size()));
  if (info == nullptr) {
    ERR_clear_error();
    return nullptr;
  }
  PkeyPtr key(EVP_PKCS82PKEY(info));
  PKCS8_PRIV_KEY_INFO_free(info);
  if (!key) ERR_clear_error();
  return key;
}

}  // namespace

Status ParseDerCertificates(std::string_view der, std::vector<X509Ptr>* out) {
  out->clear();
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  const auto* end = p + der.size();
  while (p < end) {
    X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(end - p)));
    if (!cert) {
      ERR_clear_error();
      return Status::BuiltinError("x509: malformed certificate");
    }
    out->push_back(std::move(cert));
  }
  return Status::OK();
}

Status CertificatesFromString(std::string_view input, std::vector<X509Ptr>* out) {
  if (input.starts_with(kBegin)) return CertificatesFromPem(input, out);
  std::string decoded;
  FEDRA_RETURN_IF_ERROR(StdBase64Decode(input, &decoded));
  if (std::string_view(decoded).starts_with(kBegin)) return CertificatesFromPem(decoded, out);
  return ParseDerCertificates(decoded, out);
}

PkeyPtr ParsePrivateKeyDer(std::string_view der) {
  if (PkeyPtr k = ParseTyped(EVP_PKEY_RSA, der)) return k;
  if (PkeyPtr k = ParsePkcs8(der)) return k;
  return ParseTyped(EVP_PKEY_EC, der);
}

Status PrivateKeysFromPem(std::string_view pem, std::vector<PkeyPtr>* out) {
  out->clear();
  std::string text(pem);
  std::string decoded;
  size_t pos = 0;
  if (GoBase64Decode(text, B64::kStd, &decoded, &pos)) text = std::move(decoded);
  std::string_view rest = text;
  while (!rest.empty()) {
    PemBlock block;
    // A failed decode makes no progress, which ends the scan as in OPA.
    if (!PemDecode(rest, &block, &rest)) break;
    PkeyPtr key;
    if (block.type == "RSA PRIVATE KEY") {
      key = ParseTyped(EVP_PKEY_RSA, block.bytes);
      if (!key) return Status::BuiltinError("x509: failed to parse private key (PKCS #1)");
    } else if (block.type == "PRIVATE KEY") {
      key = ParsePkcs8(block.bytes);
      if (!key) return Status::BuiltinError("x509: failed to parse private key (PKCS #8)");
    } else if (block.type == "EC PRIVATE KEY") {
      key = ParseTyped(EVP_PKEY_EC, block.bytes);
      if (!key) return Status::BuiltinError("x509: failed to parse EC private key");
    } else {
      continue;
    }
    out->push_back(std::move(key));
  }
  return Status::OK();
}

void RegisterX509(Registry& r) {
  r.Add("crypto.x509.parse_certificates", 1, ParseCertificates);
  r.Add("crypto.x509.parse_and_verify_certificates", 1, ParseAndVerify);
  r.Add("crypto.x509.parse_and_verify_certificates_with_options", 2, ParseAndVerifyWithOptions);
  r.Add("crypto.x509.parse_certificate_request", 1, ParseCertificateRequest);
  r.Add("crypto.x509.parse_keypair", 2, ParseKeyPair);
  r.Add("crypto.x509.parse_rsa_private_key", 1, ParseRsaPrivateKey);
  r.Add("crypto.parse_private_keys", 1, ParsePrivateKeys);
}

}  // namespace fedra::builtins::crypto
