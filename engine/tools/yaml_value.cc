#include "tools/yaml_value.h"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "value/number.h"

namespace fedra::tools {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllOf(std::string_view s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsOctDigit(char c) { return c >= '0' && c <= '7'; }

// Strips leading zeros of an unsigned digit run, keeping at least one digit.
std::string_view StripZeros(std::string_view digits) {
  size_t i = 0;
  while (i + 1 < digits.size() && digits[i] == '0') ++i;
  return digits.substr(i);
}

// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, rewritten as a JSON
// number literal. Returns false when `t` does not match.
bool NormalizeFloat(std::string_view t, std::string* json) {
  std::string_view s = t;
  std::string sign;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    if (s[0] == '-') sign = "-";
    s.remove_prefix(1);
  }
  size_t i = 0;
  while (i < s.size() && IsDigit(s[i])) ++i;
  std::string_view int_part = s.substr(0, i);
  std::string_view frac_part;
  bool has_dot = false;
  if (i < s.size() && s[i] == '.') {
    has_dot = true;
    size_t j = i + 1;
    while (j < s.size() && IsDigit(s[j])) ++j;
    frac_part = s.substr(i + 1, j - i - 1);
    i = j;
  }
  if (int_part.empty() && frac_part.empty()) return false;
  if (int_part.empty() && !has_dot) return false;
  std::string_view exp_part;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '-' || s[j] == '+')) ++j;
    size_t digits_start = j;
    while (j < s.size() && IsDigit(s[j])) ++j;
    if (j == digits_start) return false;
    exp_part = s.substr(i, j - i);
    i = j;
  }
  if (i != s.size()) return false;
  *json = sign;
  json->append(int_part.empty() ? std::string_view("0") : StripZeros(int_part));
  if (has_dot) {
    json->push_back('.');
    json->append(frac_part.empty() ? std::string_view("0") : frac_part);
  }
  json->append(exp_part);
  return true;
}

bool ParseRadix(std::string_view digits, int base, int64_t* out) {
  uint64_t v = 0;
  for (char c : digits) {
    int d = IsDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
    if (v > (static_cast<uint64_t>(INT64_MAX) - static_cast<uint64_t>(d)) /
                static_cast<uint64_t>(base)) {
      return false;
    }
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  *out = static_cast<int64_t>(v);
  return true;
}

std::string Where(std::string_view source, const YAML::Mark& mark, std::string_view path) {
  std::string s(source);
  if (!mark.is_null()) {
    s += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }
  s += ": ";
  s += path;
  return s;
}

class Converter {
 public:
  Converter(std::string_view source, const YamlLimits& limits) : source_(source), limits_(limits) {}

  Status Convert(const YAML::Node& node, std::string& path, size_t depth, Value* out) {
    if (++nodes_ > limits_.max_nodes) {
      return Error(node, path,
                   "document expands to more than " + std::to_string(limits_.max_nodes) +
                       " nodes (anchors/aliases?)");
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
        return Error(node, path, "undefined node");
      case YAML::NodeType::Null:
        *out = Value::Null();
        return Status::OK();
      case YAML::NodeType::Scalar:
        return Scalar(node, path, out);
      case YAML::NodeType::Sequence:
      case YAML::NodeType::Map:
        break;
    }
    if (depth >= limits_.max_depth) {
      return Error(node, path,
                   "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
    const size_t path_len = path.size();
    if (node.IsSequence()) {
      std::vector<Value> items;
      items.reserve(node.size());
      size_t i = 0;
      for (const YAML::Node& child : node) {
        path += "[" + std::to_string(i++) + "]";
        Value v;
        FEDRA_RETURN_IF_ERROR(Convert(child, path, depth + 1, &v));
        path.resize(path_len);
        items.push_back(std::move(v));
      }
      *out = Value::Array(std::move(items));
      return Status::OK();
    }
    std::vector<ObjectEntry> entries;
    entries.reserve(node.size());
    for (const auto& kv : node) {
      const YAML::Node& key = kv.first;
      if (!key.IsScalar() && !key.IsNull()) {
        return Error(key, path, "mapping key must be a scalar");
      }
      // Keys become strings, as when YAML is read as JSON; a null key is "null".
      std::string key_text = key.IsNull() ? std::string("null") : key.Scalar();
      path += "." + key_text;
      Value v;
      FEDRA_RETURN_IF_ERROR(Convert(kv.second, path, depth + 1, &v));
      path.resize(path_len);
      entries.emplace_back(Value::String(std::move(key_text)), std::move(v));
    }
    *out = Value::Object(std::move(entries));
    return Status::OK();
  }

 private:
  Status Scalar(const YAML::Node& node, const std::string& path, Value* out) {
    const std::string& tag = node.Tag();
    const std::string& text = node.Scalar();
    // "!" is the non-specific tag yaml-cpp gives quoted scalars; they are
    // strings whatever they look like.
    if (tag == "!" || tag == "tag:yaml.org,2002:str") {
      *out = Value::String(text);
      return Status::OK();
    }
    Status st = ResolvePlainScalar(text, out);
    if (!st.ok()) return Error(node, path, std::string(st.message()));
    static constexpr std::string_view kPrefix = "tag:yaml.org,2002:";
    if (tag.size() > kPrefix.size() && tag.compare(0, kPrefix.size(), kPrefix) == 0) {
      std::string_view want = std::string_view(tag).substr(kPrefix.size());
      bool ok = (want == "int" && out->is_number() && out->is_integral()) ||
                (want == "float" && out->is_number()) || (want == "bool" && out->is_bool()) ||
                (want == "null" && out->is_null());
      if (!ok)
        return Error(node, path, "scalar \"" + text + "\" is not a valid !!" + std::string(want));
    }
    return Status::OK();
  }

  Status Error(const YAML::Node& node, std::string_view path, const std::string& msg) {
    return Status::InvalidArgument(Where(source_, node.Mark(), path) + ": " + msg);
  }

  std::string_view source_;
  const YamlLimits& limits_;
  size_t nodes_ = 0;
};

}  // namespace

Status ResolvePlainScalar(std::string_view t, Value* out) {
  if (t.empty() || t == "~" || t == "null" || t == "Null" || t == "NULL") {
    *out = Value::Null();
    return Status::OK();
  }
  if (t == "true" || t == "True" || t == "TRUE") {
    *out = Value::Bool(true);
    return Status::OK();
  }
  if (t == "false" || t == "False" || t == "FALSE") {
    *out = Value::Bool(false);
    return Status::OK();
  }
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'o')) {
    std::string_view digits = t.substr(2);
    bool hex = t[1] == 'x';
    if (AllOf(digits, hex ? IsHexDigit : IsOctDigit)) {
      int64_t v = 0;
      if (!ParseRadix(digits, hex ? 16 : 8, &v)) {
        return Status::InvalidArgument("integer " + std::string(t) + " is out of range");
      }
      *out = Value::Int(v);
      return Status::OK();
    }
  }
  std::string_view rest = t;
  if (rest[0] == '-' || rest[0] == '+') rest.remove_prefix(1);
  if (rest == ".inf" || rest == ".Inf" || rest == ".INF" || t == ".nan" || t == ".NaN" ||
      t == ".NAN") {
    return Status::InvalidArgument("YAML float " + std::string(t) + " is not a JSON number");
  }
  std::string json;
  if (NormalizeFloat(t, &json)) {
    if (num::Parse(json, out)) return Status::OK();
    return Status::InvalidArgument("number " + std::string(t) + " cannot be represented");
  }
  *out = Value::String(t);
  return Status::OK();
}

Status YamlNodeToValue(const YAML::Node& node, Value* out, std::string_view source,
                       std::string_view path, const YamlLimits& limits) {
  Converter conv(source, limits);
  std::string p(path);
  try {
    return conv.Convert(node, p, 0, out);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string(source) + ": " + std::string(path) +
                                   ": YAML error: " + e.what());
  }
}

namespace {

// Loads one document (all = false) or every document of `text`; errors name
// the source and, when yaml-cpp knows it, line:col.
Status LoadNodes(std::string_view text, std::string_view source, const YamlLimits& limits,
                 bool all, std::vector<YAML::Node>* out) {
  if (text.size() > limits.max_bytes) {
    return Status::InvalidArgument(std::string(source) + ": YAML document larger than " +
                                   std::to_string(limits.max_bytes) + " bytes");
  }
  try {
    if (all) {
      *out = YAML::LoadAll(std::string(text));
    } else {
      out->assign(1, YAML::Load(std::string(text)));
    }
  } catch (const YAML::Exception& e) {
    std::string where(source);
    if (!e.mark.is_null()) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    return Status::InvalidArgument(where + ": invalid YAML: " + e.msg);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string(source) + ": invalid YAML: " + e.what());
  }
  return Status::OK();
}

}  // namespace

Status ParseYaml(std::string_view text, Value* out, std::string_view source,
                 const YamlLimits& limits) {
  std::vector<YAML::Node> nodes;
  FEDRA_RETURN_IF_ERROR(LoadNodes(text, source, limits, false, &nodes));
  if (!nodes[0].IsDefined()) {
    *out = Value::Null();
    return Status::OK();
  }
  return YamlNodeToValue(nodes[0], out, source, "$", limits);
}

Status ParseYamlDocuments(std::string_view text, std::vector<Value>* out, std::string_view source,
                          const YamlLimits& limits) {
  out->clear();
  std::vector<YAML::Node> docs;
  FEDRA_RETURN_IF_ERROR(LoadNodes(text, source, limits, true, &docs));
  for (size_t i = 0; i < docs.size(); ++i) {
    if (!docs[i].IsDefined() || docs[i].IsNull()) continue;
    Value v;
    std::string path = docs.size() > 1 ? "$doc" + std::to_string(i) : "$";
    FEDRA_RETURN_IF_ERROR(YamlNodeToValue(docs[i], &v, source, path, limits));
    if (v.is_null()) continue;
    out->push_back(std::move(v));
  }
  return Status::OK();
}

}  // namespace fedra::tools
