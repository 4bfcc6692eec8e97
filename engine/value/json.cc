#include "value/json.h"

#include <cstring>
#include <string>
#include <vector>

#include "value/number.h"
#include "value/text_scan.h"
#include "value/utf8.h"
#include "value/value_internal.h"

namespace fedra {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}


// Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF), or 0.
size_t ValidUtf8Len(const unsigned char* s, const unsigned char* end) {
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  size_t n = static_cast<size_t>(end - s);
  if (c >= 0xc2 && c <= 0xdf) {
    return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
  }
  if (c >= 0xe0 && c <= 0xef) {
    if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80) return 0;
    if (c == 0xe0 && s[1] < 0xa0) return 0;  // overlong
    if (c == 0xed && s[1] >= 0xa0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80) return 0;
    if (c == 0xf0 && s[1] < 0x90) return 0;  // overlong
    if (c == 0xf4 && s[1] >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

enum class State : uint8_t {
  kValue,  // a value (array element, or object value after its key) is being read
  kAfter,  // a value is complete; ',' or the closing bracket comes next
  kKey,    // an object key is being read
};

struct Frame {
  bool object;
  State state;
  size_t start;  // first slot in Buffers::values that belongs to this container
};

// Working storage, kept per thread between parses so a parse normally
// allocates only the nodes it returns.
struct Buffers {
  std::vector<Frame> frames;
  std::vector<Value> values;  // pending elements; objects push key, value pairs
  std::string scratch;        // string unescaping buffer
  bool in_use = false;
};

class Parser {
 public:
  Parser(std::string_view text, std::string_view source, const JsonLimits& limits, Buffers* buf)
      : arena_(text.size() * kArenaBytesPerInputByte),
        begin_(text.data()),
        p_(text.data()),
        end_(text.data() + text.size()),
        source_(source),
        limits_(limits),
        frames_(buf->frames),
        values_(buf->values),
        scratch_(buf->scratch) {}

  Status Run(Value* out);

 private:
  Status Error(const char* at, std::string_view what) const;
  Status Unexpected(const char* at, std::string_view expected) const;
  std::string Path() const;

  void SkipSpace() {
    // Compact JSON has no whitespace between tokens, and pretty-printed JSON
    // often one space (after ':'): decide those at once.
    if (p_ < end_ && static_cast<unsigned char>(*p_) > ' ') return;
    if (end_ - p_ >= 2 && *p_ == ' ' && static_cast<unsigned char>(p_[1]) > ' ') {
      ++p_;
      return;
    }
    p_ = SkipJsonSpace(p_, end_);
  }
  // Reads a scalar into *v, or opens a container (then *opened is true, or
  // *v is the empty container when it closes at once).
  Status ReadValue(Value* v, bool* opened);
  // Reads `"key" :` of an object member onto values_.
  Status ReadKey();
  Status ReadString(Value* v);
  Status ReadNumber(Value* v);
  Status ReadLiteral(std::string_view word, Value v, Value* out);
  void Close(Value* v);

  // Strings, arrays and objects are carved from chunks sized by the input:
  // a parse makes one or a few allocations instead of one per node, and
  // freeing a document costs no atomic operation per node. Nodes take 4-5
  // bytes per byte of JSON (the 2.5 KB admission request of bench/ needs
  // 10 KB: a key of n bytes is n + 3 bytes of text, n + 25 of node, and each
  // member 32 bytes of its object), so the first chunk usually holds all.
  static constexpr size_t kArenaBytesPerInputByte = 5;
  NodeArena arena_;
  const char* begin_;
  const char* p_;
  const char* end_;
  std::string_view source_;
  const JsonLimits& limits_;
  std::vector<Frame>& frames_;
  std::vector<Value>& values_;
  std::string& scratch_;
};

Status Parser::Run(Value* out) {
  if (static_cast<size_t>(end_ - begin_) > limits_.max_bytes) {
    return Status::InvalidArgument(std::string(source_) + ": JSON document is " +
                                   std::to_string(end_ - begin_) + " bytes, more than the limit of " +
                                   std::to_string(limits_.max_bytes));
  }
  for (;;) {
    Value v;
    bool opened = false;
    FEDRA_RETURN_IF_ERROR(ReadValue(&v, &opened));
    if (opened) continue;
    // Hand the finished value to its container, closing containers as their
    // brackets come, until a new value must be read.
    for (;;) {
      if (frames_.empty()) {
        SkipSpace();
        if (p_ != end_) return Unexpected(p_, "end of input after the top-level value");
        *out = std::move(v);
        return Status::OK();
      }
      values_.push_back(std::move(v));
      Frame& f = frames_.back();
      f.state = State::kAfter;
      SkipSpace();
      if (p_ == end_) return Error(p_, "unexpected end of input");
      char c = *p_;
      if (c == ',') {
        ++p_;
        if (f.object) {
          FEDRA_RETURN_IF_ERROR(ReadKey());
        } else {
          f.state = State::kValue;
        }
        break;
      }
      if (c == (f.object ? '}' : ']')) {
        ++p_;
        Close(&v);
        continue;
      }
      return Unexpected(p_, f.object ? "',' or '}'" : "',' or ']'");
    }
  }
}

void Parser::Close(Value* v) {
  Frame f = frames_.back();
  frames_.pop_back();
  Value* first = values_.data() + f.start;
  size_t n = values_.size() - f.start;
  // Value::Object's rule applies: the last of repeated keys wins, as in Go's
  // encoding/json.
  *v = f.object ? arena_.Object(first, n / 2) : arena_.Array(first, n);
  values_.resize(f.start);  // moved-from slots: nothing left to release
}

Status Parser::ReadValue(Value* v, bool* opened) {
  SkipSpace();
  if (p_ == end_) return Error(p_, "unexpected end of input");
  char c = *p_;
  switch (c) {
    case '{':
    case '[': {
      if (frames_.size() >= limits_.max_depth) {
        return Error(p_, "nesting depth exceeds the limit of " + std::to_string(limits_.max_depth));
      }
      ++p_;
      SkipSpace();
      bool object = c == '{';
      if (p_ < end_ && *p_ == (object ? '}' : ']')) {
        ++p_;
        *v = object ? Value::EmptyObject() : Value::EmptyArray();
        return Status::OK();
      }
      frames_.push_back(Frame{object, object ? State::kKey : State::kValue, values_.size()});
      *opened = true;
      if (object) return ReadKey();
      return Status::OK();
    }
    case '"':
      return ReadString(v);
    case 't':
      return ReadLiteral("true", Value::Bool(true), v);
    case 'f':
      return ReadLiteral("false", Value::Bool(false), v);
    case 'n':
      return ReadLiteral("null", Value::Null(), v);
    default:
      if (c == '-' || IsDigit(c)) return ReadNumber(v);
      return Unexpected(p_, "a value");
  }
}

Status Parser::ReadKey() {
  frames_.back().state = State::kKey;
  SkipSpace();
  if (p_ == end_) return Error(p_, "unexpected end of input");
  if (*p_ != '"') return Unexpected(p_, "a string object key");
  Value key;
  FEDRA_RETURN_IF_ERROR(ReadString(&key));
  values_.push_back(std::move(key));
  frames_.back().state = State::kValue;
  SkipSpace();
  if (p_ == end_) return Error(p_, "unexpected end of input");
  if (*p_ != ':') return Unexpected(p_, "':'");
  ++p_;
  return Status::OK();
}

Status Parser::ReadLiteral(std::string_view word, Value v, Value* out) {
  if (static_cast<size_t>(end_ - p_) < word.size() || std::memcmp(p_, word.data(), word.size()) != 0) {
    return Error(p_, "invalid literal, expected " + std::string(word));
  }
  p_ += word.size();
  *out = std::move(v);
  return Status::OK();
}

Status Parser::ReadNumber(Value* v) {
  const char* start = p_;
  const char* q = p_;
  bool neg = false;
  if (*q == '-') {
    neg = true;
    ++q;
  }
  if (q == end_ || !IsDigit(*q)) return Error(q, "invalid number: expected a digit");
  const char* digits = q;
  if (*q == '0') {
    ++q;
    if (q < end_ && IsDigit(*q)) return Error(q, "invalid number: leading zero");
  } else {
    while (q < end_ && IsDigit(*q)) ++q;
  }
  bool simple = true;
  if (q < end_ && *q == '.') {
    simple = false;
    ++q;
    if (q == end_ || !IsDigit(*q)) return Error(q, "invalid number: expected a digit after '.'");
    while (q < end_ && IsDigit(*q)) ++q;
  }
  if (q < end_ && (*q == 'e' || *q == 'E')) {
    simple = false;
    ++q;
    if (q < end_ && (*q == '+' || *q == '-')) ++q;
    if (q == end_ || !IsDigit(*q)) return Error(q, "invalid number: expected a digit in the exponent");
    while (q < end_ && IsDigit(*q)) ++q;
  }
  p_ = q;
  if (simple && q - digits <= 18) {
    int64_t n = 0;
    for (const char* d = digits; d < q; ++d) n = n * 10 + (*d - '0');
    *v = Value::Int(neg ? -n : n);
    return Status::OK();
  }
  if (!num::Parse(std::string_view(start, static_cast<size_t>(q - start)), v)) {
    return Error(start, "invalid number");
  }
  return Status::OK();
}

Status Parser::ReadString(Value* v) {
  const char* open = p_;
  const char* q = ++p_;
  // Fast path: no escapes, ASCII or valid UTF-8 copied straight from input.
  for (;;) {
    q = ScanToSpecial<false>(q, end_);
    if (q == end_) break;
    unsigned char c = static_cast<unsigned char>(*q);
    if (c == '"') {
      *v = arena_.String(std::string_view(p_, static_cast<size_t>(q - p_)));
      p_ = q + 1;
      return Status::OK();
    }
    if (c == '\\') break;
    if (c < 0x20) return Error(q, "invalid control character in string");
    size_t len = ValidUtf8Len(reinterpret_cast<const unsigned char*>(q), reinterpret_cast<const unsigned char*>(end_));
    if (len == 0) return Error(q, "invalid UTF-8 in string");
    q += len;
  }
  if (q == end_) return Error(open, "unterminated string");

  scratch_.assign(p_, q);
  while (q < end_) {
    unsigned char c = static_cast<unsigned char>(*q);
    if (c == '"') {
      *v = arena_.String(std::string_view(scratch_));
      p_ = q + 1;
      return Status::OK();
    }
    if (c < 0x20) return Error(q, "invalid control character in string");
    if (c >= 0x80) {
      size_t len = ValidUtf8Len(reinterpret_cast<const unsigned char*>(q), reinterpret_cast<const unsigned char*>(end_));
      if (len == 0) return Error(q, "invalid UTF-8 in string");
      scratch_.append(q, len);
      q += len;
      continue;
    }
    if (c != '\\') {
      // Copy the run of plain bytes up to the next special one.
      const char* run = q;
      q = ScanToSpecial<false>(q, end_);
      scratch_.append(run, q);
      continue;
    }
    const char* esc = q++;
    if (q == end_) break;
    switch (*q++) {
      case '"': scratch_.push_back('"'); break;
      case '\\': scratch_.push_back('\\'); break;
      case '/': scratch_.push_back('/'); break;
      case 'b': scratch_.push_back('\b'); break;
      case 'f': scratch_.push_back('\f'); break;
      case 'n': scratch_.push_back('\n'); break;
      case 'r': scratch_.push_back('\r'); break;
      case 't': scratch_.push_back('\t'); break;
      case 'u': {
        auto read4 = [&](const char* at, uint32_t* cp) {
          if (end_ - at < 4) return false;
          uint32_t r = 0;
          for (int i = 0; i < 4; ++i) {
            int h = HexVal(at[i]);
            if (h < 0) return false;
            r = (r << 4) | static_cast<uint32_t>(h);
          }
          *cp = r;
          return true;
        };
        uint32_t cp;
        if (!read4(q, &cp)) return Error(esc, "invalid \\u escape: expected 4 hex digits");
        q += 4;
        if (cp >= 0xd800 && cp <= 0xdbff) {
          uint32_t lo;
          if (end_ - q >= 6 && q[0] == '\\' && q[1] == 'u' && read4(q + 2, &lo) && lo >= 0xdc00 &&
              lo <= 0xdfff) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            q += 6;
          } else {
            cp = 0xfffd;  // lone high surrogate: Go's encoding/json substitutes U+FFFD
          }
        } else if (cp >= 0xdc00 && cp <= 0xdfff) {
          cp = 0xfffd;  // lone low surrogate
        }
        AppendUtf8(cp, &scratch_);
        break;
      }
      default: {
        return Error(esc, "invalid escape sequence in string");
      }
    }
  }
  return Error(open, "unterminated string");
}

std::string Parser::Path() const {
  std::string path = "$";
  for (size_t i = 0; i < frames_.size(); ++i) {
    const Frame& f = frames_[i];
    if (f.state != State::kValue) continue;
    size_t end = i + 1 < frames_.size() ? frames_[i + 1].start : values_.size();
    if (f.object) {
      const Value& key = values_[end - 1];
      std::string_view k = key.str();
      bool ident = !k.empty() && !IsDigit(k[0]);
      for (char c : k) {
        if (!(IsDigit(c) || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) ident = false;
      }
      if (ident) {
        path.push_back('.');
        path.append(k);
      } else {
        path.push_back('[');
        path.append(ToJson(key));
        path.push_back(']');
      }
    } else {
      path.push_back('[');
      path.append(std::to_string(end - f.start));
      path.push_back(']');
    }
  }
  return path;
}

Status Parser::Error(const char* at, std::string_view what) const {
  uint32_t line = 1, col = 1;
  for (const char* c = begin_; c < at && c < end_; ++c) {
    if (*c == '\n') {
      ++line;
      col = 1;
    } else if ((static_cast<unsigned char>(*c) & 0xc0) != 0x80) {
      ++col;  // count characters, not UTF-8 continuation bytes
    }
  }
  std::string msg;
  msg.append(source_);
  msg.push_back(':');
  msg.append(std::to_string(line));
  msg.push_back(':');
  msg.append(std::to_string(col));
  msg.append(": invalid JSON at ");
  msg.append(Path());
  msg.append(": ");
  msg.append(what);
  return Status::InvalidArgument(msg);
}

Status Parser::Unexpected(const char* at, std::string_view expected) const {
  if (at >= end_) return Error(at, "unexpected end of input, expected " + std::string(expected));
  unsigned char c = static_cast<unsigned char>(*at);
  std::string what = "unexpected ";
  if (c >= 0x20 && c < 0x7f) {
    what += "character '";
    what.push_back(static_cast<char>(c));
    what += "'";
  } else {
    what += "byte 0x";
    what.push_back(kHexDigits[c >> 4]);
    what.push_back(kHexDigits[c & 0xf]);
  }
  what += ", expected ";
  what += expected;
  return Error(at, what);
}

}  // namespace

Status ParseJson(std::string_view text, Value* out, std::string_view source, const JsonLimits& limits) {
  thread_local Buffers cached;
  Buffers local;
  Buffers* buf = cached.in_use ? &local : &cached;
  buf->in_use = true;
  Status st = Parser(text, source, limits, buf).Run(out);
  buf->frames.clear();
  buf->values.clear();  // an error leaves values pending
  // Do not keep the memory of one huge document for the thread's lifetime.
  if (buf->values.capacity() > 4096) std::vector<Value>().swap(buf->values);
  if (buf->frames.capacity() > 4096) std::vector<Frame>().swap(buf->frames);
  if (buf->scratch.capacity() > 65536) std::string().swap(buf->scratch);
  buf->in_use = false;
  return st;
}

}  // namespace fedra
