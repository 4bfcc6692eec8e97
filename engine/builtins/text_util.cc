#include "builtins/text_util.h"

#include <locale.h>
#include <wctype.h>
#include "value/utf8.h"

namespace fedra::builtins::text {

namespace {

// The C library's Unicode character tables, reached through a UTF-8 locale
// object so the process-wide locale is never touched. Created once; reading
// it from many threads is safe.
locale_t UnicodeLocale() {
  static const locale_t loc = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    if (l == static_cast<locale_t>(0)) {
      l = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", static_cast<locale_t>(0));
    }
    return l;
  }();
  return loc;
}

}  // namespace

char32_t DecodeRune(std::string_view s, size_t i, size_t* width) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  if (i >= n) {
    *width = 0;
    return kRuneError;
  }
  unsigned char c0 = p[i];
  if (c0 < 0x80) {
    *width = 1;
    return c0;
  }
  *width = 1;
  auto cont = [&](size_t k) { return i + k < n && (p[i + k] & 0xC0) == 0x80; };
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    if (!cont(1)) return kRuneError;
    *width = 2;
    return (char32_t(c0 & 0x1F) << 6) | (p[i + 1] & 0x3F);
  }
  if (c0 >= 0xE0 && c0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return kRuneError;
    char32_t r = (char32_t(c0 & 0x0F) << 12) | (char32_t(p[i + 1] & 0x3F) << 6) | (p[i + 2] & 0x3F);
    if (r < 0x800 || (r >= 0xD800 && r <= 0xDFFF)) return kRuneError;
    *width = 3;
    return r;
  }
  if (c0 >= 0xF0 && c0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return kRuneError;
    char32_t r = (char32_t(c0 & 0x07) << 18) | (char32_t(p[i + 1] & 0x3F) << 12) |
                 (char32_t(p[i + 2] & 0x3F) << 6) | (p[i + 3] & 0x3F);
    if (r < 0x10000 || r > kMaxRune) return kRuneError;
    *width = 4;
    return r;
  }
  return kRuneError;
}

char32_t DecodeLastRune(std::string_view s, size_t end, size_t* width) {
  if (end == 0) {
    *width = 0;
    return kRuneError;
  }
  // A rune is at most 4 bytes: find the last lead byte within reach and
  // check that it decodes to exactly the remaining bytes.
  size_t lim = end >= 4 ? end - 4 : 0;
  size_t start = end - 1;
  while (start > lim && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  size_t w = 0;
  char32_t r = DecodeRune(s, start, &w);
  if (start + w != end) {
    *width = 1;
    return kRuneError;
  }
  *width = w;
  return r;
}

void AppendRune(char32_t r, std::string* out) { AppendUtf8(r, out); }

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    size_t w;
    DecodeRune(s, i, &w);
    i += w;
    ++n;
  }
  return n;
}

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

bool IsSpace(char32_t r) {
  switch (r) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

char32_t ToLower(char32_t r) {
  if (r < 0x80) return (r >= 'A' && r <= 'Z') ? r + 32 : r;
  locale_t loc = UnicodeLocale();
  if (loc == static_cast<locale_t>(0)) return r;
  return static_cast<char32_t>(towlower_l(static_cast<wint_t>(r), loc));
}

char32_t ToUpper(char32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') ? r - 32 : r;
  locale_t loc = UnicodeLocale();
  if (loc == static_cast<locale_t>(0)) return r;
  return static_cast<char32_t>(towupper_l(static_cast<wint_t>(r), loc));
}

bool IsPrint(char32_t r) {
  if (r < 0x80) return r >= 0x20 && r < 0x7F;
  if (r == 0xAD) return false;  // soft hyphen is a format character in Go
  locale_t loc = UnicodeLocale();
  if (loc == static_cast<locale_t>(0)) return false;
  return iswprint_l(static_cast<wint_t>(r), loc) != 0 && !IsSpace(r);
}

size_t RuneOffset(std::string_view s, size_t rune_index) {
  size_t i = 0;
  for (size_t k = 0; k < rune_index && i < s.size(); ++k) {
    size_t w;
    DecodeRune(s, i, &w);
    i += w;
  }
  return i;
}

}  // namespace fedra::builtins::text
