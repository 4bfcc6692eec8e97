// Internal helpers shared by the policy/ sources: typed reads of nlohmann
// JSON fields with path-naming errors, conversion to and from the engine's
// Value, canonical JSON and SHA-256. Not part of the module's API.
#ifndef FEDRA_POLICY_JSON_UTIL_H_
#define FEDRA_POLICY_JSON_UTIL_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::policy::internal {

using Json = nlohmann::json;

std::string Join(std::string_view path, std::string_view key);  // "a" + "b" -> "a.b"
std::string Index(std::string_view path, size_t i);             // "a" + 1 -> "a[1]"
Status PathError(std::string_view path, std::string_view msg);  // "<path>: <msg>"

// Optional fields: absent or null leave *out untouched; a wrong type is an
// error naming `path`.`key`.
Status OptString(const Json& obj, std::string_view key, std::string_view path, std::string* out);
Status OptBool(const Json& obj, std::string_view key, std::string_view path, bool* out);
Status OptInt(const Json& obj, std::string_view key, std::string_view path, int64_t* out);
Status OptStrings(const Json& obj, std::string_view key, std::string_view path,
                  std::vector<std::string>* out);
Status OptStringMap(const Json& obj, std::string_view key, std::string_view path,
                    std::map<std::string, std::string>* out);
// Sets *out to the member (an object) or to null when absent.
Status OptObject(const Json& obj, std::string_view key, std::string_view path, Json* out);

// Value <-> Json through JSON text (both sides are plain JSON here).
Status ToValue(const Json& j, Value* out);
Json FromValue(const Value& v);

// Objects with sorted keys, no whitespace; never throws (invalid UTF-8 is
// replaced).
std::string CanonicalJson(const Json& j);
std::string Sha256Hex(std::string_view data);

// RFC 7386 JSON merge patch of `patch` onto `target`.
Json MergePatch(Json target, const Json& patch);

}  // namespace fedra::policy::internal

#endif  // FEDRA_POLICY_JSON_UTIL_H_
