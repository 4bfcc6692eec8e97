// YAML for yaml.marshal / yaml.unmarshal / yaml.is_valid, with the rules of
// go-yaml v2 behind sigs.k8s.io/yaml (what OPA uses). Parsing uses yaml-cpp;
// its exceptions are caught here and turned into statuses.
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "builtins/encoding_util.h"
#include "builtins/sprintf.h"
#include "builtins/text_util.h"
#include "value/number.h"

namespace fedra::builtins {

namespace {

constexpr size_t kMaxYamlNodes = 1'000'000;  // bounds alias expansion

bool IsNullWord(std::string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

int BoolWord(std::string_view s) {  // 1 true, 0 false, -1 neither (YAML 1.1)
  static const char* kTrue[] = {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"};
  static const char* kFalse[] = {"n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"};
  for (const char* w : kTrue) {
    if (s == w) return 1;
  }
  for (const char* w : kFalse) {
    if (s == w) return 0;
  }
  return -1;
}

// A plain scalar resolved as go-yaml v2 does. Returns false for strings.
bool ResolvePlain(std::string_view s, Value* out) {
  if (IsNullWord(s)) {
    *out = Value::Null();
    return true;
  }
  int b = BoolWord(s);
  if (b >= 0) {
    *out = Value::Bool(b == 1);
    return true;
  }
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf" || s == "+.INF" ||
      s == "-.inf" || s == "-.Inf" || s == "-.INF" || s == ".nan" || s == ".NaN" || s == ".NAN") {
    *out = Value::Double(s[0] == '-' ? -INFINITY : s.find('n') != std::string_view::npos ||
                                                           s.find('N') != std::string_view::npos
                                                       ? NAN
                                                       : INFINITY);
    return true;
  }
  std::string t;
  for (char c : s) {
    if (c != '_') t.push_back(c);
  }
  if (t.empty()) return false;
  // Integers: decimal, 0x hex, 0b binary, leading-0 octal (Go's base 0).
  {
    std::string_view d = t;
    bool neg = false;
    if (d[0] == '-' || d[0] == '+') {
      neg = d[0] == '-';
      d.remove_prefix(1);
    }
    int base = 10;
    if (d.size() > 2 && d[0] == '0' && (d[1] == 'x' || d[1] == 'X')) {
      base = 16;
      d.remove_prefix(2);
    } else if (d.size() > 2 && d[0] == '0' && (d[1] == 'b' || d[1] == 'B')) {
      base = 2;
      d.remove_prefix(2);
    } else if (d.size() > 1 && d[0] == '0') {
      base = 8;
      d.remove_prefix(1);
    }
    bool digits = !d.empty();
    for (char c : d) {
      int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
              : std::isxdigit(static_cast<unsigned char>(c)) ? std::tolower(c) - 'a' + 10
                                                             : 99;
      if (v >= base) digits = false;
    }
    if (digits) {
      errno = 0;
      std::string ds(d);
      unsigned long long u = std::strtoull(ds.c_str(), nullptr, base);
      if (errno == 0 && (neg ? u <= 9223372036854775808ull : true)) {
        if (neg) {
          *out = Value::Int(u == 9223372036854775808ull ? INT64_MIN : -static_cast<int64_t>(u));
        } else if (u <= static_cast<unsigned long long>(INT64_MAX)) {
          *out = Value::Int(static_cast<int64_t>(u));
        } else {
          *out = Value::Double(static_cast<double>(u));
        }
        return true;
      }
      if (base == 10) {
        // Beyond 64 bits go-yaml falls back to float64.
        *out = Value::Double(std::strtod(t.c_str(), nullptr));
        return true;
      }
    }
  }
  // Floats: Go's ParseFloat syntax (digits, optional fraction and exponent).
  {
    size_t i = 0;
    if (t[i] == '+' || t[i] == '-') ++i;
    size_t mant = 0;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, ++mant;
    if (i < t.size() && t[i] == '.') {
      ++i;
      while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, ++mant;
    }
    if (mant > 0 && i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
      size_t j = i + 1;
      if (j < t.size() && (t[j] == '+' || t[j] == '-')) ++j;
      size_t ed = 0;
      while (j < t.size() && std::isdigit(static_cast<unsigned char>(t[j]))) ++j, ++ed;
      if (ed > 0) i = j;
    }
    if (mant > 0 && i == t.size()) {
      *out = Value::Double(std::strtod(t.c_str(), nullptr));
      return true;
    }
  }
  return false;
}

class Converter {
 public:
  Status Convert(const YAML::Node& n, int depth, Value* out) {
    if (++nodes_ > kMaxYamlNodes) return Status::BuiltinError("yaml: document contains excessive aliasing");
    if (depth > kMaxDepth) return Status::BuiltinError("yaml: document nested too deeply");
    switch (n.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        *out = Value::Null();
        return Status::OK();
      case YAML::NodeType::Scalar: {
        const std::string& s = n.Scalar();
        const std::string& tag = n.Tag();
        if (tag == "!" || tag == "tag:yaml.org,2002:str") {
          *out = Value::String(s);
        } else if (tag == "?" || tag.empty() || tag.rfind("tag:yaml.org,2002:", 0) == 0) {
          if (!ResolvePlain(s, out)) *out = Value::String(s);
        } else {
          *out = Value::String(s);
        }
        if (out->is_number() && out->num_rep() == Value::NumRep::kDouble && !std::isfinite(out->double_value())) {
          return Status::BuiltinError("json: unsupported value: " + GoFormatFloat(out->double_value(), 'g', -1));
        }
        return Status::OK();
      }
      case YAML::NodeType::Sequence: {
        std::vector<Value> items;
        for (const auto& e : n) {
          Value v;
          FEDRA_RETURN_IF_ERROR(Convert(e, depth + 1, &v));
          items.push_back(std::move(v));
        }
        *out = Value::Array(std::move(items));
        return Status::OK();
      }
      case YAML::NodeType::Map: {
        std::vector<ObjectEntry> entries, merged;
        for (const auto& kv : n) {
          const YAML::Node& k = kv.first;
          if (k.IsScalar() && k.Tag() == "?" && k.Scalar() == "<<") {
            // Merge key: a map or a list of maps supplies defaults.
            std::vector<YAML::Node> sources;
            if (kv.second.IsSequence()) {
              for (const auto& e : kv.second) sources.push_back(e);
            } else {
              sources.push_back(kv.second);
            }
            for (const auto& src : sources) {
              Value m;
              FEDRA_RETURN_IF_ERROR(Convert(src, depth + 1, &m));
              if (!m.is_object()) return Status::BuiltinError("yaml: map merge requires map or sequence of maps as the value");
              for (const auto& e : m.object()) merged.push_back(e);
            }
            continue;
          }
          Value key, val;
          FEDRA_RETURN_IF_ERROR(Convert(k, depth + 1, &key));
          FEDRA_RETURN_IF_ERROR(Convert(kv.second, depth + 1, &val));
          entries.emplace_back(KeyString(key), std::move(val));
        }
        if (!merged.empty()) {
          // Explicit keys win over merged ones: put merged entries first so
          // the later (explicit) entries replace them.
          merged.insert(merged.end(), entries.begin(), entries.end());
          entries = std::move(merged);
        }
        *out = Value::Object(std::move(entries));
        return Status::OK();
      }
    }
    return Status::OK();
  }

 private:
  static Value KeyString(const Value& k) {
    if (k.is_string()) return k;
    if (k.is_null()) return Value::String(std::string_view("null"));
    if (k.is_bool()) return Value::String(std::string_view(k.bool_value() ? "true" : "false"));
    if (k.is_number()) {
      if (k.num_rep() == Value::NumRep::kDouble) return Value::String(GoFormatFloat(k.double_value(), 'g', -1));
      return Value::String(num::Format(k));
    }
    return Value::String(ToJson(k));
  }

  size_t nodes_ = 0;
};

std::string GoYamlMessage(const YAML::ParserException& e) {
  std::string msg = e.msg;
  if (msg == "end of sequence flow not found") msg = "did not find expected ',' or ']'";
  if (msg == "end of map flow not found") msg = "did not find expected ',' or '}'";
  if (msg == "end of sequence not found") msg = "did not find expected '-' indicator";
  if (msg == "end of map not found") msg = "did not find expected key";
  return "yaml: line " + std::to_string(e.mark.line + 1) + ": " + msg;
}

// ---- emitting --------------------------------------------------------------------

bool NeedsQuotes(std::string_view s) {
  if (s.empty()) return true;
  Value ignored;
  if (ResolvePlain(s, &ignored)) return true;
  char c0 = s[0];
  if (std::string_view("#,[]{}&*!|>'\"%@`").find(c0) != std::string_view::npos) return true;
  if ((c0 == '-' || c0 == '?' || c0 == ':') && (s.size() == 1 || s[1] == ' ')) return true;
  if (s.front() == ' ' || s.back() == ' ') return true;
  if (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos || s.back() == ':') return true;
  for (size_t i = 0; i < s.size();) {
    size_t w;
    char32_t r = text::DecodeRune(s, i, &w);
    if (r == '\t') return true;
    if (!text::IsPrint(r) && r != ' ') return true;
    i += w;
  }
  return false;
}

bool ResolvesToNonString(std::string_view s) {
  Value v;
  return ResolvePlain(s, &v);
}

void EmitString(std::string_view s, int indent, std::string* out) {
  if (s.find('\n') != std::string_view::npos) {
    size_t trailing = 0;
    while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
    out->append(trailing == 0 ? "|-" : trailing == 1 ? "|" : "|+");
    std::string_view body = s.substr(0, s.size() - (trailing > 0 ? 1 : 0));
    size_t start = 0;
    while (start <= body.size()) {
      size_t nl = body.find('\n', start);
      std::string_view line = body.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
      out->push_back('\n');
      if (!line.empty()) {
        out->append(static_cast<size_t>(indent + 2), ' ');
        out->append(line);
      }
      if (nl == std::string_view::npos) break;
      start = nl + 1;
    }
    return;
  }
  if (ResolvesToNonString(s) || s.empty()) {
    out->append(GoQuote(s));
    return;
  }
  if (!NeedsQuotes(s)) {
    out->append(s);
    return;
  }
  bool printable = true;
  for (size_t i = 0; i < s.size();) {
    size_t w;
    char32_t r = text::DecodeRune(s, i, &w);
    if (!text::IsPrint(r) && r != ' ') printable = false;
    i += w;
  }
  if (!printable) {
    out->append(GoQuote(s));
    return;
  }
  out->push_back('\'');
  for (char c : s) {
    if (c == '\'') out->push_back('\'');
    out->push_back(c);
  }
  out->push_back('\'');
}

void EmitScalar(const Value& v, int indent, std::string* out) {
  switch (v.kind()) {
    case Kind::kNull:
    case Kind::kUndefined: out->append("null"); return;
    case Kind::kBool: out->append(v.bool_value() ? "true" : "false"); return;
    case Kind::kNumber:
      if (v.num_rep() == Value::NumRep::kInt) {
        out->append(std::to_string(v.int_value()));
      } else {
        out->append(GoFormatFloat(v.ToDouble(), 'g', -1));
      }
      return;
    case Kind::kString: EmitString(v.str(), indent, out); return;
    default: return;
  }
}

bool IsEmptyCollection(const Value& v) { return v.is_collection() && v.empty(); }

Status Emit(const Value& v, int indent, int depth, std::string* out);

// Writes a mapping or sequence body whose first line continues the current
// line (after "- ") and whose other lines are indented by `indent`.
Status EmitBlock(const Value& v, int indent, int depth, std::string* out) {
  if (depth > kMaxDepth) return Status::BuiltinError("yaml: value nested too deeply");
  std::string pad(static_cast<size_t>(indent), ' ');
  bool first = true;
  if (v.is_object()) {
    std::vector<std::pair<std::string, const Value*>> entries;
    for (const auto& [k, e] : v.object()) {
      entries.emplace_back(k.is_string() ? std::string(k.str()) : ToJson(k), &e);
    }
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [k, e] : entries) {
      if (!first) out->append(pad);
      first = false;
      EmitString(k, indent, out);
      out->push_back(':');
      if (e->is_object() && !e->empty()) {
        out->push_back('\n');
        out->append(pad + "  ");
        FEDRA_RETURN_IF_ERROR(EmitBlock(*e, indent + 2, depth + 1, out));
      } else if ((e->is_array() || e->is_set()) && !e->empty()) {
        out->push_back('\n');
        out->append(pad);
        FEDRA_RETURN_IF_ERROR(EmitBlock(*e, indent, depth + 1, out));
      } else {
        out->push_back(' ');
        FEDRA_RETURN_IF_ERROR(Emit(*e, indent, depth + 1, out));
        out->push_back('\n');
      }
    }
    return Status::OK();
  }
  for (const Value& e : v.is_array() ? v.array() : v.set()) {
    if (!first) out->append(pad);
    first = false;
    out->append("- ");
    if (e.is_collection() && !e.empty()) {
      FEDRA_RETURN_IF_ERROR(EmitBlock(e, indent + 2, depth + 1, out));
    } else {
      FEDRA_RETURN_IF_ERROR(Emit(e, indent + 2, depth + 1, out));
      out->push_back('\n');
    }
  }
  return Status::OK();
}

Status Emit(const Value& v, int indent, int depth, std::string* out) {
  if (IsEmptyCollection(v)) {
    out->append(v.is_object() ? "{}" : "[]");
    return Status::OK();
  }
  if (v.is_collection()) return EmitBlock(v, indent, depth, out);
  EmitScalar(v, indent, out);
  return Status::OK();
}

}  // namespace

Status ParseGoYaml(std::string_view text, Value* out) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    Converter c;
    return c.Convert(root, 0, out);
  } catch (const YAML::ParserException& e) {
    return Status::BuiltinError(GoYamlMessage(e));
  } catch (const std::exception& e) {
    return Status::BuiltinError(std::string("yaml: ") + e.what());
  }
}

Status GoYamlMarshal(const Value& v, std::string* out) {
  if (v.is_collection() && !v.empty()) return EmitBlock(v, 0, 0, out);
  FEDRA_RETURN_IF_ERROR(Emit(v, 0, 0, out));
  out->push_back('\n');
  return Status::OK();
}

}  // namespace fedra::builtins
