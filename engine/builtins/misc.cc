// walk, rand.intn, opa.runtime; the uuid.* and graph.* builtins of the same
// family live in uuid.cc and graph.cc.
#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "builtins/misc_internal.h"
#include "builtins/operands.h"
#include "builtins/registry.h"

namespace fedra::builtins {

std::string QueryCacheKey(std::string_view name, std::span<const Value> args) {
  std::string key(name);
  for (const Value& a : args) {
    key.push_back('\x1f');
    key += ToRegoString(a);
  }
  return key;
}

namespace {

constexpr uint64_t kCancelPollInterval = 4096;

// walk's output repeats each value's path, so its size is the sum of all
// depths; past this many path elements (about 256 MB) walk refuses.
constexpr uint64_t kMaxWalkPathElements = uint64_t{1} << 24;

// --- walk --------------------------------------------------------------------

// One collection being walked: its children are visited in Value order
// (array index, sorted object keys, sorted set members).
struct WalkFrame {
  Value node;
  size_t next = 0;
};

// The next (key, child) of `f`, or false when it has no more.
bool NextChild(WalkFrame& f, Value* key, Value* child) {
  const Value& v = f.node;
  if (f.next >= v.size()) return false;
  size_t i = f.next++;
  switch (v.kind()) {
    case Kind::kArray:
      *key = Value::Int(static_cast<int64_t>(i));
      *child = v.array()[i];
      return true;
    case Kind::kObject:
      *key = v.object()[i].first;
      *child = v.object()[i].second;
      return true;
    case Kind::kSet:
      *key = v.set()[i];
      *child = v.set()[i];
      return true;
    default:
      return false;
  }
}

// The size of walk(v)'s output: its nesting depth and the total number of
// path elements (the sum of every member's depth). Explicit stack; stops
// early once either exceeds its limit.
struct WalkSize {
  size_t depth = 0;
  uint64_t members = 0;  // values below the root
  uint64_t path_elements = 0;
};

WalkSize MeasureWalk(const Value& v) {
  WalkSize size;
  std::vector<WalkFrame> stack;
  if (v.is_collection() && !v.empty()) stack.push_back({v});
  while (!stack.empty()) {
    Value key, child;
    if (!NextChild(stack.back(), &key, &child)) {
      stack.pop_back();
      continue;
    }
    ++size.members;
    size.path_elements += stack.size();
    size.depth = std::max(size.depth, stack.size());
    if (size.depth > static_cast<size_t>(kMaxDepth) || size.path_elements > kMaxWalkPathElements) {
      break;
    }
    if (child.is_collection() && !child.empty()) stack.push_back({child});
  }
  return size;
}

// walk(x): every [path, value] pair of x in pre-order, x itself first with
// path []. A relation: the evaluator unifies the output with each pair.
Status Walk(Context& ctx, std::span<const Value> args, Value* out) {
  // Measured up front so an oversized walk fails before building anything.
  WalkSize size = MeasureWalk(args[0]);
  if (size.depth > static_cast<size_t>(kMaxDepth)) {
    return Status::LimitExceeded("value nested deeper than " + std::to_string(kMaxDepth) +
                                 " levels");
  }
  if (size.path_elements > kMaxWalkPathElements) {
    return Status::LimitExceeded("walk output exceeds " + std::to_string(kMaxWalkPathElements) +
                                 " path elements");
  }
  std::vector<Value> results;
  std::vector<Value> path;
  std::vector<WalkFrame> stack;
  results.push_back(Value::Array({Value::EmptyArray(), args[0]}));
  if (args[0].is_collection()) stack.push_back({args[0]});
  results.reserve(static_cast<size_t>(size.members) + 1);
  uint64_t visited = 0;
  while (!stack.empty()) {
    Value key, child;
    if (!NextChild(stack.back(), &key, &child)) {
      stack.pop_back();
      if (!path.empty()) path.pop_back();
      continue;
    }
    if (++visited % kCancelPollInterval == 0 && ctx.check_cancel) {
      FEDRA_RETURN_IF_ERROR(ctx.check_cancel());
    }
    path.push_back(key);
    results.push_back(Value::Array({Value::Array(path), child}));
    if (child.is_collection() && !child.empty()) {
      stack.push_back({child});
    } else {
      path.pop_back();
    }
  }
  *out = Value::Array(std::move(results));
  return Status::OK();
}

// --- rand.intn -----------------------------------------------------------------

uint64_t RandomBelow(uint64_t n) {
  // One generator per thread: Context is per query and single-threaded, but
  // builtins may run on many threads at once.
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return std::uniform_int_distribution<uint64_t>(0, n - 1)(gen);
}

// rand.intn(str, n): a random integer in [0, |n|), the same for the same
// (str, |n|) within one query.
Status RandIntn(Context& ctx, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  int64_t n = 0;
  FEDRA_RETURN_IF_ERROR(ExpectInt(args, 1, &n));
  if (n == 0) {
    *out = Value::Int(0);
    return Status::OK();
  }
  uint64_t bound = n < 0 ? ~static_cast<uint64_t>(n) + 1 : static_cast<uint64_t>(n);
  std::string key = "rand.intn\x1f" + std::string(args[0].str()) + "-" + std::to_string(bound);
  if (ctx.query_cache) {
    auto it = ctx.query_cache->find(key);
    if (it != ctx.query_cache->end()) {
      *out = it->second;
      return Status::OK();
    }
  }
  uint64_t r = RandomBelow(bound);
  *out = r <= static_cast<uint64_t>(INT64_MAX) ? Value::Int(static_cast<int64_t>(r))
                                               : Value::Double(static_cast<double>(r));
  if (ctx.query_cache) (*ctx.query_cache)[key] = *out;
  return Status::OK();
}

// --- opa.runtime ----------------------------------------------------------------

Status Runtime(Context& ctx, std::span<const Value>, Value* out) {
  *out = ctx.runtime.defined() ? ctx.runtime : Value::EmptyObject();
  return Status::OK();
}

}  // namespace

void RegisterMisc(Registry& r) {
  r.Add("walk", 1, Walk, /*relation=*/true);
  r.Add("rand.intn", 2, RandIntn);
  r.Add("opa.runtime", 0, Runtime);
  RegisterUuid(r);
  RegisterGraph(r);
}

}  // namespace fedra::builtins
