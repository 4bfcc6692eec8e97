#include "builtins/int_bits.h"

#include <algorithm>

namespace fedra::builtins::intbits {
namespace {

using Limbs = std::vector<uint32_t>;

// x in two's complement over `width` limbs (width exceeds x's magnitude, so
// the top bit is the sign).
Limbs ToTwos(const BigInt& x, size_t width) {
  Limbs r(width, 0);
  const Limbs& m = x.magnitude();
  std::copy(m.begin(), m.end(), r.begin());
  if (x.negative()) {
    for (uint32_t& l : r) l = ~l;
    for (uint32_t& l : r) {
      if (++l != 0) break;
    }
  }
  return r;
}

BigInt FromTwos(Limbs r) {
  bool neg = !r.empty() && (r.back() >> 31) != 0;
  if (neg) {
    for (uint32_t& l : r) l = ~l;
    for (uint32_t& l : r) {
      if (++l != 0) break;
    }
  }
  return FromMagnitude(neg, r);
}

template <typename Op>
BigInt Bitwise(const BigInt& a, const BigInt& b, Op op) {
  size_t width = std::max(a.magnitude().size(), b.magnitude().size()) + 1;
  Limbs x = ToTwos(a, width);
  Limbs y = ToTwos(b, width);
  for (size_t i = 0; i < width; ++i) x[i] = op(x[i], y[i]);
  return FromTwos(std::move(x));
}

Limbs ShlMag(const Limbs& m, uint64_t n) {
  size_t words = static_cast<size_t>(n / 32);
  unsigned bits = static_cast<unsigned>(n % 32);
  Limbs r(words, 0);
  r.reserve(words + m.size() + 1);
  uint32_t carry = 0;
  for (uint32_t l : m) {
    r.push_back(bits ? (l << bits) | carry : l);
    carry = bits ? l >> (32 - bits) : 0;
  }
  if (carry) r.push_back(carry);
  return r;
}

Limbs ShrMag(const Limbs& m, uint64_t n) {
  if (n / 32 >= m.size()) return {};
  size_t words = static_cast<size_t>(n / 32);
  unsigned bits = static_cast<unsigned>(n % 32);
  Limbs r(m.size() - words);
  for (size_t i = 0; i < r.size(); ++i) {
    uint32_t lo = m[i + words] >> bits;
    uint32_t hi = (bits && i + words + 1 < m.size()) ? m[i + words + 1] << (32 - bits) : 0;
    r[i] = lo | hi;
  }
  return r;
}

}  // namespace

bool ToBigInt(const Value& v, BigInt* out) {
  if (!v.is_number()) return false;
  switch (v.num_rep()) {
    case Value::NumRep::kInt:
      *out = BigInt(v.int_value());
      return true;
    case Value::NumRep::kBig:
      *out = v.big_value();
      return true;
    case Value::NumRep::kDouble:
      return BigInt::FromDouble(v.double_value(), out);
    case Value::NumRep::kNone:
      break;
  }
  return false;
}

BigInt FromMagnitude(bool negative, const std::vector<uint32_t>& mag) {
  // Horner's rule from the top limb; magnitudes here are at most a few
  // thousand limbs, so the quadratic cost is irrelevant.
  const BigInt base = BigInt::FromUint64(uint64_t{1} << 32);
  BigInt r;
  for (size_t i = mag.size(); i-- > 0;) {
    r = r * base + BigInt::FromUint64(mag[i]);
  }
  return negative ? -r : r;
}

BigInt And(const BigInt& a, const BigInt& b) {
  return Bitwise(a, b, [](uint32_t x, uint32_t y) { return x & y; });
}

BigInt Or(const BigInt& a, const BigInt& b) {
  return Bitwise(a, b, [](uint32_t x, uint32_t y) { return x | y; });
}

BigInt Xor(const BigInt& a, const BigInt& b) {
  return Bitwise(a, b, [](uint32_t x, uint32_t y) { return x ^ y; });
}

BigInt Not(const BigInt& a) { return -a - BigInt(1); }

BigInt Shl(const BigInt& a, uint64_t n) {
  if (a.is_zero()) return a;
  return FromMagnitude(a.negative(), ShlMag(a.magnitude(), n));
}

BigInt Shr(const BigInt& a, uint64_t n) {
  if (!a.negative()) return FromMagnitude(false, ShrMag(a.magnitude(), n));
  // floor(-m / 2^n) == -(((m - 1) >> n) + 1) for m > 0.
  BigInt m1 = a.Abs() - BigInt(1);
  BigInt q = FromMagnitude(false, ShrMag(m1.magnitude(), n));
  return -(q + BigInt(1));
}

}  // namespace fedra::builtins::intbits
