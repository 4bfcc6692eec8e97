// GraphQL parser for executable documents (queries) and schema definition
// language, following gqlparser's grammar decisions and error wording, since
// OPA's graphql.* builtins surface that library's messages.
//
// Errors: the first error wins, as in gqlparser; *error gets the message and
// its position, e.g. {"Expected Name, found <EOF>", 1, 2}. Nesting (selection
// sets, list/object values, list types) is bounded by kGqlMaxDepth and input
// size by kGqlMaxInput, so hostile input cannot exhaust the stack.
#ifndef FEDRA_BUILTINS_GRAPHQL_PARSER_H_
#define FEDRA_BUILTINS_GRAPHQL_PARSER_H_

#include <string>
#include <string_view>

#include "builtins/graphql_ast.h"

namespace fedra::builtins {

inline constexpr int kGqlMaxDepth = 500;
inline constexpr size_t kGqlMaxInput = 16u << 20;

struct GqlError {
  std::string message;
  GqlPos pos;
};

bool ParseGqlQuery(std::string_view text, GqlQueryDocument* doc, GqlError* error);
bool ParseGqlSchema(std::string_view text, GqlSchemaDocument* doc, GqlError* error);

// The definitions every schema implicitly contains (scalars, @include,
// @skip, @deprecated, @specifiedBy, introspection types), marked built-in.
const GqlSchemaDocument& GqlPrelude();

}  // namespace fedra::builtins

#endif  // FEDRA_BUILTINS_GRAPHQL_PARSER_H_
