// Small helpers over nlohmann::json shared by the simulator's layers:
// bounded parsing of request bodies (JSON and YAML), timestamps, UIDs and
// dotted-path access. All functions are thread-safe.
#ifndef FEDRA_TESTS_APISERVER_JSON_UTIL_H_
#define FEDRA_TESTS_APISERVER_JSON_UTIL_H_

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fedra/status.h"

namespace fedra::apiserver {

using nlohmann::json;

// Objects nested deeper than this are refused at parse time, so every
// recursive walk in the simulator (patching, schemas, field sets) is bounded.
inline constexpr int kMaxDepth = 64;

// Parses JSON text; errors name the byte offset and say when the nesting is
// too deep.
Status ParseJsonText(std::string_view text, json* out);
// Parses one YAML document (JSON is YAML) into JSON: plain scalars become
// numbers, booleans and nulls as YAML 1.2's core schema says; quoted scalars
// stay strings.
Status ParseYamlText(std::string_view text, json* out);

// Depth of `j` (a scalar is 0), computed without recursion.
int Depth(const json& j);

// "2026-11-28T07:40:59Z" for now (or for the given Unix second).
std::string NowRfc3339();
std::string Rfc3339(long long unix_seconds);
// A random RFC 4122 version 4 UUID.
std::string NewUid();

// The value at a dotted path ("metadata.name"), or null.
const json* Lookup(const json& obj, std::string_view dotted);
// obj.metadata.<field> as a string, or "".
std::string MetaString(const json& obj, const char* field);

// Standard base64 (with padding) and its inverse; Decode returns false on bad input.
std::string Base64Encode(std::string_view in);
bool Base64Decode(std::string_view in, std::string* out);

}  // namespace fedra::apiserver

#endif  // FEDRA_TESTS_APISERVER_JSON_UTIL_H_
