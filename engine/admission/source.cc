// Policy sources: a directory on disk, or a bundle's data + modules.
#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>

#include "admission/documents.h"
#include "admission/fields.h"
#include "admission/revision.h"
#include "tools/file_util.h"
#include "tools/loader.h"

namespace fedra::admission {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxRegoBytes = 16u << 20;

bool IsYaml(const fs::path& p) { return p.extension() == ".yaml" || p.extension() == ".yml"; }
bool IsDataFile(const fs::path& p) {
  std::string n = p.filename().string();
  return n == "data.json" || n == "data.yaml" || n == "data.yml";
}
bool IsPolicyFile(const fs::path& p) {
  std::string n = p.filename().string();
  return n == "policy.yaml" || n == "policy.yml";
}

// Entries of `dir`, sorted, without names starting with '.'.
Status ListDir(const fs::path& dir, std::vector<fs::directory_entry>* out) {
  out->clear();
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return Status::IoError(dir.string() + ": " + ec.message());
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return Status::IoError(dir.string() + ": " + ec.message());
    if (it->path().filename().string().starts_with(".")) continue;
    out->push_back(*it);
  }
  std::sort(out->begin(), out->end(),
            [](const auto& a, const auto& b) { return a.path() < b.path(); });
  return Status::OK();
}

// Records where the first `count` (inline) modules of `spec`, from document
// `doc_index` of the manifest `text`, start in it.
void LocateInlineModules(const std::string& text, size_t doc_index, const std::string& file,
                         const PolicySpec& spec, size_t count, std::vector<ModuleOrigin>* out) {
  for (size_t i = 0; i < count && i < spec.modules.size(); ++i) {
    uint32_t line = 0, col = 0;
    if (FindLiteralBlock(text, doc_index, spec.modules[i].rego, &line, &col)) {
      out->push_back({spec.modules[i].name, file, line, col});
    }
  }
}

class DirLoader {
 public:
  explicit DirLoader(fs::path root) : root_(std::move(root)) {}

  Status Load(PolicySource* out) {
    std::error_code ec;
    if (!fs::is_directory(root_, ec)) {
      return Status::NotFound(root_.string() + ": not a directory");
    }
    out_ = out;
    return Walk(root_, 0);
  }

 private:
  std::string Rel(const fs::path& p) const { return p.lexically_relative(root_).generic_string(); }

  Status Walk(const fs::path& dir, int depth) {
    if (depth > 64)
      return Status::InvalidArgument(dir.string() + ": directories nested too deeply");
    std::vector<fs::directory_entry> entries;
    FEDRA_RETURN_IF_ERROR(ListDir(dir, &entries));
    // A directory with policy.yaml is one policy: its .rego files are its modules.
    const fs::directory_entry* policy_file = nullptr;
    for (const auto& e : entries) {
      if (e.is_regular_file() && IsPolicyFile(e.path())) {
        if (policy_file) {
          return Status::InvalidArgument(dir.string() + ": both policy.yaml and policy.yml");
        }
        policy_file = &e;
      }
    }
    std::vector<PolicyModule> dir_modules;
    for (const auto& e : entries) {
      std::error_code ec;
      if (e.is_directory(ec)) {
        FEDRA_RETURN_IF_ERROR(Walk(e.path(), depth + 1));
        continue;
      }
      if (!e.is_regular_file(ec)) continue;
      const fs::path& p = e.path();
      if (IsDataFile(p)) {
        FEDRA_RETURN_IF_ERROR(LoadData(p));
      } else if (p.extension() == ".rego") {
        PolicyModule m;
        m.name = Rel(p);
        FEDRA_RETURN_IF_ERROR(tools::ReadFile(p.string(), &m.rego, kMaxRegoBytes));
        (policy_file ? dir_modules : out_->modules).push_back(std::move(m));
      } else if (IsYaml(p) && !IsPolicyFile(p)) {
        FEDRA_RETURN_IF_ERROR(LoadManifests(p));
      }
    }
    if (policy_file) {
      FEDRA_RETURN_IF_ERROR(LoadPolicyDirectory(policy_file->path(), std::move(dir_modules)));
    }
    return Status::OK();
  }

  Status LoadData(const fs::path& p) {
    Value doc;
    FEDRA_RETURN_IF_ERROR(tools::ReadDocument(p.string(), &doc));
    std::vector<std::string> keys;
    for (const auto& part : p.parent_path().lexically_relative(root_)) {
      std::string s = part.string();
      if (s != "." && !s.empty()) keys.push_back(s);
    }
    return tools::MergeAt(out_->data, keys, doc, Rel(p), &out_->data);
  }

  Status LoadManifests(const fs::path& p) {
    std::string text;
    FEDRA_RETURN_IF_ERROR(tools::ReadFile(p.string(), &text, kMaxRegoBytes));
    std::vector<Value> docs;
    FEDRA_RETURN_IF_ERROR(ParseDocuments(text, p.string(), &docs));
    for (size_t i = 0; i < docs.size(); ++i) {
      PolicySpec spec;
      Status s = ParsePolicy(docs[i], "", &spec);
      if (!s.ok()) {
        return s.WithContext(Rel(p) +
                             (docs.size() > 1 ? " (document " + std::to_string(i + 1) + ")" : ""));
      }
      NameInlineModules(&spec);
      if (spec.modules.empty()) {
        return Status::InvalidArgument(Rel(p) + ": policy \"" + spec.name +
                                       "\": spec.modules: required");
      }
      LocateInlineModules(text, i, Rel(p), spec, spec.modules.size(), &out_->origins);
      out_->policies.push_back(std::move(spec));
    }
    return Status::OK();
  }

  Status LoadPolicyDirectory(const fs::path& p, std::vector<PolicyModule> modules) {
    std::string text;
    FEDRA_RETURN_IF_ERROR(tools::ReadFile(p.string(), &text, kMaxRegoBytes));
    std::vector<Value> docs;
    FEDRA_RETURN_IF_ERROR(ParseDocuments(text, p.string(), &docs));
    if (docs.size() != 1) {
      return Status::InvalidArgument(Rel(p) + ": expected one policy document, found " +
                                     std::to_string(docs.size()));
    }
    PolicySpec spec;
    std::string dir_name = p.parent_path().filename().string();
    if (Status s = ParsePolicy(docs[0], dir_name, &spec); !s.ok()) return s.WithContext(Rel(p));
    NameInlineModules(&spec);
    LocateInlineModules(text, 0, Rel(p), spec, spec.modules.size(), &out_->origins);
    for (PolicyModule& m : modules) spec.modules.push_back(std::move(m));
    if (spec.modules.empty()) {
      return Status::InvalidArgument(Rel(p) + ": policy \"" + spec.name +
                                     "\" has no modules (no .rego files beside it)");
    }
    out_->policies.push_back(std::move(spec));
    return Status::OK();
  }

  // Inline modules are named "<policy>/<module>" so compile errors say where.
  static void NameInlineModules(PolicySpec* spec) {
    for (PolicyModule& m : spec->modules) m.name = spec->name + "/" + m.name;
  }

  fs::path root_;
  PolicySource* out_ = nullptr;
};

void AppendPiece(std::string* buf, std::string_view piece) {
  *buf += std::to_string(piece.size());
  *buf += ':';
  *buf += piece;
}

}  // namespace

Status LoadPolicyDir(const std::string& dir, PolicySource* out) {
  *out = PolicySource{};
  DirLoader loader{fs::path(dir)};
  FEDRA_RETURN_IF_ERROR(loader.Load(out));
  out->revision = ContentRevision(*out);
  return Status::OK();
}

Status PoliciesFromData(const Value& data, std::vector<PolicyModule> modules, PolicySource* out) {
  using internal::FieldError;
  *out = PolicySource{};
  if (!data.is_object()) return FieldError("data", "expected an object");
  out->data = data;
  std::map<std::string, PolicyModule*> by_name;
  for (PolicyModule& m : modules) {
    if (!by_name.emplace(m.name, &m).second) {
      return Status::InvalidArgument("bundle: duplicate module " + m.name);
    }
  }
  std::set<std::string> used;
  Value policies = internal::Lookup(data, {"fedra", "policies"});
  if (policies.defined() && !policies.is_null()) {
    if (!policies.is_object()) return FieldError("data.fedra.policies", "expected an object");
    for (const auto& [key, entry] : policies.object()) {
      std::string path = "data.fedra.policies." + std::string(key.str());
      PolicySpec spec;
      spec.name = std::string(key.str());
      FEDRA_RETURN_IF_ERROR(ParsePolicySpec(entry, path, /*with_modules=*/false, &spec));
      Value refs = internal::Member(entry, "modules");
      std::string mp = internal::Join(path, "modules");
      if (!refs.is_array() || refs.empty()) {
        return FieldError(mp, "expected a non-empty array of bundle paths of .rego files");
      }
      for (size_t i = 0; i < refs.size(); ++i) {
        const Value& r = refs.array()[i];
        if (!r.is_string()) return FieldError(internal::Index(mp, i), "expected a string");
        std::string ref(r.str());
        // Bundle paths may be written with or without the leading '/'.
        auto it = by_name.find(ref);
        if (it == by_name.end()) {
          it = by_name.find(ref.starts_with("/") ? ref.substr(1) : "/" + ref);
        }
        if (it == by_name.end()) {
          return FieldError(internal::Index(mp, i), "no module \"" + ref + "\" in the bundle");
        }
        if (!used.insert(it->first).second) {
          return FieldError(internal::Index(mp, i),
                            "module \"" + ref + "\" already belongs to another policy");
        }
        spec.modules.push_back(*it->second);
      }
      out->policies.push_back(std::move(spec));
    }
  }
  for (PolicyModule& m : modules) {
    if (!used.count(m.name)) out->modules.push_back(std::move(m));
  }
  out->revision = ContentRevision(*out);
  return Status::OK();
}

std::string ContentRevision(const PolicySource& source) {
  std::vector<const PolicySpec*> policies;
  for (const PolicySpec& p : source.policies) policies.push_back(&p);
  std::sort(policies.begin(), policies.end(),
            [](const PolicySpec* a, const PolicySpec* b) { return a->name < b->name; });
  std::vector<const PolicyModule*> modules;
  for (const PolicyModule& m : source.modules) modules.push_back(&m);
  std::sort(modules.begin(), modules.end(),
            [](const PolicyModule* a, const PolicyModule* b) { return a->name < b->name; });
  std::string buf;
  for (const PolicySpec* p : policies) {
    AppendPiece(&buf, "policy");
    AppendPiece(&buf, p->name);
    AppendPiece(&buf, ToJson(PolicySpecToValue(*p)));
    for (const PolicyModule& m : p->modules) {
      AppendPiece(&buf, m.name);
      AppendPiece(&buf, m.rego);
    }
  }
  for (const PolicyModule* m : modules) {
    AppendPiece(&buf, "module");
    AppendPiece(&buf, m->name);
    AppendPiece(&buf, m->rego);
  }
  AppendPiece(&buf, "data");
  AppendPiece(&buf, ToJson(source.data));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(buf.data(), buf.size(), digest, &len, EVP_sha256(), nullptr) != 1) {
    return "";  // cannot happen with a built-in digest; an empty id forces a rebuild
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

}  // namespace fedra::admission
