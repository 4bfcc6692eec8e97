// Owning pointers for the OpenSSL objects the certificate code handles
// (engine/http/certs.cc, the operator's engine certificates), freed with
// their own OpenSSL free functions.
#ifndef FEDRA_HTTP_OPENSSL_PTR_H_
#define FEDRA_HTTP_OPENSSL_PTR_H_

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

namespace fedra::http {

template <class T, void (*F)(T*)>
struct OpenSslDeleter {
  void operator()(T* p) const { F(p); }
};
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509, X509_free>>;
using PKeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO, BIO_free_all>>;

}  // namespace fedra::http

#endif  // FEDRA_HTTP_OPENSSL_PTR_H_
