// From a parsed kubeconfig (or a pod's service account) to a RestConfig.
#include <cstdlib>
#include <filesystem>

#include "operator/kube/config.h"
#include "operator/kube/pem.h"

namespace fedra::op::kube {
namespace {

constexpr size_t kMaxPemBytes = 1u << 20;

Status Err(const std::string& origin, const std::string& path, const std::string& what) {
  std::string msg = origin.empty() ? "" : origin + ": ";
  msg += path + ": " + what;
  return Status::InvalidArgument(msg);
}

// Reads a PEM file named by `field` and checks it with `check`.
Status ReadPem(const std::string& origin, const std::string& field, const std::string& file,
               bool allow_files, Status (*check)(std::string_view), std::string* out) {
  if (!allow_files) {
    return Err(origin, field,
               "refers to file " + file + ", which an in-memory kubeconfig cannot use");
  }
  std::string data;
  Status st = ReadSmallFile(file, kMaxPemBytes, &data);
  if (!st.ok()) return Err(origin, field, std::string(st.message()));
  st = check(data);
  if (!st.ok()) return Err(origin, field, file + ": " + std::string(st.message()));
  *out = std::move(data);
  return Status::OK();
}

Status Resolve(const Kubeconfig& config, std::string_view context, bool allow_files,
               RestConfig* out) {
  std::string files;
  for (const auto& f : config.files) files += (files.empty() ? "" : ", ") + f;
  if (files.empty()) files = "kubeconfig";
  std::string ctx_name(context.empty() ? std::string_view(config.current_context) : context);
  if (ctx_name.empty()) {
    return Status::InvalidArgument(files + ": no current-context is set and no context was given");
  }
  const KubeconfigContext* ctx = config.FindContext(ctx_name);
  if (!ctx) return Status::NotFound(files + ": context \"" + ctx_name + "\" not found");
  if (ctx->cluster.empty()) return Err(ctx->origin, ctx->path + ".cluster", "required");
  const KubeconfigCluster* cluster = config.FindCluster(ctx->cluster);
  if (!cluster) {
    return Err(ctx->origin, ctx->path + ".cluster",
               "cluster \"" + ctx->cluster + "\" not found in " + files);
  }
  RestConfig rc;
  rc.source = "kubeconfig " + files + " (context " + ctx_name + ")";
  rc.default_namespace = ctx->namespace_name;

  // Cluster.
  const std::string& co = cluster->origin;
  const std::string& cp = cluster->path;
  if (cluster->server.empty()) return Err(co, cp + ".server", "required");
  if (cluster->server.rfind("https://", 0) != 0 && cluster->server.rfind("http://", 0) != 0) {
    return Err(co, cp + ".server", "\"" + cluster->server + "\" is not an http(s):// URL");
  }
  rc.server = cluster->server;
  while (rc.server.size() > 8 && rc.server.back() == '/') rc.server.pop_back();
  if (!cluster->proxy_url.empty()) {
    return Err(co, cp + ".proxy-url", "proxies are not supported by this client");
  }
  rc.tls_server_name = cluster->tls_server_name;
  rc.insecure_skip_tls_verify = cluster->insecure_skip_tls_verify;
  if (!cluster->certificate_authority_data.empty()) {
    rc.ca_pem = cluster->certificate_authority_data;
  } else if (!cluster->certificate_authority.empty()) {
    FEDRA_RETURN_IF_ERROR(ReadPem(co, cp + ".certificate-authority", cluster->certificate_authority,
                                  allow_files, &CheckCertificatesPem, &rc.ca_pem));
  }
  if (rc.insecure_skip_tls_verify && !rc.ca_pem.empty()) {
    // kubectl refuses this combination too: it is always a mistake.
    return Err(co, cp + ".insecure-skip-tls-verify",
               "cannot be combined with a certificate authority");
  }

  // User.
  if (!ctx->user.empty()) {
    const KubeconfigUser* user = config.FindUser(ctx->user);
    if (!user) {
      return Err(ctx->origin, ctx->path + ".user",
                 "user \"" + ctx->user + "\" not found in " + files);
    }
    const std::string& uo = user->origin;
    const std::string& up = user->path;
    if (user->has_auth_provider) {
      return Err(uo, up + ".auth-provider", "legacy auth providers are not supported; use exec");
    }
    if (!user->client_certificate_data.empty()) {
      rc.client_cert_pem = user->client_certificate_data;
    } else if (!user->client_certificate.empty()) {
      FEDRA_RETURN_IF_ERROR(ReadPem(uo, up + ".client-certificate", user->client_certificate,
                                    allow_files, &CheckCertificatesPem, &rc.client_cert_pem));
    }
    if (!user->client_key_data.empty()) {
      rc.client_key_pem = user->client_key_data;
    } else if (!user->client_key.empty()) {
      FEDRA_RETURN_IF_ERROR(ReadPem(uo, up + ".client-key", user->client_key, allow_files,
                                    &CheckPrivateKeyPem, &rc.client_key_pem));
    }
    if (rc.client_cert_pem.empty() != rc.client_key_pem.empty()) {
      return Err(uo, up,
                 rc.client_cert_pem.empty() ? "client-key is set without client-certificate"
                                            : "client-certificate is set without client-key");
    }
    if (!rc.client_cert_pem.empty()) {
      Status st = CheckKeyMatchesCertificate(rc.client_cert_pem, rc.client_key_pem);
      if (!st.ok()) return Err(uo, up + ".client-key", std::string(st.message()));
    }
    int methods = 0;
    if (!user->token.empty()) ++methods;
    if (!user->username.empty() || !user->password.empty()) ++methods;
    if (user->exec) ++methods;
    // A token and a tokenFile together are allowed by kubectl (the file wins
    // once readable); we keep the file as the refreshable source.
    if (!user->token_file.empty() && user->token.empty()) ++methods;
    if (methods > 1) {
      return Err(uo, up, "more than one of token/tokenFile, username/password and exec is set");
    }
    rc.token = user->token;
    if (!user->token_file.empty()) {
      if (!allow_files) {
        return Err(uo, up + ".tokenFile", "an in-memory kubeconfig cannot refer to files");
      }
      rc.token_file = user->token_file;
    }
    rc.username = user->username;
    rc.password = user->password;
    rc.exec = user->exec;
    if (rc.exec && !allow_files && rc.exec->command.find('/') != std::string::npos &&
        rc.exec->command.front() != '/') {
      return Err(uo, up + ".exec.command", "relative commands need a kubeconfig file");
    }
  }
  *out = std::move(rc);
  return Status::OK();
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n')) ++i;
  return s.substr(i);
}

}  // namespace

Status RestConfigFromKubeconfig(const Kubeconfig& config, std::string_view context,
                                RestConfig* out) {
  return Resolve(config, context, /*allow_files=*/true, out);
}

Status LoadRestConfig(const std::vector<std::string>& paths, std::string_view context,
                      RestConfig* out) {
  Kubeconfig config;
  FEDRA_RETURN_IF_ERROR(LoadKubeconfigFiles(paths, &config));
  return RestConfigFromKubeconfig(config, context, out);
}

Status RestConfigFromKubeconfigBytes(std::string_view text, std::string_view name,
                                     std::string_view context, RestConfig* out) {
  Kubeconfig config;
  // Parse without a file name so nothing is resolved against a directory,
  // then name the source in errors ourselves.
  Status st = ParseKubeconfig(text, "", &config);
  if (!st.ok()) return st.WithContext(name);
  config.files.push_back(std::string(name));
  for (auto& c : config.clusters) c.origin = std::string(name);
  for (auto& u : config.users) u.origin = std::string(name);
  for (auto& c : config.contexts) c.origin = std::string(name);
  // Relative paths would silently resolve against the working directory.
  auto relative = [](const std::string& p) { return !p.empty() && p.front() != '/'; };
  for (const auto& c : config.clusters) {
    if (relative(c.certificate_authority)) {
      return Err(std::string(name), c.path + ".certificate-authority",
                 "relative paths need a kubeconfig file");
    }
  }
  for (const auto& u : config.users) {
    const std::pair<const char*, const std::string*> fields[] = {
        {"client-certificate", &u.client_certificate},
        {"client-key", &u.client_key},
        {"tokenFile", &u.token_file}};
    for (const auto& [field, value] : fields) {
      if (relative(*value)) {
        return Err(std::string(name), u.path + "." + field,
                   "relative paths need a kubeconfig file");
      }
    }
  }
  return Resolve(config, context, /*allow_files=*/true, out);
}

Status InClusterConfig(const InClusterOptions& options, RestConfig* out) {
  std::string host = options.host;
  std::string port = options.port;
  if (host.empty()) {
    if (const char* h = std::getenv("KUBERNETES_SERVICE_HOST")) host = h;
  }
  if (port.empty()) {
    if (const char* p = std::getenv("KUBERNETES_SERVICE_PORT")) port = p;
  }
  if (host.empty() || port.empty()) {
    return Status::NotFound(
        "in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set "
        "(not running in a pod?)");
  }
  for (char c : port) {
    if (c < '0' || c > '9') {
      return Status::InvalidArgument("in-cluster config: KUBERNETES_SERVICE_PORT \"" + port +
                                     "\" is not a port number");
    }
  }
  RestConfig rc;
  rc.source = "in-cluster";
  // An IPv6 literal needs brackets in a URL.
  std::string h =
      host.find(':') != std::string::npos && host.front() != '[' ? "[" + host + "]" : host;
  rc.server = "https://" + h + ":" + port;
  std::string token;
  Status st = ReadSmallFile(options.token_file, 1u << 20, &token);
  if (!st.ok()) return st.WithContext("in-cluster config: service account token");
  if (Trim(token).empty()) {
    return Status::InvalidArgument("in-cluster config: service account token file " +
                                   options.token_file + " is empty");
  }
  rc.token_file = options.token_file;
  rc.token_file_refresh = options.token_refresh;
  st = ReadSmallFile(options.ca_file, kMaxPemBytes, &rc.ca_pem);
  if (!st.ok()) return st.WithContext("in-cluster config: CA");
  st = CheckCertificatesPem(rc.ca_pem);
  if (!st.ok()) return st.WithContext("in-cluster config: " + options.ca_file);
  std::string ns;
  if (ReadSmallFile(options.namespace_file, 4096, &ns).ok()) rc.default_namespace = Trim(ns);
  *out = std::move(rc);
  return Status::OK();
}

Status DefaultRestConfig(std::string_view explicit_path, std::string_view context,
                         RestConfig* out) {
  if (!explicit_path.empty()) {
    return LoadRestConfig({std::string(explicit_path)}, context, out);
  }
  std::vector<std::string> paths = DefaultKubeconfigPaths();
  for (const auto& p : paths) {
    std::error_code ec;
    if (std::filesystem::exists(p, ec)) return LoadRestConfig(paths, context, out);
  }
  Status st = InClusterConfig(InClusterOptions(), out);
  if (!st.ok()) {
    return Status::NotFound("no kubeconfig found ($KUBECONFIG, ~/.kube/config) and " +
                            std::string(st.message()));
  }
  return st;
}

}  // namespace fedra::op::kube
