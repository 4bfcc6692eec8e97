// Bundle signatures as OPA defines them (`.signatures.json`): one compact JWS
// whose payload lists every file of the bundle with its digest:
//   {"signatures": ["<header>.<payload>.<signature>"]}
//   payload {"files": [{"name": "data.json", "hash": "<hex>",
//                       "algorithm": "SHA-256"}, ...],
//            "scope": "...", "keyid": "..." (deprecated), "iat", "iss"}
// Structured files (data.json, data.yaml, .manifest) are hashed in OPA's
// canonical form (objects with sorted keys, no whitespace, Go's JSON string
// escaping), every other file as its bytes, so reformatting JSON does not
// break a signature. Internal to engine/bundle; JWS primitives come from the
// engine's builtins (builtins/crypto_internal.h). Stateless, thread-safe.
#ifndef FEDRA_BUNDLE_SIGNATURES_H_
#define FEDRA_BUNDLE_SIGNATURES_H_

#include <string>
#include <string_view>
#include <vector>

#include "bundle/archive.h"
#include "bundle/bundle.h"
#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::bundle {

inline constexpr std::string_view kSignaturesFile = ".signatures.json";
inline constexpr std::string_view kManifestFile = ".manifest";

struct FileHash {
  std::string name;       // bundle path without a leading '/'
  std::string hash;       // lower-case hex
  std::string algorithm;  // "SHA-256", ...
};

// True for files OPA hashes canonically: base name data.json, data.yaml or
// .manifest.
bool IsStructuredDoc(std::string_view path);

// OPA's canonical byte stream of a JSON value (what is hashed): objects
// with sorted keys, no whitespace, strings as Go's encoding/json writes them
// without HTML escaping. Numbers are written as Fedra writes them.
std::string CanonicalJson(const Value& v);
// The same from JSON text, keeping each number's literal text as OPA does
// (json.Decoder.UseNumber); used for data.json and .manifest
// (canonical_json.cc). Errors are ParseJson's, naming `source`.
Status CanonicalJsonText(std::string_view json, std::string_view source, const Limits& limits,
                         std::string* out);
// Appends `s` as a JSON string the way Go's json.Encoder with
// SetEscapeHTML(false) does (\u2028 and \u2029 escaped, \b and \f short).
void AppendGoJsonString(std::string_view s, std::string* out);

// The digest (raw bytes) of a file's contents with `algorithm` (MD5, SHA-1,
// SHA-224, SHA-256, SHA-384, SHA-512, SHA-512-224, SHA-512-256). Structured
// documents are parsed first (limits.max_json_depth).
Status HashFile(std::string_view path, std::string_view contents, std::string_view algorithm,
                const Limits& limits, std::string* digest);

// Verifies the JWT in a .signatures.json document and returns the files it
// lists. Errors say which step failed (no key id, unknown key, bad
// signature, scope mismatch, malformed token).
Status VerifySignatureFile(std::string_view signatures_json, const VerificationConfig& config,
                           const Limits& limits, std::vector<FileHash>* files);

// Checks every entry of a bundle (except .signatures.json and excluded
// paths) against `files`: each must be listed with a matching digest, and
// every listed file must be present.
Status VerifyEntries(const std::vector<TarEntry>& entries, const VerificationConfig& config,
                     const Limits& limits, std::vector<FileHash> files);

// Hashes `entries` with SHA-256 and returns a signed .signatures.json.
Status SignEntries(const std::vector<TarEntry>& entries, const SigningConfig& config,
                   std::string* out);

}  // namespace fedra::bundle

#endif  // FEDRA_BUNDLE_SIGNATURES_H_
