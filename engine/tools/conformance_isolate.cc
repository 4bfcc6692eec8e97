// Running cases in forked children, so that a crash or a hang outside the
// evaluator's deadline (in the parser or compiler) fails one case and the run
// goes on.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "builtins/registry.h"
#include "fedra/engine.h"
#include "tools/conformance.h"

namespace fedra::tools {
namespace {

using Clock = std::chrono::steady_clock;

// Extra time a child gets beyond the evaluation deadline (parsing, compiling,
// process start) before it is killed.
constexpr std::chrono::milliseconds kGrace{5000};
// A child may not grow past this; a runaway allocation then fails the case
// instead of exhausting a shared machine.
constexpr rlim_t kChildMemoryBytes = rlim_t{4} << 30;

void WriteAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

// Child -> parent record: status letter, '\n', millis, '\n', reason.
std::string Encode(const CaseResult& r) {
  char status = r.status == CaseStatus::kPass ? 'p' : r.status == CaseStatus::kSkip ? 's' : 'f';
  return std::string(1, status) + "\n" + std::to_string(r.millis) + "\n" + r.reason;
}

bool Decode(const std::string& s, CaseResult* r) {
  size_t nl1 = s.find('\n');
  if (nl1 != 1) return false;
  size_t nl2 = s.find('\n', nl1 + 1);
  if (nl2 == std::string::npos) return false;
  switch (s[0]) {
    case 'p':
      r->status = CaseStatus::kPass;
      break;
    case 's':
      r->status = CaseStatus::kSkip;
      break;
    case 'f':
      r->status = CaseStatus::kFail;
      break;
    default:
      return false;
  }
  r->millis = std::strtod(s.substr(nl1 + 1, nl2 - nl1 - 1).c_str(), nullptr);
  r->reason = s.substr(nl2 + 1);
  return true;
}

std::string SignalText(int sig) {
  const char* name = strsignal(sig);
  return "crashed: signal " + std::to_string(sig) + (name ? std::string(" (") + name + ")" : "");
}

}  // namespace

CaseResult RunCaseIsolated(const ConformanceCase& c, const RunOptions& options) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return RunCase(c, options);
  std::fflush(nullptr);  // or the child would flush our buffered output again
  const Clock::time_point start = Clock::now();
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return RunCase(c, options);
  }
  if (pid == 0) {
    close(fds[0]);
    struct rlimit lim = {kChildMemoryBytes, kChildMemoryBytes};
    setrlimit(RLIMIT_AS, &lim);
    WriteAll(fds[1], Encode(RunCase(c, options)));
    _exit(0);
  }
  close(fds[1]);

  CaseResult r;
  r.file = c.file;
  r.folder = c.folder;
  r.note = c.note;
  const Clock::time_point kill_at = start + options.timeout + kGrace;
  std::string data;
  bool timed_out = false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(kill_at - Clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    struct pollfd pfd = {fds[0], POLLIN, 0};
    int n = poll(&pfd, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) {
      timed_out = true;
      break;
    }
    char buf[4096];
    ssize_t got = read(fds[0], buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    data.append(buf, static_cast<size_t>(got));
  }
  close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  r.millis = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  if (timed_out) {
    r.status = CaseStatus::kFail;
    r.reason = "timeout: no answer after " + std::to_string((options.timeout + kGrace).count()) +
               " ms (killed)";
    return r;
  }
  if (WIFSIGNALED(wstatus)) {
    r.status = CaseStatus::kFail;
    r.reason = SignalText(WTERMSIG(wstatus));
    return r;
  }
  if (!Decode(data, &r)) {
    r.status = CaseStatus::kFail;
    r.reason = "the case's process exited (status " + std::to_string(WEXITSTATUS(wstatus)) +
               ") without a result";
  }
  return r;
}

std::vector<CaseResult> RunCases(const std::vector<ConformanceCase>& cases,
                                 const RunOptions& options) {
  if (options.isolate) {
    // Build lazily-initialised engine state once, before forking, instead of
    // once in every child.
    (void)builtins::DefaultRegistry();
    Compiler warm;
    std::shared_ptr<const PolicySet> ps;
    (void)warm.Compile(&ps);
  }
  std::vector<CaseResult> results;
  results.reserve(cases.size());
  for (const ConformanceCase& c : cases) {
    int skip = options.skip ? options.skip->Match(c.file, c.note) : -1;
    CaseResult r;
    if (skip >= 0) {
      r.file = c.file;
      r.folder = c.folder;
      r.note = c.note;
      r.status = CaseStatus::kSkip;
      const std::string& why = options.skip->comment(static_cast<size_t>(skip));
      r.reason = why.empty() ? "in the skip list" : why;
    } else {
      r = options.isolate ? RunCaseIsolated(c, options) : RunCase(c, options);
    }
    if (options.on_result) options.on_result(r);
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace fedra::tools
