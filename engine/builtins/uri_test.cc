// uri.parse / uri.is_valid and the Go net/url rules under them, plus
// test.sleep (a handful of cases; both are small).
#include <gtest/gtest.h>

#include <chrono>

#include "builtins/builtin_test_util.h"
#include "builtins/go_url.h"
#include "builtins/network_internal.h"

namespace fedra::builtins {
namespace {

using namespace testing;  // NOLINT

TEST(UriTest, ParseReportsNonEmptyComponents) {
  Value out = Eval("uri.parse", {S("https://user:pw@Example.com:8080/a%20b/c?q=1&r=2#fr%20ag")});
  EXPECT_EQ(out, O({{S("scheme"), S("https")},
                    {S("hostname"), S("Example.com")},
                    {S("port"), S("8080")},
                    {S("path"), S("/a b/c")},
                    {S("raw_path"), S("/a b/c")},
                    {S("raw_query"), S("q=1&r=2")},
                    {S("fragment"), S("fr ag")}}))
      << ToRegoString(out);
}

TEST(UriTest, RawPathKeepsNonCanonicalEscapes) {
  Value out = Eval("uri.parse", {S("http://h/a%2Fb")});
  EXPECT_EQ(*out.Find("path"), S("/a/b"));
  EXPECT_EQ(*out.Find("raw_path"), S("/a%2Fb"));
  EXPECT_EQ(Eval("uri.parse", {S("mailto:x@y.org")}), O({{S("scheme"), S("mailto")}}));
  Value v6 = Eval("uri.parse", {S("HTTP://[::1]:9/")});
  EXPECT_EQ(*v6.Find("scheme"), S("http"));
  EXPECT_EQ(*v6.Find("hostname"), S("::1"));
  EXPECT_EQ(*v6.Find("port"), S("9"));
  EXPECT_EQ(Eval("uri.parse", {S("")}), O({}));
}

TEST(UriTest, ParseErrorsUseGoWording) {
  ExpectBuiltinError("uri.parse", {S("http://a b")}, "parse \"http://a b\": invalid character \" \" in host name");
  ExpectBuiltinError("uri.parse", {S("/x%zz")}, "parse \"/x%zz\": invalid URL escape \"%zz\"");
  ExpectBuiltinError("uri.parse", {S(":foo")}, "parse \":foo\": missing protocol scheme");
  ExpectBuiltinError("uri.parse", {S("http://h:port/")}, "parse \"http://h:port/\": invalid port \":port\" after host");
  ExpectBuiltinError("uri.parse", {S("1a:b")}, "parse \"1a:b\": first path segment in URL cannot contain colon");
  ExpectBuiltinError("uri.parse", {S("x\ny")}, "parse \"x\\ny\": net/url: invalid control character in URL");
  ExpectTypeError("uri.parse", {I(1)}, "operand 1 must be string but got number");
}

TEST(UriTest, IsValid) {
  EXPECT_EQ(Eval("uri.is_valid", {S("https://example.com/x")}), B(true));
  EXPECT_EQ(Eval("uri.is_valid", {S("relative/path")}), B(true));
  EXPECT_EQ(Eval("uri.is_valid", {S("")}), B(false));
  EXPECT_EQ(Eval("uri.is_valid", {S("http://[::1")}), B(false));
  EXPECT_EQ(Eval("uri.is_valid", {I(3)}), B(false));
}

TEST(GoUrlTest, EscapedPathAndHost) {
  gourl::Url u;
  ASSERT_TRUE(gourl::ParseGoUrl("http://h:80/a b/%41?x#f", &u).ok());
  EXPECT_EQ(u.host, "h:80");
  EXPECT_EQ(u.path, "/a b/A");
  EXPECT_EQ(u.EscapedPath(), "/a%20b/A");
  EXPECT_EQ(u.raw_query, "x");
  ASSERT_TRUE(gourl::ParseGoUrl("http://example.com", &u).ok());
  EXPECT_EQ(u.EscapedPath(), "");
  ASSERT_TRUE(gourl::ParseGoUrl("//host/p?", &u).ok());
  EXPECT_EQ(u.host, "host");
  EXPECT_TRUE(u.force_query);
}

TEST(TestSleepTest, SleepsParsesAndStopsOnCancel) {
  Context ctx;
  Value out;
  auto t0 = std::chrono::steady_clock::now();
  Value arg = S("20ms");
  ASSERT_TRUE(TestSleep(ctx, std::span<const Value>(&arg, 1), &out).ok());
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(20));
  EXPECT_EQ(out, Null());

  Value bad = S("10 parsecs");
  Status st = TestSleep(ctx, std::span<const Value>(&bad, 1), &out);
  EXPECT_EQ(st.code(), StatusCode::kEvalBuiltinError);
  EXPECT_NE(st.message().find("time: "), std::string_view::npos) << st.ToString();

  int polls = 0;
  ctx.check_cancel = [&polls]() { return ++polls > 3 ? Status::Cancelled("cancelled") : Status::OK(); };
  Value long_sleep = S("30s");
  t0 = std::chrono::steady_clock::now();
  st = TestSleep(ctx, std::span<const Value>(&long_sleep, 1), &out);
  EXPECT_EQ(st.code(), StatusCode::kEvalCancelError);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
}

}  // namespace
}  // namespace fedra::builtins
