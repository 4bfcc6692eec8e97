#include "builtins/graphql_lexer.h"

#include <climits>
#include <cstdio>
#include <vector>
#include "value/utf8.h"

namespace fedra::builtins {
namespace {


// Length of the UTF-8 sequence starting at s[i] (1 for invalid bytes, as
// Go's decoder advances one byte on error).
size_t RuneLen(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (i + n > s.size()) return 1;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

// gqlparser's blockStringValue: strip the common indentation and the blank
// leading and trailing lines.
int LeadingWhitespace(std::string_view line) {
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] != ' ' && line[i] != '\t') return static_cast<int>(i);
  }
  return INT_MAX;  // all whitespace: does not count
}

std::string BlockStringValue(const std::string& raw) {
  std::vector<std::string> lines;
  size_t from = 0;
  while (true) {
    size_t nl = raw.find('\n', from);
    if (nl == std::string::npos) {
      lines.push_back(raw.substr(from));
      break;
    }
    lines.push_back(raw.substr(from, nl - from));
    from = nl + 1;
  }
  int common = INT_MAX;
  for (const auto& line : lines) {
    int indent = LeadingWhitespace(line);
    if (indent < static_cast<int>(line.size()) && indent < common) {
      common = indent;
      if (common == 0) break;
    }
  }
  if (common != INT_MAX) {
    for (size_t i = 1; i < lines.size(); ++i) {
      if (static_cast<int>(lines[i].size()) < common) {
        lines[i].clear();
      } else {
        lines[i] = lines[i].substr(common);
      }
    }
  }
  size_t s = 0, e = lines.size();
  while (s < e && LeadingWhitespace(lines[s]) == INT_MAX) ++s;
  while (s < e && LeadingWhitespace(lines[e - 1]) == INT_MAX) --e;
  std::string out;
  for (size_t i = s; i < e; ++i) {
    if (i > s) out.push_back('\n');
    out += lines[i];
  }
  return out;
}

bool Unhex(std::string_view h, uint32_t* out) {
  uint32_t v = 0;
  for (char c : h) {
    v <<= 4;
    if (c >= '0' && c <= '9') v |= static_cast<uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f') v |= static_cast<uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= static_cast<uint32_t>(c - 'A' + 10);
    else return false;
  }
  *out = v;
  return true;
}

// Go's fmt "%04d" of a control byte inside `"\u%04d"` (gqlparser's wording).
std::string ControlCode(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04d", c);
  return buf;
}

}  // namespace

std::string_view GqlTokName(GqlTok kind) {
  switch (kind) {
    case GqlTok::kInvalid: return "<Invalid>";
    case GqlTok::kEOF: return "<EOF>";
    case GqlTok::kBang: return "!";
    case GqlTok::kDollar: return "$";
    case GqlTok::kAmp: return "&";
    case GqlTok::kParenL: return "(";
    case GqlTok::kParenR: return ")";
    case GqlTok::kSpread: return "...";
    case GqlTok::kColon: return ":";
    case GqlTok::kEquals: return "=";
    case GqlTok::kAt: return "@";
    case GqlTok::kBracketL: return "[";
    case GqlTok::kBracketR: return "]";
    case GqlTok::kBraceL: return "{";
    case GqlTok::kPipe: return "|";
    case GqlTok::kBraceR: return "}";
    case GqlTok::kName: return "Name";
    case GqlTok::kInt: return "Int";
    case GqlTok::kFloat: return "Float";
    case GqlTok::kString: return "String";
    case GqlTok::kBlockString: return "BlockString";
  }
  return "<Invalid>";
}

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = RuneLen(s, i);
    if (c >= 0x80 && n == 1) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
      ++i;
      continue;
    }
    if (n > 1) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
  return out;
}

std::string GqlTokenString(const GqlToken& t) {
  std::string out(GqlTokName(t.kind));
  if (!t.value.empty()) out += " " + GoQuote(t.value);
  return out;
}

void GqlLexer::SkipWhitespace() {
  while (end_ < in_.size()) {
    unsigned char c = static_cast<unsigned char>(in_[end_]);
    if (c == '\t' || c == ' ' || c == ',') {
      ++end_;
      ++end_runes_;
    } else if (c == '\n') {
      ++end_;
      ++end_runes_;
      ++line_;
      line_start_runes_ = end_runes_;
    } else if (c == '\r') {
      ++end_;
      ++end_runes_;
      ++line_;
      line_start_runes_ = end_runes_;
      if (end_ < in_.size() && in_[end_] == '\n') {
        ++end_;
        ++end_runes_;
        line_start_runes_ = end_runes_;
      }
    } else if (c == 0xEF && end_ + 2 < in_.size() &&
               static_cast<unsigned char>(in_[end_ + 1]) == 0xBB &&
               static_cast<unsigned char>(in_[end_ + 2]) == 0xBF) {
      end_ += 3;  // byte order mark
      ++end_runes_;
    } else if (c == '#') {
      // Comments run to the end of the line; a control character ends them
      // too and is then reported as an invalid character.
      ++end_;
      ++end_runes_;
      while (end_ < in_.size()) {
        unsigned char d = static_cast<unsigned char>(in_[end_]);
        if (d > 0x1f || d == '\t') {
          end_ += RuneLen(in_, end_);
          ++end_runes_;
        } else {
          break;
        }
      }
    } else {
      return;
    }
  }
}

GqlToken GqlLexer::Make(GqlTok kind, std::string value) const {
  GqlToken t;
  t.kind = kind;
  t.value = std::move(value);
  t.pos.line = line_;
  t.pos.column = start_runes_ - line_start_runes_ + 1;
  return t;
}

bool GqlLexer::Fail(GqlToken* tok, std::string* error, std::string msg) const {
  tok->kind = GqlTok::kInvalid;
  tok->value.clear();
  tok->pos.line = line_;
  tok->pos.column = end_runes_ - line_start_runes_ + 1;
  *error = std::move(msg);
  return false;
}

bool GqlLexer::Next(GqlToken* tok, std::string* error) {
  SkipWhitespace();
  start_ = end_;
  start_runes_ = end_runes_;
  if (end_ >= in_.size()) {
    *tok = Make(GqlTok::kEOF, "");
    return true;
  }
  unsigned char c = static_cast<unsigned char>(in_[start_]);
  ++end_;
  ++end_runes_;
  GqlTok punct = GqlTok::kInvalid;
  switch (c) {
    case '!': punct = GqlTok::kBang; break;
    case '$': punct = GqlTok::kDollar; break;
    case '&': punct = GqlTok::kAmp; break;
    case '(': punct = GqlTok::kParenL; break;
    case ')': punct = GqlTok::kParenR; break;
    case ':': punct = GqlTok::kColon; break;
    case '=': punct = GqlTok::kEquals; break;
    case '@': punct = GqlTok::kAt; break;
    case '[': punct = GqlTok::kBracketL; break;
    case ']': punct = GqlTok::kBracketR; break;
    case '{': punct = GqlTok::kBraceL; break;
    case '}': punct = GqlTok::kBraceR; break;
    case '|': punct = GqlTok::kPipe; break;
    case '.':
      if (in_.substr(start_, 3) == "...") {
        end_ += 2;
        end_runes_ += 2;
        punct = GqlTok::kSpread;
      }
      break;
    case '"':
      if (in_.substr(start_, 3) == "\"\"\"") return ReadBlockString(tok, error);
      return ReadString(tok, error);
    default:
      if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return ReadName(tok);
      if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber(tok, error);
  }
  if (punct != GqlTok::kInvalid) {
    *tok = Make(punct, "");
    return true;
  }
  --end_;
  --end_runes_;
  if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
    return Fail(tok, error, "Cannot contain the invalid character \"\\u" + ControlCode(c) + "\"");
  }
  if (c == '\'') {
    return Fail(tok, error,
                "Unexpected single quote character ('), did you mean to use a double quote (\")?");
  }
  // Go converts the byte (not the rune) to a string here.
  std::string ch;
  AppendUtf8(c, &ch);
  return Fail(tok, error, "Cannot parse the unexpected character \"" + ch + "\".");
}

bool GqlLexer::ReadName(GqlToken* tok) {
  while (end_ < in_.size()) {
    char c = in_[end_];
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_') {
      ++end_;
      ++end_runes_;
    } else {
      break;
    }
  }
  *tok = Make(GqlTok::kName, std::string(in_.substr(start_, end_ - start_)));
  return true;
}

size_t GqlLexer::AcceptDigits() {
  size_t n = 0;
  while (end_ < in_.size() && in_[end_] >= '0' && in_[end_] <= '9') {
    ++end_;
    ++end_runes_;
    ++n;
  }
  return n;
}

std::string GqlLexer::DescribeNext() const {
  if (end_ < in_.size()) {
    std::string ch;
    AppendUtf8(static_cast<unsigned char>(in_[end_]), &ch);
    return "\"" + ch + "\"";
  }
  return "<EOF>";
}

bool GqlLexer::ReadNumber(GqlToken* tok, std::string* error) {
  bool is_float = false;
  --end_;
  --end_runes_;
  auto accept = [&](char a, char b) {
    if (end_ < in_.size() && (in_[end_] == a || in_[end_] == b)) {
      ++end_;
      ++end_runes_;
      return true;
    }
    return false;
  };
  accept('-', '-');
  if (accept('0', '0')) {
    size_t n = AcceptDigits();
    if (n != 0) {
      end_ -= n;
      end_runes_ -= static_cast<int>(n);
      return Fail(tok, error, "Invalid number, unexpected digit after 0: " + DescribeNext() + ".");
    }
  } else if (AcceptDigits() == 0) {
    return Fail(tok, error, "Invalid number, expected digit but got: " + DescribeNext() + ".");
  }
  if (accept('.', '.')) {
    is_float = true;
    if (AcceptDigits() == 0) {
      return Fail(tok, error, "Invalid number, expected digit but got: " + DescribeNext() + ".");
    }
  }
  if (accept('e', 'E')) {
    is_float = true;
    accept('-', '+');
    if (AcceptDigits() == 0) {
      return Fail(tok, error, "Invalid number, expected digit but got: " + DescribeNext() + ".");
    }
  }
  *tok = Make(is_float ? GqlTok::kFloat : GqlTok::kInt,
              std::string(in_.substr(start_, end_ - start_)));
  return true;
}

bool GqlLexer::ReadString(GqlToken* tok, std::string* error) {
  // The token's position is the first character after the opening quote,
  // as gqlparser reports it.
  ++start_;
  ++start_runes_;
  std::string buf;
  while (end_ < in_.size()) {
    unsigned char c = static_cast<unsigned char>(in_[end_]);
    if (c == '\n' || c == '\r') break;
    if (c < 0x20 && c != '\t') {
      return Fail(tok, error, "Invalid character within String: \"\\u" + ControlCode(c) + "\".");
    }
    if (c == '"') {
      *tok = Make(GqlTok::kString, buf);
      ++end_;
      ++end_runes_;
      return true;
    }
    if (c == '\\') {
      if (end_ + 1 >= in_.size()) {
        ++end_;
        ++end_runes_;
        return Fail(tok, error, "Invalid character escape sequence.");
      }
      char esc = in_[end_ + 1];
      if (esc == 'u') {
        if (end_ + 6 >= in_.size()) {
          ++end_;
          ++end_runes_;
          return Fail(tok, error,
                      "Invalid character escape sequence: \\" + std::string(in_.substr(end_)) + ".");
        }
        uint32_t cp = 0;
        if (!Unhex(in_.substr(end_ + 2, 4), &cp)) {
          ++end_;
          ++end_runes_;
          return Fail(tok, error,
                      "Invalid character escape sequence: \\" + std::string(in_.substr(end_, 5)) + ".");
        }
        AppendUtf8(cp, &buf);
        end_ += 6;
        end_runes_ += 6;
        continue;
      }
      switch (esc) {
        case '"': case '/': case '\\': buf.push_back(esc); break;
        case 'b': buf.push_back('\b'); break;
        case 'f': buf.push_back('\f'); break;
        case 'n': buf.push_back('\n'); break;
        case 'r': buf.push_back('\r'); break;
        case 't': buf.push_back('\t'); break;
        default: {
          ++end_;
          ++end_runes_;
          std::string ch;
          AppendUtf8(static_cast<unsigned char>(esc), &ch);
          return Fail(tok, error, "Invalid character escape sequence: \\" + ch + ".");
        }
      }
      end_ += 2;
      end_runes_ += 2;
      continue;
    }
    size_t n = RuneLen(in_, end_);
    buf.append(in_.substr(end_, n));
    end_ += n;
    ++end_runes_;
  }
  return Fail(tok, error, "Unterminated string.");
}

bool GqlLexer::ReadBlockString(GqlToken* tok, std::string* error) {
  start_ += 3;
  start_runes_ += 3;
  end_ += 2;
  end_runes_ += 2;
  std::string buf;
  while (end_ < in_.size()) {
    unsigned char c = static_cast<unsigned char>(in_[end_]);
    if (c == '"' && in_.substr(end_, 3) == "\"\"\"") {
      *tok = Make(GqlTok::kBlockString, BlockStringValue(buf));
      end_ += 3;
      end_runes_ += 3;
      return true;
    }
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      return Fail(tok, error, "Invalid character within String: \"\\u" + ControlCode(c) + "\".");
    }
    if (c == '\\' && in_.substr(end_, 4) == "\\\"\"\"") {
      buf += "\"\"\"";
      end_ += 4;
      end_runes_ += 4;
    } else if (c == '\r') {
      if (end_ + 1 < in_.size() && in_[end_ + 1] == '\n') {
        ++end_;
        ++end_runes_;
      }
      buf.push_back('\n');
      ++end_;
      ++end_runes_;
      ++line_;
      line_start_runes_ = end_runes_;
    } else {
      size_t n = RuneLen(in_, end_);
      buf.append(in_.substr(end_, n));
      end_ += n;
      ++end_runes_;
      if (c == '\n') {
        ++line_;
        line_start_runes_ = end_runes_;
      }
    }
  }
  return Fail(tok, error, "Unterminated string.");
}

}  // namespace fedra::builtins
