// Lookups over the generated declaration table (declarations_table.cc).
#include "builtins/declarations.h"

#include <algorithm>
#include <string>

namespace fedra::builtins {

extern const Declaration kDeclarationTable[];
extern const size_t kDeclarationCount;

std::span<const Declaration> AllDeclarations() {
  return std::span<const Declaration>(kDeclarationTable, kDeclarationCount);
}

const Declaration* FindDeclaration(std::string_view name) {
  auto all = AllDeclarations();
  auto it = std::lower_bound(all.begin(), all.end(), name,
                             [](const Declaration& d, std::string_view n) { return d.name < n; });
  if (it == all.end() || it->name != name) return nullptr;
  return &*it;
}

const Declaration* FindInfix(std::string_view op, int arity) {
  // A linear scan is fine: the parser resolves each operator once per
  // compilation, and the table has about two hundred entries.
  for (const Declaration& d : AllDeclarations()) {
    if (!d.infix.empty() && d.infix == op && d.arity == arity) return &d;
  }
  return nullptr;
}

std::string FunctionTypeString(const Declaration& d) {
  std::string out = "(";
  for (int i = 0; i < d.arity; ++i) {
    if (i > 0) out += ", ";
    out += d.args[static_cast<size_t>(i)];
  }
  if (d.variadic_args()) {
    if (d.arity > 0) out += ", ";
    out += d.variadic;
    out += "...";
  }
  out += ") => ";
  // OPA prints an absent result type as "???".
  out += d.void_result() ? std::string_view("???") : d.result;
  return out;
}

}  // namespace fedra::builtins
