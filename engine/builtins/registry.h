// The builtin function registry: name -> (arity, implementation).
//
// Declarations (OPA's typed signatures) live apart from implementations, in
// declarations.h; a test checks that the two agree with each other and with
// OPA's capabilities.json. Each family registers its functions from one
// explicit `Register<Family>(Registry&)` call in register_all.cc; there is no
// static-initializer registration.
//
// A builtin has three outcomes, kept apart as in OPA:
//   - a value: return OK with *out set;
//   - undefined: return OK with *out left undefined;
//   - an error: return a failed Status. Operand type errors use
//     OperandTypeError (eval_type_error); everything else is an
//     eval_builtin_error (Status::BuiltinError). The evaluator prefixes the
//     builtin's name ("count: operand 1 must be ..."). Outside strict mode the
//     evaluator turns builtin errors into undefined, as OPA does.
//
// Implementations must be thread-safe and must not recurse on the depth of
// their arguments without a bound (use explicit stacks or kMaxDepth).
#ifndef FEDRA_BUILTINS_REGISTRY_H_
#define FEDRA_BUILTINS_REGISTRY_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::builtins {

// Bound for recursion inside builtins on user-controlled depth (walk, JSON).
inline constexpr int kMaxDepth = 10000;

// Per-evaluation state a builtin may use besides its arguments. One Context
// lives for one query evaluation and is used by one thread.
struct Context {
  bool strict = false;        // strict builtin errors requested
  // time.now_ns(): read from the clock on first use (most queries never
  // ask), then fixed for the whole query. Tests fix it with both fields.
  int64_t now_ns = 0;
  bool now_known = false;
  int64_t NowNs() {
    if (!now_known) {
      now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
      now_known = true;
    }
    return now_ns;
  }
  Value runtime;              // opa.runtime() result (object), may be undefined
  // Returns non-OK when the evaluation's deadline passed or it was cancelled;
  // long-running builtins poll it.
  std::function<Status()> check_cancel;
  // Cache for nondeterministic builtins (rand.intn, uuid.rfc4122, http.send):
  // the same call in one query returns the same result. Keyed by the builtin's
  // own encoding of its name and arguments.
  std::unordered_map<std::string, Value>* query_cache = nullptr;
};

using Fn = Status (*)(Context& ctx, std::span<const Value> args, Value* out);

struct Builtin {
  std::string name;
  int arity = 0;            // number of arguments; the result is extra
  Fn fn = nullptr;
  // A relation (walk) yields several results: fn sets *out to an array of
  // them, and the evaluator unifies the output with each in turn.
  bool relation = false;
};

class Registry {
 public:
  void Add(std::string_view name, int arity, Fn fn, bool relation = false);
  const Builtin* Find(std::string_view name) const;
  size_t size() const { return by_name_.size(); }
  template <typename F>
  void ForEach(F&& f) const {
    for (const auto& [name, b] : by_name_) f(b);
  }

 private:
  // Transparent hashing lets Find take a string_view without allocating.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, Builtin, NameHash, std::equal_to<>> by_name_;
};

// The process-wide registry with every family registered (built on first use,
// immutable afterwards, safe to share across threads).
const Registry& DefaultRegistry();

// "operand N must be WANT but got KIND" as an eval_type_error. `pos` is
// 1-based. `want` is OPA's wording, e.g. "number", "one of {array, set}".
Status OperandTypeError(int pos, const Value& got, std::string_view want);

// Argument checks that return OperandTypeError on mismatch.
Status ExpectString(std::span<const Value> args, int index0);
Status ExpectNumber(std::span<const Value> args, int index0);
Status ExpectArray(std::span<const Value> args, int index0);
Status ExpectObject(std::span<const Value> args, int index0);
Status ExpectSet(std::span<const Value> args, int index0);
Status ExpectBool(std::span<const Value> args, int index0);

// Calls every family's Register function below (register_all.cc).
void RegisterAll(Registry& r);

// The family registration functions, each defined in its own file.
void RegisterComparison(Registry& r);   // equal, neq, lt, lte, gt, gte
void RegisterArithmetic(Registry& r);   // plus, minus, mul, div, rem, abs, round, ceil, floor, numbers.range*
void RegisterAggregates(Registry& r);   // count, sum, product, max, min, sort, all, any
void RegisterTypes(Registry& r);        // is_*, type_name, to_number, cast_*
void RegisterSets(Registry& r);         // and, or, intersection, union
void RegisterArrays(Registry& r);       // array.concat, array.slice, array.reverse
void RegisterObjects(Registry& r);      // object.get, object.keys, object.remove, object.union(_n), object.filter, object.subset
void RegisterStrings(Registry& r);      // concat, contains, startswith, ..., sprintf, format_int
void RegisterEncoding(Registry& r);     // json.*, base64*, hex*, urlquery.*, yaml.*
void RegisterRegex(Registry& r);        // regex.*, glob.*
void RegisterBits(Registry& r);         // bits.*
void RegisterUnits(Registry& r);        // units.*
void RegisterSemver(Registry& r);       // semver.*
void RegisterTime(Registry& r);         // time.*
void RegisterCrypto(Registry& r);       // crypto.*
void RegisterNet(Registry& r);          // net.*
void RegisterMisc(Registry& r);         // walk, graph.*, uuid.*, rand.intn, opa.runtime, ...
void RegisterGraphql(Registry& r);      // graphql.*
void RegisterNetwork(Registry& r);      // http.send, providers.aws.sign_req, uri.*, test.sleep
void RegisterRego(Registry& r);         // rego.parse_module (rego.metadata.* are compiled away)

}  // namespace fedra::builtins

#endif  // FEDRA_BUILTINS_REGISTRY_H_
