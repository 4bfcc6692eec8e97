#include "value/bigint.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

namespace fedra {
namespace {

BigInt B(std::string_view s) {
  BigInt b;
  EXPECT_TRUE(BigInt::Parse(s, &b)) << s;
  return b;
}

TEST(BigIntTest, ParseAndPrint) {
  EXPECT_EQ(B("0").ToString(), "0");
  EXPECT_EQ(B("-0").ToString(), "0");
  EXPECT_FALSE(B("-0").negative());
  EXPECT_EQ(B("000123").ToString(), "123");
  EXPECT_EQ(B("12345678901234567890123").ToString(), "12345678901234567890123");
  EXPECT_EQ(B("-1000000000000000000000000000000").ToString(), "-1000000000000000000000000000000");
  EXPECT_EQ(B("+42").ToString(), "42");
  BigInt b;
  EXPECT_FALSE(BigInt::Parse("", &b));
  EXPECT_FALSE(BigInt::Parse("-", &b));
  EXPECT_FALSE(BigInt::Parse("12a", &b));
  EXPECT_FALSE(BigInt::Parse("1.5", &b));
}

TEST(BigIntTest, Int64Conversions) {
  int64_t out;
  EXPECT_TRUE(BigInt(std::numeric_limits<int64_t>::min()).FitsInt64(&out));
  EXPECT_EQ(out, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(BigInt(std::numeric_limits<int64_t>::min()).ToString(), "-9223372036854775808");
  EXPECT_TRUE(B("9223372036854775807").FitsInt64(&out));
  EXPECT_EQ(out, std::numeric_limits<int64_t>::max());
  EXPECT_FALSE(B("9223372036854775808").FitsInt64(&out));
  EXPECT_FALSE(B("-9223372036854775809").FitsInt64(&out));
  EXPECT_EQ(BigInt::FromUint64(18446744073709551615ull).ToString(), "18446744073709551615");
}

TEST(BigIntTest, Arithmetic) {
  EXPECT_EQ((B("12345678901234567890123") * BigInt(2)).ToString(), "24691357802469135780246");
  EXPECT_EQ((B("99999999999999999999") + BigInt(1)).ToString(), "100000000000000000000");
  EXPECT_EQ((BigInt(1) - B("100000000000000000000")).ToString(), "-99999999999999999999");
  EXPECT_EQ((B("-5") + B("5")).ToString(), "0");
  EXPECT_FALSE((B("-5") + B("5")).negative());
  EXPECT_EQ((B("-123456789123456789") * B("-987654321987654321")).ToString(),
            "121932631356500531347203169112635269");
  EXPECT_EQ((B("-3") * B("0")).sign(), 0);
  EXPECT_EQ(BigInt::Pow10(30).ToString(), "1000000000000000000000000000000");
  EXPECT_EQ(BigInt::Pow10(0).ToString(), "1");
}

TEST(BigIntTest, DivModTruncates) {
  BigInt q, r;
  BigInt::DivMod(B("-17"), B("5"), &q, &r);
  EXPECT_EQ(q.ToString(), "-3");
  EXPECT_EQ(r.ToString(), "-2");
  BigInt::DivMod(B("17"), B("-5"), &q, &r);
  EXPECT_EQ(q.ToString(), "-3");
  EXPECT_EQ(r.ToString(), "2");
  BigInt::DivMod(B("1000000000000000000000000000001"), B("1000000000000000000000"), &q, &r);
  EXPECT_EQ(q.ToString(), "1000000000");
  EXPECT_EQ(r.ToString(), "1");
  BigInt::DivMod(B("5"), B("100000000000000000000"), &q, &r);
  EXPECT_EQ(q.ToString(), "0");
  EXPECT_EQ(r.ToString(), "5");
}

// Multiplying then dividing random multi-limb numbers must give them back;
// this exercises algorithm D's correction steps.
TEST(BigIntTest, DivModRandomRoundTrip) {
  std::mt19937_64 rng(12345);
  auto random_big = [&](int limbs) {
    BigInt r;
    for (int i = 0; i < limbs; ++i) {
      // Top-heavy limbs (0xffffffff) provoke qhat corrections.
      uint64_t limb = (rng() % 4 == 0) ? 0xffffffffu : (rng() & 0xffffffffu);
      r = r * BigInt::FromUint64(uint64_t{1} << 32) + BigInt::FromUint64(limb);
    }
    return r;
  };
  for (int iter = 0; iter < 2000; ++iter) {
    BigInt a = random_big(1 + static_cast<int>(rng() % 6));
    BigInt b = random_big(1 + static_cast<int>(rng() % 4));
    if (b.is_zero()) continue;
    BigInt r0 = random_big(1 + static_cast<int>(rng() % 4));
    if (BigInt::CompareMagnitude(r0, b) >= 0) {
      BigInt::DivMod(r0, b, nullptr, &r0);
    }
    BigInt n = a * b + r0;
    BigInt q, r;
    BigInt::DivMod(n, b, &q, &r);
    ASSERT_EQ(q.ToString(), a.ToString()) << n.ToString() << " / " << b.ToString();
    ASSERT_EQ(r.ToString(), r0.ToString());
  }
}

TEST(BigIntTest, Compare) {
  EXPECT_LT(B("-100000000000000000000"), B("-99999999999999999999"));
  EXPECT_LT(B("-1"), B("0"));
  EXPECT_LT(B("99999999999999999999"), B("100000000000000000000"));
  EXPECT_EQ(BigInt::Compare(B("123456789012345678901"), B("123456789012345678901")), 0);
}

TEST(BigIntTest, Doubles) {
  EXPECT_EQ(B("9007199254740993").ToDouble(), 9007199254740992.0);  // ties to even
  EXPECT_EQ(B("9007199254740995").ToDouble(), 9007199254740996.0);
  EXPECT_EQ(B("-1000000000000000000000000000000").ToDouble(), -1e30);
  // Sticky bits below the top 64 decide rounding: 2^64 + 2^11 + 1 rounds up.
  BigInt x = BigInt::FromUint64(1) * BigInt::FromUint64(uint64_t{1} << 32) *
             BigInt::FromUint64(uint64_t{1} << 32);  // 2^64
  BigInt above_half = x * BigInt(2) * BigInt(2) + BigInt::FromUint64(uint64_t{1} << 13) + BigInt(1);
  EXPECT_EQ(above_half.ToDouble(), std::ldexp(1.0, 66) + std::ldexp(1.0, 14));
  EXPECT_TRUE(std::isinf(BigInt::Pow10(400).ToDouble()));

  BigInt d;
  ASSERT_TRUE(BigInt::FromDouble(1e30, &d));
  EXPECT_EQ(d.ToString(), "1000000000000000019884624838656");
  ASSERT_TRUE(BigInt::FromDouble(-4096.0, &d));
  EXPECT_EQ(d.ToString(), "-4096");
  EXPECT_FALSE(BigInt::FromDouble(1.5, &d));
  EXPECT_FALSE(BigInt::FromDouble(INFINITY, &d));
}

}  // namespace
}  // namespace fedra
