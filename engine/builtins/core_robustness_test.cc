// Every core builtin, called with every combination of sample operands of all
// kinds: each call must return a value, undefined, or a typed error -- never
// crash, hang or return an error code outside the builtin set.
#include <string>
#include <vector>

#include "builtins/builtin_test_util.h"

namespace fedra::builtins::testing {
namespace {

std::vector<Value> Samples() {
  return {
      Null(), B(true), I(0), I(-3), I(2), D(1.5), N("18446744073709551617"),
      S(""), S("12"), S("\xc3\xa5x"), A({}), A({I(1), S("a"), A({I(2)})}), O({}),
      O({{S("a"), O({{S("b"), I(1)}})}, {I(1), Set({I(2)})}}), Set({}), Set({Set({I(1)}), I(3)}),
  };
}

void CallAll(const Builtin& b, std::vector<Value>& args, const std::vector<Value>& samples,
             int* calls) {
  if (static_cast<int>(args.size()) == b.arity) {
    ++*calls;
    Context ctx;
    Value out;
    Status st = b.fn(ctx, args, &out);
    if (!st.ok()) {
      EXPECT_TRUE(st.code() == StatusCode::kEvalTypeError ||
                  st.code() == StatusCode::kEvalBuiltinError ||
                  st.code() == StatusCode::kEvalLimitError)
          << b.name << ": " << st.ToString();
      EXPECT_FALSE(st.message().empty()) << b.name;
    }
    return;
  }
  for (const Value& v : samples) {
    args.push_back(v);
    CallAll(b, args, samples, calls);
    args.pop_back();
  }
}

TEST(CoreRobustnessTest, AllOperandKindCombinations) {
  const char* names[] = {
      "equal", "neq", "lt", "lte", "gt", "gte", "plus", "minus", "mul", "div", "rem", "abs",
      "round", "ceil", "floor", "numbers.range", "numbers.range_step", "count", "sum",
      "product", "max", "min", "sort", "all", "any", "is_number", "is_string", "is_boolean",
      "is_array", "is_set", "is_object", "is_null", "type_name", "to_number", "cast_array",
      "cast_set", "cast_string", "cast_boolean", "cast_null", "cast_object", "and", "or",
      "set_diff", "intersection", "union", "array.concat", "array.slice", "array.reverse",
      "array.flatten", "object.get", "object.keys", "object.remove", "object.filter",
      "object.union", "object.union_n", "object.subset",
  };
  const std::vector<Value> samples = Samples();
  int calls = 0;
  for (const char* name : names) {
    const Builtin* b = DefaultRegistry().Find(name);
    ASSERT_NE(b, nullptr) << name;
    std::vector<Value> args;
    CallAll(*b, args, samples, &calls);
  }
  EXPECT_GT(calls, 10000);
}

}  // namespace
}  // namespace fedra::builtins::testing
