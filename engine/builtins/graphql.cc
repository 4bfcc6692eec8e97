// graphql.* builtins: parse_query, parse_schema, parse, parse_and_verify,
// is_valid, schema_is_valid, with OPA's semantics:
//   - queries and schemas are GraphQL strings or AST objects as the parse
//     builtins return them (objects are decoded as Go's encoding/json would);
//   - parse_query/parse_schema/parse report errors as
//     "<message> in GraphQL string at location L:C";
//   - schema problems in parse read "Error in gqlparser SchemaDocument to
//     Schema conversion: input:L:C: <message>";
//   - is_valid/schema_is_valid/parse_and_verify never fail: bad input gives
//     false (or [false, {}, {}]).
#include <string>
#include <vector>

#include "builtins/graphql_ast_json.h"
#include "builtins/graphql_parser.h"
#include "builtins/graphql_validate.h"
#include "builtins/registry.h"

namespace fedra::builtins {
namespace {

std::string Located(const GqlError& e) {
  return e.message + " in GraphQL string at location " + std::to_string(e.pos.line) + ":" +
         std::to_string(e.pos.column);
}

// gqlerror.Error.Error(): "input:L:C: msg", or "input: msg" without position.
std::string GoErrorText(const GqlError& e) {
  if (e.pos.line == 0) return "input: " + e.message;
  return "input:" + std::to_string(e.pos.line) + ":" + std::to_string(e.pos.column) + ": " + e.message;
}

// OPA formats the whole error list ("input:L:C: msg\n" per error), keeps what
// follows the third ':' and trims one trailing ".\n".
std::string ValidationMessage(const std::vector<GqlError>& errors) {
  std::string all;
  for (const auto& e : errors) all += GoErrorText(e) + "\n";
  const GqlError& first = errors.front();
  if (first.pos.line == 0) return first.message + " in GraphQL string";
  size_t cut = 0;
  for (int i = 0; i < 3; ++i) cut = all.find(':', cut) + 1;
  std::string msg = all.substr(cut);
  size_t lead = msg.find_first_not_of(' ');
  msg = lead == std::string::npos ? "" : msg.substr(lead);
  if (msg.size() >= 2 && msg.compare(msg.size() - 2, 2, ".\n") == 0) msg.resize(msg.size() - 2);
  return Located(GqlError{msg, first.pos});
}

// Parses or decodes a query operand. false with *error set on failure;
// *type_ok false when the operand is neither a string nor an object.
bool LoadQuery(const Value& v, GqlQueryDocument* doc, std::string* error, bool* type_ok) {
  *type_ok = true;
  if (v.is_string()) {
    GqlError e;
    if (ParseGqlQuery(v.str(), doc, &e)) return true;
    *error = Located(e);
    return false;
  }
  if (v.is_object()) return GqlQueryFromValue(v, doc, error);
  *type_ok = false;
  return false;
}

bool LoadSchema(const Value& v, GqlSchemaDocument* doc, std::string* error, bool* type_ok) {
  *type_ok = true;
  if (v.is_string()) {
    GqlError e;
    if (ParseGqlSchema(v.str(), doc, &e)) return true;
    *error = Located(e);
    return false;
  }
  if (v.is_object()) return GqlSchemaFromValue(v, doc, error);
  *type_ok = false;
  return false;
}

// The shared core of parse / parse_and_verify / is_valid. Returns OK with
// the two ASTs on success; a builtin error (or operand type error) otherwise.
Status ParseAndValidate(std::span<const Value> args, Value* query_ast, Value* schema_ast) {
  GqlQueryDocument qdoc;
  GqlSchemaDocument sdoc;
  std::string err;
  bool type_ok = true;
  if (!LoadQuery(args[0], &qdoc, &err, &type_ok)) {
    if (!type_ok) return OperandTypeError(0, args[0], "one of {string, object}");
    return Status::BuiltinError(err);
  }
  if (!LoadSchema(args[1], &sdoc, &err, &type_ok)) {
    if (!type_ok) return OperandTypeError(1, args[1], "one of {string, object}");
    return Status::BuiltinError(err);
  }
  GqlSchema schema;
  GqlError serr;
  if (!BuildGqlSchema(sdoc, &schema, &serr)) {
    return Status::BuiltinError("Error in gqlparser SchemaDocument to Schema conversion: " +
                                GoErrorText(serr));
  }
  std::vector<GqlError> verrs;
  if (!ValidateGqlQuery(schema, qdoc, &verrs)) return Status::BuiltinError(ValidationMessage(verrs));
  if (query_ast != nullptr) *query_ast = GqlQueryToValue(qdoc);
  if (schema_ast != nullptr) *schema_ast = GqlSchemaToValue(sdoc);
  return Status::OK();
}

Status ParseQuery(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  GqlQueryDocument doc;
  GqlError e;
  if (!ParseGqlQuery(args[0].str(), &doc, &e)) return Status::BuiltinError(Located(e));
  *out = GqlQueryToValue(doc);
  return Status::OK();
}

Status ParseSchema(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  GqlSchemaDocument doc;
  GqlError e;
  if (!ParseGqlSchema(args[0].str(), &doc, &e)) return Status::BuiltinError(Located(e));
  *out = GqlSchemaToValue(doc);
  return Status::OK();
}

Status Parse(Context&, std::span<const Value> args, Value* out) {
  Value q, s;
  FEDRA_RETURN_IF_ERROR(ParseAndValidate(args, &q, &s));
  *out = Value::Array({std::move(q), std::move(s)});
  return Status::OK();
}

Status ParseAndVerify(Context&, std::span<const Value> args, Value* out) {
  Value q, s;
  if (ParseAndValidate(args, &q, &s).ok()) {
    *out = Value::Array({Value::Bool(true), std::move(q), std::move(s)});
  } else {
    *out = Value::Array({Value::Bool(false), Value::EmptyObject(), Value::EmptyObject()});
  }
  return Status::OK();
}

Status IsValid(Context&, std::span<const Value> args, Value* out) {
  *out = Value::Bool(ParseAndValidate(args, nullptr, nullptr).ok());
  return Status::OK();
}

Status SchemaIsValid(Context&, std::span<const Value> args, Value* out) {
  GqlSchemaDocument sdoc;
  std::string err;
  bool type_ok = true;
  bool ok = LoadSchema(args[0], &sdoc, &err, &type_ok);
  if (ok) {
    GqlSchema schema;
    GqlError serr;
    ok = BuildGqlSchema(sdoc, &schema, &serr);
  }
  *out = Value::Bool(ok);
  return Status::OK();
}

}  // namespace

void RegisterGraphql(Registry& r) {
  r.Add("graphql.parse_query", 1, ParseQuery);
  r.Add("graphql.parse_schema", 1, ParseSchema);
  r.Add("graphql.parse", 2, Parse);
  r.Add("graphql.parse_and_verify", 2, ParseAndVerify);
  r.Add("graphql.is_valid", 2, IsValid);
  r.Add("graphql.schema_is_valid", 1, SchemaIsValid);
}

}  // namespace fedra::builtins
