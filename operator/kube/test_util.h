// Helpers shared by operator/kube tests: a fresh temp dir, bounded polling,
// and a PKI (CA, server and client certificates) from http/certs.h.
#ifndef FEDRA_OPERATOR_KUBE_TEST_UTIL_H_
#define FEDRA_OPERATOR_KUBE_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "tests/util/process.h"
#include "http/certs.h"
#include "operator/kube/config.h"

namespace fedra::op::kube::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/fedra-kube-XXXXXX";
    char* p = mkdtemp(tmpl);
    EXPECT_NE(p, nullptr);
    path_ = p ? p : "/tmp";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string Write(const std::string& name, const std::string& contents, int mode = 0600) const {
    std::string p = path_ + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << contents;
    chmod(p.c_str(), mode);
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Polls `cond` every 5 ms for up to 10 s.
template <class F>
bool Eventually(F cond) {
  return fedra::testing::WaitFor(cond, std::chrono::seconds(10), std::chrono::milliseconds(5));
}

struct Pki {
  http::KeyPair ca;
  http::KeyPair server;  // CN/SAN "localhost", 127.0.0.1, "kube.test"
  http::KeyPair client;  // CN "fedra-test", O "system:masters"
  http::KeyPair other_ca;

  static const Pki& Get() {
    static const Pki* pki = [] {
      auto* p = new Pki();
      EXPECT_TRUE(http::MakeCa("fedra-test-ca", std::chrono::hours(24), &p->ca).ok());
      EXPECT_TRUE(http::MakeCa("other-ca", std::chrono::hours(24), &p->other_ca).ok());
      http::CertRequest s;
      s.common_name = "localhost";
      s.dns_names = {"localhost", "kube.test"};
      s.ip_addresses = {"127.0.0.1"};
      EXPECT_TRUE(http::IssueCert(p->ca, s, &p->server).ok());
      http::CertRequest c;
      c.common_name = "fedra-test";
      c.organizations = {"system:masters"};
      c.server = false;
      c.client = true;
      EXPECT_TRUE(http::IssueCert(p->ca, c, &p->client).ok());
      return p;
    }();
    return *pki;
  }
};

}  // namespace fedra::op::kube::testing

#endif  // FEDRA_OPERATOR_KUBE_TEST_UTIL_H_
