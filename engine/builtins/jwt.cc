// io.jwt.decode, io.jwt.verify_* and io.jwt.decode_verify (OPA's
// topdown/tokens.go semantics).
//
// Outcomes, as in OPA: a malformed token or key is an error; a signature
// that does not verify is `false` (verify_*) or [false, {}, {}]
// (decode_verify), as is a token that fails a constraint (alg, iss, aud,
// exp, nbf). Nested tokens (cty "JWT") are unwrapped with a loop; every
// level's token is strictly shorter than the one containing it.
#include <openssl/crypto.h>

#include <string>
#include <vector>

#include "builtins/crypto_internal.h"
#include "value/json.h"

namespace fedra::builtins::crypto {
namespace {

struct Token {
  std::string_view header, payload, signature;
};

Status SplitToken(const Value& v, Token* t) {
  if (!v.is_string()) return OperandTypeError(1, v, "string");
  std::string_view s = v.str();
  if (s.find('.') == std::string_view::npos) return Status::BuiltinError("encoded JWT had no period separators");
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    parts.push_back(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() != 3) {
    return Status::BuiltinError("encoded JWT must have 3 sections, found " + std::to_string(parts.size()));
  }
  t->header = parts[0];
  t->payload = parts[1];
  t->signature = parts[2];
  return Status::OK();
}

Status ExtractJsonObject(std::string_view text, Value* out) {
  Status st = ParseJson(text, out, "jwt");
  if (!st.ok()) return Status::BuiltinError("invalid JSON: " + std::string(st.message()));
  if (!out->is_object()) return Status::BuiltinError("decoded JSON type was not an Object");
  return Status::OK();
}

Status DecodeHeader(const Token& t, Value* header) {
  std::string text;
  Status st = UrlBase64DecodeLenient(t.header, &text);
  if (!st.ok()) return Status::BuiltinError("JWT header had invalid encoding: " + std::string(st.message()));
  st = ExtractJsonObject(text, header);
  if (!st.ok()) return Status::BuiltinError("bad JWT header: " + std::string(st.message()));
  if (header->Find("enc") != nullptr) return Status::BuiltinError("JWT is a JWE object, which is not supported");
  return Status::OK();
}

Status DecodePayload(const Token& t, std::string* out) {
  Status st = UrlBase64DecodeLenient(t.payload, out);
  if (!st.ok()) return Status::BuiltinError("JWT payload had invalid encoding: " + std::string(st.message()));
  return Status::OK();
}

// The registered header parameters OPA interprets.
struct TokenHeader {
  std::string alg, kid, typ, cty;
  std::vector<std::string> crit;
  std::vector<std::string> unknown;

  // RFC 7515: alg is required, and a critical parameter we do not know
  // makes the token invalid.
  bool Valid() const {
    if (alg.empty()) return false;
    for (const auto& u : unknown) {
      for (const auto& c : crit) {
        if (u == c) return false;
      }
    }
    return true;
  }
};

Status ParseTokenHeader(const Value& header, TokenHeader* h) {
  for (const auto& [k, v] : header.object()) {
    std::string_view key = k.is_string() ? k.str() : std::string_view();
    std::string* field = key == "alg" ? &h->alg : key == "kid" ? &h->kid : key == "typ" ? &h->typ
                       : key == "cty" ? &h->cty : nullptr;
    if (field != nullptr) {
      if (!v.is_string()) return Status::BuiltinError(std::string(key) + ": must be a string");
      *field = std::string(v.str());
    } else if (key == "crit") {
      if (!v.is_array()) return Status::BuiltinError("crit: must be a list");
      for (const Value& e : v.array()) {
        // OPA stops at the first non-string entry without failing.
        if (!e.is_string()) break;
        h->crit.emplace_back(e.str());
      }
      if (h->crit.empty()) return Status::BuiltinError("crit: must be a nonempty list");
    } else {
      h->unknown.emplace_back(key);
    }
  }
  return Status::OK();
}

// OPA's getKeysFromCertOrJWK: one PEM block (certificate or public key) with
// nothing after it, or else a JWK / JWK set.
Status KeysFromCertOrJwk(std::string_view text, std::vector<JwkKey>* keys) {
  keys->clear();
  PemBlock block;
  std::string_view rest;
  if (PemDecode(text, &block, &rest)) {
    if (!rest.empty()) return Status::BuiltinError("extra data after a PEM certificate block");
    JwkKey key;
    if (block.type == "CERTIFICATE") {
      std::vector<X509Ptr> certs;
      Status st = ParseDerCertificates(block.bytes, &certs);
      if (!st.ok() || certs.size() != 1) {
        return Status::BuiltinError("failed to parse a PEM certificate: x509: malformed certificate");
      }
      key.pkey.reset(X509_get_pubkey(certs[0].get()));
      if (!key.pkey) return Status::BuiltinError("failed to parse a PEM certificate: x509: unsupported public key");
    } else if (block.type == "PUBLIC KEY") {
      const auto* p = reinterpret_cast<const unsigned char*>(block.bytes.data());
      key.pkey.reset(d2i_PUBKEY(nullptr, &p, static_cast<long>(block.bytes.size())));
      if (!key.pkey) {
        return Status::BuiltinError("failed to parse a PEM public key: " + OpenSslError("malformed public key"));
      }
    } else {
      return Status::BuiltinError("failed to extract a Key from the PEM certificate");
    }
    keys->push_back(std::move(key));
    return Status::OK();
  }
  std::vector<JwkKey> parsed;
  Status st = ParseJwkSet(text, &parsed);
  if (!st.ok()) return Status::BuiltinError("failed to parse a JWK key (set): " + std::string(st.message()));
  for (auto& k : parsed) {
    // Keys for algorithms OPA does not know are skipped.
    if (!k.alg.empty() && !IsTokenAlgorithm(k.alg)) continue;
    keys->push_back(std::move(k));
  }
  return Status::OK();
}

Status Decode(Context&, std::span<const Value> args, Value* out) {
  Value current = args[0];
  while (true) {
    Token t;
    FEDRA_RETURN_IF_ERROR(SplitToken(current, &t));
    Value header;
    FEDRA_RETURN_IF_ERROR(DecodeHeader(t, &header));
    std::string payload;
    FEDRA_RETURN_IF_ERROR(DecodePayload(t, &payload));
    const Value* cty = header.Find("cty");
    if (cty != nullptr && cty->is_string() && cty->str() == "JWT") {
      // A nested token may arrive quoted; OPA strips quotes of both kinds.
      std::string_view inner = payload;
      while (!inner.empty() && (inner.front() == '"' || inner.front() == '\'')) inner.remove_prefix(1);
      while (!inner.empty() && (inner.back() == '"' || inner.back() == '\'')) inner.remove_suffix(1);
      current = Value::String(inner);
      continue;
    }
    Value claims;
    FEDRA_RETURN_IF_ERROR(ExtractJsonObject(payload, &claims));
    std::string sig;
    Status st = UrlBase64DecodeLenient(t.signature, &sig);
    if (!st.ok()) return Status::BuiltinError("JWT signature had invalid encoding: " + std::string(st.message()));
    *out = Value::Array({header, claims, Value::String(HexEncode(sig))});
    return Status::OK();
  }
}

// ---- verify_* -------------------------------------------------------------------

Status VerifyHs(std::span<const Value> args, int bits, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 1));
  Token t;
  FEDRA_RETURN_IF_ERROR(SplitToken(args[0], &t));
  std::string input = std::string(t.header) + "." + std::string(t.payload);
  std::string mac;
  if (!HmacSha(bits, args[1].str(), input, &mac)) return Status::BuiltinError("hmac failed");
  std::string sig;
  FEDRA_RETURN_IF_ERROR(UrlBase64DecodeLenient(t.signature, &sig));
  *out = Value::Bool(mac.size() == sig.size() && CRYPTO_memcmp(mac.data(), sig.data(), mac.size()) == 0);
  return Status::OK();
}

Status VerifyHs256(Context&, std::span<const Value> a, Value* o) { return VerifyHs(a, 256, o); }
Status VerifyHs384(Context&, std::span<const Value> a, Value* o) { return VerifyHs(a, 384, o); }
Status VerifyHs512(Context&, std::span<const Value> a, Value* o) { return VerifyHs(a, 512, o); }

using PublicVerifier = bool (*)(EVP_PKEY* key, int bits, std::string_view msg, std::string_view sig);

// OPA's builtinJWTVerify. The builtin fixes the algorithm; the header's alg
// only selects among JWKS keys that declare one. Private keys are rejected
// as OPA's type assertions on public key types reject them.
Status VerifyAsymmetric(std::span<const Value> args, int bits, PublicVerifier verify, Value* out) {
  Token t;
  FEDRA_RETURN_IF_ERROR(SplitToken(args[0], &t));
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 1));
  std::vector<JwkKey> keys;
  FEDRA_RETURN_IF_ERROR(KeysFromCertOrJwk(args[1].str(), &keys));
  std::string sig;
  FEDRA_RETURN_IF_ERROR(UrlBase64DecodeLenient(t.signature, &sig));
  Value header;
  FEDRA_RETURN_IF_ERROR(DecodeHeader(t, &header));
  TokenHeader h;
  FEDRA_RETURN_IF_ERROR(ParseTokenHeader(header, &h));

  std::string input = std::string(t.header) + "." + std::string(t.payload);
  auto check = [&](const JwkKey& k) {
    return !k.is_secret && !k.is_private && verify(k.pkey.get(), bits, input, sig);
  };
  if (!h.kid.empty()) {
    for (const auto& k : keys) {
      if (k.kid == h.kid) {
        *out = Value::Bool(check(k));
        return Status::OK();
      }
    }
  }
  bool valid = false;
  for (const auto& k : keys) {
    if (!k.alg.empty() && k.alg != h.alg) continue;
    if (check(k)) {
      valid = true;
      break;
    }
  }
  *out = Value::Bool(valid);
  return Status::OK();
}

bool Rs(EVP_PKEY* k, int bits, std::string_view m, std::string_view s) { return VerifyRsaPkcs1(k, ShaForBits(bits), m, s); }
bool Ps(EVP_PKEY* k, int bits, std::string_view m, std::string_view s) { return VerifyRsaPss(k, ShaForBits(bits), m, s); }
bool Es(EVP_PKEY* k, int bits, std::string_view m, std::string_view s) { return VerifyEcdsa(k, ShaForBits(bits), m, s); }
bool Ed(EVP_PKEY* k, int, std::string_view m, std::string_view s) { return VerifyEd25519(k, m, s); }

Status VerifyRs256(Context&, std::span<const Value> a, Value* o) { return VerifyAsymmetric(a, 256, Rs, o); }
Status VerifyRs384(Context&, std::span<const Value> a, Value* o) { return VerifyAsymmetric(a, 384, Rs, o); }
Status VerifyRs512(Context&, std::span<const Value> a, Value* o) { return VerifyAsymmetric(a, 512, Rs, o); }
Status VerifyPs256(Context&, std::span<const Value> a, Value* o) { return VerifyAsymmetric(a, 256, Ps, o); }
Status VerifyPs384(Context&, std::span<const Value> a, Value* o) { return VerifyAsymmetric(a, 384, Ps, o); }
Status VerifyPs512(Context&, std::span<const Value> a, Value* o) { return VerifyAsymmetric(a, 512, Ps, o); }
Status VerifyEs256(Context&, std::span<const Value> a, Value* o) { return VerifyAsymmetric(a, 256, Es, o); }
Status VerifyEs384(Context&, std::span<const Value> a, Value* o) { return VerifyAsymmetric(a, 384, Es, o); }
Status VerifyEs512(Context&, std::span<const Value> a, Value* o) { return VerifyAsymmetric(a, 512, Es, o); }
Status VerifyEdDsa(Context&, std::span<const Value> a, Value* o) { return VerifyAsymmetric(a, 0, Ed, o); }

// ---- decode_verify ----------------------------------------------------------------

struct Constraints {
  bool has_keys = false;
  std::vector<JwkKey> keys;
  JwkKey secret;  // is_secret when a non-empty secret was given
  std::string alg, iss, aud;
  double time_ns = -1;
};

Status TimeFromValue(const Value& v, double* out) {
  if (!v.is_number()) return Status::BuiltinError("token time constraint: must be a number");
  double t = v.ToDouble();
  if (t < 0) return Status::BuiltinError("token time constraint: must not be negative");
  *out = t;
  return Status::OK();
}

Status ParseConstraints(const Value& obj, int64_t now_ns, Constraints* c) {
  for (const auto& [k, v] : obj.object()) {
    std::string name = k.is_string() ? std::string(k.str()) : ToRegoString(k);
    auto string_constraint = [&](std::string* where) -> Status {
      if (!v.is_string()) return Status::BuiltinError(name + " constraint: must be a string");
      *where = std::string(v.str());
      return Status::OK();
    };
    if (name == "cert") {
      if (!v.is_string()) return Status::BuiltinError("cert constraint: must be a string");
      FEDRA_RETURN_IF_ERROR(KeysFromCertOrJwk(v.str(), &c->keys));
      c->has_keys = true;
    } else if (name == "secret") {
      FEDRA_RETURN_IF_ERROR(string_constraint(&c->secret.secret));
      c->secret.is_secret = !c->secret.secret.empty();
    } else if (name == "alg") {
      FEDRA_RETURN_IF_ERROR(string_constraint(&c->alg));
    } else if (name == "iss") {
      FEDRA_RETURN_IF_ERROR(string_constraint(&c->iss));
    } else if (name == "aud") {
      FEDRA_RETURN_IF_ERROR(string_constraint(&c->aud));
    } else if (name == "time") {
      FEDRA_RETURN_IF_ERROR(TimeFromValue(v, &c->time_ns));
    } else {
      return Status::BuiltinError("unknown token validation constraint: " + name);
    }
  }
  if (c->time_ns < 0) FEDRA_RETURN_IF_ERROR(TimeFromValue(Value::Int(now_ns), &c->time_ns));
  int key_constraints = (c->has_keys ? 1 : 0) + (c->secret.is_secret ? 1 : 0);
  if (key_constraints > 1) return Status::BuiltinError("duplicate key constraints");
  if (key_constraints < 1) return Status::BuiltinError("no key constraint");
  return Status::OK();
}

bool VerifyWithConstraints(const Constraints& c, const TokenHeader& h, std::string_view input, std::string_view sig) {
  if (!c.has_keys) return VerifyJws(c.secret, h.alg, input, sig);
  if (!h.kid.empty()) {
    for (const auto& k : c.keys) {
      if (k.kid == h.kid) return VerifyJws(k, h.alg, input, sig);
    }
  }
  for (const auto& k : c.keys) {
    if (!k.alg.empty() && k.alg != h.alg) continue;
    if (VerifyJws(k, h.alg, input, sig)) return true;
  }
  return false;
}

bool ValidAudience(const Value& aud, const std::string& want) {
  if (aud.is_string()) return aud.str() == want;
  if (!aud.is_array()) return false;
  for (const Value& e : aud.array()) {
    if (e.is_string() && e.str() == want) return true;
  }
  return false;
}

bool EqualFoldJwt(std::string_view s) {
  return s.size() == 3 && (s[0] | 0x20) == 'j' && (s[1] | 0x20) == 'w' && (s[2] | 0x20) == 't';
}

Status DecodeVerify(Context& ctx, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectObject(args, 1));
  const Value unverified = Value::Array({Value::Bool(false), Value::EmptyObject(), Value::EmptyObject()});
  Constraints c;
  FEDRA_RETURN_IF_ERROR(ParseConstraints(args[1], ctx.NowNs(), &c));

  Value current = args[0];
  Value header;
  std::string payload_text;
  while (true) {
    Token t;
    FEDRA_RETURN_IF_ERROR(SplitToken(current, &t));
    FEDRA_RETURN_IF_ERROR(DecodeHeader(t, &header));
    TokenHeader h;
    FEDRA_RETURN_IF_ERROR(ParseTokenHeader(header, &h));
    if (!h.Valid() || (!c.alg.empty() && c.alg != h.alg)) {
      *out = unverified;
      return Status::OK();
    }
    std::string sig;
    FEDRA_RETURN_IF_ERROR(UrlBase64DecodeLenient(t.signature, &sig));
    std::string input = std::string(t.header) + "." + std::string(t.payload);
    if (!VerifyWithConstraints(c, h, input, sig)) {
      *out = unverified;
      return Status::OK();
    }
    FEDRA_RETURN_IF_ERROR(DecodePayload(t, &payload_text));
    if (EqualFoldJwt(h.cty)) {
      current = Value::String(payload_text);
      continue;
    }
    break;
  }
  Value payload;
  FEDRA_RETURN_IF_ERROR(ExtractJsonObject(payload_text, &payload));

  if (!c.iss.empty()) {
    const Value* iss = payload.Find("iss");
    if (iss == nullptr || !iss->is_string() || iss->str() != c.iss) {
      *out = unverified;
      return Status::OK();
    }
  }
  if (const Value* aud = payload.Find("aud"); aud != nullptr) {
    if (!ValidAudience(*aud, c.aud)) {
      *out = unverified;
      return Status::OK();
    }
  } else if (!c.aud.empty()) {
    *out = unverified;
    return Status::OK();
  }
  // exp and nbf are seconds; the constraint time is nanoseconds.
  const Value now = Value::Double(c.time_ns / 1e9);
  if (const Value* exp = payload.Find("exp"); exp != nullptr) {
    if (!exp->is_number()) return Status::BuiltinError("exp value must be a number");
    if (Compare(now, *exp) >= 0) {
      *out = unverified;
      return Status::OK();
    }
  }
  if (const Value* nbf = payload.Find("nbf"); nbf != nullptr) {
    if (!nbf->is_number()) return Status::BuiltinError("nbf value must be a number");
    if (Compare(now, *nbf) < 0) {
      *out = unverified;
      return Status::OK();
    }
  }
  *out = Value::Array({Value::Bool(true), header, payload});
  return Status::OK();
}

}  // namespace

void RegisterJwt(Registry& r) {
  r.Add("io.jwt.decode", 1, Decode);
  r.Add("io.jwt.decode_verify", 2, DecodeVerify);
  r.Add("io.jwt.verify_hs256", 2, VerifyHs256);
  r.Add("io.jwt.verify_hs384", 2, VerifyHs384);
  r.Add("io.jwt.verify_hs512", 2, VerifyHs512);
  r.Add("io.jwt.verify_rs256", 2, VerifyRs256);
  r.Add("io.jwt.verify_rs384", 2, VerifyRs384);
  r.Add("io.jwt.verify_rs512", 2, VerifyRs512);
  r.Add("io.jwt.verify_ps256", 2, VerifyPs256);
  r.Add("io.jwt.verify_ps384", 2, VerifyPs384);
  r.Add("io.jwt.verify_ps512", 2, VerifyPs512);
  r.Add("io.jwt.verify_es256", 2, VerifyEs256);
  r.Add("io.jwt.verify_es384", 2, VerifyEs384);
  r.Add("io.jwt.verify_es512", 2, VerifyEs512);
  r.Add("io.jwt.verify_eddsa", 2, VerifyEdDsa);
}

}  // namespace fedra::builtins::crypto
