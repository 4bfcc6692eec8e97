// UTF-8 helpers shared by the string, regex and encoding builtins.
//
// Rego strings are UTF-8. Where OPA counts positions in runes (indexof,
// substring) these helpers decode the way Go does: an invalid byte decodes to
// U+FFFD and advances one byte, so every input has a defined rune sequence.
// All functions are pure and thread-safe.
#ifndef FEDRA_BUILTINS_TEXT_UTIL_H_
#define FEDRA_BUILTINS_TEXT_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fedra::builtins::text {

inline constexpr char32_t kRuneError = 0xFFFD;
inline constexpr char32_t kMaxRune = 0x10FFFF;

// Decodes the rune starting at s[i]; sets *width to the bytes consumed (>= 1
// when i < s.size()). Invalid or truncated sequences give kRuneError, width 1.
char32_t DecodeRune(std::string_view s, size_t i, size_t* width);

// Decodes the rune that ends at s[end) (Go's DecodeLastRune).
char32_t DecodeLastRune(std::string_view s, size_t end, size_t* width);

// Appends the UTF-8 encoding of r (invalid runes become U+FFFD).
void AppendRune(char32_t r, std::string* out);

size_t RuneCount(std::string_view s);

bool IsAscii(std::string_view s);

// Go's unicode.IsSpace.
bool IsSpace(char32_t r);

// Unicode simple case mapping (Go's unicode.ToLower / ToUpper per rune).
char32_t ToLower(char32_t r);
char32_t ToUpper(char32_t r);

// Go's strconv.IsPrint, approximated with the C library's Unicode tables.
bool IsPrint(char32_t r);

// Byte offset of rune number `rune_index` (clamped to s.size()).
size_t RuneOffset(std::string_view s, size_t rune_index);

}  // namespace fedra::builtins::text

#endif  // FEDRA_BUILTINS_TEXT_UTIL_H_
