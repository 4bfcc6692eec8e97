// String builtins: concat, contains, indexof, substring, split, replace, trim*,
// sprintf, format_int, strings.*.
//
// Semantics follow OPA's topdown/strings.go, which leans on Go's strings
// package: positions that OPA reports in runes (indexof, indexof_n,
// substring) are rune positions here too; everything else works on bytes of
// the UTF-8 text, as Go does.
#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "builtins/operands.h"
#include "builtins/registry.h"
#include "builtins/sprintf.h"
#include "builtins/text_util.h"
#include "builtins/template.h"
#include "value/bigint.h"

namespace fedra::builtins {

namespace {

using Args = std::span<const Value>;

std::string_view Str(Args args, int i) { return args[static_cast<size_t>(i)].str(); }

// ---- helpers -------------------------------------------------------------------

// Go's strings.NewReplacer(pairs...).Replace(s): at each position the first
// pair (in argument order) whose old string matches wins; matches do not
// overlap; an empty old string matches between runes but never twice in a
// row at the same position. Stops at kMaxBuiltStringBytes (operands.h).
Status ReplaceAll(std::string_view s,
                  const std::vector<std::pair<std::string_view, std::string_view>>& pairs,
                  std::string* out) {
  out->clear();
  if (pairs.size() == 1 && !pairs[0].first.empty()) {
    std::string_view old = pairs[0].first;
    size_t start = 0;
    for (size_t pos = s.find(old); pos != std::string_view::npos; pos = s.find(old, start)) {
      out->append(s.substr(start, pos - start));
      out->append(pairs[0].second);
      if (out->size() > kMaxBuiltStringBytes) return ResultTooLong();
      start = pos + old.size();
    }
    out->append(s.substr(start));
    return Status::OK();
  }
  bool prev_match_empty = false;
  for (size_t i = 0; i <= s.size();) {
    const std::pair<std::string_view, std::string_view>* hit = nullptr;
    for (const auto& p : pairs) {
      if (p.first.empty()) {
        if (prev_match_empty) continue;
      } else if (s.substr(i, p.first.size()) != p.first) {
        continue;
      }
      hit = &p;
      break;
    }
    if (hit != nullptr) {
      out->append(hit->second);
      if (out->size() > kMaxBuiltStringBytes) return ResultTooLong();
      prev_match_empty = hit->first.empty();
      i += hit->first.size();
      continue;
    }
    prev_match_empty = false;
    if (i == s.size()) break;
    size_t w;
    text::DecodeRune(s, i, &w);
    out->append(s.substr(i, w));
    i += w;
  }
  return Status::OK();
}

// Go's strings.Split.
std::vector<std::string_view> Split(std::string_view s, std::string_view sep) {
  std::vector<std::string_view> parts;
  if (sep.empty()) {
    for (size_t i = 0; i < s.size();) {
      size_t w;
      text::DecodeRune(s, i, &w);
      parts.push_back(s.substr(i, w));
      i += w;
    }
    return parts;
  }
  size_t start = 0;
  for (size_t pos = s.find(sep); pos != std::string_view::npos; pos = s.find(sep, start)) {
    parts.push_back(s.substr(start, pos - start));
    start = pos + sep.size();
  }
  parts.push_back(s.substr(start));
  return parts;
}

Value StringArray(const std::vector<std::string_view>& parts, size_t from, size_t to) {
  std::vector<Value> items;
  items.reserve(to - from);
  for (size_t i = from; i < to; ++i) items.push_back(Value::String(parts[i]));
  return Value::Array(std::move(items));
}

bool InCutset(char32_t r, std::string_view cutset) {
  for (size_t i = 0; i < cutset.size();) {
    size_t w;
    if (text::DecodeRune(cutset, i, &w) == r) return true;
    i += w;
  }
  return false;
}

template <typename Pred>
std::string_view TrimLeftFunc(std::string_view s, Pred pred) {
  size_t i = 0;
  while (i < s.size()) {
    size_t w;
    char32_t r = text::DecodeRune(s, i, &w);
    if (!pred(r)) break;
    i += w;
  }
  return s.substr(i);
}

template <typename Pred>
std::string_view TrimRightFunc(std::string_view s, Pred pred) {
  size_t end = s.size();
  while (end > 0) {
    size_t w;
    char32_t r = text::DecodeLastRune(s, end, &w);
    if (!pred(r)) break;
    end -= w;
  }
  return s.substr(0, end);
}

// Strings of an array or set operand, or the string itself (any_*_match).
Status StringList(Args args, int index0, std::vector<std::string_view>* out) {
  const Value& v = args[static_cast<size_t>(index0)];
  if (v.is_string()) {
    out->push_back(v.str());
    return Status::OK();
  }
  if (!v.is_array() && !v.is_set()) return OperandTypeError(index0 + 1, v, "one of {string, set, array}");
  for (const Value& e : v.is_array() ? v.array() : v.set()) {
    if (!e.is_string()) return OperandElementError(index0 + 1, v, e, "string");
    out->push_back(e.str());
  }
  return Status::OK();
}

// ---- builtins ------------------------------------------------------------------

Status Concat(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  const Value& coll = args[1];
  if (!coll.is_array() && !coll.is_set()) return OperandTypeError(2, coll, "one of {set, array}");
  std::span<const Value> items = coll.is_array() ? coll.array() : coll.set();
  std::string res;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_string()) return OperandElementError(2, coll, items[i], "string");
    if (i > 0) res.append(Str(args, 0));
    res.append(items[i].str());
  }
  *out = Value::String(std::move(res));
  return Status::OK();
}

Status TwoStrings(Args args) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  return ExpectString(args, 1);
}

Status Contains(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(TwoStrings(args));
  *out = Value::Bool(Str(args, 0).find(Str(args, 1)) != std::string_view::npos);
  return Status::OK();
}

Status StartsWith(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(TwoStrings(args));
  *out = Value::Bool(Str(args, 0).starts_with(Str(args, 1)));
  return Status::OK();
}

Status EndsWith(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(TwoStrings(args));
  *out = Value::Bool(Str(args, 0).ends_with(Str(args, 1)));
  return Status::OK();
}

Status IndexOf(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(TwoStrings(args));
  std::string_view s = Str(args, 0), needle = Str(args, 1);
  if (needle.empty()) return Status::BuiltinError("empty search character");
  size_t pos = s.find(needle);
  *out = Value::Int(pos == std::string_view::npos ? -1 : static_cast<int64_t>(text::RuneCount(s.substr(0, pos))));
  return Status::OK();
}

Status IndexOfN(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(TwoStrings(args));
  std::string_view s = Str(args, 0), needle = Str(args, 1);
  if (needle.empty()) return Status::BuiltinError("empty search character");
  std::vector<Value> hits;
  size_t rune_index = 0, counted_to = 0;
  // Overlapping matches count: resume the search one byte after each hit.
  for (size_t pos = s.find(needle); pos != std::string_view::npos; pos = s.find(needle, pos + 1)) {
    rune_index += text::RuneCount(s.substr(counted_to, pos - counted_to));
    counted_to = pos;
    hits.push_back(Value::Int(static_cast<int64_t>(rune_index)));
  }
  *out = Value::Array(std::move(hits));
  return Status::OK();
}

Status Substring(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  int64_t start = 0, length = 0;
  FEDRA_RETURN_IF_ERROR(ExpectInt(args, 1, &start));
  FEDRA_RETURN_IF_ERROR(ExpectInt(args, 2, &length));
  if (start < 0) return Status::BuiltinError("negative offset");
  std::string_view s = Str(args, 0);
  size_t from = text::RuneOffset(s, static_cast<size_t>(start));
  if (from >= s.size()) {
    *out = Value::String(std::string_view());
    return Status::OK();
  }
  std::string_view rest = s.substr(from);
  if (length >= 0) rest = rest.substr(0, text::RuneOffset(rest, static_cast<size_t>(length)));
  *out = Value::String(rest);
  return Status::OK();
}

// The string with every rune mapped by `f` (lower, upper).
Status MapRunes(Args args, char32_t (*f)(char32_t), Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  std::string_view s = Str(args, 0);
  std::string res;
  res.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t w;
    char32_t r = text::DecodeRune(s, i, &w);
    text::AppendRune(f(r), &res);
    i += w;
  }
  *out = Value::String(std::move(res));
  return Status::OK();
}

Status Lower(Context&, Args args, Value* out) { return MapRunes(args, text::ToLower, out); }
Status Upper(Context&, Args args, Value* out) { return MapRunes(args, text::ToUpper, out); }

Status SplitFn(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(TwoStrings(args));
  std::vector<std::string_view> parts = Split(Str(args, 0), Str(args, 1));
  *out = StringArray(parts, 0, parts.size());
  return Status::OK();
}

// strings.split_n: the first n parts of split(s, delim) when n > 0, the last
// -n parts when n < 0, none when n is 0.
Status SplitN(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(TwoStrings(args));
  int64_t n = 0;
  FEDRA_RETURN_IF_ERROR(ExpectInt(args, 2, &n));
  std::vector<std::string_view> parts = Split(Str(args, 0), Str(args, 1));
  size_t count = parts.size();
  if (n >= 0) {
    *out = StringArray(parts, 0, std::min<uint64_t>(count, static_cast<uint64_t>(n)));
  } else {
    uint64_t k = n == INT64_MIN ? UINT64_MAX : static_cast<uint64_t>(-n);
    size_t from = k >= count ? 0 : count - static_cast<size_t>(k);
    *out = StringArray(parts, from, count);
  }
  return Status::OK();
}

Status Replace(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(TwoStrings(args));
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 2));
  std::string res;
  FEDRA_RETURN_IF_ERROR(ReplaceAll(Str(args, 0), {{Str(args, 1), Str(args, 2)}}, &res));
  *out = Value::String(std::move(res));
  return Status::OK();
}

Status ReplaceN(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectObject(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 1));
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  // Objects iterate in key order, which is the order OPA sorts the keys to.
  for (const auto& [k, v] : args[0].object()) {
    if (!k.is_string()) return OperandError(1, "non-string key found in pattern object");
    if (!v.is_string()) return OperandError(1, "non-string value found in pattern object");
    pairs.emplace_back(k.str(), v.str());
  }
  if (pairs.empty()) {
    *out = args[1];
    return Status::OK();
  }
  std::string res;
  FEDRA_RETURN_IF_ERROR(ReplaceAll(Str(args, 1), pairs, &res));
  *out = Value::String(std::move(res));
  return Status::OK();
}

Status Reverse(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  std::string_view s = Str(args, 0);
  std::string res;
  res.reserve(s.size());
  for (size_t end = s.size(); end > 0;) {
    size_t w;
    text::DecodeLastRune(s, end, &w);
    res.append(s.substr(end - w, w));
    end -= w;
  }
  *out = Value::String(std::move(res));
  return Status::OK();
}

Status Count(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(TwoStrings(args));
  std::string_view s = Str(args, 0), sub = Str(args, 1);
  int64_t n = 0;
  if (sub.empty()) {
    n = static_cast<int64_t>(text::RuneCount(s)) + 1;
  } else {
    for (size_t pos = s.find(sub); pos != std::string_view::npos; pos = s.find(sub, pos + sub.size())) ++n;
  }
  *out = Value::Int(n);
  return Status::OK();
}

Status AnyPrefixMatch(Context&, Args args, Value* out) {
  std::vector<std::string_view> strs, prefixes;
  FEDRA_RETURN_IF_ERROR(StringList(args, 0, &strs));
  FEDRA_RETURN_IF_ERROR(StringList(args, 1, &prefixes));
  bool hit = false;
  for (std::string_view s : strs) {
    for (std::string_view p : prefixes) hit = hit || s.starts_with(p);
  }
  *out = Value::Bool(hit);
  return Status::OK();
}

Status AnySuffixMatch(Context&, Args args, Value* out) {
  std::vector<std::string_view> strs, suffixes;
  FEDRA_RETURN_IF_ERROR(StringList(args, 0, &strs));
  FEDRA_RETURN_IF_ERROR(StringList(args, 1, &suffixes));
  bool hit = false;
  for (std::string_view s : strs) {
    for (std::string_view p : suffixes) hit = hit || s.ends_with(p);
  }
  *out = Value::Bool(hit);
  return Status::OK();
}

Status Trim(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(TwoStrings(args));
  std::string_view cut = Str(args, 1);
  auto in = [cut](char32_t r) { return InCutset(r, cut); };
  *out = Value::String(TrimRightFunc(TrimLeftFunc(Str(args, 0), in), in));
  return Status::OK();
}

Status TrimLeft(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(TwoStrings(args));
  std::string_view cut = Str(args, 1);
  *out = Value::String(TrimLeftFunc(Str(args, 0), [cut](char32_t r) { return InCutset(r, cut); }));
  return Status::OK();
}

Status TrimRight(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(TwoStrings(args));
  std::string_view cut = Str(args, 1);
  *out = Value::String(TrimRightFunc(Str(args, 0), [cut](char32_t r) { return InCutset(r, cut); }));
  return Status::OK();
}

Status TrimPrefix(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(TwoStrings(args));
  std::string_view s = Str(args, 0), p = Str(args, 1);
  *out = s.starts_with(p) ? Value::String(s.substr(p.size())) : args[0];
  return Status::OK();
}

Status TrimSuffix(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(TwoStrings(args));
  std::string_view s = Str(args, 0), p = Str(args, 1);
  *out = s.ends_with(p) ? Value::String(s.substr(0, s.size() - p.size())) : args[0];
  return Status::OK();
}

Status TrimSpace(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  auto sp = [](char32_t r) { return text::IsSpace(r); };
  *out = Value::String(TrimRightFunc(TrimLeftFunc(Str(args, 0), sp), sp));
  return Status::OK();
}

Status Sprintf(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  if (!args[1].is_array()) return OperandTypeError(2, args[1], "array");
  *out = Value::String(GoSprintf(Str(args, 0), args[1].array()));
  return Status::OK();
}

// Digits of |b| in `base`, most significant first.
std::string BigBaseDigits(const BigInt& b, int base) {
  if (base == 10) return b.Abs().ToString();
  int bits = base == 2 ? 1 : base == 8 ? 3 : 4;
  const auto& mag = b.magnitude();
  size_t total = mag.size() * 32;
  std::string rev;
  for (size_t pos = 0; pos < total; pos += static_cast<size_t>(bits)) {
    unsigned d = 0;
    for (int k = 0; k < bits; ++k) {
      size_t bit = pos + static_cast<size_t>(k);
      if (bit < total && ((mag[bit / 32] >> (bit % 32)) & 1u)) d |= 1u << k;
    }
    rev.push_back("0123456789abcdef"[d]);
  }
  while (rev.size() > 1 && rev.back() == '0') rev.pop_back();
  if (rev.empty()) rev.push_back('0');  // (assigning a literal trips GCC 12 -Wrestrict)
  return std::string(rev.rbegin(), rev.rend());
}

Status FormatInt(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectNumber(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectNumber(args, 1));
  int64_t base = 0;
  if (!args[1].AsInt64(&base) || (base != 2 && base != 8 && base != 10 && base != 16)) {
    return Status::TypeError("operand 2 must be one of {2, 8, 10, 16}");
  }
  // The number is truncated toward zero, as Go's big.Float.Int does.
  const Value& n = args[0];
  BigInt b;
  switch (n.num_rep()) {
    case Value::NumRep::kInt:
      b = BigInt(n.int_value());
      break;
    case Value::NumRep::kBig:
      b = n.big_value();
      break;
    default: {
      double t = std::trunc(n.ToDouble());
      if (!std::isfinite(t)) return Status::BuiltinError("cannot format a non-finite number");
      BigInt::FromDouble(t, &b);
    }
  }
  std::string res = b.negative() ? "-" : "";
  res += BigBaseDigits(b, static_cast<int>(base));
  *out = Value::String(std::move(res));
  return Status::OK();
}

Status RenderTemplate(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectObject(args, 1));
  std::string res;
  FEDRA_RETURN_IF_ERROR(RenderGoTemplate(Str(args, 0), args[1], &res));
  *out = Value::String(std::move(res));
  return Status::OK();
}

}  // namespace

void RegisterStrings(Registry& r) {
  r.Add("concat", 2, Concat);
  r.Add("contains", 2, Contains);
  r.Add("startswith", 2, StartsWith);
  r.Add("endswith", 2, EndsWith);
  r.Add("indexof", 2, IndexOf);
  r.Add("indexof_n", 2, IndexOfN);
  r.Add("substring", 3, Substring);
  r.Add("lower", 1, Lower);
  r.Add("upper", 1, Upper);
  r.Add("split", 2, SplitFn);
  r.Add("strings.split_n", 3, SplitN);
  r.Add("replace", 3, Replace);
  r.Add("strings.replace_n", 2, ReplaceN);
  r.Add("strings.reverse", 1, Reverse);
  r.Add("strings.count", 2, Count);
  r.Add("strings.any_prefix_match", 2, AnyPrefixMatch);
  r.Add("strings.any_suffix_match", 2, AnySuffixMatch);
  r.Add("strings.render_template", 2, RenderTemplate);
  r.Add("trim", 2, Trim);
  r.Add("trim_left", 2, TrimLeft);
  r.Add("trim_right", 2, TrimRight);
  r.Add("trim_prefix", 2, TrimPrefix);
  r.Add("trim_suffix", 2, TrimSuffix);
  r.Add("trim_space", 1, TrimSpace);
  r.Add("sprintf", 2, Sprintf);
  r.Add("format_int", 2, FormatInt);
}

}  // namespace fedra::builtins
