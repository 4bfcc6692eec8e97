#include "operator/kube/pem.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

namespace fedra::op::kube {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

BioPtr MemBio(std::string_view s) {
  return BioPtr(BIO_new_mem_buf(s.data(), static_cast<int>(s.size())));
}

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "no PEM data";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return buf;
}

}  // namespace

Status CheckCertificatesPem(std::string_view pem) {
  ERR_clear_error();
  if (pem.find("-----BEGIN CERTIFICATE-----") == std::string_view::npos) {
    return Status::InvalidArgument("not a PEM certificate (no BEGIN CERTIFICATE)");
  }
  BioPtr bio = MemBio(pem);
  int count = 0;
  while (true) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    ++count;
  }
  unsigned long err = ERR_peek_last_error();
  if (count == 0 || (err != 0 && ERR_GET_REASON(err) != PEM_R_NO_START_LINE)) {
    return Status::InvalidArgument("not a valid PEM certificate: " + OpenSslError());
  }
  ERR_clear_error();
  return Status::OK();
}

Status CheckPrivateKeyPem(std::string_view pem) {
  ERR_clear_error();
  if (pem.find("PRIVATE KEY-----") == std::string_view::npos) {
    return Status::InvalidArgument("not a PEM private key (no BEGIN ... PRIVATE KEY)");
  }
  BioPtr bio = MemBio(pem);
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return Status::InvalidArgument("not a valid PEM private key: " + OpenSslError());
  ERR_clear_error();
  return Status::OK();
}

Status CheckKeyMatchesCertificate(std::string_view cert_pem, std::string_view key_pem) {
  ERR_clear_error();
  BioPtr cbio = MemBio(cert_pem);
  X509Ptr cert(PEM_read_bio_X509(cbio.get(), nullptr, nullptr, nullptr));
  BioPtr kbio = MemBio(key_pem);
  PkeyPtr key(PEM_read_bio_PrivateKey(kbio.get(), nullptr, nullptr, nullptr));
  if (!cert || !key) return Status::InvalidArgument("certificate or key does not parse");
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument("private key does not match the certificate");
  }
  return Status::OK();
}

Status ReadSmallFile(const std::string& path, size_t max_bytes, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read " + path + ": " + std::strerror(errno));
  std::string data;
  char buf[8192];
  while (in.read(buf, sizeof(buf)) || in.gcount() > 0) {
    data.append(buf, static_cast<size_t>(in.gcount()));
    if (data.size() > max_bytes) {
      return Status::InvalidArgument(path + ": larger than " + std::to_string(max_bytes) +
                                     " bytes");
    }
  }
  if (in.bad()) return Status::IoError("error reading " + path);
  *out = std::move(data);
  return Status::OK();
}

}  // namespace fedra::op::kube
