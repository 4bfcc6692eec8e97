// JSON Web Keys (RFC 7517/7518) to OpenSSL keys and back.
//
// Accepts what OPA's JWK parser accepts for signing and verification: a
// single key or a set {"keys": [...]}, with key types RSA, EC (P-256, P-384,
// P-521), OKP (Ed25519) and oct. Key material is base64url, with or without
// padding.
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include <string>

#include "builtins/crypto_internal.h"
#include "value/json.h"

namespace fedra::builtins::crypto {
namespace {

struct ParamBldFree { void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); } };
struct ParamFree { void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); } };
struct PkeyCtxFree { void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); } };

// Key material fields tolerate both base64 alphabets and optional padding.
Status DecodeField(const Value& key, std::string_view name, bool required, std::string* out, bool* present) {
  *present = false;
  const Value* v = key.Find(name);
  if (v == nullptr) {
    if (required) return Status::BuiltinError("required field " + std::string(name) + " is missing");
    return Status::OK();
  }
  if (!v->is_string()) return Status::BuiltinError("field " + std::string(name) + " must be a string");
  std::string s(v->str());
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  Status st = UrlBase64DecodeLenient(s, out);
  if (!st.ok()) return Status::BuiltinError("failed to decode field " + std::string(name) + ": " + std::string(st.message()));
  *present = true;
  return Status::OK();
}

BnPtr ToBn(const std::string& bytes) {
  return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr));
}

Status FromData(const char* type, OSSL_PARAM_BLD* bld, bool is_private, PkeyPtr* out) {
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, is_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return Status::BuiltinError(OpenSslError(std::string("invalid ") + type + " key"));
  }
  out->reset(pkey);
  return Status::OK();
}

Status RsaFromJwk(const Value& jwk, JwkKey* key) {
  std::string n, e, d;
  bool has_n, has_e, has_d;
  FEDRA_RETURN_IF_ERROR(DecodeField(jwk, "n", true, &n, &has_n));
  FEDRA_RETURN_IF_ERROR(DecodeField(jwk, "e", true, &e, &has_e));
  FEDRA_RETURN_IF_ERROR(DecodeField(jwk, "d", false, &d, &has_d));
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  std::vector<BnPtr> keep;
  auto push = [&](const char* name, const std::string& bytes) {
    keep.push_back(ToBn(bytes));
    return OSSL_PARAM_BLD_push_BN(bld.get(), name, keep.back().get()) == 1;
  };
  bool ok = bld && push(OSSL_PKEY_PARAM_RSA_N, n) && push(OSSL_PKEY_PARAM_RSA_E, e);
  if (ok && has_d) {
    ok = push(OSSL_PKEY_PARAM_RSA_D, d);
    static const struct {
      const char* field;
      const char* param;
    } kCrt[] = {
        {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},      {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},
        {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},   {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2},
        {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
    };
    // The CRT parameters are optional, but OpenSSL wants all of them or none.
    std::string vals[5];
    int present = 0;
    for (int i = 0; i < 5; ++i) {
      bool has = false;
      FEDRA_RETURN_IF_ERROR(DecodeField(jwk, kCrt[i].field, false, &vals[i], &has));
      present += has ? 1 : 0;
    }
    if (present == 5) {
      for (int i = 0; ok && i < 5; ++i) ok = push(kCrt[i].param, vals[i]);
    }
  }
  if (!ok) return Status::BuiltinError("invalid RSA key");
  key->is_private = has_d;
  return FromData("RSA", bld.get(), has_d, &key->pkey);
}

Status EcFromJwk(const Value& jwk, JwkKey* key) {
  const Value* crv = jwk.Find("crv");
  if (crv == nullptr || !crv->is_string()) return Status::BuiltinError("required field crv is missing");
  size_t size;
  if (crv->str() == "P-256") {
    size = 32;
  } else if (crv->str() == "P-384") {
    size = 48;
  } else if (crv->str() == "P-521") {
    size = 66;
  } else {
    return Status::BuiltinError("unsupported elliptic curve " + std::string(crv->str()));
  }
  std::string x, y, d;
  bool has_x, has_y, has_d;
  FEDRA_RETURN_IF_ERROR(DecodeField(jwk, "x", true, &x, &has_x));
  FEDRA_RETURN_IF_ERROR(DecodeField(jwk, "y", true, &y, &has_y));
  FEDRA_RETURN_IF_ERROR(DecodeField(jwk, "d", false, &d, &has_d));
  if (x.size() > size || y.size() > size) return Status::BuiltinError("invalid EC key: coordinate too long");
  std::string point = "\x04" + std::string(size - x.size(), '\0') + x + std::string(size - y.size(), '\0') + y;
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  std::string group(crv->str());
  BnPtr priv;
  bool ok = bld && OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group.c_str(), 0) == 1 &&
            OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 1;
  if (ok && has_d) {
    priv = ToBn(d);
    ok = OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv.get()) == 1;
  }
  if (!ok) return Status::BuiltinError("invalid EC key");
  key->is_private = has_d;
  return FromData("EC", bld.get(), has_d, &key->pkey);
}

Status OkpFromJwk(const Value& jwk, JwkKey* key) {
  const Value* crv = jwk.Find("crv");
  if (crv == nullptr || !crv->is_string()) return Status::BuiltinError("required field crv is missing");
  if (crv->str() != "Ed25519") return Status::BuiltinError("unsupported OKP curve " + std::string(crv->str()));
  std::string x, d;
  bool has_x, has_d;
  FEDRA_RETURN_IF_ERROR(DecodeField(jwk, "x", true, &x, &has_x));
  FEDRA_RETURN_IF_ERROR(DecodeField(jwk, "d", false, &d, &has_d));
  EVP_PKEY* pkey;
  if (has_d) {
    pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(d.data()),
                                        d.size());
  } else {
    pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(x.data()),
                                       x.size());
  }
  if (pkey == nullptr) return Status::BuiltinError(OpenSslError("invalid Ed25519 key"));
  key->pkey.reset(pkey);
  key->is_private = has_d;
  return Status::OK();
}

Status KeyFromJwk(const Value& jwk, JwkKey* key) {
  if (!jwk.is_object()) return Status::BuiltinError("key must be a JSON object");
  const Value* kty = jwk.Find("kty");
  if (kty == nullptr || !kty->is_string()) return Status::BuiltinError("invalid key type from JSON ()");
  if (const Value* alg = jwk.Find("alg"); alg != nullptr && alg->is_string()) key->alg = std::string(alg->str());
  if (const Value* kid = jwk.Find("kid"); kid != nullptr && kid->is_string()) key->kid = std::string(kid->str());
  std::string_view type = kty->str();
  if (type == "RSA") return RsaFromJwk(jwk, key);
  if (type == "EC") return EcFromJwk(jwk, key);
  if (type == "OKP") return OkpFromJwk(jwk, key);
  if (type == "oct") {
    bool has_k;
    FEDRA_RETURN_IF_ERROR(DecodeField(jwk, "k", true, &key->secret, &has_k));
    key->is_secret = true;
    key->is_private = true;
    return Status::OK();
  }
  return Status::BuiltinError("invalid key type from JSON (" + std::string(type) + ")");
}

std::string B64Url(std::string_view bytes) { return Base64Encode(bytes, B64::kUrl, false); }

}  // namespace

Status ParseJwkSet(std::string_view text, std::vector<JwkKey>* out) {
  out->clear();
  Value doc;
  Status st = ParseJson(text, &doc, "jwk");
  if (!st.ok()) return Status::BuiltinError("failed to unmarshal JSON into key: " + std::string(st.message()));
  if (!doc.is_object()) return Status::BuiltinError("failed to unmarshal JSON into key: not an object");
  if (const Value* keys = doc.Find("keys"); keys != nullptr) {
    if (!keys->is_array()) return Status::BuiltinError("failed to parse key set: \"keys\" must be an array");
    for (const Value& k : keys->array()) {
      JwkKey key;
      Status ks = KeyFromJwk(k, &key);
      if (!ks.ok()) return Status::BuiltinError("failed to parse key: " + std::string(ks.message()));
      out->push_back(std::move(key));
    }
    return Status::OK();
  }
  JwkKey key;
  Status ks = KeyFromJwk(doc, &key);
  if (!ks.ok()) return Status::BuiltinError("failed to parse key: " + std::string(ks.message()));
  out->push_back(std::move(key));
  return Status::OK();
}

Status PrivateKeyJwk(EVP_PKEY* key, Value* out) {
  auto bn = [&](const char* name) -> std::string {
    BIGNUM* b = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &b) != 1) return std::string();
    BnPtr owned(b);
    return BignumBytes(b);
  };
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      *out = ObjectBuilder()
                 .Add("kty", Value::String("RSA"))
                 .Add("n", Value::String(B64Url(bn(OSSL_PKEY_PARAM_RSA_N))))
                 .Add("e", Value::String(B64Url(bn(OSSL_PKEY_PARAM_RSA_E))))
                 .Add("d", Value::String(B64Url(bn(OSSL_PKEY_PARAM_RSA_D))))
                 .Add("p", Value::String(B64Url(bn(OSSL_PKEY_PARAM_RSA_FACTOR1))))
                 .Add("q", Value::String(B64Url(bn(OSSL_PKEY_PARAM_RSA_FACTOR2))))
                 .Add("dp", Value::String(B64Url(bn(OSSL_PKEY_PARAM_RSA_EXPONENT1))))
                 .Add("dq", Value::String(B64Url(bn(OSSL_PKEY_PARAM_RSA_EXPONENT2))))
                 .Add("qi", Value::String(B64Url(bn(OSSL_PKEY_PARAM_RSA_COEFFICIENT1))))
                 .Build();
      return Status::OK();
    case EVP_PKEY_EC: {
      char group[64];
      size_t glen = 0;
      if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &glen) != 1) {
        return Status::BuiltinError("unsupported elliptic curve");
      }
      std::string g(group, glen);
      std::string crv;
      size_t size;
      if (g == "prime256v1" || g == "P-256") {
        crv = "P-256";
        size = 32;
      } else if (g == "secp384r1" || g == "P-384") {
        crv = "P-384";
        size = 48;
      } else if (g == "secp521r1" || g == "P-521") {
        crv = "P-521";
        size = 66;
      } else {
        return Status::BuiltinError("unsupported elliptic curve " + g);
      }
      auto padded = [&](const char* name) {
        BIGNUM* b = nullptr;
        if (EVP_PKEY_get_bn_param(key, name, &b) != 1) return std::string();
        BnPtr owned(b);
        return B64Url(BignumBytesPadded(b, size));
      };
      *out = ObjectBuilder()
                 .Add("kty", Value::String("EC"))
                 .Add("crv", Value::String(crv))
                 .Add("x", Value::String(padded(OSSL_PKEY_PARAM_EC_PUB_X)))
                 .Add("y", Value::String(padded(OSSL_PKEY_PARAM_EC_PUB_Y)))
                 .Add("d", Value::String(padded(OSSL_PKEY_PARAM_PRIV_KEY)))
                 .Build();
      return Status::OK();
    }
    default:
      return Status::BuiltinError("unsupported private key type");
  }
}

}  // namespace fedra::builtins::crypto
