// Encoding builtins: json.marshal / marshal_with_options / unmarshal /
// is_valid, base64*, base64url*, hex.*, urlquery.*, yaml.*. The JSON editors
// (json.filter, json.remove, json.patch) are in json_edit.cc and the schema
// builtins in json_schema.cc.
//
// Output and error texts follow the Go standard library functions OPA calls
// (encoding/base64, encoding/hex, net/url, encoding/json).
#include <string>
#include <string_view>
#include <vector>

#include "builtins/encoding_util.h"
#include "builtins/operands.h"
#include "builtins/registry.h"
#include "builtins/sprintf.h"
#include "builtins/text_util.h"
#include "value/json.h"

namespace fedra::builtins {

namespace {

using Args = std::span<const Value>;

// ---- JSON ----------------------------------------------------------------------

Status JsonMarshal(Context&, Args args, Value* out) {
  std::string s;
  FEDRA_RETURN_IF_ERROR(GoJsonMarshal(args[0], false, "", "", &s));
  *out = Value::String(std::move(s));
  return Status::OK();
}

Status JsonMarshalWithOptions(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectObject(args, 1));
  std::string indent = "\t", prefix;
  bool implicit_pretty = false, explicit_set = false, pretty = false;
  for (const auto& [k, v] : args[1].object()) {
    if (!k.is_string()) {
      return OperandError(2, "failed to stringify key " + ToRegoString(k) + ": operand must be string but got " +
                                 std::string(KindName(k.kind())));
    }
    std::string_view key = k.str();
    if (key == "prefix" || key == "indent") {
      if (!v.is_string()) {
        return OperandError(2, "key " + std::string(key) + " failed cast to string: operand must be string but got " +
                                   std::string(KindName(v.kind())));
      }
      (key == "prefix" ? prefix : indent) = std::string(v.str());
      implicit_pretty = true;
    } else if (key == "pretty") {
      explicit_set = true;
      if (!v.is_bool()) return OperandError(2, "key pretty failed cast to bool");
      pretty = v.bool_value();
    } else {
      return OperandError(2, "object contained unknown key " + ToRegoString(k));
    }
  }
  if (!explicit_set) pretty = implicit_pretty;
  std::string s = pretty ? prefix : std::string();
  FEDRA_RETURN_IF_ERROR(GoJsonMarshal(args[0], pretty, prefix, indent, &s));
  *out = Value::String(std::move(s));
  return Status::OK();
}

Status JsonUnmarshal(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  Status st = ParseJson(args[0].str(), out, "json.unmarshal");
  if (!st.ok()) return Status::BuiltinError(st.message());
  return Status::OK();
}

Status JsonIsValid(Context&, Args args, Value* out) {
  Value ignored;
  *out = Value::Bool(args[0].is_string() && ParseJson(args[0].str(), &ignored).ok());
  return Status::OK();
}

// ---- base64 --------------------------------------------------------------------

constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string B64Encode(std::string_view in, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t n = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8) | uint8_t(in[i + 2]);
    out.push_back(alphabet[(n >> 18) & 63]);
    out.push_back(alphabet[(n >> 12) & 63]);
    out.push_back(alphabet[(n >> 6) & 63]);
    out.push_back(alphabet[n & 63]);
  }
  size_t rest = in.size() - i;
  if (rest > 0) {
    uint32_t n = uint32_t(uint8_t(in[i])) << 16;
    if (rest == 2) n |= uint32_t(uint8_t(in[i + 1])) << 8;
    out.push_back(alphabet[(n >> 18) & 63]);
    out.push_back(alphabet[(n >> 12) & 63]);
    if (rest == 2) out.push_back(alphabet[(n >> 6) & 63]);
    if (pad) out.append(rest == 2 ? "=" : "==");
  }
  return out;
}

// Go's padded base64 decoding (newlines ignored). On error sets *err to
// "illegal base64 data at input byte N".
bool B64Decode(std::string_view in, const char* alphabet, std::string* out, std::string* err) {
  int8_t map[256];
  std::fill(std::begin(map), std::end(map), int8_t(-1));
  for (int k = 0; k < 64; ++k) map[static_cast<uint8_t>(alphabet[k])] = static_cast<int8_t>(k);
  uint32_t acc = 0;
  int nchars = 0;
  size_t i = 0;
  auto fail = [&](size_t pos) {
    *err = "illegal base64 data at input byte " + std::to_string(pos);
    return false;
  };
  for (; i < in.size(); ++i) {
    char c = in[i];
    if (c == '\n' || c == '\r') continue;
    if (c == '=') break;
    int8_t d = map[static_cast<uint8_t>(c)];
    if (d < 0) return fail(i);
    acc = (acc << 6) | static_cast<uint32_t>(d);
    if (++nchars == 4) {
      out->push_back(static_cast<char>(acc >> 16));
      out->push_back(static_cast<char>(acc >> 8));
      out->push_back(static_cast<char>(acc));
      acc = 0;
      nchars = 0;
    }
  }
  if (i < in.size()) {
    // Padding: exactly 4 - nchars '=' (2 or 1), then only newlines.
    if (nchars < 2) return fail(i);
    size_t need = static_cast<size_t>(4 - nchars);
    size_t got = 0, j = i;
    for (; j < in.size() && got < need; ++j) {
      if (in[j] == '\n' || in[j] == '\r') continue;
      if (in[j] != '=') return fail(j);
      ++got;
    }
    if (got < need) return fail(in.size());
    for (; j < in.size(); ++j) {
      if (in[j] != '\n' && in[j] != '\r') return fail(j);
    }
  } else if (nchars != 0) {
    return fail(in.size());
  }
  if (nchars == 2) {
    out->push_back(static_cast<char>(acc >> 4));
  } else if (nchars == 3) {
    out->push_back(static_cast<char>(acc >> 10));
    out->push_back(static_cast<char>(acc >> 2));
  }
  return true;
}

Status Base64Encode(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  *out = Value::String(B64Encode(args[0].str(), kStd, true));
  return Status::OK();
}

Status Base64Decode(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  std::string res, err;
  if (!B64Decode(args[0].str(), kStd, &res, &err)) return Status::BuiltinError(err);
  *out = Value::String(std::move(res));
  return Status::OK();
}

Status Base64IsValid(Context&, Args args, Value* out) {
  std::string res, err;
  *out = Value::Bool(args[0].is_string() && B64Decode(args[0].str(), kStd, &res, &err));
  return Status::OK();
}

Status Base64UrlEncode(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  *out = Value::String(B64Encode(args[0].str(), kUrl, true));
  return Status::OK();
}

Status Base64UrlEncodeNoPad(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  *out = Value::String(B64Encode(args[0].str(), kUrl, false));
  return Status::OK();
}

Status Base64UrlDecode(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  std::string s(args[0].str());
  // Unpadded input is padded first (RFC 7515 appendix C), as OPA does.
  if (s.empty() || s.back() != '=') {
    switch (s.size() % 4) {
      case 0: break;
      case 2: s += "=="; break;
      case 3: s += "="; break;
      default: return Status::BuiltinError("illegal base64url string: " + s);
    }
  }
  std::string res, err;
  if (!B64Decode(s, kUrl, &res, &err)) return Status::BuiltinError(err);
  *out = Value::String(std::move(res));
  return Status::OK();
}

// ---- hex -----------------------------------------------------------------------

Status HexEncode(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string res;
  for (char c : args[0].str()) {
    res.push_back(kHex[static_cast<uint8_t>(c) >> 4]);
    res.push_back(kHex[static_cast<uint8_t>(c) & 0xF]);
  }
  *out = Value::String(std::move(res));
  return Status::OK();
}

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status InvalidHexByte(char c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(static_cast<uint8_t>(c)));
  std::string msg = std::string("encoding/hex: invalid byte: ") + buf;
  char32_t r = static_cast<uint8_t>(c);
  if (text::IsPrint(r)) {
    msg += " '";
    text::AppendRune(r, &msg);
    msg += "'";
  }
  return Status::BuiltinError(msg);
}

Status HexDecode(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  std::string_view s = args[0].str();
  std::string res;
  size_t j = 1;
  for (; j < s.size(); j += 2) {
    int a = HexVal(s[j - 1]), b = HexVal(s[j]);
    if (a < 0) return InvalidHexByte(s[j - 1]);
    if (b < 0) return InvalidHexByte(s[j]);
    res.push_back(static_cast<char>((a << 4) | b));
  }
  if (s.size() % 2 == 1) {
    if (HexVal(s[j - 1]) < 0) return InvalidHexByte(s[j - 1]);
    return Status::BuiltinError("encoding/hex: odd length hex string");
  }
  *out = Value::String(std::move(res));
  return Status::OK();
}

// ---- urlquery ------------------------------------------------------------------

std::string QueryEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(ch);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

bool QueryUnescape(std::string_view s, std::string* out, std::string* err) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || HexVal(s[i + 1]) < 0 || HexVal(s[i + 2]) < 0) {
        *err = "invalid URL escape " + GoQuote(s.substr(i, 3));
        return false;
      }
      out->push_back(static_cast<char>((HexVal(s[i + 1]) << 4) | HexVal(s[i + 2])));
      i += 2;
    } else if (s[i] == '+') {
      out->push_back(' ');
    } else {
      out->push_back(s[i]);
    }
  }
  return true;
}

Status UrlEncode(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  *out = Value::String(QueryEscape(args[0].str()));
  return Status::OK();
}

Status UrlDecode(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  std::string res, err;
  if (!QueryUnescape(args[0].str(), &res, &err)) return Status::BuiltinError(err);
  *out = Value::String(std::move(res));
  return Status::OK();
}

Status UrlEncodeObject(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectObject(args, 0));
  std::vector<std::pair<std::string, std::vector<std::string_view>>> params;
  for (const auto& [k, v] : args[0].object()) {
    std::string key = k.is_string() ? std::string(k.str()) : ToJson(k);
    std::vector<std::string_view> vals;
    if (v.is_string()) {
      vals.push_back(v.str());
    } else if (v.is_array() || v.is_set()) {
      for (const Value& e : v.is_array() ? v.array() : v.set()) {
        if (!e.is_string()) return OperandError(1, "values must be string, array[string], or set[string]");
        vals.push_back(e.str());
      }
    } else {
      return OperandError(1, "values must be string, array[string], or set[string]");
    }
    params.emplace_back(std::move(key), std::move(vals));
  }
  std::sort(params.begin(), params.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string res;
  for (const auto& [k, vals] : params) {
    for (std::string_view v : vals) {
      if (!res.empty()) res.push_back('&');
      res += QueryEscape(k) + "=" + QueryEscape(v);
    }
  }
  *out = Value::String(std::move(res));
  return Status::OK();
}

Status UrlDecodeObject(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  std::string_view q = args[0].str();
  std::vector<std::pair<std::string, std::vector<Value>>> params;
  std::string first_err;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    if (part.find(';') != std::string_view::npos) {
      if (first_err.empty()) first_err = "invalid semicolon separator in query";
      continue;
    }
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string key, val, err;
    if (!QueryUnescape(part.substr(0, eq), &key, &err) ||
        (eq != std::string_view::npos && !QueryUnescape(part.substr(eq + 1), &val, &err))) {
      if (first_err.empty()) first_err = err;
      continue;
    }
    auto it = std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.first == key; });
    if (it == params.end()) {
      params.emplace_back(key, std::vector<Value>{});
      it = params.end() - 1;
    }
    it->second.push_back(Value::String(std::move(val)));
  }
  if (!first_err.empty()) return Status::BuiltinError(first_err);
  std::vector<ObjectEntry> entries;
  for (auto& [k, vals] : params) entries.emplace_back(Value::String(k), Value::Array(std::move(vals)));
  *out = Value::Object(std::move(entries));
  return Status::OK();
}

// ---- YAML ----------------------------------------------------------------------

Status YamlMarshal(Context&, Args args, Value* out) {
  std::string s;
  FEDRA_RETURN_IF_ERROR(GoYamlMarshal(args[0], &s));
  *out = Value::String(std::move(s));
  return Status::OK();
}

Status YamlUnmarshal(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  return ParseGoYaml(args[0].str(), out);
}

Status YamlIsValid(Context&, Args args, Value* out) {
  Value ignored;
  *out = Value::Bool(args[0].is_string() && ParseGoYaml(args[0].str(), &ignored).ok());
  return Status::OK();
}

}  // namespace

void RegisterEncoding(Registry& r) {
  r.Add("json.marshal", 1, JsonMarshal);
  r.Add("json.marshal_with_options", 2, JsonMarshalWithOptions);
  r.Add("json.unmarshal", 1, JsonUnmarshal);
  r.Add("json.is_valid", 1, JsonIsValid);
  r.Add("base64.encode", 1, Base64Encode);
  r.Add("base64.decode", 1, Base64Decode);
  r.Add("base64.is_valid", 1, Base64IsValid);
  r.Add("base64url.encode", 1, Base64UrlEncode);
  r.Add("base64url.encode_no_pad", 1, Base64UrlEncodeNoPad);
  r.Add("base64url.decode", 1, Base64UrlDecode);
  r.Add("hex.encode", 1, HexEncode);
  r.Add("hex.decode", 1, HexDecode);
  r.Add("urlquery.encode", 1, UrlEncode);
  r.Add("urlquery.decode", 1, UrlDecode);
  r.Add("urlquery.encode_object", 1, UrlEncodeObject);
  r.Add("urlquery.decode_object", 1, UrlDecodeObject);
  r.Add("yaml.marshal", 1, YamlMarshal);
  r.Add("yaml.unmarshal", 1, YamlUnmarshal);
  r.Add("yaml.is_valid", 1, YamlIsValid);
  RegisterJsonEdit(r);
  RegisterJsonSchema(r);
}

}  // namespace fedra::builtins
