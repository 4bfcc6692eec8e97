// GraphQL schema building and query validation for the graphql.* builtins,
// following gqlparser (the library OPA uses): its schema checks
// (ValidateSchemaDocument) and its query validation rules, with their
// wording, reporting the first error in gqlparser's walk order.
//
// Not implemented: OverlappingFieldsCanBeMerged and the "Did you mean ...?"
// suggestions that gqlparser appends to some messages.
#ifndef FEDRA_BUILTINS_GRAPHQL_VALIDATE_H_
#define FEDRA_BUILTINS_GRAPHQL_VALIDATE_H_

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "builtins/graphql_ast.h"
#include "builtins/graphql_parser.h"

namespace fedra::builtins {

// A validated schema. Definitions are owned copies (extensions merged in).
struct GqlSchema {
  std::deque<GqlDefinition> storage;
  std::map<std::string, GqlDefinition*> types;
  std::map<std::string, const GqlDirectiveDefinition*> directives;
  std::map<std::string, std::vector<const GqlDefinition*>> possible_types;
  const GqlDefinition* query = nullptr;
  const GqlDefinition* mutation = nullptr;
  const GqlDefinition* subscription = nullptr;
  std::deque<GqlDirectiveDefinition> directive_storage;
};

// Merges the prelude with `doc` and validates it. error->pos.line is 0 when
// the failing node has no position (ASTs given as objects).
bool BuildGqlSchema(const GqlSchemaDocument& doc, GqlSchema* schema, GqlError* error);

// Validates `doc` against `schema`; false with the errors in gqlparser's
// order (at most 100).
bool ValidateGqlQuery(const GqlSchema& schema, const GqlQueryDocument& doc,
                      std::vector<GqlError>* errors);

}  // namespace fedra::builtins

#endif  // FEDRA_BUILTINS_GRAPHQL_VALIDATE_H_
