// Pieces of the misc family (RegisterMisc) that live in their own files.
#ifndef FEDRA_BUILTINS_MISC_INTERNAL_H_
#define FEDRA_BUILTINS_MISC_INTERNAL_H_

#include <span>
#include <string>
#include <string_view>

#include "builtins/registry.h"

namespace fedra::builtins {

// uuid.rfc4122 and uuid.parse (uuid.cc).
void RegisterUuid(Registry& r);

// graph.reachable and graph.reachable_paths (graph.cc).
void RegisterGraph(Registry& r);

// Key for Context::query_cache: the builtin's name and its arguments'
// canonical JSON, so equal arguments share one cached result.
std::string QueryCacheKey(std::string_view name, std::span<const Value> args);

}  // namespace fedra::builtins

#endif  // FEDRA_BUILTINS_MISC_INTERNAL_H_
