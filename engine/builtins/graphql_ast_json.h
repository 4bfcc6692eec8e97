// GraphQL ASTs <-> Rego values, in the shape OPA gives policies.
//
// OPA serialises gqlparser's Go structs to JSON (keys are the Go field
// names: "Operations", "SelectionSet", "Kind", ...) and then prunes every
// "Position", every null, and every empty array or object. GqlQueryToValue
// and GqlSchemaToValue produce exactly that pruned shape.
//
// The reverse direction copies Go's encoding/json decoding of such objects:
// keys match struct fields case-insensitively (the last matching key wins),
// except in the hand-written decoders gqlparser has for operations,
// fragments and fields, which match exactly; every selection decoded from an
// object becomes a field when it can be one (as in gqlparser). A value of
// the wrong JSON type is an error. Depth is bounded by kGqlMaxDepth levels of
// selections, values and list types.
#ifndef FEDRA_BUILTINS_GRAPHQL_AST_JSON_H_
#define FEDRA_BUILTINS_GRAPHQL_AST_JSON_H_

#include <string>

#include "builtins/graphql_ast.h"
#include "fedra/value.h"

namespace fedra::builtins {

Value GqlQueryToValue(const GqlQueryDocument& doc);
Value GqlSchemaToValue(const GqlSchemaDocument& doc);

// On failure *error holds a message in the style of Go's json errors.
bool GqlQueryFromValue(const Value& v, GqlQueryDocument* doc, std::string* error);
bool GqlSchemaFromValue(const Value& v, GqlSchemaDocument* doc, std::string* error);

}  // namespace fedra::builtins

#endif  // FEDRA_BUILTINS_GRAPHQL_AST_JSON_H_
