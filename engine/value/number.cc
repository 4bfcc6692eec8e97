#include "value/number.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "value/bigint.h"

namespace fedra::num {

namespace {

using NumRep = Value::NumRep;

// A literal whose exact integer value would need more digits than this is
// read as a double instead, so "1e999999999" cannot allocate gigabytes.
// 1e400 must stay exact to order it above 1e399 as OPA does.
constexpr int64_t kMaxExactDigits = 1100;

BigInt ToBig(const Value& v) {
  if (v.num_rep() == NumRep::kBig) return v.big_value();
  return BigInt(v.int_value());
}

bool IsIntegerRep(const Value& v) { return v.num_rep() != NumRep::kDouble; }

// Compares an int64 with a double exactly (no rounding of the int64).
int CompareIntDouble(int64_t i, double d) {
  if (std::isnan(d)) return 1;  // NaN never arises from Rego; order it first
  if (d >= 9223372036854775808.0) return -1;
  if (d < -9223372036854775808.0) return 1;
  double t = std::trunc(d);
  int64_t ti = static_cast<int64_t>(t);  // exact: |t| < 2^63
  if (i != ti) return i < ti ? -1 : 1;
  double frac = d - t;
  if (frac > 0) return -1;
  if (frac < 0) return 1;
  return 0;
}

int CompareBigDouble(const BigInt& b, double d) {
  if (std::isnan(d)) return 1;
  if (std::isinf(d)) return d > 0 ? -1 : 1;
  // A normalised big integer lies outside int64, so any double inside that
  // range is ordered by the big integer's sign alone.
  if (std::fabs(d) < 9223372036854775808.0) return b.negative() ? -1 : 1;
  BigInt bd;
  BigInt::FromDouble(d, &bd);  // doubles this large are integral
  return BigInt::Compare(b, bd);
}

template <typename T>
int Sign3(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace

int Compare(const Value& a, const Value& b) {
  NumRep ra = a.num_rep(), rb = b.num_rep();
  if (ra == NumRep::kInt) {
    if (rb == NumRep::kInt) return Sign3(a.int_value(), b.int_value());
    if (rb == NumRep::kDouble) return CompareIntDouble(a.int_value(), b.double_value());
    return b.big_value().negative() ? 1 : -1;
  }
  if (ra == NumRep::kDouble) {
    if (rb == NumRep::kDouble) {
      double x = a.double_value(), y = b.double_value();
      if (std::isnan(x) || std::isnan(y)) return std::isnan(x) ? (std::isnan(y) ? 0 : -1) : 1;
      return Sign3(x, y);
    }
    return -num::Compare(b, a);
  }
  // a is big
  if (rb == NumRep::kInt) return a.big_value().negative() ? -1 : 1;
  if (rb == NumRep::kDouble) return CompareBigDouble(a.big_value(), b.double_value());
  return BigInt::Compare(a.big_value(), b.big_value());
}

// ---------------------------------------------------------------------------
// Parsing

bool Parse(std::string_view text, Value* out) {
  const char* p = text.data();
  const char* end = p + text.size();
  bool neg = false;
  if (p < end && (*p == '-' || *p == '+')) {
    neg = *p == '-';
    ++p;
  }
  const char* int_begin = p;
  while (p < end && *p >= '0' && *p <= '9') ++p;
  const char* int_end = p;
  const char* frac_begin = p;
  const char* frac_end = p;
  bool has_frac = false, has_exp = false;
  if (p < end && *p == '.') {
    has_frac = true;
    frac_begin = ++p;
    while (p < end && *p >= '0' && *p <= '9') ++p;
    frac_end = p;
  }
  if (int_begin == int_end && frac_begin == frac_end) return false;  // no digits
  int64_t exp = 0;
  if (p < end && (*p == 'e' || *p == 'E')) {
    has_exp = true;
    ++p;
    bool eneg = false;
    if (p < end && (*p == '-' || *p == '+')) {
      eneg = *p == '-';
      ++p;
    }
    if (p == end) return false;
    while (p < end && *p >= '0' && *p <= '9') {
      if (exp < 1000000000) exp = exp * 10 + (*p - '0');  // saturate
      ++p;
    }
    if (eneg) exp = -exp;
  }
  if (p != end) return false;

  if (!has_frac && !has_exp) {
    size_t ndigits = static_cast<size_t>(int_end - int_begin);
    if (ndigits <= 18) {
      int64_t v = 0;
      for (const char* q = int_begin; q < int_end; ++q) v = v * 10 + (*q - '0');
      *out = Value::Int(neg ? -v : v);
      return true;
    }
    BigInt b;
    BigInt::Parse(std::string_view(int_begin, ndigits), &b);
    *out = Value::Big(neg ? -b : b);
    return true;
  }

  // value = digits * 10^dexp, with the mantissa digits' leading and trailing
  // zeros stripped. A literal that denotes an integer ("1e3", "2.50e1",
  // "10.00") stays an exact integer, as OPA keeps it. The digits are read in
  // place across the integer and fraction parts.
  const int64_t ni = int_end - int_begin;
  const int64_t nf = frac_end - frac_begin;
  auto digit = [&](int64_t i) { return i < ni ? int_begin[i] : frac_begin[i - ni]; };
  int64_t lead = 0;
  while (lead < ni + nf && digit(lead) == '0') ++lead;
  if (lead == ni + nf) {
    *out = Value::Int(0);
    return true;
  }
  int64_t last = ni + nf - 1;
  while (digit(last) == '0') --last;
  const int64_t nsig = last + 1 - lead;
  const int64_t dexp = exp - nf + (ni + nf - 1 - last);
  if (dexp >= 0 && nsig + dexp <= kMaxExactDigits) {
    if (nsig + dexp <= 18) {
      int64_t v = 0;
      for (int64_t i = lead; i <= last; ++i) v = v * 10 + (digit(i) - '0');
      for (int64_t i = 0; i < dexp; ++i) v *= 10;
      *out = Value::Int(neg ? -v : v);
      return true;
    }
    std::string sig;
    sig.reserve(static_cast<size_t>(nsig));
    for (int64_t i = lead; i <= last; ++i) sig.push_back(digit(i));
    BigInt b;
    BigInt::Parse(sig, &b);
    b = b * BigInt::Pow10(static_cast<uint32_t>(dexp));
    *out = Value::Big(neg ? -b : b);
    return true;
  }
  // from_chars wants no '+' sign; the grammar is otherwise strtod's.
  const char* s = text.data();
  if (*s == '+') ++s;
  double d = 0;
  auto res = std::from_chars(s, end, d);
  if (res.ec == std::errc::result_out_of_range) {
    // Overflow to infinity or underflow to zero, as strtod would.
    d = dexp > 0 ? std::numeric_limits<double>::infinity() : 0.0;
    if (neg) d = -d;
  } else if (res.ec != std::errc() || res.ptr != end) {
    return false;
  }
  *out = Value::Double(d);
  return true;
}

// ---------------------------------------------------------------------------
// Arithmetic

Value Add(const Value& a, const Value& b) {
  if (a.num_rep() == NumRep::kInt && b.num_rep() == NumRep::kInt) {
    int64_t r;
    if (!__builtin_add_overflow(a.int_value(), b.int_value(), &r)) return Value::Int(r);
  } else if (!IsIntegerRep(a) || !IsIntegerRep(b)) {
    return Value::Double(a.ToDouble() + b.ToDouble());
  }
  return Value::Big(ToBig(a) + ToBig(b));
}

Value Sub(const Value& a, const Value& b) {
  if (a.num_rep() == NumRep::kInt && b.num_rep() == NumRep::kInt) {
    int64_t r;
    if (!__builtin_sub_overflow(a.int_value(), b.int_value(), &r)) return Value::Int(r);
  } else if (!IsIntegerRep(a) || !IsIntegerRep(b)) {
    return Value::Double(a.ToDouble() - b.ToDouble());
  }
  return Value::Big(ToBig(a) - ToBig(b));
}

Value Mul(const Value& a, const Value& b) {
  if (a.num_rep() == NumRep::kInt && b.num_rep() == NumRep::kInt) {
    int64_t r;
    if (!__builtin_mul_overflow(a.int_value(), b.int_value(), &r)) return Value::Int(r);
  } else if (!IsIntegerRep(a) || !IsIntegerRep(b)) {
    return Value::Double(a.ToDouble() * b.ToDouble());
  }
  return Value::Big(ToBig(a) * ToBig(b));
}

namespace {
bool IsZero(const Value& v) {
  switch (v.num_rep()) {
    case NumRep::kInt: return v.int_value() == 0;
    case NumRep::kDouble: return v.double_value() == 0;
    default: return false;  // big integers are never zero
  }
}
}  // namespace

Status Div(const Value& a, const Value& b, Value* out) {
  if (IsZero(b)) return Status::BuiltinError("divide by zero");
  if (a.num_rep() == NumRep::kInt && b.num_rep() == NumRep::kInt) {
    int64_t x = a.int_value(), y = b.int_value();
    if (!(x == std::numeric_limits<int64_t>::min() && y == -1)) {
      if (x % y == 0) {
        *out = Value::Int(x / y);
      } else {
        *out = Value::Double(static_cast<double>(x) / static_cast<double>(y));
      }
      return Status::OK();
    }
  }
  if (IsIntegerRep(a) && IsIntegerRep(b)) {
    BigInt q, r;
    BigInt::DivMod(ToBig(a), ToBig(b), &q, &r);
    if (r.is_zero()) {
      *out = Value::Big(q);
      return Status::OK();
    }
  }
  *out = Value::Double(a.ToDouble() / b.ToDouble());
  return Status::OK();
}

Status Rem(const Value& a, const Value& b, Value* out) {
  // Integral doubles that fit int64 are already kInt; anything else that is a
  // double has a fraction (or is too large to be an exact operand).
  if (!IsIntegerRep(a) || !IsIntegerRep(b)) {
    return Status::BuiltinError("modulo on floating-point number");
  }
  if (IsZero(b)) return Status::BuiltinError("modulo by zero");
  if (a.num_rep() == NumRep::kInt && b.num_rep() == NumRep::kInt) {
    int64_t y = b.int_value();
    *out = Value::Int(y == -1 ? 0 : a.int_value() % y);
    return Status::OK();
  }
  BigInt r;
  BigInt::DivMod(ToBig(a), ToBig(b), nullptr, &r);
  *out = Value::Big(r);
  return Status::OK();
}

Value Negate(const Value& a) {
  switch (a.num_rep()) {
    case NumRep::kInt:
      if (a.int_value() == std::numeric_limits<int64_t>::min()) return Value::Big(-BigInt(a.int_value()));
      return Value::Int(-a.int_value());
    case NumRep::kDouble: return Value::Double(-a.double_value());
    case NumRep::kBig: return Value::Big(-a.big_value());
    default: return a;
  }
}

Value Abs(const Value& a) {
  switch (a.num_rep()) {
    case NumRep::kInt: return a.int_value() < 0 ? Negate(a) : a;
    case NumRep::kDouble: return Value::Double(std::fabs(a.double_value()));
    case NumRep::kBig: return a.big_value().negative() ? Value::Big(a.big_value().Abs()) : a;
    default: return a;
  }
}

Value Round(const Value& a) {
  if (a.num_rep() != NumRep::kDouble) return a;
  return Value::Double(std::round(a.double_value()));
}

Value Ceil(const Value& a) {
  if (a.num_rep() != NumRep::kDouble) return a;
  return Value::Double(std::ceil(a.double_value()));
}

Value Floor(const Value& a) {
  if (a.num_rep() != NumRep::kDouble) return a;
  return Value::Double(std::floor(a.double_value()));
}

// ---------------------------------------------------------------------------
// Formatting

namespace {

// Writes a finite, non-zero double from its shortest round-trip digits:
// plain decimal for 1e-6 <= |d| < 1e21, exponent form outside that range
// ("1e+21", "1.5e-7"), as Go's encoding/json prints float64.
void AppendDouble(double d, std::string* out) {
  if (!std::isfinite(d)) {
    out->append(std::isnan(d) ? "NaN" : (d > 0 ? "+Inf" : "-Inf"));
    return;
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  // buf: [-]D[.DDDD]e(+|-)XX
  std::string_view s(buf, static_cast<size_t>(res.ptr - buf));
  bool neg = false;
  if (!s.empty() && s[0] == '-') {
    neg = true;
    s.remove_prefix(1);
  }
  size_t e = s.find('e');
  std::string_view mant = s.substr(0, e);
  int exp10 = 0;
  std::from_chars(s.data() + e + 1 + (s[e + 1] == '+' ? 1 : 0), s.data() + s.size(), exp10);
  char digits[32];
  size_t nd = 0;
  for (char c : mant) {
    if (c != '.') digits[nd++] = c;
  }
  if (neg) out->push_back('-');
  double ad = std::fabs(d);
  if (ad < 1e-6 || ad >= 1e21) {
    out->push_back(digits[0]);
    if (nd > 1) {
      out->push_back('.');
      out->append(digits + 1, nd - 1);
    }
    out->push_back('e');
    out->push_back(exp10 < 0 ? '-' : '+');
    int ae = exp10 < 0 ? -exp10 : exp10;
    // Go pads a positive exponent to two digits ("1e+21"); encoding/json
    // strips the padding of a negative one ("1e-7").
    if (ae < 10 && exp10 >= 0) out->push_back('0');
    char eb[8];
    auto er = std::to_chars(eb, eb + sizeof eb, ae);
    out->append(eb, er.ptr);
    return;
  }
  // Decimal point after digit index exp10 (0-based position exp10 + 1).
  int point = exp10 + 1;
  if (point <= 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-point), '0');
    out->append(digits, nd);
  } else if (static_cast<size_t>(point) >= nd) {
    out->append(digits, nd);
    out->append(static_cast<size_t>(point) - nd, '0');
  } else {
    out->append(digits, static_cast<size_t>(point));
    out->push_back('.');
    out->append(digits + point, nd - static_cast<size_t>(point));
  }
}

}  // namespace

void AppendFormat(const Value& a, std::string* out) {
  switch (a.num_rep()) {
    case NumRep::kInt: {
      char buf[24];
      auto res = std::to_chars(buf, buf + sizeof buf, a.int_value());
      out->append(buf, res.ptr);
      return;
    }
    case NumRep::kDouble:
      AppendDouble(a.double_value(), out);
      return;
    case NumRep::kBig:
      a.big_value().AppendTo(out);
      return;
    case NumRep::kNone:
      return;
  }
}

std::string Format(const Value& a) {
  std::string s;
  AppendFormat(a, &s);
  return s;
}

}  // namespace fedra::num
