// GraphQL syntax trees for the graphql.* builtins.
//
// The structs mirror the Go library OPA uses (gqlparser v2), field for field,
// because OPA hands that library's structs to policies as JSON objects: the
// field names here are the JSON keys (see graphql_ast_json.h), and a node
// that gqlparser keeps as a nil pointer is an empty std::optional or a null
// shared_ptr here. Positions are 1-based line and column in runes, as the Go
// lexer counts them; they never reach policies but locate validation errors.
#ifndef FEDRA_BUILTINS_GRAPHQL_AST_H_
#define FEDRA_BUILTINS_GRAPHQL_AST_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fedra::builtins {

struct GqlPos {
  int line = 0;
  int column = 0;
};

// gqlparser's ValueKind numbering, which OPA exposes as the "Kind" number.
enum class GqlValueKind : int {
  kVariable = 0,
  kInt = 1,
  kFloat = 2,
  kString = 3,
  kBlock = 4,
  kBoolean = 5,
  kNull = 6,
  kEnum = 7,
  kList = 8,
  kObject = 9,
};

struct GqlChildValue;

struct GqlValue {
  GqlValueKind kind = GqlValueKind::kVariable;
  std::string raw;
  std::vector<GqlChildValue> children;
  bool expected_type_has_default = false;
  GqlPos pos;
};

struct GqlChildValue {
  std::string name;
  std::shared_ptr<GqlValue> value;  // null only for ASTs decoded from objects
  GqlPos pos;
};

// A type reference: a named type or a list of `elem`, optionally non-null.
struct GqlType {
  std::string named;
  std::shared_ptr<GqlType> elem;
  bool non_null = false;
  GqlPos pos;
};
// "Name", "[Name!]!", ... as gqlparser's Type.String() writes it.
std::string GqlTypeString(const GqlType& t);

struct GqlArgument {
  std::string name;
  std::shared_ptr<GqlValue> value;
  GqlPos pos;
};

struct GqlDirective {
  std::string name;
  std::vector<GqlArgument> arguments;
  std::string location;  // never set by the parser; kept for the JSON shape
  GqlPos pos;
};

struct GqlVariableDefinition {
  std::string variable;
  std::shared_ptr<GqlType> type;
  std::shared_ptr<GqlValue> default_value;
  std::vector<GqlDirective> directives;
  bool used = false;
  GqlPos pos;
};

// A field, fragment spread or inline fragment (gqlparser's Selection
// interface); `kind` tells which members apply.
struct GqlSelection {
  enum Kind { kField, kFragmentSpread, kInlineFragment };
  Kind kind = kField;
  std::string alias;           // field
  std::string name;            // field, fragment spread
  std::vector<GqlArgument> arguments;  // field
  std::vector<GqlDirective> directives;
  std::vector<GqlSelection> selection_set;  // field, inline fragment
  std::string type_condition;  // inline fragment
  GqlPos pos;
};

struct GqlOperation {
  std::string operation;  // "query", "mutation", "subscription"
  std::string name;
  std::vector<GqlVariableDefinition> variables;
  std::vector<GqlDirective> directives;
  std::vector<GqlSelection> selection_set;
  GqlPos pos;
};

struct GqlFragment {
  std::string name;
  std::vector<GqlVariableDefinition> variables;
  std::string type_condition;
  std::vector<GqlDirective> directives;
  std::vector<GqlSelection> selection_set;
  GqlPos pos;
};

struct GqlQueryDocument {
  std::vector<GqlOperation> operations;
  std::vector<GqlFragment> fragments;
};

// --- schema definition language --------------------------------------------

struct GqlArgumentDefinition {
  std::string description;
  std::string name;
  std::shared_ptr<GqlValue> default_value;
  std::shared_ptr<GqlType> type;
  std::vector<GqlDirective> directives;
  GqlPos pos;
};

// Fields of object, interface and input object types (input fields use
// default_value and never arguments).
struct GqlFieldDefinition {
  std::string description;
  std::string name;
  std::vector<GqlArgumentDefinition> arguments;
  std::shared_ptr<GqlValue> default_value;
  std::shared_ptr<GqlType> type;
  std::vector<GqlDirective> directives;
  GqlPos pos;
};

struct GqlEnumValueDefinition {
  std::string description;
  std::string name;
  std::vector<GqlDirective> directives;
  GqlPos pos;
};

// A named type: Kind is "SCALAR", "OBJECT", "INTERFACE", "UNION", "ENUM" or
// "INPUT_OBJECT".
struct GqlDefinition {
  std::string kind;
  std::string description;
  std::string name;
  std::vector<GqlDirective> directives;
  std::vector<std::string> interfaces;
  std::vector<GqlFieldDefinition> fields;
  std::vector<std::string> types;
  std::vector<GqlEnumValueDefinition> enum_values;
  bool built_in = false;
  GqlPos pos;
};

struct GqlDirectiveDefinition {
  std::string description;
  std::string name;
  std::vector<GqlArgumentDefinition> arguments;
  std::vector<std::string> locations;
  bool repeatable = false;
  GqlPos pos;
};

struct GqlOperationType {
  std::string operation;
  std::string type;
  GqlPos pos;
};

struct GqlSchemaDefinition {
  std::string description;
  std::vector<GqlDirective> directives;
  std::vector<GqlOperationType> operation_types;
  GqlPos pos;
};

struct GqlSchemaDocument {
  std::vector<GqlSchemaDefinition> schema;
  std::vector<GqlSchemaDefinition> schema_extension;
  std::vector<GqlDirectiveDefinition> directives;
  std::vector<GqlDefinition> definitions;
  std::vector<GqlDefinition> extensions;
};

}  // namespace fedra::builtins

#endif  // FEDRA_BUILTINS_GRAPHQL_AST_H_
