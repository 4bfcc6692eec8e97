// RFC 6902 JSON Patch over Values, with OPA's json.patch semantics (paths are
// JSON pointers or arrays of segments; sets are addressed by member). Shared
// by the json.patch builtin and fedra-engine's PATCH /v1/data.
#ifndef FEDRA_BUILTINS_JSON_PATCH_H_
#define FEDRA_BUILTINS_JSON_PATCH_H_

#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::builtins {

// Applies `ops` (an array of {op, path, from, value} objects) to `doc`.
// Errors name the failing operation's problem; *out is set only on success.
Status ApplyJsonPatch(const Value& doc, const Value& ops, Value* out);

}  // namespace fedra::builtins

#endif  // FEDRA_BUILTINS_JSON_PATCH_H_
