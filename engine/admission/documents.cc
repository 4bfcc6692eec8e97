#include "admission/documents.h"

#include <yaml-cpp/yaml.h>

#include "fedra/value.h"
#include "tools/file_util.h"
#include "tools/yaml_value.h"
#include "value/json.h"

namespace fedra::admission {

namespace {

// Manifests are small; a bigger file is a mistake (or an attack on memory).
constexpr size_t kMaxManifestBytes = 16u << 20;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Status ParseDocuments(std::string_view text, std::string_view source, std::vector<Value>* out) {
  tools::YamlLimits limits;
  limits.max_bytes = kMaxManifestBytes;
  return tools::ParseYamlDocuments(text, out, source, limits);
}

bool FindLiteralBlock(std::string_view text, size_t doc_index, std::string_view content,
                      uint32_t* line, uint32_t* col) {
  if (text.size() > kMaxManifestBytes) return false;
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(std::string(text));
    size_t seen = 0;
    for (const YAML::Node& doc : docs) {
      if (!doc.IsDefined() || doc.IsNull()) continue;
      if (seen++ != doc_index) continue;
      // Explicit stack and a node budget: no recursion on input depth.
      std::vector<YAML::Node> stack = {doc};
      for (size_t budget = 1u << 20; !stack.empty() && budget > 0; --budget) {
        YAML::Node n = stack.back();
        stack.pop_back();
        if (n.IsMap()) {
          for (auto it = n.begin(); it != n.end(); ++it) stack.push_back(it->second);
        } else if (n.IsSequence()) {
          for (auto it = n.begin(); it != n.end(); ++it) stack.push_back(*it);
        } else if (n.IsScalar() && n.Scalar() == content) {
          YAML::Mark mark = n.Mark();
          if (mark.is_null() || mark.pos < 0 || static_cast<size_t>(mark.pos) >= text.size() ||
              text[mark.pos] != '|') {
            continue;
          }
          size_t nl = text.find('\n', mark.pos);
          if (nl == std::string_view::npos) continue;
          size_t indent = 0;
          while (nl + 1 + indent < text.size() && text[nl + 1 + indent] == ' ') ++indent;
          *line = static_cast<uint32_t>(mark.line + 2);
          *col = static_cast<uint32_t>(indent + 1);
          return true;
        }
      }
      return false;
    }
  } catch (const std::exception&) {
    // Not found: only a nicer error location is lost.
  }
  return false;
}

Status ReadDocuments(const std::string& path, std::vector<Value>* out) {
  std::string text;
  FEDRA_RETURN_IF_ERROR(tools::ReadFile(path, &text, kMaxManifestBytes));
  if (EndsWith(path, ".json")) {
    Value v;
    FEDRA_RETURN_IF_ERROR(ParseJson(text, &v, path));
    out->clear();
    out->push_back(std::move(v));
    return Status::OK();
  }
  return ParseDocuments(text, path, out);
}

}  // namespace fedra::admission
