// is_number, is_string, is_boolean, is_array, is_set, is_object, is_null,
// type_name, to_number and the deprecated cast_* family.
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "builtins/go_url.h"
#include "builtins/operands.h"
#include "builtins/registry.h"
#include "value/number.h"

namespace fedra::builtins {
namespace {

template <Kind kKind>
Status IsKind(Context&, std::span<const Value> args, Value* out) {
  *out = Value::Bool(args[0].kind() == kKind);
  return Status::OK();
}

Status TypeName(Context&, std::span<const Value> args, Value* out) {
  *out = Value::String(KindName(args[0].kind()));
  return Status::OK();
}


Status ParseFloatError(std::string_view text, std::string_view why) {
  return Status::BuiltinError("strconv.ParseFloat: parsing " + gourl::QuoteForError(text) + ": " +
                              std::string(why));
}

// Digits with optional single underscores between them (Go literal rules).
// Appends the digits without underscores to *out; returns the digit count, or
// -1 when an underscore is misplaced.
int ScanDigits(std::string_view s, size_t* i, bool hex, std::string* out) {
  int n = 0;
  bool last_underscore = false;
  while (*i < s.size()) {
    const char c = s[*i];
    if (c == '_') {
      if (n == 0 || last_underscore) return -1;
      last_underscore = true;
    } else if (hex ? std::isxdigit(static_cast<unsigned char>(c)) : std::isdigit(static_cast<unsigned char>(c))) {
      out->push_back(c);
      ++n;
      last_underscore = false;
    } else {
      break;
    }
    ++*i;
  }
  return last_underscore ? -1 : n;
}

// Parses Go's strconv.ParseFloat syntax (decimal or hexadecimal mantissa with
// optional exponent, leading sign) into a number. Sets *range_error when the
// magnitude overflows float64, as Go reports ErrRange.
bool ParseGoFloat(std::string_view s, Value* out, bool* range_error) {
  *range_error = false;
  size_t i = 0;
  std::string sign;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    if (s[i] == '-') sign = "-";
    ++i;
  }
  const bool hex = i + 1 < s.size() && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X');
  if (hex) i += 2;
  std::string int_digits, frac_digits, exp_digits;
  int n_int = ScanDigits(s, &i, hex, &int_digits);
  if (n_int < 0) return false;
  int n_frac = 0;
  bool has_dot = false;
  if (i < s.size() && s[i] == '.') {
    has_dot = true;
    ++i;
    n_frac = ScanDigits(s, &i, hex, &frac_digits);
    if (n_frac < 0) return false;
  }
  if (n_int + n_frac == 0) return false;
  std::string exp_sign;
  bool has_exp = false;
  if (i < s.size() && (hex ? (s[i] == 'p' || s[i] == 'P') : (s[i] == 'e' || s[i] == 'E'))) {
    has_exp = true;
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      if (s[i] == '-') exp_sign = "-";
      ++i;
    }
    if (ScanDigits(s, &i, false, &exp_digits) <= 0) return false;
  }
  if (i != s.size()) return false;
  if (hex && !has_exp) return false;  // Go: a hex mantissa needs a 'p' exponent

  if (hex) {
    std::string text = sign + "0x" + (int_digits.empty() ? "0" : int_digits);
    if (has_dot) text += "." + frac_digits;
    text += "p" + exp_sign + exp_digits;
    errno = 0;
    double d = std::strtod(text.c_str(), nullptr);
    if (std::isinf(d)) {
      *range_error = true;
      return true;
    }
    *out = Value::Double(d);
    return true;
  }
  // Rebuild a strict JSON literal (no '+', no leading zeros, digits on both
  // sides of the point) so the exact number parser can take it.
  size_t nz = int_digits.find_first_not_of('0');
  std::string int_part = nz == std::string::npos ? "0" : int_digits.substr(nz);
  std::string text = sign + int_part;
  if (!frac_digits.empty()) text += "." + frac_digits;
  if (has_exp) text += "e" + exp_sign + exp_digits;
  // Go reports overflow of float64 as a range error even though the literal
  // is well-formed.
  double d = std::strtod(text.c_str(), nullptr);
  if (std::isinf(d)) {
    *range_error = true;
    return true;
  }
  return num::Parse(text, out);
}

bool IsInfOrNan(std::string_view s) {
  size_t i = s.find_first_not_of("+-");
  if (i == std::string_view::npos) return false;
  std::string lower;
  for (char c : s.substr(i)) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "inf" || lower == "infinity" || lower == "nan";
}

Status ToNumber(Context&, std::span<const Value> args, Value* out) {
  const Value& v = args[0];
  switch (v.kind()) {
    case Kind::kNull:
      *out = Value::Int(0);
      return Status::OK();
    case Kind::kBool:
      *out = Value::Int(v.bool_value() ? 1 : 0);
      return Status::OK();
    case Kind::kNumber:
      *out = v;
      return Status::OK();
    case Kind::kString: {
      std::string_view s = v.str();
      if (IsInfOrNan(s)) return OperandTypeError(1, v, "valid number string");
      bool range_error = false;
      if (!ParseGoFloat(s, out, &range_error)) {
        *out = Value();
        return ParseFloatError(s, "invalid syntax");
      }
      if (range_error) {
        *out = Value();
        return ParseFloatError(s, "value out of range");
      }
      return Status::OK();
    }
    default:
      return OperandTypeError(1, v, "one of {null, boolean, number, string}");
  }
}

// cast_string, cast_boolean, cast_null, cast_object: identity on one kind.
template <Kind kKind>
Status CastSame(Context&, std::span<const Value> args, Value* out) {
  if (args[0].kind() != kKind) return OperandTypeError(1, args[0], KindName(kKind));
  *out = args[0];
  return Status::OK();
}

Status CastArray(Context&, std::span<const Value> args, Value* out) {
  const Value& v = args[0];
  if (v.is_array()) {
    *out = v;
  } else if (v.is_set()) {
    *out = Value::Array(std::vector<Value>(v.set().begin(), v.set().end()));
  } else {
    return OperandTypeError(1, v, "one of {array, set}");
  }
  return Status::OK();
}

Status CastSet(Context&, std::span<const Value> args, Value* out) {
  const Value& v = args[0];
  if (v.is_set()) {
    *out = v;
  } else if (v.is_array()) {
    *out = Value::Set(std::vector<Value>(v.array().begin(), v.array().end()));
  } else {
    return OperandTypeError(1, v, "one of {array, set}");
  }
  return Status::OK();
}

}  // namespace

void RegisterTypes(Registry& r) {
  r.Add("is_number", 1, IsKind<Kind::kNumber>);
  r.Add("is_string", 1, IsKind<Kind::kString>);
  r.Add("is_boolean", 1, IsKind<Kind::kBool>);
  r.Add("is_array", 1, IsKind<Kind::kArray>);
  r.Add("is_set", 1, IsKind<Kind::kSet>);
  r.Add("is_object", 1, IsKind<Kind::kObject>);
  r.Add("is_null", 1, IsKind<Kind::kNull>);
  r.Add("type_name", 1, TypeName);
  r.Add("to_number", 1, ToNumber);
  r.Add("cast_array", 1, CastArray);
  r.Add("cast_set", 1, CastSet);
  r.Add("cast_string", 1, CastSame<Kind::kString>);
  r.Add("cast_boolean", 1, CastSame<Kind::kBool>);
  r.Add("cast_null", 1, CastSame<Kind::kNull>);
  r.Add("cast_object", 1, CastSame<Kind::kObject>);
}

}  // namespace fedra::builtins
