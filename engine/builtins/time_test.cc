#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "builtins/go_time.h"
#include "builtins/registry.h"
#include "builtins/tz.h"
#include "value/number.h"

namespace fedra::builtins {
namespace {

Value Str(std::string_view s) { return Value::String(s); }
Value I(int64_t i) { return Value::Int(i); }

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

std::string ParseNs(std::string_view layout, std::string_view value) {
  return Eval("time.parse_ns", {Str(layout), Str(value)});
}

Value WithTz(int64_t ns, std::string_view tz) { return Value::Array({I(ns), Str(tz)}); }

TEST(TimeTest, NowNsComesFromTheContext) {
  Context ctx;
  ctx.now_ns = 1234567890;
  ctx.now_known = true;
  EXPECT_EQ(Eval("time.now_ns", {}, &ctx), "1234567890");
}

TEST(TimeTest, ParseNsLayouts) {
  EXPECT_EQ(ParseNs("2006-01-02T15:04:05Z07:00", "2017-06-02T19:00:00-07:00"),
            "1496455200000000000");
  EXPECT_EQ(ParseNs("2006-01-02T15:04:05Z07:00", "1677-09-21T00:12:43.145224192-00:00"),
            "-9223372036854775808");
  EXPECT_EQ(ParseNs("2006-01-02T15:04:05Z07:00", "2262-04-11T23:47:16.854775807-00:00"),
            "9223372036854775807");
  EXPECT_EQ(ParseNs("01/02 03:04:05PM '06 -0700", "06/02 07:00:00PM '17 -0700"),
            "1496455200000000000");
  EXPECT_EQ(ParseNs("02 Jan 06 15:04 -0700", "02 Jun 17 19:00 -0700"), "1496455200000000000");
  EXPECT_EQ(ParseNs("RFC822Z", "02 Jun 17 19:00 -0700"), "1496455200000000000");
  EXPECT_EQ(ParseNs("2006-01-02", "2020-02-02"), "1580601600000000000");
  EXPECT_EQ(ParseNs("RFC1123", "Fri, 02 Jun 2017 19:00:00 UTC"), "1496430000000000000");
  EXPECT_EQ(ParseNs("Monday, January 2 2006", "friday, june 2 2017"), "1496361600000000000");
  EXPECT_EQ(ParseNs("2006-002", "2020-060"), "1582934400000000000");  // day of year: Feb 29
  // Without a date the year is 0, outside the int64 nanosecond range.
  EXPECT_EQ(ParseNs("15:04:05", "12:30:00"),
            "error: eval_builtin_error: time outside of valid range");
  // A fraction in the value without one in the layout is still read.
  EXPECT_EQ(ParseNs("2006-01-02 15:04:05", "2020-01-01 00:00:00.25"), "1577836800250000000");
  EXPECT_EQ(ParseNs("2006-01-02 15:04:05.000", "2020-01-01 00:00:00.125"), "1577836800125000000");
  EXPECT_EQ(ParseNs("2006-01-02 3PM", "2020-01-01 12AM"), "1577836800000000000");
  EXPECT_EQ(ParseNs("2006-01-02 3PM", "2020-01-01 12PM"), "1577880000000000000");
}

TEST(TimeTest, ParseNsRangeAndErrors) {
  EXPECT_EQ(ParseNs("2006-01-02T15:04:05Z07:00", "1677-09-21T00:12:43.145224191-00:00"),
            "error: eval_builtin_error: time outside of valid range");
  EXPECT_EQ(ParseNs("2006-01-02T15:04:05Z07:00", "2262-04-11T23:47:16.854775808-00:00"),
            "error: eval_builtin_error: time outside of valid range");
  EXPECT_EQ(ParseNs("2006-01-02", "x"),
            "error: eval_builtin_error: parsing time \"x\" as \"2006-01-02\": cannot parse \"x\" "
            "as \"2006\"");
  EXPECT_EQ(ParseNs("2006-01-02", "2020/01/02"),
            "error: eval_builtin_error: parsing time \"2020/01/02\" as \"2006-01-02\": cannot "
            "parse \"/01/02\" as \"-\"");
  EXPECT_EQ(ParseNs("2006-01-02", "2020-13-01"),
            "error: eval_builtin_error: parsing time \"2020-13-01\": month out of range");
  EXPECT_EQ(ParseNs("2006-01-02", "2021-02-29"),
            "error: eval_builtin_error: parsing time \"2021-02-29\": day out of range");
  EXPECT_EQ(ParseNs("2006", "2020x"),
            "error: eval_builtin_error: parsing time \"2020x\": extra text: \"x\"");
  EXPECT_EQ(ParseNs("15:04", "25:00"),
            "error: eval_builtin_error: parsing time \"25:00\": hour out of range");
  EXPECT_EQ(Eval("time.parse_ns", {I(1), Str("x")}),
            "error: eval_type_error: operand 1 must be string but got number");
  EXPECT_EQ(Eval("time.parse_ns", {Str("2006"), I(1)}),
            "error: eval_type_error: operand 2 must be string but got number");
}

TEST(TimeTest, ParseRfc3339Ns) {
  auto p = [](std::string_view v) { return Eval("time.parse_rfc3339_ns", {Str(v)}); };
  EXPECT_EQ(p("1677-09-21T00:12:43.145224192-00:00"), "-9223372036854775808");
  EXPECT_EQ(p("1970-01-01T00:00:00-00:00"), "0");
  EXPECT_EQ(p("2017-06-02T19:00:00-07:00"), "1496455200000000000");
  EXPECT_EQ(p("2262-04-11T23:47:16.854775807-00:00"), "9223372036854775807");
  EXPECT_EQ(p("2017-06-02T19:00:00Z"), "1496430000000000000");
  EXPECT_EQ(p("1677-09-21T00:12:43.145224191-00:00"),
            "error: eval_builtin_error: time outside of valid range");
  EXPECT_EQ(p("2017-06-02"),
            "error: eval_builtin_error: parsing time \"2017-06-02\" as "
            "\"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"T\"");
}

TEST(TimeTest, ParseDurationNs) {
  auto d = [](std::string_view v) { return Eval("time.parse_duration_ns", {Str(v)}); };
  EXPECT_EQ(d("100ms"), "100000000");
  EXPECT_EQ(d("1h30m"), "5400000000000");
  EXPECT_EQ(d("1.5h"), "5400000000000");
  EXPECT_EQ(d("-1.5h"), "-5400000000000");
  EXPECT_EQ(d("+2us"), "2000");
  EXPECT_EQ(d("3\xc2\xb5s"), "3000");
  EXPECT_EQ(d("0"), "0");
  EXPECT_EQ(d(".5s"), "500000000");
  EXPECT_EQ(d("2562047h47m16.854775807s"), "9223372036854775807");
  EXPECT_EQ(d("-2562047h47m16.854775808s"), "-9223372036854775808");
  EXPECT_EQ(d("2562047h47m16.854775808s"),
            "error: eval_builtin_error: time: invalid duration \"2562047h47m16.854775808s\"");
  EXPECT_EQ(d(""), "error: eval_builtin_error: time: invalid duration \"\"");
  EXPECT_EQ(d("1"), "error: eval_builtin_error: time: missing unit in duration \"1\"");
  EXPECT_EQ(d("1y"), "error: eval_builtin_error: time: unknown unit \"y\" in duration \"1y\"");
  EXPECT_EQ(d(".s"), "error: eval_builtin_error: time: invalid duration \".s\"");
  EXPECT_EQ(d("1s2"), "error: eval_builtin_error: time: missing unit in duration \"1s2\"");
}

TEST(TimeTest, DateClockWeekday) {
  const int64_t t1 = 1517814000LL * 1000000000;  // 2018-02-05T07:00:00Z
  EXPECT_EQ(Eval("time.date", {I(t1)}), "[2018,2,5]");
  EXPECT_EQ(Eval("time.date", {WithTz(t1, "America/Los_Angeles")}), "[2018,2,4]");
  EXPECT_EQ(Eval("time.date", {WithTz(t1, "")}), "[2018,2,5]");
  EXPECT_EQ(Eval("time.date", {I(1582977600LL * 1000000000)}), "[2020,2,29]");
  const int64_t t2 = 1517832000LL * 1000000000;  // 2018-02-05T12:00:00Z
  EXPECT_EQ(Eval("time.clock", {I(t2)}), "[12,0,0]");
  EXPECT_EQ(Eval("time.clock", {WithTz(t2, "America/New_York")}), "[7,0,0]");
  EXPECT_EQ(Eval("time.clock", {WithTz(t2, "UTC")}), "[12,0,0]");
  EXPECT_EQ(Eval("time.weekday", {I(1517832000000000000)}), "\"Monday\"");
  EXPECT_EQ(Eval("time.weekday", {I(1517918400000000000)}), "\"Tuesday\"");
  EXPECT_EQ(Eval("time.weekday", {I(1518091200000000000)}), "\"Thursday\"");
  EXPECT_EQ(Eval("time.weekday", {I(1518350400000000000)}), "\"Sunday\"");
  // Before 1970 and before the zone's first transition (local mean time).
  EXPECT_EQ(Eval("time.clock", {WithTz(-5364662400000000000, "America/New_York")}), "[19,3,58]");
  EXPECT_EQ(Eval("time.date", {I(-5364662400000000000)}), "[1800,1,1]");
  // After the last transition the zone file's POSIX rule applies.
  EXPECT_EQ(Eval("time.clock", {WithTz(4118126400000000000, "America/New_York")}), "[8,0,0]");
  EXPECT_EQ(Eval("time.clock", {WithTz(7259371200000000000, "Australia/Sydney")}), "[23,0,0]");
}

TEST(TimeTest, TimeOperandErrors) {
  Value too_big;
  ASSERT_TRUE(num::Parse("1582977600000000000000", &too_big));
  EXPECT_EQ(Eval("time.date", {too_big}), "error: eval_builtin_error: timestamp too big");
  EXPECT_EQ(Eval("time.clock", {too_big}), "error: eval_builtin_error: timestamp too big");
  EXPECT_EQ(Eval("time.weekday", {Value::Double(1.5)}),
            "error: eval_builtin_error: timestamp too big");
  EXPECT_EQ(Eval("time.format", {Value::Double(1.582977600e22)}),
            "error: eval_builtin_error: timestamp too big");
  EXPECT_EQ(Eval("time.date", {Str("x")}),
            "error: eval_type_error: operand 1 must be either number (ns) or [number (ns), "
            "string (tz)] but got string");
  EXPECT_EQ(Eval("time.date", {Value::EmptyArray()}),
            "error: eval_type_error: operand 1 must be either number (ns) or [number (ns), "
            "string (tz)] but got array");
  EXPECT_EQ(Eval("time.date", {Value::Array({Str("x")})}),
            "error: eval_type_error: operand 1 must be number but got string");
  EXPECT_EQ(Eval("time.date", {Value::Array({I(0), I(1)})}),
            "error: eval_type_error: operand 1 must be string but got number");
  EXPECT_EQ(Eval("time.date", {WithTz(0, "Mars/Olympus_Mons")}),
            "error: eval_builtin_error: unknown time zone Mars/Olympus_Mons");
  EXPECT_EQ(Eval("time.date", {WithTz(0, "../../etc/passwd")}),
            "error: eval_builtin_error: time: invalid location name");
  EXPECT_EQ(Eval("time.date", {WithTz(0, "/etc/localtime")}),
            "error: eval_builtin_error: time: invalid location name");
  // The second time operand is reported as operand 1 too, as in OPA.
  EXPECT_EQ(Eval("time.diff", {I(0), Str("x")}),
            "error: eval_type_error: operand 1 must be either number (ns) or [number (ns), "
            "string (tz)] but got string");
}

TEST(TimeTest, Format) {
  const int64_t ns = 1670006453141828752;
  EXPECT_EQ(Eval("time.format", {I(ns)}), "\"2022-12-02T18:40:53.141828752Z\"");
  EXPECT_EQ(Eval("time.format", {WithTz(ns, "Asia/Kolkata")}),
            "\"2022-12-03T00:10:53.141828752+05:30\"");
  EXPECT_EQ(Eval("time.format",
                 {Value::Array({I(ns), Str("Asia/Kolkata"), Str("Mon Jan 02 15:04:05 -0700 2006")})}),
            "\"Sat Dec 03 00:10:53 +0530 2022\"");
  EXPECT_EQ(Eval("time.format", {Value::Array({I(ns), Str("Asia/Kolkata"), Str("RFC1123Z")})}),
            "\"Sat, 03 Dec 2022 00:10:53 +0530\"");
  EXPECT_EQ(Eval("time.format", {Value::Array({I(ns), Str("Asia/Kolkata"), Str("RFC1123")})}),
            "\"Sat, 03 Dec 2022 00:10:53 IST\"");
  EXPECT_EQ(Eval("time.format", {Value::Array({I(ns), Str("UTC"), Str("")})}),
            "\"2022-12-02T18:40:53.141828752Z\"");
  EXPECT_EQ(Eval("time.format", {Value::Array({I(ns), Str("UTC"), Str("ANSIC")})}),
            "\"Fri Dec  2 18:40:53 2022\"");
  EXPECT_EQ(Eval("time.format", {Value::Array({I(0), Str("UTC"), Str("RFC3339Nano")})}),
            "\"1970-01-01T00:00:00Z\"");
  EXPECT_EQ(Eval("time.format",
                 {Value::Array({I(ns), Str("America/New_York"),
                                Str("Monday January 2 3:4:5.000 pm -07 Z0700 MST __2 002 06")})}),
            "\"Friday December 2 1:40:53.141 pm -05 -0500 EST 336 336 22\"");
  EXPECT_EQ(Eval("time.format", {Value::Array({I(ns), Str("UTC"), Str(",999999 .00 _2006")})}),
            "\",141828 .14 _2022\"");
}

TEST(TimeTest, AddDate) {
  EXPECT_EQ(Eval("time.add_date", {I(1585852421593912000), I(3), I(9), I(12)}),
            "1705257221593912000");
  EXPECT_EQ(Eval("time.add_date", {I(1585852421593912000), I(-1), I(-1), I(-1)}),
            "1551465221593912000");
  EXPECT_EQ(Eval("time.add_date", {I(0), I(2262), I(1), I(1)}),
            "error: eval_builtin_error: time outside of valid range");
  EXPECT_EQ(Eval("time.add_date", {I(INT64_MIN), I(0), I(0), I(-1)}),
            "error: eval_builtin_error: time outside of valid range");
  EXPECT_EQ(Eval("time.add_date", {I(0), I(INT64_MAX), I(0), I(0)}),
            "error: eval_builtin_error: time outside of valid range");
  // Jan 31 + 1 month is "Feb 31", normalised to Mar 3 (2021 is not a leap year).
  EXPECT_EQ(Eval("time.add_date", {I(1612051200000000000), I(0), I(1), I(0)}),
            "1614729600000000000");
  // In a zone, the wall clock is kept across a DST change.
  EXPECT_EQ(Eval("time.add_date", {WithTz(1615654800000000000, "America/New_York"), I(0), I(0),
                                   I(1)}),
            "1615737600000000000");
  EXPECT_EQ(Eval("time.add_date", {I(0), Value::Double(1.5), I(0), I(0)}),
            "error: eval_type_error: operand 2 must be integer number but got floating-point "
            "number");
  EXPECT_EQ(Eval("time.add_date", {I(0), I(0), Str("1"), I(0)}),
            "error: eval_type_error: operand 3 must be number but got string");
}

TEST(TimeTest, Diff) {
  auto diff = [](Value a, Value b) { return Eval("time.diff", {std::move(a), std::move(b)}); };
  const int64_t now = 1700000000000000000;
  EXPECT_EQ(diff(I(now + 61000000000), I(now)), "[0,0,0,0,1,1]");
  EXPECT_EQ(diff(WithTz(now + 60000000000, "UTC"), WithTz(now, "Asia/Shanghai")), "[0,0,0,0,1,0]");
  const int64_t feb2_2020 = 1580601600000000000, mar1_2020 = 1583020800000000000;
  EXPECT_EQ(diff(I(feb2_2020), I(mar1_2020)), "[0,0,28,0,0,0]");
  const int64_t feb2_2021 = 1612224000000000000, mar1_2021 = 1614556800000000000;
  EXPECT_EQ(diff(I(feb2_2021), I(mar1_2021)), "[0,0,27,0,0,0]");
  const int64_t feb29_2004 = 1078012800000000000, mar1_2005 = 1109635200000000000;
  EXPECT_EQ(diff(I(feb29_2004), I(mar1_2005)), "[1,0,1,0,0,0]");
  EXPECT_EQ(diff(I(0), I(0)), "[0,0,0,0,0,0]");
}

TEST(TzTest, LocationsAreCachedAndShared) {
  const tz::Location* a = nullptr;
  const tz::Location* b = nullptr;
  ASSERT_TRUE(tz::LoadLocation("Europe/Paris", &a).ok());
  ASSERT_TRUE(tz::LoadLocation("Europe/Paris", &b).ok());
  EXPECT_EQ(a, b);
  const tz::Location* utc = nullptr;
  ASSERT_TRUE(tz::LoadLocation("", &utc).ok());
  EXPECT_EQ(utc, tz::UTC());
  // Summer and winter offsets in Paris.
  EXPECT_EQ(a->Lookup(1688212800).offset, 7200);  // 2023-07-01
  EXPECT_EQ(a->Lookup(1672574400).offset, 3600);  // 2023-01-01
  EXPECT_EQ(a->Lookup(1688212800).name, "CEST");
  int offset = 0;
  EXPECT_TRUE(a->LookupName("CET", 1672574400, &offset));
  EXPECT_EQ(offset, 3600);
  EXPECT_FALSE(a->LookupName("EST", 1672574400, &offset));
}

TEST(TzTest, RejectsMalformedData) {
  tz::Location loc;
  EXPECT_FALSE(tz::Location::FromTzif("x", "TZif2", &loc));
  EXPECT_FALSE(tz::Location::FromTzif("x", "not a tzif file at all, really", &loc));
  std::string header = "TZif2";
  header.append(15, '\0');
  for (int i = 0; i < 6; ++i) header.append("\xff\xff\xff\xff", 4);  // absurd counts
  EXPECT_FALSE(tz::Location::FromTzif("x", header, &loc));
}

TEST(GoTimeTest, QuoteEscapesLikeGo) {
  EXPECT_EQ(gotime::Quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(gotime::Quote("\xc3\xa9\n"), "\"\\xc3\\xa9\\x0a\"");
}

}  // namespace
}  // namespace fedra::builtins
