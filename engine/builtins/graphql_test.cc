#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "builtins/graphql_lexer.h"
#include "builtins/graphql_parser.h"
#include "builtins/registry.h"
#include "fedra/value.h"
#include "value/json.h"

namespace fedra::builtins {
namespace {

Value Str(std::string_view s) { return Value::String(s); }

Status Call(std::string_view name, std::vector<Value> args, Value* out) {
  const Builtin* b = DefaultRegistry().Find(name);
  EXPECT_NE(b, nullptr) << name;
  if (b == nullptr) return Status::Internal("missing");
  Context ctx;
  return b->fn(ctx, args, out);
}

std::string Eval(std::string_view name, std::vector<Value> args) {
  Value out;
  Status st = Call(name, std::move(args), &out);
  if (!st.ok()) return "error: " + std::string(st.message());
  return out.defined() ? ToJson(out) : "undefined";
}

Value Json(std::string_view text) {
  Value v;
  EXPECT_TRUE(ParseJson(text, &v).ok()) << text;
  return v;
}

constexpr char kSchema[] = R"(
  type Query {
    hero(episode: Episode): Character
    search(text: String!): [SearchResult]
    droid(id: ID!): Droid
  }
  enum Episode { NEWHOPE EMPIRE JEDI }
  interface Character { id: ID! name: String friends: [Character] }
  type Human implements Character { id: ID! name: String friends: [Character] height: Float }
  type Droid implements Character { id: ID! name: String friends: [Character] primaryFunction: String }
  union SearchResult = Human | Droid
  input Filter { name: String! limit: Int = 10 }
  type Mutation { rename(id: ID!, filter: Filter): Character }
)";

std::string Valid(std::string_view query) { return Eval("graphql.is_valid", {Str(query), Str(kSchema)}); }

std::string ParseError(std::string_view query) {
  return Eval("graphql.parse", {Str(query), Str(kSchema)});
}

TEST(GraphqlTest, ParseQueryShape) {
  EXPECT_EQ(Eval("graphql.parse_query", {Str("{hero {name}}")}),
            R"({"Operations":[{"Name":"","Operation":"query","SelectionSet":[{"Alias":"hero",)"
            R"("Name":"hero","SelectionSet":[{"Alias":"name","Name":"name"}]}]}]})");
  EXPECT_EQ(Eval("graphql.parse_query", {Str("query Q($a: [Int!]! = [1]) { f(x: $a, y: {k: ENUM}) }")}),
            R"({"Operations":[{"Name":"Q","Operation":"query","SelectionSet":[{"Alias":"f",)"
            R"("Arguments":[{"Name":"x","Value":{"ExpectedTypeHasDefault":false,"Kind":0,"Raw":"a"}},)"
            R"({"Name":"y","Value":{"Children":[{"Name":"k","Value":{"ExpectedTypeHasDefault":false,)"
            R"("Kind":7,"Raw":"ENUM"}}],"ExpectedTypeHasDefault":false,"Kind":9,"Raw":""}}],"Name":"f"}],)"
            R"("VariableDefinitions":[{"DefaultValue":{"Children":[{"Name":"","Value":{)"
            R"("ExpectedTypeHasDefault":false,"Kind":1,"Raw":"1"}}],"ExpectedTypeHasDefault":false,)"
            R"("Kind":8,"Raw":""},"Type":{"Elem":{"NamedType":"Int","NonNull":true},"NamedType":"",)"
            R"("NonNull":true},"Used":false,"Variable":"a"}]}]})");
  EXPECT_EQ(Eval("graphql.parse_query", {Str("")}), "{}");
}

TEST(GraphqlTest, ParseSchemaShape) {
  EXPECT_EQ(Eval("graphql.parse_schema", {Str("\"\"\"\n  Doc\n  more\n\"\"\"\nscalar S @specifiedBy(url: \"u\")")}),
            R"({"Definitions":[{"BuiltIn":false,"Description":"Doc\nmore","Directives":[{"Arguments":)"
            R"([{"Name":"url","Value":{"ExpectedTypeHasDefault":false,"Kind":3,"Raw":"u"}}],)"
            R"("Location":"","Name":"specifiedBy"}],"Kind":"SCALAR","Name":"S"}]})");
  EXPECT_EQ(Eval("graphql.parse_schema", {Str("directive @d(a: Int = 1) repeatable on FIELD | QUERY")}),
            R"({"Directives":[{"Arguments":[{"DefaultValue":{"ExpectedTypeHasDefault":false,"Kind":1,)"
            R"("Raw":"1"},"Description":"","Name":"a","Type":{"NamedType":"Int","NonNull":false}}],)"
            R"("Description":"","IsRepeatable":true,"Locations":["FIELD","QUERY"],"Name":"d"}]})");
}

TEST(GraphqlTest, ParseErrors) {
  auto q = [](std::string_view s) { return Eval("graphql.parse_query", {Str(s)}); };
  EXPECT_EQ(q("{"), "error: Expected Name, found <EOF> in GraphQL string at location 1:2");
  EXPECT_EQ(q("{ a(x: 01) }"),
            "error: Unexpected <Invalid> in GraphQL string at location 1:9");
  EXPECT_EQ(q("query ($x: Int = $y) { a }"), "error: Unexpected $ in GraphQL string at location 1:18");
  EXPECT_EQ(q("\n\n  { a(s: \"x\" }"), "error: Expected Name, found } in GraphQL string at location 3:14");
  EXPECT_EQ(q("{ a } fragment x on T { b } garbage"),
            "error: Unexpected Name \"garbage\" in GraphQL string at location 1:29");
  auto s = [](std::string_view x) { return Eval("graphql.parse_schema", {Str(x)}); };
  EXPECT_EQ(s("schema { foo: Bar }"), "error: Unexpected Name \"foo\" in GraphQL string at location 1:10");
  EXPECT_EQ(s("schema { 'x }"),
            "error: Unexpected single quote character ('), did you mean to use a double quote (\")? "
            "in GraphQL string at location 1:10");
  EXPECT_EQ(s("type T { f: [String }"), "error: Expected ], found } in GraphQL string at location 1:21");
  EXPECT_EQ(Eval("graphql.parse_query", {Value::Int(1)}).rfind("error: operand 1 must be string", 0), 0u);
}

TEST(GraphqlTest, PreludeParses) {
  const GqlSchemaDocument& p = GqlPrelude();
  EXPECT_EQ(p.definitions.size(), 13u);
  EXPECT_EQ(p.directives.size(), 4u);
  for (const auto& d : p.definitions) EXPECT_TRUE(d.built_in) << d.name;
}

TEST(GraphqlTest, ValidQueries) {
  EXPECT_EQ(Valid("{ hero { id name ... on Droid { primaryFunction } } }"), "true");
  EXPECT_EQ(Valid("query ($e: Episode) { hero(episode: $e) { __typename name } }"), "true");
  EXPECT_EQ(Valid("{ search(text: \"x\") { ... on Human { height } ...D } } fragment D on Droid { id }"),
            "true");
  EXPECT_EQ(Valid("mutation { rename(id: 4, filter: {name: \"n\"}) { id } }"), "true");
  EXPECT_EQ(Valid("{ hero @include(if: true) { id } __schema { queryType { name } } }"), "true");
  EXPECT_EQ(Valid(""), "true");
}

TEST(GraphqlTest, InvalidQueries) {
  EXPECT_EQ(ParseError("{ hero { nope } }"),
            "error: Cannot query field \"nope\" on type \"Character\" in GraphQL string at location 1:10");
  EXPECT_EQ(ParseError("{ droid { id } }"),
            "error: Field \"droid\" argument \"id\" of type \"ID!\" is required, but it was not provided "
            "in GraphQL string at location 1:3");
  EXPECT_EQ(ParseError("{ hero(bad: 1) { id } }"),
            "error: Unknown argument \"bad\" on field \"Query.hero\" in GraphQL string at location 1:3");
  EXPECT_EQ(ParseError("{ hero(episode: $e) { id } }"),
            "error: Variable \"$e\" is not defined in GraphQL string at location 1:17");
  EXPECT_EQ(ParseError("query Q($e: Episode) { hero { id } }"),
            "error: Variable \"$e\" is never used in operation \"Q\" in GraphQL string at location 1:9");
  // OPA trims only a trailing ".\n" from gqlparser's error list text.
  EXPECT_EQ(ParseError("{ hero }"),
            "error: Field \"hero\" of type \"Character\" must have a selection of subfields. "
            "Did you mean \"hero { ... }\"?\n in GraphQL string at location 1:3");
  EXPECT_EQ(ParseError("{ hero(episode: MARS) { id } }"),
            "error: Value \"MARS\" does not exist in \"Episode\" enum in GraphQL string at location 1:17");
  EXPECT_EQ(ParseError("{ hero { id } } fragment F on Droid { id }"),
            "error: Fragment \"F\" is never used in GraphQL string at location 1:17");
  EXPECT_EQ(ParseError("subscription { hero { id } }"),
            "error: Schema does not support operation type \"subscription\"\n in GraphQL string at location 1:1");
  EXPECT_EQ(Valid("{ hero { ...A } } fragment A on Character { ...B } fragment B on Character { ...A }"),
            "false");
  EXPECT_EQ(Valid("{ droid(id: 1.5) { id } }"), "false");
  EXPECT_EQ(Valid("{ hero { ... on Episode { id } } }"), "false");
  EXPECT_EQ(Valid("mutation { rename(id: 1, filter: {limit: 2}) { id } }"), "false");
  EXPECT_EQ(Valid("{ a: hero { id } } { b: hero { id } }"), "false");
  EXPECT_EQ(Valid("{ hero @skip(if: true) @skip(if: false) { id } }"), "false");
  EXPECT_EQ(Valid("{ droid(id: 1) { id(x: 1) } }"), "false");
  EXPECT_EQ(Valid("query ($h: Human) { hero { id } }"), "false");
  // Bad operands make is_valid false rather than failing.
  EXPECT_EQ(Eval("graphql.is_valid", {Value::Int(1), Str(kSchema)}), "false");
  EXPECT_EQ(Eval("graphql.parse_and_verify", {Str("{ nope }"), Str(kSchema)}), "[false,{},{}]");
}

TEST(GraphqlTest, SchemaValidation) {
  auto valid = [](std::string_view s) { return Eval("graphql.schema_is_valid", {Str(s)}); };
  EXPECT_EQ(valid(kSchema), "true");
  EXPECT_EQ(valid("type Query { a: Nope }"), "false");
  EXPECT_EQ(valid("interface I { a: Int } type T implements I { b: Int }"), "false");
  EXPECT_EQ(valid("type T { a: Int } type T { b: Int }"), "false");
  EXPECT_EQ(valid("type __T { a: Int }"), "false");
  EXPECT_EQ(valid("input I { a: Int } type Query { f(i: I): Int, g: I }"), "false");
  EXPECT_EQ(valid("type Query { a: Int @skip(if: true) }"), "false");
  EXPECT_EQ(valid("extend type Query { a: Int } extend type Query { b: Int }"), "true");
  EXPECT_EQ(Eval("graphql.parse", {Str("{ a }"), Str("type Query { a: Nope }")}),
            "error: Error in gqlparser SchemaDocument to Schema conversion: input:1:17: Undefined type Nope.");
}

TEST(GraphqlTest, AstObjectsRoundTrip) {
  Value q, s;
  ASSERT_TRUE(Call("graphql.parse_query", {Str("query ($e: Episode) { hero(episode: $e) { id } }")}, &q).ok());
  ASSERT_TRUE(Call("graphql.parse_schema", {Str(kSchema)}, &s).ok());
  Value out;
  ASSERT_TRUE(Call("graphql.parse", {q, s}, &out).ok());
  EXPECT_EQ(out, Value::Array({q, s}));
  EXPECT_EQ(Eval("graphql.is_valid", {q, s}), "true");
  EXPECT_EQ(Eval("graphql.schema_is_valid", {s}), "true");
  // Go decodes struct keys case-insensitively and fills in missing fields.
  Value lower = Json(R"({"operations":[{"Operation":"query","SelectionSet":[{"Name":"hero",)"
                     R"("SelectionSet":[{"Name":"id"}]}]}]})");
  EXPECT_EQ(Eval("graphql.is_valid", {lower, Str(kSchema)}), "true");
  // gqlparser decodes every selection object as a field, so inline
  // fragments given as objects fail validation.
  Value inline_frag = Json(R"({"Operations":[{"Operation":"query","SelectionSet":[{"Name":"hero",)"
                           R"("SelectionSet":[{"TypeCondition":"Droid","SelectionSet":[{"Name":"id"}]}]}]}]})");
  EXPECT_EQ(Eval("graphql.is_valid", {inline_frag, Str(kSchema)}), "false");
  Value bad_kind = Json(R"({"Operations":[{"Operation":"query","SelectionSet":[{"Name":"droid",)"
                        R"("Arguments":[{"Name":"id","Value":{"Kind":"x"}}]}]}]})");
  EXPECT_EQ(Eval("graphql.is_valid", {bad_kind, Str(kSchema)}), "false");
  EXPECT_EQ(Eval("graphql.schema_is_valid", {Json(R"({"Definitions":5})")}), "false");
}

TEST(GraphqlTest, HostileInputIsBounded) {
  std::string deep(200000, '{');
  EXPECT_EQ(Eval("graphql.parse_query", {Str(deep)}).rfind("error: ", 0), 0u);
  std::string fields;
  for (int i = 0; i < 100000; ++i) fields += "{a";
  EXPECT_EQ(Eval("graphql.parse_query", {Str(fields)}).find("nesting depth"), 7u);
  std::string list_type = "query ($a: " + std::string(100000, '[') + "Int" + std::string(100000, ']') + ") { a }";
  EXPECT_EQ(Eval("graphql.parse_query", {Str(list_type)}).rfind("error: ", 0), 0u);
  std::string values = "{ a(x: " + std::string(100000, '[') + ") }";
  EXPECT_EQ(Eval("graphql.parse_query", {Str(values)}).rfind("error: ", 0), 0u);
  EXPECT_EQ(Eval("graphql.parse_schema", {Str("type T { f: " + std::string(100000, '[') + "}")}).rfind("error: ", 0),
            0u);
  // A deeply nested AST object (built without recursion).
  Value sel = Json(R"({"Name":"id"})");
  for (int i = 0; i < 50000; ++i) {
    sel = Value::Object({{Str("Name"), Str("hero")}, {Str("SelectionSet"), Value::Array({sel})}});
  }
  Value doc = Value::Object({{Str("Operations"),
                              Value::Array({Value::Object({{Str("Operation"), Str("query")},
                                                           {Str("SelectionSet"), Value::Array({sel})}})})}});
  EXPECT_EQ(Eval("graphql.is_valid", {doc, Str(kSchema)}), "false");
  // A long chain of fragments that spread each other.
  std::string chain = "{ hero { ...F0 } }";
  for (int i = 0; i < 5000; ++i) {
    chain += " fragment F" + std::to_string(i) + " on Character { id ...F" + std::to_string(i + 1) + " }";
  }
  chain += " fragment F5000 on Character { id }";
  EXPECT_EQ(Valid(chain), "false");
}

TEST(GraphqlTest, GoQuote) {
  EXPECT_EQ(GoQuote("a\"b\\c\n\x01\xff" "\xe0\xa8\x8a"), "\"a\\\"b\\\\c\\n\\x01\\xff\xe0\xa8\x8a\"");
}

}  // namespace
}  // namespace fedra::builtins
