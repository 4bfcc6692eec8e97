// Loading policy files the way `opa eval -d` does, for the CLI.
//
// Each path is a file or a directory (walked recursively, in sorted order,
// skipping entries whose name starts with '.'). `.rego` files are modules;
// `.json`, `.yaml` and `.yml` files are data documents. A data file's content
// is merged into `data` at the path of its directory relative to the root it
// was found under: with `-d policies`, policies/a/b/x.json lands at data.a.b.
// A data file named directly is merged at the root, and must be an object.
// Objects merge key by key; any other overlap is a merge error naming both
// the path in data and the file.
#ifndef FEDRA_TOOLS_LOADER_H_
#define FEDRA_TOOLS_LOADER_H_

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::tools {

struct LoadedFiles {
  // (file name as found, source text), in load order.
  std::vector<std::pair<std::string, std::string>> modules;
  Value data = Value::EmptyObject();
};

struct LoadOptions {
  bool load_data = true;  // false: only .rego files (fedra check)
};

Status LoadPaths(const std::vector<std::string>& paths, const LoadOptions& options,
                 LoadedFiles* out);

// Reads a JSON or YAML document, chosen by the file extension (JSON unless
// .yaml/.yml). "-" reads JSON from standard input.
Status ReadDocument(const std::string& path, Value* out);

// Merges `doc` into the object `base` at `path` (a list of keys). `origin`
// names the document in errors.
Status MergeAt(const Value& base, std::span<const std::string> path, const Value& doc,
               std::string_view origin, Value* out);

}  // namespace fedra::tools

#endif  // FEDRA_TOOLS_LOADER_H_
