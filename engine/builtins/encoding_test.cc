#include "builtins/builtin_test_util.h"

namespace fedra::builtins::testing {
namespace {

TEST(EncodingTest, JsonMarshal) {
  EXPECT_EQ(Eval("json.marshal", {A({O({{S("foo"), Set({I(1), I(2), I(3)})}})})}), S("[{\"foo\":[1,2,3]}]"));
  EXPECT_EQ(Eval("json.marshal", {O({{S("b"), S("<&>")}, {S("a"), Null()}})}), S("{\"a\":null,\"b\":\"\\u003c\\u0026\\u003e\"}"));
  EXPECT_EQ(Eval("json.marshal", {O({{I(1), B(true)}})}), S("{\"1\":true}"));
  Value arr = A({I(1234567890), I(2000000), I(1000000000)});
  EXPECT_EQ(Eval("json.marshal_with_options", {arr, O({{S("indent"), S("  ")}})}),
            S("[\n  1234567890,\n  2000000,\n  1000000000\n]"));
  EXPECT_EQ(Eval("json.marshal_with_options", {arr, O({})}), S("[1234567890,2000000,1000000000]"));
  EXPECT_EQ(Eval("json.marshal_with_options", {arr, O({{S("pretty"), B(true)}})}),
            S("[\n\t1234567890,\n\t2000000,\n\t1000000000\n]"));
  EXPECT_EQ(Eval("json.marshal_with_options", {arr, O({{S("pretty"), B(false)}, {S("prefix"), S("NO!")}})}),
            S("[1234567890,2000000,1000000000]"));
  EXPECT_EQ(Eval("json.marshal_with_options", {O({{S("foo"), S("bar")}, {S("bar"), S("baz")}}), O({{S("prefix"), S("JSON => ")}})}),
            S("JSON => {\nJSON => \t\"bar\": \"baz\",\nJSON => \t\"foo\": \"bar\"\nJSON => }"));
  EXPECT_EQ(Eval("json.marshal_with_options", {A({}), O({{S("indent"), S("    ")}, {S("prefix"), S("---")}})}), S("---[]"));
  ExpectTypeError("json.marshal_with_options", {A({}), O({{S("include_winning_lottery_numbers"), B(true)}})},
                  "operand 2 object contained unknown key \"include_winning_lottery_numbers\"");
}

TEST(EncodingTest, JsonUnmarshalAndValid) {
  EXPECT_EQ(Eval("json.unmarshal", {S("[{\"foo\":[1,2,3]}]")}), A({O({{S("foo"), A({I(1), I(2), I(3)})}})}));
  ExpectTypeError("json.unmarshal", {I(1)}, "operand 1 must be string but got number");
  EXPECT_EQ(Call("json.unmarshal", {S("{")}).status.code(), StatusCode::kEvalBuiltinError);
  EXPECT_EQ(Eval("json.is_valid", {S("{\"json\": \"ok\"}")}), B(true));
  EXPECT_EQ(Eval("json.is_valid", {S("plainstring")}), B(false));
  EXPECT_EQ(Eval("json.is_valid", {I(1)}), B(false));
}

TEST(EncodingTest, Base64) {
  EXPECT_EQ(Eval("base64.encode", {S("hello")}), S("aGVsbG8="));
  EXPECT_EQ(Eval("base64.encode", {S("subjects?_d")}), S("c3ViamVjdHM/X2Q="));
  EXPECT_EQ(Eval("base64.decode", {S("dGhlcmU=")}), S("there"));
  EXPECT_EQ(Eval("base64.decode", {S("c3ViamVjdHM/X2Q=")}), S("subjects?_d"));
  EXPECT_EQ(Eval("base64.is_valid", {S("aGVsbG8=")}), B(true));
  EXPECT_EQ(Eval("base64.is_valid", {S("{'not':'base64'}")}), B(false));
  EXPECT_EQ(Eval("base64.is_valid", {S("aGVsbG8")}), B(false));
  ExpectBuiltinError("base64.decode", {S("a$==")}, "illegal base64 data at input byte 1");
  EXPECT_EQ(Eval("base64url.encode", {S("subjects?_d")}), S("c3ViamVjdHM_X2Q="));
  EXPECT_EQ(Eval("base64url.encode_no_pad", {S("hello")}), S("aGVsbG8"));
  EXPECT_EQ(Eval("base64url.decode", {S("aGVsbG8=")}), S("hello"));
  EXPECT_EQ(Eval("base64url.decode", {S("aGVsbG8")}), S("hello"));
  ExpectBuiltinError("base64url.decode", {S("aGVsb")}, "illegal base64url string: aGVsb");
}

TEST(EncodingTest, Hex) {
  EXPECT_EQ(Eval("hex.encode", {S("lorem ipsum")}), S("6c6f72656d20697073756d"));
  EXPECT_EQ(Eval("hex.decode", {S("6c6f72656d20697073756d")}), S("lorem ipsum"));
  ExpectBuiltinError("hex.decode", {S("fghijkl")}, "encoding/hex: invalid byte: U+0067 'g'");
  ExpectBuiltinError("hex.decode", {S("abc")}, "encoding/hex: odd length hex string");
}

TEST(EncodingTest, UrlQuery) {
  EXPECT_EQ(Eval("urlquery.encode", {S("a=b+1")}), S("a%3Db%2B1"));
  EXPECT_EQ(Eval("urlquery.encode", {S("a b~")}), S("a+b~"));
  EXPECT_EQ(Eval("urlquery.decode", {S("a%3Db+1")}), S("a=b 1"));
  ExpectBuiltinError("urlquery.decode", {S("a%zz")}, "invalid URL escape \"%zz\"");
  EXPECT_EQ(Eval("urlquery.encode_object", {O({})}), S(""));
  EXPECT_EQ(Eval("urlquery.encode_object", {O({{S("a"), S("b")}, {S("c"), S("d")}})}), S("a=b&c=d"));
  EXPECT_EQ(Eval("urlquery.encode_object", {O({{S("a"), Set({S("b+1")})}})}), S("a=b%2B1"));
  EXPECT_EQ(Eval("urlquery.encode_object", {O({{S("a"), A({S("x"), S("y")})}})}), S("a=x&a=y"));
  ExpectTypeError("urlquery.encode_object", {O({{S("a"), I(1)}})},
                  "operand 1 values must be string, array[string], or set[string]");
  EXPECT_EQ(Eval("urlquery.decode_object", {S("a=1&b=2&a=3")}),
            O({{S("a"), A({S("1"), S("3")})}, {S("b"), A({S("2")})}}));
}

TEST(EncodingTest, Yaml) {
  Value doc = A({O({{S("foo"), Set({I(1), I(2), I(3)})}})});
  Value text = Eval("yaml.marshal", {doc});
  EXPECT_EQ(text, S("- foo:\n  - 1\n  - 2\n  - 3\n"));
  EXPECT_EQ(Eval("yaml.unmarshal", {text}), A({O({{S("foo"), A({I(1), I(2), I(3)})}})}));
  EXPECT_EQ(Eval("yaml.marshal", {O({{S("a"), O({{S("b"), S("true")}, {S("c"), S("x: y")}})}, {S("l"), A({})}})}),
            S("a:\n  b: \"true\"\n  c: 'x: y'\nl: []\n"));
  EXPECT_EQ(Eval("yaml.unmarshal", {S("a: yes\nb: ~\nc: 0x10\nd: 1.5\ne: '1'\nf: [1, two]\n")}),
            O({{S("a"), B(true)}, {S("b"), Null()}, {S("c"), I(16)}, {S("d"), D(1.5)}, {S("e"), S("1")},
               {S("f"), A({I(1), S("two")})}}));
  EXPECT_EQ(Eval("yaml.unmarshal", {S("base: &b {x: 1, q: 2}\nd:\n  <<: *b\n  q: 3\n")}),
            O({{S("base"), O({{S("x"), I(1)}, {S("q"), I(2)}})}, {S("d"), O({{S("x"), I(1)}, {S("q"), I(3)}})}}));
  CallResult bad = Call("yaml.unmarshal", {S("[1,2,3")});
  EXPECT_EQ(bad.status.code(), StatusCode::kEvalBuiltinError);
  EXPECT_NE(bad.status.message().find("yaml: line 1: did not find"), std::string_view::npos) << bad.status.ToString();
  EXPECT_EQ(Eval("yaml.is_valid", {S("foo:\n - qux: bar\n - baz: 2")}), B(true));
  EXPECT_EQ(Eval("yaml.is_valid", {S("foo:\n - qux: bar\n - baz: {")}), B(false));
  EXPECT_EQ(Eval("yaml.is_valid", {I(1)}), B(false));
}

TEST(EncodingTest, JsonFilterRemove) {
  Value doc = O({{S("a"), O({{S("b"), O({{S("c"), I(7)}, {S("d"), I(8)}})}})}, {S("e"), I(9)}});
  EXPECT_EQ(Eval("json.filter", {doc, Set({S("a/b/c")})}), O({{S("a"), O({{S("b"), O({{S("c"), I(7)}})}})}}));
  EXPECT_EQ(Eval("json.filter", {doc, A({S("a/b/c"), S("e")})}),
            O({{S("a"), O({{S("b"), O({{S("c"), I(7)}})}})}, {S("e"), I(9)}}));
  EXPECT_EQ(Eval("json.filter", {doc, Set({A({S("a"), S("b"), S("c")}), A({S("e")})})}),
            O({{S("a"), O({{S("b"), O({{S("c"), I(7)}})}})}, {S("e"), I(9)}}));
  EXPECT_EQ(Eval("json.filter", {O({{S("a"), O({{S("b"), I(7)}})}}), Set({S("a"), S("a/b")})}), O({{S("a"), O({{S("b"), I(7)}})}}));
  Value arr = O({{S("a"), A({O({{S("b"), I(7)}, {S("c"), I(8)}}), O({{S("d"), I(9)}})})}});
  EXPECT_EQ(Eval("json.filter", {arr, Set({S("a/0/b"), S("a/1")})}), O({{S("a"), A({O({{S("b"), I(7)}}), O({{S("d"), I(9)}})})}}));
  EXPECT_EQ(Eval("json.remove", {arr, Set({S("a/0/b"), S("a/1")})}), O({{S("a"), A({O({{S("c"), I(8)}})})}}));
  EXPECT_EQ(Eval("json.remove", {doc, Set({S("a/b/c"), S("e")})}), O({{S("a"), O({{S("b"), O({{S("d"), I(8)}})}})}}));
  EXPECT_EQ(Eval("json.remove", {O({{S("a"), O({{S("b"), I(7)}})}, {S("c"), I(1)}}), Set({S("a"), S("a/b")})}), O({{S("c"), I(1)}}));
  ExpectTypeError("json.remove", {S("foo"), Set({S("a")})}, "operand 1 must be object but got string");
  ExpectTypeError("json.remove", {doc, I(22)}, "operand 2 must be one of {set, array} but got number");
  ExpectTypeError("json.remove", {doc, A({S("a"), I(1)})},
                  "operand 2 must be one of {set, array} containing string paths or array of path segments but got number");
}

TEST(EncodingTest, JsonPatch) {
  Value sets = O({{S("foo"), Set({S("a"), S("b"), S("c")})}});
  ExpectUndefined("json.patch", {A({I(1), I(2), I(3)}), A({O({{S("op"), S("add")}, {S("path"), S("1.2")}, {S("value"), S("foo")}})})});
  EXPECT_EQ(Eval("json.patch", {sets, A({O({{S("op"), S("remove")}, {S("path"), S("foo/b")}})})}),
            O({{S("foo"), Set({S("a"), S("c")})}}));
  EXPECT_EQ(Eval("json.patch", {sets, A({O({{S("op"), S("add")}, {S("path"), S("foo/d")}, {S("value"), S("d")}})})}),
            O({{S("foo"), Set({S("a"), S("b"), S("c"), S("d")})}}));
  ExpectUndefined("json.patch", {sets, A({O({{S("op"), S("add")}, {S("path"), S("foo/d")}, {S("value"), S("e")}})})});
  EXPECT_EQ(Eval("json.patch", {O({{S("foo"), Set({S("a"), S("b")})}, {S("bar"), Set({S("c"), S("d")})}}),
                                A({O({{S("op"), S("move")}, {S("from"), S("foo/a")}, {S("path"), S("bar/a")}})})}),
            O({{S("foo"), Set({S("b")})}, {S("bar"), Set({S("a"), S("c"), S("d")})}}));
  EXPECT_EQ(Eval("json.patch", {Set({A({I(1)})}), A({O({{S("op"), S("add")}, {S("path"), A({A({I(1)}), I(1)})}, {S("value"), I(2)}})})}),
            Set({A({I(1), I(2)})}));
  Value doc = O({{S("a"), A({I(1), I(2)})}});
  EXPECT_EQ(Eval("json.patch", {doc, A({O({{S("op"), S("add")}, {S("path"), S("/a/-")}, {S("value"), I(3)}}),
                                        O({{S("op"), S("replace")}, {S("path"), S("/a/0")}, {S("value"), I(0)}}),
                                        O({{S("op"), S("copy")}, {S("from"), S("/a")}, {S("path"), S("/b")}}),
                                        O({{S("op"), S("test")}, {S("path"), S("/b/2")}, {S("value"), I(3)}})})}),
            O({{S("a"), A({I(0), I(2), I(3)})}, {S("b"), A({I(0), I(2), I(3)})}}));
  ExpectUndefined("json.patch", {doc, A({O({{S("op"), S("test")}, {S("path"), S("/a/0")}, {S("value"), I(9)}})})});
  ExpectTypeError("json.patch", {doc, O({})}, "operand 2 must be array but got object");
}

TEST(EncodingTest, JsonSchema) {
  EXPECT_EQ(Eval("json.verify_schema", {S("{\"type\": \"boolean\"}")}), A({B(true), Null()}));
  EXPECT_EQ(Eval("json.verify_schema", {O({{S("type"), S("unknown_type")}})}),
            A({B(false), S("jsonschema: has a primitive type that is NOT VALID -- given: /unknown_type/ Expected valid "
                           "values are:[array boolean integer number null object string]")}));
  Value schema = O({{S("type"), S("object")},
                    {S("properties"), O({{S("name"), O({{S("type"), S("string")}, {S("minLength"), I(2)}})},
                                         {S("n"), O({{S("maximum"), I(5)}})}})},
                    {S("required"), A({S("name")})},
                    {S("additionalProperties"), B(false)}});
  EXPECT_EQ(Eval("json.match_schema", {O({{S("name"), S("ab")}, {S("n"), I(5)}}), schema}), A({B(true), A({})}));
  Value bad = Eval("json.match_schema", {O({{S("n"), I(6)}, {S("x"), B(true)}}), schema});
  auto err = [](const char* type, const char* field, const char* desc) {
    return O({{S("error"), S(std::string(field) + ": " + desc)}, {S("type"), S(type)}, {S("field"), S(field)}, {S("desc"), S(desc)}});
  };
  EXPECT_EQ(bad, A({B(false), A({err("required", "(root)", "name is required"),
                                 err("number_lte", "n", "Must be less than or equal to 5"),
                                 err("additional_property_not_allowed", "(root)", "Additional property x is not allowed")})}));
  Value typed = Eval("json.match_schema", {S("\"x\""), O({{S("type"), A({S("integer"), S("null")})}})});
  EXPECT_EQ(typed, A({B(false), A({err("invalid_type", "(root)", "Invalid type. Expected: [integer,null], given: string")})}));
  EXPECT_EQ(Call("json.match_schema", {I(1), schema}).status.code(), StatusCode::kEvalBuiltinError);
}

}  // namespace
}  // namespace fedra::builtins::testing
