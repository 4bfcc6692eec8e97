#include <string>
#include <unordered_map>
#include <vector>

#include <gtest/gtest.h>

#include "builtins/registry.h"
#include "value/json.h"

namespace fedra::builtins {
namespace {

Value Str(std::string_view s) { return Value::String(s); }

Value Json(std::string_view text) {
  Value v;
  Status st = ParseJson(text, &v);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return v;
}

std::string Eval(std::string_view name, std::vector<Value> args, Context* ctx = nullptr) {
  const Builtin* b = DefaultRegistry().Find(name);
  EXPECT_NE(b, nullptr) << name;
  if (b == nullptr) return "missing";
  Context local;
  Value out;
  Status st = b->fn(ctx ? *ctx : local, args, &out);
  if (!st.ok()) {
    return "error: " + std::string(StatusCodeName(st.code())) + ": " + std::string(st.message());
  }
  return out.defined() ? ToJson(out) : "undefined";
}

TEST(WalkTest, IsARelation) {
  const Builtin* b = DefaultRegistry().Find("walk");
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(b->relation);
  EXPECT_EQ(b->arity, 1);
}

TEST(WalkTest, ScalarYieldsItselfWithEmptyPath) {
  EXPECT_EQ(Eval("walk", {Value::Int(1)}), "[[[],1]]");
}

TEST(WalkTest, PreOrderOverObjectsArraysAndSets) {
  EXPECT_EQ(Eval("walk", {Json(R"({"v1": "hello", "v2": "goodbye"})")}),
            R"([[[],{"v1":"hello","v2":"goodbye"}],[["v1"],"hello"],[["v2"],"goodbye"]])");
  EXPECT_EQ(Eval("walk", {Json(R"({"a": [{"b": 1}], "c": []})")}),
            R"([[[],{"a":[{"b":1}],"c":[]}],[["a"],[{"b":1}]],[["a",0],{"b":1}],)"
            R"([["a",0,"b"],1],[["c"],[]]])");
  // A set member is its own path key.
  Value inner = Value::Set({Value::Int(1), Value::Int(2)});
  EXPECT_EQ(Eval("walk", {Value::Set({inner})}),
            "[[[],[[1,2]]],[[[1,2]],[1,2]],[[[1,2],1],1],[[[1,2],2],2]]");
}

TEST(WalkTest, DeepValuesDoNotOverflowTheStack) {
  Value v = Value::Int(0);
  for (int i = 0; i < 2000; ++i) v = Value::Array({v});
  const Builtin* b = DefaultRegistry().Find("walk");
  Context ctx;
  Value out;
  std::vector<Value> args{v};
  ASSERT_TRUE(b->fn(ctx, args, &out).ok());
  EXPECT_EQ(out.size(), 2001u);
  // The innermost pair has a path of 2000 zeros.
  EXPECT_EQ(out.array()[2000].array()[0].size(), 2000u);

  for (int i = 0; i < 9000; ++i) v = Value::Array({v});
  std::vector<Value> deeper{v};
  EXPECT_EQ(b->fn(ctx, deeper, &out).code(), StatusCode::kEvalLimitError);
}

TEST(WalkTest, HugeOutputIsRefused) {
  // 6000 levels of nesting: 18M path elements in all.
  Value v = Value::Int(0);
  for (int i = 0; i < 6000; ++i) v = Value::Array({v});
  const Builtin* b = DefaultRegistry().Find("walk");
  Context ctx;
  Value out;
  std::vector<Value> args{v};
  EXPECT_EQ(b->fn(ctx, args, &out).code(), StatusCode::kEvalLimitError);
}

TEST(WalkTest, PollsCancellation) {
  std::vector<Value> items;
  for (int i = 0; i < 10000; ++i) items.push_back(Value::Int(i));
  Context ctx;
  ctx.check_cancel = [] { return Status::Cancelled("cancelled"); };
  EXPECT_EQ(Eval("walk", {Value::Array(std::move(items))}, &ctx),
            "error: eval_cancel_error: cancelled");
}

TEST(GraphTest, Reachable) {
  auto reach = [](std::string_view graph, Value initial) {
    return Eval("graph.reachable", {Json(graph), std::move(initial)});
  };
  EXPECT_EQ(reach("{}", Value::Set({Str("a")})), "[]");
  EXPECT_EQ(reach(R"({"a": ["b"], "b": ["c"], "c": ["a"]})", Json(R"(["a"])")),
            R"(["a","b","c"])");
  Value g = Value::Object({
      {Str("a"), Value::Set({Str("b"), Str("c")})},
      {Str("b"), Value::Set({Str("d")})},
      {Str("c"), Value::Set({Str("d")})},
      {Str("d"), Value::EmptySet()},
      {Str("e"), Value::Set({Str("f")})},
      {Str("f"), Value::Set({Str("e")})},
      {Str("x"), Value::Set({Str("x")})},
  });
  EXPECT_EQ(Eval("graph.reachable", {g, Value::Set({Str("b"), Str("e")})}),
            R"(["b","d","e","f"])");
  // A node whose edges are not a collection is reached but leads nowhere.
  EXPECT_EQ(reach(R"({"a": null})", Json(R"(["a"])")), R"(["a"])");
  // Initial nodes outside the graph are not reached.
  EXPECT_EQ(reach(R"({"a": ["b"]})", Json(R"(["z", "a"])")), R"(["a"])");
}

TEST(GraphTest, ReachableOperandErrors) {
  EXPECT_EQ(Eval("graph.reachable", {Value::Int(1), Json("[1]")}),
            "error: eval_type_error: operand 1 must be object but got number");
  EXPECT_EQ(Eval("graph.reachable_paths", {Json(R"({"a": []})"), Str("a")}),
            "error: eval_type_error: operand 2 must be {array, set} but got string");
}

std::string Paths(std::string_view graph, std::string_view initial) {
  return Eval("graph.reachable_paths", {Json(graph), Json(initial)});
}

TEST(GraphTest, ReachablePaths) {
  EXPECT_EQ(Paths("{}", R"(["a"])"), "[]");
  EXPECT_EQ(Paths(R"({"a": ["b"], "b": ["c"], "c": ["a"]})", R"(["a"])"), R"([["a","b","c"]])");
  EXPECT_EQ(Paths(R"({"a": null})", R"(["a"])"), R"([["a"]])");
  EXPECT_EQ(Paths(R"({"a": ["b", "c"], "b": ["c"], "c": []})", R"(["a"])"),
            R"([["a","b","c"],["a","c"]])");
  EXPECT_EQ(Paths(R"({"a": ["b"], "b": ["nonexistent"]})", R"(["a", "b"])"),
            R"([["a","b"],["b"]])");
}

TEST(GraphTest, ReachablePathsShareVisitedNodesWithinOneWalk) {
  // OPA's issue 1022 cases: "six" meets "seven", already visited through
  // "five", and stops there.
  EXPECT_EQ(Paths(R"({"one": ["two", "five"], "two": ["four"], "three": [""], "four": ["three"],
                      "five": ["seven", "six"], "six": ["nine", "seven"], "seven": ["eight"],
                      "eight": ["three"], "nine": [""]})",
                  R"(["one"])"),
            R"([["one","five","seven","eight","three"],["one","five","six"],)"
            R"(["one","five","six","nine"],["one","two","four","three"]])");
  EXPECT_EQ(Paths(R"({"one": ["two", "five"], "two": ["four"], "three": [""], "four": ["three"],
                      "five": ["seven", "six"], "six": ["nine"], "seven": ["eight"],
                      "eight": [""], "nine": [""]})",
                  R"(["one"])"),
            R"([["one","five","seven","eight"],["one","five","six","nine"],)"
            R"(["one","two","four","three"]])");
  // A node joins the visited set only when the walk moves on from it, so a
  // self-loop shows the node twice.
  EXPECT_EQ(Paths(R"({"a": ["b"], "b": ["b"]})", R"(["a"])"), R"([["a","b","b"]])");
}

TEST(GraphTest, LongChainsUseNoRecursion) {
  std::vector<ObjectEntry> edges;
  const int n = 3000;
  for (int i = 0; i < n; ++i) {
    edges.emplace_back(Value::Int(i), Value::Array({Value::Int(i + 1)}));
  }
  Value g = Value::Object(std::move(edges));
  const Builtin* b = DefaultRegistry().Find("graph.reachable_paths");
  Context ctx;
  Value out;
  std::vector<Value> args{g, Value::Array({Value::Int(0)})};
  ASSERT_TRUE(b->fn(ctx, args, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out.set()[0].size(), static_cast<size_t>(n));
}

TEST(UuidTest, ParseVersions) {
  auto parse = [](std::string_view s) { return Eval("uuid.parse", {Str(s)}); };
  EXPECT_EQ(parse("00000000-0000-4000-8000-000000000000"), R"({"variant":"RFC4122","version":4})");
  EXPECT_EQ(parse("{00000000-0000-4000-8000-000000000000}"),
            R"({"variant":"RFC4122","version":4})");
  EXPECT_EQ(parse("6bea8ef2d3d33cd184e09bab06a52ece"), R"({"variant":"RFC4122","version":3})");
  EXPECT_EQ(parse("38074da4-0b00-388d-9c3c-362de965547a"), R"({"variant":"RFC4122","version":3})");
  const char* v2 =
      R"({"clocksequence":12800,"domain":"Person","id":1000,"macvariables":"local:unicast",)"
      R"("nodeid":"32-50-96-b3-9f-47","time":1693566990121469600,"variant":"RFC4122","version":2})";
  EXPECT_EQ(parse("000003e8-48b9-21ee-b200-325096b39f47"), v2);
  EXPECT_EQ(parse("urn:uuid:000003e8-48b9-21ee-b200-325096b39f47"), v2);
  EXPECT_EQ(parse("URN:UUID:000003E8-48B9-21EE-B200-325096B39F47"), v2);
  EXPECT_EQ(parse("c232ab00-9414-11ec-b3c8-9f6bdeced846"),
            R"({"clocksequence":13256,"macvariables":"local:multicast","nodeid":"9f-6b-de-ce-d8-46",)"
            R"("time":1645557742000000000,"variant":"RFC4122","version":1})");
  EXPECT_EQ(parse("00000000-0000-4000-c000-000000000000"),
            R"({"variant":"Microsoft","version":4})");
}

TEST(UuidTest, ParseInvalidIsUndefined) {
  for (const char* s : {"", "not-a-uuid", "00000000-0000-4000-8000-00000000000",
                        "00000000+0000-4000-8000-000000000000", "g0000000-0000-4000-8000-000000000000",
                        "urx:uuid:000003e8-48b9-21ee-b200-325096b39f47"}) {
    EXPECT_EQ(Eval("uuid.parse", {Str(s)}), "undefined") << s;
  }
  EXPECT_EQ(Eval("uuid.parse", {Value::Int(123)}),
            "error: eval_type_error: operand 1 must be string but got number");
}

TEST(UuidTest, Rfc4122IsRandomV4AndCachedPerQuery) {
  std::unordered_map<std::string, Value> cache;
  Context ctx;
  ctx.query_cache = &cache;
  std::string a = Eval("uuid.rfc4122", {Str("k")}, &ctx);
  std::string b = Eval("uuid.rfc4122", {Str("k")}, &ctx);
  std::string c = Eval("uuid.rfc4122", {Str("other")}, &ctx);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  ASSERT_EQ(a.size(), 38u);  // quoted
  EXPECT_EQ(a[15], '4');     // version
  EXPECT_TRUE(a[20] == '8' || a[20] == '9' || a[20] == 'a' || a[20] == 'b') << a;
  std::string parsed = Eval("uuid.parse", {Str(a.substr(1, 36))});
  EXPECT_EQ(parsed, R"({"variant":"RFC4122","version":4})");
  // Without a query cache every call is fresh.
  EXPECT_NE(Eval("uuid.rfc4122", {Str("k")}), Eval("uuid.rfc4122", {Str("k")}));
}

TEST(RandTest, IntnRangeAndCaching) {
  std::unordered_map<std::string, Value> cache;
  Context ctx;
  ctx.query_cache = &cache;
  std::string first = Eval("rand.intn", {Str("key"), Value::Int(100)}, &ctx);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(Eval("rand.intn", {Str("key"), Value::Int(100)}, &ctx), first);
  }
  // |n| is what counts: -100 shares the entry of 100.
  EXPECT_EQ(Eval("rand.intn", {Str("key"), Value::Int(-100)}, &ctx), first);
  int v = std::stoi(first);
  EXPECT_GE(v, 0);
  EXPECT_LT(v, 100);
  EXPECT_EQ(Eval("rand.intn", {Str("key"), Value::Int(0)}), "0");
  for (int i = 0; i < 50; ++i) {
    int r = std::stoi(Eval("rand.intn", {Str("x"), Value::Int(-3)}));
    EXPECT_GE(r, 0);
    EXPECT_LT(r, 3);
  }
  EXPECT_EQ(Eval("rand.intn", {Str("key"), Value::Double(1.5)}),
            "error: eval_type_error: operand 2 must be integer number but got floating-point "
            "number");
  EXPECT_EQ(Eval("rand.intn", {Value::Int(1), Value::Int(5)}),
            "error: eval_type_error: operand 1 must be string but got number");
}

TEST(RuntimeTest, ReturnsContextRuntimeOrEmptyObject) {
  EXPECT_EQ(Eval("opa.runtime", {}), "{}");
  Context ctx;
  ctx.runtime = Json(R"({"env": {"HOME": "/root"}})");
  EXPECT_EQ(Eval("opa.runtime", {}, &ctx), R"({"env":{"HOME":"/root"}})");
}

}  // namespace
}  // namespace fedra::builtins
