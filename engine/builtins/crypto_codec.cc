// Codecs for the crypto and token builtins: Go-compatible base64, PEM and
// JSON text, plus small Value helpers. See crypto_internal.h for why these
// follow Go's rules rather than OpenSSL's.
#include <openssl/err.h>

#include <array>
#include <cstdint>
#include <string>

#include "builtins/crypto_internal.h"
#include "value/json.h"
#include "value/number.h"
#include "value/utf8.h"

namespace fedra::builtins::crypto {
namespace {

constexpr std::string_view kStdAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// 0xff marks bytes outside the alphabet.
std::array<uint8_t, 256> DecodeTable(std::string_view alphabet) {
  std::array<uint8_t, 256> t;
  t.fill(0xff);
  for (size_t i = 0; i < alphabet.size(); ++i) t[static_cast<uint8_t>(alphabet[i])] = static_cast<uint8_t>(i);
  return t;
}

const std::array<uint8_t, 256>& TableFor(B64 a) {
  static const auto std_table = DecodeTable(kStdAlphabet);
  static const auto url_table = DecodeTable(kUrlAlphabet);
  return a == B64::kStd ? std_table : url_table;
}

bool IsNewline(char c) { return c == '\n' || c == '\r'; }

}  // namespace

// Decodes quantum by quantum exactly as Go's decodeQuantum does, so the
// reported offsets match OPA's messages: newlines are skipped anywhere, '='
// may only end the input, and anything after the padding is an error.
bool GoBase64Decode(std::string_view src, B64 alphabet, std::string* out, size_t* err_pos) {
  const auto& table = TableFor(alphabet);
  out->clear();
  out->reserve(src.size() / 4 * 3 + 3);
  size_t si = 0;
  const size_t n = src.size();
  while (si < n) {
    uint8_t vals[4] = {0, 0, 0, 0};
    int dlen = 4;
    bool trailing_garbage = false;
    size_t garbage_pos = 0;
    for (int j = 0; j < 4; ++j) {
      if (si == n) {
        if (j == 0) return true;
        // Padded encodings require complete quanta.
        *err_pos = si - static_cast<size_t>(j);
        return false;
      }
      char c = src[si++];
      uint8_t v = table[static_cast<uint8_t>(c)];
      if (v != 0xff) {
        vals[j] = v;
        continue;
      }
      if (IsNewline(c)) {
        --j;
        continue;
      }
      if (c != '=') {
        *err_pos = si - 1;
        return false;
      }
      // Padding: only after two or three symbols.
      if (j < 2) {
        *err_pos = si - 1;
        return false;
      }
      if (j == 2) {
        while (si < n && IsNewline(src[si])) ++si;
        if (si == n) {
          *err_pos = n;
          return false;
        }
        if (src[si] != '=') {
          *err_pos = si - 1;
          return false;
        }
        ++si;
      }
      while (si < n && IsNewline(src[si])) ++si;
      if (si < n) {
        trailing_garbage = true;
        garbage_pos = si;
      }
      dlen = j;
      break;
    }
    uint32_t val = (uint32_t{vals[0]} << 18) | (uint32_t{vals[1]} << 12) | (uint32_t{vals[2]} << 6) | vals[3];
    out->push_back(static_cast<char>((val >> 16) & 0xff));
    if (dlen >= 3) out->push_back(static_cast<char>((val >> 8) & 0xff));
    if (dlen == 4) out->push_back(static_cast<char>(val & 0xff));
    if (trailing_garbage) {
      *err_pos = garbage_pos;
      return false;
    }
    if (dlen < 4) return true;
  }
  return true;
}

Status StdBase64Decode(std::string_view in, std::string* out) {
  size_t pos = 0;
  if (!GoBase64Decode(in, B64::kStd, out, &pos)) {
    return Status::BuiltinError("illegal base64 data at input byte " + std::to_string(pos));
  }
  return Status::OK();
}

Status UrlBase64DecodeLenient(std::string_view in, std::string* out) {
  std::string s(in);
  if (s.empty() || s.back() != '=') {
    switch (s.size() % 4) {
      case 0:
        break;
      case 2:
        s += "==";
        break;
      case 3:
        s += "=";
        break;
      default:
        return Status::BuiltinError("illegal base64url string: " + s);
    }
  }
  size_t pos = 0;
  if (!GoBase64Decode(s, B64::kUrl, out, &pos)) {
    return Status::BuiltinError("illegal base64 data at input byte " + std::to_string(pos));
  }
  return Status::OK();
}

std::string Base64Encode(std::string_view in, B64 alphabet, bool pad) {
  std::string_view chars = alphabet == B64::kStd ? kStdAlphabet : kUrlAlphabet;
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (uint32_t{static_cast<uint8_t>(in[i])} << 16) |
                 (uint32_t{static_cast<uint8_t>(in[i + 1])} << 8) | static_cast<uint8_t>(in[i + 2]);
    out.push_back(chars[(v >> 18) & 63]);
    out.push_back(chars[(v >> 12) & 63]);
    out.push_back(chars[(v >> 6) & 63]);
    out.push_back(chars[v & 63]);
  }
  size_t left = in.size() - i;
  if (left > 0) {
    uint32_t v = uint32_t{static_cast<uint8_t>(in[i])} << 16;
    if (left == 2) v |= uint32_t{static_cast<uint8_t>(in[i + 1])} << 8;
    out.push_back(chars[(v >> 18) & 63]);
    out.push_back(chars[(v >> 12) & 63]);
    if (left == 2) out.push_back(chars[(v >> 6) & 63]);
    if (pad) out.append(left == 1 ? "==" : "=");
  }
  return out;
}

std::string HexEncode(std::string_view in) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(in.size() * 2);
  for (char c : in) {
    auto b = static_cast<uint8_t>(c);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

// ---- PEM ----------------------------------------------------------------------

namespace {

// pem's getLine: the line without its terminator and trailing blanks, and the
// text after the terminator.
std::string_view GetLine(std::string_view data, std::string_view* rest) {
  size_t i = data.find('\n');
  size_t j;
  if (i == std::string_view::npos) {
    i = data.size();
    j = i;
  } else {
    j = i + 1;
    if (i > 0 && data[i - 1] == '\r') --i;
  }
  std::string_view line = data.substr(0, i);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  *rest = data.substr(j);
  return line;
}

}  // namespace

// Go's algorithm can rescan the same text for every "-----BEGIN" it meets;
// two monotone caches (next END line, next line without ':') and an early
// exit keep this linear on hostile input without changing any result.
bool PemDecode(std::string_view data, PemBlock* block, std::string_view* out_rest) {
  static constexpr std::string_view kStart = "\n-----BEGIN ";
  static constexpr std::string_view kEnd = "\n-----END ";
  static constexpr std::string_view kDashes = "-----";
  static constexpr size_t kNone = std::string_view::npos;
  auto offset = [&](std::string_view s) { return static_cast<size_t>(s.data() - data.data()); };
  size_t end_cache = 0;
  bool end_cached = false;
  auto find_end = [&](size_t from) {
    if (!end_cached || (end_cache != kNone && end_cache < from)) {
      end_cache = data.find(kEnd, from);
      end_cached = true;
    }
    return end_cache;
  };
  size_t hdr_cache = 0;  // start of the first line without ':', or kNone
  bool hdr_cached = false;

  std::string_view rest = data;
  while (true) {
    if (rest.starts_with(kStart.substr(1))) {
      rest.remove_prefix(kStart.size() - 1);
    } else if (size_t at = rest.find(kStart); at != kNone) {
      rest.remove_prefix(at + kStart.size());
    } else {
      *out_rest = data;
      return false;
    }
    std::string_view type_line = GetLine(rest, &rest);
    if (!type_line.ends_with(kDashes)) continue;
    type_line.remove_suffix(kDashes.size());

    // Header lines ("Key: value") run up to the first line without a colon.
    size_t body_start = offset(rest);
    if (!hdr_cached || (hdr_cache != kNone && hdr_cache < body_start)) {
      std::string_view scan = rest;
      hdr_cache = kNone;
      while (!scan.empty()) {
        std::string_view next;
        std::string_view line = GetLine(scan, &next);
        if (line.find(':') == kNone) {
          hdr_cache = offset(scan);
          break;
        }
        scan = next;
      }
      hdr_cached = true;
    }
    if (hdr_cache == kNone) {  // the input ends inside the headers
      *out_rest = data;
      return false;
    }
    bool has_headers = hdr_cache != body_start;
    rest = data.substr(hdr_cache);

    size_t end_index, end_trailer_index;
    if (!has_headers && rest.starts_with(kEnd.substr(1))) {
      end_index = 0;
      end_trailer_index = kEnd.size() - 1;
    } else {
      size_t end_abs = find_end(offset(rest));
      if (end_abs == kNone) {  // no END line anywhere further on
        *out_rest = data;
        return false;
      }
      end_index = end_abs - offset(rest);
      end_trailer_index = end_index + kEnd.size();
    }
    std::string_view end_trailer = rest.substr(end_trailer_index);
    size_t trailer_len = type_line.size() + kDashes.size();
    if (end_trailer.size() < trailer_len) continue;
    std::string_view rest_of_end_line = end_trailer.substr(trailer_len);
    end_trailer = end_trailer.substr(0, trailer_len);
    if (!end_trailer.starts_with(type_line) || !end_trailer.ends_with(kDashes)) continue;
    std::string_view ignored;
    if (!GetLine(rest_of_end_line, &ignored).empty()) continue;

    std::string_view raw_body = rest.substr(0, end_index);
    // Reject a body with a stray character before copying it, so a body
    // that swallows later BEGIN lines costs only up to the first of them.
    static constexpr std::string_view kBodyChars =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \t\r\n";
    if (raw_body.find_first_not_of(kBodyChars) != kNone) continue;
    std::string body;
    body.reserve(raw_body.size());
    for (char c : raw_body) {
      if (c != ' ' && c != '\t') body.push_back(c);
    }
    std::string decoded;
    size_t pos = 0;
    if (!GoBase64Decode(body, B64::kStd, &decoded, &pos)) continue;

    block->type = std::string(type_line);
    block->bytes = std::move(decoded);
    block->has_headers = has_headers;
    // The -1 allows for an empty block whose END line matched without the
    // leading newline.
    GetLine(rest.substr(end_index + kEnd.size() - 1), out_rest);
    return true;
  }
}

std::string PemEncode(std::string_view type, std::string_view der) {
  std::string out = "-----BEGIN ";
  out += type;
  out += "-----\n";
  std::string b64 = Base64Encode(der, B64::kStd, true);
  for (size_t i = 0; i < b64.size(); i += 64) {
    out += b64.substr(i, 64);
    out += '\n';
  }
  out += "-----END ";
  out += type;
  out += "-----\n";
  return out;
}

// ---- JSON -------------------------------------------------------------------

namespace {

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

uint32_t Read4Hex(std::string_view s, size_t i) {
  uint32_t v = 0;
  for (size_t k = 0; k < 4 && i + k < s.size(); ++k) {
    int h = HexVal(s[i + k]);
    v = v * 16 + static_cast<uint32_t>(h < 0 ? 0 : h);
  }
  return v;
}


// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 when invalid.
size_t DecodeRune(std::string_view s, size_t i, uint32_t* cp) {
  auto b0 = static_cast<uint8_t>(s[i]);
  size_t len;
  uint32_t c;
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  } else if ((b0 & 0xe0) == 0xc0) {
    len = 2;
    c = b0 & 0x1f;
  } else if ((b0 & 0xf0) == 0xe0) {
    len = 3;
    c = b0 & 0x0f;
  } else if ((b0 & 0xf8) == 0xf0) {
    len = 4;
    c = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    auto b = static_cast<uint8_t>(s[i + k]);
    if ((b & 0xc0) != 0x80) return 0;
    c = (c << 6) | (b & 0x3f);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < kMin[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return 0;
  *cp = c;
  return len;
}

// Writes raw string bytes as encoding/json does with HTML escaping on.
void AppendGoString(std::string_view raw, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (size_t i = 0; i < raw.size();) {
    auto b = static_cast<uint8_t>(raw[i]);
    if (b < 0x80) {
      switch (b) {
        case '"': out->append("\\\""); break;
        case '\\': out->append("\\\\"); break;
        case '\b': out->append("\\b"); break;
        case '\f': out->append("\\f"); break;
        case '\n': out->append("\\n"); break;
        case '\r': out->append("\\r"); break;
        case '\t': out->append("\\t"); break;
        default:
          if (b < 0x20 || b == '<' || b == '>' || b == '&') {
            out->append("\\u00");
            out->push_back(kHex[b >> 4]);
            out->push_back(kHex[b & 15]);
          } else {
            out->push_back(static_cast<char>(b));
          }
      }
      ++i;
      continue;
    }
    uint32_t cp = 0;
    size_t len = DecodeRune(raw, i, &cp);
    if (len == 0) {
      out->append("\\ufffd");
      ++i;
      continue;
    }
    if (cp == 0x2028 || cp == 0x2029) {
      out->append(cp == 0x2028 ? "\\u2028" : "\\u2029");
    } else {
      out->append(raw.substr(i, len));
    }
    i += len;
  }
  out->push_back('"');
}

}  // namespace

std::string GoJson(const Value& v) {
  // Fedra's canonical JSON already orders keys and writes sets as arrays;
  // only string escapes differ from Go's, so each string token is decoded
  // and written again.
  std::string text = ToJson(v);
  std::string out;
  out.reserve(text.size() + 16);
  for (size_t i = 0; i < text.size();) {
    if (text[i] != '"') {
      out.push_back(text[i++]);
      continue;
    }
    std::string raw;
    ++i;
    while (i < text.size() && text[i] != '"') {
      char c = text[i];
      if (c != '\\') {
        raw.push_back(c);
        ++i;
        continue;
      }
      char e = i + 1 < text.size() ? text[i + 1] : '\\';
      i += 2;
      switch (e) {
        case 'b': raw.push_back('\b'); break;
        case 'f': raw.push_back('\f'); break;
        case 'n': raw.push_back('\n'); break;
        case 'r': raw.push_back('\r'); break;
        case 't': raw.push_back('\t'); break;
        case 'u': {
          uint32_t cp = Read4Hex(text, i);
          i += 4;
          if (cp >= 0xd800 && cp < 0xdc00 && i + 6 <= text.size() && text[i] == '\\' && text[i + 1] == 'u') {
            uint32_t lo = Read4Hex(text, i + 2);
            if (lo >= 0xdc00 && lo < 0xe000) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
              i += 6;
            }
          }
          if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
          AppendUtf8(cp, &raw);
          break;
        }
        default: raw.push_back(e); break;
      }
    }
    ++i;  // closing quote
    AppendGoString(raw, &out);
  }
  return out;
}

bool JsonValid(std::string_view text) {
  Value ignored;
  JsonLimits limits;
  limits.max_depth = 10000;
  return ParseJson(text, &ignored, "json", limits).ok();
}

// ---- Value helpers -------------------------------------------------------------

ObjectBuilder& ObjectBuilder::Add(std::string_view key, Value v) {
  entries_.emplace_back(Value::String(key), std::move(v));
  return *this;
}

Value ObjectBuilder::Build() { return Value::Object(std::move(entries_)); }

Value BytesValue(std::string_view bytes, bool nil_if_empty) {
  if (bytes.empty() && nil_if_empty) return Value::Null();
  return Value::String(Base64Encode(bytes, B64::kStd, true));
}

Value BignumValue(const BIGNUM* bn) {
  if (bn == nullptr) return Value::Null();
  char* dec = BN_bn2dec(bn);
  if (dec == nullptr) return Value::Null();
  Value v;
  if (!num::Parse(dec, &v)) v = Value::Null();
  OPENSSL_free(dec);
  return v;
}

Value StringsOrNull(const std::vector<std::string>& items) {
  if (items.empty()) return Value::Null();
  std::vector<Value> vs;
  vs.reserve(items.size());
  for (const auto& s : items) vs.push_back(Value::String(s));
  return Value::Array(std::move(vs));
}

std::string BignumBytes(const BIGNUM* bn) {
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string BignumBytesPadded(const BIGNUM* bn, size_t len) {
  std::string b = BignumBytes(bn);
  if (b.size() >= len) return b;
  return std::string(len - b.size(), '\0') + b;
}

std::string OpenSslError(std::string_view fallback) {
  unsigned long code = ERR_peek_last_error();
  std::string msg;
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    msg = buf;
  } else {
    msg = std::string(fallback);
  }
  ERR_clear_error();
  return msg;
}

}  // namespace fedra::builtins::crypto
