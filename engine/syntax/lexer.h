// Rego lexer: source bytes -> tokens with line:col.
//
// The lexer is a small copyable cursor over the source (offset, line, column):
// the parser pulls one token at a time and may copy the lexer to look ahead or
// to retry a construct, which costs nothing more than re-scanning.
//
// Keywords are not decided here: every word is a kIdent and the parser decides
// whether `if`, `in`, `every`, `contains` are keywords, because that depends
// on the module's Rego version and its `future.keywords` imports, which the
// parser only learns while reading.
//
// Whitespace and `#` comments are skipped; each token records whether
// whitespace or a newline preceded it, since newlines separate expressions in
// bodies and refs must be written without whitespace (`a.b[c]`, `f(x)`).
//
// Template strings ($"a{x}b", $`a{x}b`) are scanned in pieces: the lexer
// returns the literal text up to the first unescaped `{` as a
// kTemplatePart, the parser parses the expression up to the matching `}`, and
// then calls ContinueTemplate() to scan the next piece. The last piece is a
// kTemplateEnd.
//
// Columns count Unicode code points (like OPA), starting at 1. The source must
// be valid UTF-8; ValidateUtf8 reports the position of the first bad byte.
#ifndef FEDRA_SYNTAX_LEXER_H_
#define FEDRA_SYNTAX_LEXER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fedra/status.h"
#include "value/utf8.h"

namespace fedra::syntax {

enum class Tok : uint8_t {
  kEof,
  kIdent,
  kNumber,        // text is the literal, e.g. "12", "1.5e3" (no sign)
  kString,        // "..." or `...`; value holds the decoded string
  kTemplatePart,  // $"..{  or  }..{  : value holds the decoded literal text
  kTemplateEnd,   // $".."  or  }.."  : value holds the decoded literal text
  kAssign,        // :=
  kUnify,         // =
  kEqual,         // ==
  kNeq,           // !=
  kLt,
  kLte,
  kGt,
  kGte,
  kPlus,
  kMinus,
  kMul,
  kDiv,
  kRem,
  kAnd,  // &
  kOr,   // |
  kDot,
  kComma,
  kSemicolon,
  kColon,
  kLBrack,
  kRBrack,
  kLBrace,
  kRBrace,
  kLParen,
  kRParen,
};

// A short name for messages: "ident", "number", "string", "eof", or the
// operator text in quotes ("'{'").
std::string TokName(Tok tok);

struct Token {
  Tok kind = Tok::kEof;
  std::string_view text;  // the token's source text
  std::string value;      // decoded string for kString and template pieces
  bool raw = false;       // raw string / raw template (backquotes)
  bool ws_before = false;  // whitespace or a comment precedes the token
  bool nl_before = false;  // a newline precedes the token
  uint32_t line = 1;
  uint32_t col = 1;
  size_t offset = 0;  // byte offset of the first byte
  size_t end = 0;     // byte offset one past the last byte
};

// Returns OK when `source` is valid UTF-8; otherwise a parse error at the
// first invalid byte.
Status ValidateUtf8(std::string_view source, std::string_view file);

class Lexer {
 public:
  // `source` and `file` must outlive the lexer and its tokens.
  Lexer(std::string_view source, std::string_view file)
      : src_(source), file_(file) {}

  // Scans the next token into *tok. On a lexical error (bad escape,
  // unterminated string, stray character) returns a parse error at the
  // offending position.
  Status Next(Token* tok);

  // Called right after the parser consumed the `}` that ends a template
  // expression: scans the next literal piece of the template string.
  Status ContinueTemplate(bool raw, Token* tok);

  // Byte offset of the next unread byte.
  size_t offset() const { return pos_; }
  std::string_view source() const { return src_; }
  std::string_view file() const { return file_; }
  Location Loc(uint32_t line, uint32_t col) const { return Location{file_, line, col}; }

 private:
  // Skips whitespace and comments; sets the flags.
  void SkipSpace(bool* ws, bool* nl);
  // Advances one code point (or one byte), keeping line/col.
  void Advance();
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0';
  }
  Status Error(std::string_view msg, uint32_t line, uint32_t col) const;
  Status ScanString(Token* tok);
  Status ScanRawString(Token* tok);
  // Scans a template piece starting at pos_ (just after `$"`, `` $` `` or
  // the closing `}` of an expression).
  Status ScanTemplatePiece(bool raw, Token* tok);
  // Decodes one backslash escape at pos_ (pointing at '\') into *out.
  // `template_mode` also accepts `\{`.
  Status ScanEscape(std::string* out, bool template_mode);
  Status ScanNumber(Token* tok);

  std::string_view src_;
  std::string_view file_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t col_ = 1;
};


}  // namespace fedra::syntax

#endif  // FEDRA_SYNTAX_LEXER_H_
