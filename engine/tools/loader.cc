#include "tools/loader.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "tools/file_util.h"
#include "tools/yaml_value.h"
#include "value/json.h"

namespace fedra::tools {
namespace fs = std::filesystem;
namespace {

// Documents nest at most this deep (JSON and YAML parsing stop earlier); the
// bound keeps the recursive merge safe whatever the documents hold.
constexpr size_t kMaxMergeDepth = 2000;

enum class FileKind { kRego, kData, kOther };

FileKind KindOf(const fs::path& p) {
  std::string ext = p.extension().string();
  if (ext == ".rego") return FileKind::kRego;
  if (ext == ".json" || ext == ".yaml" || ext == ".yml") return FileKind::kData;
  return FileKind::kOther;
}

std::string DataPath(const std::vector<std::string>& keys) {
  std::string s = "data";
  for (const std::string& k : keys) s += "." + k;
  return s;
}

Status MergeObjects(const Value& a, const Value& b, std::vector<std::string>& where,
                    std::string_view origin, size_t depth, Value* out) {
  if (depth > kMaxMergeDepth) {
    return Status::InvalidArgument(std::string(origin) + ": merge error: nesting deeper than " +
                                   std::to_string(kMaxMergeDepth) + " levels");
  }
  std::vector<ObjectEntry> entries(a.object().begin(), a.object().end());
  for (const ObjectEntry& e : b.object()) {
    auto it = std::lower_bound(
        entries.begin(), entries.end(), e.first,
        [](const ObjectEntry& x, const Value& key) { return Compare(x.first, key) < 0; });
    if (it == entries.end() || it->first != e.first) {
      entries.insert(it, e);
      continue;
    }
    where.push_back(e.first.is_string() ? std::string(e.first.str()) : ToJson(e.first));
    if (!it->second.is_object() || !e.second.is_object()) {
      return Status::InvalidArgument(std::string(origin) + ": merge error: " + DataPath(where) +
                                     " is already defined by another file");
    }
    Value merged;
    FEDRA_RETURN_IF_ERROR(MergeObjects(it->second, e.second, where, origin, depth + 1, &merged));
    where.pop_back();
    it->second = std::move(merged);
  }
  *out = Value::Object(std::move(entries));
  return Status::OK();
}

Status LoadFile(const fs::path& file, const std::vector<std::string>& keys,
                const LoadOptions& options, LoadedFiles* out) {
  switch (KindOf(file)) {
    case FileKind::kRego: {
      std::string text;
      FEDRA_RETURN_IF_ERROR(ReadFile(file.string(), &text));
      out->modules.emplace_back(file.string(), std::move(text));
      return Status::OK();
    }
    case FileKind::kData: {
      if (!options.load_data) return Status::OK();
      Value doc;
      FEDRA_RETURN_IF_ERROR(ReadDocument(file.string(), &doc));
      return MergeAt(out->data, keys, doc, file.string(), &out->data);
    }
    case FileKind::kOther:
      return Status::OK();
  }
  return Status::OK();
}

}  // namespace

Status ReadDocument(const std::string& path, Value* out) {
  std::string text;
  FEDRA_RETURN_IF_ERROR(ReadFile(path, &text));
  std::string ext = fs::path(path).extension().string();
  if (ext == ".yaml" || ext == ".yml") return ParseYaml(text, out, path);
  return ParseJson(text, out, path == "-" ? "stdin" : path);
}

Status MergeAt(const Value& base, std::span<const std::string> path, const Value& doc,
               std::string_view origin, Value* out) {
  if (path.empty() && !doc.is_object()) {
    return Status::InvalidArgument(std::string(origin) +
                                   ": a data file at the root must hold an object, not " +
                                   std::string(KindName(doc.kind())));
  }
  Value wrapped = doc;
  for (size_t i = path.size(); i-- > 0;) {
    wrapped = Value::Object({{Value::String(path[i]), std::move(wrapped)}});
  }
  std::vector<std::string> where;
  return MergeObjects(base, wrapped, where, origin, 0, out);
}

Status LoadPaths(const std::vector<std::string>& paths, const LoadOptions& options,
                 LoadedFiles* out) {
  for (const std::string& root : paths) {
    std::error_code ec;
    fs::file_status st = fs::status(root, ec);
    if (ec || !fs::exists(st)) return Status::NotFound(root + ": no such file or directory");
    if (!fs::is_directory(st)) {
      if (KindOf(root) == FileKind::kOther) {
        return Status::InvalidArgument(root + ": not a .rego, .json, .yaml or .yml file");
      }
      FEDRA_RETURN_IF_ERROR(LoadFile(root, {}, options, out));
      continue;
    }
    std::vector<fs::path> files;
    fs::recursive_directory_iterator it(root, ec), end;
    if (ec) return Status::IoError(root + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) return Status::IoError(root + ": " + ec.message());
      std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec) && KindOf(it->path()) != FileKind::kOther) {
        files.push_back(it->path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      std::vector<std::string> keys;
      for (const auto& part : file.parent_path().lexically_relative(root)) {
        std::string k = part.string();
        if (!k.empty() && k != ".") keys.push_back(std::move(k));
      }
      FEDRA_RETURN_IF_ERROR(LoadFile(file, keys, options, out));
    }
  }
  return Status::OK();
}

}  // namespace fedra::tools
