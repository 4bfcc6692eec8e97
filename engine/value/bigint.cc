#include "value/bigint.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <limits>

namespace fedra {

namespace {
constexpr uint32_t kChunk = 1000000000u;  // 10^9: decimal digits per limb step
constexpr int kChunkDigits = 9;
}  // namespace

BigInt::BigInt(int64_t v) {
  neg_ = v < 0;
  // Negate through uint64 so INT64_MIN does not overflow.
  uint64_t m = neg_ ? ~static_cast<uint64_t>(v) + 1 : static_cast<uint64_t>(v);
  if (m) mag_.push_back(static_cast<uint32_t>(m));
  if (m >> 32) mag_.push_back(static_cast<uint32_t>(m >> 32));
}

BigInt BigInt::FromUint64(uint64_t v) {
  BigInt b;
  if (v) b.mag_.push_back(static_cast<uint32_t>(v));
  if (v >> 32) b.mag_.push_back(static_cast<uint32_t>(v >> 32));
  return b;
}

bool BigInt::FromDouble(double d, BigInt* out) {
  if (!std::isfinite(d) || std::trunc(d) != d) return false;
  BigInt b;
  if (d == 0) {
    *out = b;
    return true;
  }
  int exp = 0;
  double frac = std::frexp(std::fabs(d), &exp);  // |d| = frac * 2^exp
  uint64_t mant = static_cast<uint64_t>(std::ldexp(frac, 53));
  int shift = exp - 53;
  if (shift <= 0) {
    b = FromUint64(mant >> -shift);  // exact: d is integral
  } else {
    b = FromUint64(mant);
    size_t words = static_cast<size_t>(shift) / 32;
    int bits = shift % 32;
    Mag m(words, 0);
    uint32_t carry = 0;
    for (uint32_t limb : b.mag_) {
      m.push_back(bits ? (limb << bits) | carry : limb);
      carry = bits ? limb >> (32 - bits) : 0;
    }
    if (carry) m.push_back(carry);
    b.mag_ = std::move(m);
  }
  b.neg_ = d < 0;
  *out = std::move(b);
  return true;
}

bool BigInt::Parse(std::string_view text, BigInt* out) {
  bool neg = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    neg = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  Mag mag;
  mag.reserve(text.size() / 9 + 1);
  // Consume a short head so the rest splits into whole 9-digit chunks.
  size_t head = text.size() % kChunkDigits;
  if (head == 0) head = kChunkDigits;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t len = pos == 0 ? head : kChunkDigits;
    uint32_t chunk = 0, mul = 1;
    for (size_t i = 0; i < len; ++i) {
      chunk = chunk * 10 + static_cast<uint32_t>(text[pos + i] - '0');
      mul *= 10;
    }
    MulSmallAdd(&mag, mul, chunk);
    pos += len;
  }
  Trim(&mag);
  *out = Make(neg, std::move(mag));
  return true;
}

size_t BigInt::BitLength() const {
  if (mag_.empty()) return 0;
  return (mag_.size() - 1) * 32 + (32 - std::countl_zero(mag_.back()));
}

bool BigInt::FitsInt64(int64_t* out) const {
  if (mag_.size() > 2) return false;
  uint64_t m = 0;
  if (!mag_.empty()) m = mag_[0];
  if (mag_.size() == 2) m |= static_cast<uint64_t>(mag_[1]) << 32;
  if (neg_) {
    if (m > (uint64_t{1} << 63)) return false;
    *out = static_cast<int64_t>(~m + 1);
  } else {
    if (m > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    *out = static_cast<int64_t>(m);
  }
  return true;
}

double BigInt::ToDouble() const {
  size_t bits = BitLength();
  double r;
  if (bits <= 64) {
    uint64_t m = 0;
    if (!mag_.empty()) m = mag_[0];
    if (mag_.size() == 2) m |= static_cast<uint64_t>(mag_[1]) << 32;
    r = static_cast<double>(m);
  } else {
    // Top 64 bits plus a sticky bit for everything below: the conversion of
    // that 64-bit integer to double then rounds exactly as the full value.
    size_t shift = bits - 64;
    uint64_t top = 0;
    for (size_t i = 0; i < 64; ++i) {
      size_t bit = shift + i;
      if ((mag_[bit / 32] >> (bit % 32)) & 1u) top |= uint64_t{1} << i;
    }
    bool sticky = false;
    for (size_t w = 0; w < shift / 32 && !sticky; ++w) sticky = mag_[w] != 0;
    if (!sticky && shift % 32) {
      sticky = (mag_[shift / 32] & ((1u << (shift % 32)) - 1)) != 0;
    }
    if (sticky) top |= 1;
    r = std::ldexp(static_cast<double>(top), static_cast<int>(shift));
  }
  return neg_ ? -r : r;
}

std::string BigInt::ToString() const {
  std::string s;
  AppendTo(&s);
  return s;
}

void BigInt::AppendTo(std::string* out) const {
  if (mag_.empty()) {
    out->push_back('0');
    return;
  }
  if (neg_) out->push_back('-');
  Mag m = mag_;
  std::vector<uint32_t> chunks;
  chunks.reserve(m.size() * 32 / 29 + 1);
  while (!m.empty()) chunks.push_back(DivSmall(&m, kChunk));
  char buf[16];
  auto res = std::to_chars(buf, buf + sizeof buf, chunks.back());
  out->append(buf, res.ptr);
  for (size_t i = chunks.size() - 1; i-- > 0;) {
    uint32_t c = chunks[i];
    for (int d = kChunkDigits - 1; d >= 0; --d) {
      buf[d] = static_cast<char>('0' + c % 10);
      c /= 10;
    }
    out->append(buf, kChunkDigits);
  }
}

int BigInt::CmpMag(const Mag& a, const Mag& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  for (size_t i = a.size(); i-- > 0;) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

int BigInt::CompareMagnitude(const BigInt& a, const BigInt& b) { return CmpMag(a.mag_, b.mag_); }

int BigInt::Compare(const BigInt& a, const BigInt& b) {
  int sa = a.sign(), sb = b.sign();
  if (sa != sb) return sa < sb ? -1 : 1;
  int c = CmpMag(a.mag_, b.mag_);
  return sa < 0 ? -c : c;
}

BigInt BigInt::operator-() const {
  BigInt r = *this;
  if (!r.mag_.empty()) r.neg_ = !r.neg_;
  return r;
}

BigInt BigInt::Abs() const {
  BigInt r = *this;
  r.neg_ = false;
  return r;
}

void BigInt::Trim(Mag* m) {
  while (!m->empty() && m->back() == 0) m->pop_back();
}

BigInt BigInt::Make(bool neg, Mag mag) {
  BigInt r;
  Trim(&mag);
  r.neg_ = neg && !mag.empty();
  r.mag_ = std::move(mag);
  return r;
}

BigInt::Mag BigInt::AddMag(const Mag& a, const Mag& b) {
  const Mag& x = a.size() >= b.size() ? a : b;
  const Mag& y = a.size() >= b.size() ? b : a;
  Mag r;
  r.reserve(x.size() + 1);
  uint64_t carry = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    uint64_t s = uint64_t{x[i]} + (i < y.size() ? y[i] : 0) + carry;
    r.push_back(static_cast<uint32_t>(s));
    carry = s >> 32;
  }
  if (carry) r.push_back(static_cast<uint32_t>(carry));
  return r;
}

BigInt::Mag BigInt::SubMag(const Mag& a, const Mag& b) {
  Mag r;
  r.reserve(a.size());
  int64_t borrow = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    int64_t d = int64_t{a[i]} - (i < b.size() ? int64_t{b[i]} : 0) - borrow;
    borrow = d < 0;
    r.push_back(static_cast<uint32_t>(d + (borrow ? (int64_t{1} << 32) : 0)));
  }
  Trim(&r);
  return r;
}

BigInt::Mag BigInt::MulMag(const Mag& a, const Mag& b) {
  if (a.empty() || b.empty()) return {};
  Mag r(a.size() + b.size(), 0);
  for (size_t i = 0; i < a.size(); ++i) {
    uint64_t carry = 0;
    for (size_t j = 0; j < b.size(); ++j) {
      uint64_t t = uint64_t{a[i]} * b[j] + r[i + j] + carry;
      r[i + j] = static_cast<uint32_t>(t);
      carry = t >> 32;
    }
    r[i + b.size()] = static_cast<uint32_t>(carry);
  }
  Trim(&r);
  return r;
}

void BigInt::MulSmallAdd(Mag* m, uint32_t mul, uint32_t add) {
  uint64_t carry = add;
  for (uint32_t& limb : *m) {
    uint64_t t = uint64_t{limb} * mul + carry;
    limb = static_cast<uint32_t>(t);
    carry = t >> 32;
  }
  if (carry) m->push_back(static_cast<uint32_t>(carry));
}

uint32_t BigInt::DivSmall(Mag* m, uint32_t div) {
  uint64_t rem = 0;
  for (size_t i = m->size(); i-- > 0;) {
    uint64_t cur = (rem << 32) | (*m)[i];
    (*m)[i] = static_cast<uint32_t>(cur / div);
    rem = cur % div;
  }
  Trim(m);
  return static_cast<uint32_t>(rem);
}

BigInt operator+(const BigInt& a, const BigInt& b) {
  if (a.neg_ == b.neg_) return BigInt::Make(a.neg_, BigInt::AddMag(a.mag_, b.mag_));
  int c = BigInt::CmpMag(a.mag_, b.mag_);
  if (c == 0) return BigInt();
  if (c > 0) return BigInt::Make(a.neg_, BigInt::SubMag(a.mag_, b.mag_));
  return BigInt::Make(b.neg_, BigInt::SubMag(b.mag_, a.mag_));
}

BigInt operator-(const BigInt& a, const BigInt& b) { return a + (-b); }

BigInt operator*(const BigInt& a, const BigInt& b) {
  return BigInt::Make(a.neg_ != b.neg_, BigInt::MulMag(a.mag_, b.mag_));
}

// Knuth, TAOCP vol. 2, 4.3.1, algorithm D, on 32-bit limbs.
void BigInt::DivModMag(const Mag& a, const Mag& b, Mag* q, Mag* r) {
  if (CmpMag(a, b) < 0) {
    q->clear();
    *r = a;
    return;
  }
  if (b.size() == 1) {
    *q = a;
    uint32_t rem = DivSmall(q, b[0]);
    r->clear();
    if (rem) r->push_back(rem);
    return;
  }
  const size_t n = b.size();
  const size_t m = a.size() - n;
  const int s = std::countl_zero(b.back());
  // Normalise so the divisor's top limb has its high bit set; this keeps the
  // quotient-digit estimate within 2 of the truth.
  Mag vn(n), un(a.size() + 1);
  for (size_t i = n - 1; i > 0; --i) {
    vn[i] = s ? (b[i] << s) | (b[i - 1] >> (32 - s)) : b[i];
  }
  vn[0] = b[0] << s;
  un[a.size()] = s ? a.back() >> (32 - s) : 0;
  for (size_t i = a.size() - 1; i > 0; --i) {
    un[i] = s ? (a[i] << s) | (a[i - 1] >> (32 - s)) : a[i];
  }
  un[0] = a[0] << s;

  q->assign(m + 1, 0);
  constexpr uint64_t kBase = uint64_t{1} << 32;
  for (size_t j = m + 1; j-- > 0;) {
    uint64_t num = (uint64_t{un[j + n]} << 32) | un[j + n - 1];
    uint64_t qhat = num / vn[n - 1];
    uint64_t rhat = num % vn[n - 1];
    while (qhat >= kBase || qhat * vn[n - 2] > ((rhat << 32) | un[j + n - 2])) {
      --qhat;
      rhat += vn[n - 1];
      if (rhat >= kBase) break;
    }
    // un[j..j+n] -= qhat * vn
    int64_t borrow = 0;
    uint64_t carry = 0;
    for (size_t i = 0; i < n; ++i) {
      uint64_t p = qhat * vn[i] + carry;
      carry = p >> 32;
      int64_t t = int64_t{un[i + j]} - static_cast<int64_t>(p & 0xffffffffu) - borrow;
      borrow = t < 0;
      un[i + j] = static_cast<uint32_t>(t + (borrow ? static_cast<int64_t>(kBase) : 0));
    }
    int64_t t = int64_t{un[j + n]} - static_cast<int64_t>(carry) - borrow;
    borrow = t < 0;
    un[j + n] = static_cast<uint32_t>(t + (borrow ? static_cast<int64_t>(kBase) : 0));
    if (borrow) {
      // qhat was one too large: add the divisor back.
      --qhat;
      uint64_t c = 0;
      for (size_t i = 0; i < n; ++i) {
        uint64_t sum = uint64_t{un[i + j]} + vn[i] + c;
        un[i + j] = static_cast<uint32_t>(sum);
        c = sum >> 32;
      }
      un[j + n] = static_cast<uint32_t>(un[j + n] + c);
    }
    (*q)[j] = static_cast<uint32_t>(qhat);
  }
  Trim(q);
  r->assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    (*r)[i] = s ? (un[i] >> s) | (un[i + 1] << (32 - s)) : un[i];
  }
  Trim(r);
}

void BigInt::DivMod(const BigInt& a, const BigInt& b, BigInt* q, BigInt* r) {
  Mag qm, rm;
  DivModMag(a.mag_, b.mag_, &qm, &rm);
  if (q) *q = Make(a.neg_ != b.neg_, std::move(qm));
  if (r) *r = Make(a.neg_, std::move(rm));
}

BigInt BigInt::Pow10(uint32_t exp) {
  Mag m{1};
  while (exp >= kChunkDigits) {
    MulSmallAdd(&m, kChunk, 0);
    exp -= kChunkDigits;
  }
  uint32_t p = 1;
  while (exp-- > 0) p *= 10;
  MulSmallAdd(&m, p, 0);
  return Make(false, std::move(m));
}

size_t BigInt::Hash() const {
  uint64_t h = neg_ ? 0x9e3779b97f4a7c15ull : 0x7f4a7c159e3779b9ull;
  for (uint32_t limb : mag_) {
    h ^= limb;
    h *= 0x100000001b3ull;
    h ^= h >> 29;
  }
  return static_cast<size_t>(h);
}

}  // namespace fedra
