// Go fmt / strconv formatting. The structure follows the behaviour documented
// for Go's fmt package (flags, width, precision, argument indexes, in-band
// errors); numbers are rendered from correctly rounded decimal digits
// obtained with std::to_chars and laid out with Go's rules.
#include "builtins/sprintf.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "builtins/text_util.h"
#include "value/bigint.h"

namespace fedra::builtins {

namespace {

constexpr char kLower[] = "0123456789abcdefx";
constexpr char kUpper[] = "0123456789ABCDEFX";

// ---- float digits ------------------------------------------------------------

// A non-negative decimal 0.d1d2...dn x 10^dp with no trailing zero digits.
struct Decimal {
  std::string d;  // digits; empty for zero
  int dp = 0;
};

// Parses the mantissa/exponent of to_chars' scientific output for |v|.
Decimal FromScientific(std::string_view s) {
  Decimal dec;
  size_t e = s.find('e');
  for (size_t i = 0; i < e; ++i) {
    if (s[i] >= '0' && s[i] <= '9') dec.d.push_back(s[i]);
  }
  int exp = 0;
  std::from_chars(s.data() + e + 1 + (s[e + 1] == '+' ? 1 : 0), s.data() + s.size(), exp);
  dec.dp = exp + 1;
  while (!dec.d.empty() && dec.d.back() == '0') dec.d.pop_back();
  if (dec.d.empty()) dec.dp = 0;
  return dec;
}

// Shortest digits that read back to |v| (v finite).
Decimal ShortestDigits(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::scientific);
  return FromScientific(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
}

// |v| rounded to `sig` significant digits (sig >= 1).
Decimal RoundedDigits(double v, int sig) {
  char buf[512];
  auto r = std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::scientific, sig - 1);
  return FromScientific(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
}

void FmtE(const Decimal& dec, int prec, char e, std::string* out) {
  out->push_back(dec.d.empty() ? '0' : dec.d[0]);
  if (prec > 0) {
    out->push_back('.');
    int i = 1;
    int m = std::min(static_cast<int>(dec.d.size()), prec + 1);
    for (; i < m; ++i) out->push_back(dec.d[static_cast<size_t>(i)]);
    for (; i <= prec; ++i) out->push_back('0');
  }
  out->push_back(e);
  int exp = dec.d.empty() ? 0 : dec.dp - 1;
  out->push_back(exp < 0 ? '-' : '+');
  if (exp < 0) exp = -exp;
  std::string ds = std::to_string(exp);
  if (ds.size() < 2) out->push_back('0');
  out->append(ds);
}

void FmtF(const Decimal& dec, int prec, std::string* out) {
  int nd = static_cast<int>(dec.d.size());
  if (dec.dp > 0) {
    int m = std::min(nd, dec.dp);
    out->append(dec.d, 0, static_cast<size_t>(m));
    for (; m < dec.dp; ++m) out->push_back('0');
  } else {
    out->push_back('0');
  }
  if (prec > 0) {
    out->push_back('.');
    for (int i = 1; i <= prec; ++i) {
      int j = dec.dp + i - 1;
      out->push_back(j >= 0 && j < nd ? dec.d[static_cast<size_t>(j)] : '0');
    }
  }
}

// strconv.FormatFloat for e E f F g G (and x X via hex digits), v finite.
void FormatFinite(double v, char fmt, int prec, std::string* out) {
  if (std::signbit(v)) out->push_back('-');
  bool shortest = prec < 0;
  switch (fmt) {
    case 'e':
    case 'E': {
      Decimal dec = shortest ? ShortestDigits(v) : RoundedDigits(v, prec + 1);
      if (shortest) prec = std::max(static_cast<int>(dec.d.size()) - 1, 0);
      FmtE(dec, prec, fmt, out);
      return;
    }
    case 'f':
    case 'F': {
      if (shortest) {
        Decimal dec = ShortestDigits(v);
        FmtF(dec, std::max(static_cast<int>(dec.d.size()) - dec.dp, 0), out);
      } else {
        char buf[400];
        auto r = std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::fixed, prec);
        if (r.ec == std::errc()) {
          out->append(buf, r.ptr);
        } else {
          std::vector<char> big(static_cast<size_t>(prec) + 400);
          auto r2 = std::to_chars(big.data(), big.data() + big.size(), std::fabs(v),
                                  std::chars_format::fixed, prec);
          out->append(big.data(), r2.ptr);
        }
      }
      return;
    }
    case 'g':
    case 'G': {
      Decimal dec;
      int eprec;
      if (shortest) {
        dec = ShortestDigits(v);
        prec = static_cast<int>(dec.d.size());
        eprec = 6;
      } else {
        if (prec == 0) prec = 1;
        dec = RoundedDigits(v, prec);
        eprec = prec;
        int nd = static_cast<int>(dec.d.size());
        if (eprec > nd && nd >= dec.dp) eprec = nd;
      }
      int nd = static_cast<int>(dec.d.size());
      int exp = dec.dp - 1;
      if (dec.d.empty()) exp = 0;
      if (exp < -4 || exp >= eprec) {
        if (prec > nd) prec = nd;
        FmtE(dec, std::max(prec - 1, 0), fmt == 'g' ? 'e' : 'E', out);
        return;
      }
      if (prec > dec.dp) prec = nd;
      FmtF(dec, std::max(prec - dec.dp, 0), out);
      return;
    }
    case 'x':
    case 'X': {
      // Go: [-]0x1.hhhhp±dd with at least two exponent digits.
      char buf[64];
      auto r = shortest ? std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::hex)
                        : std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::hex, prec);
      std::string s(buf, r.ptr);
      size_t p = s.find('p');
      std::string mant = s.substr(0, p);
      std::string ex = s.substr(p + 1);
      char sign = '+';
      if (!ex.empty() && (ex[0] == '+' || ex[0] == '-')) {
        sign = ex[0];
        ex = ex.substr(1);
      }
      if (v == 0) mant = prec > 0 ? "0." + std::string(static_cast<size_t>(prec), '0') : "0";
      if (ex.size() < 2) ex = "0" + ex;
      std::string res = "0x" + mant + "p" + sign + ex;
      if (fmt == 'X') {
        for (char& c : res) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
      out->append(res);
      return;
    }
    default:
      out->append("%");
      out->push_back(fmt);
  }
}

// ---- Go strconv quoting ------------------------------------------------------

void AppendQuotedRune(char32_t r, size_t width, char quote, bool ascii_only, std::string* out) {
  if (width == 1 && r == text::kRuneError) {
    // An invalid byte is written as \x escape by the caller.
    return;
  }
  if (r == static_cast<char32_t>(quote) || r == '\\') {
    out->push_back('\\');
    out->push_back(static_cast<char>(r));
    return;
  }
  if (ascii_only ? (r < 0x80 && text::IsPrint(r)) : text::IsPrint(r)) {
    text::AppendRune(r, out);
    return;
  }
  switch (r) {
    case '\a': out->append("\\a"); return;
    case '\b': out->append("\\b"); return;
    case '\f': out->append("\\f"); return;
    case '\n': out->append("\\n"); return;
    case '\r': out->append("\\r"); return;
    case '\t': out->append("\\t"); return;
    case '\v': out->append("\\v"); return;
    default: break;
  }
  char buf[16];
  if (r < ' ' || r == 0x7F) {
    std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(r));
  } else if (r < 0x10000) {
    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(r));
  } else {
    std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(r));
  }
  out->append(buf);
}

std::string QuoteWith(std::string_view s, char quote, bool ascii_only) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back(quote);
  for (size_t i = 0; i < s.size();) {
    // Printable ASCII other than the quote and backslash stands for itself:
    // copy such runs at once (most policy strings are all of it).
    size_t run = i;
    while (run < s.size() && s[run] >= 0x20 && s[run] < 0x7F && s[run] != quote && s[run] != '\\') {
      ++run;
    }
    if (run > i) {
      out.append(s.data() + i, run - i);
      i = run;
      continue;
    }
    size_t w;
    char32_t r = text::DecodeRune(s, i, &w);
    if (w == 1 && r == text::kRuneError) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(s[i]));
      out.append(buf);
    } else {
      AppendQuotedRune(r, w, quote, ascii_only, &out);
    }
    i += w;
  }
  out.push_back(quote);
  return out;
}

bool CanBackquote(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t w;
    char32_t r = text::DecodeRune(s, i, &w);
    if (w == 1 && r == text::kRuneError) return false;
    if ((r < ' ' && r != '\t') || r == '`' || r == 0x7F || r == 0xFEFF) return false;
    i += w;
  }
  return true;
}

// ---- arguments -----------------------------------------------------------------

enum class ArgKind { kInt, kBig, kFloat, kStr };

// An argument's text is a view of the string Value (which outlives the
// call) or of `owned`, its Rego form; no copy for the common string case.
struct Arg {
  ArgKind kind = ArgKind::kStr;
  int64_t i = 0;
  const BigInt* big = nullptr;
  double f = 0;
  std::string_view s;
  std::string owned;
};

// Fills `a` in place: `a.s` may point into `a.owned`, so `a` must not move
// afterwards.
void ConvertArg(const Value& v, Arg* a) {
  if (v.is_number()) {
    switch (v.num_rep()) {
      case Value::NumRep::kInt:
        a->kind = ArgKind::kInt;
        a->i = v.int_value();
        return;
      case Value::NumRep::kBig:
        a->kind = ArgKind::kBig;
        a->big = &v.big_value();
        return;
      default:
        a->kind = ArgKind::kFloat;
        a->f = v.ToDouble();
        return;
    }
  }
  a->kind = ArgKind::kStr;
  if (v.is_string()) {
    a->s = v.str();
  } else {
    a->owned = ToRegoString(v);
    a->s = a->owned;
  }
}

const char* TypeName(const Arg& a) {
  switch (a.kind) {
    case ArgKind::kInt: return "int";
    case ArgKind::kBig: return "*big.Int";
    case ArgKind::kFloat: return "float64";
    case ArgKind::kStr: return "string";
  }
  return "?";
}

// Go's magnitude digits of a BigInt in base 2, 8, 10 or 16.
std::string BigDigits(const BigInt& b, int base, bool upper) {
  if (base == 10) {
    std::string s = b.Abs().ToString();
    return s;
  }
  int bits = base == 2 ? 1 : base == 8 ? 3 : 4;
  const auto& mag = b.magnitude();
  size_t total = mag.size() * 32;
  std::string s;
  const char* digits = upper ? kUpper : kLower;
  for (size_t pos = 0; pos < total; pos += static_cast<size_t>(bits)) {
    unsigned d = 0;
    for (int k = 0; k < bits; ++k) {
      size_t bit = pos + static_cast<size_t>(k);
      if (bit < total && ((mag[bit / 32] >> (bit % 32)) & 1u)) d |= 1u << k;
    }
    s.push_back(digits[d]);
  }
  while (s.size() > 1 && s.back() == '0') s.pop_back();
  if (s.empty()) s = "0";
  return std::string(s.rbegin(), s.rend());
}

// ---- the printer ---------------------------------------------------------------

struct Flags {
  bool plus = false, minus = false, sharp = false, space = false, zero = false;
  bool plus_v = false, sharp_v = false;
  bool wid_present = false, prec_present = false;
  int wid = 0, prec = 0;
};

class Printer {
 public:
  explicit Printer(std::span<const Value> values) : args_(values.size()) {
    // Sized once: an Arg's view may point into its own string.
    for (size_t i = 0; i < values.size(); ++i) ConvertArg(values[i], &args_[i]);
  }

  std::string Run(std::string_view format);

 private:
  void WritePadding(int n) {
    if (n > 0) buf_.append(static_cast<size_t>(n), f_.zero ? '0' : ' ');
  }
  void Pad(std::string_view s) {
    if (!f_.wid_present || f_.wid == 0) {
      buf_.append(s);
      return;
    }
    int width = f_.wid - static_cast<int>(text::RuneCount(s));
    if (!f_.minus) {
      WritePadding(width);
      buf_.append(s);
    } else {
      buf_.append(s);
      WritePadding(width);
    }
  }
  void PadNoZero(std::string_view s) {
    bool old = f_.zero;
    f_.zero = false;
    Pad(s);
    f_.zero = old;
  }

  void PrintArg(const Arg& a, char32_t verb);
  void BadVerb(const Arg& a, char32_t verb);
  void FmtInteger(uint64_t u, int base, bool is_signed, char32_t verb, bool upper);
  void FmtInt(const Arg& a, char32_t verb);
  void FmtBig(const Arg& a, char32_t verb);
  void FmtFloat(double v, char verb, int prec);
  void FmtFloatVerb(const Arg& a, char32_t verb);
  void FmtString(const Arg& a, char32_t verb);
  void FmtSx(std::string_view s, bool upper);
  void FmtQ(std::string_view s);
  std::string_view Truncate(std::string_view s) const {
    if (f_.prec_present) return s.substr(0, text::RuneOffset(s, static_cast<size_t>(f_.prec)));
    return s;
  }

  bool ArgNumber(int* arg_num, std::string_view format, size_t* i);
  bool IntFromArg(int* arg_num, int* out);

  std::vector<Arg> args_;
  std::string buf_;
  Flags f_;
  bool reordered_ = false;
  bool good_arg_num_ = true;
};

void Printer::BadVerb(const Arg& a, char32_t verb) {
  buf_.append("%!");
  text::AppendRune(verb, &buf_);
  buf_.push_back('(');
  buf_.append(TypeName(a));
  buf_.push_back('=');
  PrintArg(a, 'v');
  buf_.push_back(')');
}

void Printer::FmtInteger(uint64_t u, int base, bool is_signed, char32_t verb, bool upper) {
  bool negative = is_signed && static_cast<int64_t>(u) < 0;
  if (negative) u = 0 - u;
  const char* digits = upper ? kUpper : kLower;
  int prec = 0;
  if (f_.prec_present) {
    prec = f_.prec;
    if (prec == 0 && u == 0) {
      bool old = f_.zero;
      f_.zero = false;
      WritePadding(f_.wid);
      f_.zero = old;
      return;
    }
  } else if (f_.zero && !f_.minus && f_.wid_present) {
    prec = f_.wid;
    if (negative || f_.plus || f_.space) --prec;
  }
  std::string rev;  // digits, least significant first
  do {
    rev.push_back(digits[u % static_cast<uint64_t>(base)]);
    u /= static_cast<uint64_t>(base);
  } while (u != 0);
  while (static_cast<int>(rev.size()) < prec) rev.push_back('0');
  if (f_.sharp) {
    if (base == 2) {
      rev.push_back('b');
      rev.push_back('0');
    } else if (base == 8) {
      if (rev.back() != '0') rev.push_back('0');
    } else if (base == 16) {
      rev.push_back(digits[16]);
      rev.push_back('0');
    }
  }
  if (verb == 'O') {
    rev.push_back('o');
    rev.push_back('0');
  }
  if (negative) {
    rev.push_back('-');
  } else if (f_.plus) {
    rev.push_back('+');
  } else if (f_.space) {
    rev.push_back(' ');
  }
  PadNoZero(std::string(rev.rbegin(), rev.rend()));
}

void Printer::FmtInt(const Arg& a, char32_t verb) {
  uint64_t u = static_cast<uint64_t>(a.i);
  switch (verb) {
    case 'v':
    case 'd': FmtInteger(u, 10, true, verb, false); return;
    case 'b': FmtInteger(u, 2, true, verb, false); return;
    case 'o':
    case 'O': FmtInteger(u, 8, true, verb, false); return;
    case 'x': FmtInteger(u, 16, true, verb, false); return;
    case 'X': FmtInteger(u, 16, true, verb, true); return;
    case 'c': {
      char32_t r = u > text::kMaxRune ? text::kRuneError : static_cast<char32_t>(u);
      std::string s;
      text::AppendRune(r, &s);
      Pad(s);
      return;
    }
    case 'q': {
      char32_t r = u > text::kMaxRune ? text::kRuneError : static_cast<char32_t>(u);
      std::string s;
      s.push_back('\'');
      AppendQuotedRune(r, 0, '\'', f_.plus, &s);
      s.push_back('\'');
      Pad(s);
      return;
    }
    case 'U': {
      char hex[32];
      std::snprintf(hex, sizeof hex, "%llX", static_cast<unsigned long long>(u));
      std::string digits(hex);
      int prec = f_.prec_present && f_.prec > 4 ? f_.prec : 4;
      while (static_cast<int>(digits.size()) < prec) digits.insert(digits.begin(), '0');
      std::string s = "U+" + digits;
      if (f_.sharp && u <= text::kMaxRune && text::IsPrint(static_cast<char32_t>(u))) {
        s += " '";
        text::AppendRune(static_cast<char32_t>(u), &s);
        s += "'";
      }
      PadNoZero(s);
      return;
    }
    default:
      BadVerb(a, verb);
  }
}

void Printer::FmtBig(const Arg& a, char32_t verb) {
  int base;
  switch (verb) {
    case 'b': base = 2; break;
    case 'o': case 'O': base = 8; break;
    case 'd': case 's': case 'v': base = 10; break;
    case 'x': case 'X': base = 16; break;
    default:
      buf_.append("%!");
      text::AppendRune(verb, &buf_);
      buf_.append("(big.Int=");
      buf_.append(a.big->ToString());
      buf_.push_back(')');
      return;
  }
  bool plus = f_.plus || f_.plus_v;
  bool sharp = f_.sharp || f_.sharp_v;
  std::string sign;
  if (a.big->negative()) {
    sign = "-";
  } else if (plus) {
    sign = "+";
  } else if (f_.space) {
    sign = " ";
  }
  // A view, not a std::string: GCC 12 at -O3 reports assigning these short
  // literals to a string as a maybe-uninitialized read (a false positive
  // that breaks -Werror builds).
  std::string_view prefix;
  if (sharp) {
    if (verb == 'b') prefix = "0b";
    if (verb == 'o') prefix = "0";
    if (verb == 'x') prefix = "0x";
    if (verb == 'X') prefix = "0X";
  }
  if (verb == 'O') prefix = "0o";
  std::string digits = BigDigits(*a.big, base, verb == 'X');
  int left = 0, zeros = 0, right = 0;
  if (f_.prec_present) {
    if (static_cast<int>(digits.size()) < f_.prec) {
      zeros = f_.prec - static_cast<int>(digits.size());
    } else if (digits == "0" && f_.prec == 0) {
      return;
    }
  }
  int length = static_cast<int>(sign.size() + prefix.size() + digits.size()) + zeros;
  if (f_.wid_present && length < f_.wid) {
    int d = f_.wid - length;
    if (f_.minus) {
      right = d;
    } else if (f_.zero && !f_.prec_present) {
      zeros = d;
    } else {
      left = d;
    }
  }
  buf_.append(static_cast<size_t>(left), ' ');
  buf_.append(sign);
  buf_.append(prefix);
  buf_.append(static_cast<size_t>(zeros), '0');
  buf_.append(digits);
  buf_.append(static_cast<size_t>(right), ' ');
}

void Printer::FmtFloat(double v, char verb, int prec) {
  if (f_.prec_present) prec = f_.prec;
  std::string num = "+";
  if (std::isinf(v)) {
    num += v < 0 ? "-Inf" : "+Inf";
    num.erase(0, 1);
  } else if (std::isnan(v)) {
    num += "NaN";
  } else {
    char fmt = verb == 'F' ? 'f' : verb;
    FormatFinite(v, fmt, prec, &num);
    if (num.size() > 1 && num[1] == '-') num.erase(0, 1);
  }
  if (f_.space && num[0] == '+' && !f_.plus) num[0] = ' ';
  if (num[1] == 'I' || num[1] == 'N') {
    if (num[1] == 'N' && !f_.space && !f_.plus) num.erase(0, 1);
    PadNoZero(num);
    return;
  }
  if (f_.sharp && verb != 'b') {
    // Keep a decimal point; for %g and %v also keep trailing zeros up to the
    // precision (six significant digits when none is given).
    size_t epos = num.find_first_of("eEpP");
    std::string tail = epos == std::string::npos ? "" : num.substr(epos);
    std::string body = epos == std::string::npos ? num : num.substr(0, epos);
    bool has_point = body.find('.') != std::string::npos;
    if (verb == 'v' || verb == 'g' || verb == 'G') {
      int digits = prec < 0 ? 6 : prec;
      int have = 0;
      bool seen_nonzero = false;
      for (size_t k = 1; k < body.size(); ++k) {
        if (body[k] >= '0' && body[k] <= '9') {
          if (body[k] != '0') seen_nonzero = true;
          if (seen_nonzero) ++have;
        }
      }
      if (!has_point) body += '.';
      if (!seen_nonzero) have = 1;
      for (; have < digits; ++have) body += '0';
    } else if (!has_point) {
      body += '.';
    }
    num = body + tail;
  }
  if (f_.plus || num[0] != '+') {
    if (f_.zero && !f_.minus && f_.wid_present && f_.wid > static_cast<int>(num.size())) {
      buf_.push_back(num[0]);
      WritePadding(f_.wid - static_cast<int>(num.size()));
      buf_.append(num, 1);
      return;
    }
    Pad(num);
    return;
  }
  Pad(std::string_view(num).substr(1));
}

void Printer::FmtFloatVerb(const Arg& a, char32_t verb) {
  switch (verb) {
    case 'v': FmtFloat(a.f, 'g', -1); return;
    case 'b': {
      // Go's %b: decimal mantissa, binary exponent ("4503599627370496p-52").
      if (!std::isfinite(a.f)) {
        FmtFloat(a.f, 'g', -1);
        return;
      }
      int e = 0;
      double m = std::frexp(std::fabs(a.f), &e);
      int64_t mant = static_cast<int64_t>(std::ldexp(m, 53));
      int exp = e - 53;
      if (a.f == 0) exp = -1074;
      std::string s = std::signbit(a.f) ? "-" : "";
      if (!std::signbit(a.f) && f_.plus) s = "+";
      s += std::to_string(mant) + "p" + (exp >= 0 ? "+" : "") + std::to_string(exp);
      Pad(s);
      return;
    }
    case 'g': case 'G': case 'x': case 'X':
      FmtFloat(a.f, static_cast<char>(verb), -1);
      return;
    case 'f': case 'e': case 'E': case 'F':
      FmtFloat(a.f, static_cast<char>(verb), 6);
      return;
    default:
      BadVerb(a, verb);
  }
}

void Printer::FmtSx(std::string_view s, bool upper) {
  const char* digits = upper ? kUpper : kLower;
  int length = static_cast<int>(s.size());
  if (f_.prec_present && f_.prec < length) length = f_.prec;
  int width = 2 * length;
  if (width > 0) {
    if (f_.space) {
      if (f_.sharp) width *= 2;
      width += length - 1;
    } else if (f_.sharp) {
      width += 2;
    }
  } else {
    if (f_.wid_present) WritePadding(f_.wid);
    return;
  }
  if (f_.wid_present && f_.wid > width && !f_.minus) WritePadding(f_.wid - width);
  if (f_.sharp) {
    buf_.push_back('0');
    buf_.push_back(digits[16]);
  }
  for (int i = 0; i < length; ++i) {
    if (f_.space && i > 0) {
      buf_.push_back(' ');
      if (f_.sharp) {
        buf_.push_back('0');
        buf_.push_back(digits[16]);
      }
    }
    unsigned char c = static_cast<unsigned char>(s[static_cast<size_t>(i)]);
    buf_.push_back(digits[c >> 4]);
    buf_.push_back(digits[c & 0xF]);
  }
  if (f_.wid_present && f_.wid > width && f_.minus) WritePadding(f_.wid - width);
}

void Printer::FmtQ(std::string_view s) {
  std::string_view t = Truncate(s);
  if (f_.sharp && CanBackquote(t)) {
    Pad(std::string("`").append(t).append("`"));
    return;
  }
  Pad(QuoteWith(t, '"', f_.plus));
}

void Printer::FmtString(const Arg& a, char32_t verb) {
  switch (verb) {
    case 'v':
      if (f_.sharp_v) {
        FmtQ(a.s);
      } else {
        Pad(Truncate(a.s));
      }
      return;
    case 's': Pad(Truncate(a.s)); return;
    case 'x': FmtSx(a.s, false); return;
    case 'X': FmtSx(a.s, true); return;
    case 'q': FmtQ(a.s); return;
    default: BadVerb(a, verb);
  }
}

void Printer::PrintArg(const Arg& a, char32_t verb) {
  if (verb == 'T') {
    Pad(Truncate(TypeName(a)));
    return;
  }
  switch (a.kind) {
    case ArgKind::kInt: FmtInt(a, verb); return;
    case ArgKind::kBig: FmtBig(a, verb); return;
    case ArgKind::kFloat: FmtFloatVerb(a, verb); return;
    case ArgKind::kStr: FmtString(a, verb); return;
  }
}

// Go's parsenum: decimal digits in [*i, end), bounded to avoid overflow.
bool ParseNum(std::string_view s, size_t* i, size_t end, int* num) {
  *num = 0;
  bool isnum = false;
  size_t k = *i;
  for (; k < end && s[k] >= '0' && s[k] <= '9'; ++k) {
    if (*num > 1000000) {
      *num = 0;
      *i = end;
      return false;
    }
    *num = *num * 10 + (s[k] - '0');
    isnum = true;
  }
  *i = k;
  return isnum;
}

bool Printer::ArgNumber(int* arg_num, std::string_view format, size_t* i) {
  if (*i >= format.size() || format[*i] != '[') return false;
  reordered_ = true;
  std::string_view rest = format.substr(*i);
  // Parse "[n]".
  size_t wid = 1;
  bool ok = false;
  int index = 0;
  if (rest.size() >= 3) {
    for (size_t k = 1; k < rest.size(); ++k) {
      if (rest[k] == ']') {
        size_t p = 1;
        int n = 0;
        bool isnum = ParseNum(rest, &p, k, &n);
        if (!isnum || p != k) {
          wid = k + 1;
          ok = false;
        } else {
          index = n - 1;
          wid = k + 1;
          ok = true;
        }
        break;
      }
    }
  }
  *i += wid;
  if (ok && index >= 0 && index < static_cast<int>(args_.size())) {
    *arg_num = index;
    return true;
  }
  good_arg_num_ = false;
  return ok;
}

bool Printer::IntFromArg(int* arg_num, int* out) {
  *out = 0;
  if (*arg_num >= static_cast<int>(args_.size())) return false;
  const Arg& a = args_[static_cast<size_t>(*arg_num)];
  ++*arg_num;
  if (a.kind != ArgKind::kInt || a.i > 1000000 || a.i < -1000000) return false;
  *out = static_cast<int>(a.i);
  return true;
}

std::string Printer::Run(std::string_view format) {
  // One allocation for the usual message: the format plus room for short
  // arguments, instead of doubling as each argument is appended.
  buf_.reserve(format.size() + 32 * args_.size());
  size_t end = format.size();
  int arg_num = 0;
  bool after_index = false;
  for (size_t i = 0; i < end;) {
    good_arg_num_ = true;
    size_t lasti = i;
    while (i < end && format[i] != '%') ++i;
    if (i > lasti) buf_.append(format.substr(lasti, i - lasti));
    if (i >= end) break;
    ++i;  // skip '%'
    f_ = Flags();
    for (; i < end; ++i) {
      char c = format[i];
      if (c == '#') {
        f_.sharp = true;
      } else if (c == '0') {
        f_.zero = !f_.minus;
      } else if (c == '+') {
        f_.plus = true;
      } else if (c == '-') {
        f_.minus = true;
        f_.zero = false;
      } else if (c == ' ') {
        f_.space = true;
      } else {
        break;
      }
    }
    after_index = ArgNumber(&arg_num, format, &i);
    if (i < end && format[i] == '*') {
      ++i;
      f_.wid_present = IntFromArg(&arg_num, &f_.wid);
      if (!f_.wid_present) buf_.append("%!(BADWIDTH)");
      if (f_.wid < 0) {
        f_.wid = -f_.wid;
        f_.minus = true;
        f_.zero = false;
      }
      after_index = false;
    } else {
      f_.wid_present = ParseNum(format, &i, end, &f_.wid);
      if (after_index && f_.wid_present) good_arg_num_ = false;
    }
    if (i + 1 <= end && i < end && format[i] == '.') {
      ++i;
      if (after_index) good_arg_num_ = false;
      after_index = ArgNumber(&arg_num, format, &i);
      if (i < end && format[i] == '*') {
        ++i;
        f_.prec_present = IntFromArg(&arg_num, &f_.prec);
        if (f_.prec < 0) {
          f_.prec = 0;
          f_.prec_present = false;
        }
        if (!f_.prec_present) buf_.append("%!(BADPREC)");
        after_index = false;
      } else {
        f_.prec_present = ParseNum(format, &i, end, &f_.prec);
        if (!f_.prec_present) {
          f_.prec = 0;
          f_.prec_present = true;
        }
      }
    }
    if (!after_index) after_index = ArgNumber(&arg_num, format, &i);
    if (i >= end) {
      buf_.append("%!(NOVERB)");
      break;
    }
    size_t w;
    char32_t verb = text::DecodeRune(format, i, &w);
    i += w;
    if (verb == '%') {
      buf_.push_back('%');
    } else if (!good_arg_num_) {
      buf_.append("%!");
      text::AppendRune(verb, &buf_);
      buf_.append("(BADINDEX)");
    } else if (arg_num >= static_cast<int>(args_.size())) {
      buf_.append("%!");
      text::AppendRune(verb, &buf_);
      buf_.append("(MISSING)");
    } else {
      if (verb == 'v') {
        f_.sharp_v = f_.sharp;
        f_.sharp = false;
        f_.plus_v = f_.plus;
        f_.plus = false;
      }
      PrintArg(args_[static_cast<size_t>(arg_num)], verb);
      ++arg_num;
    }
  }
  if (!reordered_ && arg_num < static_cast<int>(args_.size())) {
    f_ = Flags();
    buf_.append("%!(EXTRA ");
    for (size_t k = static_cast<size_t>(arg_num); k < args_.size(); ++k) {
      if (k > static_cast<size_t>(arg_num)) buf_.append(", ");
      buf_.append(TypeName(args_[k]));
      buf_.push_back('=');
      PrintArg(args_[k], 'v');
    }
    buf_.push_back(')');
  }
  return std::move(buf_);
}

}  // namespace

std::string GoSprintf(std::string_view format, std::span<const Value> args) {
  Printer p(args);
  return p.Run(format);
}

std::string GoFormatFloat(double v, char fmt, int prec) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v < 0 ? "-Inf" : "+Inf";
  std::string out;
  FormatFinite(v, fmt, prec, &out);
  return out;
}

std::string GoQuote(std::string_view s, bool ascii_only) { return QuoteWith(s, '"', ascii_only); }

}  // namespace fedra::builtins
