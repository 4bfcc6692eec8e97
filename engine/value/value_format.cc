// Value -> text: canonical JSON (ToJson, AppendJson) and Rego literal syntax
// (ToRegoString). Both walk the value with an explicit stack, so output depth
// is not bounded by the C++ stack.
#include <cstring>
#include <vector>

#include "fedra/value.h"
#include "value/number.h"
#include "value/text_scan.h"
#include "value/value_internal.h"

namespace fedra {

namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendU(uint32_t cp, std::string* out) {
  char b[6] = {'\\', 'u', kHex[(cp >> 12) & 0xf], kHex[(cp >> 8) & 0xf], kHex[(cp >> 4) & 0xf],
               kHex[cp & 0xf]};
  out->append(b, 6);
}

// Length of the valid UTF-8 sequence at s[0..n), or 0 when invalid.
size_t Utf8SeqLen(const unsigned char* s, size_t n, uint32_t* cp) {
  unsigned char c = s[0];
  size_t len;
  uint32_t v;
  if (c < 0xc2) return 0;  // continuation byte or overlong 2-byte lead
  if (c < 0xe0) {
    len = 2;
    v = c & 0x1f;
  } else if (c < 0xf0) {
    len = 3;
    v = c & 0x0f;
  } else if (c < 0xf5) {
    len = 4;
    v = c & 0x07;
  } else {
    return 0;
  }
  if (n < len) return 0;
  for (size_t i = 1; i < len; ++i) {
    if ((s[i] & 0xc0) != 0x80) return 0;
    v = (v << 6) | (s[i] & 0x3f);
  }
  if ((len == 3 && (v < 0x800 || (v >= 0xd800 && v <= 0xdfff))) || (len == 4 && (v < 0x10000 || v > 0x10ffff))) {
    return 0;
  }
  *cp = v;
  return len;
}

// JSON strings escape control characters, '"' and '\\'; in JSON (not Rego)
// output also '<', '>', '&', as Go's encoding/json does by default and so
// OPA's json.marshal. Bytes >= 0x80 are checked as UTF-8 sequences.
void AppendQuoted(std::string_view s, bool html, std::string* out) {
  out->push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  size_t run = 0;  // start of the pending verbatim run
  size_t i = 0;
  while (i < n) {
    const char* next = html ? ScanToSpecial<true>(s.data() + i, s.data() + n)
                            : ScanToSpecial<false>(s.data() + i, s.data() + n);
    i = static_cast<size_t>(next - s.data());
    if (i == n) break;
    unsigned char c = p[i];
    if (c >= 0x80) {
      uint32_t cp = 0;
      size_t len = Utf8SeqLen(p + i, n - i, &cp);
      if (len != 0 && cp != 0x2028 && cp != 0x2029) {
        i += len;
        continue;
      }
      out->append(s.data() + run, i - run);
      // Go writes invalid bytes as U+FFFD and escapes the JS line separators.
      AppendU(len == 0 ? 0xfffd : cp, out);
      i += len == 0 ? 1 : len;
      run = i;
      continue;
    }
    out->append(s.data() + run, i - run);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default: AppendU(c, out); break;
    }
    ++i;
    run = i;
  }
  out->append(s.data() + run, n - run);
  out->push_back('"');
}

void AppendIndent(size_t depth, std::string* out) {
  out->push_back('\n');
  out->append(depth * 2, ' ');
}

enum class Style { kJson, kJsonPretty, kRego };

struct Frame {
  const Value* v;
  size_t i;
};

void AppendScalar(const Value& v, Style style, std::string* out) {
  switch (v.kind()) {
    case Kind::kUndefined: return;
    case Kind::kNull: out->append("null"); return;
    case Kind::kBool: out->append(v.bool_value() ? "true" : "false"); return;
    case Kind::kNumber: num::AppendFormat(v, out); return;
    case Kind::kString:
      AppendQuoted(v.str(), style != Style::kRego, out);
      return;
    default: return;
  }
}

void AppendValue(const Value& root, Style style, std::string* out);

// Object keys that are not strings become strings holding their JSON text,
// as OPA does when it writes such objects as JSON.
void AppendKey(const Value& key, Style style, std::string* out) {
  if (key.is_string() || style == Style::kRego) {
    AppendValue(key, style, out);
    return;
  }
  std::string text;
  AppendValue(key, Style::kJson, &text);
  AppendQuoted(text, true, out);
}

// Opens a collection (pushing a frame) or writes a scalar / empty collection.
void Open(const Value& v, Style style, std::vector<Frame>* stack, std::string* out) {
  if (!v.is_collection()) {
    AppendScalar(v, style, out);
    return;
  }
  bool as_set = v.is_set() && style == Style::kRego;
  if (v.empty()) {
    if (v.is_object()) {
      out->append("{}");
    } else if (as_set) {
      out->append("set()");
    } else {
      out->append("[]");
    }
    return;
  }
  out->push_back(v.is_object() || as_set ? '{' : '[');
  stack->push_back(Frame{&v, 0});
}

void AppendValue(const Value& root, Style style, std::string* out) {
  if (!root.is_collection()) {
    AppendScalar(root, style, out);
    return;
  }
  std::vector<Frame> stack;
  Open(root, style, &stack, out);
  while (!stack.empty()) {
    Frame& f = stack.back();
    const Value& v = *f.v;
    if (f.i == v.size()) {
      if (style == Style::kJsonPretty) AppendIndent(stack.size() - 1, out);
      out->push_back(v.is_object() || (v.is_set() && style == Style::kRego) ? '}' : ']');
      stack.pop_back();
      continue;
    }
    size_t i = f.i++;
    if (i > 0) out->append(style == Style::kRego ? ", " : ",");
    if (style == Style::kJsonPretty) AppendIndent(stack.size(), out);
    const Value* child;
    if (v.is_object()) {
      const ObjectEntry& e = v.object()[i];
      AppendKey(e.first, style, out);
      out->append(style == Style::kJson ? ":" : ": ");
      child = &e.second;
    } else if (v.is_array()) {
      child = &v.array()[i];
    } else {
      child = &v.set()[i];
    }
    Open(*child, style, &stack, out);  // may invalidate `f`
  }
}

}  // namespace

void AppendJson(const Value& v, std::string* out) { AppendValue(v, Style::kJson, out); }

std::string ToJson(const Value& v, bool pretty) {
  std::string out;
  AppendValue(v, pretty ? Style::kJsonPretty : Style::kJson, &out);
  return out;
}

std::string ToRegoString(const Value& v) {
  std::string out;
  AppendValue(v, Style::kRego, &out);
  return out;
}

}  // namespace fedra
