// Rego parser: source text -> ast::Module / ast::Body / ast::Term.
//
// A hand-written recursive-descent parser over lexer.h's tokens. Nesting depth
// (brackets, comprehensions, calls, parentheses) is bounded by
// ParseOptions::max_depth so adversarial input cannot exhaust the stack.
//
// Rego v1 (OPA 1.x) by default: `if` before rule bodies and `contains` for
// multi-value rules are required, and `if contains in every` are keywords.
// Rego v0 on request: `p[x] { ... }` is a partial set, keywords come from
// `import future.keywords[.name]`, and `import rego.v1` switches the module to
// v1 rules.
//
// Errors are rego_parse_error Statuses with file:line:col and a message that
// says what was expected and what was found ("expected '}' to close '{' at
// 3:5, found end of file").
//
// `file` must outlive the returned AST: Locations point into it.
#ifndef FEDRA_SYNTAX_PARSER_H_
#define FEDRA_SYNTAX_PARSER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "fedra/status.h"
#include "syntax/ast.h"

namespace fedra::syntax {

struct ParseOptions {
  ast::RegoVersion version = ast::RegoVersion::kV1;
  size_t max_depth = 1000;            // nesting of terms and bodies
  size_t max_bytes = 16u << 20;       // one source file
};

Status ParseModule(std::string_view source, std::string_view file,
                   const ParseOptions& options, ast::Module* out);

// A query: one or more expressions separated by ';' or newlines.
Status ParseQuery(std::string_view source, std::string_view file,
                  const ParseOptions& options, ast::Body* out);

// Like ParseQuery, and also sets *texts to each expression's source text
// (from its first to its last token, e.g. "count(x) > 1"), which `opa eval`
// reports as an expression's "text".
Status ParseQuery(std::string_view source, std::string_view file,
                  const ParseOptions& options, ast::Body* out,
                  std::vector<std::string>* texts);

// A single term (used for `input_term` in OPA's test cases).
Status ParseTerm(std::string_view source, std::string_view file,
                 const ParseOptions& options, ast::Term* out);

}  // namespace fedra::syntax

#endif  // FEDRA_SYNTAX_PARSER_H_
