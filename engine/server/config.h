// fedra-engine's configuration: every setting is a flag (`--name value` or
// `--name=value`) and a key of the same name in the YAML file given with
// `--config`; flags override the file. One table (config.cc) declares each
// setting with its type, default and help text, so `--help`, the flag parser
// and the file reader cannot disagree.
#ifndef FEDRA_SERVER_CONFIG_H_
#define FEDRA_SERVER_CONFIG_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "fedra/status.h"

namespace fedra::server {

struct EngineConfig {
  // Listening.
  std::string addr = "127.0.0.1:8443";
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  bool tls_require_client_cert = false;
  bool insecure_http = false;
  int threads = 0;  // 0: one per core

  // Policy sources (at least one of policy_dir, bundle_url; or API writes).
  std::string policy_dir;
  std::chrono::milliseconds watch_interval{1000};
  std::string bundle_url;
  std::string bundle_token;
  std::string bundle_token_file;       // read once at start into bundle_token (keeps it out of `ps`)
  std::string bundle_ca;
  std::string bundle_persist_dir;
  std::chrono::seconds bundle_long_poll{30};
  std::string bundle_verify_key;       // PEM file; set: bundles must be signed
  std::string bundle_verify_alg = "RS256";
  std::string bundle_verify_key_id;
  bool allow_api_writes = false;       // PUT/PATCH/DELETE of /v1/policies, /v1/data

  // Limits.
  size_t max_body_bytes = 3u << 20;
  size_t max_json_depth = 256;
  std::chrono::milliseconds decision_timeout{3000};
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds write_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};
  size_t max_connections = 4096;
  std::chrono::milliseconds shutdown_delay{0};   // readiness fails for this long first
  std::chrono::milliseconds shutdown_grace{10000};

  // Status reporting (OPA's status API).
  std::string status_url;
  std::chrono::milliseconds status_interval{10000};
  std::string id;       // labels.id; default: the host name
  std::string cluster;  // labels.cluster
  std::string tier;     // labels.tier: cloud | edge

  std::string config_file;  // where the YAML came from, if anywhere
};

// Parses `args` (without the program name). Sets *help when --help/-h was
// given (nothing else is checked then). Errors name the flag or the file and
// key at fault.
Status ParseEngineConfig(const std::vector<std::string>& args, EngineConfig* out, bool* help);

// Checks settings that depend on each other (TLS pair, a source present...).
Status ValidateEngineConfig(const EngineConfig& config);

// The --help text, generated from the settings table.
std::string EngineUsage();

}  // namespace fedra::server

#endif  // FEDRA_SERVER_CONFIG_H_
