// Builtin declarations: OPA's typed signatures, apart from implementations.
//
// The table is generated once from OPA's capabilities.json by
// scripts/gen_builtin_declarations.py into declarations_table.cc and checked
// in. builtins_test checks that it still agrees with capabilities.json and
// with the registry (every registered implementation is declared with the same
// arity).
//
// Types are written in OPA's own notation (types.Sprint), which is also what
// OPA prints in rego_type_error messages:
//   null boolean number string any
//   any<number, set[any]>            a union
//   array[string]  array<number, string>  array<number>[any]
//   set[string]
//   object[string: any]  object<a: number>[string: any]
// The table is immutable static data and may be read from any thread.
#ifndef FEDRA_BUILTINS_DECLARATIONS_H_
#define FEDRA_BUILTINS_DECLARATIONS_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace fedra::builtins {

inline constexpr int kMaxDeclaredArgs = 4;

enum DeclFlag : uint8_t {
  kDeclRelation = 1 << 0,          // yields several results (walk)
  kDeclNondeterministic = 1 << 1,  // result may differ between runs
  kDeclDeprecated = 1 << 2,        // OPA rejects it in v1 / strict mode
  // Implemented inside the evaluator, never in the registry (eq, assign,
  // membership, print, trace, rego.metadata.*): they need evaluator state.
  kDeclEvaluator = 1 << 3,
};

struct Declaration {
  std::string_view name;
  int arity = 0;  // fixed arguments (print has 0 plus a variadic tail)
  std::array<std::string_view, kMaxDeclaredArgs> args{};  // first `arity` used
  std::string_view result;    // empty: the function has no result (print)
  std::string_view variadic;  // type of extra arguments; empty: not variadic
  std::string_view infix;     // operator spelling ("+", "==", "in"); may be empty
  uint8_t flags = 0;          // DeclFlag bits

  bool relation() const { return flags & kDeclRelation; }
  bool nondeterministic() const { return flags & kDeclNondeterministic; }
  bool deprecated() const { return flags & kDeclDeprecated; }
  bool evaluator_builtin() const { return flags & kDeclEvaluator; }
  bool variadic_args() const { return !variadic.empty(); }
  bool void_result() const { return result.empty(); }
  // Arguments a call passes in Rego, counting the result operand: a call
  // f(a, b) to a 2-ary function may be written f(a, b, out).
  std::span<const std::string_view> arg_types() const {
    return std::span<const std::string_view>(args.data(), static_cast<size_t>(arity));
  }
};

// Every declared builtin, sorted by name.
std::span<const Declaration> AllDeclarations();

// The declaration named `name`, or nullptr.
const Declaration* FindDeclaration(std::string_view name);

// The builtin written as infix operator `op` taking `arity` operands (not
// counting the result), or nullptr. "in" has two: internal.member_2 and
// internal.member_3.
const Declaration* FindInfix(std::string_view op, int arity);

// OPA's function type string: "(number, number) => number",
// "(any...) => void" style for variadic / void functions.
std::string FunctionTypeString(const Declaration& d);

}  // namespace fedra::builtins

#endif  // FEDRA_BUILTINS_DECLARATIONS_H_
