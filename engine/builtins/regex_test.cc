#include <atomic>
#include <thread>

#include "builtins/builtin_test_util.h"

namespace fedra::builtins::testing {
namespace {

TEST(RegexTest, Match) {
  EXPECT_EQ(Eval("regex.match", {S("^[a-z]+\\[[0-9]+\\]$"), S("foo[1]")}), B(true));
  EXPECT_EQ(Eval("regex.match", {S("^$"), S("")}), B(true));
  EXPECT_EQ(Eval("regex.match", {S(""), S("x")}), B(true));
  EXPECT_EQ(Eval("regex.match", {S("^$"), S("something")}), B(false));
  EXPECT_EQ(Eval("re_match", {S("b+"), S("abbc")}), B(true));
  EXPECT_EQ(Eval("regex.match", {S("(?i)HELLO"), S("say hello")}), B(true));
  ExpectBuiltinError("regex.match", {S("$^[[["), S("x")}, "error parsing regexp: missing closing ]: `[[[`");
  ExpectBuiltinError("regex.match", {S("a(b"), S("x")}, "error parsing regexp: missing closing ): `a(b`");
  ExpectTypeError("regex.match", {I(1), S("x")}, "operand 1 must be string but got number");
}

TEST(RegexTest, IsValid) {
  EXPECT_EQ(Eval("regex.is_valid", {S(".+")}), B(true));
  EXPECT_EQ(Eval("regex.is_valid", {S("++")}), B(false));
  EXPECT_EQ(Eval("regex.is_valid", {I(10)}), B(false));
}

TEST(RegexTest, Split) {
  EXPECT_EQ(Eval("regex.split", {S("^[a-z]+\\[[0-9]+\\]$"), S("")}), A({S("")}));
  EXPECT_EQ(Eval("regex.split", {S("^[a-z]+"), S("foobar baz")}), A({S(""), S(" baz")}));
  EXPECT_EQ(Eval("regex.split", {S("[a-z]+$"), S("foobar baz")}), A({S("foobar "), S("")}));
  EXPECT_EQ(Eval("regex.split", {S("^[a-z]+$"), S("foobar baz")}), A({S("foobar baz")}));
  EXPECT_EQ(Eval("regex.split", {S("^[a-z ]+$"), S("foobar baz")}), A({S(""), S("")}));
  EXPECT_EQ(Eval("regex.split", {S("a"), S("banana")}), A({S("b"), S("n"), S("n"), S("")}));
  EXPECT_EQ(Eval("regex.split", {S("z+"), S("pizza")}), A({S("pi"), S("a")}));
  EXPECT_EQ(Eval("regex.split", {S(""), S("abc")}), A({S("a"), S("b"), S("c")}));
}

TEST(RegexTest, FindN) {
  EXPECT_EQ(Eval("regex.find_n", {S("a."), S("paranormal"), I(-1)}), A({S("ar"), S("an"), S("al")}));
  EXPECT_EQ(Eval("regex.find_n", {S("a."), S("paranormal"), I(2)}), A({S("ar"), S("an")}));
  EXPECT_EQ(Eval("regex.find_n", {S("a."), S("paranormal"), I(0)}), A({}));
  EXPECT_EQ(Eval("regex.find_n", {S("^a."), S("abacadaeaf"), I(-1)}), A({S("ab")}));
  EXPECT_EQ(Eval("regex.find_n", {S(".$"), S("abacadaeaf"), I(-1)}), A({S("f")}));
  EXPECT_EQ(Eval("regex.find_n", {S("[abcdef]{2}"), S("abacadaeaf"), I(-1)}),
            A({S("ab"), S("ac"), S("ad"), S("ae"), S("af")}));
  EXPECT_EQ(Eval("regex.find_n", {S("x*"), S("axxb"), I(-1)}), A({S(""), S("xx"), S("")}));
  ExpectTypeError("regex.find_n", {S("a"), S("a"), D(1.5)}, "operand 3 must be integer number but got floating-point number");
}

TEST(RegexTest, FindAllSubmatch) {
  EXPECT_EQ(Eval("regex.find_all_string_submatch_n", {S("a(x*)b"), S("-"), I(-1)}), A({}));
  EXPECT_EQ(Eval("regex.find_all_string_submatch_n", {S("a(x*)b"), S("-ab-axb-"), I(-1)}),
            A({A({S("ab"), S("")}), A({S("axb"), S("x")})}));
  EXPECT_EQ(Eval("regex.find_all_string_submatch_n", {S("[^aouiye]([aouiye])([^aouiye])?"), S("somestri"), I(1)}),
            A({A({S("som"), S("o"), S("m")})}));
  EXPECT_EQ(Eval("regex.find_all_string_submatch_n", {S("(a)|(b)"), S("b"), I(-1)}), A({A({S("b"), S(""), S("b")})}));
}

TEST(RegexTest, Replace) {
  EXPECT_EQ(Eval("regex.replace", {S("-wy-wxxy-"), S("w(x*)y"), S("0")}), S("-0-0-"));
  // 10,000 matches of a 10,000-byte replacement would be 100 MB.
  ExpectError("regex.replace", {S(std::string(10000, 'a')), S("a"), S(std::string(10000, 'b'))},
              StatusCode::kEvalLimitError, "result longer than 67108864 bytes");
  EXPECT_EQ(Eval("regex.replace", {S("foo"), S("(foo)"), S("$1$1")}), S("foofoo"));
  EXPECT_EQ(Eval("regex.replace", {S("foo"), S("^[a-z]"), S("F")}), S("Foo"));
  EXPECT_EQ(Eval("regex.replace", {S("foo"), S("^[a-z]$"), S("F")}), S("foo"));
  EXPECT_EQ(Eval("regex.replace", {S("foo"), S("[a-z]$"), S("F")}), S("foF"));
  EXPECT_EQ(Eval("regex.replace", {S("foo bar"), S("[a-z]"), S("_")}), S("___ ___"));
  EXPECT_EQ(Eval("regex.replace", {S("foo barx"), S("[a-z]{3}"), S("_")}), S("_ _x"));
  EXPECT_EQ(Eval("regex.replace", {S("foo barx"), S("[a-z]{2}"), S("_")}), S("_o __"));
  EXPECT_EQ(Eval("regex.replace", {S("abc"), S("x*"), S("-")}), S("-a-b-c-"));
  EXPECT_EQ(Eval("regex.replace", {S("ab"), S("(?P<first>a)"), S("[${first}|$first|$$|$9|$1x]")}), S("[a|a|$||]b"));
  ExpectBuiltinError("regex.replace", {S("foo"), S("["), S("$1")}, "error parsing regexp: missing closing ]: `[`");
}

TEST(RegexTest, TemplateMatch) {
  EXPECT_EQ(Eval("regex.template_match", {S("urn:foo:{.*}"), S("urn:foo:bar:baz"), S("{"), S("}")}), B(true));
  EXPECT_EQ(Eval("regex.template_match", {S("urn:foo:<.*>"), S("urn:foo:bar:baz"), S("<"), S(">")}), B(true));
  EXPECT_EQ(Eval("regex.template_match", {S("urn:foo.bar:{[a-z]+}"), S("urn:fooxbar:abc"), S("{"), S("}")}), B(false));
  ExpectBuiltinError("regex.template_match", {S("urn:{.*"), S("x"), S("{"), S("}")}, "unbalanced braces in \"urn:{.*\"");
  ExpectBuiltinError("regex.template_match", {S("x"), S("x"), S("{{"), S("}")},
                     "start delimiter has to be exactly one character long but is 2 long");
}

TEST(GlobTest, Match) {
  auto m = [](std::string_view p, Value d, std::string_view s) { return Eval("glob.match", {S(p), d, S(s)}); };
  Value dot = A({S(".")});
  EXPECT_EQ(m("*.github.com", dot, "api.github.com"), B(true));
  EXPECT_EQ(m("*.github.com", dot, "api.cdn.github.com"), B(false));
  EXPECT_EQ(m("api.**.com", dot, "api.cdn.github.com"), B(true));
  EXPECT_EQ(m("*:github:com", A({S(":")}), "api:github:com"), B(true));
  EXPECT_EQ(m("*.github.com", dot, "api.not-github.com"), B(false));
  EXPECT_EQ(m("[abc]at", A({}), "cat"), B(true));
  EXPECT_EQ(m("[!abc]at", A({}), "cat"), B(false));
  EXPECT_EQ(m("[!abc]at", A({}), "fat"), B(true));
  EXPECT_EQ(m("[a-c]at", A({}), "bat"), B(true));
  EXPECT_EQ(m("[!a-c]at", A({}), "bat"), B(false));
  EXPECT_EQ(m("?at", A({}), "at"), B(false));
  EXPECT_EQ(m("?at", A({S("f")}), "fat"), B(false));
  EXPECT_EQ(m("{cat,bat,[fr]at}", A({}), "rat"), B(true));
  EXPECT_EQ(m("{cat,bat,[fr]at}", A({}), "mat"), B(false));
  EXPECT_EQ(m("*", A({}), "foo.bar"), B(false));
  EXPECT_EQ(m("*", Null(), "foo.bar"), B(true));
  EXPECT_EQ(m("a\\*b", Null(), "a*b"), B(true));
  EXPECT_EQ(m("a\\*b", Null(), "axb"), B(false));
  EXPECT_EQ(m("{a,{b,c}d}", Null(), "cd"), B(true));
  EXPECT_EQ(m("a.(b)+", Null(), "a.(b)+"), B(true));
  ExpectTypeError("glob.match", {S("*"), S("."), S("x")}, "operand 2 must be one of {array, null} but got string");
  ExpectTypeError("glob.match", {S("*"), A({S("ab")}), S("x")}, "operand 2 must be array of runes but got array containing string");
  CallResult bad = Call("glob.match", {S("[abc"), Null(), S("a")});
  EXPECT_EQ(bad.status.code(), StatusCode::kEvalBuiltinError);
  CallResult bad2 = Call("glob.match", {S("{a,b"), Null(), S("a")});
  EXPECT_EQ(bad2.status.code(), StatusCode::kEvalBuiltinError);
}

TEST(GlobTest, QuoteMeta) {
  EXPECT_EQ(Eval("glob.quote_meta", {S("*.github.com")}), S("\\*.github.com"));
  EXPECT_EQ(Eval("glob.quote_meta", {S("{a}[b]?\\")}), S("\\{a\\}\\[b\\]\\?\\\\"));
}

TEST(GlobTest, GlobsMatch) {
  EXPECT_EQ(Eval("regex.globs_match", {S("a.a.[0-9]+z"), S(".b.b2359825792*594823z")}), B(true));
  EXPECT_EQ(Eval("regex.globs_match", {S("[a-z]+"), S("[0-9]*")}), B(false));
  EXPECT_EQ(Eval("regex.globs_match", {S("b.*"), S("bar")}), B(true));
  EXPECT_EQ(Eval("regex.globs_match", {S("[a-z]+\\[[0-9]+\\]"), S("foo\\[1\\]")}), B(true));
  EXPECT_EQ(Eval("regex.globs_match", {S("[a-z]+\\[[0-9]+\\]"), S("foo[\"bar\"]")}), B(false));
  ExpectBuiltinError("regex.globs_match", {S("pqrs]"), S("[a-b]+")},
                     "input:pqrs], pos:5, set-close ']' with no preceding '[': the input provided is invalid");
  ExpectBuiltinError("regex.globs_match", {S("a**"), S("a")},
                     "input:a**, pos:3, flag '*' must be preceded by a non-flag: the input provided is invalid");
  ExpectBuiltinError("regex.globs_match", {S("[a"), S("a")},
                     "input:[a, pos:2, found [ without matching ]: the input provided is invalid");
}

TEST(RegexTest, ConcurrentCacheUse) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < 300; ++i) {
        std::string pat = "^p" + std::to_string((i * 7 + t) % 700) + "$";
        std::string s = "p" + std::to_string((i * 7 + t) % 700);
        const Builtin* b = DefaultRegistry().Find("regex.match");
        Context ctx;
        std::vector<Value> args = {Value::String(pat), Value::String(s)};
        Value out;
        if (!b->fn(ctx, args, &out).ok() || !out.is_true()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace fedra::builtins::testing
