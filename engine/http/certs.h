// Certificates made with OpenSSL: a self-signed CA, and server or client
// certificates it signs. The operator uses this to issue and rotate the
// engines' webhook serving certificates; tests use it for real HTTPS.
//
// Keys are ECDSA P-256 unless told otherwise. PEM in, PEM out; no files are
// touched except by WritePem.
#ifndef FEDRA_HTTP_CERTS_H_
#define FEDRA_HTTP_CERTS_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "fedra/status.h"

namespace fedra::http {

struct KeyPair {
  std::string cert_pem;  // certificate (a chain: leaf first)
  std::string key_pem;   // PKCS#8 private key
};

struct CertRequest {
  std::string common_name;
  std::vector<std::string> dns_names;  // subjectAltName DNS entries
  std::vector<std::string> ip_addresses;  // subjectAltName IP entries ("127.0.0.1")
  std::vector<std::string> organizations;  // subject O= (Kubernetes groups)
  std::chrono::seconds valid_for{std::chrono::hours(24 * 365)};
  std::chrono::seconds not_before_skew{std::chrono::minutes(5)};  // backdating
  bool server = true;   // extendedKeyUsage serverAuth
  bool client = false;  // extendedKeyUsage clientAuth
  bool rsa = false;     // RSA 2048 instead of ECDSA P-256
  // Validity counts from here instead of the clock (a planner deciding for
  // a given `now`, and tests that move time).
  std::optional<std::chrono::system_clock::time_point> issued_at;
};

// A self-signed CA (basicConstraints CA:TRUE, keyCertSign).
Status MakeCa(const std::string& common_name, std::chrono::seconds valid_for, KeyPair* out);
// The same, valid from `issued_at` (minus five minutes of backdating).
Status MakeCaAt(const std::string& common_name, std::chrono::system_clock::time_point issued_at,
                std::chrono::seconds valid_for, KeyPair* out);
// A leaf certificate for `req`, signed by `ca`.
Status IssueCert(const KeyPair& ca, const CertRequest& req, KeyPair* out);
// notAfter of the first certificate in `cert_pem`.
Status CertNotAfter(const std::string& cert_pem, std::chrono::system_clock::time_point* out);
// Writes `contents` to `path` atomically (temporary file + rename), mode 0600.
Status WriteFileAtomic(const std::string& path, const std::string& contents);

}  // namespace fedra::http

#endif  // FEDRA_HTTP_CERTS_H_
