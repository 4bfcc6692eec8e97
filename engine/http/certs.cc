// Certificates with OpenSSL 3's EVP and X509 APIs.
#include "http/certs.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>

#include "http/openssl_ptr.h"

namespace fedra::http {

namespace {

std::string OpenSslError(std::string_view what) {
  std::string out(what);
  unsigned long e = ERR_get_error();
  if (e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    out += ": ";
    out += buf;
  }
  ERR_clear_error();
  return out;
}

std::string BioString(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

PKeyPtr NewKey(bool rsa) {
  return PKeyPtr(rsa ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256"));
}

bool AddExt(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

Status Pem(X509* cert, EVP_PKEY* key, KeyPair* out) {
  BioPtr cb(BIO_new(BIO_s_mem()));
  BioPtr kb(BIO_new(BIO_s_mem()));
  if (!cb || !kb || PEM_write_bio_X509(cb.get(), cert) != 1 ||
      PEM_write_bio_PrivateKey(kb.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Status::Internal(OpenSslError("writing PEM"));
  }
  out->cert_pem = BioString(cb.get());
  out->key_pem = BioString(kb.get());
  return Status::OK();
}

// A certificate skeleton: random serial, validity, subject, public key.
// `issued_at` empty: the clock.
Status NewCert(const std::string& cn, const std::vector<std::string>& orgs,
               std::chrono::seconds valid_for, std::chrono::seconds skew,
               std::optional<std::chrono::system_clock::time_point> issued_at, EVP_PKEY* key,
               X509Ptr* out) {
  X509Ptr cert(X509_new());
  if (!cert) return Status::Internal(OpenSslError("X509_new"));
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof(serial)) != 1) return Status::Internal(OpenSslError("RAND_bytes"));
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  time_t base = std::chrono::system_clock::to_time_t(
      issued_at.value_or(std::chrono::system_clock::now()));
  if (X509_time_adj(X509_getm_notBefore(cert.get()), -static_cast<long>(skew.count()), &base) ==
          nullptr ||
      X509_time_adj(X509_getm_notAfter(cert.get()), static_cast<long>(valid_for.count()), &base) ==
          nullptr) {
    return Status::InvalidArgument(OpenSslError("certificate validity out of range"));
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  for (const auto& o : orgs) {
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(o.c_str()), -1, -1, 0);
  }
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  if (X509_set_pubkey(cert.get(), key) != 1) return Status::Internal(OpenSslError("set_pubkey"));
  *out = std::move(cert);
  return Status::OK();
}

Status ReadPair(const KeyPair& pair, X509Ptr* cert, PKeyPtr* key) {
  BioPtr cb(BIO_new_mem_buf(pair.cert_pem.data(), static_cast<int>(pair.cert_pem.size())));
  cert->reset(PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr));
  if (!*cert) return Status::InvalidArgument(OpenSslError("CA certificate is not PEM"));
  BioPtr kb(BIO_new_mem_buf(pair.key_pem.data(), static_cast<int>(pair.key_pem.size())));
  key->reset(PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, nullptr));
  if (!*key) return Status::InvalidArgument(OpenSslError("CA key is not PEM"));
  return Status::OK();
}

}  // namespace

Status MakeCa(const std::string& common_name, std::chrono::seconds valid_for, KeyPair* out) {
  return MakeCaAt(common_name, std::chrono::system_clock::now(), valid_for, out);
}

Status MakeCaAt(const std::string& common_name, std::chrono::system_clock::time_point issued_at,
                std::chrono::seconds valid_for, KeyPair* out) {
  PKeyPtr key = NewKey(false);
  if (!key) return Status::Internal(OpenSslError("generating a key"));
  X509Ptr cert;
  Status s =
      NewCert(common_name, {}, valid_for, std::chrono::minutes(5), issued_at, key.get(), &cert);
  if (!s.ok()) return s;
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  if (!AddExt(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      !AddExt(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature") ||
      !AddExt(cert.get(), cert.get(), NID_subject_key_identifier, "hash")) {
    return Status::Internal(OpenSslError("CA extensions"));
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return Status::Internal(OpenSslError("signing the CA"));
  }
  return Pem(cert.get(), key.get(), out);
}

Status IssueCert(const KeyPair& ca, const CertRequest& req, KeyPair* out) {
  X509Ptr ca_cert;
  PKeyPtr ca_key;
  Status s = ReadPair(ca, &ca_cert, &ca_key);
  if (!s.ok()) return s;
  PKeyPtr key = NewKey(req.rsa);
  if (!key) return Status::Internal(OpenSslError("generating a key"));
  X509Ptr cert;
  s = NewCert(req.common_name, req.organizations, req.valid_for, req.not_before_skew, req.issued_at,
              key.get(), &cert);
  if (!s.ok()) return s;
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get()));
  std::string san;
  for (const auto& d : req.dns_names) san += (san.empty() ? "" : ",") + ("DNS:" + d);
  for (const auto& ip : req.ip_addresses) san += (san.empty() ? "" : ",") + ("IP:" + ip);
  std::string eku;
  if (req.server) eku = "serverAuth";
  if (req.client) eku += eku.empty() ? "clientAuth" : ",clientAuth";
  bool ok = AddExt(cert.get(), ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE") &&
            AddExt(cert.get(), ca_cert.get(), NID_key_usage,
                   req.rsa ? "critical,digitalSignature,keyEncipherment"
                           : "critical,digitalSignature") &&
            AddExt(cert.get(), ca_cert.get(), NID_authority_key_identifier, "keyid:always") &&
            (eku.empty() || AddExt(cert.get(), ca_cert.get(), NID_ext_key_usage, eku)) &&
            (san.empty() || AddExt(cert.get(), ca_cert.get(), NID_subject_alt_name, san));
  if (!ok) return Status::InvalidArgument(OpenSslError("certificate extensions (" + san + ")"));
  if (X509_sign(cert.get(), ca_key.get(), EVP_sha256()) == 0) {
    return Status::Internal(OpenSslError("signing the certificate"));
  }
  return Pem(cert.get(), key.get(), out);
}

Status CertNotAfter(const std::string& cert_pem, std::chrono::system_clock::time_point* out) {
  BioPtr cb(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  X509Ptr cert(PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr));
  if (!cert) return Status::InvalidArgument(OpenSslError("certificate is not PEM"));
  struct tm tm {};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) != 1) {
    return Status::InvalidArgument(OpenSslError("certificate notAfter"));
  }
  *out = std::chrono::system_clock::from_time_t(timegm(&tm));
  return Status::OK();
}

Status WriteFileAtomic(const std::string& path, const std::string& contents) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("create " + tmp + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string err = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::IoError("write " + tmp + ": " + err);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return Status::IoError("sync " + tmp + ": " + std::strerror(errno));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Status::IoError("rename " + tmp + " to " + path + ": " + err);
  }
  return Status::OK();
}

}  // namespace fedra::http
