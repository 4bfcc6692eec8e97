// Helpers shared by the certificate and admission tests.
#ifndef FEDRA_OPERATOR_RECONCILERS_CERTS_TEST_UTIL_H_
#define FEDRA_OPERATOR_RECONCILERS_CERTS_TEST_UTIL_H_

#include <chrono>
#include <string>

namespace fedra::op::reconcilers::testing {

constexpr auto kDay = std::chrono::hours(24);
constexpr auto kYear = std::chrono::hours(24 * 365);

// How many certificates a PEM bundle holds (caBundle during a CA rotation
// holds two).
inline size_t CertCount(const std::string& pem) {
  size_t n = 0;
  for (size_t at = pem.find("BEGIN CERTIFICATE"); at != std::string::npos;
       at = pem.find("BEGIN CERTIFICATE", at + 1)) {
    ++n;
  }
  return n;
}

}  // namespace fedra::op::reconcilers::testing

#endif  // FEDRA_OPERATOR_RECONCILERS_CERTS_TEST_UTIL_H_
