#include "fedra/value.h"

#include <gtest/gtest.h>

#include "value/bigint.h"
#include "value/json.h"
#include "value/number.h"

namespace fedra {
namespace {

// Value::String("literal") is ambiguous (string_view vs string&&).
Value S(std::string_view s) { return Value::String(s); }

TEST(ValueTest, KindOrder) {
  std::vector<Value> ordered = {
      Value::Null(), Value::Bool(false), Value::Bool(true), Value::Int(-5), Value::Double(0.5),
      Value::Int(1), S(""), S("a"), Value::EmptyArray(),
      Value::Array({Value::Int(1)}), Value::EmptyObject(), Value::EmptySet(),
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

TEST(ValueTest, IntEqualsIntegralDouble) {
  EXPECT_EQ(Value::Int(1), Value::Double(1.0));
  EXPECT_EQ(Value::Double(1.0).num_rep(), Value::NumRep::kInt);
  EXPECT_EQ(Value::Int(1).Hash(), Value::Double(1.0).Hash());
  EXPECT_NE(Value::Int(1), Value::Double(1.5));
}

}  // namespace
}  // namespace fedra
