// JWS signature primitives (RFC 7515/7518) on OpenSSL's EVP interfaces.
//
// Verification never errors: a key of the wrong type, a malformed signature
// or a failed check all mean "not verified", which is how OPA reports them.
// ECDSA signatures travel as r || s (fixed-width big-endian) in JWS and as
// DER in OpenSSL; the conversion happens here.
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include <string>

#include "builtins/crypto_internal.h"

namespace fedra::builtins::crypto {
namespace {

struct EcdsaSigFree { void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); } };

enum class Family { kNone, kHs, kRs, kPs, kEs, kEdDsa };

// Splits "RS256" into (kRs, 256).
Family ParseAlg(std::string_view alg, int* bits) {
  *bits = 0;
  if (alg == "EdDSA") return Family::kEdDsa;
  if (alg.size() != 5) return Family::kNone;
  std::string_view b = alg.substr(2);
  if (b == "256") {
    *bits = 256;
  } else if (b == "384") {
    *bits = 384;
  } else if (b == "512") {
    *bits = 512;
  } else {
    return Family::kNone;
  }
  std::string_view f = alg.substr(0, 2);
  if (f == "HS") return Family::kHs;
  if (f == "RS") return Family::kRs;
  if (f == "PS") return Family::kPs;
  if (f == "ES") return Family::kEs;
  return Family::kNone;
}

bool IsType(EVP_PKEY* key, int type) { return key != nullptr && EVP_PKEY_get_base_id(key) == type; }

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

bool DigestVerify(EVP_PKEY* key, const EVP_MD* md, int padding, std::string_view msg, std::string_view sig) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, key) == 1;
  if (ok && padding != 0) {
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, padding) == 1;
    if (ok && padding == RSA_PKCS1_PSS_PADDING) {
      ok = EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) == 1 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1;
    }
  }
  ok = ok && EVP_DigestVerify(ctx.get(), Bytes(sig), sig.size(), Bytes(msg), msg.size()) == 1;
  ERR_clear_error();
  return ok;
}

Status DigestSign(EVP_PKEY* key, const EVP_MD* md, int padding, std::string_view msg, std::string* sig) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = ctx && EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, key) == 1;
  if (ok && padding != 0) {
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, padding) == 1;
    if (ok && padding == RSA_PKCS1_PSS_PADDING) {
      ok = EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1;
    }
  }
  size_t len = 0;
  ok = ok && EVP_DigestSign(ctx.get(), nullptr, &len, Bytes(msg), msg.size()) == 1;
  if (ok) {
    sig->assign(len, '\0');
    ok = EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig->data()), &len, Bytes(msg), msg.size()) == 1;
    sig->resize(len);
  }
  if (!ok) return Status::BuiltinError("failed to sign payload: " + OpenSslError("signing failed"));
  return Status::OK();
}

// Field size in bytes of the key's curve, 0 when unknown.
size_t CurveBytes(EVP_PKEY* key) {
  char group[64];
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &len) != 1) return 0;
  std::string_view g(group, len);
  if (g == "prime256v1" || g == "P-256") return 32;
  if (g == "secp384r1" || g == "P-384") return 48;
  if (g == "secp521r1" || g == "P-521") return 66;
  return 0;
}

}  // namespace

const EVP_MD* ShaForBits(int bits) {
  switch (bits) {
    case 256: return EVP_sha256();
    case 384: return EVP_sha384();
    case 512: return EVP_sha512();
    default: return nullptr;
  }
}

bool IsTokenAlgorithm(std::string_view alg) {
  int bits;
  return ParseAlg(alg, &bits) != Family::kNone;
}

bool VerifyRsaPkcs1(EVP_PKEY* key, const EVP_MD* md, std::string_view msg, std::string_view sig) {
  return IsType(key, EVP_PKEY_RSA) && DigestVerify(key, md, RSA_PKCS1_PADDING, msg, sig);
}

bool VerifyRsaPss(EVP_PKEY* key, const EVP_MD* md, std::string_view msg, std::string_view sig) {
  return IsType(key, EVP_PKEY_RSA) && DigestVerify(key, md, RSA_PKCS1_PSS_PADDING, msg, sig);
}

bool VerifyEcdsa(EVP_PKEY* key, const EVP_MD* md, std::string_view msg, std::string_view sig) {
  if (!IsType(key, EVP_PKEY_EC)) return false;
  size_t half = sig.size() / 2;
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> es(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(Bytes(sig), static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(Bytes(sig.substr(half)), static_cast<int>(sig.size() - half), nullptr);
  if (!es || r == nullptr || s == nullptr || ECDSA_SIG_set0(es.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return false;
  }
  unsigned char* der = nullptr;
  int der_len = i2d_ECDSA_SIG(es.get(), &der);
  if (der_len <= 0) return false;
  std::string der_sig(reinterpret_cast<char*>(der), static_cast<size_t>(der_len));
  OPENSSL_free(der);
  return DigestVerify(key, md, 0, msg, der_sig);
}

bool VerifyEd25519(EVP_PKEY* key, std::string_view msg, std::string_view sig) {
  return IsType(key, EVP_PKEY_ED25519) && DigestVerify(key, nullptr, 0, msg, sig);
}

bool HmacSha(int bits, std::string_view key, std::string_view msg, std::string* mac) {
  const char* name = bits == 256 ? "SHA256" : bits == 384 ? "SHA384" : bits == 512 ? "SHA512" : nullptr;
  if (name == nullptr) return false;
  static const unsigned char kEmpty[1] = {0};
  unsigned char buf[EVP_MAX_MD_SIZE];
  size_t len = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, name, nullptr, key.empty() ? kEmpty : Bytes(key), key.size(), Bytes(msg),
                msg.size(), buf, sizeof(buf), &len) == nullptr) {
    ERR_clear_error();
    return false;
  }
  mac->assign(reinterpret_cast<char*>(buf), len);
  return true;
}

bool VerifyJws(const JwkKey& key, std::string_view alg, std::string_view msg, std::string_view sig) {
  int bits;
  Family f = ParseAlg(alg, &bits);
  if (f == Family::kHs) {
    std::string mac;
    if (!key.is_secret || !HmacSha(bits, key.secret, msg, &mac)) return false;
    return mac.size() == sig.size() && CRYPTO_memcmp(mac.data(), sig.data(), mac.size()) == 0;
  }
  if (key.is_secret) return false;
  EVP_PKEY* pkey = key.pkey.get();
  switch (f) {
    case Family::kRs: return VerifyRsaPkcs1(pkey, ShaForBits(bits), msg, sig);
    case Family::kPs: return VerifyRsaPss(pkey, ShaForBits(bits), msg, sig);
    case Family::kEs: {
      // The curve must be the one the algorithm names (P-521 for ES512).
      size_t want = bits == 256 ? 32 : bits == 384 ? 48 : 66;
      if (!IsType(pkey, EVP_PKEY_EC) || CurveBytes(pkey) != want || sig.size() != 2 * want) return false;
      return VerifyEcdsa(pkey, ShaForBits(bits), msg, sig);
    }
    case Family::kEdDsa: return VerifyEd25519(pkey, msg, sig);
    default: return false;
  }
}

Status SignJws(const JwkKey& key, std::string_view alg, std::string_view msg, std::string* sig) {
  int bits;
  Family f = ParseAlg(alg, &bits);
  if (f == Family::kHs) {
    if (!key.is_secret) return Status::BuiltinError("failed to sign payload: HMAC requires an oct key");
    if (!HmacSha(bits, key.secret, msg, sig)) return Status::BuiltinError("failed to sign payload: HMAC failed");
    return Status::OK();
  }
  EVP_PKEY* pkey = key.is_secret ? nullptr : key.pkey.get();
  if (pkey == nullptr || !key.is_private) {
    return Status::BuiltinError("failed to sign payload: " + std::string(alg) + " requires a private key");
  }
  switch (f) {
    case Family::kRs:
    case Family::kPs:
      if (!IsType(pkey, EVP_PKEY_RSA)) return Status::BuiltinError("failed to sign payload: RSA key required");
      return DigestSign(pkey, ShaForBits(bits), f == Family::kRs ? RSA_PKCS1_PADDING : RSA_PKCS1_PSS_PADDING, msg,
                        sig);
    case Family::kEs: {
      size_t want = bits == 256 ? 32 : bits == 384 ? 48 : 66;
      if (!IsType(pkey, EVP_PKEY_EC) || CurveBytes(pkey) != want) {
        return Status::BuiltinError("failed to sign payload: ECDSA key on the curve of " + std::string(alg) +
                                    " required");
      }
      std::string der;
      FEDRA_RETURN_IF_ERROR(DigestSign(pkey, ShaForBits(bits), 0, msg, &der));
      const unsigned char* p = Bytes(der);
      std::unique_ptr<ECDSA_SIG, EcdsaSigFree> es(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
      if (!es) return Status::BuiltinError("failed to sign payload: bad ECDSA signature");
      *sig = BignumBytesPadded(ECDSA_SIG_get0_r(es.get()), want) + BignumBytesPadded(ECDSA_SIG_get0_s(es.get()), want);
      return Status::OK();
    }
    case Family::kEdDsa:
      if (!IsType(pkey, EVP_PKEY_ED25519)) return Status::BuiltinError("failed to sign payload: Ed25519 key required");
      return DigestSign(pkey, nullptr, 0, msg, sig);
    default:
      return Status::BuiltinError("unknown JWS algorithm: " + std::string(alg));
  }
}

}  // namespace fedra::builtins::crypto
