// crypto.* digests and HMACs, and the registration of the whole crypto and
// token family (x509.cc, jwt.cc and jwt_sign.cc add their own builtins).
//
// Digests are lowercase hex of the UTF-8 bytes of the string operand, as in
// OPA. crypto.hmac.equal compares in constant time (CRYPTO_memcmp) once the
// lengths agree; the length itself is not secret.
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <string>

#include "builtins/crypto_internal.h"

namespace fedra::builtins {
namespace {

using crypto::HexEncode;

Status Digest(std::span<const Value> args, const EVP_MD* md, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  std::string_view s = args[0].str();
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(s.data(), s.size(), buf, &len, md, nullptr) != 1) {
    return Status::BuiltinError(crypto::OpenSslError("digest failed"));
  }
  *out = Value::String(HexEncode(std::string_view(reinterpret_cast<char*>(buf), len)));
  return Status::OK();
}

Status Md5(Context&, std::span<const Value> args, Value* out) { return Digest(args, EVP_md5(), out); }
Status Sha1(Context&, std::span<const Value> args, Value* out) { return Digest(args, EVP_sha1(), out); }
Status Sha256(Context&, std::span<const Value> args, Value* out) { return Digest(args, EVP_sha256(), out); }

Status Hmac(std::span<const Value> args, const char* digest, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 1));
  std::string_view msg = args[0].str();
  std::string_view key = args[1].str();
  // An empty key is legal for HMAC; give OpenSSL a valid pointer anyway.
  static const unsigned char kEmpty[1] = {0};
  const void* key_ptr = key.empty() ? kEmpty : static_cast<const void*>(key.data());
  unsigned char buf[EVP_MAX_MD_SIZE];
  size_t len = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, key_ptr, key.size(),
                reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), buf, sizeof(buf),
                &len) == nullptr) {
    return Status::BuiltinError(crypto::OpenSslError("hmac failed"));
  }
  *out = Value::String(HexEncode(std::string_view(reinterpret_cast<char*>(buf), len)));
  return Status::OK();
}

Status HmacMd5(Context&, std::span<const Value> args, Value* out) { return Hmac(args, "MD5", out); }
Status HmacSha1(Context&, std::span<const Value> args, Value* out) { return Hmac(args, "SHA1", out); }
Status HmacSha256(Context&, std::span<const Value> args, Value* out) { return Hmac(args, "SHA256", out); }
Status HmacSha512(Context&, std::span<const Value> args, Value* out) { return Hmac(args, "SHA512", out); }

Status HmacEqual(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 1));
  std::string_view a = args[0].str();
  std::string_view b = args[1].str();
  bool equal = a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
  *out = Value::Bool(equal);
  return Status::OK();
}

}  // namespace

void RegisterCrypto(Registry& r) {
  r.Add("crypto.md5", 1, Md5);
  r.Add("crypto.sha1", 1, Sha1);
  r.Add("crypto.sha256", 1, Sha256);
  r.Add("crypto.hmac.md5", 2, HmacMd5);
  r.Add("crypto.hmac.sha1", 2, HmacSha1);
  r.Add("crypto.hmac.sha256", 2, HmacSha256);
  r.Add("crypto.hmac.sha512", 2, HmacSha512);
  r.Add("crypto.hmac.equal", 2, HmacEqual);
  crypto::RegisterX509(r);
  crypto::RegisterJwt(r);
  crypto::RegisterJwtSign(r);
}

}  // namespace fedra::builtins
