// The engine's webhook serving certificate in one member cluster: what to
// write so that the member's API server can reach the engine over TLS.
//
// Two Secrets in the engine Service's namespace, both labelled
// app.kubernetes.io/managed-by=fedra-operator:
//   <service>-ca   Opaque             ca.crt, ca.key: the CA the operator keeps
//                                     (and, while a rotation overlaps,
//                                     previous-ca.crt: the CA before it)
//   <service>-tls  kubernetes.io/tls  tls.crt, tls.key, ca.crt: what the
//                                     engine serves, signed by that CA
//
// PlanEngineCerts is a pure planner: it reads both Secrets as they are in the
// member (null when absent), decides for a given `now`, and says which
// Secrets to write and why. It generates keys (OpenSSL) but does no I/O.
//
// Rules:
//  - A Secret that is missing, malformed (not an object, a key absent, not
//    base64, not PEM), or inconsistent (key does not match the certificate;
//    the CA is not a CA; the serving certificate is not signed by the CA or
//    lacks a required name) is replaced; the reason names the Secret, the
//    field and what is wrong.
//  - A certificate is renewed once less than `renew_fraction` of its
//    lifetime remains (and, of course, once expired).
//  - Renewing the CA keeps the old CA in previous-ca.crt and in the
//    caBundle for `ca_overlap` after the new CA's notBefore (backdated five
//    minutes from the rotation), so engines still
//    serving a certificate of the old CA keep working until they load the
//    new one (the serving certificate is reissued in the same plan). A CA
//    replaced because it was unusable has no overlap.
//  - Labels, type or the serving Secret's ca.crt out of date are rewritten
//    without reissuing anything.
// A plan made from the Secrets it wrote (and the same `now`) writes nothing.
//
// Plain values and functions; thread-safe.
#ifndef FEDRA_OPERATOR_RECONCILERS_ENGINE_CERTS_H_
#define FEDRA_OPERATOR_RECONCILERS_ENGINE_CERTS_H_

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "fedra/status.h"
#include "policy/types.h"

namespace fedra::op::reconcilers {

struct EngineCertOptions {
  std::chrono::seconds ca_validity{std::chrono::hours(24 * 365 * 5)};
  std::chrono::seconds serving_validity{std::chrono::hours(24 * 90)};
  // Renew once less than this share of a certificate's lifetime remains.
  double renew_fraction = 1.0 / 3.0;
  // How long the previous CA stays trusted after a CA rotation.
  std::chrono::seconds ca_overlap{std::chrono::hours(24 * 7)};
  // Names beyond the Service's DNS names (<name>, <name>.<ns>,
  // <name>.<ns>.svc, <name>.<ns>.svc.cluster.local), e.g. "127.0.0.1"
  // for loopback demos.
  std::vector<std::string> extra_dns_names;
  std::vector<std::string> extra_ip_addresses;
};

// One Secret to write (server-side apply), and why.
struct SecretWrite {
  nlohmann::json object;  // apiVersion, kind, metadata (name, namespace, labels), type, data
  std::string reason;     // "CA Secret fedra-system/fedra-engine-ca: ...; created a new CA"
  // The Secret's type differs from the one it must have; the type of a
  // Secret cannot change, so it must be deleted before it is written.
  bool recreate = false;
};

struct EngineCertPlan {
  std::optional<SecretWrite> ca;       // set when the CA Secret must be written
  std::optional<SecretWrite> serving;  // set when the serving Secret must be written
  // The CA certificates webhooks must trust, PEM: the current CA, then the
  // previous one during an overlap.
  std::string ca_bundle_pem;
  bool ca_rotated = false;  // a new CA replaced a working one (overlap started)
  // When the plan next changes by itself (a renewal, the end of an overlap):
  // the caller re-plans then at the latest.
  std::chrono::system_clock::time_point next_change;

  bool changed() const { return ca.has_value() || serving.has_value(); }
  // The reasons of what changed, "; "-separated ("" when nothing did).
  std::string Reason() const;
};

// Names of the two Secrets for `svc`.
std::string CaSecretName(const policy::EngineService& svc);       // "<name>-ca"
std::string ServingSecretName(const policy::EngineService& svc);  // "<name>-tls"

// DNS names the serving certificate must carry for `svc`, then the extras.
std::vector<std::string> ServingDnsNames(const policy::EngineService& svc,
                                         const EngineCertOptions& options);

// Plans the Secrets. `ca_secret` and `serving_secret` are the objects read
// from the member (null when absent). Errors only when OpenSSL fails to make
// keys or certificates, or the options are unusable (validity <= 0,
// renew_fraction outside (0, 1), an unparsable extra IP address).
Status PlanEngineCerts(const nlohmann::json& ca_secret, const nlohmann::json& serving_secret,
                       const policy::EngineService& svc,
                       std::chrono::system_clock::time_point now, const EngineCertOptions& options,
                       EngineCertPlan* out);

}  // namespace fedra::op::reconcilers

#endif  // FEDRA_OPERATOR_RECONCILERS_ENGINE_CERTS_H_
