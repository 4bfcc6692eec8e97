// Kubeconfig parsing (yaml-cpp) and merging. Resolution to a RestConfig and
// in-cluster configuration live in rest_config.cc.
#include "operator/kube/config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>

#include "operator/kube/pem.h"

namespace fedra::op::kube {
namespace {

constexpr size_t kMaxKubeconfigBytes = 8u << 20;

// Errors carry "<file>: <path>: <what>".
class Ctx {
 public:
  Ctx(std::string_view file) : file_(file) {}
  Status Error(const std::string& path, const std::string& what) const {
    std::string msg;
    if (!file_.empty()) msg = std::string(file_) + ": ";
    msg += path + ": " + what;
    return Status::InvalidArgument(msg);
  }
  // Makes a relative path absolute against the kubeconfig's directory.
  std::string Resolve(const std::string& p) const {
    if (p.empty() || p.front() == '/' || file_.empty()) return p;
    std::filesystem::path base = std::filesystem::path(std::string(file_)).parent_path();
    if (base.empty()) return p;
    return (base / p).lexically_normal().string();
  }
  std::string_view file() const { return file_; }

 private:
  std::string_view file_;
};

Status GetString(const Ctx& ctx, const YAML::Node& map, const std::string& path, const char* key,
                 std::string* out) {
  YAML::Node n = map[key];
  if (!n || n.IsNull()) return Status::OK();
  if (!n.IsScalar()) return ctx.Error(path + "." + key, "must be a string");
  *out = n.Scalar();
  return Status::OK();
}

Status GetBool(const Ctx& ctx, const YAML::Node& map, const std::string& path, const char* key,
               bool* out) {
  YAML::Node n = map[key];
  if (!n || n.IsNull()) return Status::OK();
  bool v = false;
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) {
    return ctx.Error(path + "." + key, "must be true or false");
  }
  *out = v;
  return Status::OK();
}

Status GetBase64(const Ctx& ctx, const YAML::Node& map, const std::string& path, const char* key,
                 std::string* out) {
  std::string raw;
  FEDRA_RETURN_IF_ERROR(GetString(ctx, map, path, key, &raw));
  if (raw.empty()) return Status::OK();
  if (!DecodeBase64(raw, out)) return ctx.Error(path + "." + key, "not valid base64");
  return Status::OK();
}

// A sequence (or null/absent: empty). Entries must be maps with a name.
Status GetList(const Ctx& ctx, const YAML::Node& root, const char* key, YAML::Node* out) {
  YAML::Node n = root[key];
  if (!n || n.IsNull()) {
    *out = YAML::Node(YAML::NodeType::Sequence);
    return Status::OK();
  }
  if (!n.IsSequence()) return ctx.Error(key, "must be a list");
  *out = n;
  return Status::OK();
}

Status EntryName(const Ctx& ctx, const YAML::Node& entry, const std::string& path,
                 std::string* name) {
  if (!entry.IsMap()) return ctx.Error(path, "must be a map with name and details");
  FEDRA_RETURN_IF_ERROR(GetString(ctx, entry, path, "name", name));
  if (name->empty()) return ctx.Error(path + ".name", "required");
  return Status::OK();
}

Status Body(const Ctx& ctx, const YAML::Node& entry, const std::string& path, const char* key,
            YAML::Node* out) {
  YAML::Node n = entry[key];
  if (!n || n.IsNull()) return ctx.Error(path + "." + key, "required");
  if (!n.IsMap()) return ctx.Error(path + "." + key, "must be a map");
  *out = n;
  return Status::OK();
}

Status ParseExec(const Ctx& ctx, const YAML::Node& n, const std::string& path, ExecConfig* out) {
  if (!n.IsMap()) return ctx.Error(path, "must be a map");
  FEDRA_RETURN_IF_ERROR(GetString(ctx, n, path, "apiVersion", &out->api_version));
  FEDRA_RETURN_IF_ERROR(GetString(ctx, n, path, "command", &out->command));
  if (out->command.empty()) return ctx.Error(path + ".command", "required");
  if (out->api_version != "client.authentication.k8s.io/v1" &&
      out->api_version != "client.authentication.k8s.io/v1beta1") {
    return ctx.Error(path + ".apiVersion",
                     "\"" + out->api_version +
                         "\" is not supported (client.authentication.k8s.io/v1 or v1beta1)");
  }
  if (out->command.find('/') != std::string::npos) out->command = ctx.Resolve(out->command);
  if (YAML::Node args = n["args"]; args && !args.IsNull()) {
    if (!args.IsSequence()) return ctx.Error(path + ".args", "must be a list of strings");
    for (size_t i = 0; i < args.size(); ++i) {
      if (!args[i].IsScalar()) {
        return ctx.Error(path + ".args[" + std::to_string(i) + "]", "must be a string");
      }
      out->args.push_back(args[i].Scalar());
    }
  }
  if (YAML::Node env = n["env"]; env && !env.IsNull()) {
    if (!env.IsSequence()) return ctx.Error(path + ".env", "must be a list of {name, value}");
    for (size_t i = 0; i < env.size(); ++i) {
      std::string ep = path + ".env[" + std::to_string(i) + "]";
      if (!env[i].IsMap()) return ctx.Error(ep, "must be a map with name and value");
      std::string name, value;
      FEDRA_RETURN_IF_ERROR(GetString(ctx, env[i], ep, "name", &name));
      FEDRA_RETURN_IF_ERROR(GetString(ctx, env[i], ep, "value", &value));
      if (name.empty() || name.find('=') != std::string::npos) {
        return ctx.Error(ep + ".name", "must be a non-empty name without '='");
      }
      out->env.emplace_back(std::move(name), std::move(value));
    }
  }
  std::string mode;
  FEDRA_RETURN_IF_ERROR(GetString(ctx, n, path, "interactiveMode", &mode));
  if (mode.empty()) {
    // v1 requires the field; v1beta1 defaults to IfAvailable.
    if (out->api_version == "client.authentication.k8s.io/v1") {
      return ctx.Error(path + ".interactiveMode", "required for client.authentication.k8s.io/v1");
    }
    mode = "IfAvailable";
  }
  if (mode != "Never" && mode != "IfAvailable" && mode != "Always") {
    return ctx.Error(path + ".interactiveMode", "must be Never, IfAvailable or Always");
  }
  if (mode == "Always") {
    return ctx.Error(path + ".interactiveMode",
                     "Always needs a terminal, which an operator never has");
  }
  out->interactive_mode = mode;
  FEDRA_RETURN_IF_ERROR(GetBool(ctx, n, path, "provideClusterInfo", &out->provide_cluster_info));
  FEDRA_RETURN_IF_ERROR(GetString(ctx, n, path, "installHint", &out->install_hint));
  return Status::OK();
}

Status ParseCluster(const Ctx& ctx, const YAML::Node& entry, size_t i, KubeconfigCluster* c) {
  std::string ep = "clusters[" + std::to_string(i) + "]";
  FEDRA_RETURN_IF_ERROR(EntryName(ctx, entry, ep, &c->name));
  YAML::Node b;
  std::string p = ep + ".cluster";
  FEDRA_RETURN_IF_ERROR(Body(ctx, entry, ep, "cluster", &b));
  c->path = p;
  c->origin = std::string(ctx.file());
  FEDRA_RETURN_IF_ERROR(GetString(ctx, b, p, "server", &c->server));
  FEDRA_RETURN_IF_ERROR(GetString(ctx, b, p, "tls-server-name", &c->tls_server_name));
  FEDRA_RETURN_IF_ERROR(
      GetBool(ctx, b, p, "insecure-skip-tls-verify", &c->insecure_skip_tls_verify));
  FEDRA_RETURN_IF_ERROR(GetString(ctx, b, p, "certificate-authority", &c->certificate_authority));
  c->certificate_authority = ctx.Resolve(c->certificate_authority);
  FEDRA_RETURN_IF_ERROR(
      GetBase64(ctx, b, p, "certificate-authority-data", &c->certificate_authority_data));
  if (!c->certificate_authority_data.empty()) {
    Status st = CheckCertificatesPem(c->certificate_authority_data);
    if (!st.ok()) return ctx.Error(p + ".certificate-authority-data", std::string(st.message()));
  }
  FEDRA_RETURN_IF_ERROR(GetString(ctx, b, p, "proxy-url", &c->proxy_url));
  return Status::OK();
}

Status ParseUser(const Ctx& ctx, const YAML::Node& entry, size_t i, KubeconfigUser* u) {
  std::string ep = "users[" + std::to_string(i) + "]";
  FEDRA_RETURN_IF_ERROR(EntryName(ctx, entry, ep, &u->name));
  std::string p = ep + ".user";
  u->path = p;
  u->origin = std::string(ctx.file());
  YAML::Node b = entry["user"];
  if (!b || b.IsNull()) return Status::OK();  // a user without credentials
  if (!b.IsMap()) return ctx.Error(p, "must be a map");
  FEDRA_RETURN_IF_ERROR(GetString(ctx, b, p, "client-certificate", &u->client_certificate));
  u->client_certificate = ctx.Resolve(u->client_certificate);
  FEDRA_RETURN_IF_ERROR(
      GetBase64(ctx, b, p, "client-certificate-data", &u->client_certificate_data));
  if (!u->client_certificate_data.empty()) {
    Status st = CheckCertificatesPem(u->client_certificate_data);
    if (!st.ok()) return ctx.Error(p + ".client-certificate-data", std::string(st.message()));
  }
  FEDRA_RETURN_IF_ERROR(GetString(ctx, b, p, "client-key", &u->client_key));
  u->client_key = ctx.Resolve(u->client_key);
  FEDRA_RETURN_IF_ERROR(GetBase64(ctx, b, p, "client-key-data", &u->client_key_data));
  if (!u->client_key_data.empty()) {
    Status st = CheckPrivateKeyPem(u->client_key_data);
    if (!st.ok()) return ctx.Error(p + ".client-key-data", std::string(st.message()));
  }
  FEDRA_RETURN_IF_ERROR(GetString(ctx, b, p, "token", &u->token));
  FEDRA_RETURN_IF_ERROR(GetString(ctx, b, p, "tokenFile", &u->token_file));
  u->token_file = ctx.Resolve(u->token_file);
  FEDRA_RETURN_IF_ERROR(GetString(ctx, b, p, "username", &u->username));
  FEDRA_RETURN_IF_ERROR(GetString(ctx, b, p, "password", &u->password));
  if (YAML::Node e = b["exec"]; e && !e.IsNull()) {
    ExecConfig exec;
    FEDRA_RETURN_IF_ERROR(ParseExec(ctx, e, p + ".exec", &exec));
    u->exec = std::move(exec);
  }
  if (YAML::Node a = b["auth-provider"]; a && !a.IsNull()) u->has_auth_provider = true;
  return Status::OK();
}

Status ParseContext(const Ctx& ctx, const YAML::Node& entry, size_t i, KubeconfigContext* c) {
  std::string ep = "contexts[" + std::to_string(i) + "]";
  FEDRA_RETURN_IF_ERROR(EntryName(ctx, entry, ep, &c->name));
  YAML::Node b;
  std::string p = ep + ".context";
  FEDRA_RETURN_IF_ERROR(Body(ctx, entry, ep, "context", &b));
  c->path = p;
  c->origin = std::string(ctx.file());
  FEDRA_RETURN_IF_ERROR(GetString(ctx, b, p, "cluster", &c->cluster));
  FEDRA_RETURN_IF_ERROR(GetString(ctx, b, p, "user", &c->user));
  FEDRA_RETURN_IF_ERROR(GetString(ctx, b, p, "namespace", &c->namespace_name));
  return Status::OK();
}

Status ParseRoot(const Ctx& ctx, const YAML::Node& root, Kubeconfig* out) {
  if (!root || root.IsNull()) return Status::OK();  // an empty file is an empty config
  if (!root.IsMap()) return ctx.Error("(root)", "must be a map (apiVersion, kind, clusters, ...)");
  std::string kind;
  FEDRA_RETURN_IF_ERROR(GetString(ctx, root, "", "kind", &kind));
  if (!kind.empty() && kind != "Config") {
    return ctx.Error("kind", "\"" + kind + "\" is not a kubeconfig (kind: Config)");
  }
  YAML::Node list;
  std::set<std::string> seen;
  FEDRA_RETURN_IF_ERROR(GetList(ctx, root, "clusters", &list));
  for (size_t i = 0; i < list.size(); ++i) {
    KubeconfigCluster c;
    FEDRA_RETURN_IF_ERROR(ParseCluster(ctx, list[i], i, &c));
    if (!seen.insert(c.name).second) {
      return ctx.Error("clusters[" + std::to_string(i) + "].name",
                       "duplicate cluster \"" + c.name + "\"");
    }
    out->clusters.push_back(std::move(c));
  }
  seen.clear();
  FEDRA_RETURN_IF_ERROR(GetList(ctx, root, "users", &list));
  for (size_t i = 0; i < list.size(); ++i) {
    KubeconfigUser u;
    FEDRA_RETURN_IF_ERROR(ParseUser(ctx, list[i], i, &u));
    if (!seen.insert(u.name).second) {
      return ctx.Error("users[" + std::to_string(i) + "].name",
                       "duplicate user \"" + u.name + "\"");
    }
    out->users.push_back(std::move(u));
  }
  seen.clear();
  FEDRA_RETURN_IF_ERROR(GetList(ctx, root, "contexts", &list));
  for (size_t i = 0; i < list.size(); ++i) {
    KubeconfigContext c;
    FEDRA_RETURN_IF_ERROR(ParseContext(ctx, list[i], i, &c));
    if (!seen.insert(c.name).second) {
      return ctx.Error("contexts[" + std::to_string(i) + "].name",
                       "duplicate context \"" + c.name + "\"");
    }
    out->contexts.push_back(std::move(c));
  }
  FEDRA_RETURN_IF_ERROR(GetString(ctx, root, "", "current-context", &out->current_context));
  return Status::OK();
}

}  // namespace

const KubeconfigCluster* Kubeconfig::FindCluster(std::string_view name) const {
  for (const auto& c : clusters) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const KubeconfigUser* Kubeconfig::FindUser(std::string_view name) const {
  for (const auto& u : users) {
    if (u.name == name) return &u;
  }
  return nullptr;
}

const KubeconfigContext* Kubeconfig::FindContext(std::string_view name) const {
  for (const auto& c : contexts) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

Status ParseKubeconfig(std::string_view text, std::string_view file, Kubeconfig* out) {
  Ctx ctx(file);
  Kubeconfig parsed;
  try {
    YAML::Node root = YAML::Load(std::string(text));
    FEDRA_RETURN_IF_ERROR(ParseRoot(ctx, root, &parsed));
  } catch (const YAML::Exception& e) {
    std::string where = std::string(file.empty() ? "kubeconfig" : file);
    if (e.mark.line >= 0) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    return Status::InvalidArgument(where + ": not valid YAML: " + e.msg);
  }
  if (!file.empty()) parsed.files.push_back(std::string(file));
  *out = std::move(parsed);
  return Status::OK();
}

Status LoadKubeconfigFile(const std::string& path, Kubeconfig* out) {
  std::string text;
  FEDRA_RETURN_IF_ERROR(ReadSmallFile(path, kMaxKubeconfigBytes, &text));
  return ParseKubeconfig(text, path, out);
}

void MergeKubeconfig(const Kubeconfig& next, Kubeconfig* into) {
  for (const auto& c : next.clusters) {
    if (!into->FindCluster(c.name)) into->clusters.push_back(c);
  }
  for (const auto& u : next.users) {
    if (!into->FindUser(u.name)) into->users.push_back(u);
  }
  for (const auto& c : next.contexts) {
    if (!into->FindContext(c.name)) into->contexts.push_back(c);
  }
  if (into->current_context.empty()) into->current_context = next.current_context;
  for (const auto& f : next.files) into->files.push_back(f);
}

Status LoadKubeconfigFiles(const std::vector<std::string>& paths, Kubeconfig* out) {
  Kubeconfig merged;
  bool any = false;
  std::set<std::string> seen;
  for (const std::string& path : paths) {
    if (path.empty() || !seen.insert(path).second) continue;  // kubectl skips duplicates
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) continue;
    Kubeconfig one;
    FEDRA_RETURN_IF_ERROR(LoadKubeconfigFile(path, &one));
    MergeKubeconfig(one, &merged);
    any = true;
  }
  if (!any) {
    std::string list;
    for (const auto& p : paths) list += (list.empty() ? "" : ", ") + p;
    return Status::NotFound("no kubeconfig file exists (looked for: " +
                            (list.empty() ? std::string("nothing") : list) + ")");
  }
  *out = std::move(merged);
  return Status::OK();
}

std::vector<std::string> DefaultKubeconfigPaths() {
  std::vector<std::string> out;
  if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
    std::string_view s(env);
    while (true) {
      size_t colon = s.find(':');
      std::string_view part = s.substr(0, colon);
      if (!part.empty()) out.emplace_back(part);
      if (colon == std::string_view::npos) break;
      s.remove_prefix(colon + 1);
    }
    return out;
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    out.push_back(std::string(home) + "/.kube/config");
  }
  return out;
}

bool DecodeBase64(std::string_view in, std::string* out) {
  std::string clean;
  clean.reserve(in.size());
  for (char c : in) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    clean.push_back(c);
  }
  if (clean.size() % 4 != 0) return false;
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string result;
  result.reserve(clean.size() / 4 * 3);
  for (size_t i = 0; i < clean.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      char c = clean[i + j];
      if (c == '=') {
        // Padding only at the very end, at most two, and nothing after it.
        if (i + 4 != clean.size() || j < 2) return false;
        ++pad;
        v[j] = 0;
        continue;
      }
      if (pad > 0) return false;
      v[j] = value(c);
      if (v[j] < 0) return false;
    }
    uint32_t n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    result.push_back(static_cast<char>((n >> 16) & 0xff));
    if (pad < 2) result.push_back(static_cast<char>((n >> 8) & 0xff));
    if (pad < 1) result.push_back(static_cast<char>(n & 0xff));
  }
  *out = std::move(result);
  return true;
}

std::string EncodeBase64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t n = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8) |
                 static_cast<uint8_t>(in[i + 2]);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  if (i < in.size()) {
    uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<uint8_t>(in[i + 1]) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

}  // namespace fedra::op::kube
