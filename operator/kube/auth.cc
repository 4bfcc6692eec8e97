#include "operator/kube/auth.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>

#include "operator/kube/pem.h"

extern char** environ;

namespace fedra::op::kube {
namespace {

constexpr size_t kMaxPluginStdout = 1u << 20;
constexpr size_t kMaxPluginStderr = 64u << 10;
constexpr size_t kQuotedStderr = 500;
// A credential this close to its expiry is refreshed rather than used.
constexpr std::chrono::seconds kExpirySkew{5};

std::string TrimToken(std::string s) {
  while (!s.empty() &&
         (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) {
    s.pop_back();
  }
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) ++i;
  return s.substr(i);
}

int Digits(std::string_view s, size_t pos, size_t n, bool* ok) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') {
      *ok = false;
      return 0;
    }
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// RFC 3339: 2006-01-02T15:04:05(.999)?(Z|+07:00).
bool ParseRfc3339(std::string_view s, std::chrono::system_clock::time_point* out) {
  bool ok = true;
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':') {
    return false;
  }
  std::tm tm{};
  tm.tm_year = Digits(s, 0, 4, &ok) - 1900;
  tm.tm_mon = Digits(s, 5, 2, &ok) - 1;
  tm.tm_mday = Digits(s, 8, 2, &ok);
  tm.tm_hour = Digits(s, 11, 2, &ok);
  tm.tm_min = Digits(s, 14, 2, &ok);
  tm.tm_sec = Digits(s, 17, 2, &ok);
  if (!ok || tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
      tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) {
    return false;
  }
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return false;
  }
  if (pos >= s.size()) return false;
  int offset = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int sign = s[pos] == '-' ? -1 : 1;
    if (pos + 6 != s.size() || s[pos + 3] != ':') return false;
    int hh = Digits(s, pos + 1, 2, &ok);
    int mm = Digits(s, pos + 4, 2, &ok);
    if (!ok) return false;
    offset = sign * (hh * 3600 + mm * 60);
    pos += 6;
  } else {
    return false;
  }
  if (pos != s.size()) return false;
  // system_clock (nanoseconds) ends in 2262: later expiries mean "never".
  if (tm.tm_year > 2200 - 1900) tm.tm_year = 2200 - 1900;
  time_t t = timegm(&tm);
  *out = std::chrono::system_clock::from_time_t(t - offset);
  return true;
}

std::string ExecInfo(const ExecConfig& exec, const RestConfig& cluster) {
  nlohmann::json info = {{"apiVersion", exec.api_version},
                         {"kind", "ExecCredential"},
                         {"spec", {{"interactive", false}}}};
  if (exec.provide_cluster_info) {
    nlohmann::json c = {{"server", cluster.server}};
    if (!cluster.tls_server_name.empty()) c["tls-server-name"] = cluster.tls_server_name;
    if (cluster.insecure_skip_tls_verify) c["insecure-skip-tls-verify"] = true;
    if (!cluster.ca_pem.empty()) c["certificate-authority-data"] = EncodeBase64(cluster.ca_pem);
    info["spec"]["cluster"] = std::move(c);
  }
  return info.dump();
}

// Reads both pipes until EOF on both, the deadline, or a size bound.
// Returns false on timeout.
bool DrainPipes(int out_fd, int err_fd, std::chrono::steady_clock::time_point deadline,
                std::string* out, std::string* err, bool* too_big) {
  struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  bool open[2] = {true, true};
  char buf[8192];
  while (open[0] || open[1]) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    for (int i = 0; i < 2; ++i) fds[i].fd = open[i] ? (i == 0 ? out_fd : err_fd) : -1;
    int r = poll(fds, 2, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (r < 0) {
      if (errno == EINTR) continue;
      return true;
    }
    for (int i = 0; i < 2; ++i) {
      if (!open[i] || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof(buf));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        open[i] = false;
        continue;
      }
      std::string* dst = i == 0 ? out : err;
      size_t limit = i == 0 ? kMaxPluginStdout : kMaxPluginStderr;
      if (dst->size() + static_cast<size_t>(n) > limit) {
        if (i == 0) {
          *too_big = true;
          return true;
        }
        continue;  // stderr beyond the bound is dropped, not fatal
      }
      dst->append(buf, static_cast<size_t>(n));
    }
  }
  return true;
}

std::string QuoteStderr(const std::string& err) {
  std::string e = TrimToken(err);
  if (e.empty()) return "";
  if (e.size() > kQuotedStderr) e = e.substr(0, kQuotedStderr) + "...";
  return ": " + e;
}

}  // namespace

Status ParseExecCredential(std::string_view json_text, std::string_view expected_api_version,
                           ExecCredentialStatus* out) {
  nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::InvalidArgument("output is not a JSON ExecCredential object");
  }
  auto str = [&](const nlohmann::json& o, const char* k) -> std::string {
    auto it = o.find(k);
    return it != o.end() && it->is_string() ? it->get<std::string>() : "";
  };
  if (str(doc, "kind") != "ExecCredential") {
    return Status::InvalidArgument("kind: expected ExecCredential, got \"" + str(doc, "kind") +
                                   "\"");
  }
  if (!expected_api_version.empty() && str(doc, "apiVersion") != expected_api_version) {
    return Status::InvalidArgument("apiVersion: expected " + std::string(expected_api_version) +
                                   ", got \"" + str(doc, "apiVersion") + "\"");
  }
  auto st = doc.find("status");
  if (st == doc.end() || !st->is_object()) return Status::InvalidArgument("status: missing");
  ExecCredentialStatus result;
  result.token = str(*st, "token");
  result.client_certificate_data = str(*st, "clientCertificateData");
  result.client_key_data = str(*st, "clientKeyData");
  if (result.token.empty() && result.client_certificate_data.empty()) {
    return Status::InvalidArgument("status: neither token nor clientCertificateData is set");
  }
  if (result.client_certificate_data.empty() != result.client_key_data.empty()) {
    return Status::InvalidArgument(
        "status: clientCertificateData and clientKeyData must be set together");
  }
  if (!result.client_certificate_data.empty()) {
    Status s = CheckCertificatesPem(result.client_certificate_data);
    if (!s.ok()) return s.WithContext("status.clientCertificateData");
    s = CheckPrivateKeyPem(result.client_key_data);
    if (!s.ok()) return s.WithContext("status.clientKeyData");
  }
  if (auto ts = st->find("expirationTimestamp"); ts != st->end() && !ts->is_null()) {
    std::chrono::system_clock::time_point t;
    if (!ts->is_string() || !ParseRfc3339(ts->get<std::string>(), &t)) {
      return Status::InvalidArgument("status.expirationTimestamp: not an RFC 3339 time");
    }
    result.expiration = t;
  }
  *out = std::move(result);
  return Status::OK();
}

Status RunExecPlugin(const ExecConfig& exec, const RestConfig& cluster, ExecCredentialStatus* out) {
  const std::string who = "exec plugin " + exec.command;
  // Everything the child needs is built before spawning.
  std::vector<std::string> argv_s = {exec.command};
  argv_s.insert(argv_s.end(), exec.args.begin(), exec.args.end());
  std::vector<std::string> env_s;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    std::string_view key = kv.substr(0, kv.find('='));
    bool overridden = key == "KUBERNETES_EXEC_INFO";
    for (const auto& [k, v] : exec.env) overridden = overridden || key == k;
    if (!overridden) env_s.emplace_back(kv);
  }
  for (const auto& [k, v] : exec.env) env_s.push_back(k + "=" + v);
  env_s.push_back("KUBERNETES_EXEC_INFO=" + ExecInfo(exec, cluster));
  std::vector<char*> argv, envp;
  for (auto& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  for (auto& s : env_s) envp.push_back(s.data());
  envp.push_back(nullptr);

  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return Status::IoError(who + ": pipe: " + strerror(errno));
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return Status::IoError(who + ": pipe: " + strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, exec.command.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    std::string msg = who + ": cannot run: " + strerror(rc);
    if (!exec.install_hint.empty()) msg += " (" + exec.install_hint + ")";
    return Status::IoError(msg);
  }
  std::string stdout_s, stderr_s;
  bool too_big = false;
  bool finished =
      DrainPipes(out_pipe[0], err_pipe[0], std::chrono::steady_clock::now() + exec.timeout,
                 &stdout_s, &stderr_s, &too_big);
  close(out_pipe[0]);
  close(err_pipe[0]);
  if (!finished || too_big) kill(pid, SIGKILL);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (!finished) {
    return Status::IoError(who + ": no answer within " + std::to_string(exec.timeout.count()) +
                           " ms (killed)");
  }
  if (too_big) return Status::IoError(who + ": output larger than 1 MiB");
  if (WIFSIGNALED(wstatus)) {
    return Status::IoError(who + ": killed by signal " + std::to_string(WTERMSIG(wstatus)) +
                           QuoteStderr(stderr_s));
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    return Status::IoError(who + ": exit status " + std::to_string(WEXITSTATUS(wstatus)) +
                           QuoteStderr(stderr_s));
  }
  Status st = ParseExecCredential(stdout_s, exec.api_version, out);
  if (!st.ok()) return st.WithContext(who);
  return Status::OK();
}

CredentialProvider::CredentialProvider(const RestConfig& config) : config_(config) {}

Status CredentialProvider::Get(Credentials* out) {
  Credentials c;
  c.client_cert_pem = config_.client_cert_pem;
  c.client_key_pem = config_.client_key_pem;
  c.username = config_.username;
  c.password = config_.password;
  c.bearer_token = config_.token;
  std::lock_guard<std::mutex> lock(mu_);
  if (!config_.token_file.empty()) {
    auto now = std::chrono::steady_clock::now();
    if (!file_valid_ || now - file_read_at_ >= config_.token_file_refresh) {
      std::string token;
      Status st = ReadSmallFile(config_.token_file, 1u << 20, &token);
      ++file_reads_;
      token = TrimToken(std::move(token));
      if (st.ok() && !token.empty()) {
        file_token_ = std::move(token);
        file_valid_ = true;
        file_read_at_ = now;
      } else if (!file_valid_ && file_token_.empty()) {
        // Never had a token: nothing sensible to send.
        return st.ok() ? Status::InvalidArgument("token file " + config_.token_file + " is empty")
                       : st;
      }
      // A failed re-read keeps the previous token (a rotation in progress).
    }
    c.bearer_token = file_token_;
  }
  if (config_.exec) {
    auto now = std::chrono::system_clock::now();
    bool fresh = exec_cached_ &&
                 (!exec_cached_->expiration || *exec_cached_->expiration - kExpirySkew > now);
    if (!fresh) {
      ExecCredentialStatus status;
      ++exec_runs_;
      FEDRA_RETURN_IF_ERROR(RunExecPlugin(*config_.exec, config_, &status));
      exec_cached_ = std::move(status);
    }
    if (!exec_cached_->token.empty()) c.bearer_token = exec_cached_->token;
    if (!exec_cached_->client_certificate_data.empty()) {
      c.client_cert_pem = exec_cached_->client_certificate_data;
      c.client_key_pem = exec_cached_->client_key_data;
    }
  }
  *out = std::move(c);
  return Status::OK();
}

bool CredentialProvider::Invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  bool refreshable = false;
  if (!config_.token_file.empty()) {
    file_valid_ = false;
    refreshable = true;
  }
  if (config_.exec) {
    exec_cached_.reset();
    refreshable = true;
  }
  return refreshable;
}

uint64_t CredentialProvider::exec_runs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return exec_runs_;
}

uint64_t CredentialProvider::token_file_reads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return file_reads_;
}

}  // namespace fedra::op::kube
