// object.get, object.keys, object.remove, object.filter, object.union,
// object.union_n, object.subset.
//
// Recursive merges and subset checks descend only as deep as both operands
// share nested objects, bounded by kMaxDepth.
#include <algorithm>
#include <string>
#include <vector>

#include "builtins/operands.h"
#include "builtins/registry.h"

namespace fedra::builtins {
namespace {

Status TooDeep(std::string_view name) {
  return Status::LimitExceeded(std::string(name) + ": objects nested deeper than " +
                               std::to_string(kMaxDepth));
}

Status Get(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectObject(args, 0));
  const Value& obj = args[0];
  const Value& key = args[1];
  if (!key.is_array()) {
    const Value* found = obj.Find(key);
    *out = found ? *found : args[2];
    return Status::OK();
  }
  // An array key is a path; [] selects the object itself.
  Value cur = obj;
  for (const Value& step : key.array()) {
    cur = cur.Get(step);
    if (cur.is_undefined()) {
      *out = args[2];
      return Status::OK();
    }
  }
  *out = cur;
  return Status::OK();
}

Status Keys(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectObject(args, 0));
  std::vector<Value> keys;
  keys.reserve(args[0].size());
  for (const auto& [k, v] : args[0].object()) keys.push_back(k);
  *out = Value::Set(std::move(keys));
  return Status::OK();
}

// The keys operand of object.remove / object.filter as a sorted, unique list.
Status KeyList(const Value& v, std::vector<Value>* keys) {
  switch (v.kind()) {
    case Kind::kArray:
      keys->assign(v.array().begin(), v.array().end());
      std::sort(keys->begin(), keys->end(), ValueLess());
      keys->erase(std::unique(keys->begin(), keys->end()), keys->end());
      return Status::OK();
    case Kind::kSet:
      keys->assign(v.set().begin(), v.set().end());
      return Status::OK();
    case Kind::kObject:
      for (const auto& [k, val] : v.object()) keys->push_back(k);
      return Status::OK();
    default:
      return OperandTypeError(2, v, "one of {object, set, array}");
  }
}

// Entries of args[0] whose key is (keep) or is not (!keep) in args[1].
Status Select(std::span<const Value> args, bool keep, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectObject(args, 0));
  std::vector<Value> keys;
  FEDRA_RETURN_IF_ERROR(KeyList(args[1], &keys));
  std::vector<ObjectEntry> entries;
  for (const auto& entry : args[0].object()) {
    bool listed = std::binary_search(keys.begin(), keys.end(), entry.first, ValueLess());
    if (listed == keep) entries.push_back(entry);
  }
  *out = Value::Object(std::move(entries));
  return Status::OK();
}

Status Remove(Context&, std::span<const Value> args, Value* out) { return Select(args, false, out); }
Status Filter(Context&, std::span<const Value> args, Value* out) { return Select(args, true, out); }

// a ∪ b where b wins conflicts, except that two objects under one key merge
// recursively.
Status Merge(const Value& a, const Value& b, int depth, Value* out) {
  if (depth > kMaxDepth) return TooDeep("object.union");
  if (a.identity() == b.identity() || b.empty()) {
    *out = a;
    return Status::OK();
  }
  if (a.empty()) {
    *out = b;
    return Status::OK();
  }
  std::vector<ObjectEntry> entries;
  entries.reserve(a.size() + b.size());
  auto ia = a.object().begin(), ea = a.object().end();
  auto ib = b.object().begin(), eb = b.object().end();
  while (ia != ea || ib != eb) {
    int c = ia == ea ? 1 : ib == eb ? -1 : Compare(ia->first, ib->first);
    if (c < 0) {
      entries.push_back(*ia++);
    } else if (c > 0) {
      entries.push_back(*ib++);
    } else {
      if (ia->second.is_object() && ib->second.is_object()) {
        Value merged;
        FEDRA_RETURN_IF_ERROR(Merge(ia->second, ib->second, depth + 1, &merged));
        entries.emplace_back(ib->first, std::move(merged));
      } else {
        entries.push_back(*ib);
      }
      ++ia;
      ++ib;
    }
  }
  *out = Value::Object(std::move(entries));
  return Status::OK();
}

Status Union(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectObject(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectObject(args, 1));
  if (args[0] == args[1]) {
    *out = args[0];
    return Status::OK();
  }
  return Merge(args[0], args[1], 0, out);
}

// A left fold of object.union. (OPA merges right to left, freezing a key once
// a non-object overrides it; the result is the same.)
Status UnionN(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectArray(args, 0));
  const auto items = args[0].array();
  // OPA walks the array from the back, so the last non-object is reported.
  for (auto it = items.rbegin(); it != items.rend(); ++it) {
    if (!it->is_object()) return OperandElementError(1, args[0], *it, "object");
  }
  Value acc = Value::EmptyObject();
  for (const Value& o : items) FEDRA_RETURN_IF_ERROR(Merge(acc, o, 0, &acc));
  *out = acc;
  return Status::OK();
}

bool SetSubset(const Value& super, const Value& sub) {
  for (const Value& v : sub.set()) {
    if (!super.Contains(v)) return false;
  }
  return true;
}

// `sub` occurs in `super` as a contiguous run.
bool ArraySubset(const Value& super, const Value& sub) {
  const auto sup = super.array();
  const auto sb = sub.array();
  if (sb.size() > sup.size()) return false;
  return std::search(sup.begin(), sup.end(), sb.begin(), sb.end()) != sup.end();
}

// OPA counts members of `super` found in `sub` (duplicates included) and
// succeeds once the count reaches |sub|; an empty `super` never does.
bool ArraySetSubset(const Value& super, const Value& sub) {
  size_t unmatched = sub.size();
  for (const Value& v : super.array()) {
    if (sub.Contains(v) && unmatched > 0) --unmatched;
    if (unmatched == 0) return true;
  }
  return false;
}

Status ObjectSubset(const Value& super, const Value& sub, int depth, bool* result) {
  if (depth > kMaxDepth) return TooDeep("object.subset");
  for (const auto& [key, sub_v] : sub.object()) {
    const Value* super_v = super.Find(key);
    if (super_v == nullptr) {
      *result = false;
      return Status::OK();
    }
    if (*super_v == sub_v) continue;
    bool ok = false;
    if (super_v->is_object() && sub_v.is_object()) {
      FEDRA_RETURN_IF_ERROR(ObjectSubset(*super_v, sub_v, depth + 1, &ok));
    } else if (super_v->is_set() && sub_v.is_set()) {
      ok = SetSubset(*super_v, sub_v);
    } else if (super_v->is_array() && sub_v.is_array()) {
      ok = ArraySubset(*super_v, sub_v);
    }
    if (!ok) {
      *result = false;
      return Status::OK();
    }
  }
  *result = true;
  return Status::OK();
}

Status Subset(Context&, std::span<const Value> args, Value* out) {
  const Value& super = args[0];
  const Value& sub = args[1];
  bool result = false;
  if (super.is_object() && sub.is_object()) {
    FEDRA_RETURN_IF_ERROR(ObjectSubset(super, sub, 0, &result));
  } else if (super.is_set() && sub.is_set()) {
    result = SetSubset(super, sub);
  } else if (super.is_array() && sub.is_array()) {
    result = ArraySubset(super, sub);
  } else if (super.is_array() && sub.is_set()) {
    result = ArraySetSubset(super, sub);
  } else {
    return Status::TypeError(
        "both arguments object.subset must be of the same type or array and set");
  }
  *out = Value::Bool(result);
  return Status::OK();
}

}  // namespace

void RegisterObjects(Registry& r) {
  r.Add("object.get", 3, Get);
  r.Add("object.keys", 1, Keys);
  r.Add("object.remove", 2, Remove);
  r.Add("object.filter", 2, Filter);
  r.Add("object.union", 2, Union);
  r.Add("object.union_n", 1, UnionN);
  r.Add("object.subset", 2, Subset);
}

}  // namespace fedra::builtins
