// SimulatorProcess: runs the API-server simulator (build/bin/fedra-apiserver)
// as a real child process on a free loopback port, for the runtime's
// end-to-end tests (informer, leader election, cluster manager, benchmark).
//
// Start() picks a free port (bind to port 0, read it, close), launches
//   fedra-apiserver --addr 127.0.0.1:<port> --kubeconfig-out <tmp>/kubeconfig
// waits (bounded) until the kubeconfig exists and /readyz answers, and
// loads a RestConfig from it (client-side rate limiting off). Kill() stops the process (SIGTERM,
// then SIGKILL after a bound); Restart() starts it again on the same port, so clients see a server
// going away and coming back.
#ifndef FEDRA_OP_INFORMER_SIMULATOR_TEST_UTIL_H_
#define FEDRA_OP_INFORMER_SIMULATOR_TEST_UTIL_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/util/process.h"
#include "fedra/status.h"
#include "operator/kube/client.h"
#include "operator/kube/config.h"

namespace fedra::op::testing {

// $FEDRA_APISERVER when set; else FEDRA_BINARY_DIR/bin (tests); else next
// to the running executable (benchmarks, which land in bin/ too).
inline std::string SimulatorBinary() {
  if (const char* env = std::getenv("FEDRA_APISERVER"); env != nullptr && *env != '\0') return env;
#ifdef FEDRA_BINARY_DIR
  return std::string(FEDRA_BINARY_DIR) + "/bin/fedra-apiserver";
#else
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (ec ? std::filesystem::path(".") : self.parent_path()).string() + "/fedra-apiserver";
#endif
}

inline bool SimulatorAvailable() { return std::filesystem::exists(SimulatorBinary()); }

inline uint16_t FreeLoopbackPort() { return fedra::testing::FreePort(); }

class SimulatorProcess {
 public:
  // `keep_state`: --state-file in the process's temp dir, so Restart()
  // brings the objects (and the resourceVersion counter) back. The bearer
  // token is fixed per SimulatorProcess, so clients survive restarts.
  explicit SimulatorProcess(std::vector<std::string> extra_args = {}, bool keep_state = false)
      : extra_args_(std::move(extra_args)) {
    char tmpl[] = "/tmp/fedra-sim-XXXXXX";
    char* d = ::mkdtemp(tmpl);
    dir_ = d ? d : "/tmp";
    extra_args_.push_back("--token");
    extra_args_.push_back("sim-token-" + std::to_string(::getpid()) + "-" +
                          std::to_string(++Counter()));
    if (keep_state) {
      extra_args_.push_back("--state-file");
      extra_args_.push_back(dir_ + "/state.json");
    }
  }
  ~SimulatorProcess() {
    Kill();
    std::error_code ec;
    if (dir_ != "/tmp") std::filesystem::remove_all(dir_, ec);
  }
  SimulatorProcess(const SimulatorProcess&) = delete;
  SimulatorProcess& operator=(const SimulatorProcess&) = delete;

  Status Start() {
    if (!SimulatorAvailable()) return Status::NotFound(SimulatorBinary() + " was not built");
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (port_ == 0 || attempt > 0) port_ = FreeLoopbackPort();
      Status st = Launch();
      if (st.ok()) return st;
      Kill();
    }
    return Status::IoError("fedra-apiserver did not come up on a free port");
  }

  // Starts it again on the same port (state is the simulator's business:
  // a fresh process starts empty unless told otherwise by extra args).
  Status Restart() {
    Kill();
    Status st;
    for (int attempt = 0; attempt < 50; ++attempt) {  // the port may linger briefly
      st = Launch();
      if (st.ok()) return st;
      Kill();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return st;
  }

  void Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 500; ++i) {  // up to 5 s
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  bool running() const { return pid_ > 0; }
  uint16_t port() const { return port_; }
  const std::string& kubeconfig() const { return kubeconfig_; }
  const kube::RestConfig& config() const { return config_; }
  const std::string& dir() const { return dir_; }

  // A client for this server (tests and fault endpoints).
  Status NewClient(std::unique_ptr<kube::Client>* out) const {
    return kube::Client::Create(config_, out);
  }

 private:
  Status Launch() {
    kubeconfig_ = dir_ + "/kubeconfig";
    std::error_code ec;
    std::filesystem::remove(kubeconfig_, ec);
    std::vector<std::string> args = {SimulatorBinary(), "--addr",
                                     "127.0.0.1:" + std::to_string(port_), "--kubeconfig-out",
                                     kubeconfig_};
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    std::string log = dir_ + "/apiserver.log";
    pid_t pid = ::fork();
    if (pid < 0) return Status::IoError("fork failed");
    if (pid == 0) {
      FILE* f = std::freopen(log.c_str(), "a", stderr);
      (void)f;
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      std::_Exit(127);
    }
    pid_ = pid;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return Status::IoError("fedra-apiserver exited at start (see " + log + ")");
      }
      if (std::filesystem::exists(kubeconfig_)) {
        kube::RestConfig rc;
        if (kube::LoadRestConfig({kubeconfig_}, "", &rc).ok()) {
          std::unique_ptr<kube::Client> c;
          if (kube::Client::Create(rc, &c).ok()) {
            kube::Client::RawResponse resp;
            if (c->Raw("GET", "/readyz", "", "", &resp).ok() && resp.status == 200) {
              config_ = rc;
              // Tests and benchmarks write in bursts; client-go's 5 qps
              // default would make them crawl. Rate limiting has its own
              // tests in operator/kube.
              config_.qps = 0;
              return Status::OK();
            }
          }
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return Status::IoError("fedra-apiserver not ready within 20 s (see " + log + ")");
  }

  static int& Counter() {
    static int n = 0;
    return n;
  }

  std::vector<std::string> extra_args_;
  std::string dir_;
  std::string kubeconfig_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  kube::RestConfig config_;
};

}  // namespace fedra::op::testing

#endif  // FEDRA_OP_INFORMER_SIMULATOR_TEST_UTIL_H_
