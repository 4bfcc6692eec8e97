// Encoders shared by the encoding builtins: Go-compatible JSON and YAML text,
// YAML parsing with go-yaml's rules, and the json.filter / json.remove /
// json.patch document editors.
//
// All functions are pure and thread-safe; nesting depth is bounded by
// kMaxDepth (registry.h) and reported as an error, never a crash.
#ifndef FEDRA_BUILTINS_ENCODING_UTIL_H_
#define FEDRA_BUILTINS_ENCODING_UTIL_H_

#include <string>
#include <string_view>

#include "builtins/registry.h"
#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::builtins {

// Go's json.Marshal (pretty=false) or json.MarshalIndent(prefix, indent) of
// OPA's JSON view of v: sets become arrays, non-string object keys their JSON
// text, keys sorted bytewise, <, >, & and U+2028/9 escaped as \uXXXX.
Status GoJsonMarshal(const Value& v, bool pretty, std::string_view prefix, std::string_view indent,
                     std::string* out);

// sigs.k8s.io/yaml's YAMLToJSON then JSON decoding: YAML 1.1 scalars (yes/no,
// ~, 0x10, .inf), merge keys, aliases (bounded expansion), first document.
// Errors read like go-yaml's ("yaml: line 1: did not find expected ...").
Status ParseGoYaml(std::string_view text, Value* out);

// sigs.k8s.io/yaml's JSONToYAML of v, in go-yaml v2's block style.
Status GoYamlMarshal(const Value& v, std::string* out);

// json.filter / json.remove / json.patch.
void RegisterJsonEdit(Registry& r);
// json.match_schema / json.verify_schema.
void RegisterJsonSchema(Registry& r);

}  // namespace fedra::builtins

#endif  // FEDRA_BUILTINS_ENCODING_UTIL_H_
