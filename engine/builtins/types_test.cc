#include "builtins/builtin_test_util.h"

namespace fedra::builtins::testing {
namespace {

TEST(TypesTest, IsPredicatesReturnFalseNotUndefined) {
  EXPECT_EQ(Eval("is_number", {I(1)}), B(true));
  EXPECT_EQ(Eval("is_number", {Null()}), B(false));
  EXPECT_EQ(Eval("is_string", {S("")}), B(true));
  EXPECT_EQ(Eval("is_boolean", {B(false)}), B(true));
  EXPECT_EQ(Eval("is_array", {A({})}), B(true));
  EXPECT_EQ(Eval("is_array", {Set({})}), B(false));
  EXPECT_EQ(Eval("is_set", {Set({})}), B(true));
  EXPECT_EQ(Eval("is_object", {O({})}), B(true));
  EXPECT_EQ(Eval("is_null", {Null()}), B(true));
  EXPECT_EQ(Eval("is_null", {I(0)}), B(false));
}

TEST(TypesTest, TypeName) {
  EXPECT_EQ(Eval("type_name", {Null()}), S("null"));
  EXPECT_EQ(Eval("type_name", {B(true)}), S("boolean"));
  EXPECT_EQ(Eval("type_name", {D(1.5)}), S("number"));
  EXPECT_EQ(Eval("type_name", {S("x")}), S("string"));
  EXPECT_EQ(Eval("type_name", {A({})}), S("array"));
  EXPECT_EQ(Eval("type_name", {O({})}), S("object"));
  EXPECT_EQ(Eval("type_name", {Set({})}), S("set"));
}

TEST(TypesTest, ToNumber) {
  EXPECT_EQ(Eval("to_number", {S("-42.0")}), I(-42));
  EXPECT_EQ(Eval("to_number", {S("3")}), I(3));
  EXPECT_EQ(Eval("to_number", {S("100.1")}), D(100.1));
  EXPECT_EQ(Eval("to_number", {S("+5")}), I(5));
  EXPECT_EQ(Eval("to_number", {S(".5")}), D(0.5));
  EXPECT_EQ(Eval("to_number", {S("5.")}), I(5));
  EXPECT_EQ(Eval("to_number", {S("1e3")}), I(1000));
  EXPECT_EQ(Eval("to_number", {S("007")}), I(7));
  EXPECT_EQ(Eval("to_number", {S("0x1p-2")}), D(0.25));
  EXPECT_EQ(Eval("to_number", {S("1_000")}), I(1000));
  EXPECT_EQ(Eval("to_number", {S("123456789012345678901234567890")}),
            N("123456789012345678901234567890"));
  EXPECT_EQ(Eval("to_number", {B(false)}), I(0));
  EXPECT_EQ(Eval("to_number", {B(true)}), I(1));
  EXPECT_EQ(Eval("to_number", {Null()}), I(0));
  EXPECT_EQ(Eval("to_number", {D(100.1)}), D(100.1));
}

TEST(TypesTest, ToNumberErrors) {
  ExpectBuiltinError("to_number", {S("broken")}, "strconv.ParseFloat: parsing \"broken\": invalid syntax");
  ExpectBuiltinError("to_number", {S("")}, "strconv.ParseFloat: parsing \"\": invalid syntax");
  ExpectBuiltinError("to_number", {S(" 1")}, "strconv.ParseFloat: parsing \" 1\": invalid syntax");
  ExpectBuiltinError("to_number", {S("0x10")}, "strconv.ParseFloat: parsing \"0x10\": invalid syntax");
  ExpectBuiltinError("to_number", {S("1__0")}, "strconv.ParseFloat: parsing \"1__0\": invalid syntax");
  ExpectBuiltinError("to_number", {S("1e")}, "strconv.ParseFloat: parsing \"1e\": invalid syntax");
  ExpectBuiltinError("to_number", {S("1e400")}, "strconv.ParseFloat: parsing \"1e400\": value out of range");
  for (const char* s : {"nan", "inf", "-inf", "Infinity", "-Infinity", "-nan", "-NaN", "iNf", "+-inf"}) {
    ExpectTypeError("to_number", {S(s)}, "operand 1 must be valid number string but got string");
  }
  ExpectTypeError("to_number", {A({})}, "operand 1 must be one of {null, boolean, number, string} but got array");
}

TEST(TypesTest, Casts) {
  EXPECT_EQ(Eval("cast_array", {Set({I(2), I(1)})}), A({I(1), I(2)}));
  EXPECT_EQ(Eval("cast_array", {A({I(2), I(1)})}), A({I(2), I(1)}));
  EXPECT_EQ(Eval("cast_set", {A({I(2), I(1), I(2)})}), Set({I(1), I(2)}));
  EXPECT_EQ(Eval("cast_string", {S("x")}), S("x"));
  EXPECT_EQ(Eval("cast_boolean", {B(true)}), B(true));
  EXPECT_EQ(Eval("cast_null", {Null()}), Null());
  EXPECT_EQ(Eval("cast_object", {O({})}), O({}));
  ExpectTypeError("cast_array", {S("x")}, "operand 1 must be one of {array, set} but got string");
  ExpectTypeError("cast_string", {I(1)}, "operand 1 must be string but got number");
  ExpectTypeError("cast_boolean", {S("true")}, "operand 1 must be boolean but got string");
  ExpectTypeError("cast_null", {B(false)}, "operand 1 must be null but got boolean");
  ExpectTypeError("cast_object", {A({})}, "operand 1 must be object but got array");
}

}  // namespace
}  // namespace fedra::builtins::testing
