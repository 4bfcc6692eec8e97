// Private helpers shared by the crypto and token builtins (crypto.cc,
// crypto_codec.cc, x509*.cc, jwk.cc, jwt*.cc). Not part of any public API.
//
// The codecs here reproduce the behaviour of the Go standard library that OPA
// relies on, because OPA's error messages and edge cases come from it:
//   - base64 decoding with Go's error offsets ("illegal base64 data at input
//     byte N"), newline skipping and padding rules;
//   - PEM block scanning with encoding/pem's rules (what counts as a block,
//     what is left over as "rest");
//   - JSON text as Go's encoding/json writes it (HTML-safe escapes).
// OpenSSL objects are held in unique_ptr aliases so every exit path frees
// them. Everything here is stateless and thread-safe.
#ifndef FEDRA_BUILTINS_CRYPTO_INTERNAL_H_
#define FEDRA_BUILTINS_CRYPTO_INTERNAL_H_

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "builtins/registry.h"
#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::builtins::crypto {

// ---- OpenSSL ownership -----------------------------------------------------

struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct X509Free { void operator()(X509* p) const { X509_free(p); } };
struct X509ReqFree { void operator()(X509_REQ* p) const { X509_REQ_free(p); } };
struct BnFree { void operator()(BIGNUM* p) const { BN_free(p); } };
struct MdCtxFree { void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); } };
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using X509ReqPtr = std::unique_ptr<X509_REQ, X509ReqFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// ---- base64 / hex (crypto_codec.cc) ------------------------------------------

enum class B64 { kStd, kUrl };

// Go's Encoding.DecodeString for the padded std or URL alphabet. On failure
// returns false and sets *err_pos to Go's CorruptInputError offset.
bool GoBase64Decode(std::string_view in, B64 alphabet, std::string* out, size_t* err_pos);
// base64.StdEncoding.DecodeString as a builtin error:
// "illegal base64 data at input byte N".
Status StdBase64Decode(std::string_view in, std::string* out);
// OPA's base64url.decode: adds missing padding (RFC 7515 appendix C) and then
// decodes with the padded URL alphabet.
Status UrlBase64DecodeLenient(std::string_view in, std::string* out);
std::string Base64Encode(std::string_view in, B64 alphabet, bool pad);
std::string HexEncode(std::string_view in);

// ---- PEM (crypto_codec.cc) ---------------------------------------------------

struct PemBlock {
  std::string type;
  std::string bytes;  // decoded body
  bool has_headers = false;
};
// encoding/pem's Decode: finds the next block in `data`. On success fills
// *block, sets *rest to the text after the block's END line and returns true.
// On failure returns false and sets *rest = data.
bool PemDecode(std::string_view data, PemBlock* block, std::string_view* rest);
// pem.Encode of one block without headers (64-column body).
std::string PemEncode(std::string_view type, std::string_view der);

// ---- JSON (crypto_codec.cc) --------------------------------------------------

// The JSON text Go's json.Marshal writes for OPA's ast.JSON(v): canonical
// Fedra JSON with strings re-escaped the way encoding/json escapes them.
std::string GoJson(const Value& v);
// Go's json.Valid: exactly one JSON value of any type.
bool JsonValid(std::string_view text);

// ---- small Value helpers -------------------------------------------------------

// Builds an object from string keys.
class ObjectBuilder {
 public:
  ObjectBuilder& Add(std::string_view key, Value v);
  Value Build();

 private:
  std::vector<ObjectEntry> entries_;
};

// A string Value holding base64 (std, padded): how Go's JSON writes []byte.
// Empty input gives null when `nil_if_empty` (a nil Go slice).
Value BytesValue(std::string_view bytes, bool nil_if_empty = false);
// A BIGNUM as a (possibly big) Rego number.
Value BignumValue(const BIGNUM* bn);
// An array of strings, or null when empty (a nil Go slice).
Value StringsOrNull(const std::vector<std::string>& items);
// Minimal big-endian bytes of a BIGNUM (Go's big.Int.Bytes()).
std::string BignumBytes(const BIGNUM* bn);
// Big-endian bytes left-padded with zeros to `len`.
std::string BignumBytesPadded(const BIGNUM* bn, size_t len);
// The last OpenSSL error in the thread's queue as text (and clears it), or
// `fallback` when the queue is empty.
std::string OpenSslError(std::string_view fallback);

// ---- keys and certificates (x509_json.cc, x509.cc) --------------------------

// DER (one or several concatenated certificates) -> certificates. Error:
// "x509: malformed certificate".
Status ParseDerCertificates(std::string_view der, std::vector<X509Ptr>* out);
// OPA's getX509CertsFromString: PEM text, or base64 of PEM or DER.
Status CertificatesFromString(std::string_view input, std::vector<X509Ptr>* out);
// Go's x509.Certificate as JSON; `uri_strings` adds OPA's URIStrings field.
Value CertificateValue(X509* cert, bool uri_strings);
Value CertificateRequestValue(X509_REQ* req);
// Go's JSON for a crypto.PublicKey / crypto.PrivateKey value.
Value PublicKeyValue(EVP_PKEY* key);
Value PrivateKeyValue(EVP_PKEY* key);
// crypto/x509's ExtKeyUsage codes of `cert`, and how many of its extended
// key usages have no code.
void CertExtKeyUsages(X509* cert, std::vector<int>* known, int* unknown);
// Private keys from "RSA PRIVATE KEY", "PRIVATE KEY" and "EC PRIVATE KEY"
// blocks, as OPA's getPrivateKeysFromPEMData reads them.
Status PrivateKeysFromPem(std::string_view pem, std::vector<PkeyPtr>* out);
// DER private key in PKCS#1, PKCS#8 or SEC 1 form (tried in that order).
PkeyPtr ParsePrivateKeyDer(std::string_view der);

// ---- JWK (jwk.cc) ------------------------------------------------------------

// A key usable to verify or sign a JWS. Exactly one of `pkey` and `secret`
// is meaningful: `secret` is set for "oct" keys.
struct JwkKey {
  PkeyPtr pkey;
  bool is_private = false;
  bool is_secret = false;
  std::string secret;
  std::string alg;  // the JWK's "alg", may be empty
  std::string kid;  // the JWK's "kid", may be empty
};
// A JWK or a JWK set ({"keys": [...]}) as text. Error messages are bare
// reasons; callers add their own prefix.
Status ParseJwkSet(std::string_view text, std::vector<JwkKey>* out);
// OPA's jwk.New(key) JSON for crypto.x509.parse_rsa_private_key.
Status PrivateKeyJwk(EVP_PKEY* key, Value* out);

// ---- registration ----------------------------------------------------------------

void RegisterX509(Registry& r);       // x509.cc
void RegisterJwt(Registry& r);        // jwt.cc
void RegisterJwtSign(Registry& r);    // jwt_sign.cc

// ---- JWS primitives (jws.cc) ------------------------------------------------------

// Hash used by an algorithm family member: 256 -> SHA-256 and so on.
const EVP_MD* ShaForBits(int bits);
// Raw signature checks. Each returns false for any mismatch, including a key
// of the wrong type.
bool VerifyRsaPkcs1(EVP_PKEY* key, const EVP_MD* md, std::string_view msg, std::string_view sig);
bool VerifyRsaPss(EVP_PKEY* key, const EVP_MD* md, std::string_view msg, std::string_view sig);
// `sig` is r || s; it is split in half as OPA does.
bool VerifyEcdsa(EVP_PKEY* key, const EVP_MD* md, std::string_view msg, std::string_view sig);
bool VerifyEd25519(EVP_PKEY* key, std::string_view msg, std::string_view sig);
bool HmacSha(int bits, std::string_view key, std::string_view msg, std::string* mac);
// jwsbb.Verify: verifies `sig` over `msg` with algorithm `alg` ("RS256",
// "HS384", "EdDSA", ...). Unknown algorithms and unsuitable keys fail.
bool VerifyJws(const JwkKey& key, std::string_view alg, std::string_view msg, std::string_view sig);
// jwsbb.Sign: the raw JWS signature of `msg` (r || s for ECDSA).
Status SignJws(const JwkKey& key, std::string_view alg, std::string_view msg, std::string* sig);
// OPA's tokenAlgorithms: RS/PS/ES/HS 256/384/512 and EdDSA.
bool IsTokenAlgorithm(std::string_view alg);

}  // namespace fedra::builtins::crypto

#endif  // FEDRA_BUILTINS_CRYPTO_INTERNAL_H_
