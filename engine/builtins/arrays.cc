// array.concat, array.slice, array.reverse, array.flatten.
#include <algorithm>
#include <vector>

#include "builtins/operands.h"
#include "builtins/registry.h"

namespace fedra::builtins {
namespace {

Status Concat(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectArray(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectArray(args, 1));
  if (args[1].empty()) {
    *out = args[0];
    return Status::OK();
  }
  if (args[0].empty()) {
    *out = args[1];
    return Status::OK();
  }
  std::vector<Value> items;
  items.reserve(args[0].size() + args[1].size());
  items.insert(items.end(), args[0].array().begin(), args[0].array().end());
  items.insert(items.end(), args[1].array().begin(), args[1].array().end());
  *out = Value::Array(std::move(items));
  return Status::OK();
}

// OPA clamps rather than fails: stop into [0, len], start into [0, stop].
Status Slice(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectArray(args, 0));
  int64_t start, stop;
  FEDRA_RETURN_IF_ERROR(ExpectInt(args, 1, &start));
  FEDRA_RETURN_IF_ERROR(ExpectInt(args, 2, &stop));
  const auto items = args[0].array();
  const auto len = static_cast<int64_t>(items.size());
  stop = std::clamp<int64_t>(stop, 0, len);
  start = std::clamp<int64_t>(start, 0, stop);
  if (start == 0 && stop == len) {
    *out = args[0];
    return Status::OK();
  }
  *out = Value::Array(std::vector<Value>(items.begin() + start, items.begin() + stop));
  return Status::OK();
}

Status Reverse(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectArray(args, 0));
  const auto items = args[0].array();
  *out = Value::Array(std::vector<Value>(items.rbegin(), items.rend()));
  return Status::OK();
}

// One level only: nested arrays inside elements stay as they are.
Status Flatten(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectArray(args, 0));
  std::vector<Value> items;
  items.reserve(args[0].size());
  for (const Value& v : args[0].array()) {
    if (v.is_array()) {
      items.insert(items.end(), v.array().begin(), v.array().end());
    } else {
      items.push_back(v);
    }
  }
  *out = Value::Array(std::move(items));
  return Status::OK();
}

}  // namespace

void RegisterArrays(Registry& r) {
  r.Add("array.concat", 2, Concat);
  r.Add("array.slice", 3, Slice);
  r.Add("array.reverse", 1, Reverse);
  r.Add("array.flatten", 1, Flatten);
}

}  // namespace fedra::builtins
