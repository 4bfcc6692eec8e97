#include "builtins/builtin_test_util.h"

namespace fedra::builtins::testing {
namespace {

TEST(StringsTest, Concat) {
  EXPECT_EQ(Eval("concat", {S("/"), A({S(""), S("foo"), S("bar"), S("0"), S("baz")})}), S("/foo/bar/0/baz"));
  EXPECT_EQ(Eval("concat", {S(","), Set({S("b"), S("a")})}), S("a,b"));
  EXPECT_EQ(Eval("concat", {S(","), A({})}), S(""));
  ExpectTypeError("concat", {S(","), A({S("a"), I(1)})}, "operand 2 must be array of strings but got array containing number");
  ExpectTypeError("concat", {S(","), S("a")}, "operand 2 must be one of {set, array} but got string");
  ExpectTypeError("concat", {I(1), A({})}, "operand 1 must be string but got number");
}

TEST(StringsTest, ContainsStartsEnds) {
  EXPECT_EQ(Eval("contains", {S("abcdefgh"), S("defg")}), B(true));
  EXPECT_EQ(Eval("contains", {S("abcdefgh"), S("ac")}), B(false));
  EXPECT_EQ(Eval("startswith", {S("abcdefgh"), S("abcd")}), B(true));
  EXPECT_EQ(Eval("startswith", {S("abcdefgh"), S("bcd")}), B(false));
  EXPECT_EQ(Eval("endswith", {S("abcdefgh"), S("fgh")}), B(true));
  EXPECT_EQ(Eval("endswith", {S("abcdefgh"), S("fg")}), B(false));
  ExpectTypeError("contains", {S("a"), I(1)}, "operand 2 must be string but got number");
}

TEST(StringsTest, IndexOfCountsRunes) {
  EXPECT_EQ(Eval("indexof", {S("abcdefgh"), S("cde")}), I(2));
  EXPECT_EQ(Eval("indexof", {S("abcabcabcdefgh"), S("cde")}), I(8));
  EXPECT_EQ(Eval("indexof", {S("μx"), S("x")}), I(1));
  EXPECT_EQ(Eval("indexof", {S("μ"), S("μμ")}), I(-1));
  EXPECT_EQ(Eval("indexof", {S("skön var våren"), S("vår")}), I(9));
  EXPECT_EQ(Eval("indexof", {S("🍧🍨🧁🍰🍮"), S("🍮")}), I(4));
  ExpectBuiltinError("indexof", {S("abc"), S("")}, "empty search character");
}

TEST(StringsTest, IndexOfN) {
  EXPECT_EQ(Eval("indexof_n", {S("dogcatdogcat"), S("cat")}), A({I(3), I(9)}));
  EXPECT_EQ(Eval("indexof_n", {S("dogcat"), S("rabbit")}), A({}));
  EXPECT_EQ(Eval("indexof_n", {S("😇😀😇😀😇😀"), S("😀")}), A({I(1), I(3), I(5)}));
  EXPECT_EQ(Eval("indexof_n", {S("aaa"), S("aa")}), A({I(0), I(1)}));
  ExpectBuiltinError("indexof_n", {S("abc"), S("")}, "empty search character");
}

TEST(StringsTest, Substring) {
  EXPECT_EQ(Eval("substring", {S("abcdefgh"), I(2), I(3)}), S("cde"));
  EXPECT_EQ(Eval("substring", {S("abcdefgh"), I(2), I(10000)}), S("cdefgh"));
  EXPECT_EQ(Eval("substring", {S("abcdefghåäö"), I(2), I(10000)}), S("cdefghåäö"));
  EXPECT_EQ(Eval("substring", {S("åäöx"), I(1), I(2)}), S("äö"));
  EXPECT_EQ(Eval("substring", {S("aaa"), I(3), I(-1)}), S(""));
  EXPECT_EQ(Eval("substring", {S("åäö"), I(4), I(-1)}), S(""));
  EXPECT_EQ(Eval("substring", {S("abc"), I(1), I(-5)}), S("bc"));
  ExpectBuiltinError("substring", {S("aaa"), I(-1), I(-1)}, "negative offset");
  ExpectTypeError("substring", {S("aaa"), D(1.5), I(1)}, "operand 2 must be integer number but got floating-point number");
}

TEST(StringsTest, LowerUpper) {
  EXPECT_EQ(Eval("lower", {S("AbCdEf")}), S("abcdef"));
  EXPECT_EQ(Eval("upper", {S("AbCdEf")}), S("ABCDEF"));
  EXPECT_EQ(Eval("upper", {S("åäö straße")}), S("ÅÄÖ STRAßE"));
  EXPECT_EQ(Eval("lower", {S("ÅÄÖ")}), S("åäö"));
}

TEST(StringsTest, Split) {
  EXPECT_EQ(Eval("split", {S(""), S(".")}), A({S("")}));
  EXPECT_EQ(Eval("split", {S("test"), S("")}), A({S("t"), S("e"), S("s"), S("t")}));
  EXPECT_EQ(Eval("split", {S(""), S("")}), A({}));
  EXPECT_EQ(Eval("split", {S("foo.bar.baz"), S(".")}), A({S("foo"), S("bar"), S("baz")}));
  EXPECT_EQ(Eval("split", {S("a..b"), S(".")}), A({S("a"), S(""), S("b")}));
}

TEST(StringsTest, SplitN) {
  Value s = S("a.b.c.d");
  EXPECT_EQ(Eval("strings.split_n", {s, S("."), I(2)}), A({S("a"), S("b")}));
  EXPECT_EQ(Eval("strings.split_n", {s, S("."), I(10)}), A({S("a"), S("b"), S("c"), S("d")}));
  EXPECT_EQ(Eval("strings.split_n", {s, S("."), I(0)}), A({}));
  EXPECT_EQ(Eval("strings.split_n", {s, S("."), I(-2)}), A({S("c"), S("d")}));
  EXPECT_EQ(Eval("strings.split_n", {s, S("."), I(-10)}), A({S("a"), S("b"), S("c"), S("d")}));
  EXPECT_EQ(Eval("strings.split_n", {S(""), S("."), I(2)}), A({S("")}));
  EXPECT_EQ(Eval("strings.split_n", {S("abc"), S(""), I(-2)}), A({S("b"), S("c")}));
  ExpectTypeError("strings.split_n", {S("a.b"), S("."), D(1.5)},
                  "operand 3 must be integer number but got floating-point number");
}

TEST(StringsTest, Replace) {
  EXPECT_EQ(Eval("replace", {S(""), S("hi"), S("bye")}), S(""));
  EXPECT_EQ(Eval("replace", {S("foo.bar.baz"), S("."), S(",")}), S("foo,bar,baz"));
  EXPECT_EQ(Eval("replace", {S("foo...bar"), S(".."), S(",,")}), S("foo,,.bar"));
  EXPECT_EQ(Eval("replace", {S("ab"), S(""), S("-")}), S("-a-b-"));
}

TEST(StringsTest, ReplacementsStopAtTheResultLimit) {
  // 10,000 matches of a 10,000-byte replacement: 100 MB, over the 64 MiB bound.
  const Value subject = S(std::string(10000, 'a'));
  const Value long_repl = S(std::string(10000, 'b'));
  ExpectError("strings.replace_n", {O({{S("a"), long_repl}}), subject}, StatusCode::kEvalLimitError,
              "result longer than 67108864 bytes");
  ExpectError("replace", {subject, S("a"), long_repl}, StatusCode::kEvalLimitError,
              "result longer than 67108864 bytes");
  ExpectError("strings.replace_n", {O({{S("a"), long_repl}, {S("c"), S("d")}}), subject},
              StatusCode::kEvalLimitError, "result longer than 67108864 bytes");
  // Under the bound the result is whole.
  EXPECT_EQ(Eval("replace", {S(std::string(1000, 'a')), S("a"), S(std::string(1000, 'b'))}).size(),
            1000000u);
}

TEST(StringsTest, ReplaceN) {
  EXPECT_EQ(Eval("strings.replace_n", {O({{S("<"), S("&lt;")}, {S(">"), S("&gt;")}}), S("This is <b>HTML</b>!")}),
            S("This is &lt;b&gt;HTML&lt;/b&gt;!"));
  // Keys are tried in sorted order: "f" before "foo".
  EXPECT_EQ(Eval("strings.replace_n", {O({{S("foo"), S("xxx")}, {S("f"), S("x")}}), S("foobar")}), S("xoobar"));
  EXPECT_EQ(Eval("strings.replace_n", {O({{S("old1"), S("new1")}}), S("Everything is new1")}), S("Everything is new1"));
  ExpectTypeError("strings.replace_n", {O({{I(2), S("x")}}), S("foo")},
                  "operand 1 non-string key found in pattern object");
  ExpectTypeError("strings.replace_n", {O({{S("f"), I(100)}}), S("foo")},
                  "operand 1 non-string value found in pattern object");
  ExpectTypeError("strings.replace_n", {O({{S("foo"), S("baz")}}), I(100)},
                  "operand 2 must be string but got number");
}

TEST(StringsTest, ReverseAndCount) {
  EXPECT_EQ(Eval("strings.reverse", {S("bar")}), S("rab"));
  EXPECT_EQ(Eval("strings.reverse", {S("1😀𝛾")}), S("𝛾😀1"));
  EXPECT_EQ(Eval("strings.reverse", {S("2️⃣")}), S("⃣️2"));
  EXPECT_EQ(Eval("strings.reverse", {S("")}), S(""));
  ExpectTypeError("strings.reverse", {I(123)}, "operand 1 must be string but got number");
  EXPECT_EQ(Eval("strings.count", {S("cheese"), S("e")}), I(3));
  EXPECT_EQ(Eval("strings.count", {S("dummy"), S("")}), I(6));
  EXPECT_EQ(Eval("strings.count", {S(""), S("")}), I(1));
  EXPECT_EQ(Eval("strings.count", {S("11111"), S("11")}), I(2));
  EXPECT_EQ(Eval("strings.count", {S(""), S("x")}), I(0));
}

TEST(StringsTest, AnyPrefixSuffixMatch) {
  Value strs = A({S("a/b/c"), S("a/b/d"), S("e/f/g")});
  EXPECT_EQ(Eval("strings.any_prefix_match", {strs, A({S("a/"), S("d/")})}), B(true));
  EXPECT_EQ(Eval("strings.any_prefix_match", {strs, A({S("f/"), S("d/")})}), B(false));
  EXPECT_EQ(Eval("strings.any_prefix_match", {strs, S("e/f/g")}), B(true));
  EXPECT_EQ(Eval("strings.any_prefix_match", {S("a/b/c"), Set({S("g/"), S("a/")})}), B(true));
  EXPECT_EQ(Eval("strings.any_prefix_match", {A({}), A({})}), B(false));
  EXPECT_EQ(Eval("strings.any_suffix_match", {strs, A({S("/c"), S("/a")})}), B(true));
  EXPECT_EQ(Eval("strings.any_suffix_match", {strs, A({S("b/c/")})}), B(false));
  ExpectTypeError("strings.any_prefix_match", {A({I(1)}), A({S("f/")})},
                  "operand 1 must be array of strings but got array containing number");
  ExpectTypeError("strings.any_suffix_match", {strs, I(1)}, "operand 2 must be one of {string, set, array} but got number");
}

TEST(StringsTest, Trims) {
  EXPECT_EQ(Eval("trim", {S("...foo.bar..."), S(".fr")}), S("oo.ba"));
  EXPECT_EQ(Eval("trim", {S("¡¡¡foo, bar!!!"), S("!¡")}), S("foo, bar"));
  EXPECT_EQ(Eval("trim", {S("¡¡¡foo, bar!!!"), S("i")}), S("¡¡¡foo, bar!!!"));
  EXPECT_EQ(Eval("trim_left", {S("¡¡¡foo, bar!!!"), S("!¡")}), S("foo, bar!!!"));
  EXPECT_EQ(Eval("trim_right", {S("¡¡¡foo, bar!!!"), S("!¡")}), S("¡¡¡foo, bar"));
  EXPECT_EQ(Eval("trim_prefix", {S("¡¡¡foo, bar!!!"), S("¡¡¡foo")}), S(", bar!!!"));
  EXPECT_EQ(Eval("trim_prefix", {S("¡¡¡foo, bar!!!"), S("¡¡¡bar")}), S("¡¡¡foo, bar!!!"));
  EXPECT_EQ(Eval("trim_suffix", {S("¡¡¡foo, bar!!!"), S(", bar!!!")}), S("¡¡¡foo"));
  EXPECT_EQ(Eval("trim_space", {S(" \t\n foo, bar \n\t\r\n")}), S("foo, bar"));
  EXPECT_EQ(Eval("trim_space", {S("\u00a0x\u3000")}), S("x"));
}

TEST(StringsTest, FormatInt) {
  EXPECT_EQ(Eval("format_int", {D(15.5), I(16)}), S("f"));
  EXPECT_EQ(Eval("format_int", {D(3.1), I(10)}), S("3"));
  EXPECT_EQ(Eval("format_int", {D(-3.9), I(10)}), S("-3"));
  EXPECT_EQ(Eval("format_int", {I(5), I(2)}), S("101"));
  EXPECT_EQ(Eval("format_int", {I(-8), I(8)}), S("-10"));
  EXPECT_EQ(Eval("format_int", {N("123456789123456789123"), I(16)}), S("6b14e9f9b0df36a83"));
  EXPECT_EQ(Eval("format_int", {N("123456789123456789123"), I(10)}), S("123456789123456789123"));
  ExpectTypeError("format_int", {D(4.1), I(199)}, "operand 2 must be one of {2, 8, 10, 16}");
  ExpectTypeError("format_int", {S("1"), I(10)}, "operand 1 must be number but got string");
}

TEST(StringsTest, RenderTemplate) {
  EXPECT_EQ(Eval("strings.render_template", {S("{{.test}}"), O({{S("test"), S("hello world")}})}), S("hello world"));
  EXPECT_EQ(Eval("strings.render_template", {S("{{.test}}"), O({{S("test"), I(2023)}})}), S("2023"));
  EXPECT_EQ(Eval("strings.render_template",
                 {S("{{range $i, $name := .hellonames}}{{if $i}},{{end}}hello {{$name}}{{end}}"),
                  O({{S("hellonames"), A({S("rohan"), S("john doe")})}})}),
            S("hello rohan,hello john doe"));
  EXPECT_EQ(Eval("strings.render_template", {S("test {{.foo}} {{.bar}} {{.baz}}"), O({{S("baz"), I(1)}})}),
            S("test <undefined> <undefined> 1"));
  EXPECT_EQ(Eval("strings.render_template",
                 {S("{{- if .a.b }} yes {{- else }} no {{- end }}!"), O({{S("a"), O({{S("b"), B(false)}})}})}),
            S(" no!"));
  EXPECT_EQ(Eval("strings.render_template", {S("{{.l}} {{.m}} {{len .l}} {{index .l 1}}"),
                                              O({{S("l"), A({I(1), S("x")})}, {S("m"), O({{S("k"), Null()}})}})}),
            S("[1 x] map[k:<nil>] 2 x"));
  EXPECT_EQ(Eval("strings.render_template", {S("{{if eq .a \"x\"}}A{{else if .b}}B{{else}}C{{end}}"),
                                              O({{S("a"), S("y")}, {S("b"), I(1)}})}),
            S("B"));
  CallResult bad = Call("strings.render_template", {S("{{if .a}}"), O({})});
  EXPECT_EQ(bad.status.code(), StatusCode::kEvalBuiltinError);
  CallResult bad2 = Call("strings.render_template", {S("{{nosuchfn 1}}"), O({})});
  EXPECT_EQ(bad2.status.code(), StatusCode::kEvalBuiltinError);
}

}  // namespace
}  // namespace fedra::builtins::testing
