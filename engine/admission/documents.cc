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
  out->clear();
  if (text.size() > kMaxManifestBytes) {
    return Status::InvalidArgument(std::string(source) + ": larger than " +
                                   std::to_string(kMaxManifestBytes) + " bytes");
  }
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    std::string where(source);
    if (!e.mark.is_null()) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    return Status::InvalidArgument(where + ": invalid YAML: " + e.msg);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string(source) + ": invalid YAML: " + e.what());
  }
  for (size_t i = 0; i < docs.size(); ++i) {
    if (!docs[i].IsDefined() || docs[i].IsNull()) continue;
    Value v;
    std::string path = docs.size() > 1 ? "$doc" + std::to_string(i) : "$";
    FEDRA_RETURN_IF_ERROR(tools::YamlNodeToValue(docs[i], &v, source, path));
    if (v.is_null()) continue;
    out->push_back(std::move(v));
  }
  return Status::OK();
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
