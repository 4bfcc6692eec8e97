// The real kubectl, run from the source directory (so manifests are named
// as in the repository), for tests that drive a cluster as a user would.
#ifndef FEDRA_TESTS_UTIL_KUBECTL_H_
#define FEDRA_TESTS_UTIL_KUBECTL_H_

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace fedra::testing {

inline bool HaveKubectl() { return std::system("command -v kubectl >/dev/null 2>&1") == 0; }

// `kubectl --kubeconfig KUBECONFIG ARGS` (bounded at 30 s): the exit code,
// and stdout and stderr together in *output when given.
inline int Kubectl(const std::string& kubeconfig, const std::string& args, std::string* output = nullptr) {
  std::string cmd = "cd " FEDRA_SOURCE_DIR " && timeout 30 kubectl --kubeconfig " + kubeconfig + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = ::pclose(p);
  if (output != nullptr) *output = out;
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

}  // namespace fedra::testing

#endif  // FEDRA_TESTS_UTIL_KUBECTL_H_
