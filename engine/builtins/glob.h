// Glob builtins: glob.match, glob.quote_meta and regex.globs_match.
//
// glob.match follows the gobwas/glob syntax OPA uses: `*` matches any run of
// non-delimiter characters, `**` any run at all, `?` one non-delimiter
// character, `[abc]` / `[a-z]` one listed character and `[!...]` one
// character not listed (delimiters included), `{a,b}` alternatives (which
// nest), and `\` escapes. Delimiters default to ["."] for an empty array and
// to none for null. A glob compiles to an RE2 regex (linear-time matching),
// cached like regexes.
//
// regex.globs_match(a, b) decides whether two "regex globs" (the subset of
// regex syntax handled by glob-intersection: literal characters, `.`, sets
// `[...]` with ranges, each optionally followed by `*` or `+`, and `\`
// escapes) can match a common string, by searching the product of their
// automata. Its syntax errors use glob-intersection's wording.
#ifndef FEDRA_BUILTINS_GLOB_H_
#define FEDRA_BUILTINS_GLOB_H_

#include <string>
#include <string_view>
#include <vector>

#include "builtins/registry.h"

namespace fedra::builtins {

// Registers glob.match, glob.quote_meta and regex.globs_match.
void RegisterGlob(Registry& r);

// Translates a gobwas glob into an anchored RE2 pattern. Errors name the
// problem ("unexpected end of input").
Status GlobToRegex(std::string_view glob, const std::vector<char32_t>& delimiters, std::string* regex);

// Whether the two regex globs have a non-empty intersection.
Status GlobsIntersect(std::string_view a, std::string_view b, bool* result);

}  // namespace fedra::builtins

#endif  // FEDRA_BUILTINS_GLOB_H_
