// A stable, human-readable text form of the AST for golden tests and
// `fedra parse`. One node per line, children indented by two spaces, each line
// ending with "@line:col", e.g.
//   module data.example @1:1
//     rule allow @3:1
//       head ref allow assign=none value=<default true>
//       body
//         expr @4:3
//           call equal @4:3
//             ref input.kind @4:3
//             scalar "Pod" @4:17
#ifndef FEDRA_SYNTAX_AST_DUMP_H_
#define FEDRA_SYNTAX_AST_DUMP_H_

#include <string>

#include "syntax/ast.h"

namespace fedra::syntax {

std::string DumpModule(const ast::Module& module);
std::string DumpBody(const ast::Body& body);
std::string DumpTerm(const ast::Term& term);

// Rego source text for a term or expression (used by `fedra eval` for the
// "text" of query expressions and by error messages).
std::string TermToString(const ast::Term& term);
std::string ExprToString(const ast::Expr& expr);

}  // namespace fedra::syntax

#endif  // FEDRA_SYNTAX_AST_DUMP_H_
