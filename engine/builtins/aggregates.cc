// count, sum, product, max, min, sort, and the deprecated all / any.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "builtins/operands.h"
#include "builtins/registry.h"
#include "value/number.h"

namespace fedra::builtins {
namespace {

// Go's len([]rune(s)): valid UTF-8 sequences count one each, and so does
// every byte that does not start one (Go decodes it as U+FFFD).
int64_t CountRunes(std::string_view s) {
  int64_t n = 0;
  size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    size_t len = 1;
    if (b0 >= 0xC2 && b0 <= 0xF4) {
      size_t want = b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4;
      // Second-byte ranges exclude overlong forms, surrogates and > U+10FFFF.
      unsigned char lo = 0x80, hi = 0xBF;
      if (b0 == 0xE0) lo = 0xA0;
      if (b0 == 0xED) hi = 0x9F;
      if (b0 == 0xF0) lo = 0x90;
      if (b0 == 0xF4) hi = 0x8F;
      bool ok = i + want <= s.size();
      for (size_t k = 1; ok && k < want; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        ok = k == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
      }
      if (ok) len = want;
    }
    i += len;
    ++n;
  }
  return n;
}

Status Count(Context&, std::span<const Value> args, Value* out) {
  const Value& v = args[0];
  switch (v.kind()) {
    case Kind::kArray:
    case Kind::kObject:
    case Kind::kSet:
      *out = Value::Int(static_cast<int64_t>(v.size()));
      return Status::OK();
    case Kind::kString:
      *out = Value::Int(CountRunes(v.str()));
      return Status::OK();
    default:
      return OperandTypeError(1, v, "one of {array, object, set, string}");
  }
}

// Elements of an array or a set; the caller has checked the kind.
std::span<const Value> Elements(const Value& v) { return v.is_array() ? v.array() : v.set(); }

template <Value (*Op)(const Value&, const Value&), int64_t kInit>
Status Fold(Context&, std::span<const Value> args, Value* out) {
  const Value& c = args[0];
  if (!c.is_array() && !c.is_set()) return OperandTypeError(1, c, "one of {set, array}");
  Value acc = Value::Int(kInit);
  for (const Value& x : Elements(c)) {
    if (!x.is_number()) return OperandElementError(1, c, x, "number");
    acc = Op(acc, x);
  }
  FEDRA_RETURN_IF_ERROR(CheckFinite(acc));
  *out = acc;
  return Status::OK();
}

template <bool kMax>
Status Extreme(Context&, std::span<const Value> args, Value* out) {
  const Value& c = args[0];
  if (!c.is_array() && !c.is_set()) return OperandTypeError(1, c, "one of {set, array}");
  auto items = Elements(c);
  if (items.empty()) return Status::OK();  // undefined
  auto it = kMax ? std::max_element(items.begin(), items.end(), ValueLess())
                 : std::min_element(items.begin(), items.end(), ValueLess());
  *out = *it;
  return Status::OK();
}

Status Sort(Context&, std::span<const Value> args, Value* out) {
  const Value& c = args[0];
  if (c.is_set()) {
    auto items = c.set();  // already in order
    *out = Value::Array(std::vector<Value>(items.begin(), items.end()));
    return Status::OK();
  }
  if (!c.is_array()) return OperandTypeError(1, c, "one of {set, array}");
  std::vector<Value> items(c.array().begin(), c.array().end());
  std::stable_sort(items.begin(), items.end(), ValueLess());
  *out = Value::Array(std::move(items));
  return Status::OK();
}

Status All(Context&, std::span<const Value> args, Value* out) {
  const Value& c = args[0];
  if (!c.is_array() && !c.is_set()) return OperandTypeError(1, c, "one of {array, set}");
  auto items = Elements(c);
  *out = Value::Bool(std::all_of(items.begin(), items.end(),
                                 [](const Value& v) { return v.is_true(); }));
  return Status::OK();
}

Status Any(Context&, std::span<const Value> args, Value* out) {
  const Value& c = args[0];
  if (!c.is_array() && !c.is_set()) return OperandTypeError(1, c, "one of {array, set}");
  auto items = Elements(c);
  *out = Value::Bool(std::any_of(items.begin(), items.end(),
                                 [](const Value& v) { return v.is_true(); }));
  return Status::OK();
}

}  // namespace

void RegisterAggregates(Registry& r) {
  r.Add("count", 1, Count);
  r.Add("sum", 1, Fold<num::Add, 0>);
  r.Add("product", 1, Fold<num::Mul, 1>);
  r.Add("max", 1, Extreme<true>);
  r.Add("min", 1, Extreme<false>);
  r.Add("sort", 1, Sort);
  r.Add("all", 1, All);
  r.Add("any", 1, Any);
}

}  // namespace fedra::builtins
