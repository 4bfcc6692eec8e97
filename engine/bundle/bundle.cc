// ReadBundle: archive entries -> a validated Bundle (manifest, data, modules,
// roots, signatures).
#include "bundle/bundle.h"

#include <fnmatch.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bundle/archive.h"
#include "bundle/bundle_internal.h"
#include "bundle/signatures.h"
#include "syntax/parser.h"
#include "tools/yaml_value.h"
#include "value/json.h"

namespace fedra::bundle {
namespace {

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > i) out.emplace_back(path.substr(i, slash - i));
    i = slash + 1;
  }
  return out;
}

bool HasPrefix(const std::vector<std::string>& path, const std::vector<std::string>& prefix) {
  if (prefix.size() > path.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), path.begin());
}

std::string RootsText(const std::vector<std::string>& roots) {
  std::string out = "[";
  for (size_t i = 0; i < roots.size(); ++i) {
    if (i > 0) out += ", ";
    out += "\"" + roots[i] + "\"";
  }
  return out + "]";
}

std::string Dir(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

std::string Base(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Data under construction: data files merge into one tree as OPA merges
// them (objects merge key by key; any other collision is a conflict). A
// value lands whole in an empty node (kLeaf, object or not) and an object
// leaf is only split into children when a second file merges into it, so
// the common bundle (one data.json) is never taken apart and rebuilt.
struct DataNode {
  enum class Kind { kUnset, kObject, kLeaf } kind = Kind::kUnset;
  Value leaf;
  std::map<std::string, std::unique_ptr<DataNode>> children;
};

std::string KeyText(const Value& key) {
  return key.is_string() ? std::string(key.str()) : ToJson(key);
}

Status Conflict(const std::string& file, const std::string& path) {
  return Status::InvalidArgument("bundle: " + file + ": data at \"/" + path +
                                 "\" conflicts with another data file");
}

// Makes `node` an object node that children can be added to. False when it
// holds a non-object value.
bool OpenObject(DataNode* node) {
  if (node->kind == DataNode::Kind::kObject) return true;
  if (node->kind == DataNode::Kind::kUnset) {
    node->kind = DataNode::Kind::kObject;
    return true;
  }
  if (!node->leaf.is_object()) return false;
  for (const ObjectEntry& e : node->leaf.object()) {
    auto child = std::make_unique<DataNode>();
    child->kind = DataNode::Kind::kLeaf;
    child->leaf = e.second;
    node->children[KeyText(e.first)] = std::move(child);
  }
  node->leaf = Value();
  node->kind = DataNode::Kind::kObject;
  return true;
}

Status Insert(DataNode* node, const Value& v, std::string* path, const std::string& file) {
  if (node->kind == DataNode::Kind::kUnset) {
    node->kind = DataNode::Kind::kLeaf;
    node->leaf = v;
    return Status::OK();
  }
  if (!v.is_object() || !OpenObject(node)) return Conflict(file, *path);
  for (const ObjectEntry& e : v.object()) {
    auto& child = node->children[KeyText(e.first)];
    if (!child) child = std::make_unique<DataNode>();
    size_t len = path->size();
    if (!path->empty()) *path += '/';
    *path += KeyText(e.first);
    Status st = Insert(child.get(), e.second, path, file);
    path->resize(len);
    if (!st.ok()) return st;
  }
  return Status::OK();
}

Value ToValue(const DataNode& node) {
  if (node.kind == DataNode::Kind::kLeaf) return node.leaf;
  std::vector<ObjectEntry> entries;
  entries.reserve(node.children.size());
  for (const auto& [key, child] : node.children)
    entries.push_back({Value::String(key), ToValue(*child)});
  return Value::Object(std::move(entries));
}

// OPA's check: every data path lies under a root, or is an object on the
// way to one.
Status CheckDataRoots(const Value& v, std::vector<std::string>* path,
                      const std::vector<std::vector<std::string>>& roots,
                      const std::vector<std::string>& root_text) {
  for (const auto& r : roots) {
    if (HasPrefix(*path, r)) return Status::OK();
  }
  std::string joined;
  for (const std::string& s : *path) joined += (joined.empty() ? "" : "/") + s;
  if (v.is_object()) {
    bool leads_to_root =
        std::any_of(roots.begin(), roots.end(), [&](const auto& r) { return HasPrefix(r, *path); });
    if (leads_to_root) {
      for (const ObjectEntry& e : v.object()) {
        path->push_back(e.first.is_string() ? std::string(e.first.str()) : ToJson(e.first));
        Status st = CheckDataRoots(e.second, path, roots, root_text);
        path->pop_back();
        if (!st.ok()) return st;
      }
      return Status::OK();
    }
  }
  return Status::InvalidArgument("bundle: manifest roots " + RootsText(root_text) +
                                 " do not permit data at path \"/" + joined +
                                 "\" (hint: check the bundle's directory structure)");
}

Status ParseManifest(const TarEntry& e, const ReadOptions& options, Bundle* b,
                     std::vector<std::pair<std::string, int>>* file_versions) {
  JsonLimits jl;
  jl.max_depth = options.limits.max_json_depth;
  Value m;
  FEDRA_RETURN_IF_ERROR(ParseJson(e.contents, &m, kManifestFile, jl).WithContext("bundle"));
  if (!m.is_object()) return Status::InvalidArgument("bundle: .manifest: not a JSON object");
  if (const Value* v = m.Find("revision"); v != nullptr && !v->is_null()) {
    if (!v->is_string())
      return Status::InvalidArgument("bundle: .manifest: \"revision\" must be a string");
    b->revision = std::string(v->str());
  }
  if (const Value* v = m.Find("roots"); v != nullptr && !v->is_null()) {
    if (!v->is_array())
      return Status::InvalidArgument("bundle: .manifest: \"roots\" must be an array of strings");
    b->roots.clear();
    for (size_t i = 0; i < v->size(); ++i) {
      const Value& r = v->array()[i];
      if (!r.is_string()) {
        return Status::InvalidArgument("bundle: .manifest: roots[" + std::to_string(i) +
                                       "] must be a string");
      }
      std::string_view s = r.str();
      while (!s.empty() && s.front() == '/') s.remove_prefix(1);
      while (!s.empty() && s.back() == '/') s.remove_suffix(1);
      b->roots.emplace_back(s);
    }
  }
  if (const Value* v = m.Find("metadata"); v != nullptr && !v->is_null()) {
    if (!v->is_object())
      return Status::InvalidArgument("bundle: .manifest: \"metadata\" must be an object");
    b->metadata = *v;
  }
  auto version = [](const Value& v, int* out) {
    int64_t i = 0;
    if (!v.is_number() || !v.AsInt64(&i) || (i != 0 && i != 1)) return false;
    *out = static_cast<int>(i);
    return true;
  };
  if (const Value* v = m.Find("rego_version"); v != nullptr && !v->is_null()) {
    int rv = 0;
    if (!version(*v, &rv))
      return Status::InvalidArgument("bundle: .manifest: \"rego_version\" must be 0 or 1");
    b->rego_version = rv;
  }
  if (const Value* v = m.Find("file_rego_versions"); v != nullptr && !v->is_null()) {
    if (!v->is_object())
      return Status::InvalidArgument("bundle: .manifest: \"file_rego_versions\" must be an object");
    for (const ObjectEntry& fe : v->object()) {
      int rv = 0;
      if (!fe.first.is_string() || !version(fe.second, &rv)) {
        return Status::InvalidArgument("bundle: .manifest: file_rego_versions[" + ToJson(fe.first) +
                                       "] must be 0 or 1");
      }
      std::string pattern(fe.first.str());
      while (!pattern.empty() && pattern.front() == '/') pattern.erase(0, 1);
      file_versions->emplace_back(std::move(pattern), rv);
    }
  }
  return Status::OK();
}

// The package path of a module as root segments ("data.a.b" -> {a, b}).
Status PackagePath(const Module& m, std::vector<std::string>* out) {
  syntax::ParseOptions po;
  po.version = m.rego_version == 0 ? ast::RegoVersion::kV0 : ast::RegoVersion::kV1;
  ast::Module parsed;
  FEDRA_RETURN_IF_ERROR(syntax::ParseModule(m.source, m.path, po, &parsed));
  out->clear();
  const auto& items = parsed.package.items;
  for (size_t i = 1; i < items.size(); ++i) {
    const Value& v = items[i].value;
    out->push_back(v.is_string() ? std::string(v.str()) : ToJson(v));
  }
  return Status::OK();
}

}  // namespace

Status BuildBundle(std::vector<TarEntry> entries, const ReadOptions& options, bool verify,
                   Bundle* out) {
  Bundle b;
  const TarEntry* signatures = nullptr;
  const TarEntry* manifest = nullptr;
  for (const TarEntry& e : entries) {
    if (e.path == kSignaturesFile) signatures = &e;
    if (e.path == kManifestFile) manifest = &e;
    if (Base(e.path) == "patch.json") {
      return Status::InvalidArgument("bundle: " + e.path + ": delta bundles are not supported");
    }
  }
  if (verify && !options.skip_verification) {
    if (options.verification.has_value()) {
      if (signatures == nullptr)
        return Status::InvalidArgument("bundle: missing .signatures.json file");
      std::vector<FileHash> files;
      FEDRA_RETURN_IF_ERROR(
          VerifySignatureFile(signatures->contents, *options.verification, options.limits, &files)
              .WithContext("bundle"));
      FEDRA_RETURN_IF_ERROR(
          VerifyEntries(entries, *options.verification, options.limits, std::move(files))
              .WithContext("bundle"));
      b.signed_bundle = true;
    } else if (signatures != nullptr) {
      return Status::InvalidArgument(
          "bundle: bundle is signed (.signatures.json) but no verification key is configured");
    }
  }

  std::vector<std::pair<std::string, int>> file_versions;
  if (manifest != nullptr)
    FEDRA_RETURN_IF_ERROR(ParseManifest(*manifest, options, &b, &file_versions));
  for (size_t i = 0; i < b.roots.size(); ++i) {
    for (size_t j = i + 1; j < b.roots.size(); ++j) {
      auto a = Segments(b.roots[i]), c = Segments(b.roots[j]);
      if (HasPrefix(a, c) || HasPrefix(c, a)) {
        return Status::InvalidArgument("bundle: manifest has overlapped roots: \"" + b.roots[i] +
                                       "\" and \"" + b.roots[j] + "\"");
      }
    }
  }
  std::vector<std::vector<std::string>> roots;
  for (const std::string& r : b.roots) roots.push_back(Segments(r));

  DataNode data;  // stays kUnset (an empty object) when there is no data
  for (TarEntry& e : entries) {
    std::string base = Base(e.path);
    if (EndsWith(e.path, ".rego")) {
      Module m;
      m.path = e.path;
      m.source = std::move(e.contents);
      m.rego_version = b.rego_version.value_or(options.default_rego_version);
      for (const auto& [pattern, rv] : file_versions) {
        if (fnmatch(pattern.c_str(), m.path.c_str(), FNM_PATHNAME) == 0) {
          m.rego_version = rv;
          break;
        }
      }
      b.modules.push_back(std::move(m));
      continue;
    }
    bool json = base == "data.json";
    bool yaml = base == "data.yaml" || base == "data.yml";
    if (!json && !yaml) continue;  // .manifest, .signatures.json, wasm, plans, READMEs: not data
    Value v;
    if (json) {
      JsonLimits jl;
      jl.max_depth = options.limits.max_json_depth;
      jl.max_bytes = options.limits.max_entry_bytes;
      FEDRA_RETURN_IF_ERROR(ParseJson(e.contents, &v, e.path, jl).WithContext("bundle"));
    } else {
      tools::YamlLimits yl;
      yl.max_depth = options.limits.max_json_depth;
      yl.max_bytes = options.limits.max_entry_bytes;
      FEDRA_RETURN_IF_ERROR(tools::ParseYaml(e.contents, &v, e.path, yl).WithContext("bundle"));
    }
    std::vector<std::string> dir = Segments(Dir(e.path));
    if (dir.empty() && !v.is_object()) {
      return Status::InvalidArgument("bundle: " + e.path +
                                     ": data at the bundle root must be an object");
    }
    DataNode* node = &data;
    std::string path;
    for (const std::string& seg : dir) {
      if (!OpenObject(node)) return Conflict(e.path, path);
      auto& child = node->children[seg];
      if (!child) child = std::make_unique<DataNode>();
      node = child.get();
      path += (path.empty() ? "" : "/") + seg;
    }
    FEDRA_RETURN_IF_ERROR(Insert(node, v, &path, e.path));
  }
  b.data = ToValue(data);
  std::sort(b.modules.begin(), b.modules.end(),
            [](const Module& x, const Module& y) { return x.path < y.path; });

  for (const Module& m : b.modules) {
    std::vector<std::string> pkg;
    FEDRA_RETURN_IF_ERROR(PackagePath(m, &pkg));
    bool ok =
        std::any_of(roots.begin(), roots.end(), [&](const auto& r) { return HasPrefix(pkg, r); });
    if (!ok) {
      std::string name = "data";
      for (const std::string& s : pkg) name += "." + s;
      return Status::InvalidArgument("bundle: manifest roots " + RootsText(b.roots) +
                                     " do not permit package " + name + " in module " + m.path);
    }
  }
  std::vector<std::string> path;
  FEDRA_RETURN_IF_ERROR(CheckDataRoots(b.data, &path, roots, b.roots));
  *out = std::move(b);
  return Status::OK();
}

Status ReadBundle(std::string_view targz, const ReadOptions& options, Bundle* out) {
  std::vector<TarEntry> entries;
  FEDRA_RETURN_IF_ERROR(ReadTarGz(targz, options.limits, &entries).WithContext("bundle"));
  return BuildBundle(std::move(entries), options, /*verify=*/true, out);
}

}  // namespace fedra::bundle
