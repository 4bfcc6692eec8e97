#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "builtins/registry.h"
#include "value/number.h"

namespace fedra::builtins {
namespace {

Value Str(std::string_view s) { return Value::String(s); }

Value Num(std::string_view text) {
  Value v;
  EXPECT_TRUE(num::Parse(text, &v)) << text;
  return v;
}

// The result as JSON text, or "error: <code>: <message>".
std::string Eval(std::string_view name, std::string_view arg) {
  const Builtin* b = DefaultRegistry().Find(name);
  EXPECT_NE(b, nullptr) << name;
  if (b == nullptr) return "missing";
  Context ctx;
  Value out;
  std::vector<Value> args{Str(arg)};
  Status st = b->fn(ctx, args, &out);
  if (!st.ok()) {
    return "error: " + std::string(StatusCodeName(st.code())) + ": " + std::string(st.message());
  }
  return out.defined() ? ToJson(out) : "undefined";
}

Value Result(std::string_view name, std::string_view arg) {
  const Builtin* b = DefaultRegistry().Find(name);
  Context ctx;
  Value out;
  std::vector<Value> args{Str(arg)};
  EXPECT_TRUE(b->fn(ctx, args, &out).ok()) << arg;
  return out;
}

TEST(UnitsParseTest, DecimalAndBinaryPrefixes) {
  struct Case {
    const char* in;
    const char* want;
  } cases[] = {
      {"0", "0"},          {"0.0", "0"},        {".0", "0"},
      {"12345", "12345"},  {"10K", "10000"},    {"10KI", "10240"},
      {"10k", "10000"},    {"10Ki", "10240"},   {"200M", "200000000"},
      {"300Gi", "322122547200"},                {"1.1K", "1100"},
      {".5K", "500"},      {"100ki", "102400"}, {"100mi", "104857600"},
      {"100Mi", "104857600"},                   {"100g", "100000000000"},
      {"100gi", "107374182400"},                {"100T", "100000000000000"},
      {"100Ti", "109951162777600"},             {"100P", "100000000000000000"},
      {"100pi", "112589990684262400"},          {"10e", "10000000000000000000"},
      {"10E", "10000000000000000000"},          {"10Ei", "11529215046068469760"},
      {"\"100TI\"", "109951162777600"},         {"1e3", "1000"},
      {"-2k", "-2000"},    {"1.5Ki", "1536"},   {"+7", "7"},
  };
  for (const auto& c : cases) EXPECT_EQ(Eval("units.parse", c.in), c.want) << c.in;
}

TEST(UnitsParseTest, FractionsRoundToTenPlaces) {
  EXPECT_EQ(Result("units.parse", "1.1Ki"), Value::Double(1126.4));
  EXPECT_EQ(Result("units.parse", "500m"), Value::Double(0.5));
  EXPECT_EQ(Result("units.parse", "0.0005K"), Value::Double(0.5));
  EXPECT_EQ(Result("units.parse", "0.0000005M"), Value::Double(0.5));
  EXPECT_EQ(Result("units.parse", "100m"), Value::Double(0.1));
  EXPECT_EQ(Result("units.parse", "1m"), Value::Double(0.001));
  EXPECT_EQ(Result("units.parse", "1e-11"), Value::Int(0));
  EXPECT_EQ(Result("units.parse", "15e-11"), Value::Double(0.0000000002));
  EXPECT_EQ(Result("units.parse", "-0.5"), Value::Double(-0.5));
}

TEST(UnitsParseTest, IntegersPrintWithoutDecimals) {
  EXPECT_EQ(Eval("units.parse", "1G"), "1000000000");
  Value v = Result("units.parse", "1G");
  EXPECT_EQ(v.num_rep(), Value::NumRep::kInt);
  EXPECT_EQ(Eval("units.parse", "1000E"), "1000000000000000000000");
}

TEST(UnitsParseTest, Errors) {
  EXPECT_EQ(Eval("units.parse", ""), "error: eval_builtin_error: no amount provided");
  EXPECT_EQ(Eval("units.parse", "G"), "error: eval_builtin_error: no amount provided");
  EXPECT_EQ(Eval("units.parse", "foo"), "error: eval_builtin_error: no amount provided");
  EXPECT_EQ(Eval("units.parse", "0.0.0"),
            "error: eval_builtin_error: could not parse amount to a number");
  EXPECT_EQ(Eval("units.parse", ".5.2"),
            "error: eval_builtin_error: could not parse amount to a number");
  EXPECT_EQ(Eval("units.parse", "100 k"),
            "error: eval_builtin_error: spaces not allowed in resource strings");
  EXPECT_EQ(Eval("units.parse", " 327Mi "),
            "error: eval_builtin_error: spaces not allowed in resource strings");
  EXPECT_EQ(Eval("units.parse", "1kb"), "error: eval_builtin_error: unit kb not recognized");
  EXPECT_EQ(Eval("units.parse", "1MB"), "error: eval_builtin_error: unit Mb not recognized");
  EXPECT_EQ(Eval("units.parse", "1e1234567"), "error: eval_builtin_error: exponent too large");
  EXPECT_EQ(Eval("units.parse", "1e999999"), "error: eval_builtin_error: exponent too large");
  EXPECT_EQ(Eval("units.parse", "1-2"),
            "error: eval_builtin_error: could not parse amount to a number");
}

TEST(UnitsParseTest, NonStringOperand) {
  const Builtin* b = DefaultRegistry().Find("units.parse");
  Context ctx;
  Value out;
  std::vector<Value> args{Value::Int(1)};
  Status st = b->fn(ctx, args, &out);
  EXPECT_EQ(st.code(), StatusCode::kEvalTypeError);
  EXPECT_EQ(st.message(), "operand 1 must be string but got number");
}

TEST(UnitsParseBytesTest, Values) {
  struct Case {
    const char* in;
    const char* want;
  } cases[] = {
      {"\"100TIB\"", "109951162777600"}, {"0", "0"},
      {"0.0", "0"},                      {".0", "0"},
      {"12345", "12345"},                {"10KB", "10000"},
      {"10KIB", "10240"},                {"10kb", "10000"},
      {"10Kib", "10240"},                {"200mb", "200000000"},
      {"300GiB", "322122547200"},        {"1.1KB", "1100"},
      {"1.1KiB", "1126"},                {".5KB", "500"},
      {"100k", "100000"},                {"100ki", "102400"},
      {"100m", "100000000"},             {"100mi", "104857600"},
      {"100gib", "107374182400"},        {"100t", "100000000000000"},
      {"100tib", "109951162777600"},     {"100p", "100000000000000000"},
      {"100pib", "112589990684262400"},  {"10e", "10000000000000000000"},
      {"10eb", "10000000000000000000"},  {"10ei", "11529215046068469760"},
      {"10eib", "11529215046068469760"}, {"1e3KB", "1000000"},
      {"3.2E2MiB", "335544320"},         {"4.5e1GiB", "48318382080"},
      {"5e6", "5000000"},                {"1e-2KB", "10"},
      {"6.4E1GB", "64000000000"},        {"7.5e1TiB", "82463372083200"},
      {"5e2MiB", "524288000"},           {"2e2GiB", "214748364800"},
      {"5E", "5000000000000000000"},     {"-1.5k", "-1500"},
      {"0.9", "0"},
  };
  for (const auto& c : cases) EXPECT_EQ(Eval("units.parse_bytes", c.in), c.want) << c.in;
}

TEST(UnitsParseBytesTest, LargeResultsStayExact) {
  EXPECT_EQ(Result("units.parse_bytes", "1000eb"), Num("1000000000000000000000"));
  // 10^30 needs 70 significant bits; like big.Float it is rounded to 64.
  EXPECT_EQ(Result("units.parse_bytes", "1e30"), Num("1000000000000000000024696061952"));
}

TEST(UnitsParseBytesTest, Errors) {
  for (const char* in : {"", "GB", "foo"}) {
    EXPECT_EQ(Eval("units.parse_bytes", in), "error: eval_builtin_error: no byte amount provided")
        << in;
  }
  for (const char* in : {"0.0.0", ".5.2"}) {
    EXPECT_EQ(Eval("units.parse_bytes", in),
              "error: eval_builtin_error: could not parse byte amount to a number")
        << in;
  }
  EXPECT_EQ(Eval("units.parse_bytes", "100 kb"),
            "error: eval_builtin_error: spaces not allowed in resource strings");
  EXPECT_EQ(Eval("units.parse_bytes", " 327MiB "),
            "error: eval_builtin_error: spaces not allowed in resource strings");
  EXPECT_EQ(Eval("units.parse_bytes", "1ZB"),
            "error: eval_builtin_error: byte unit zb not recognized");
  EXPECT_EQ(Eval("units.parse_bytes", "1kbb"),
            "error: eval_builtin_error: byte unit kbb not recognized");
  EXPECT_EQ(Eval("units.parse_bytes", "1e0000001"),
            "error: eval_builtin_error: exponent too large");
}

}  // namespace
}  // namespace fedra::builtins
