// Registry bookkeeping and the operand checks every family shares.
#include "builtins/registry.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace fedra::builtins {

void Registry::Add(std::string_view name, int arity, Fn fn, bool relation) {
  Builtin b;
  b.name = std::string(name);
  b.arity = arity;
  b.fn = fn;
  b.relation = relation;
  auto [it, inserted] = by_name_.emplace(b.name, std::move(b));
  if (!inserted) {
    // Two families claiming one name is a programming error that would make
    // the winner depend on registration order; stop at startup instead.
    std::fprintf(stderr, "fedra: builtin %.*s registered twice\n",
                 static_cast<int>(name.size()), name.data());
    std::abort();
  }
}

const Builtin* Registry::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &it->second;
}

const Registry& DefaultRegistry() {
  // C++ guarantees thread-safe one-time initialisation of function statics.
  static const Registry* const registry = [] {
    auto* r = new Registry();
    RegisterAll(*r);
    return r;
  }();
  return *registry;
}

Status OperandTypeError(int pos, const Value& got, std::string_view want) {
  std::string msg = "operand " + std::to_string(pos) + " must be ";
  msg += want;
  msg += " but got ";
  msg += KindName(got.kind());
  return Status::TypeError(msg);
}

namespace {

Status Expect(std::span<const Value> args, int index0, Kind kind) {
  const Value& v = args[static_cast<size_t>(index0)];
  if (v.kind() == kind) return Status::OK();
  return OperandTypeError(index0 + 1, v, KindName(kind));
}

}  // namespace

Status ExpectString(std::span<const Value> args, int index0) { return Expect(args, index0, Kind::kString); }
Status ExpectNumber(std::span<const Value> args, int index0) { return Expect(args, index0, Kind::kNumber); }
Status ExpectArray(std::span<const Value> args, int index0) { return Expect(args, index0, Kind::kArray); }
Status ExpectObject(std::span<const Value> args, int index0) { return Expect(args, index0, Kind::kObject); }
Status ExpectSet(std::span<const Value> args, int index0) { return Expect(args, index0, Kind::kSet); }
Status ExpectBool(std::span<const Value> args, int index0) { return Expect(args, index0, Kind::kBool); }

}  // namespace fedra::builtins
