#include "syntax/lexer.h"

#include <string>

namespace fedra::syntax {

namespace {

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Length of the UTF-8 sequence starting with lead byte `c` (1 for ASCII and
// for bytes ValidateUtf8 has already rejected).
size_t Utf8Len(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) return 2;
  if ((c & 0xF0) == 0xE0) return 3;
  if ((c & 0xF8) == 0xF0) return 4;
  return 1;
}

std::string Printable(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
  static const char kHex[] = "0123456789abcdef";
  return std::string("byte 0x") + kHex[u >> 4] + kHex[u & 15];
}

}  // namespace

std::string TokName(Tok tok) {
  switch (tok) {
    case Tok::kEof: return "eof";
    case Tok::kIdent: return "ident";
    case Tok::kNumber: return "number";
    case Tok::kString: return "string";
    case Tok::kTemplatePart:
    case Tok::kTemplateEnd: return "template-string";
    case Tok::kAssign: return ":=";
    case Tok::kUnify: return "=";
    case Tok::kEqual: return "==";
    case Tok::kNeq: return "!=";
    case Tok::kLt: return "<";
    case Tok::kLte: return "<=";
    case Tok::kGt: return ">";
    case Tok::kGte: return ">=";
    case Tok::kPlus: return "+";
    case Tok::kMinus: return "-";
    case Tok::kMul: return "*";
    case Tok::kDiv: return "/";
    case Tok::kRem: return "%";
    case Tok::kAnd: return "&";
    case Tok::kOr: return "|";
    case Tok::kDot: return ".";
    case Tok::kComma: return ",";
    case Tok::kSemicolon: return ";";
    case Tok::kColon: return ":";
    case Tok::kLBrack: return "[";
    case Tok::kRBrack: return "]";
    case Tok::kLBrace: return "{";
    case Tok::kRBrace: return "}";
    case Tok::kLParen: return "(";
    case Tok::kRParen: return ")";
  }
  return "?";
}


Status ValidateUtf8(std::string_view s, std::string_view file) {
  uint32_t line = 1, col = 1;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0, min = 0;
    if (c < 0x80) {
      n = 1;
    } else if ((c & 0xE0) == 0xC0) {
      n = 2; cp = c & 0x1F; min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      n = 3; cp = c & 0x0F; min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      n = 4; cp = c & 0x07; min = 0x10000;
    }
    bool ok = n != 0 && i + n <= s.size();
    for (size_t k = 1; ok && k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (ok && n > 1 && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) {
      ok = false;
    }
    if (!ok) {
      return Status::ParseError(
          "invalid UTF-8 encoding (" + Printable(s[i]) + "): Rego source must be UTF-8",
          Location{file, line, col});
    }
    if (c == 0) {
      return Status::ParseError("illegal null character", Location{file, line, col});
    }
    if (n == 3 && cp == 0xFEFF && i > 0) {
      return Status::ParseError("illegal byte-order mark (only allowed at the start)",
                                Location{file, line, col});
    }
    if (c == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
    i += n;
  }
  return Status::OK();
}

void Lexer::Advance() {
  if (pos_ >= src_.size()) return;
  if (src_[pos_] == '\n') {
    ++line_;
    col_ = 1;
    ++pos_;
    return;
  }
  pos_ += Utf8Len(static_cast<unsigned char>(src_[pos_]));
  if (pos_ > src_.size()) pos_ = src_.size();
  ++col_;
}

Status Lexer::Error(std::string_view msg, uint32_t line, uint32_t col) const {
  return Status::ParseError(msg, Location{file_, line, col});
}

void Lexer::SkipSpace(bool* ws, bool* nl) {
  while (pos_ < src_.size()) {
    char c = src_[pos_];
    if (c == ' ' || c == '\t' || c == '\r') {
      *ws = true;
      Advance();
    } else if (c == '\n') {
      *ws = true;
      *nl = true;
      Advance();
    } else if (c == '#') {
      *ws = true;
      while (pos_ < src_.size() && src_[pos_] != '\n') Advance();
    } else {
      break;
    }
  }
}

Status Lexer::Next(Token* tok) {
  if (pos_ == 0 && src_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // byte-order mark
  bool ws = false, nl = false;
  SkipSpace(&ws, &nl);
  tok->ws_before = ws;
  tok->nl_before = nl;
  tok->line = line_;
  tok->col = col_;
  tok->offset = pos_;
  tok->value.clear();
  tok->raw = false;
  auto finish = [&](Tok kind, size_t len) {
    for (size_t i = 0; i < len; ++i) Advance();
    tok->kind = kind;
    tok->end = pos_;
    tok->text = src_.substr(tok->offset, pos_ - tok->offset);
    return Status::OK();
  };
  if (pos_ >= src_.size()) return finish(Tok::kEof, 0);
  char c = src_[pos_];
  if (IsIdentStart(c)) {
    size_t n = 0;
    while (IsIdentChar(Peek(n))) ++n;
    return finish(Tok::kIdent, n);
  }
  if (IsDigit(c)) return ScanNumber(tok);
  switch (c) {
    case '"': return ScanString(tok);
    case '`': return ScanRawString(tok);
    case '$':
      if (Peek(1) == '"' || Peek(1) == '`') {
        bool raw = Peek(1) == '`';
        Advance();
        Advance();
        return ScanTemplatePiece(raw, tok);
      }
      return Error("unexpected character '$': template strings start with $\" or $`",
                   line_, col_);
    case ':': return Peek(1) == '=' ? finish(Tok::kAssign, 2) : finish(Tok::kColon, 1);
    case '=': return Peek(1) == '=' ? finish(Tok::kEqual, 2) : finish(Tok::kUnify, 1);
    case '!':
      if (Peek(1) == '=') return finish(Tok::kNeq, 2);
      return Error("unexpected character '!': expected '!=' (use `not` for negation)",
                   line_, col_);
    case '<': return Peek(1) == '=' ? finish(Tok::kLte, 2) : finish(Tok::kLt, 1);
    case '>': return Peek(1) == '=' ? finish(Tok::kGte, 2) : finish(Tok::kGt, 1);
    case '+': return finish(Tok::kPlus, 1);
    case '-': return finish(Tok::kMinus, 1);
    case '*': return finish(Tok::kMul, 1);
    case '/': return finish(Tok::kDiv, 1);
    case '%': return finish(Tok::kRem, 1);
    case '&': return finish(Tok::kAnd, 1);
    case '|': return finish(Tok::kOr, 1);
    case '.': return finish(Tok::kDot, 1);
    case ',': return finish(Tok::kComma, 1);
    case ';': return finish(Tok::kSemicolon, 1);
    case '[': return finish(Tok::kLBrack, 1);
    case ']': return finish(Tok::kRBrack, 1);
    case '{': return finish(Tok::kLBrace, 1);
    case '}': return finish(Tok::kRBrace, 1);
    case '(': return finish(Tok::kLParen, 1);
    case ')': return finish(Tok::kRParen, 1);
    default: break;
  }
  size_t n = Utf8Len(static_cast<unsigned char>(c));
  std::string shown = n > 1 ? "'" + std::string(src_.substr(pos_, n)) + "'" : Printable(c);
  return Error("unexpected character " + shown, line_, col_);
}

// As OPA's scanner: a '.' after the digits must start a fraction, an 'e'
// must start an exponent, and letters right after a number are an error
// (`0a2b` is one bad number, not a number and a name).
Status Lexer::ScanNumber(Token* tok) {
  while (IsDigit(Peek())) Advance();
  if (Peek() == '.') {
    Advance();
    if (!IsDigit(Peek())) return Error("invalid number: expected fraction digits after '.'", line_, col_);
    while (IsDigit(Peek())) Advance();
  }
  if (Peek() == 'e' || Peek() == 'E') {
    Advance();
    if (Peek() == '+' || Peek() == '-') Advance();
    if (!IsDigit(Peek())) return Error("invalid number: expected exponent digits", line_, col_);
    while (IsDigit(Peek())) Advance();
  }
  if (IsIdentStart(Peek())) {
    return Error("invalid number: a letter follows the digits", tok->line, tok->col);
  }
  tok->kind = Tok::kNumber;
  tok->end = pos_;
  tok->text = src_.substr(tok->offset, pos_ - tok->offset);
  return Status::OK();
}

Status Lexer::ScanEscape(std::string* out, bool template_mode) {
  uint32_t line = line_, col = col_;
  Advance();  // '\'
  char c = Peek();
  switch (c) {
    case '"': out->push_back('"'); Advance(); return Status::OK();
    case '\\': out->push_back('\\'); Advance(); return Status::OK();
    case '/': out->push_back('/'); Advance(); return Status::OK();
    case 'b': out->push_back('\b'); Advance(); return Status::OK();
    case 'f': out->push_back('\f'); Advance(); return Status::OK();
    case 'n': out->push_back('\n'); Advance(); return Status::OK();
    case 'r': out->push_back('\r'); Advance(); return Status::OK();
    case 't': out->push_back('\t'); Advance(); return Status::OK();
    case '{':
      if (template_mode) {
        out->push_back('{');
        Advance();
        return Status::OK();
      }
      break;
    case 'u': {
      auto read_hex4 = [this](uint32_t* cp) {
        uint32_t v = 0;
        for (size_t i = 0; i < 4; ++i) {
          int h = HexValue(Peek(i));
          if (h < 0) return false;
          v = v * 16 + static_cast<uint32_t>(h);
        }
        for (size_t i = 0; i < 4; ++i) Advance();
        *cp = v;
        return true;
      };
      Advance();  // 'u'
      uint32_t cp;
      if (!read_hex4(&cp)) {
        return Error("invalid unicode escape: expected 4 hex digits after \\u", line, col);
      }
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        // A high surrogate pairs with an immediately following \uDC00-\uDFFF;
        // a lone surrogate decodes to U+FFFD as in Go's encoding/json.
        uint32_t low = 0;
        if (Peek() == '\\' && Peek(1) == 'u') {
          Lexer save = *this;
          Advance();
          Advance();
          if (read_hex4(&low) && low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else {
            *this = save;
            cp = 0xFFFD;
          }
        } else {
          cp = 0xFFFD;
        }
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        cp = 0xFFFD;
      }
      AppendUtf8(cp, out);
      return Status::OK();
    }
    default: break;
  }
  if (pos_ >= src_.size()) return Error("unterminated string: missing closing '\"'", line, col);
  std::string shown = c == '\n' ? std::string("newline") : Printable(c);
  return Error("invalid escape sequence \\" + std::string(1, c == '\n' ? ' ' : c) +
                   " in string (after '\\' found " + shown +
                   "; valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX" +
                   (template_mode ? " \\{" : "") + ")",
               line, col);
}

Status Lexer::ScanString(Token* tok) {
  uint32_t line = line_, col = col_;
  Advance();  // opening quote
  std::string& out = tok->value;
  while (true) {
    if (pos_ >= src_.size() || Peek() == '\n') {
      return Error("unterminated string: missing closing '\"' before end of " +
                       std::string(pos_ >= src_.size() ? "file" : "line"),
                   line, col);
    }
    char c = Peek();
    if (c == '"') {
      Advance();
      break;
    }
    if (c == '\\') {
      FEDRA_RETURN_IF_ERROR(ScanEscape(&out, false));
      continue;
    }
    size_t n = Utf8Len(static_cast<unsigned char>(c));
    out.append(src_.substr(pos_, n));
    Advance();
  }
  tok->kind = Tok::kString;
  tok->end = pos_;
  tok->text = src_.substr(tok->offset, pos_ - tok->offset);
  return Status::OK();
}

Status Lexer::ScanRawString(Token* tok) {
  uint32_t line = line_, col = col_;
  Advance();  // opening backquote
  size_t start = pos_;
  while (pos_ < src_.size() && Peek() != '`') Advance();
  if (pos_ >= src_.size()) {
    return Error("unterminated raw string: missing closing '`' before end of file", line, col);
  }
  tok->value.assign(src_.substr(start, pos_ - start));
  Advance();
  tok->kind = Tok::kString;
  tok->raw = true;
  tok->end = pos_;
  tok->text = src_.substr(tok->offset, pos_ - tok->offset);
  return Status::OK();
}

Status Lexer::ScanTemplatePiece(bool raw, Token* tok) {
  uint32_t line = tok->line, col = tok->col;
  std::string& out = tok->value;
  char quote = raw ? '`' : '"';
  while (true) {
    if (pos_ >= src_.size() || (!raw && Peek() == '\n')) {
      return Error(std::string("unterminated template string: missing closing '") + quote +
                       "' before end of " + (pos_ >= src_.size() ? "file" : "line"),
                   line, col);
    }
    char c = Peek();
    if (c == quote) {
      Advance();
      tok->kind = Tok::kTemplateEnd;
      break;
    }
    if (c == '{') {
      Advance();
      tok->kind = Tok::kTemplatePart;
      break;
    }
    if (c == '\\' && !raw) {
      FEDRA_RETURN_IF_ERROR(ScanEscape(&out, true));
      continue;
    }
    if (c == '\\' && raw && Peek(1) == '{') {
      out.push_back('{');
      Advance();
      Advance();
      continue;
    }
    size_t n = Utf8Len(static_cast<unsigned char>(c));
    out.append(src_.substr(pos_, n));
    Advance();
  }
  tok->raw = raw;
  tok->end = pos_;
  tok->text = src_.substr(tok->offset, pos_ - tok->offset);
  return Status::OK();
}

Status Lexer::ContinueTemplate(bool raw, Token* tok) {
  tok->ws_before = false;
  tok->nl_before = false;
  tok->line = line_;
  tok->col = col_;
  tok->offset = pos_;
  tok->value.clear();
  return ScanTemplatePiece(raw, tok);
}

}  // namespace fedra::syntax
