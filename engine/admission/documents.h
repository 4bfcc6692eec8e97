// Reading manifest files: one or more YAML documents (`---`-separated) or one
// JSON document per file, as fedra::Values. Shared by the policy directory
// loader and `fedra verify`.
#ifndef FEDRA_ADMISSION_DOCUMENTS_H_
#define FEDRA_ADMISSION_DOCUMENTS_H_

#include <cstdint>
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

// Finds the literal block scalar (`key: |`) whose value is `content` in the
// `doc_index`th non-empty document of `text`, and sets *line and *col to
// where its first character sits in `text` (1-based). Literal blocks keep
// lines one for one, so a location inside `content` maps back by adding
// offsets. False when there is no such block (other scalar styles do not map).
bool FindLiteralBlock(std::string_view text, size_t doc_index, std::string_view content,
                      uint32_t* line, uint32_t* col);

}  // namespace fedra::admission

#endif  // FEDRA_ADMISSION_DOCUMENTS_H_
