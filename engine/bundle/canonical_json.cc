// OPA's canonical form of a JSON document, from its text.
//
// OPA reads a structured file with json.Decoder.UseNumber, so numbers keep
// their literal text ("1.0" stays "1.0", "1e3" stays "1e3"), and then writes
// objects with sorted keys, no whitespace and Go's string escaping. Working
// from the text rather than from a Value (which normalises numbers) makes
// digests of files signed by OPA match whatever number syntax they use.
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bundle/signatures.h"
#include "value/json.h"
#include "value/utf8.h"

namespace fedra::bundle {
namespace {

struct Node {
  enum class Kind { kLiteral, kString, kArray, kObject } kind = Kind::kLiteral;
  std::string text;  // literal text (numbers, true, false, null) or the decoded string
  std::vector<Node> items;
  std::vector<std::pair<std::string, Node>> members;
};

// A parser for text ParseJson has already accepted: it need not report
// errors, and its recursion is bounded by the depth ParseJson allowed.
class TextParser {
 public:
  explicit TextParser(std::string_view s) : s_(s) {}

  Node Parse() {
    SkipSpace();
    Node n = Value();
    return n;
  }

 private:
  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }

  Node Value() {
    Node n;
    char c = pos_ < s_.size() ? s_[pos_] : '\0';
    if (c == '{') {
      n.kind = Node::Kind::kObject;
      ++pos_;
      SkipSpace();
      while (pos_ < s_.size() && s_[pos_] != '}') {
        std::string key = String();
        SkipSpace();
        ++pos_;  // ':'
        SkipSpace();
        n.members.emplace_back(std::move(key), Value());
        SkipSpace();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          SkipSpace();
        }
      }
      ++pos_;
    } else if (c == '[') {
      n.kind = Node::Kind::kArray;
      ++pos_;
      SkipSpace();
      while (pos_ < s_.size() && s_[pos_] != ']') {
        n.items.push_back(Value());
        SkipSpace();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          SkipSpace();
        }
      }
      ++pos_;
    } else if (c == '"') {
      n.kind = Node::Kind::kString;
      n.text = String();
    } else {
      size_t start = pos_;
      while (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '}' && s_[pos_] != ']' &&
             s_[pos_] != ' ' && s_[pos_] != '\t' && s_[pos_] != '\n' && s_[pos_] != '\r') {
        ++pos_;
      }
      n.text = std::string(s_.substr(start, pos_ - start));
    }
    return n;
  }

  int Hex4() {
    int v = 0;
    for (int i = 0; i < 4 && pos_ < s_.size(); ++i, ++pos_) {
      char c = s_[pos_];
      v = v * 16 + (c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                           : c - 'A' + 10);
    }
    return v;
  }

  std::string String() {
    std::string out;
    ++pos_;  // opening quote
    while (pos_ < s_.size() && s_[pos_] != '"') {
      char c = s_[pos_++];
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      char e = s_[pos_++];
      switch (e) {
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          char32_t cp = static_cast<char32_t>(Hex4());
          if (cp >= 0xD800 && cp < 0xDC00 && pos_ + 1 < s_.size() && s_[pos_] == '\\' &&
              s_[pos_ + 1] == 'u') {
            size_t save = pos_;
            pos_ += 2;
            char32_t lo = static_cast<char32_t>(Hex4());
            if (lo >= 0xDC00 && lo < 0xE000) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else {
              pos_ = save;
              cp = 0xFFFD;
            }
          } else if (cp >= 0xD800 && cp < 0xE000) {
            cp = 0xFFFD;  // a lone surrogate, as Go decodes it
          }
          AppendUtf8(cp, &out);
          break;
        }
        default:
          out.push_back(e);
          break;  // '"', '\\', '/'
      }
    }
    ++pos_;  // closing quote
    return out;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

void Emit(const Node& n, std::string* out) {
  switch (n.kind) {
    case Node::Kind::kLiteral:
      out->append(n.text);
      return;
    case Node::Kind::kString:
      AppendGoJsonString(n.text, out);
      return;
    case Node::Kind::kArray:
      out->push_back('[');
      for (size_t i = 0; i < n.items.size(); ++i) {
        if (i > 0) out->push_back(',');
        Emit(n.items[i], out);
      }
      out->push_back(']');
      return;
    case Node::Kind::kObject: {
      // Go decodes into a map: the last of repeated keys wins; keys sort bytewise.
      std::vector<const std::pair<std::string, Node>*> members;
      for (const auto& m : n.members) members.push_back(&m);
      std::stable_sort(members.begin(), members.end(),
                       [](auto* a, auto* b) { return a->first < b->first; });
      out->push_back('{');
      bool first = true;
      for (size_t i = 0; i < members.size(); ++i) {
        if (i + 1 < members.size() && members[i + 1]->first == members[i]->first) continue;
        if (!first) out->push_back(',');
        first = false;
        AppendGoJsonString(members[i]->first, out);
        out->push_back(':');
        Emit(members[i]->second, out);
      }
      out->push_back('}');
      return;
    }
  }
}

}  // namespace

Status CanonicalJsonText(std::string_view json, std::string_view source, const Limits& limits,
                         std::string* out) {
  JsonLimits jl;
  jl.max_depth = limits.max_json_depth;
  jl.max_bytes = limits.max_entry_bytes;
  Value validated;
  FEDRA_RETURN_IF_ERROR(ParseJson(json, &validated, source, jl));
  Node root = TextParser(json).Parse();
  out->clear();
  Emit(root, out);
  return Status::OK();
}

}  // namespace fedra::bundle
