// WriteBundle (Bundle -> deterministic .tar.gz, optionally signed) and
// LoadDirectory (a bundle laid out in a directory, for `fedra bundle build`).
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "bundle/archive.h"
#include "bundle/bundle.h"
#include "bundle/bundle_internal.h"
#include "bundle/signatures.h"
#include "tools/file_util.h"

namespace fedra::bundle {
namespace {

namespace fs = std::filesystem;

std::string ManifestJson(const Bundle& b) {
  std::vector<ObjectEntry> m;
  m.push_back({Value::String("revision"), Value::String(b.revision)});
  std::vector<Value> roots;
  for (const std::string& r : b.roots) roots.push_back(Value::String(r));
  m.push_back({Value::String("roots"), Value::Array(std::move(roots))});
  if (b.metadata.is_object() && !b.metadata.empty())
    m.push_back({Value::String("metadata"), b.metadata});
  if (b.rego_version.has_value())
    m.push_back({Value::String("rego_version"), Value::Int(*b.rego_version)});
  // Modules whose Rego version differs from the bundle's (a Gatekeeper v0
  // template beside v1 policies) are listed by path, as OPA's manifest does.
  const int default_version = b.rego_version.value_or(1);
  std::vector<ObjectEntry> per_file;
  for (const Module& mod : b.modules) {
    if (mod.rego_version != default_version) {
      per_file.push_back({Value::String("/" + mod.path), Value::Int(mod.rego_version)});
    }
  }
  if (!per_file.empty())
    m.push_back({Value::String("file_rego_versions"), Value::Object(std::move(per_file))});
  return ToJson(Value::Object(std::move(m))) + "\n";
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Status WriteBundle(const Bundle& bundle, const WriteOptions& options, std::string* targz) {
  if (!bundle.data.is_object()) return Status::InvalidArgument("bundle data must be an object");
  std::vector<TarEntry> entries;
  entries.push_back({std::string(kManifestFile), ManifestJson(bundle)});
  entries.push_back({"data.json", ToJson(bundle.data) + "\n"});
  std::vector<const Module*> modules;
  for (const Module& m : bundle.modules) modules.push_back(&m);
  std::sort(modules.begin(), modules.end(),
            [](const Module* a, const Module* b) { return a->path < b->path; });
  std::set<std::string> seen;
  for (const Module* m : modules) {
    std::string norm;
    FEDRA_RETURN_IF_ERROR(NormalizeEntryPath(m->path, &norm));
    if (norm != m->path || !EndsWith(norm, ".rego")) {
      return Status::InvalidArgument("module path \"" + m->path +
                                     "\" must be relative, normalised and end in .rego");
    }
    if (!seen.insert(norm).second)
      return Status::InvalidArgument("duplicate module path \"" + m->path + "\"");
    entries.push_back({norm, m->source});
  }
  if (options.signing.has_value()) {
    std::string sig;
    FEDRA_RETURN_IF_ERROR(SignEntries(entries, *options.signing, &sig));
    entries.insert(entries.begin(), TarEntry{std::string(kSignaturesFile), std::move(sig)});
  }
  return WriteTarGz(entries, options.mtime, targz);
}

Status LoadDirectory(const std::string& dir, const ReadOptions& options, Bundle* out) {
  std::error_code ec;
  fs::file_status root_status = fs::status(dir, ec);
  if (ec || !fs::is_directory(root_status)) return Status::NotFound(dir + ": not a directory");
  std::vector<TarEntry> entries;
  size_t total = 0;
  fs::recursive_directory_iterator it(dir, ec), end;
  if (ec) return Status::IoError(dir + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return Status::IoError(dir + ": " + ec.message());
    const fs::directory_entry& de = *it;
    std::string name = de.path().filename().string();
    fs::path rel = fs::relative(de.path(), dir, ec);
    if (ec) return Status::IoError(de.path().string() + ": " + ec.message());
    std::string rel_str = rel.generic_string();
    fs::file_status st = de.symlink_status(ec);
    if (ec) return Status::IoError(de.path().string() + ": " + ec.message());
    bool top_manifest = rel_str == kManifestFile;
    if (!name.empty() && name[0] == '.' && !top_manifest) {
      if (fs::is_directory(st)) it.disable_recursion_pending();
      continue;
    }
    if (fs::is_symlink(st)) {
      return Status::InvalidArgument(de.path().string() +
                                     ": symbolic links are not supported in a bundle directory");
    }
    if (fs::is_directory(st)) continue;
    bool wanted = top_manifest || EndsWith(name, ".rego") || name == "data.json" ||
                  name == "data.yaml" || name == "data.yml";
    if (!wanted) continue;
    if (!fs::is_regular_file(st)) {
      return Status::InvalidArgument(de.path().string() + ": not a regular file");
    }
    std::string contents;
    FEDRA_RETURN_IF_ERROR(
        tools::ReadFile(de.path().string(), &contents, options.limits.max_entry_bytes));
    total += contents.size();
    if (total > options.limits.max_total_bytes) {
      return Status::LimitExceeded(dir + ": bundle files exceed " +
                                   std::to_string(options.limits.max_total_bytes) +
                                   " bytes (limit max_total_bytes)");
    }
    std::string norm;
    FEDRA_RETURN_IF_ERROR(NormalizeEntryPath(rel_str, &norm));
    entries.push_back({std::move(norm), std::move(contents)});
  }
  std::sort(entries.begin(), entries.end(),
            [](const TarEntry& a, const TarEntry& b) { return a.path < b.path; });
  return BuildBundle(std::move(entries), options, /*verify=*/false, out);
}

}  // namespace fedra::bundle
