// OPA bundles: gzip-compressed tar archives of Rego modules and data, as
// `opa build` writes them and OPA's bundle plugin reads them. docs/bundles.md
// describes the format, Fedra's policy layout inside it, signatures and limits.
//
// Reading (ReadBundle) is all-or-nothing: a bundle is returned only when the
// archive is well formed and within the limits, every path is safe, the
// manifest, data files and modules parse, data and packages lie under the
// manifest's roots and, when a verification key is configured, the signature
// and every file hash check out. Otherwise the Status names the entry and the
// reason, and *out is left untouched. Nothing is ever written to the file
// system while reading.
//
// Writing (WriteBundle) is deterministic: the same Bundle and options give the
// same bytes (sorted entries, fixed modes, owner and mtime), so a bundle's
// hash can serve as its revision or ETag.
//
// All functions are stateless and thread-safe. A Bundle is a plain value.
#ifndef FEDRA_BUNDLE_BUNDLE_H_
#define FEDRA_BUNDLE_BUNDLE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::bundle {

// Fedra's policy layout inside a bundle (docs/bundles.md): the metadata of
// policy <name> is data.fedra.policies.<name> = {"type", "enforcement",
// "match", "parameters", "failurePolicy", "regoVersion", "modules": [paths]}
// and its modules live at fedra/policies/<name>/<module>.rego.
inline constexpr std::string_view kFedraPoliciesRoot = "fedra/policies";

// Bounds applied while reading an archive. Exceeding any of them rejects the
// bundle with kEvalLimitError naming the limit (and the entry, if any).
struct Limits {
  size_t max_compressed_bytes = 256u << 20;  // the .tar.gz itself
  size_t max_total_bytes = 512u << 20;       // all entries, uncompressed
  size_t max_entry_bytes = 128u << 20;       // one entry, uncompressed
  size_t max_entries = 100000;               // tar entries (directories too)
  size_t max_path_bytes = 4096;              // one entry's path
  size_t max_json_depth = 1000;              // nesting in data, manifest
};

// One key that may verify a bundle signature (OPA's `keys.<id>` config).
struct VerificationKey {
  std::string id;                   // matched against the JWT `kid` / `keyid`
  std::string algorithm = "RS256";  // RS/PS/ES 256/384/512, HS256/384/512, EdDSA
  // PEM public key ("PUBLIC KEY", "RSA PUBLIC KEY"), PEM certificate, or for
  // HS* the shared secret itself.
  std::string key;
  std::string scope;  // expected `scope` claim when the config sets none
};

// OPA's bundle `signing` config.
struct VerificationConfig {
  std::vector<VerificationKey> keys;
  // When set, this key is used whatever the JWT header says (OPA: keyid in
  // the bundle config takes precedence over the token's `kid`).
  std::string key_id;
  std::string scope;                 // expected `scope` claim ("" = none)
  std::vector<std::string> exclude;  // glob patterns of unsigned files
};

struct ReadOptions {
  Limits limits;
  // Set: the bundle must carry a .signatures.json that verifies with these
  // keys (an unsigned bundle is rejected). Unset: a signed bundle is rejected
  // unless skip_verification, as OPA does ("verification key not provided").
  std::optional<VerificationConfig> verification;
  bool skip_verification = false;
  // Rego version of modules when the manifest has no rego_version: 1 (OPA
  // 1.x) or 0.
  int default_rego_version = 1;
};

// A Rego module in a bundle. `path` is the archive path without a leading
// slash ("fedra/policies/p/main.rego").
struct Module {
  std::string path;
  std::string source;
  int rego_version = 1;  // 0 or 1: from the manifest, else the default
};

struct Bundle {
  std::string revision;  // manifest "revision" ("" if none)
  // Manifest "roots", normalised (no leading or trailing '/'). A manifest
  // without roots means {""}: the bundle owns all of data.
  std::vector<std::string> roots = {""};
  Value metadata = Value::EmptyObject();  // manifest "metadata" (an object)
  std::optional<int> rego_version;        // manifest "rego_version", if given
  std::vector<Module> modules;            // sorted by path
  Value data = Value::EmptyObject();      // every data file merged; an object
  std::string etag;                       // set by the client, not the archive
  bool signed_bundle = false;             // true when a signature was verified
};

// Parses and validates a .tar.gz bundle. `targz` need not outlive the call.
Status ReadBundle(std::string_view targz, const ReadOptions& options, Bundle* out);

// OPA's `signing` options for writing (`opa build --signing-key`).
struct SigningConfig {
  std::string algorithm = "RS256";
  // PEM private key ("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"), or
  // for HS* the shared secret itself.
  std::string key;
  std::string key_id;  // written as the JWT `kid` header
  std::string scope;   // written as the `scope` claim when set
  Value extra_claims;  // optional object merged into the payload
};

struct WriteOptions {
  std::optional<SigningConfig> signing;
  int64_t mtime = 0;  // seconds since the epoch, for every entry
};

// Writes `bundle` as an OPA bundle: `.manifest` (revision, roots, metadata,
// rego_version), `data.json` at the root with all of bundle.data, each module
// at its path, and `.signatures.json` when signing. The result reads back
// with ReadBundle into an equal Bundle.
Status WriteBundle(const Bundle& bundle, const WriteOptions& options, std::string* targz);

// Builds a Bundle from a directory laid out as a bundle (what `opa build
// DIR` reads): `*.rego` modules, `data.json` / `data.yaml` / `data.yml` at
// any depth (merged at their directory's path) and an optional `.manifest`.
// Hidden files and directories other than `.manifest` are skipped; symbolic
// links are refused. Applies the same validation as ReadBundle (roots,
// module parsing), with limits.max_total_bytes bounding the files read.
Status LoadDirectory(const std::string& dir, const ReadOptions& options, Bundle* out);

}  // namespace fedra::bundle

#endif  // FEDRA_BUNDLE_BUNDLE_H_
