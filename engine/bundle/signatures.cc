// .signatures.json: canonical file hashing, JWT verification and signing.
#include "bundle/signatures.h"

#include <fnmatch.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "builtins/crypto_internal.h"
#include "tools/yaml_value.h"
#include "value/json.h"

namespace fedra::bundle {
namespace {

namespace crypto = ::fedra::builtins::crypto;

std::string BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace

void AppendGoJsonString(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out->append("\\\"");
        continue;
      case '\\':
        out->append("\\\\");
        continue;
      case '\n':
        out->append("\\n");
        continue;
      case '\r':
        out->append("\\r");
        continue;
      case '\t':
        out->append("\\t");
        continue;
      case '\b':
        out->append("\\b");
        continue;
      case '\f':
        out->append("\\f");
        continue;
      default:
        break;
    }
    if (c < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
      continue;
    }
    // U+2028 and U+2029 (E2 80 A8 / E2 80 A9) are escaped by encoding/json.
    if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) == 0xA8 ||
         static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      out->append(static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029");
      i += 2;
      continue;
    }
    out->push_back(static_cast<char>(c));
  }
  out->push_back('"');
}

namespace {

// An explicit stack keeps deep documents off the C++ stack (depth is
// bounded by the parser anyway).
void AppendCanonical(const Value& root, std::string* out) {
  struct Frame {
    const Value* v;
    size_t next;
  };
  std::vector<Frame> stack;
  auto open = [&](const Value* v) {
    switch (v->kind()) {
      case Kind::kObject:
        out->push_back('{');
        stack.push_back({v, 0});
        break;
      case Kind::kArray:
      case Kind::kSet:
        out->push_back('[');
        stack.push_back({v, 0});
        break;
      case Kind::kString:
        AppendGoJsonString(v->str(), out);
        break;
      default:
        AppendJson(*v, out);
    }
  };
  open(&root);
  while (!stack.empty()) {
    Frame& f = stack.back();
    const Value* v = f.v;
    size_t n = v->size();
    if (f.next == n) {
      out->push_back(v->is_object() ? '}' : ']');
      stack.pop_back();
      continue;
    }
    if (f.next > 0) out->push_back(',');
    size_t i = f.next++;
    if (v->is_object()) {
      const ObjectEntry& e = v->object()[i];
      if (e.first.is_string()) {
        AppendGoJsonString(e.first.str(), out);
      } else {
        AppendGoJsonString(ToJson(e.first), out);
      }
      out->push_back(':');
      open(&e.second);  // may reallocate `stack`: `f` is not used after this
    } else {
      open(v->is_array() ? &v->array()[i] : &v->set()[i]);
    }
  }
}

const EVP_MD* HashAlgorithm(std::string_view name) {
  if (name == "MD5") return EVP_md5();
  if (name == "SHA-1") return EVP_sha1();
  if (name == "SHA-224") return EVP_sha224();
  if (name == "SHA-256") return EVP_sha256();
  if (name == "SHA-384") return EVP_sha384();
  if (name == "SHA-512") return EVP_sha512();
  if (name == "SHA-512-224") return EVP_sha512_224();
  if (name == "SHA-512-256") return EVP_sha512_256();
  return nullptr;
}

Status ParseStructured(std::string_view path, std::string_view contents, const Limits& limits,
                       Value* out) {
  std::string base = BaseName(path);
  if (base == "data.yaml" || base == "data.yml") {
    tools::YamlLimits yl;
    yl.max_depth = limits.max_json_depth;
    yl.max_bytes = limits.max_entry_bytes;
    return tools::ParseYaml(contents, out, path, yl);
  }
  JsonLimits jl;
  jl.max_depth = limits.max_json_depth;
  jl.max_bytes = limits.max_entry_bytes;
  return ParseJson(contents, out, path, jl);
}

std::string Hex(std::string_view bytes) { return crypto::HexEncode(bytes); }

bool HexDecode(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

bool IsHmac(std::string_view alg) { return alg.substr(0, 2) == "HS"; }

// A verification key from PEM text (public key, RSA public key, certificate)
// or, for HS*, the secret itself.
Status PublicKey(const VerificationKey& vk, crypto::JwkKey* out) {
  if (!crypto::IsTokenAlgorithm(vk.algorithm)) {
    return Status::InvalidArgument("verification key \"" + vk.id + "\": unsupported algorithm \"" +
                                   vk.algorithm + "\"");
  }
  if (IsHmac(vk.algorithm)) {
    out->is_secret = true;
    out->secret = vk.key;
    return Status::OK();
  }
  crypto::PemBlock block;
  std::string_view rest;
  if (!crypto::PemDecode(vk.key, &block, &rest)) {
    return Status::InvalidArgument("verification key \"" + vk.id + "\": no PEM block found");
  }
  const unsigned char* p = reinterpret_cast<const unsigned char*>(block.bytes.data());
  long len = static_cast<long>(block.bytes.size());
  EVP_PKEY* key = nullptr;
  if (block.type == "PUBLIC KEY") {
    key = d2i_PUBKEY(nullptr, &p, len);
  } else if (block.type == "RSA PUBLIC KEY") {
    key = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, len);
  } else if (block.type == "CERTIFICATE") {
    crypto::X509Ptr cert(d2i_X509(nullptr, &p, len));
    if (cert) key = X509_get_pubkey(cert.get());
  } else {
    return Status::InvalidArgument("verification key \"" + vk.id +
                                   "\": unsupported PEM block type " + block.type);
  }
  if (key == nullptr) {
    return Status::InvalidArgument("verification key \"" + vk.id +
                                   "\": " + crypto::OpenSslError("cannot parse the key"));
  }
  out->pkey.reset(key);
  return Status::OK();
}

Status PrivateKey(const SigningConfig& sc, crypto::JwkKey* out) {
  if (!crypto::IsTokenAlgorithm(sc.algorithm)) {
    return Status::InvalidArgument("unsupported signing algorithm \"" + sc.algorithm + "\"");
  }
  if (IsHmac(sc.algorithm)) {
    out->is_secret = true;
    out->secret = sc.key;
    return Status::OK();
  }
  std::vector<crypto::PkeyPtr> keys;
  Status st = crypto::PrivateKeysFromPem(sc.key, &keys);
  if (!st.ok() || keys.empty()) {
    return Status::InvalidArgument("signing key: no private key found in PEM" +
                                   (st.ok() ? std::string() : ": " + std::string(st.message())));
  }
  out->pkey = std::move(keys[0]);
  out->is_private = true;
  return Status::OK();
}

const Value* Member(const Value& obj, std::string_view key) {
  return obj.is_object() ? obj.Find(key) : nullptr;
}

std::string StringMember(const Value& obj, std::string_view key) {
  const Value* v = Member(obj, key);
  return v != nullptr && v->is_string() ? std::string(v->str()) : std::string();
}

Status ParseFiles(const Value& payload, std::vector<FileHash>* files) {
  const Value* list = Member(payload, "files");
  if (list == nullptr || !list->is_array()) {
    return Status::InvalidArgument(".signatures.json: JWT payload has no \"files\" array");
  }
  for (size_t i = 0; i < list->size(); ++i) {
    const Value& f = list->array()[i];
    std::string where = ".signatures.json: files[" + std::to_string(i) + "]";
    if (!f.is_object()) return Status::InvalidArgument(where + " is not an object");
    for (const char* key : {"name", "hash", "algorithm"}) {
      const Value* v = f.Find(key);
      if (v != nullptr && !v->is_string())
        return Status::InvalidArgument(where + "." + key + " is not a string");
    }
    FileHash fh{StringMember(f, "name"), StringMember(f, "hash"), StringMember(f, "algorithm")};
    if (!fh.name.empty() && fh.name[0] == '/') fh.name.erase(0, 1);
    files->push_back(std::move(fh));
  }
  return Status::OK();
}

}  // namespace

bool IsStructuredDoc(std::string_view path) {
  std::string base = BaseName(path);
  return base == "data.json" || base == "data.yaml" || base == kManifestFile;
}

std::string CanonicalJson(const Value& v) {
  std::string out;
  AppendCanonical(v, &out);
  return out;
}

Status HashFile(std::string_view path, std::string_view contents, std::string_view algorithm,
                const Limits& limits, std::string* digest) {
  const EVP_MD* md = HashAlgorithm(algorithm);
  if (md == nullptr)
    return Status::InvalidArgument("unsupported hashing algorithm: " + std::string(algorithm));
  std::string canonical;
  std::string_view bytes = contents;
  if (IsStructuredDoc(path)) {
    std::string base = BaseName(path);
    if (base == "data.yaml" || base == "data.yml") {
      Value v;
      FEDRA_RETURN_IF_ERROR(ParseStructured(path, contents, limits, &v));
      canonical = CanonicalJson(v);
    } else {
      FEDRA_RETURN_IF_ERROR(CanonicalJsonText(contents, path, limits, &canonical));
    }
    bytes = canonical;
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), out, &n, md, nullptr) != 1) {
    return Status::Internal("digest failed for " + std::string(path));
  }
  digest->assign(reinterpret_cast<char*>(out), n);
  return Status::OK();
}

Status VerifySignatureFile(std::string_view signatures_json, const VerificationConfig& config,
                           const Limits& limits, std::vector<FileHash>* files) {
  JsonLimits jl;
  jl.max_depth = limits.max_json_depth;
  Value doc;
  FEDRA_RETURN_IF_ERROR(ParseJson(signatures_json, &doc, kSignaturesFile, jl));
  if (!doc.is_object()) return Status::InvalidArgument(".signatures.json: not a JSON object");
  if (std::string plugin = StringMember(doc, "plugin"); !plugin.empty()) {
    return Status::InvalidArgument(".signatures.json: signature plugin \"" + plugin +
                                   "\" is not supported");
  }
  const Value* sigs = doc.Find("signatures");
  if (sigs == nullptr || !sigs->is_array() || sigs->empty()) {
    return Status::InvalidArgument(".signatures.json: missing JWT (expected exactly one)");
  }
  if (sigs->size() > 1) {
    return Status::InvalidArgument(
        ".signatures.json: multiple JWTs not supported (expected exactly one)");
  }
  if (!sigs->array()[0].is_string())
    return Status::InvalidArgument(".signatures.json: the JWT is not a string");
  std::string_view token = sigs->array()[0].str();
  size_t d1 = token.find('.');
  size_t d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) {
    return Status::InvalidArgument(
        ".signatures.json: the JWT is not in compact form (header.payload.signature)");
  }
  std::string header_json, payload_json, sig;
  if (!crypto::UrlBase64DecodeLenient(token.substr(0, d1), &header_json).ok() ||
      !crypto::UrlBase64DecodeLenient(token.substr(d1 + 1, d2 - d1 - 1), &payload_json).ok() ||
      !crypto::UrlBase64DecodeLenient(token.substr(d2 + 1), &sig).ok()) {
    return Status::InvalidArgument(".signatures.json: the JWT is not valid base64url");
  }
  Value header, payload;
  Status st = ParseJson(header_json, &header, "JWT header", jl);
  if (!st.ok() || !header.is_object())
    return Status::InvalidArgument(".signatures.json: failed to parse JWT headers");
  st = ParseJson(payload_json, &payload, "JWT payload", jl);
  if (!st.ok() || !payload.is_object())
    return Status::InvalidArgument(".signatures.json: failed to parse JWT payload");

  // OPA's order: the configured key id, then the header's kid, then the
  // deprecated keyid claim.
  std::string key_id = config.key_id;
  if (key_id.empty()) key_id = StringMember(header, "kid");
  if (key_id.empty()) key_id = StringMember(payload, "keyid");
  if (key_id.empty())
    return Status::InvalidArgument(".signatures.json: verification key ID is empty");
  auto it = std::find_if(config.keys.begin(), config.keys.end(),
                         [&](const VerificationKey& k) { return k.id == key_id; });
  if (it == config.keys.end()) {
    return Status::InvalidArgument(".signatures.json: verification key corresponding to ID \"" +
                                   key_id + "\" not found");
  }
  // The key's configured algorithm decides, never the token's header
  // ("alg": "none" or an HMAC downgrade cannot get through).
  std::string alg = StringMember(header, "alg");
  if (alg != it->algorithm) {
    return Status::InvalidArgument(".signatures.json: JWT algorithm \"" + alg +
                                   "\" does not match key \"" + key_id + "\" (" + it->algorithm +
                                   ")");
  }
  crypto::JwkKey key;
  FEDRA_RETURN_IF_ERROR(PublicKey(*it, &key));
  std::string_view signing_input = token.substr(0, d2);
  if (!crypto::VerifyJws(key, alg, signing_input, sig)) {
    return Status::InvalidArgument(".signatures.json: JWT signature verification failed (key \"" +
                                   key_id + "\")");
  }
  std::string scope = config.scope.empty() ? it->scope : config.scope;
  if (StringMember(payload, "scope") != scope) {
    return Status::InvalidArgument(".signatures.json: scope mismatch (token \"" +
                                   StringMember(payload, "scope") + "\", expected \"" + scope +
                                   "\")");
  }
  return ParseFiles(payload, files);
}

Status VerifyEntries(const std::vector<TarEntry>& entries, const VerificationConfig& config,
                     const Limits& limits, std::vector<FileHash> files) {
  std::map<std::string, FileHash> listed;
  for (FileHash& f : files) {
    std::string name = f.name;
    listed[name] = std::move(f);
  }
  for (const TarEntry& e : entries) {
    if (e.path == kSignaturesFile) continue;
    bool excluded =
        std::any_of(config.exclude.begin(), config.exclude.end(), [&](const std::string& pattern) {
          return fnmatch(pattern.c_str(), e.path.c_str(), FNM_PATHNAME) == 0;
        });
    if (excluded) {
      listed.erase(e.path);
      continue;
    }
    auto it = listed.find(e.path);
    if (it == listed.end()) {
      return Status::InvalidArgument("bundle file \"" + e.path +
                                     "\" not included in bundle signature");
    }
    const FileHash& fh = it->second;
    if (fh.algorithm.empty()) {
      return Status::InvalidArgument("no hashing algorithm provided for file \"" + e.path + "\"");
    }
    std::string want;
    if (!HexDecode(fh.hash, &want)) {
      return Status::InvalidArgument("bundle signature: hash of \"" + e.path + "\" is not hex");
    }
    std::string got;
    FEDRA_RETURN_IF_ERROR(HashFile(e.path, e.contents, fh.algorithm, limits, &got));
    if (got != want) {
      return Status::InvalidArgument("bundle file \"" + e.path + "\": digest mismatch (want " +
                                     Hex(want) + ", got " + Hex(got) + ")");
    }
    listed.erase(it);
  }
  if (!listed.empty()) {
    std::string names;
    for (const auto& [name, fh] : listed) {
      if (!names.empty()) names += ", ";
      names += "\"" + name + "\"";
    }
    return Status::InvalidArgument(
        "file(s) " + names + " specified in bundle signatures but not found in the target bundle");
  }
  return Status::OK();
}

Status SignEntries(const std::vector<TarEntry>& entries, const SigningConfig& config,
                   std::string* out) {
  crypto::JwkKey key;
  FEDRA_RETURN_IF_ERROR(PrivateKey(config, &key));
  Limits limits;
  std::vector<Value> files;
  for (const TarEntry& e : entries) {
    if (e.path == kSignaturesFile) continue;
    std::string digest;
    FEDRA_RETURN_IF_ERROR(HashFile(e.path, e.contents, "SHA-256", limits, &digest));
    files.push_back(Value::Object({{Value::String("name"), Value::String(e.path)},
                                   {Value::String("hash"), Value::String(Hex(digest))},
                                   {Value::String("algorithm"), Value::String("SHA-256")}}));
  }
  std::vector<ObjectEntry> claims;
  if (config.extra_claims.is_object()) {
    for (const ObjectEntry& e : config.extra_claims.object()) claims.push_back(e);
  }
  claims.push_back({Value::String("files"), Value::Array(std::move(files))});
  if (!config.scope.empty())
    claims.push_back({Value::String("scope"), Value::String(config.scope)});
  std::vector<ObjectEntry> header = {{Value::String("alg"), Value::String(config.algorithm)},
                                     {Value::String("typ"), Value::String("JWT")}};
  if (!config.key_id.empty())
    header.push_back({Value::String("kid"), Value::String(config.key_id)});
  std::string signing_input =
      crypto::Base64Encode(ToJson(Value::Object(std::move(header))), crypto::B64::kUrl, false) +
      "." +
      crypto::Base64Encode(ToJson(Value::Object(std::move(claims))), crypto::B64::kUrl, false);
  std::string sig;
  Status st = crypto::SignJws(key, config.algorithm, signing_input, &sig);
  if (!st.ok()) return Status::InvalidArgument("signing the bundle: " + std::string(st.message()));
  std::string token = signing_input + "." + crypto::Base64Encode(sig, crypto::B64::kUrl, false);
  *out =
      ToJson(Value::Object({{Value::String("signatures"), Value::Array({Value::String(token)})}}),
             true) +
      "\n";
  return Status::OK();
}

}  // namespace fedra::bundle
