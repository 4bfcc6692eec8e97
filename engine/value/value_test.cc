#include "fedra/value.h"

#include <gtest/gtest.h>

#include <thread>
#include <unordered_set>

#include "fedra/status.h"
#include "value/bigint.h"
#include "value/json.h"
#include "value/number.h"

namespace fedra {
namespace {

// Value::String("literal") is ambiguous (string_view vs string&&).
Value S(std::string_view s) { return Value::String(s); }
Value I(int64_t i) { return Value::Int(i); }
Value J(std::string_view json) {
  Value v;
  Status st = ParseJson(json, &v);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return v;
}

TEST(ValueTest, KindOrder) {
  std::vector<Value> ordered = {
      Value::Null(), Value::Bool(false), Value::Bool(true), I(-5), Value::Double(0.5),
      I(1), S(""), S("a"), Value::EmptyArray(),
      Value::Array({I(1)}), Value::EmptyObject(), Value::EmptySet(),
  };
  for (size_t i = 0; i < ordered.size(); ++i) {
    for (size_t j = 0; j < ordered.size(); ++j) {
      int c = Compare(ordered[i], ordered[j]);
      EXPECT_EQ(c < 0, i < j) << i << " vs " << j;
      EXPECT_EQ(c == 0, i == j) << i << " vs " << j;
    }
  }
  EXPECT_LT(Value::Undefined(), Value::Null());
}

TEST(ValueTest, KindNames) {
  EXPECT_EQ(KindName(Kind::kUndefined), "undefined");
  EXPECT_EQ(KindName(Kind::kNull), "null");
  EXPECT_EQ(KindName(Kind::kBool), "boolean");
  EXPECT_EQ(KindName(Kind::kNumber), "number");
  EXPECT_EQ(KindName(Kind::kString), "string");
  EXPECT_EQ(KindName(Kind::kArray), "array");
  EXPECT_EQ(KindName(Kind::kObject), "object");
  EXPECT_EQ(KindName(Kind::kSet), "set");
}

TEST(ValueTest, IntEqualsIntegralDouble) {
  EXPECT_EQ(I(1), Value::Double(1.0));
  EXPECT_EQ(Value::Double(1.0).num_rep(), Value::NumRep::kInt);
  EXPECT_EQ(Value::Double(-0.0).num_rep(), Value::NumRep::kInt);
  EXPECT_EQ(I(1).Hash(), Value::Double(1.0).Hash());
  EXPECT_NE(I(1), Value::Double(1.5));
  EXPECT_EQ(Value::Double(9223372036854775808.0).num_rep(), Value::NumRep::kDouble);
  EXPECT_EQ(Value::Double(-9223372036854775808.0).num_rep(), Value::NumRep::kInt);
  EXPECT_TRUE(Value::Double(1e30).is_integral());
  EXPECT_FALSE(Value::Double(0.5).is_integral());
  int64_t out = 0;
  EXPECT_TRUE(Value::Double(7.0).AsInt64(&out));
  EXPECT_EQ(out, 7);
  EXPECT_FALSE(Value::Double(7.5).AsInt64(&out));
  EXPECT_FALSE(S("7").AsInt64(&out));
}

TEST(ValueTest, BigNormalisesToInt) {
  BigInt b;
  ASSERT_TRUE(BigInt::Parse("-9223372036854775808", &b));
  EXPECT_EQ(Value::Big(b).num_rep(), Value::NumRep::kInt);
  ASSERT_TRUE(BigInt::Parse("12345678901234567890123", &b));
  Value v = Value::Big(b);
  EXPECT_EQ(v.num_rep(), Value::NumRep::kBig);
  EXPECT_EQ(v.big_value().ToString(), "12345678901234567890123");
  EXPECT_TRUE(v.is_integral());
  EXPECT_NE(v.identity(), nullptr);
  Value copy = v;
  EXPECT_EQ(copy.identity(), v.identity());
  EXPECT_EQ(num::Mul(v, I(2)), J("24691357802469135780246"));
  EXPECT_EQ(J("24691357802469135780246").Hash(), num::Mul(v, I(2)).Hash());
}

TEST(ValueTest, Strings) {
  Value s = S("hello");
  EXPECT_EQ(s.str(), "hello");
  EXPECT_EQ(s.size(), 5u);
  std::string owned = "moved";
  EXPECT_EQ(Value::String(std::move(owned)).str(), "moved");
  EXPECT_EQ(S(std::string_view("a\0b", 3)).size(), 3u);
  EXPECT_LT(S("a"), S("b"));
  EXPECT_LT(S("a"), S("aa"));
  EXPECT_LT(S("Z"), S("a"));
  EXPECT_LT(S("z"), S("\xc3\xa9"));  // bytewise, unsigned
  EXPECT_EQ(S("x").Hash(), S("x").Hash());
}

TEST(ValueTest, ArraysCompareElementwiseThenLength) {
  Value a12 = Value::Array({I(1), I(2)});
  Value a13 = Value::Array({I(1), I(3)});
  Value a123 = Value::Array({I(1), I(2), I(3)});
  Value a2 = Value::Array({I(2)});
  EXPECT_LT(a12, a13);
  EXPECT_LT(a12, a123);
  EXPECT_LT(a123, a2);
  EXPECT_EQ(a12, Value::Array({Value::Double(1.0), I(2)}));
  EXPECT_LT(Value::EmptyArray(), a12);
}

TEST(ValueTest, ObjectSortsAndLastDuplicateWins) {
  Value o = Value::Object({{S("b"), I(1)}, {S("a"), I(2)}, {S("b"), I(3)}, {I(5), I(4)}, {S("a"), I(6)}});
  ASSERT_EQ(o.size(), 3u);
  EXPECT_EQ(o.object()[0].first, I(5));  // numbers sort before strings
  EXPECT_EQ(o.object()[1].first, S("a"));
  EXPECT_EQ(o.object()[1].second, I(6));
  EXPECT_EQ(o.object()[2].second, I(3));
  EXPECT_EQ(*o.Find("b"), I(3));
  EXPECT_EQ(*o.Find(S("a")), I(6));
  EXPECT_EQ(*o.Find(Value::Double(5.0)), I(4));
  EXPECT_EQ(o.Find("c"), nullptr);
  EXPECT_EQ(o.Find(""), nullptr);
  EXPECT_EQ(o.Find(I(6)), nullptr);
  EXPECT_EQ(Value::Object({}).identity(), Value::EmptyObject().identity());
}

TEST(ValueTest, FindAcrossKeyKinds) {
  std::vector<ObjectEntry> entries;
  entries.push_back({Value::Null(), I(0)});
  entries.push_back({Value::Bool(true), I(1)});
  entries.push_back({Value::Array({I(1)}), I(2)});
  entries.push_back({Value::Set({I(1)}), I(3)});
  for (int i = 0; i < 50; ++i) entries.push_back({S("k" + std::to_string(i)), I(100 + i)});
  Value o = Value::Object(std::move(entries));
  for (int i = 0; i < 50; ++i) {
    const Value* v = o.Find("k" + std::to_string(i));
    ASSERT_NE(v, nullptr) << i;
    EXPECT_EQ(*v, I(100 + i));
  }
  EXPECT_EQ(o.Find("k50"), nullptr);
  EXPECT_EQ(*o.Find(Value::Null()), I(0));
  EXPECT_EQ(*o.Find(Value::Array({I(1)})), I(2));
  EXPECT_EQ(*o.Find(Value::Set({I(1)})), I(3));
}

// OPA compares objects key i, then value i, pairwise over sorted keys, then
// by size.
TEST(ValueTest, ObjectOrder) {
  EXPECT_LT(J(R"({"a": 1})"), J(R"({"b": 0})"));
  EXPECT_LT(J(R"({"a": 1})"), J(R"({"a": 2})"));
  EXPECT_LT(J(R"({"a": 1, "c": 0})"), J(R"({"a": 2})"));
  EXPECT_LT(J(R"({"a": 1})"), J(R"({"a": 1, "b": 0})"));
  EXPECT_LT(J(R"({"a": 9, "b": 0})"), J(R"({"b": 0})"));
  EXPECT_EQ(J(R"({"a": 1.0, "b": [2]})"), J(R"({"b": [2.0], "a": 1})"));
}

TEST(ValueTest, SetSortsAndDedups) {
  Value s = Value::Set({I(3), S("x"), I(1), Value::Double(3.0), Value::Double(1.5), S("x")});
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s.set()[0], I(1));
  EXPECT_EQ(s.set()[1], Value::Double(1.5));
  EXPECT_EQ(s.set()[2], I(3));
  EXPECT_EQ(s.set()[3], S("x"));
  EXPECT_TRUE(s.Contains(Value::Double(1.0)));
  EXPECT_FALSE(s.Contains(I(2)));
  EXPECT_LT(Value::Set({I(1), I(2)}), Value::Set({I(1), I(3)}));
  EXPECT_LT(Value::Set({I(1)}), Value::Set({I(1), I(2)}));
  EXPECT_EQ(Value::Set({I(2), I(1)}), Value::Set({I(1), I(2), I(1)}));
  EXPECT_EQ(Value::Set({}).identity(), Value::EmptySet().identity());
  EXPECT_NE(Value::EmptySet(), Value::EmptyArray());
}

TEST(ValueTest, Get) {
  Value arr = J(R"(["a", "b", "c"])");
  EXPECT_EQ(arr.Get(I(1)), S("b"));
  EXPECT_EQ(arr.Get(Value::Double(1.0)), S("b"));
  EXPECT_TRUE(arr.Get(Value::Double(1.5)).is_undefined());
  EXPECT_TRUE(arr.Get(I(3)).is_undefined());
  EXPECT_TRUE(arr.Get(I(-1)).is_undefined());
  EXPECT_TRUE(arr.Get(S("1")).is_undefined());
  EXPECT_TRUE(arr.Get(J("100000000000000000000")).is_undefined());

  Value obj = J(R"({"a": {"b": 1}})");
  EXPECT_EQ(obj.Get(S("a")).Get(S("b")), I(1));
  EXPECT_TRUE(obj.Get(S("z")).is_undefined());
  EXPECT_TRUE(obj.Get(I(0)).is_undefined());

  Value set = Value::Set({I(1), S("x")});
  EXPECT_EQ(set.Get(S("x")), S("x"));
  EXPECT_EQ(set.Get(Value::Double(1.0)), I(1));
  EXPECT_TRUE(set.Get(I(2)).is_undefined());

  EXPECT_TRUE(S("abc").Get(I(0)).is_undefined());
  EXPECT_TRUE(I(5).Get(I(0)).is_undefined());
  EXPECT_TRUE(Value::Null().Get(S("a")).is_undefined());
}

TEST(ValueTest, HashConsistentWithEquality) {
  std::vector<std::pair<Value, Value>> equal = {
      {I(3), Value::Double(3.0)},
      {J(R"({"a": [1, 2.0]})"), J(R"({"a": [1.0, 2]})")},
      {Value::Set({I(1), I(2)}), Value::Set({I(2), I(1), I(1)})},
      {S("k"), S("k")},
      {J("1e30"), J("1000000000000000000000000000000")},
  };
  for (auto& [a, b] : equal) {
    EXPECT_EQ(a, b);
    EXPECT_EQ(a.Hash(), b.Hash()) << ToJson(a);
  }
  std::unordered_set<Value, ValueHash> set;
  for (int i = 0; i < 1000; ++i) set.insert(I(i));
  for (int i = 0; i < 1000; ++i) set.insert(Value::Double(i));
  EXPECT_EQ(set.size(), 1000u);
  EXPECT_NE(Value::EmptyArray().Hash(), Value::EmptySet().Hash());
}

TEST(ValueTest, CopiesShareNodesAcrossThreads) {
  Value v = J(R"({"a": [1, 2, 3], "b": "text"})");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([v] {
      for (int i = 0; i < 10000; ++i) {
        Value copy = v;
        Value inner = copy.Get(S("a"));
        ASSERT_EQ(inner.size(), 3u);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ToJson(v), R"({"a":[1,2,3],"b":"text"})");
}

TEST(ValueTest, MoveLeavesUndefined) {
  Value a = S("x");
  Value b = std::move(a);
  EXPECT_TRUE(a.is_undefined());  // NOLINT(bugprone-use-after-move): documented
  EXPECT_EQ(b.str(), "x");
  b = b;  // self-assignment keeps the value
  EXPECT_EQ(b.str(), "x");
}

TEST(ValueTest, ToJsonCanonical) {
  EXPECT_EQ(ToJson(Value()), "");
  EXPECT_EQ(ToJson(Value::Null()), "null");
  EXPECT_EQ(ToJson(Value::Set({S("b"), S("a")})), R"(["a","b"])");
  EXPECT_EQ(ToJson(Value::EmptySet()), "[]");
  EXPECT_EQ(ToJson(Value::Object({{I(1), S("x")}, {S("a"), Value::Bool(false)}})), R"({"1":"x","a":false})");
  EXPECT_EQ(ToJson(Value::Object({{Value::Array({I(1), S("q")}), I(1)}})), R"({"[1,\"q\"]":1})");
  EXPECT_EQ(ToJson(S("\x01\xff<>&")), R"("\u0001\ufffd\u003c\u003e\u0026")");
  std::string out = "x=";
  AppendJson(J("[1]"), &out);
  EXPECT_EQ(out, "x=[1]");
}

TEST(ValueTest, ToJsonPretty) {
  Value v = J(R"({"b": [1, {"c": []}], "a": {}})");
  EXPECT_EQ(ToJson(v, true),
            "{\n"
            "  \"a\": {},\n"
            "  \"b\": [\n"
            "    1,\n"
            "    {\n"
            "      \"c\": []\n"
            "    }\n"
            "  ]\n"
            "}");
  EXPECT_EQ(ToJson(I(3), true), "3");
}

TEST(ValueTest, ToRegoString) {
  EXPECT_EQ(ToRegoString(Value::Set({I(2), I(1)})), "{1, 2}");
  EXPECT_EQ(ToRegoString(Value::EmptySet()), "set()");
  EXPECT_EQ(ToRegoString(J(R"({"a": 1, "b": [true, null]})")), R"({"a": 1, "b": [true, null]})");
  EXPECT_EQ(ToRegoString(Value::Object({{I(1), Value::Set({S("x")})}})), R"({1: {"x"}})");
  EXPECT_EQ(ToRegoString(S("a\"b\n<")), R"("a\"b\n<")");
  EXPECT_EQ(ToRegoString(Value::EmptyObject()), "{}");
  EXPECT_EQ(ToRegoString(Value::EmptyArray()), "[]");
  EXPECT_EQ(ToRegoString(Value::Double(2.5)), "2.5");
}

TEST(StatusTest, CodesAndText) {
  EXPECT_TRUE(Status().ok());
  EXPECT_EQ(Status().ToString(), "OK");
  EXPECT_EQ(StatusCodeName(StatusCode::kParseError), "rego_parse_error");
  EXPECT_EQ(StatusCodeName(StatusCode::kEvalConflictError), "eval_conflict_error");
  EXPECT_EQ(StatusCodeName(StatusCode::kEvalLimitError), "fedra_limit_error");
  EXPECT_EQ(StatusCodeName(StatusCode::kUnsafeVarError), "rego_unsafe_var_error");
  EXPECT_EQ(StatusCodeName(StatusCode::kInternal), "internal_error");
  Status st = Status::TypeError("operand 1 must be number");
  EXPECT_EQ(st.code(), StatusCode::kEvalTypeError);
  EXPECT_EQ(st.ToString(), "eval_type_error: operand 1 must be number");
  EXPECT_EQ((Location{"", 3, 4}.ToString()), "3:4");
}

TEST(StatusTest, LocationFileIsOwned) {
  std::string file = "policy.rego";
  Status st = Status::ParseError("unexpected token", Location{file, 3, 7});
  file = "overwritten!";
  EXPECT_EQ(st.ToString(), "policy.rego:3:7: rego_parse_error: unexpected token");
  Status copy = st;
  st = Status::NotFound("x");  // the copy must not point into st's old Rep
  EXPECT_EQ(copy.location().file, "policy.rego");
  EXPECT_EQ(copy.location().line, 3u);
  Status assigned;
  assigned = copy;
  copy = Status();
  EXPECT_EQ(assigned.ToString(), "policy.rego:3:7: rego_parse_error: unexpected token");
  Status moved = std::move(assigned);
  EXPECT_EQ(moved.location().file, "policy.rego");
}

TEST(StatusTest, ContextAndLocation) {
  Status st = Status::BuiltinError("divide by zero");
  Status ctx = st.WithContext("div");
  EXPECT_EQ(ctx.message(), "div: divide by zero");
  EXPECT_EQ(ctx.code(), StatusCode::kEvalBuiltinError);
  std::string file = "a.rego";
  Status located = ctx.WithLocation(Location{file, 2, 5});
  file.clear();
  EXPECT_EQ(located.ToString(), "a.rego:2:5: eval_builtin_error: div: divide by zero");
  EXPECT_EQ(located.WithLocation(Location{"b.rego", 9, 9}).location().line, 2u);
  EXPECT_TRUE(Status().WithContext("x").ok());
  EXPECT_EQ(located.WithContext("outer").location().file, "a.rego");
}

}  // namespace
}  // namespace fedra
