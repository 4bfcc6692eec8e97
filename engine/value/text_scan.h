// Word-at-a-time scanning for the bytes JSON strings treat specially, and
// for JSON whitespace.
// Private to engine/value/.
#ifndef FEDRA_VALUE_TEXT_SCAN_H_
#define FEDRA_VALUE_TEXT_SCAN_H_

#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace fedra {

namespace scan_detail {
constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighs = 0x8080808080808080ull;
// High bit set in the lowest byte of `w` equal to `c` (bits above the first
// match may be spurious, which is fine: callers want the first match only).
inline uint64_t ByteEq(uint64_t w, unsigned char c) {
  uint64_t v = w ^ (kOnes * c);
  return (v - kOnes) & ~v & kHighs;
}

// Per-byte classes for the tail of a scan: bit 0 special in JSON input and
// Rego output, bit 1 special in JSON output (adds '<', '>', '&').
struct ByteClasses {
  uint8_t c[256];
  constexpr ByteClasses() : c() {
    for (int i = 0; i < 256; ++i) {
      bool base = i < 0x20 || i >= 0x80 || i == '"' || i == '\\';
      bool html = i == '<' || i == '>' || i == '&';
      c[i] = static_cast<uint8_t>((base ? 3 : 0) | (html ? 2 : 0));
    }
  }
};
inline constexpr ByteClasses kByteClasses;
}  // namespace scan_detail

#if defined(__SSE2__)
// Bit i set when byte i of the 16 at p is '"', '\\', a control character or
// non-ASCII: ScanToSpecial's test for one block, for callers that want to
// act on the block they already loaded (the JSON parser's short strings).
inline unsigned SpecialMask16(const char* p) {
  __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, _mm_set1_epi8('"')), _mm_cmpeq_epi8(w, _mm_set1_epi8('\\'))),
                           _mm_cmplt_epi8(w, _mm_set1_epi8(0x20)));
  return static_cast<unsigned>(_mm_movemask_epi8(m));
}
#endif

// Returns the first byte in [p, end) that is not JSON whitespace (space, tab,
// CR, LF), or `end`. Pretty-printed documents put a newline and an indent
// before most tokens, so runs are tested 16 bytes at a time.
inline const char* SkipJsonSpace(const char* p, const char* end) {
#if defined(__SSE2__)
  while (end - p >= 16) {
    __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(w, _mm_set1_epi8('\n'))),
                             _mm_or_si128(_mm_cmpeq_epi8(w, _mm_set1_epi8('\r')), _mm_cmpeq_epi8(w, _mm_set1_epi8('\t'))));
    unsigned other = ~static_cast<unsigned>(_mm_movemask_epi8(m)) & 0xffffu;
    if (other != 0) return p + std::countr_zero(other);
    p += 16;
  }
#endif
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
  return p;
}

// Returns the first byte in [p, end) that is '"', '\\', a control character
// (< 0x20) or non-ASCII (>= 0x80); with kHtml also '<', '>' or '&'.
// Returns `end` when there is none.
template <bool kHtml>
inline const char* ScanToSpecial(const char* p, const char* end) {
  using namespace scan_detail;
#if defined(__SSE2__)
  // 16 bytes at a time. A signed compare below 0x20 catches control
  // characters and, as negative bytes, everything from 0x80 up.
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20);
  while (end - p >= 16) {
    __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, quote), _mm_cmpeq_epi8(w, backslash)),
                             _mm_cmplt_epi8(w, space));
    if constexpr (kHtml) {
      m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(w, _mm_set1_epi8('<')),
                                       _mm_or_si128(_mm_cmpeq_epi8(w, _mm_set1_epi8('>')),
                                                    _mm_cmpeq_epi8(w, _mm_set1_epi8('&')))));
    }
    unsigned bits = static_cast<unsigned>(_mm_movemask_epi8(m));
    if (bits != 0) return p + std::countr_zero(bits);
    p += 16;
  }
#endif
  while (end - p >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    uint64_t m = ByteEq(w, '"') | ByteEq(w, '\\') | ((w - kOnes * 0x20) & ~w & kHighs) | (w & kHighs);
    if constexpr (kHtml) m |= ByteEq(w, '<') | ByteEq(w, '>') | ByteEq(w, '&');
    if (m != 0) {
      // Little-endian: the lowest set bit marks the first special byte.
      if constexpr (std::endian::native == std::endian::little) return p + (std::countr_zero(m) >> 3);
      break;
    }
    p += 8;
  }
  constexpr uint8_t kMask = kHtml ? 2 : 1;
  while (p < end && !(kByteClasses.c[static_cast<unsigned char>(*p)] & kMask)) ++p;
  return p;
}

}  // namespace fedra

#endif  // FEDRA_VALUE_TEXT_SCAN_H_
