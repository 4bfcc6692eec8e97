// and (&), or (|), intersection, union, and the deprecated set_diff.
// Sets are sorted (value.h), so each operation is a linear merge.
#include <algorithm>
#include <iterator>
#include <vector>

#include "builtins/registry.h"

namespace fedra::builtins {
namespace {

Value Intersect(const Value& a, const Value& b) {
  std::vector<Value> out;
  std::set_intersection(a.set().begin(), a.set().end(), b.set().begin(), b.set().end(),
                        std::back_inserter(out), ValueLess());
  return Value::Set(std::move(out));
}

Value Unite(const Value& a, const Value& b) {
  std::vector<Value> out;
  out.reserve(a.size() + b.size());
  std::set_union(a.set().begin(), a.set().end(), b.set().begin(), b.set().end(),
                 std::back_inserter(out), ValueLess());
  return Value::Set(std::move(out));
}

Value Subtract(const Value& a, const Value& b) {
  std::vector<Value> out;
  std::set_difference(a.set().begin(), a.set().end(), b.set().begin(), b.set().end(),
                      std::back_inserter(out), ValueLess());
  return Value::Set(std::move(out));
}

template <Value (*Op)(const Value&, const Value&)>
Status Binary(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectSet(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectSet(args, 1));
  *out = Op(args[0], args[1]);
  return Status::OK();
}

// Checks that every member of the set-of-sets operand is a set. OPA reports a
// bad member as operand 1 itself having the wrong type.
Status ExpectSetOfSets(const Value& v) {
  for (const Value& s : v.set()) {
    if (!s.is_set()) return OperandTypeError(1, s, "set");
  }
  return Status::OK();
}

Status Intersection(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectSet(args, 0));
  const Value& sets = args[0];
  if (sets.empty()) {
    *out = Value::EmptySet();
    return Status::OK();
  }
  FEDRA_RETURN_IF_ERROR(ExpectSetOfSets(sets));
  Value acc = sets.set()[0];
  for (const Value& s : sets.set().subspan(1)) {
    if (acc.empty()) break;
    acc = Intersect(acc, s);
  }
  *out = acc;
  return Status::OK();
}

Status Union(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectSet(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectSetOfSets(args[0]));
  std::vector<Value> all;
  for (const Value& s : args[0].set()) all.insert(all.end(), s.set().begin(), s.set().end());
  *out = Value::Set(std::move(all));
  return Status::OK();
}

}  // namespace

void RegisterSets(Registry& r) {
  r.Add("and", 2, Binary<Intersect>);
  r.Add("or", 2, Binary<Unite>);
  r.Add("set_diff", 2, Binary<Subtract>);
  r.Add("intersection", 1, Intersection);
  r.Add("union", 1, Union);
}

}  // namespace fedra::builtins
