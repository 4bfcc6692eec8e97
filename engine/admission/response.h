// Pieces of an admission response: warnings bounded as the API server bounds
// them, JSON Patch operations checked, base64. Internal to Admit; exposed for
// tests.
#ifndef FEDRA_ADMISSION_RESPONSE_H_
#define FEDRA_ADMISSION_RESPONSE_H_

#include <string>
#include <string_view>
#include <vector>

#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::admission {

// Applies kMaxWarningChars / kMaxWarningTotalChars (revision.h), counting
// characters (UTF-8 code points) as the API server counts runes. Control
// characters (which the API server would reject in a Warning header) become
// spaces; a truncated warning ends in "..."; duplicates are removed. Returns
// how many warnings were dropped.
size_t LimitWarnings(std::vector<std::string>* warnings);

// Checks one JSON Patch operation (RFC 6902): op is add, remove, replace,
// move, copy or test; path (and from, for move/copy) a JSON Pointer; value
// present where the op needs one. Returns the operation with only those keys.
Status CheckPatchOp(const Value& op, Value* out);

std::string Base64Encode(std::string_view bytes);

}  // namespace fedra::admission

#endif  // FEDRA_ADMISSION_RESPONSE_H_
