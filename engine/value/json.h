// JSON text -> Value, written straight into Fedra's value model (no DOM).
//
// The parser is iterative (an explicit stack), so nesting depth is bounded by
// `JsonLimits::max_depth` and never by the C++ stack. Errors name the byte
// offset as line:col and the JSON path where parsing stopped, e.g.
//   "input:3:14: invalid JSON at $.spec.containers[0]: expected ',' or '}'".
// Numbers follow number.h's rules (int64, big integer, or float64).
// Strings are validated as UTF-8 and may not contain raw control characters.
#ifndef FEDRA_VALUE_JSON_H_
#define FEDRA_VALUE_JSON_H_

#include <cstddef>
#include <string_view>

#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra {

struct JsonLimits {
  size_t max_depth = 1000;          // arrays + objects nested
  size_t max_bytes = 64u << 20;     // whole document
};

// Parses exactly one JSON document (surrounding whitespace allowed).
// `source` names the document in error messages ("input", a file name).
Status ParseJson(std::string_view text, Value* out, std::string_view source = "json",
                 const JsonLimits& limits = {});

}  // namespace fedra

#endif  // FEDRA_VALUE_JSON_H_
