// YAML -> fedra::Value, for data files (`fedra eval -d data.yaml`) and OPA's
// YAML conformance cases.
//
// Scalars keep YAML's typing, as the YAML 1.2 core schema resolves plain
// (unquoted) scalars: null (`null`, `~`, empty), booleans (`true`/`false` in
// three casings), integers (decimal, `0x` hex, `0o` octal; big decimal
// integers stay exact), floats (`1.5`, `1e3`, `.5`). Every quoted scalar, and
// every plain scalar that is none of these, is a string. Explicit standard tags
// (`!!str`, `!!int`, ...) are honoured. Mapping keys become strings, as they do
// when YAML is read as JSON (which is how OPA reads these files).
//
// Infinities and NaN have no JSON value and are errors. Nesting is bounded by
// `max_depth`, and the number of nodes visited by `max_nodes` (anchors and
// aliases can make a small document expand exponentially).
//
// Errors are kInvalidArgument Statuses naming `source`, the line:col of the
// node and its path, e.g. "data.yaml:3:7: $.a[2]: YAML float .inf is not a
// JSON number".
#ifndef FEDRA_TOOLS_YAML_VALUE_H_
#define FEDRA_TOOLS_YAML_VALUE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "fedra/status.h"
#include "fedra/value.h"

namespace YAML {
class Node;
}

namespace fedra::tools {

struct YamlLimits {
  size_t max_depth = 1000;
  size_t max_nodes = 10u << 20;
  size_t max_bytes = 64u << 20;
};

// Parses one YAML document. An empty document is null.
Status ParseYaml(std::string_view text, Value* out, std::string_view source = "yaml",
                 const YamlLimits& limits = {});

// Parses a stream of YAML documents ("---" separated). Empty and null
// documents are skipped; error paths are "$doc<i>" when there are several.
Status ParseYamlDocuments(std::string_view text, std::vector<Value>* out,
                          std::string_view source = "yaml", const YamlLimits& limits = {});

// Converts an already-parsed node. `path` is the node's JSON path for errors
// ("$" for a document root).
Status YamlNodeToValue(const YAML::Node& node, Value* out, std::string_view source,
                       std::string_view path = "$", const YamlLimits& limits = {});

// Resolves a plain scalar's text as the core schema does (see above).
// Exposed for tests.
Status ResolvePlainScalar(std::string_view text, Value* out);

}  // namespace fedra::tools

#endif  // FEDRA_TOOLS_YAML_VALUE_H_
