#include "builtins/sprintf.h"

#include "builtins/builtin_test_util.h"

namespace fedra::builtins::testing {
namespace {

std::string Fmt(std::string_view format, std::vector<Value> args) {
  Value v = Eval("sprintf", {S(format), A(std::move(args))});
  return v.is_string() ? std::string(v.str()) : std::string("<not a string>");
}

TEST(SprintfTest, ConformanceCases) {
  EXPECT_EQ(Fmt("hi", {}), "hi");
  EXPECT_EQ(Fmt("hi %s", {S("there")}), "hi there");
  EXPECT_EQ(Fmt("hi %02d", {I(5)}), "hi 05");
  EXPECT_EQ(Fmt("hi %.2f", {D(3.1415)}), "hi 3.14");
  EXPECT_EQ(Fmt("hi %s", {B(true)}), "hi true");
  EXPECT_EQ(Fmt("hi %v", {A({S("there"), I(5), D(3.14)})}), "hi [\"there\", 5, 3.14]");
  EXPECT_EQ(Fmt("%s", {N("123456789123456789123")}), "123456789123456789123");
  EXPECT_EQ(Fmt("%s", {N("1208925819614629174706175")}), "1208925819614629174706175");
}

TEST(SprintfTest, Integers) {
  EXPECT_EQ(Fmt("%d|%5d|%-5d|%+d|% d", {I(42), I(42), I(42), I(7), I(42)}), "42|   42|42   |+7| 42");
  EXPECT_EQ(Fmt("%05d", {I(-42)}), "-0042");
  EXPECT_EQ(Fmt("%x %X %#x %o %#o %O %b", {I(255), I(255), I(255), I(8), I(8), I(8), I(5)}),
            "ff FF 0xff 10 010 0o10 101");
  EXPECT_EQ(Fmt("%x", {I(-255)}), "-ff");
  EXPECT_EQ(Fmt("%.0d|%.3d", {I(0), I(7)}), "|007");
  EXPECT_EQ(Fmt("%c%c %U %#U", {I(72), I(105), I(0x1F600), I(65)}), "Hi U+1F600 U+0041 'A'");
  EXPECT_EQ(Fmt("%q", {I(97)}), "'a'");
  EXPECT_EQ(Fmt("%x|%08d|%+d", {N("123456789123456789123"), N("-123456789123456789123"), N("123456789123456789123")}),
            "6b14e9f9b0df36a83|-123456789123456789123|+123456789123456789123");
}

TEST(SprintfTest, Floats) {
  EXPECT_EQ(Fmt("%5.1f|%06.2f|%f", {D(3.14159), D(3.14159), D(2.5)}), "  3.1|003.14|2.500000");
  EXPECT_EQ(Fmt("%e|%E|%+.1e", {D(1234.5678), D(1234.5678), D(12345.678)}), "1.234568e+03|1.234568E+03|+1.2e+04");
  EXPECT_EQ(Fmt("%g|%g|%g|%G", {D(1234.5678), D(1234567.5), D(0.000012345), D(1e-7)}),
            "1234.5678|1.2345675e+06|1.2345e-05|1E-07");
  EXPECT_EQ(Fmt("%v|%v|%v", {D(1.5), D(-0.25), D(1e-7)}), "1.5|-0.25|1e-07");
  EXPECT_EQ(Fmt("%.3g|%10.4v|", {D(3.14159), D(3.14159)}), "3.14|     3.142|");
  EXPECT_EQ(Fmt("%.3e", {D(2.5e-10)}), "2.500e-10");
}

TEST(SprintfTest, Strings) {
  EXPECT_EQ(Fmt("%8.3s|%-4s|", {S("abcdef"), S("ab")}), "     abc|ab  |");
  EXPECT_EQ(Fmt("%q", {S("hi\n\"x\"")}), "\"hi\\n\\\"x\\\"\"");
  EXPECT_EQ(Fmt("%#q", {S("hi")}), "`hi`");
  EXPECT_EQ(Fmt("%x|% x|%X", {S("hi"), S("hi"), S("hi")}), "6869|68 69|6869");
  EXPECT_EQ(Fmt("%-6q|", {S("a")}), "\"a\"   |");
  EXPECT_EQ(Fmt("%v %v %v %v", {Null(), Set({I(2), I(1)}), O({{S("a"), I(1)}}), Set({})}),
            "null {1, 2} {\"a\": 1} set()");
  EXPECT_EQ(Fmt("%5s", {B(true)}), " true");
}

TEST(SprintfTest, TypesAndErrors) {
  EXPECT_EQ(Fmt("%T %T %T %T", {I(1), D(1.5), S("s"), N("123456789123456789123")}), "int float64 string *big.Int");
  EXPECT_EQ(Fmt("%d", {S("x")}), "%!d(string=x)");
  EXPECT_EQ(Fmt("%d", {D(3.5)}), "%!d(float64=3.5)");
  EXPECT_EQ(Fmt("%t", {B(true)}), "%!t(string=true)");
  EXPECT_EQ(Fmt("%s", {I(5)}), "%!s(int=5)");
  EXPECT_EQ(Fmt("%d %d", {I(1)}), "1 %!d(MISSING)");
  EXPECT_EQ(Fmt("%d", {I(1), I(2), S("a")}), "1%!(EXTRA int=2, string=a)");
  EXPECT_EQ(Fmt("abc%", {}), "abc%!(NOVERB)");
  EXPECT_EQ(Fmt("100%%", {}), "100%");
  EXPECT_EQ(Fmt("%q", {N("123456789123456789123")}), "%!q(big.Int=123456789123456789123)");
}

TEST(SprintfTest, IndexesAndStars) {
  EXPECT_EQ(Fmt("%[2]d %[1]d", {I(1), I(2)}), "2 1");
  EXPECT_EQ(Fmt("%[3]d", {I(1), I(2)}), "%!d(BADINDEX)");
  EXPECT_EQ(Fmt("%*d|%-*d|", {I(5), I(42), I(4), I(7)}), "   42|7   |");
  EXPECT_EQ(Fmt("%.*f", {I(2), D(3.14159)}), "3.14");
  EXPECT_EQ(Fmt("%*d", {S("x"), I(1)}), "%!(BADWIDTH)1");
}

TEST(SprintfTest, OperandErrors) {
  ExpectTypeError("sprintf", {I(1), A({})}, "operand 1 must be string but got number");
  ExpectTypeError("sprintf", {S("%d"), Set({I(1)})}, "operand 2 must be array but got set");
}

TEST(SprintfTest, GoFormatFloat) {
  EXPECT_EQ(GoFormatFloat(1e21, 'g', -1), "1e+21");
  EXPECT_EQ(GoFormatFloat(123456.0, 'g', -1), "123456");
  EXPECT_EQ(GoFormatFloat(1234567.0, 'g', -1), "1.234567e+06");
  EXPECT_EQ(GoFormatFloat(0.0, 'g', -1), "0");
  EXPECT_EQ(GoFormatFloat(0.1, 'f', -1), "0.1");
  EXPECT_EQ(GoFormatFloat(-2.5, 'e', -1), "-2.5e+00");
  EXPECT_EQ(GoQuote("a\tb\x01é"), "\"a\\tb\\x01é\"");
  EXPECT_EQ(GoQuote("é", true), "\"\\u00e9\"");
}

}  // namespace
}  // namespace fedra::builtins::testing
