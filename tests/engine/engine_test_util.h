// Shared pieces of the fedra-engine end-to-end tests: certificates, a
// running engine process, AdmissionReviews, and a bundle server.
#ifndef FEDRA_TESTS_ENGINE_ENGINE_TEST_UTIL_H_
#define FEDRA_TESTS_ENGINE_ENGINE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "bundle/bundle.h"
#include "bundle/service.h"
#include "fedra/value.h"
#include "http/certs.h"
#include "http/client.h"
#include "http/server.h"
#include "tests/util/process.h"
#include "value/json.h"

namespace fedra::testing {

inline std::string EngineBinary() { return std::string(FEDRA_BINARY_DIR) + "/bin/fedra-engine"; }

// A CA and a serving certificate for 127.0.0.1 / localhost, written to dir.
struct Pki {
  http::KeyPair ca, server;
  std::string ca_file, cert_file, key_file;
};

inline Pki MakePki(const TempDir& dir, const std::string& prefix = "") {
  Pki p;
  EXPECT_TRUE(http::MakeCa("fedra-test-ca", std::chrono::hours(24), &p.ca).ok());
  http::CertRequest req;
  req.common_name = "fedra-engine";
  req.dns_names = {"localhost"};
  req.ip_addresses = {"127.0.0.1"};
  EXPECT_TRUE(http::IssueCert(p.ca, req, &p.server).ok());
  p.ca_file = dir.Write(prefix + "ca.crt", p.ca.cert_pem);
  p.cert_file = dir.Write(prefix + "tls.crt", p.server.cert_pem);
  p.key_file = dir.Write(prefix + "tls.key", p.server.key_pem);
  return p;
}

// A fedra-engine child process with HTTPS on a free port.
class Engine {
 public:
  // `port` 0: a free one.
  Engine(const TempDir& dir, const Pki& pki, std::vector<std::string> extra, std::string name = "engine",
         uint16_t port = 0)
      : port_(port != 0 ? port : FreePort()), pki_(pki) {
    std::vector<std::string> argv = {EngineBinary(),
                                     "--addr", "127.0.0.1:" + std::to_string(port_),
                                     "--tls-cert", pki.cert_file,
                                     "--tls-key", pki.key_file,
                                     "--threads", "2"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    proc_ = std::make_unique<Subprocess>(argv, dir.Path(name + ".log"));
  }
  // Starts the process and waits until it accepts connections.
  bool Start() {
    if (!proc_->Start()) return false;
    return WaitFor([&] { return PortOpen(port_) || !proc_->running(); }) && proc_->running();
  }
  http::ClientOptions ClientOptions() const {
    http::ClientOptions o;
    o.port = port_;
    o.tls = true;
    o.ca_file = pki_.ca_file;
    return o;
  }
  uint16_t port() const { return port_; }
  Subprocess& process() { return *proc_; }

 private:
  uint16_t port_;
  Pki pki_;
  std::unique_ptr<Subprocess> proc_;
};

// An AdmissionReview v1 for a Pod.
inline std::string PodReview(const std::string& uid, const std::string& labels_json,
                             const std::string& image, const std::string& ns = "default") {
  return R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":")" + uid +
         R"(","kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},"operation":"CREATE","namespace":")" +
         ns + R"(","userInfo":{"username":"test"},"object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":")" +
         ns + R"(","labels":)" + labels_json + R"(},"spec":{"containers":[{"name":"c","image":")" + image +
         R"("}]}}}})";
}

inline Value ParseOrDie(const std::string& text) {
  Value v;
  Status s = ParseJson(text, &v);
  EXPECT_TRUE(s.ok()) << s.ToString() << " in " << text;
  return v;
}

// Posts a review; returns the parsed response ("response" object) or undefined.
inline Value Admit(http::Client& client, const std::string& review, int* status = nullptr,
                   std::string* revision = nullptr) {
  http::Headers h;
  h.Set("Content-Type", "application/json");
  http::ClientResponse res;
  Status s = client.Do("POST", "/v1/admit", review, h, &res);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (status != nullptr) *status = res.status;
  if (revision != nullptr) {
    const std::string* r = res.headers.Get("X-Fedra-Revision");
    *revision = r ? *r : "";
  }
  if (!s.ok() || res.status != 200) return Value();
  Value v = ParseOrDie(res.body);
  const Value* r = v.Find(std::string_view("response"));
  return r ? *r : Value();
}

inline std::string Base64Decode(std::string_view in) {
  static const std::string kChars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    size_t pos = kChars.find(c);
    if (pos == std::string::npos) break;
    val = (val << 6) + static_cast<int>(pos);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

// A bundle server on loopback: http::Server + bundle::BundleService.
class BundleHub {
 public:
  BundleHub() : BundleHub(FreePort()) {}
  explicit BundleHub(uint16_t port) {
    http::ServerOptions o;
    o.port = port;
    o.threads = 1;
    server_ = std::make_unique<http::Server>(o, [this](http::Request& req, http::Responder resp) {
      if (!service_.Handle(req, resp)) resp.Send(http::Response::Text(404, "no\n"));
    });
    EXPECT_TRUE(server_->Start().ok());
  }
  ~BundleHub() { Stop(); }
  void Stop() {
    service_.Close();
    if (server_) server_->Stop(std::chrono::milliseconds(100));
  }
  std::string Url(const std::string& name) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/bundles/" + name;
  }
  uint16_t port() const { return server_->port(); }
  bundle::BundleService& service() { return service_; }

 private:
  bundle::BundleService service_;
  std::unique_ptr<http::Server> server_;
};

// A bundle holding one Fedra policy (Fedra's layout, docs/bundles.md).
inline bundle::Bundle PolicyBundle(const std::string& revision, const std::string& policy,
                                   const std::string& enforcement, const std::string& rego) {
  bundle::Bundle b;
  b.revision = revision;
  b.roots = {"fedra"};
  std::string path = "fedra/policies/" + policy + "/main.rego";
  b.modules.push_back(bundle::Module{path, rego, 1});
  b.data = ParseOrDie(R"({"fedra":{"policies":{")" + policy + R"(":{"type":"Admission","enforcement":")" +
                      enforcement +
                      R"(","match":{"kinds":[{"apiGroups":[""],"kinds":["Pod"]}]},"parameters":{},"modules":[")" +
                      path + R"("]}}}})");
  return b;
}

inline std::string WriteTargz(const bundle::Bundle& b, const bundle::WriteOptions& o = {}) {
  std::string out;
  Status s = bundle::WriteBundle(b, o, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

}  // namespace fedra::testing

#endif  // FEDRA_TESTS_ENGINE_ENGINE_TEST_UTIL_H_
