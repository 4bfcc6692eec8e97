// The AST as OPA's JSON form (what `rego.parse_module` returns and what
// `opa parse --format json` prints), as a Value. Locations are left out, as
// OPA leaves them out by default.
//
//   {"package": {"path": [{"type": "var", "value": "data"},
//                         {"type": "string", "value": "foo"}]},
//    "imports": [{"path": {"type": "ref", "value": [...]}, "alias": "x"}],
//    "rules": [{"head": {"name": "p", "ref": [...], "value": {...}, "assign": true},
//               "body": [{"index": 0, "terms": [...]}], "default": true,
//               "else": {...}}],
//    "comments": [{"Text": "<base64>", "Location": {"file":..., "row":..., "col":...}}]}
//
// Terms are {"type": T, "value": V}: null, boolean, number, string, var
// (wildcards `_` become "$0", "$1", ... in order, as OPA's parser names
// them), ref/array/set/call (arrays of terms), object (array of [key, value]
// pairs), arraycomprehension/setcomprehension ({"term", "body"}),
// objectcomprehension ({"key", "value", "body"}). An expression's "terms" is
// the operator and operands for a call, {"symbols": [...]} for `some`,
// {"key", "value", "domain", "body"} for `every`, or a single term.
// Empty rule bodies print as [true] and heads without a value get value
// true, as OPA's parser fills them in.
//
// Recursion follows the AST's depth, which the parser bounds.
#ifndef FEDRA_SYNTAX_AST_JSON_H_
#define FEDRA_SYNTAX_AST_JSON_H_

#include <string_view>

#include "fedra/value.h"
#include "syntax/ast.h"

namespace fedra::syntax {

// `source` is the module's text, used for its comments; pass "" to omit
// them.
Value ModuleToValue(const ast::Module& module, std::string_view source);

}  // namespace fedra::syntax

#endif  // FEDRA_SYNTAX_AST_JSON_H_
