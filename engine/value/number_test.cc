#include "value/number.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "value/bigint.h"

namespace fedra {
namespace {

Value N(std::string_view text) {
  Value v;
  EXPECT_TRUE(num::Parse(text, &v)) << text;
  return v;
}

std::string F(std::string_view text) { return num::Format(N(text)); }

TEST(NumberTest, ParseIntegers) {
  EXPECT_EQ(N("0").num_rep(), Value::NumRep::kInt);
  EXPECT_EQ(N("-42").int_value(), -42);
  EXPECT_EQ(N("9223372036854775807").int_value(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(N("-9223372036854775808").int_value(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(N("9223372036854775808").num_rep(), Value::NumRep::kBig);
  EXPECT_EQ(F("123456789012345678901234567890"), "123456789012345678901234567890");
  EXPECT_EQ(F("-123456789012345678901234567890"), "-123456789012345678901234567890");
}

TEST(NumberTest, ParseIntegralLiteralsStayExact) {
  EXPECT_EQ(N("1e3").num_rep(), Value::NumRep::kInt);
  EXPECT_EQ(N("1e3").int_value(), 1000);
  EXPECT_EQ(N("2.0").int_value(), 2);
  EXPECT_EQ(N("10.00").int_value(), 10);
  EXPECT_EQ(N("2.50e1").int_value(), 25);
  EXPECT_EQ(N("0.35e1").ToDouble(), 3.5);
  EXPECT_EQ(N("-0").int_value(), 0);
  EXPECT_EQ(N("-0.0").int_value(), 0);
  EXPECT_EQ(N("0e-5").int_value(), 0);
  EXPECT_EQ(F("1e30"), "1000000000000000000000000000000");
  EXPECT_EQ(num::Format(num::Add(N("1e30"), N("1"))), "1000000000000000000000000000001");
  // 1e400 and 1e399 are beyond float64 yet ordered exactly.
  EXPECT_GT(num::Compare(N("1e400"), N("1e399")), 0);
}

TEST(NumberTest, ParseFractions) {
  EXPECT_EQ(N("3.5").num_rep(), Value::NumRep::kDouble);
  EXPECT_EQ(N("3.5").double_value(), 3.5);
  EXPECT_EQ(N("35e-1").double_value(), 3.5);
  EXPECT_EQ(N("-0.001").double_value(), -0.001);
  EXPECT_EQ(N("1e-400").int_value(), 0);  // underflows to zero
  EXPECT_TRUE(std::isinf(N("1e999999999999").ToDouble()));
  EXPECT_EQ(N("1.5e999999999999").ToDouble(), INFINITY);
}

TEST(NumberTest, ParseRejects) {
  Value v;
  for (std::string_view bad : {"", "-", "+", ".", "e5", "1e", "1e+", "1x", "--1", "1.2.3", "0x10", " 1"}) {
    EXPECT_FALSE(num::Parse(bad, &v)) << bad;
  }
}

TEST(NumberTest, CompareAcrossRepresentations) {
  EXPECT_EQ(num::Compare(N("1"), N("1.0")), 0);
  EXPECT_EQ(num::Compare(N("3.5"), N("3.50")), 0);
  EXPECT_LT(num::Compare(N("3"), N("3.5")), 0);
  EXPECT_LT(num::Compare(N("0.1"), N("0.10000000000001")), 0);
  EXPECT_LT(num::Compare(N("-2.5"), N("-2.25")), 0);
  // int64 vs double without rounding the int64: 2^53 + 1 > 2^53 as double.
  EXPECT_GT(num::Compare(Value::Int(9007199254740993), Value::Double(9007199254740992.0)), 0);
  EXPECT_LT(num::Compare(Value::Int(std::numeric_limits<int64_t>::max()), Value::Double(9223372036854775808.0)), 0);
  EXPECT_GT(num::Compare(Value::Int(std::numeric_limits<int64_t>::min()), Value::Double(-1e19)), 0);
  EXPECT_LT(num::Compare(Value::Int(5), Value::Double(5.5)), 0);
  EXPECT_GT(num::Compare(Value::Int(-5), Value::Double(-5.5)), 0);
  // Big vs double and int.
  Value big = N("12345678901234567890123");
  EXPECT_GT(num::Compare(big, Value::Double(1.2e22)), 0);
  EXPECT_LT(num::Compare(big, Value::Double(1.3e22)), 0);
  EXPECT_GT(num::Compare(big, Value::Int(std::numeric_limits<int64_t>::max())), 0);
  EXPECT_LT(num::Compare(num::Negate(big), Value::Double(-3.5)), 0);
  EXPECT_LT(num::Compare(big, Value::Double(INFINITY)), 0);
  // A double equal to a big integer is equal to it, and hashes the same.
  BigInt exact;
  ASSERT_TRUE(BigInt::FromDouble(1e30, &exact));
  EXPECT_EQ(num::Compare(Value::Big(exact), Value::Double(1e30)), 0);
  EXPECT_EQ(Value::Big(exact).Hash(), Value::Double(1e30).Hash());
  EXPECT_NE(num::Compare(N("1e30"), Value::Double(1e30)), 0);
}

TEST(NumberTest, AddSubMulOverflowToBig) {
  Value max = Value::Int(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(num::Format(num::Add(max, Value::Int(1))), "9223372036854775808");
  EXPECT_EQ(num::Format(num::Sub(Value::Int(std::numeric_limits<int64_t>::min()), Value::Int(1))),
            "-9223372036854775809");
  EXPECT_EQ(num::Format(num::Mul(Value::Int(2147483647), Value::Int(2147483647))), "4611686014132420609");
  EXPECT_EQ(num::Format(num::Mul(N("12345678901234567890123"), Value::Int(2))), "24691357802469135780246");
  // Results shrink back to int64.
  Value back = num::Sub(num::Add(max, Value::Int(1)), Value::Int(1));
  EXPECT_EQ(back.num_rep(), Value::NumRep::kInt);
  EXPECT_EQ(back, max);
  EXPECT_EQ(num::Add(Value::Double(0.5), Value::Double(0.5)).num_rep(), Value::NumRep::kInt);
  EXPECT_EQ(num::Format(num::Add(N("10.00"), Value::Int(5))), "15");
  EXPECT_EQ(num::Mul(Value::Double(1.5), Value::Int(2)), Value::Int(3));
}

TEST(NumberTest, Div) {
  Value out;
  EXPECT_TRUE(num::Div(Value::Int(6), Value::Int(3), &out).ok());
  EXPECT_EQ(out.num_rep(), Value::NumRep::kInt);
  EXPECT_EQ(out.int_value(), 2);
  EXPECT_TRUE(num::Div(Value::Int(1), Value::Int(4), &out).ok());
  EXPECT_EQ(num::Format(out), "0.25");
  EXPECT_TRUE(num::Div(Value::Int(1), Value::Int(3), &out).ok());
  EXPECT_EQ(num::Format(out), "0.3333333333333333");
  Status st = num::Div(Value::Int(1), Value::Int(0), &out);
  EXPECT_EQ(st.code(), StatusCode::kEvalBuiltinError);
  EXPECT_EQ(st.message(), "divide by zero");
  EXPECT_EQ(num::Div(Value::Int(1), Value::Double(0.0), &out).message(), "divide by zero");
  EXPECT_TRUE(num::Div(N("1e109"), N("1e100"), &out).ok());
  EXPECT_EQ(num::Format(out), "1000000000");
  EXPECT_TRUE(num::Div(Value::Int(std::numeric_limits<int64_t>::min()), Value::Int(-1), &out).ok());
  EXPECT_EQ(num::Format(out), "9223372036854775808");
}

TEST(NumberTest, Rem) {
  Value out;
  ASSERT_TRUE(num::Rem(Value::Int(-17), Value::Int(5), &out).ok());
  EXPECT_EQ(out.int_value(), -2);
  ASSERT_TRUE(num::Rem(Value::Int(17), Value::Int(-5), &out).ok());
  EXPECT_EQ(out.int_value(), 2);
  ASSERT_TRUE(num::Rem(N("4.0"), Value::Int(3), &out).ok());
  EXPECT_EQ(out.int_value(), 1);
  ASSERT_TRUE(num::Rem(Value::Int(std::numeric_limits<int64_t>::min()), Value::Int(-1), &out).ok());
  EXPECT_EQ(out.int_value(), 0);
  ASSERT_TRUE(num::Rem(N("-100000000000000000007"), Value::Int(10), &out).ok());
  EXPECT_EQ(out.int_value(), -7);
  EXPECT_EQ(num::Rem(Value::Int(1), Value::Int(0), &out).message(), "modulo by zero");
  EXPECT_EQ(num::Rem(Value::Double(1.5), Value::Int(1), &out).message(), "modulo on floating-point number");
  EXPECT_EQ(num::Rem(Value::Double(1.5), Value::Int(0), &out).message(), "modulo on floating-point number");
}

TEST(NumberTest, UnaryOps) {
  EXPECT_EQ(num::Format(num::Abs(Value::Int(std::numeric_limits<int64_t>::min()))), "9223372036854775808");
  EXPECT_EQ(num::Abs(Value::Double(-2.5)).double_value(), 2.5);
  EXPECT_EQ(num::Negate(num::Abs(Value::Int(std::numeric_limits<int64_t>::min()))).num_rep(),
            Value::NumRep::kInt);
  EXPECT_EQ(num::Round(Value::Double(2.5)), Value::Int(3));
  EXPECT_EQ(num::Round(Value::Double(-2.5)), Value::Int(-3));
  EXPECT_EQ(num::Round(Value::Double(2.4)), Value::Int(2));
  EXPECT_EQ(num::Ceil(Value::Double(1.01)), Value::Int(2));
  EXPECT_EQ(num::Ceil(Value::Double(-1.99999)), Value::Int(-1));
  EXPECT_EQ(num::Floor(Value::Double(-1.5)), Value::Int(-2));
  EXPECT_EQ(num::Round(Value::Int(-5)), Value::Int(-5));
  EXPECT_EQ(num::Ceil(N("2222.2222222222")), Value::Int(2223));
}

TEST(NumberTest, FormatDoubles) {
  EXPECT_EQ(F("3.14159"), "3.14159");
  EXPECT_EQ(F("66.66667"), "66.66667");
  EXPECT_EQ(F("-0.5"), "-0.5");
  EXPECT_EQ(F("0.000001"), "0.000001");
  EXPECT_EQ(num::Format(Value::Double(1e-7)), "1e-7");
  EXPECT_EQ(num::Format(Value::Double(1.5e-10)), "1.5e-10");
  EXPECT_EQ(num::Format(Value::Double(1e21)), "1e+21");
  EXPECT_EQ(num::Format(Value::Double(1.2345e300)), "1.2345e+300");
  EXPECT_EQ(num::Format(Value::Double(123456789012345680000.0)), "123456789012345680000");
  EXPECT_EQ(num::Format(Value::Double(0.1 + 0.2)), "0.30000000000000004");
  EXPECT_EQ(num::Format(Value::Double(1234567.5)), "1234567.5");
}

TEST(NumberTest, BigRemainderAgainstPowersOfTwo) {
  auto rem = [](std::string_view a, std::string_view b) {
    Value out;
    Status st = num::Rem(N(a), N(b), &out);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return num::Format(out);
  };
  EXPECT_EQ(rem("10", "18446744073709551616"), "10");
  EXPECT_EQ(rem("5", "55340232221128654848"), "5");
  EXPECT_EQ(rem("7", "340282366920938463463374607431768211456"), "7");
  EXPECT_EQ(rem("100", "-18446744073709551616"), "100");
  EXPECT_EQ(rem("18446744073709551617", "18446744073709551616"), "1");
  EXPECT_EQ(rem("-18446744073709551617", "18446744073709551616"), "-1");
  EXPECT_EQ(rem("10", "18446744073709551617"), "10");
  EXPECT_EQ(num::Format(num::Sub(N("-18446744073709551617"), N("1"))), "-18446744073709551618");
  EXPECT_EQ(num::Format(num::Add(N("1.5"), N("2.5"))), "4");
  EXPECT_EQ(num::Format(num::Add(N("1"), N("2.5"))), "3.5");
}

}  // namespace
}  // namespace fedra
