// PEM checks with OpenSSL, shared by kubeconfig loading and the TLS setup of
// the client (internal to operator/kube). Messages say what is wrong without
// naming where; callers add the file and field.
#ifndef FEDRA_OPERATOR_KUBE_PEM_H_
#define FEDRA_OPERATOR_KUBE_PEM_H_

#include <string>
#include <string_view>

#include "fedra/status.h"

namespace fedra::op::kube {

// At least one certificate, and nothing unparsable between them.
Status CheckCertificatesPem(std::string_view pem);
// Exactly one private key (PKCS#8, PKCS#1 RSA or SEC1 EC).
Status CheckPrivateKeyPem(std::string_view pem);
// The first certificate of `cert_pem` belongs to `key_pem`.
Status CheckKeyMatchesCertificate(std::string_view cert_pem, std::string_view key_pem);
// Reads a whole (small) file; errors name the path and errno text.
Status ReadSmallFile(const std::string& path, size_t max_bytes, std::string* out);

}  // namespace fedra::op::kube

#endif  // FEDRA_OPERATOR_KUBE_PEM_H_
