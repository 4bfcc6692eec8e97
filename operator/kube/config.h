// Where an API server is and how to authenticate to it: kubeconfig files
// (as kubectl reads and merges them) and in-cluster service-account config.
//
// Loading resolves everything a connection needs up front: files named in the
// kubeconfig (certificate-authority, client-certificate, client-key) are read
// relative to the kubeconfig that names them, base64 `*-data` fields are
// decoded, and PEM material is checked with OpenSSL, so a bad kubeconfig fails
// at load time with an error naming the file and the field:
//   "/home/a/.kube/config: users[0].user.client-key-data: not valid base64".
// What changes at run time (a token file, exec plugin output) stays a
// reference and is read by CredentialProvider (auth.h).
//
// Merging (KUBECONFIG=a:b:c) follows kubectl: for clusters, users and
// contexts the first file to define a name wins; the first non-empty
// current-context wins; missing files are skipped.
//
// All functions are thread-safe (they share no state); environment lookups
// happen only where documented.
#ifndef FEDRA_OPERATOR_KUBE_CONFIG_H_
#define FEDRA_OPERATOR_KUBE_CONFIG_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fedra/status.h"

namespace fedra::op::kube {

// users[].user.exec: an exec credential plugin
// (client.authentication.k8s.io/v1 or v1beta1).
struct ExecConfig {
  std::string api_version;  // client.authentication.k8s.io/v1
  std::string command;      // a relative path with a '/' is resolved against the kubeconfig's dir
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;  // added to the inherited environment
  // Never | IfAvailable | Always. We never have a terminal, so only plugins
  // that can run without one work; Always is refused at load time.
  std::string interactive_mode = "Never";
  bool provide_cluster_info = false;
  std::string install_hint;
  std::chrono::milliseconds timeout{30000};  // the plugin is killed after this
};

// Everything needed to talk to one API server. Plain data; copyable.
struct RestConfig {
  std::string server;           // "https://host:port", no trailing slash
  std::string tls_server_name;  // SNI and certificate name; empty: server's host
  bool insecure_skip_tls_verify = false;
  std::string ca_pem;           // trusted CAs (PEM); empty: the system's roots
  std::string client_cert_pem;  // client certificate chain (PEM)
  std::string client_key_pem;   // its private key (PEM)
  std::string token;            // static bearer token
  std::string token_file;       // bearer token re-read every token_file_refresh
  std::chrono::seconds token_file_refresh{60};
  std::string username;  // basic auth (rarely used)
  std::string password;
  std::optional<ExecConfig> exec;
  std::string default_namespace;  // the context's namespace ("" if none)
  std::string source;             // for messages: "kubeconfig /a/b (context x)", "in-cluster"

  // Client behaviour (not from the kubeconfig).
  double qps = 5.0;  // client-go's defaults; qps <= 0 disables rate limiting
  int burst = 10;
  // A request whose rate-limit wait would exceed this fails with kThrottled
  // instead of waiting.
  std::chrono::milliseconds max_throttle_wait{30000};
  // Idle timeout of one request (cpprestsdk's timers are idle timers).
  std::chrono::milliseconds timeout{30000};
  // 429 and 503/504 with Retry-After are retried up to this many times,
  // waiting what the server asks but at most max_retry_after each time.
  int max_retries = 3;
  std::chrono::seconds max_retry_after{30};
  std::string user_agent = "fedra-operator";
  // A response body larger than this (a runaway list) fails with
  // kBadResponse instead of exhausting memory. Watch lines have their own
  // bound (WatchOptions::max_line_bytes).
  size_t max_response_bytes = 512u << 20;
};

struct KubeconfigCluster {
  std::string name;
  std::string server;
  std::string tls_server_name;
  bool insecure_skip_tls_verify = false;
  std::string certificate_authority;       // a path, resolved to absolute
  std::string certificate_authority_data;  // decoded PEM
  std::string proxy_url;                   // recorded; proxies are not supported (error at use)
  std::string origin;                      // the file that defined it
  std::string path;                        // "clusters[0].cluster", for errors
};

struct KubeconfigUser {
  std::string name;
  std::string client_certificate;       // a path, resolved to absolute
  std::string client_certificate_data;  // decoded PEM
  std::string client_key;               // a path, resolved to absolute
  std::string client_key_data;          // decoded PEM
  std::string token;
  std::string token_file;  // a path, resolved to absolute
  std::string username;
  std::string password;
  std::optional<ExecConfig> exec;
  bool has_auth_provider = false;  // legacy auth-provider: refused at use
  std::string origin;
  std::string path;  // "users[0].user", for errors
};

struct KubeconfigContext {
  std::string name;
  std::string cluster;
  std::string user;
  std::string namespace_name;
  std::string origin;
  std::string path;  // "contexts[0].context", for errors
};

struct Kubeconfig {
  std::vector<KubeconfigCluster> clusters;
  std::vector<KubeconfigUser> users;
  std::vector<KubeconfigContext> contexts;
  std::string current_context;
  std::vector<std::string> files;  // files that contributed, in order

  const KubeconfigCluster* FindCluster(std::string_view name) const;
  const KubeconfigUser* FindUser(std::string_view name) const;
  const KubeconfigContext* FindContext(std::string_view name) const;
};

// Parses one kubeconfig document. `file` names it in errors and is the base
// for relative paths ("" : relative paths are relative to the working dir).
// Errors: "<file>: <yaml path>: <what>", or "<file>:<line>:<col>: ..." for
// YAML syntax errors.
Status ParseKubeconfig(std::string_view text, std::string_view file, Kubeconfig* out);
Status LoadKubeconfigFile(const std::string& path, Kubeconfig* out);
// kubectl's merge: entries of `next` whose name `into` lacks are appended;
// current-context is taken from `next` only when `into` has none.
void MergeKubeconfig(const Kubeconfig& next, Kubeconfig* into);
// Loads and merges `paths` in order, skipping files that do not exist; at
// least one must exist. A file that exists but fails to parse is an error.
Status LoadKubeconfigFiles(const std::vector<std::string>& paths, Kubeconfig* out);
// $KUBECONFIG split on ':' (empty entries skipped), else ~/.kube/config.
std::vector<std::string> DefaultKubeconfigPaths();

// Resolves `context` ("" : current-context) to a RestConfig: reads the
// referenced files, checks PEM material, requires a server URL and at most
// one of token/token-file/exec/basic auth besides client certificates.
Status RestConfigFromKubeconfig(const Kubeconfig& config, std::string_view context,
                                RestConfig* out);
// Convenience: LoadKubeconfigFiles + RestConfigFromKubeconfig.
Status LoadRestConfig(const std::vector<std::string>& paths, std::string_view context,
                      RestConfig* out);
// A kubeconfig held in memory (a MemberCluster's Secret). `name` is used in
// errors; relative file references are refused.
Status RestConfigFromKubeconfigBytes(std::string_view text, std::string_view name,
                                     std::string_view context, RestConfig* out);

// In-cluster configuration: paths and environment can be overridden (tests).
struct InClusterOptions {
  std::string token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string ca_file = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  std::string namespace_file = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
  // Empty: $KUBERNETES_SERVICE_HOST / $KUBERNETES_SERVICE_PORT.
  std::string host;
  std::string port;
  std::chrono::seconds token_refresh{60};  // client-go re-reads the token each minute
};
// Fails (naming what is missing) when not running in a pod. The token is
// read now to check it exists, and re-read by CredentialProvider later
// (projected tokens rotate).
Status InClusterConfig(const InClusterOptions& options, RestConfig* out);

// The usual order: an explicit path if given, else $KUBECONFIG or
// ~/.kube/config when one exists, else in-cluster.
Status DefaultRestConfig(std::string_view explicit_path, std::string_view context, RestConfig* out);

// Strict standard base64 (padding required, whitespace and newlines ignored).
bool DecodeBase64(std::string_view in, std::string* out);
std::string EncodeBase64(std::string_view in);

}  // namespace fedra::op::kube

#endif  // FEDRA_OPERATOR_KUBE_CONFIG_H_
