// units.parse and units.parse_bytes.
//
// Both split "<number><unit>" the way OPA does (extractNumAndUnit), then
// differ in arithmetic, which this file reproduces because results are
// compared exactly:
//   - units.parse multiplies exact rationals (Go's big.Rat). Its milli factor
//     is the float64 0.001, not 1/1000, so "500m" is a hair above 0.5; the
//     result is an integer when exact, else rounded to 10 decimal places
//     (big.Rat.FloatString(10)) and read back as a float.
//   - units.parse_bytes multiplies 64-bit-mantissa binary floats (big.Float
//     at precision 64) and truncates toward zero. x86-64's long double has
//     exactly that mantissa and rounding, so it reproduces OPA's results.
//
// Error texts are OPA's without its own "units.parse: " prefix, which the
// evaluator adds.
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "builtins/int_bits.h"
#include "builtins/registry.h"
#include "value/bigint.h"
#include "value/number.h"

namespace fedra::builtins {
namespace {

static_assert(LDBL_MANT_DIG == 64, "units.parse_bytes needs an x87 80-bit long double");

// OPA refuses scientific notation with more exponent digits than this.
constexpr size_t kMaxExponentDigits = 6;
// Bounds that keep exact arithmetic cheap: an integer result longer than
// this many decimal digits is refused, as is an amount with more digits.
constexpr int64_t kMaxResultDigits = 1000;
constexpr size_t kMaxAmountDigits = 1000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// OPA's extractNumAndUnit: the longest prefix made of digits, '.', '+', '-'
// and an 'e'/'E' that is followed by a digit or sign. Returns false when an
// exponent has too many digits.
bool SplitAmount(std::string_view s, std::string_view* num, std::string_view* unit) {
  size_t first_non_num = std::string_view::npos;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool numeric = IsDigit(c) || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
    if (!numeric) {
      first_non_num = i;
      break;
    }
    if (c == 'e' || c == 'E') {
      if (i + 1 == s.size() || (!IsDigit(s[i + 1]) && s[i + 1] != '+' && s[i + 1] != '-')) {
        first_non_num = i;
        break;
      }
      if (s[i + 1] == '+' || s[i + 1] == '-') ++i;
      size_t start = i + 1, end = start;
      while (end < s.size() && IsDigit(s[end])) ++end;
      if (end - start > kMaxExponentDigits) return false;
    }
  }
  if (first_non_num == std::string_view::npos) {
    *num = s;
    *unit = {};
  } else {
    *num = s.substr(0, first_non_num);
    *unit = s.substr(first_non_num);
  }
  return true;
}

// A decimal amount: (-1)^negative * mantissa * 10^exp10.
struct Decimal {
  bool negative = false;
  std::string digits;  // mantissa digits, possibly with leading zeros
  int64_t exp10 = 0;
};

// Go's decimal float syntax as big.Rat and big.Float read it (the characters
// SplitAmount admits leave no room for base prefixes or underscores):
// [+-] digits [. digits] [(e|E) [+-] digits], with at least one mantissa digit.
bool ParseDecimal(std::string_view s, Decimal* out) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) out->negative = s[i++] == '-';
  size_t frac_digits = 0;
  bool seen_dot = false;
  for (; i < s.size(); ++i) {
    if (IsDigit(s[i])) {
      out->digits.push_back(s[i]);
      if (seen_dot) ++frac_digits;
    } else if (s[i] == '.' && !seen_dot) {
      seen_dot = true;
    } else {
      break;
    }
  }
  if (out->digits.empty()) return false;
  int64_t exp = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    size_t start = i;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      if (exp < 100000000) exp = exp * 10 + (s[i] - '0');
    }
    if (i == start) return false;
    if (neg) exp = -exp;
  }
  if (i != s.size()) return false;
  out->exp10 = exp - static_cast<int64_t>(frac_digits);
  return true;
}

BigInt BigFromDigits(std::string_view digits) {
  size_t lead = digits.find_first_not_of('0');
  BigInt b;
  if (lead != std::string_view::npos) BigInt::Parse(digits.substr(lead), &b);
  return b;
}

// Decimal digits of |b| (b != 0).
int64_t DigitCount(const BigInt& b) { return static_cast<int64_t>(b.Abs().ToString().size()); }

BigInt Pow5(uint32_t n) {
  BigInt r(1);
  const BigInt five(5);
  for (uint32_t i = 0; i < n; ++i) r = r * five;
  return r;
}

// The exact value mantissa * 10^exp10 (sign in `negative`) as OPA's
// units.parse returns it.
Status RationalToValue(bool negative, BigInt mantissa, int64_t exp10, Value* out) {
  if (mantissa.is_zero()) {
    *out = Value::Int(0);
    return Status::OK();
  }
  int64_t ndigits = DigitCount(mantissa);
  if (exp10 >= 0) {
    if (ndigits + exp10 > kMaxResultDigits) return Status::BuiltinError("exponent too large");
    BigInt r = mantissa * BigInt::Pow10(static_cast<uint32_t>(exp10));
    *out = Value::Big(negative ? -r : r);
    return Status::OK();
  }
  int64_t scale = -exp10;
  if (scale <= ndigits) {
    BigInt q, rem;
    BigInt::DivMod(mantissa, BigInt::Pow10(static_cast<uint32_t>(scale)), &q, &rem);
    if (rem.is_zero()) {
      *out = Value::Big(negative ? -q : q);
      return Status::OK();
    }
  }
  // Round to 10 decimal places, halves away from zero (big.Rat.FloatString).
  BigInt q;
  int64_t drop = scale - 10;
  if (drop <= 0) {
    q = mantissa * BigInt::Pow10(static_cast<uint32_t>(-drop));
  } else if (drop > ndigits) {
    q = BigInt();  // below half a unit in the 10th place
  } else {
    BigInt div = BigInt::Pow10(static_cast<uint32_t>(drop)), rem;
    BigInt::DivMod(mantissa, div, &q, &rem);
    if (BigInt::Compare(rem + rem, div) >= 0) q = q + BigInt(1);
  }
  std::string text = q.ToString();
  if (text.size() < 11) text.insert(0, 11 - text.size(), '0');
  text.insert(text.size() - 10, ".");
  if (negative) text.insert(0, "-");
  if (!num::Parse(text, out)) return Status::Internal("units.parse: bad decimal " + text);
  return Status::OK();
}

// Removes every '"' (OPA strips quotes so that "\"10Mi\"" parses).
std::string StripQuotes(std::string_view s) {
  std::string r;
  r.reserve(s.size());
  for (char c : s) {
    if (c != '"') r.push_back(c);
  }
  return r;
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

Status UnitsParse(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  std::string s = StripQuotes(args[0].str());
  if (s.find(' ') != std::string::npos) {
    return Status::BuiltinError("spaces not allowed in resource strings");
  }
  std::string_view num, unit_raw;
  if (!SplitAmount(s, &num, &unit_raw)) return Status::BuiltinError("exponent too large");
  if (num.empty()) return Status::BuiltinError("no amount provided");
  // Only letters after the first are case-folded, so "m" (milli) and "M"
  // (mega) stay apart.
  std::string unit(unit_raw);
  for (size_t i = 1; i < unit.size(); ++i) unit[i] = AsciiLower(unit[i]);

  enum class Kind { kPow10, kPow2, kMilli } kind = Kind::kPow10;
  uint32_t power = 0;
  if (unit == "m") {
    kind = Kind::kMilli;
  } else if (unit.empty()) {
    power = 0;
  } else {
    static constexpr std::string_view kPrefixes = "kmgtpe";
    char p = AsciiLower(unit[0]);
    size_t idx = kPrefixes.find(p);
    // Decimal prefixes accept either case ("m" alone is milli, handled
    // above); binary ones are "<prefix>i" with the prefix in either case.
    if (idx == std::string_view::npos || unit.size() > 2 || (unit.size() == 2 && unit[1] != 'i')) {
      return Status::BuiltinError("unit " + unit + " not recognized");
    }
    if (unit.size() == 2) {
      kind = Kind::kPow2;
      power = static_cast<uint32_t>(10 * (idx + 1));
    } else {
      power = static_cast<uint32_t>(3 * (idx + 1));
    }
  }

  Decimal d;
  if (!ParseDecimal(num, &d)) return Status::BuiltinError("could not parse amount to a number");
  if (d.digits.size() > kMaxAmountDigits) {
    return Status::LimitExceeded("amount has more than " + std::to_string(kMaxAmountDigits) +
                                 " digits");
  }
  BigInt mantissa = BigFromDigits(d.digits);
  int64_t exp10 = d.exp10;
  switch (kind) {
    case Kind::kPow10:
      exp10 += power;
      break;
    case Kind::kPow2:
      mantissa = intbits::Shl(mantissa, power);
      break;
    case Kind::kMilli: {
      // 0.001 as a float64 is m * 2^-k = m * 5^k * 10^-k exactly.
      int e2 = 0;
      double frac = std::frexp(0.001, &e2);
      uint64_t m = static_cast<uint64_t>(std::ldexp(frac, 53));
      uint32_t k = static_cast<uint32_t>(53 - e2);
      mantissa = mantissa * BigInt::FromUint64(m) * Pow5(k);
      exp10 -= k;
      break;
    }
  }
  return RationalToValue(d.negative, std::move(mantissa), exp10, out);
}

// The integer part of a finite long double, exactly.
Value TruncatedLongDouble(long double x) {
  long double t = std::trunc(x);
  if (t >= -9223372036854775808.0L && t < 9223372036854775808.0L) {
    return Value::Int(static_cast<int64_t>(t));
  }
  int e2 = 0;
  long double frac = std::frexp(std::fabs(t), &e2);  // |t| = frac * 2^e2
  uint64_t mant = static_cast<uint64_t>(std::ldexp(frac, 64));
  BigInt b = intbits::Shl(BigInt::FromUint64(mant), static_cast<uint64_t>(e2 - 64));
  return Value::Big(t < 0 ? -b : b);
}

Status UnitsParseBytes(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  std::string s = StripQuotes(args[0].str());
  for (char& c : s) c = AsciiLower(c);
  if (s.find(' ') != std::string::npos) {
    return Status::BuiltinError("spaces not allowed in resource strings");
  }
  std::string_view num, unit;
  if (!SplitAmount(s, &num, &unit)) return Status::BuiltinError("exponent too large");
  if (num.empty()) return Status::BuiltinError("no byte amount provided");

  long double mult = 1;
  if (!unit.empty()) {
    static constexpr std::string_view kPrefixes = "kmgtpe";
    size_t idx = kPrefixes.find(unit[0]);
    std::string_view rest = unit.substr(1);
    if (idx == std::string_view::npos ||
        !(rest.empty() || rest == "b" || rest == "i" || rest == "ib")) {
      return Status::BuiltinError("byte unit " + std::string(unit) + " not recognized");
    }
    bool binary = !rest.empty() && rest[0] == 'i';
    for (size_t i = 0; i <= idx; ++i) mult *= binary ? 1024.0L : 1000.0L;
  }

  Decimal d;
  if (!ParseDecimal(num, &d)) {
    return Status::BuiltinError("could not parse byte amount to a number");
  }
  // strtold rounds the decimal to the nearest 64-bit mantissa, as
  // big.Float.SetString does at its default precision.
  std::string text(num);
  long double amount = std::strtold(text.c_str(), nullptr);
  long double total = amount * mult;
  if (!std::isfinite(total)) return Status::BuiltinError("exponent too large");
  *out = TruncatedLongDouble(total);
  return Status::OK();
}

}  // namespace

void RegisterUnits(Registry& r) {
  r.Add("units.parse", 1, UnitsParse);
  r.Add("units.parse_bytes", 1, UnitsParseBytes);
}

}  // namespace fedra::builtins
