#include "server/config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <charconv>
#include <functional>
#include <variant>

namespace fedra::server {

namespace {

using Ms = std::chrono::milliseconds;

enum class Kind { kString, kBool, kInt, kSize, kDuration, kSeconds };

struct Setting {
  const char* name;
  Kind kind;
  std::function<void*(EngineConfig&)> field;
  const char* help;
};

template <class T>
std::function<void*(EngineConfig&)> F(T EngineConfig::*member) {
  return [member](EngineConfig& c) -> void* { return &(c.*member); };
}

const std::vector<Setting>& Settings() {
  static const std::vector<Setting> kSettings = {
      {"addr", Kind::kString, F(&EngineConfig::addr), "HOST:PORT to listen on (default 127.0.0.1:8443)"},
      {"tls-cert", Kind::kString, F(&EngineConfig::tls_cert), "PEM certificate chain for HTTPS; reloaded when the file changes"},
      {"tls-key", Kind::kString, F(&EngineConfig::tls_key), "PEM private key for HTTPS; reloaded when the file changes"},
      {"tls-client-ca", Kind::kString, F(&EngineConfig::tls_client_ca), "PEM CA bundle: verify client certificates against it (mTLS)"},
      {"tls-require-client-cert", Kind::kBool, F(&EngineConfig::tls_require_client_cert), "refuse clients without a verified certificate"},
      {"insecure-http", Kind::kBool, F(&EngineConfig::insecure_http), "serve plain HTTP (only when explicitly asked for)"},
      {"threads", Kind::kInt, F(&EngineConfig::threads), "I/O and evaluation threads (default: one per core)"},
      {"policy-dir", Kind::kString, F(&EngineConfig::policy_dir), "directory of policies (docs/policies.md), watched for changes"},
      {"watch-interval", Kind::kDuration, F(&EngineConfig::watch_interval), "how often the policy directory is checked (default 1s)"},
      {"bundle-url", Kind::kString, F(&EngineConfig::bundle_url), "OPA bundle service URL to pull policies from"},
      {"bundle-token", Kind::kString, F(&EngineConfig::bundle_token), "bearer token for the bundle service"},
      {"bundle-token-file", Kind::kString, F(&EngineConfig::bundle_token_file), "file holding the bearer token for the bundle service"},
      {"bundle-ca", Kind::kString, F(&EngineConfig::bundle_ca), "PEM CA bundle for an https bundle service"},
      {"bundle-persist-dir", Kind::kString, F(&EngineConfig::bundle_persist_dir), "keep the last good bundle here and load it at start"},
      {"bundle-long-poll", Kind::kSeconds, F(&EngineConfig::bundle_long_poll), "long-poll wait asked of the bundle service (default 30s; 0 disables)"},
      {"bundle-verify-key", Kind::kString, F(&EngineConfig::bundle_verify_key), "PEM public key file: bundles must carry a signature it verifies"},
      {"bundle-verify-alg", Kind::kString, F(&EngineConfig::bundle_verify_alg), "signature algorithm for --bundle-verify-key (default RS256)"},
      {"bundle-verify-key-id", Kind::kString, F(&EngineConfig::bundle_verify_key_id), "key id expected in bundle signatures"},
      {"allow-api-writes", Kind::kBool, F(&EngineConfig::allow_api_writes), "allow PUT/PATCH/DELETE on /v1/policies and /v1/data"},
      {"max-body", Kind::kSize, F(&EngineConfig::max_body_bytes), "largest request body in bytes (default 3145728); larger gets 413"},
      {"max-json-depth", Kind::kSize, F(&EngineConfig::max_json_depth), "deepest JSON nesting accepted in requests (default 256)"},
      {"decision-timeout", Kind::kDuration, F(&EngineConfig::decision_timeout), "evaluation deadline per request, below the webhook timeout (default 3s)"},
      {"read-timeout", Kind::kDuration, F(&EngineConfig::read_timeout), "time allowed to read one request (default 10s)"},
      {"write-timeout", Kind::kDuration, F(&EngineConfig::write_timeout), "time allowed to write one response (default 10s)"},
      {"idle-timeout", Kind::kDuration, F(&EngineConfig::idle_timeout), "keep-alive connections idle this long are closed (default 60s)"},
      {"max-connections", Kind::kSize, F(&EngineConfig::max_connections), "open connections above this are closed at once (default 4096)"},
      {"shutdown-delay", Kind::kDuration, F(&EngineConfig::shutdown_delay), "on SIGTERM, report not ready this long before closing (default 0s)"},
      {"shutdown-grace", Kind::kDuration, F(&EngineConfig::shutdown_grace), "on SIGTERM, time in-flight requests get to finish (default 10s)"},
      {"status-url", Kind::kString, F(&EngineConfig::status_url), "OPA status API endpoint to POST status reports to"},
      {"status-interval", Kind::kDuration, F(&EngineConfig::status_interval), "how often status is reported besides every activation (default 10s)"},
      {"id", Kind::kString, F(&EngineConfig::id), "this engine's id in status reports (default: the host name)"},
      {"cluster", Kind::kString, F(&EngineConfig::cluster), "the cluster name in status reports"},
      {"tier", Kind::kString, F(&EngineConfig::tier), "cloud or edge, in status reports"},
  };
  return kSettings;
}

bool ParseDuration(std::string_view text, Ms* out) {
  if (text.empty()) return false;
  size_t i = 0;
  double total_ms = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (start == i) return false;
    double n = std::stod(std::string(text.substr(start, i - start)));
    size_t ustart = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(ustart, i - ustart);
    if (unit.empty() && ustart == text.size() && start == 0) unit = "s";  // a bare number: seconds
    if (unit == "ms") {
      total_ms += n;
    } else if (unit == "s") {
      total_ms += n * 1000;
    } else if (unit == "m") {
      total_ms += n * 60000;
    } else if (unit == "h") {
      total_ms += n * 3600000;
    } else {
      return false;
    }
  }
  *out = Ms(static_cast<int64_t>(total_ms));
  return true;
}

Status Assign(const Setting& s, EngineConfig* c, const std::string& value, const std::string& where) {
  void* p = s.field(*c);
  auto bad = [&](const char* what) {
    return Status::InvalidArgument(where + ": '" + value + "' is not " + what);
  };
  switch (s.kind) {
    case Kind::kString:
      *static_cast<std::string*>(p) = value;
      return Status::OK();
    case Kind::kBool:
      if (value == "true" || value == "1" || value.empty()) {
        *static_cast<bool*>(p) = true;
      } else if (value == "false" || value == "0") {
        *static_cast<bool*>(p) = false;
      } else {
        return bad("a boolean (true or false)");
      }
      return Status::OK();
    case Kind::kInt:
    case Kind::kSize: {
      int64_t n = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || ptr != value.data() + value.size() || n < 0) {
        return bad("a non-negative integer");
      }
      if (s.kind == Kind::kInt) {
        *static_cast<int*>(p) = static_cast<int>(n);
      } else {
        *static_cast<size_t*>(p) = static_cast<size_t>(n);
      }
      return Status::OK();
    }
    case Kind::kDuration:
    case Kind::kSeconds: {
      Ms d;
      if (!ParseDuration(value, &d)) return bad("a duration such as 500ms, 10s or 2m");
      if (s.kind == Kind::kDuration) {
        *static_cast<Ms*>(p) = d;
      } else {
        *static_cast<std::chrono::seconds*>(p) = std::chrono::duration_cast<std::chrono::seconds>(d);
      }
      return Status::OK();
    }
  }
  return Status::Internal("unknown setting kind");
}

const Setting* Find(std::string_view name) {
  for (const auto& s : Settings()) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

Status LoadFile(const std::string& path, EngineConfig* c) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("config " + path + ": " + e.what());
  }
  if (root.IsNull()) return Status::OK();
  if (!root.IsMap()) return Status::InvalidArgument("config " + path + ": the top level must be a mapping");
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>();
    std::string where = "config " + path + ":" + std::to_string(kv.first.Mark().line + 1) + ": " + key;
    const Setting* s = Find(key);
    if (s == nullptr || std::string_view(s->name) == "config") {
      return Status::InvalidArgument(where + ": unknown setting (see fedra-engine --help)");
    }
    if (!kv.second.IsScalar()) return Status::InvalidArgument(where + ": must be a single value");
    Status st = Assign(*s, c, kv.second.Scalar(), where);
    if (!st.ok()) return st;
  }
  return Status::OK();
}

}  // namespace

Status ParseEngineConfig(const std::vector<std::string>& args, EngineConfig* out, bool* help) {
  *help = false;
  EngineConfig c;
  // The file first, wherever --config appears, so that flags override it.
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      *help = true;
      return Status::OK();
    }
    std::string file;
    if (a == "--config" && i + 1 < args.size()) {
      file = args[i + 1];
    } else if (a.rfind("--config=", 0) == 0) {
      file = a.substr(9);
    }
    if (!file.empty()) {
      Status s = LoadFile(file, &c);
      if (!s.ok()) return s;
      c.config_file = file;
    }
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0) {
      return Status::InvalidArgument("unexpected argument '" + a + "' (see fedra-engine --help)");
    }
    std::string name = a.substr(2);
    std::string value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (name == "config") {
      if (!has_value) ++i;
      continue;
    }
    const Setting* s = Find(name);
    if (s == nullptr) return Status::InvalidArgument("unknown flag --" + name + " (see fedra-engine --help)");
    if (!has_value && s->kind != Kind::kBool) {
      if (i + 1 >= args.size()) return Status::InvalidArgument("flag --" + name + " needs a value");
      value = args[++i];
    }
    Status st = Assign(*s, &c, value, "flag --" + name);
    if (!st.ok()) return st;
  }
  *out = std::move(c);
  return Status::OK();
}

Status ValidateEngineConfig(const EngineConfig& c) {
  bool tls = !c.tls_cert.empty() || !c.tls_key.empty();
  if (tls && (c.tls_cert.empty() || c.tls_key.empty())) {
    return Status::InvalidArgument("--tls-cert and --tls-key go together");
  }
  if (!tls && !c.insecure_http) {
    return Status::InvalidArgument(
        "no TLS certificate: give --tls-cert and --tls-key, or --insecure-http to serve plain HTTP");
  }
  if (tls && c.insecure_http) {
    return Status::InvalidArgument("--insecure-http contradicts --tls-cert/--tls-key");
  }
  if (c.tls_require_client_cert && c.tls_client_ca.empty()) {
    return Status::InvalidArgument("--tls-require-client-cert needs --tls-client-ca");
  }
  if (!c.policy_dir.empty() && !c.bundle_url.empty()) {
    return Status::InvalidArgument("--policy-dir and --bundle-url are alternatives; give one");
  }
  if (!c.bundle_token.empty() && !c.bundle_token_file.empty()) {
    return Status::InvalidArgument("--bundle-token and --bundle-token-file are alternatives; give one");
  }
  if (c.bundle_url.empty() && !c.bundle_persist_dir.empty()) {
    return Status::InvalidArgument("--bundle-persist-dir needs --bundle-url");
  }
  if (!c.tier.empty() && c.tier != "cloud" && c.tier != "edge") {
    return Status::InvalidArgument("--tier must be cloud or edge, not '" + c.tier + "'");
  }
  if (c.decision_timeout.count() <= 0) return Status::InvalidArgument("--decision-timeout must be positive");
  if (c.max_body_bytes == 0) return Status::InvalidArgument("--max-body must be positive");
  return Status::OK();
}

std::string EngineUsage() {
  std::string out =
      "fedra-engine: Fedra's policy engine daemon. Answers Kubernetes admission webhooks\n"
      "(POST /v1/admit) and OPA-compatible decision calls (/v1/data), keeping itself on the\n"
      "current policy revision from a directory or a bundle service.\n\n"
      "usage: fedra-engine [--config FILE] [--flag value | --flag=value ...]\n\n"
      "Every flag can also be set in the YAML file given with --config, as `name: value`;\n"
      "flags override the file.\n\n"
      "  --config FILE                 YAML file of settings\n";
  for (const auto& s : Settings()) {
    std::string left = std::string("  --") + s.name;
    switch (s.kind) {
      case Kind::kString: left += " STRING"; break;
      case Kind::kBool: break;
      case Kind::kInt:
      case Kind::kSize: left += " N"; break;
      case Kind::kDuration:
      case Kind::kSeconds: left += " DURATION"; break;
    }
    if (left.size() < 32) left.resize(32, ' ');
    else left += "  ";
    out += left + s.help + "\n";
  }
  out +=
      "\nEndpoints: POST /v1/admit, GET|POST /v1/data/{path}, PUT|PATCH|DELETE /v1/data/{path},\n"
      "GET|PUT|DELETE /v1/policies/{id}, GET /health[?bundles], GET /ready, GET /metrics.\n";
  return out;
}

}  // namespace fedra::server
