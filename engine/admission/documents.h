// Reading manifest files: one or more YAML documents (`---`-separated) or one
// JSON document per file, as fedra::Values. Shared by the policy directory
// loader and `fedra verify`.
#ifndef FEDRA_ADMISSION_DOCUMENTS_H_
#define FEDRA_ADMISSION_DOCUMENTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::admission {

// Parses `text` (named `source` in errors). Empty and null documents are
// skipped. JSON is YAML, so JSON text works too. Errors carry
// source:line:col.
Status ParseDocuments(std::string_view text, std::string_view source, std::vector<Value>* out);

// Reads and parses a file; ".json" files are parsed as exactly one JSON
// document.
Status ReadDocuments(const std::string& path, std::vector<Value>* out);

}  // namespace fedra::admission

#endif  // FEDRA_ADMISSION_DOCUMENTS_H_
