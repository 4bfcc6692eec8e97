#include "value/json.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <new>
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
  size_t start;  // first slot in PendingValues that belongs to this container
};

// Values read but not yet placed in their container: each open container's
// elements in one run (an object's as key, value, key, value, ...), the run
// starting just after the slot that will receive the container itself.
// Slots are managed by hand, not by std::vector, so that closing a container
// relocates its run into the new node with one memcpy and forgets it,
// instead of moving every element and then destroying what is left behind.
// Every slot below size() holds a live Value; new slots start undefined, and
// a slot's value is then constructed over it (`new (slot) Value(...)`, which
// replaces nothing that would need releasing) straight from its builder.
class PendingValues {
 public:
  PendingValues() = default;
  PendingValues(const PendingValues&) = delete;
  PendingValues& operator=(const PendingValues&) = delete;
  ~PendingValues() {
    Clear();
    ::operator delete(static_cast<void*>(data_));
  }

  size_t size() const { return size_; }
  size_t capacity() const { return cap_; }
  Value* at(size_t i) { return data_ + i; }
  const Value* at(size_t i) const { return data_ + i; }
  Value* back() { return data_ + size_ - 1; }

  // Appends `n` undefined slots and returns the first.
  Value* Push(size_t n) {
    if (cap_ - size_ < n) Grow(n);
    Value* first = data_ + size_;
    for (size_t i = 0; i < n; ++i) new (first + i) Value();
    size_ += n;
    return first;
  }
  // Drops the slots from `from` on without destroying them: their Values
  // were relocated into a node (or destroyed one by one).
  void Forget(size_t from) { size_ = from; }
  // Destroys every slot (values are left pending when parsing fails).
  void Clear() {
    for (size_t i = 0; i < size_; ++i) data_[i].~Value();
    size_ = 0;
  }
  // Gives back the memory of a huge document instead of keeping it for the
  // thread's lifetime. Precondition: empty.
  void Release() {
    ::operator delete(static_cast<void*>(data_));
    data_ = nullptr;
    cap_ = 0;
  }

 private:
  void Grow(size_t n) {
    size_t cap = std::max({cap_ * 2, size_ + n, size_t{64}});
    auto* data = static_cast<Value*>(::operator new(cap * sizeof(Value)));
    if (size_ != 0) std::memcpy(static_cast<void*>(data), static_cast<const void*>(data_), size_ * sizeof(Value));
    ::operator delete(static_cast<void*>(data_));
    data_ = data;
    cap_ = cap;
  }

  Value* data_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
};

// An object's run of key, value slots is read as entries in place.
static_assert(sizeof(ObjectEntry) == 2 * sizeof(Value) && offsetof(ObjectEntry, second) == sizeof(Value));

// Moves an entry's bytes (see PendingValues); `to` is dead storage.
inline void Relocate(ObjectEntry* to, const ObjectEntry* from) {
  std::memcpy(static_cast<void*>(to), static_cast<const void*>(from), sizeof(ObjectEntry));
}

// JSON object keys are always strings.
inline std::string_view KeyText(const ObjectEntry& e) { return ValueAccess::string_node(e.first)->view(); }

// Byte order of two keys (Value's order for strings). Keys mostly differ in
// their first byte: decide that without calling memcmp.
inline int CompareKeyText(std::string_view a, std::string_view b) {
  if (!a.empty() && !b.empty() && a[0] != b[0]) {
    return static_cast<unsigned char>(a[0]) < static_cast<unsigned char>(b[0]) ? -1 : 1;
  }
  size_t n = std::min(a.size(), b.size());
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// Sorts an object's pending entries by key and removes repeated keys, the
// last value winning as in Go's encoding/json. Returns how many entries are
// left at the front; the slots after them are dead storage.
//
// Objects in documents are small and often (not always) already in order,
// so insertion sort, which notices repeated keys as it goes and checks an
// ordered object in n - 1 comparisons, moving raw entries.
size_t SortMembers(ObjectEntry* e, size_t n) {
  constexpr size_t kInsertionSortMax = 24;
  bool repeated = false;
  if (n <= kInsertionSortMax) {
    for (size_t i = 1; i < n; ++i) {
      std::string_view key = KeyText(e[i]);
      int c = CompareKeyText(KeyText(e[i - 1]), key);
      if (c <= 0) {
        repeated |= c == 0;
        continue;
      }
      alignas(ObjectEntry) unsigned char held[sizeof(ObjectEntry)];
      std::memcpy(held, static_cast<const void*>(&e[i]), sizeof held);
      size_t j = i;
      do {
        Relocate(&e[j], &e[j - 1]);
        --j;
      } while (j > 0 && (c = CompareKeyText(KeyText(e[j - 1]), key)) > 0);
      // Stable: an equal key already placed stays first.
      if (j > 0 && c == 0) repeated = true;
      std::memcpy(static_cast<void*>(&e[j]), held, sizeof held);
    }
  } else {
    std::stable_sort(e, e + n,
                     [](const ObjectEntry& a, const ObjectEntry& b) { return CompareKeyText(KeyText(a), KeyText(b)) < 0; });
    repeated = true;  // not tracked by stable_sort: the pass below looks
  }
  if (!repeated) return n;
  // Equal keys are adjacent now, in input order.
  size_t kept = 0;
  for (size_t i = 0; i < n; ++i) {
    if (kept > 0 && KeyText(e[kept - 1]) == KeyText(e[i])) {
      e[kept - 1].second = std::move(e[i].second);
      e[i].~ObjectEntry();
    } else {
      if (kept != i) Relocate(&e[kept], &e[i]);
      ++kept;
    }
  }
  return kept;
}

// Working storage, kept per thread between parses so a parse normally
// allocates only the nodes it returns.
struct Buffers {
  std::vector<Frame> frames;
  PendingValues values;
  std::string scratch;  // string unescaping buffer
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
  // Reads the scalar that starts with `c` into an undefined slot.
  Status ReadScalar(char c, Value* slot);
  // Reads `"key" :` of an object member into two new slots (the value's
  // slot stays undefined).
  Status ReadKey();
  // Short plain strings are read inline; the rest by ReadLongString. The
  // split keeps the common case free of the long path's register saves.
  Status ReadString(Value* v);
  [[gnu::noinline]] Status ReadLongString(Value* v);
  Status ReadNumber(Value* v);
  Status ReadLiteral(std::string_view word, Value v, Value* out);
  // Builds the innermost container from its run into the slot before it.
  void Close();

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
  // Where the innermost container is; the ones around it are all reading a
  // value (the container inside them).
  State state_ = State::kValue;
  PendingValues& values_;
  std::string& scratch_;
};

Status Parser::Run(Value* out) {
  if (static_cast<size_t>(end_ - begin_) > limits_.max_bytes) {
    return Status::InvalidArgument(std::string(source_) + ": JSON document is " +
                                   std::to_string(end_ - begin_) + " bytes, more than the limit of " +
                                   std::to_string(limits_.max_bytes));
  }
  values_.Push(1);  // the top-level value
  for (;;) {
    // Read the value of the last slot, or open a container.
    SkipSpace();
    if (p_ == end_) return Error(p_, "unexpected end of input");
    char c = *p_;
    if (c == '{' || c == '[') {
      if (frames_.size() >= limits_.max_depth) {
        return Error(p_, "nesting depth exceeds the limit of " + std::to_string(limits_.max_depth));
      }
      ++p_;
      SkipSpace();
      bool object = c == '{';
      if (p_ < end_ && *p_ == (object ? '}' : ']')) {
        ++p_;
        new (values_.back()) Value(object ? Value::EmptyObject() : Value::EmptyArray());
      } else {
        frames_.push_back(Frame{object, values_.size()});
        state_ = State::kValue;
        if (object) {
          FEDRA_RETURN_IF_ERROR(ReadKey());
        } else {
          values_.Push(1);
        }
        continue;
      }
    } else {
      FEDRA_RETURN_IF_ERROR(ReadScalar(c, values_.back()));
    }
    // The value is complete: close containers as their brackets come, until
    // a new value must be read.
    for (;;) {
      if (frames_.empty()) {
        SkipSpace();
        if (p_ != end_) return Unexpected(p_, "end of input after the top-level value");
        *out = std::move(*values_.at(0));
        values_.Clear();
        return Status::OK();
      }
      Frame& f = frames_.back();
      state_ = State::kAfter;
      SkipSpace();
      if (p_ == end_) return Error(p_, "unexpected end of input");
      c = *p_;
      if (c == ',') {
        ++p_;
        if (f.object) {
          FEDRA_RETURN_IF_ERROR(ReadKey());
        } else {
          state_ = State::kValue;
          values_.Push(1);
        }
        break;
      }
      if (c == (f.object ? '}' : ']')) {
        ++p_;
        Close();
        continue;
      }
      return Unexpected(p_, f.object ? "',' or '}'" : "',' or ']'");
    }
  }
}

void Parser::Close() {
  Frame f = frames_.back();
  frames_.pop_back();
  Value* run = values_.at(f.start);
  size_t n = values_.size() - f.start;
  values_.Forget(f.start);
  if (f.object) {
    auto* entries = reinterpret_cast<ObjectEntry*>(run);
    new (values_.back()) Value(arena_.ObjectOf(entries, SortMembers(entries, n / 2)));
  } else {
    new (values_.back()) Value(arena_.ArrayOf(run, n));
  }
}

Status Parser::ReadScalar(char c, Value* slot) {
  switch (c) {
    case '"':
      return ReadString(slot);
    case 't':
      return ReadLiteral("true", Value::Bool(true), slot);
    case 'f':
      return ReadLiteral("false", Value::Bool(false), slot);
    case 'n':
      return ReadLiteral("null", Value::Null(), slot);
    default:
      if (c == '-' || IsDigit(c)) return ReadNumber(slot);
      return Unexpected(p_, "a value");
  }
}

inline Status Parser::ReadKey() {
  state_ = State::kKey;
  SkipSpace();
  if (p_ == end_) return Error(p_, "unexpected end of input");
  if (*p_ != '"') return Unexpected(p_, "a string object key");
  FEDRA_RETURN_IF_ERROR(ReadString(values_.Push(2)));
  state_ = State::kValue;
  if (p_ < end_ && *p_ == ':') {  // the usual layout, "key": value
    ++p_;
    return Status::OK();
  }
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
  new (out) Value(std::move(v));
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
    new (v) Value(Value::Int(neg ? -n : n));
    return Status::OK();
  }
  if (!num::Parse(std::string_view(start, static_cast<size_t>(q - start)), v)) {
    return Error(start, "invalid number");
  }
  // Too large to hold exactly and beyond float64: it would become an
  // infinity, which no JSON text can write back.
  if (v->num_rep() == Value::NumRep::kDouble && !std::isfinite(v->double_value())) {
    v->~Value();
    new (v) Value();
    return Error(start, "number out of range (beyond float64)");
  }
  return Status::OK();
}

inline Status Parser::ReadString(Value* v) {
#if defined(__SSE2__)
  // Most strings (keys, names, labels) are short and plain: when the first
  // special byte of the 16 after the opening quote is the closing quote, the
  // block just tested holds the whole string.
  if (end_ - p_ > 16) {
    unsigned special = SpecialMask16(p_ + 1);
    if (special != 0) {
      size_t n = static_cast<size_t>(std::countr_zero(special));
      if (p_[1 + n] == '"') {
        new (v) Value(arena_.ShortString(p_ + 1, n));
        p_ += n + 2;
        return Status::OK();
      }
    }
  }
#endif
  return ReadLongString(v);
}

Status Parser::ReadLongString(Value* v) {
  const char* open = p_;
  const char* q = ++p_;
  // Fast path: no escapes, ASCII or valid UTF-8 copied straight from input.
  for (;;) {
    q = ScanToSpecial<false>(q, end_);
    if (q == end_) break;
    unsigned char c = static_cast<unsigned char>(*q);
    if (c == '"') {
      new (v) Value(arena_.String(std::string_view(p_, static_cast<size_t>(q - p_))));
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
      new (v) Value(arena_.String(std::string_view(scratch_)));
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
    if (i + 1 == frames_.size() && state_ != State::kValue) continue;
    // The run ends where the next container's starts (or at the top of the
    // stack); its last slot is the value being read, after its key.
    size_t end = i + 1 < frames_.size() ? frames_[i + 1].start : values_.size();
    if (f.object) {
      const Value& key = *values_.at(end - 2);
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
      path.append(std::to_string(end - 1 - f.start));
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
  buf->values.Clear();  // an error leaves values pending
  // Do not keep the memory of one huge document for the thread's lifetime.
  if (buf->values.capacity() > 4096) buf->values.Release();
  if (buf->frames.capacity() > 4096) std::vector<Frame>().swap(buf->frames);
  if (buf->scratch.capacity() > 65536) std::string().swap(buf->scratch);
  buf->in_use = false;
  return st;
}

}  // namespace fedra
