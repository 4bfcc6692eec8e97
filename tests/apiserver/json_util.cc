#include "tests/apiserver/json_util.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <random>
#include <regex>
#include <vector>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <yaml-cpp/yaml.h>

namespace fedra::apiserver {

Status ParseJsonText(std::string_view text, json* out) {
  bool too_deep = false;
  try {
    *out = json::parse(text.begin(), text.end(),
                       [&too_deep](int depth, json::parse_event_t, json&) {
                         if (depth > kMaxDepth) too_deep = true;
                         return true;
                       });
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("invalid JSON: ") + e.what());
  }
  if (too_deep) {
    return Status::InvalidArgument("JSON nested deeper than " + std::to_string(kMaxDepth));
  }
  return Status::OK();
}

namespace {

// YAML 1.2 core schema resolution of a plain scalar.
json PlainScalar(const std::string& s) {
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (std::regex_match(s, kInt)) {
    try {
      return std::stoll(s);
    } catch (...) {
      return s;  // out of range: keep the text
    }
  }
  if (std::regex_match(s, kFloat)) {
    try {
      return std::stod(s);
    } catch (...) {
      return s;
    }
  }
  return s;
}

Status Convert(const YAML::Node& root, json* out) {
  // Explicit stack: YAML depth is bounded by kMaxDepth, never by the C++ stack.
  struct Frame {
    YAML::Node node;
    json* dst;
    int depth;
  };
  std::vector<Frame> stack{{root, out, 0}};
  while (!stack.empty()) {
    Frame f = stack.back();
    stack.pop_back();
    if (f.depth > kMaxDepth) {
      return Status::InvalidArgument("YAML nested deeper than " + std::to_string(kMaxDepth));
    }
    switch (f.node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        *f.dst = nullptr;
        break;
      case YAML::NodeType::Scalar:
        if (f.node.Tag() == "!") {
          *f.dst = f.node.Scalar();  // quoted: a string
        } else {
          *f.dst = PlainScalar(f.node.Scalar());
        }
        break;
      case YAML::NodeType::Sequence: {
        *f.dst = json::array();
        for (size_t i = 0; i < f.node.size(); ++i) f.dst->push_back(nullptr);
        for (size_t i = 0; i < f.node.size(); ++i) {
          stack.push_back({f.node[i], &(*f.dst)[i], f.depth + 1});
        }
        break;
      }
      case YAML::NodeType::Map: {
        *f.dst = json::object();
        for (auto it = f.node.begin(); it != f.node.end(); ++it) {
          if (!it->first.IsScalar()) return Status::InvalidArgument("YAML map key is not a scalar");
          (*f.dst)[it->first.Scalar()] = nullptr;
        }
        // Pointers into an object stay valid once all keys exist.
        for (auto it = f.node.begin(); it != f.node.end(); ++it) {
          stack.push_back({it->second, &(*f.dst)[it->first.Scalar()], f.depth + 1});
        }
        break;
      }
    }
  }
  return Status::OK();
}

}  // namespace

Status ParseYamlText(std::string_view text, json* out) {
  try {
    YAML::Node node = YAML::Load(std::string(text));
    return Convert(node, out);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(std::string("invalid YAML: ") + e.what());
  }
}

int Depth(const json& j) {
  int max_depth = 0;
  std::vector<std::pair<const json*, int>> stack{{&j, 0}};
  while (!stack.empty()) {
    auto [v, d] = stack.back();
    stack.pop_back();
    if (d > max_depth) max_depth = d;
    if (v->is_structured()) {
      for (const auto& child : *v) stack.push_back({&child, d + 1});
    }
  }
  return max_depth;
}

std::string Rfc3339(long long unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string NowRfc3339() {
  auto now = std::chrono::system_clock::now();
  return Rfc3339(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

std::string NewUid() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) {
    std::random_device rd;
    for (auto& c : b) c = static_cast<unsigned char>(rd());
  }
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                b[14], b[15]);
  return out;
}

const json* Lookup(const json& obj, std::string_view dotted) {
  const json* cur = &obj;
  size_t start = 0;
  while (start <= dotted.size()) {
    size_t dot = dotted.find('.', start);
    std::string key(dotted.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return cur;
}

std::string MetaString(const json& obj, const char* field) {
  auto m = obj.find("metadata");
  if (m == obj.end() || !m->is_object()) return "";
  auto f = m->find(field);
  if (f == m->end() || !f->is_string()) return "";
  return f->get<std::string>();
}

std::string Base64Encode(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(n);
  return out;
}

bool Base64Decode(std::string_view in, std::string* out) {
  std::string clean;
  for (char c : in) {
    if (c != '\n' && c != '\r' && c != ' ') clean.push_back(c);
  }
  if (clean.size() % 4 != 0) return false;
  std::string buf(3 * clean.size() / 4 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(buf.data()),
                          reinterpret_cast<const unsigned char*>(clean.data()),
                          static_cast<int>(clean.size()));
  if (n < 0) return false;
  // EVP_DecodeBlock counts padding as zero bytes.
  if (!clean.empty() && clean.back() == '=') --n;
  if (clean.size() > 1 && clean[clean.size() - 2] == '=') --n;
  buf.resize(n);
  *out = std::move(buf);
  return true;
}

}  // namespace fedra::apiserver
