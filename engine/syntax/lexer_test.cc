#include "syntax/lexer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace fedra::syntax {
namespace {

std::vector<Token> LexAll(std::string_view src, Status* status = nullptr) {
  Lexer lex(src, "f.rego");
  std::vector<Token> out;
  while (true) {
    Token t;
    Status s = lex.Next(&t);
    if (!s.ok()) {
      if (status) *status = s;
      return out;
    }
    out.push_back(t);
    if (t.kind == Tok::kEof) break;
  }
  if (status) *status = Status::OK();
  return out;
}

std::string Kinds(const std::vector<Token>& toks) {
  std::string s;
  for (const auto& t : toks) {
    if (!s.empty()) s += ' ';
    s += TokName(t.kind);
  }
  return s;
}

TEST(LexerTest, OperatorsAndPositions) {
  auto toks = LexAll("x := a == b != c <= d >= e < f > g + - * / % & | . , ; : [ ] { } ( ) =");
  EXPECT_EQ(Kinds(toks),
            "ident := ident == ident != ident <= ident >= ident < ident > ident + - * / % & | "
            ". , ; : [ ] { } ( ) = eof");
  EXPECT_EQ(toks[0].line, 1u);
  EXPECT_EQ(toks[0].col, 1u);
  EXPECT_EQ(toks[1].col, 3u);
  EXPECT_EQ(toks[1].text, ":=");
}

TEST(LexerTest, LinesColumnsAndNewlineFlags) {
  auto toks = LexAll("a # comment\n  b\tc\n\n\xc3\xa9x d");
  // "éx" is not an identifier: é is reported by the lexer as an error, so
  // check positions only up to it.
  ASSERT_GE(toks.size(), 3u);
  EXPECT_EQ(toks[0].text, "a");
  EXPECT_FALSE(toks[0].nl_before);
  EXPECT_EQ(toks[1].text, "b");
  EXPECT_TRUE(toks[1].nl_before);
  EXPECT_TRUE(toks[1].ws_before);
  EXPECT_EQ(toks[1].line, 2u);
  EXPECT_EQ(toks[1].col, 3u);
  EXPECT_EQ(toks[2].text, "c");
  EXPECT_FALSE(toks[2].nl_before);
  EXPECT_EQ(toks[2].col, 5u);  // a tab is one column
}

TEST(LexerTest, ColumnsCountCodePoints) {
  auto toks = LexAll("\"\xc3\xa9\xc3\xa9\" x");
  ASSERT_EQ(toks.size(), 3u);
  EXPECT_EQ(toks[0].value, "\xc3\xa9\xc3\xa9");
  EXPECT_EQ(toks[1].col, 6u);
}

TEST(LexerTest, Numbers) {
  auto toks = LexAll("0 12 1.5 2e10 3.25E-2 7e+3 .5 x[0].y");
  std::vector<std::string> texts;
  for (const auto& t : toks) texts.emplace_back(t.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"0", "12", "1.5", "2e10", "3.25E-2", "7e+3", ".",
                                             "5", "x", "[", "0", "]", ".", "y", ""}));
  EXPECT_EQ(toks[2].kind, Tok::kNumber);
}

TEST(LexerTest, NumberErrors) {
  struct Case {
    const char* src;
    const char* msg;
  } cases[] = {
      {"1.x", "expected fraction"},
      {"4e", "expected exponent"},
      {"4e+", "expected exponent"},
      {"0a2b", "a letter follows the digits"},
  };
  for (const auto& c : cases) {
    Status s;
    LexAll(c.src, &s);
    ASSERT_FALSE(s.ok()) << c.src;
    EXPECT_NE(s.message().find(c.msg), std::string_view::npos) << c.src << ": " << s.message();
  }
}

TEST(LexerTest, ByteOrderMarkAndNul) {
  auto toks = LexAll("\xEF\xBB\xBFpackage");
  ASSERT_EQ(toks.size(), 2u);
  EXPECT_EQ(toks[0].text, "package");
  EXPECT_EQ(toks[0].col, 1u);
  Status s = ValidateUtf8(std::string_view("a\0b", 3), "f");
  EXPECT_NE(s.message().find("null character"), std::string_view::npos) << s.ToString();
  EXPECT_EQ(s.location().col, 2u);
  EXPECT_FALSE(ValidateUtf8("a\xEF\xBB\xBF", "f").ok());
  EXPECT_TRUE(ValidateUtf8("\xEF\xBB\xBF a", "f").ok());
}

TEST(LexerTest, StringEscapes) {
  auto toks = LexAll(R"("a\"b\\c\/d\be\ff\ng\rh\ti" "\u00e9\ud83d\ude00" "\ud83d" "\ude00x")");
  ASSERT_EQ(toks.size(), 5u);
  EXPECT_EQ(toks[0].value, "a\"b\\c/d\be\ff\ng\rh\ti");
  EXPECT_EQ(toks[1].value, "\xc3\xa9\xf0\x9f\x98\x80");
  // Lone surrogates decode to U+FFFD, as Go's encoding/json does.
  EXPECT_EQ(toks[2].value, "\xef\xbf\xbd");
  EXPECT_EQ(toks[3].value, "\xef\xbf\xbdx");
}

TEST(LexerTest, RawStrings) {
  auto toks = LexAll("`a\\nb\n\"c\"`");
  ASSERT_EQ(toks.size(), 2u);
  EXPECT_EQ(toks[0].kind, Tok::kString);
  EXPECT_TRUE(toks[0].raw);
  EXPECT_EQ(toks[0].value, "a\\nb\n\"c\"");
}

TEST(LexerTest, StringErrors) {
  struct Case {
    const char* src;
    const char* msg;
    uint32_t col;
  } cases[] = {
      {"x \"abc", "unterminated string", 3},
      {"\"ab\ncd\"", "before end of line", 1},
      {"\"a\\x\"", "invalid escape sequence \\x", 3},
      {"\"\\u12g4\"", "invalid unicode escape", 2},
      {"`abc", "unterminated raw string", 1},
      {"\"\\{\"", "invalid escape sequence \\{", 2},
      {"x @", "unexpected character '@'", 3},
      {"$x", "template strings start with", 1},
  };
  for (const auto& c : cases) {
    Status s;
    LexAll(c.src, &s);
    ASSERT_FALSE(s.ok()) << c.src;
    EXPECT_EQ(s.code(), StatusCode::kParseError);
    EXPECT_NE(s.message().find(c.msg), std::string_view::npos) << c.src << ": " << s.message();
    EXPECT_EQ(s.location().col, c.col) << c.src << ": " << s.ToString();
    EXPECT_EQ(s.location().file, "f.rego");
  }
}

TEST(LexerTest, TemplatePieces) {
  std::string_view src = R"($"a\{b{x}c\n" y)";
  Lexer lex(src, "f");
  Token t;
  ASSERT_TRUE(lex.Next(&t).ok());
  EXPECT_EQ(t.kind, Tok::kTemplatePart);
  EXPECT_EQ(t.value, "a{b");
  ASSERT_TRUE(lex.Next(&t).ok());
  EXPECT_EQ(t.kind, Tok::kIdent);
  ASSERT_TRUE(lex.Next(&t).ok());
  EXPECT_EQ(t.kind, Tok::kRBrace);
  ASSERT_TRUE(lex.ContinueTemplate(false, &t).ok());
  EXPECT_EQ(t.kind, Tok::kTemplateEnd);
  EXPECT_EQ(t.value, "c\n");
  ASSERT_TRUE(lex.Next(&t).ok());
  EXPECT_EQ(t.text, "y");
  EXPECT_TRUE(t.ws_before);

  Lexer raw("$`a\n{", "f");
  ASSERT_TRUE(raw.Next(&t).ok());
  EXPECT_EQ(t.kind, Tok::kTemplatePart);
  EXPECT_TRUE(t.raw);
  EXPECT_EQ(t.value, "a\n");
}

TEST(LexerTest, Utf8Validation) {
  EXPECT_TRUE(ValidateUtf8("plain \xc3\xa9 \xf0\x9f\x98\x80", "f").ok());
  struct Case {
    std::string src;
    uint32_t line, col;
  } cases[] = {
      {"ab\xff", 1, 3},
      {"a\n\xc3\x28", 2, 1},         // bad continuation byte
      {"\xc0\xaf", 1, 1},            // overlong
      {"\xed\xa0\x80", 1, 1},        // UTF-16 surrogate
      {"x\xf4\x90\x80\x80", 1, 2},   // above U+10FFFF
      {"\xe2\x82", 1, 1},            // truncated
  };
  for (const auto& c : cases) {
    Status s = ValidateUtf8(c.src, "f");
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("invalid UTF-8"), std::string_view::npos);
    EXPECT_EQ(s.location().line, c.line);
    EXPECT_EQ(s.location().col, c.col);
  }
}

}  // namespace
}  // namespace fedra::syntax
