// Go encoding/json output for json.marshal and json.marshal_with_options.
#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "builtins/encoding_util.h"
#include "builtins/text_util.h"
#include "value/number.h"

namespace fedra::builtins {

namespace {

void AppendGoJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out->append("\\\""); break;
        case '\\': out->append("\\\\"); break;
        case '\n': out->append("\\n"); break;
        case '\r': out->append("\\r"); break;
        case '\t': out->append("\\t"); break;
        case '\b': out->append("\\b"); break;
        case '\f': out->append("\\f"); break;
        case '<': case '>': case '&':
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xF]);
          break;
        default:
          if (c < 0x20) {
            out->append("\\u00");
            out->push_back(kHex[c >> 4]);
            out->push_back(kHex[c & 0xF]);
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    size_t w;
    char32_t r = text::DecodeRune(s, i, &w);
    if (w == 1 && r == text::kRuneError) {
      out->append("\\ufffd");
    } else if (r == 0x2028 || r == 0x2029) {
      out->append(r == 0x2028 ? "\\u2028" : "\\u2029");
    } else {
      out->append(s.substr(i, w));
    }
    i += w;
  }
  out->push_back('"');
}

class Writer {
 public:
  Writer(bool pretty, std::string_view prefix, std::string_view indent, std::string* out)
      : pretty_(pretty), prefix_(prefix), indent_(indent), out_(out) {}

  Status Write(const Value& v, int depth) {
    if (depth > kMaxDepth) return Status::BuiltinError("json: value nested too deeply");
    switch (v.kind()) {
      case Kind::kUndefined:
      case Kind::kNull: out_->append("null"); return Status::OK();
      case Kind::kBool: out_->append(v.bool_value() ? "true" : "false"); return Status::OK();
      case Kind::kNumber: num::AppendFormat(v, out_); return Status::OK();
      case Kind::kString: AppendGoJsonString(v.str(), out_); return Status::OK();
      case Kind::kArray:
      case Kind::kSet: {
        std::span<const Value> items = v.is_array() ? v.array() : v.set();
        if (items.empty()) {
          out_->append("[]");
          return Status::OK();
        }
        out_->push_back('[');
        for (size_t i = 0; i < items.size(); ++i) {
          if (i > 0) out_->push_back(',');
          Newline(depth + 1);
          FEDRA_RETURN_IF_ERROR(Write(items[i], depth + 1));
        }
        Newline(depth);
        out_->push_back(']');
        return Status::OK();
      }
      case Kind::kObject: {
        if (v.empty()) {
          out_->append("{}");
          return Status::OK();
        }
        // Go sorts map keys bytewise; a non-string key is its JSON text.
        std::vector<std::pair<std::string, const Value*>> entries;
        for (const auto& [k, e] : v.object()) {
          std::string key;
          if (k.is_string()) {
            key = std::string(k.str());
          } else {
            FEDRA_RETURN_IF_ERROR(Writer(false, "", "", &key).Write(k, depth + 1));
          }
          entries.emplace_back(std::move(key), &e);
        }
        std::stable_sort(entries.begin(), entries.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        out_->push_back('{');
        bool first = true;
        for (size_t i = 0; i < entries.size(); ++i) {
          // Two keys with one JSON text collapse into one map entry; the
          // later one (in Rego order) wins, as Go's map assignment does.
          if (i + 1 < entries.size() && entries[i + 1].first == entries[i].first) continue;
          if (!first) out_->push_back(',');
          first = false;
          Newline(depth + 1);
          AppendGoJsonString(entries[i].first, out_);
          out_->append(pretty_ ? ": " : ":");
          FEDRA_RETURN_IF_ERROR(Write(*entries[i].second, depth + 1));
        }
        Newline(depth);
        out_->push_back('}');
        return Status::OK();
      }
    }
    return Status::OK();
  }

 private:
  void Newline(int depth) {
    if (!pretty_) return;
    out_->push_back('\n');
    out_->append(prefix_);
    for (int i = 0; i < depth; ++i) out_->append(indent_);
  }

  bool pretty_;
  std::string_view prefix_, indent_;
  std::string* out_;
};

}  // namespace

Status GoJsonMarshal(const Value& v, bool pretty, std::string_view prefix, std::string_view indent,
                     std::string* out) {
  return Writer(pretty, prefix, indent, out).Write(v, 0);
}

}  // namespace fedra::builtins
