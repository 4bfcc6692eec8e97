// Typed reads of JSON fields with errors that name the JSON path, shared by
// the manifest parsers and the AdmissionReview validation. Internal.
#ifndef FEDRA_ADMISSION_FIELDS_H_
#define FEDRA_ADMISSION_FIELDS_H_

#include <string>
#include <string_view>
#include <vector>

#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::admission::internal {

// "spec" + "match" -> "spec.match"; "" + "x" -> "x".
std::string Join(std::string_view path, std::string_view key);
// "kinds" + 2 -> "kinds[2]".
std::string Index(std::string_view path, size_t i);

// InvalidArgument "<path>: <msg>".
Status FieldError(std::string_view path, std::string_view msg);

// The member `key` of `obj` (undefined when absent or `obj` is no object).
Value Member(const Value& obj, std::string_view key);

// Optional string: absent or null leaves *out untouched.
Status OptString(const Value& obj, std::string_view key, std::string_view path, std::string* out);
// Optional array of strings; a single string is not accepted.
Status OptStrings(const Value& obj, std::string_view key, std::string_view path,
                  std::vector<std::string>* out);
// Optional object (absent or null: undefined).
Status OptObject(const Value& obj, std::string_view key, std::string_view path, Value* out);

// The value at a dotted path of object keys, or undefined.
Value Lookup(const Value& root, std::initializer_list<std::string_view> keys);

}  // namespace fedra::admission::internal

#endif  // FEDRA_ADMISSION_FIELDS_H_
