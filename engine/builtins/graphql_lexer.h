// GraphQL lexer (spec section 2.1) with the token positions and error
// wording of gqlparser, which OPA's graphql.* builtins report verbatim.
//
// Lines and columns are 1-based; columns count runes. A lexical error yields
// a kInvalid token at the error position plus an error message; the parser
// decides whether that message or an "Unexpected <Invalid>" is reported.
#ifndef FEDRA_BUILTINS_GRAPHQL_LEXER_H_
#define FEDRA_BUILTINS_GRAPHQL_LEXER_H_

#include <string>
#include <string_view>

#include "builtins/graphql_ast.h"

namespace fedra::builtins {

enum class GqlTok {
  kInvalid, kEOF, kBang, kDollar, kAmp, kParenL, kParenR, kSpread, kColon,
  kEquals, kAt, kBracketL, kBracketR, kBraceL, kPipe, kBraceR, kName, kInt,
  kFloat, kString, kBlockString,
};

// "<EOF>", "!", "Name", ... (gqlparser's Type.Name()).
std::string_view GqlTokName(GqlTok kind);

struct GqlToken {
  GqlTok kind = GqlTok::kInvalid;
  std::string value;  // names, numbers and (unescaped) strings only
  GqlPos pos;
};
// `Name "foo"` or `{` (gqlparser's Token.String()).
std::string GqlTokenString(const GqlToken& t);
// Go's strconv.Quote, for messages.
std::string GoQuote(std::string_view s);

class GqlLexer {
 public:
  explicit GqlLexer(std::string_view input) : in_(input) {}
  // Reads the next token. On a lexical error returns false, sets *error, and
  // *tok is a kInvalid token at the error position.
  bool Next(GqlToken* tok, std::string* error);

 private:
  void SkipWhitespace();
  GqlToken Make(GqlTok kind, std::string value) const;
  bool Fail(GqlToken* tok, std::string* error, std::string msg) const;
  bool ReadName(GqlToken* tok);
  bool ReadNumber(GqlToken* tok, std::string* error);
  bool ReadString(GqlToken* tok, std::string* error);
  bool ReadBlockString(GqlToken* tok, std::string* error);
  std::string DescribeNext() const;
  size_t AcceptDigits();

  std::string_view in_;
  size_t start_ = 0, end_ = 0;         // bytes
  int start_runes_ = 0, end_runes_ = 0;
  int line_ = 1, line_start_runes_ = 0;
};

}  // namespace fedra::builtins

#endif  // FEDRA_BUILTINS_GRAPHQL_LEXER_H_
