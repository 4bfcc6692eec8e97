// Compiled-pattern cache for the regex and glob builtins.
//
// Policies call regex.match / glob.match with the same literal pattern on
// every decision, so compiling once pays off. The cache is process-wide,
// bounded (kMaxEntries; when full an arbitrary entry is dropped) and guarded
// by a mutex; entries are shared_ptr so a regex stays alive for callers still
// using it after eviction. RE2 objects are immutable and thread-safe.
//
// Patterns use Go's regexp syntax (RE2 accepts the same language); compile
// errors are worded like Go's: "error parsing regexp: missing closing ]: `[a`".
#ifndef FEDRA_BUILTINS_REGEX_CACHE_H_
#define FEDRA_BUILTINS_REGEX_CACHE_H_

#include <memory>
#include <string>
#include <string_view>

#include <re2/re2.h>

#include "fedra/status.h"

namespace fedra::builtins {

inline constexpr size_t kMaxCachedRegexes = 512;

// Compiles `pattern` (Go syntax) or returns the cached regex. On error sets
// *error to Go's message and returns nullptr. `cache_key` distinguishes
// callers that compile derived patterns (globs); empty means the pattern.
std::shared_ptr<const RE2> CompileRegex(std::string_view pattern, std::string* error,
                                        std::string_view cache_key = {});

// Go's regexp.QuoteMeta.
std::string GoQuoteMeta(std::string_view s);

}  // namespace fedra::builtins

#endif  // FEDRA_BUILTINS_REGEX_CACHE_H_
