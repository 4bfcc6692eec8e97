// Test utilities for end-to-end tests that run Fedra's real binaries as
// child processes on loopback: a subprocess with its output in a file,
// free ports, temporary directories and bounded polling.
#ifndef FEDRA_TESTS_UTIL_PROCESS_H_
#define FEDRA_TESTS_UTIL_PROCESS_H_

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fedra::testing {

// Polls `cond` every `step` until it holds or `limit` passes.
template <class F>
bool WaitFor(F cond, std::chrono::milliseconds limit = std::chrono::seconds(10),
             std::chrono::milliseconds step = std::chrono::milliseconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(step);
  }
  return cond();
}

// A port that was free a moment ago (bind to 0, read it, close).
inline uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof(a);
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

// Whether something accepts TCP connections on 127.0.0.1:port.
inline bool PortOpen(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  ::close(fd);
  return ok;
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/fedra-test-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Path(const std::string& name) const { return path_ + "/" + name; }
  // Writes a file (creating directories), atomically via rename.
  std::string Write(const std::string& name, const std::string& contents) const {
    std::string p = Path(name);
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::string tmp = p + ".tmp";
    {
      std::ofstream f(tmp, std::ios::binary);
      f << contents;
    }
    std::filesystem::rename(tmp, p);
    return p;
  }

 private:
  std::string path_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// A child process running `argv`, stdout and stderr appended to `log_file`.
// The destructor kills it (SIGKILL) if it still runs.
class Subprocess {
 public:
  Subprocess(std::vector<std::string> argv, std::string log_file)
      : argv_(std::move(argv)), log_(std::move(log_file)) {}
  ~Subprocess() { Kill(); }
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  bool Start() {
    pid_ = ::fork();
    if (pid_ < 0) return false;
    if (pid_ == 0) {
      int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        ::close(fd);
      }
      std::vector<char*> args;
      for (auto& a : argv_) args.push_back(a.data());
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    return true;
  }
  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_status_ = status;
      pid_ = -1;
      return false;
    }
    return true;
  }
  void Signal(int sig) {
    if (pid_ > 0) ::kill(pid_, sig);
  }
  // Sends SIGTERM and waits up to `limit`; returns the exit code, or -1 if
  // it had to be killed.
  int Terminate(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    if (pid_ <= 0) return Code();
    Signal(SIGTERM);
    if (!WaitFor([&] { return !running(); }, limit, std::chrono::milliseconds(5))) {
      Kill();
      return -1;
    }
    return Code();
  }
  void Kill() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      exit_status_ = status;
      pid_ = -1;
    }
  }
  int Code() const { return WIFEXITED(exit_status_) ? WEXITSTATUS(exit_status_) : -1; }
  std::string Log() const { return ReadFile(log_); }
  pid_t pid() const { return pid_; }

 private:
  std::vector<std::string> argv_;
  std::string log_;
  pid_t pid_ = -1;
  int exit_status_ = 0;
};

}  // namespace fedra::testing

#endif  // FEDRA_TESTS_UTIL_PROCESS_H_
