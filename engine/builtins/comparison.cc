// equal, neq, lt, lte, gt, gte: defined on every pair of values through OPA's
// total order (null < boolean < number < string < array < object < set), so
// they never fail and never are undefined.
#include "builtins/registry.h"

namespace fedra::builtins {
namespace {

template <bool (*Pred)(int)>
Status CompareBuiltin(Context&, std::span<const Value> args, Value* out) {
  *out = Value::Bool(Pred(Compare(args[0], args[1])));
  return Status::OK();
}

bool IsEq(int c) { return c == 0; }
bool IsNe(int c) { return c != 0; }
bool IsLt(int c) { return c < 0; }
bool IsLe(int c) { return c <= 0; }
bool IsGt(int c) { return c > 0; }
bool IsGe(int c) { return c >= 0; }

}  // namespace

void RegisterComparison(Registry& r) {
  r.Add("equal", 2, CompareBuiltin<IsEq>);
  r.Add("neq", 2, CompareBuiltin<IsNe>);
  r.Add("lt", 2, CompareBuiltin<IsLt>);
  r.Add("lte", 2, CompareBuiltin<IsLe>);
  r.Add("gt", 2, CompareBuiltin<IsGt>);
  r.Add("gte", 2, CompareBuiltin<IsGe>);
}

}  // namespace fedra::builtins
