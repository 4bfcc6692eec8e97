#include "operator/reconcilers/engine_certs.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <memory>
#include <utility>

#include "http/certs.h"
#include "http/openssl_ptr.h"
#include "operator/kube/config.h"

namespace fedra::op::reconcilers {

namespace {

using Clock = std::chrono::system_clock;
using Json = nlohmann::json;

constexpr char kManagedByLabel[] = "app.kubernetes.io/managed-by";
constexpr char kManagedByValue[] = "fedra-operator";
constexpr char kCaCert[] = "ca.crt";
constexpr char kCaKey[] = "ca.key";
constexpr char kPreviousCa[] = "previous-ca.crt";
constexpr char kTlsCert[] = "tls.crt";
constexpr char kTlsKey[] = "tls.key";
constexpr char kOpaque[] = "Opaque";
constexpr char kTlsType[] = "kubernetes.io/tls";

using http::BioPtr;
using http::PKeyPtr;
using http::X509Ptr;

X509Ptr ReadCert(const std::string& pem) {
  BioPtr b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(b ? PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr) : nullptr);
  ERR_clear_error();
  return cert;
}

PKeyPtr ReadKey(const std::string& pem) {
  BioPtr b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PKeyPtr key(b ? PEM_read_bio_PrivateKey(b.get(), nullptr, nullptr, nullptr) : nullptr);
  ERR_clear_error();
  return key;
}

bool TimeOf(const ASN1_TIME* t, Clock::time_point* out) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return false;
  *out = Clock::from_time_t(timegm(&tm));
  return true;
}

std::string Rfc3339(Clock::time_point t) {
  time_t tt = Clock::to_time_t(t);
  struct tm tm {};
  gmtime_r(&tt, &tm);
  char buf[32];
  strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string WithNewline(std::string pem) {
  if (!pem.empty() && pem.back() != '\n') pem.push_back('\n');
  return pem;
}

// A certificate as read from a Secret, with its key when it has one.
struct Parsed {
  std::string cert_pem;
  std::string key_pem;
  X509Ptr cert;
  PKeyPtr key;
  Clock::time_point not_before;
  Clock::time_point not_after;
};

// The time after which `p` is due for renewal.
Clock::time_point RenewAt(const Clock::time_point& not_before, const Clock::time_point& not_after,
                          double fraction) {
  auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(not_after - not_before);
  auto keep = std::chrono::seconds(static_cast<int64_t>(static_cast<double>(lifetime.count()) * fraction));
  return not_after - keep;
}

// Reads data[key] of `secret` (base64) into *out; false with *problem set
// when the field is absent or not base64.
bool ReadData(const Json& secret, const char* key, std::string* out, std::string* problem) {
  auto data = secret.find("data");
  if (data == secret.end() || !data->is_object()) {
    *problem = "has no data";
    return false;
  }
  auto v = data->find(key);
  if (v == data->end() || v->is_null()) {
    *problem = std::string("data[") + key + "] is missing";
    return false;
  }
  if (!v->is_string() || !kube::DecodeBase64(v->get<std::string>(), out)) {
    *problem = std::string("data[") + key + "] is not valid base64";
    return false;
  }
  return true;
}

// Reads the certificate data[cert_key] and, when key_key is given, the key
// data[key_key], checking that they are PEM and belong together.
bool ReadPair(const Json& secret, const char* cert_key, const char* key_key, Parsed* out,
              std::string* problem) {
  if (!ReadData(secret, cert_key, &out->cert_pem, problem)) return false;
  if (key_key != nullptr && !ReadData(secret, key_key, &out->key_pem, problem)) return false;
  out->cert = ReadCert(out->cert_pem);
  if (!out->cert) {
    *problem = std::string("data[") + cert_key + "] is not a PEM certificate";
    return false;
  }
  if (!TimeOf(X509_get0_notBefore(out->cert.get()), &out->not_before) ||
      !TimeOf(X509_get0_notAfter(out->cert.get()), &out->not_after)) {
    *problem = std::string("data[") + cert_key + "] has an unreadable validity period";
    return false;
  }
  if (key_key == nullptr) return true;
  out->key = ReadKey(out->key_pem);
  if (!out->key) {
    *problem = std::string("data[") + key_key + "] is not a PEM private key";
    return false;
  }
  if (X509_check_private_key(out->cert.get(), out->key.get()) != 1) {
    ERR_clear_error();
    *problem = std::string("data[") + key_key + "] does not match data[" + cert_key + "]";
    return false;
  }
  return true;
}

// *out for a pair just made or issued: its PEM, certificate and validity
// period; false when the certificate does not read back.
bool FromNewPair(http::KeyPair pair, Parsed* out) {
  *out = Parsed();
  out->cert_pem = std::move(pair.cert_pem);
  out->key_pem = std::move(pair.key_pem);
  out->cert = ReadCert(out->cert_pem);
  return out->cert && TimeOf(X509_get0_notBefore(out->cert.get()), &out->not_before) &&
         TimeOf(X509_get0_notAfter(out->cert.get()), &out->not_after);
}

bool HasManagedByLabel(const Json& secret) {
  const Json* labels = nullptr;
  if (auto m = secret.find("metadata"); m != secret.end() && m->is_object()) {
    if (auto l = m->find("labels"); l != m->end() && l->is_object()) labels = &*l;
  }
  if (labels == nullptr) return false;
  auto v = labels->find(kManagedByLabel);
  return v != labels->end() && *v == kManagedByValue;
}

// The Secret's type as Kubernetes reads it (absent means Opaque).
std::string TypeOf(const Json& secret) {
  auto t = secret.find("type");
  return t != secret.end() && t->is_string() ? t->get<std::string>() : kOpaque;
}

Json SecretObject(const policy::EngineService& svc, const std::string& name, const char* type,
                  const std::map<std::string, std::string>& data) {
  Json d = Json::object();
  for (const auto& [k, v] : data) d[k] = kube::EncodeBase64(v);
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata",
           {{"name", name},
            {"namespace", svc.namespace_name},
            {"labels", {{kManagedByLabel, kManagedByValue}}}}},
          {"type", type},
          {"data", std::move(d)}};
}

bool ValidIp(const std::string& ip) {
  unsigned char buf[16];
  return inet_pton(AF_INET, ip.c_str(), buf) == 1 || inet_pton(AF_INET6, ip.c_str(), buf) == 1;
}

Status CheckOptions(const EngineCertOptions& o) {
  if (o.ca_validity.count() <= 0) return Status::InvalidArgument("ca_validity must be positive");
  if (o.serving_validity.count() <= 0) {
    return Status::InvalidArgument("serving_validity must be positive");
  }
  if (!(o.renew_fraction > 0 && o.renew_fraction < 1)) {
    return Status::InvalidArgument("renew_fraction must be between 0 and 1 (exclusive)");
  }
  if (o.ca_overlap.count() < 0) return Status::InvalidArgument("ca_overlap must not be negative");
  for (const auto& ip : o.extra_ip_addresses) {
    if (!ValidIp(ip)) return Status::InvalidArgument("extra IP address \"" + ip + "\" is not an IP");
  }
  return Status::OK();
}

// Why a serving certificate that reads fine cannot stay, or "".
std::string ServingProblem(const Parsed& serving, const Parsed& ca,
                           const std::vector<std::string>& dns,
                           const std::vector<std::string>& ips) {
  if (X509_check_issued(ca.cert.get(), serving.cert.get()) != X509_V_OK ||
      X509_verify(serving.cert.get(), X509_get0_pubkey(ca.cert.get())) != 1) {
    ERR_clear_error();
    return "data[tls.crt] is not signed by the current CA";
  }
  for (const auto& name : dns) {
    if (X509_check_host(serving.cert.get(), name.data(), name.size(),
                        X509_CHECK_FLAG_NO_WILDCARDS, nullptr) != 1) {
      ERR_clear_error();
      return "data[tls.crt] does not name " + name;
    }
  }
  for (const auto& ip : ips) {
    if (X509_check_ip_asc(serving.cert.get(), ip.c_str(), 0) != 1) {
      ERR_clear_error();
      return "data[tls.crt] does not name IP " + ip;
    }
  }
  return "";
}

std::string Where(const char* what, const policy::EngineService& svc, const std::string& name) {
  return std::string(what) + " Secret " + svc.namespace_name + "/" + name + ": ";
}

}  // namespace

std::string EngineCertPlan::Reason() const {
  std::string out;
  if (ca) out = ca->reason;
  if (serving) out += (out.empty() ? "" : "; ") + serving->reason;
  return out;
}

std::string CaSecretName(const policy::EngineService& svc) { return svc.name + "-ca"; }
std::string ServingSecretName(const policy::EngineService& svc) { return svc.name + "-tls"; }

std::vector<std::string> ServingDnsNames(const policy::EngineService& svc,
                                         const EngineCertOptions& options) {
  const std::string& n = svc.name;
  const std::string& ns = svc.namespace_name;
  std::vector<std::string> out = {n, n + "." + ns, n + "." + ns + ".svc",
                                  n + "." + ns + ".svc.cluster.local"};
  for (const auto& d : options.extra_dns_names) {
    if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
  }
  return out;
}

Status PlanEngineCerts(const Json& ca_secret, const Json& serving_secret,
                       const policy::EngineService& svc, Clock::time_point now,
                       const EngineCertOptions& options, EngineCertPlan* out) {
  if (Status s = CheckOptions(options); !s.ok()) return s.WithContext("engine certificates");
  if (svc.name.empty() || svc.namespace_name.empty()) {
    return Status::InvalidArgument("engine certificates: the engine Service needs a namespace and a name");
  }
  *out = EngineCertPlan();
  const std::string ca_name = CaSecretName(svc);
  const std::string tls_name = ServingSecretName(svc);
  const auto fraction = options.renew_fraction;

  // ---- the CA ----
  Parsed ca;
  std::string problem;
  bool ca_ok = false;
  if (ca_secret.is_null()) {
    problem = "missing";
  } else if (!ca_secret.is_object()) {
    problem = "is not an object";
  } else if (ReadPair(ca_secret, kCaCert, kCaKey, &ca, &problem)) {
    if (X509_check_ca(ca.cert.get()) == 0) {
      problem = "data[ca.crt] is not a CA certificate";
    } else if (now >= ca.not_after) {
      problem = "the CA expired at " + Rfc3339(ca.not_after);
    } else {
      ca_ok = true;
    }
  }
  std::string ca_reason;
  std::string previous_pem;  // the CA kept trusted during an overlap
  Clock::time_point previous_until{};
  if (!ca_ok) {
    ca_reason = problem + "; created a new CA";
  } else if (now >= RenewAt(ca.not_before, ca.not_after, fraction)) {
    previous_pem = ca.cert_pem;
    ca_reason = "the CA expires at " + Rfc3339(ca.not_after) + "; rotated to a new CA";
    out->ca_rotated = true;
  }
  if (!ca_ok || out->ca_rotated) {
    const Clock::time_point old_not_after = ca.not_after;
    http::KeyPair pair;
    Status s = http::MakeCaAt(svc.name + "." + svc.namespace_name + " webhook CA", now,
                              options.ca_validity, &pair);
    if (!s.ok()) return s.WithContext("making the engine CA");
    if (!FromNewPair(std::move(pair), &ca)) {
      return Status::Internal("the new engine CA does not read back");
    }
    if (out->ca_rotated) {
      previous_until = std::min(ca.not_before + options.ca_overlap, old_not_after);
      if (now >= previous_until) {
        previous_pem.clear();  // no overlap asked for
      } else {
        ca_reason += ", the old CA stays trusted until " + Rfc3339(previous_until);
      }
    }
  } else {
    // A working CA: keep the previous one while the overlap lasts.
    Parsed prev;
    std::string prev_problem;
    const bool has_prev = ca_secret.contains("data") && ca_secret["data"].is_object() &&
                          ca_secret["data"].contains(kPreviousCa);
    if (has_prev) {
      previous_until = ca.not_before + options.ca_overlap;
      if (!ReadPair(ca_secret, kPreviousCa, nullptr, &prev, &prev_problem)) {
        ca_reason = prev_problem + "; dropped it";
      } else if (now >= previous_until || now >= prev.not_after) {
        ca_reason = "the overlap after the last CA rotation ended; dropped the previous CA";
      } else {
        previous_pem = prev.cert_pem;
        previous_until = std::min(previous_until, prev.not_after);
      }
    }
    if (ca_reason.empty() && TypeOf(ca_secret) != kOpaque) {
      ca_reason = "type is " + TypeOf(ca_secret) + ", not Opaque; recreated";
    } else if (ca_reason.empty() && !HasManagedByLabel(ca_secret)) {
      ca_reason = std::string("label ") + kManagedByLabel + " is not " + kManagedByValue;
    }
  }
  if (!ca_reason.empty()) {
    std::map<std::string, std::string> data = {{kCaCert, ca.cert_pem}, {kCaKey, ca.key_pem}};
    if (!previous_pem.empty()) data[kPreviousCa] = previous_pem;
    SecretWrite w;
    w.object = SecretObject(svc, ca_name, kOpaque, data);
    w.reason = Where("CA", svc, ca_name) + ca_reason;
    w.recreate = ca_secret.is_object() && TypeOf(ca_secret) != kOpaque;
    out->ca = std::move(w);
  }
  out->ca_bundle_pem = WithNewline(ca.cert_pem) + (previous_pem.empty() ? "" : WithNewline(previous_pem));

  // ---- the serving certificate ----
  const std::vector<std::string> dns = ServingDnsNames(svc, options);
  const std::vector<std::string>& ips = options.extra_ip_addresses;
  Parsed tls;
  problem.clear();
  bool tls_ok = false;
  if (serving_secret.is_null()) {
    problem = "missing";
  } else if (!serving_secret.is_object()) {
    problem = "is not an object";
  } else if (ReadPair(serving_secret, kTlsCert, kTlsKey, &tls, &problem)) {
    problem = ServingProblem(tls, ca, dns, ips);
    if (problem.empty() && now >= tls.not_after) {
      problem = "the certificate expired at " + Rfc3339(tls.not_after);
    } else if (problem.empty() && now >= RenewAt(tls.not_before, tls.not_after, fraction)) {
      problem = "the certificate expires at " + Rfc3339(tls.not_after);
    }
    tls_ok = problem.empty();
  }
  std::string tls_reason;
  if (!tls_ok) {
    http::CertRequest req;
    req.common_name = svc.name + "." + svc.namespace_name + ".svc";
    req.dns_names = dns;
    req.ip_addresses = ips;
    // Never outlive the CA: a certificate past its CA's expiry fails anyway.
    req.valid_for = std::min(options.serving_validity,
                             std::chrono::duration_cast<std::chrono::seconds>(ca.not_after - now));
    req.issued_at = now;
    http::KeyPair pair;
    Status s = http::IssueCert(http::KeyPair{ca.cert_pem, ca.key_pem}, req, &pair);
    if (!s.ok()) return s.WithContext("issuing the engine serving certificate");
    if (!FromNewPair(std::move(pair), &tls)) {
      return Status::Internal("the new serving certificate does not read back");
    }
    tls_reason = problem + "; issued a new certificate";
  } else {
    std::string current_ca;
    std::string ignored;
    if (TypeOf(serving_secret) != kTlsType) {
      tls_reason = "type is " + TypeOf(serving_secret) + ", not " + kTlsType + "; recreated";
    } else if (!ReadData(serving_secret, kCaCert, &current_ca, &ignored) ||
               current_ca != ca.cert_pem) {
      tls_reason = "data[ca.crt] is not the current CA";
    } else if (!HasManagedByLabel(serving_secret)) {
      tls_reason = std::string("label ") + kManagedByLabel + " is not " + kManagedByValue;
    }
  }
  if (!tls_reason.empty()) {
    SecretWrite w;
    w.object = SecretObject(svc, tls_name, kTlsType,
                            {{kTlsCert, tls.cert_pem}, {kTlsKey, tls.key_pem}, {kCaCert, ca.cert_pem}});
    w.reason = Where("serving", svc, tls_name) + tls_reason;
    w.recreate = serving_secret.is_object() && TypeOf(serving_secret) != kTlsType;
    out->serving = std::move(w);
  }

  // ---- when to look again ----
  Clock::time_point next = std::min(RenewAt(ca.not_before, ca.not_after, fraction),
                                     RenewAt(tls.not_before, tls.not_after, fraction));
  if (!previous_pem.empty()) next = std::min(next, previous_until);
  out->next_change = next;
  return Status::OK();
}

}  // namespace fedra::op::reconcilers
