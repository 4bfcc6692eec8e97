// Helpers shared by the simulator's tests: temp dirs, TLS material on disk,
// bounded polling. Test-only; not part of the library.
#ifndef FEDRA_TESTS_APISERVER_TEST_UTIL_H_
#define FEDRA_TESTS_APISERVER_TEST_UTIL_H_

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "tests/util/process.h"
#include "http/certs.h"

namespace fedra::apiserver::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/fedra-apiserver-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name, const std::string& contents) const {
    std::string p = path_ + "/" + name;
    if (!http::WriteFileAtomic(p, contents).ok()) return "";
    return p;
  }
  std::string Path(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Polls `cond` every 5 ms for up to 10 s.
template <class F>
bool Eventually(F cond) {
  return fedra::testing::WaitFor(cond, std::chrono::seconds(10), std::chrono::milliseconds(5));
}

}  // namespace fedra::apiserver::testing

#endif  // FEDRA_TESTS_APISERVER_TEST_UTIL_H_
