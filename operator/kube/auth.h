// CredentialProvider: what a request presents to the API server right now.
//
// Static tokens and client certificates come straight from the RestConfig.
// A token file is re-read when older than token_file_refresh (projected
// service-account tokens rotate). An exec plugin is run when there is no
// cached credential, when the cached one has passed its expirationTimestamp,
// or after Invalidate() (the server answered 401); its output is cached.
//
// Exec plugins follow client.authentication.k8s.io/v1 (and v1beta1): the
// command runs with the configured args and env plus KUBERNETES_EXEC_INFO
// (an ExecCredential with spec.interactive=false), stdin closed, stdout
// parsed as an ExecCredential. A plugin that exits non-zero, prints
// something else, or outlives its timeout is an error naming the command
// and quoting (a bounded amount of) its stderr.
//
// Thread safety: all methods may be called concurrently; at most one plugin
// runs at a time per provider.
#ifndef FEDRA_OPERATOR_KUBE_AUTH_H_
#define FEDRA_OPERATOR_KUBE_AUTH_H_

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "fedra/status.h"
#include "operator/kube/config.h"

namespace fedra::op::kube {

struct Credentials {
  std::string bearer_token;     // "" : none
  std::string client_cert_pem;  // "" : none
  std::string client_key_pem;
  std::string username;  // basic auth when set
  std::string password;
};

// What an exec plugin printed, parsed.
struct ExecCredentialStatus {
  std::string token;
  std::string client_certificate_data;
  std::string client_key_data;
  // expirationTimestamp; unset: valid until the server rejects it.
  std::optional<std::chrono::system_clock::time_point> expiration;
};

// Runs `exec` once. `server`/`ca_pem` fill spec.cluster when
// provide_cluster_info is set.
Status RunExecPlugin(const ExecConfig& exec, const RestConfig& cluster, ExecCredentialStatus* out);
// Parses an ExecCredential document (exposed for tests).
Status ParseExecCredential(std::string_view json_text, std::string_view expected_api_version,
                           ExecCredentialStatus* out);

class CredentialProvider {
 public:
  explicit CredentialProvider(const RestConfig& config);
  CredentialProvider(const CredentialProvider&) = delete;
  CredentialProvider& operator=(const CredentialProvider&) = delete;

  // The credentials to present now; refreshes as described above.
  Status Get(Credentials* out);
  // The server rejected the last credentials (401): drop what is cached so
  // the next Get re-reads the token file or re-runs the plugin. Returns true
  // when there is something to refresh (retrying can help).
  bool Invalidate();
  // How many times the exec plugin ran (tests check caching with this).
  uint64_t exec_runs() const;
  // How many times the token file was read.
  uint64_t token_file_reads() const;

 private:
  const RestConfig config_;
  mutable std::mutex mu_;
  // Token-file cache.
  std::string file_token_;                              // guarded by mu_
  std::chrono::steady_clock::time_point file_read_at_;  // guarded by mu_
  bool file_valid_ = false;                             // guarded by mu_
  uint64_t file_reads_ = 0;                             // guarded by mu_
  // Exec cache.
  std::optional<ExecCredentialStatus> exec_cached_;  // guarded by mu_
  uint64_t exec_runs_ = 0;                           // guarded by mu_
};

}  // namespace fedra::op::kube

#endif  // FEDRA_OPERATOR_KUBE_AUTH_H_
