// rego.parse_module(filename, source): the module's AST as OPA's JSON
// (syntax/ast_json.h).
//
// OPA parses with the Rego version the engine runs in. The builtin Context
// does not carry that version, so the source is parsed as Rego v1 first and,
// when that fails, as v0; when both fail the v1 error is reported. A module
// that is valid in both versions has the same AST in both.
//
// rego.metadata.rule/chain are not here: the compiler replaces their calls
// by constants (compile/annotations.h).
#include <span>
#include <string>

#include "builtins/registry.h"
#include "syntax/ast.h"
#include "syntax/ast_json.h"
#include "syntax/parser.h"

namespace fedra::builtins {

namespace {

// OPA's text for a parse error: "1 error occurred: file:row: rego_parse_error: msg".
std::string OpaParseErrorText(const Status& st) {
  std::string s = "1 error occurred: ";
  Location loc = st.location();
  if (loc.known()) {
    s += loc.file.empty() ? std::to_string(loc.line) + ":" + std::to_string(loc.col)
                          : std::string(loc.file) + ":" + std::to_string(loc.line);
    s += ": ";
  }
  s += StatusCodeName(st.code());
  s += ": ";
  s += st.message();
  return s;
}

Status RegoParseModule(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 1));
  const std::string file(args[0].str());
  const std::string_view source = args[1].str();
  syntax::ParseOptions opts;
  opts.version = ast::RegoVersion::kV1;
  ast::Module module;
  Status st = syntax::ParseModule(source, file, opts, &module);
  if (!st.ok()) {
    opts.version = ast::RegoVersion::kV0;
    ast::Module v0;
    if (!syntax::ParseModule(source, file, opts, &v0).ok()) {
      return Status::BuiltinError(OpaParseErrorText(st));
    }
    module = std::move(v0);
  }
  *out = syntax::ModuleToValue(module, source);
  return Status::OK();
}

}  // namespace

void RegisterRego(Registry& r) { r.Add("rego.parse_module", 2, RegoParseModule); }

}  // namespace fedra::builtins
