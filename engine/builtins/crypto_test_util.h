// Test helpers for crypto_test.cc and jwt_test.cc: call builtins through the
// default registry, and make real keys, certificates and CSRs with OpenSSL so
// the tests never depend on fixtures that expire.
#ifndef FEDRA_BUILTINS_CRYPTO_TEST_UTIL_H_
#define FEDRA_BUILTINS_CRYPTO_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <string>
#include <utility>
#include <vector>

#include "builtins/crypto_internal.h"
#include "builtins/registry.h"
#include "fedra/value.h"
#include "value/json.h"

namespace fedra::builtins::crypto_testing {

using crypto::PkeyPtr;
using crypto::X509Ptr;
using crypto::X509ReqPtr;

struct Result {
  Status status;
  Value value;
};

inline Result CallWith(Context& ctx, std::string_view name, std::vector<Value> args) {
  Result r;
  const Builtin* b = DefaultRegistry().Find(name);
  if (b == nullptr) {
    ADD_FAILURE() << "not registered: " << name;
    return r;
  }
  EXPECT_EQ(static_cast<size_t>(b->arity), args.size()) << name;
  r.status = b->fn(ctx, args, &r.value);
  return r;
}

inline Result Call(std::string_view name, std::vector<Value> args) {
  Context ctx;
  return CallWith(ctx, name, std::move(args));
}

// The value of a call that must succeed.
inline Value Ok(std::string_view name, std::vector<Value> args) {
  Result r = Call(name, std::move(args));
  EXPECT_TRUE(r.status.ok()) << name << ": " << r.status.ToString();
  return r.value;
}

inline Value S(std::string_view s) { return Value::String(s); }

inline Value Json(std::string_view text) {
  Value v;
  Status st = ParseJson(text, &v, "test");
  EXPECT_TRUE(st.ok()) << st.ToString();
  return v;
}

// Follows a path of object keys and array indexes ("Subject", "CommonName").
inline Value At(const Value& v, std::initializer_list<Value> path) {
  Value cur = v;
  for (const Value& k : path) cur = cur.Get(k);
  return cur;
}

inline std::string BioText(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

inline PkeyPtr NewEcKey(const char* curve = "P-256") {
  return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
}

// One 2048-bit RSA key per process: generation is slow.
inline EVP_PKEY* SharedRsaKey() {
  static EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
  return key;
}

inline std::string PublicKeyPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  return BioText(bio);
}

// PKCS#8 ("PRIVATE KEY") or the traditional per-algorithm form ("RSA PRIVATE
// KEY", "EC PRIVATE KEY").
inline std::string PrivateKeyPem(EVP_PKEY* key, bool pkcs8) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (pkcs8) {
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_bio_PrivateKey_traditional(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  }
  return BioText(bio);
}

inline std::string CertPem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  return BioText(bio);
}

inline std::string CertDer(X509* cert) {
  int len = i2d_X509(cert, nullptr);
  std::string out(static_cast<size_t>(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  i2d_X509(cert, &p);
  return out;
}

struct CertSpec {
  std::string cn;
  bool ca = false;
  long serial = 1;
  long not_before_days = -1;
  long not_after_days = 365;
  // (NID, OpenSSL config value) extensions, e.g. {NID_subject_alt_name, "DNS:a.example"}.
  std::vector<std::pair<int, std::string>> exts;
};

// A certificate for `key`, signed by `issuer_key` (self-signed when `issuer`
// is null).
inline X509Ptr MakeCert(const CertSpec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), spec.serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), spec.not_before_days * 86400);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), spec.not_after_days * 86400);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Fedra Test"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(spec.cn.c_str()), -1,
                             -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  X509_set_pubkey(cert.get(), key);
  X509V3_CTX v3;
  X509V3_set_ctx(&v3, issuer ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
  std::vector<std::pair<int, std::string>> exts = spec.exts;
  if (spec.ca) {
    exts.emplace_back(NID_basic_constraints, "critical,CA:TRUE");
    exts.emplace_back(NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    exts.emplace_back(NID_basic_constraints, "critical,CA:FALSE");
  }
  exts.emplace_back(NID_subject_key_identifier, "hash");
  for (const auto& [nid, value] : exts) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value.c_str());
    EXPECT_NE(ext, nullptr) << value;
    if (ext != nullptr) {
      X509_add_ext(cert.get(), ext, -1);
      X509_EXTENSION_free(ext);
    }
  }
  EXPECT_GT(X509_sign(cert.get(), issuer_key, EVP_sha256()), 0);
  return cert;
}

// A root CA and a leaf for "leaf.example" (server auth, one URI SAN).
struct TestChain {
  PkeyPtr root_key, leaf_key;
  X509Ptr root, leaf;

  TestChain() : root_key(NewEcKey()), leaf_key(NewEcKey()) {
    root = MakeCert({"Fedra Test Root", true, 1, -1, 3650, {}}, root_key.get(), nullptr, root_key.get());
    leaf = MakeCert({"leaf.example",
                     false,
                     4242,
                     -1,
                     365,
                     {{NID_subject_alt_name, "DNS:leaf.example,URI:spiffe://example.com/fedra"},
                      {NID_ext_key_usage, "serverAuth"},
                      {NID_key_usage, "critical,digitalSignature"}}},
                    leaf_key.get(), root.get(), root_key.get());
  }
};

}  // namespace fedra::builtins::crypto_testing

#endif  // FEDRA_BUILTINS_CRYPTO_TEST_UTIL_H_
