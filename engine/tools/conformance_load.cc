// Finding and loading OPA's YAML case files, and reading case lists.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "tools/conformance.h"
#include "tools/file_util.h"
#include "tools/yaml_value.h"

namespace fedra::tools {
namespace fs = std::filesystem;

namespace {

bool IsCaseFile(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

std::string LastComponent(const std::string& root) {
  fs::path p = fs::path(root).lexically_normal();
  std::string name = p.filename().string();
  if (name.empty()) name = p.parent_path().filename().string();
  return name.empty() ? root : name;
}

bool HasSegment(const std::string& path, std::string_view segment) {
  for (const auto& part : fs::path(path)) {
    if (part.string() == segment) return true;
  }
  return false;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

// Scalar text of a field; null and absent read as "".
Status ScalarText(const YAML::Node& node, std::string_view field, std::string* out) {
  if (node.IsNull()) {
    out->clear();
    return Status::OK();
  }
  if (!node.IsScalar()) {
    return Status::InvalidArgument(std::string(field) + " must be a scalar");
  }
  *out = node.Scalar();
  return Status::OK();
}

Status BoolField(const YAML::Node& node, std::string_view field, bool* out) {
  Value v;
  if (node.IsScalar()) {
    Status st = ResolvePlainScalar(node.Scalar(), &v);
    if (st.ok() && v.is_bool()) {
      *out = v.bool_value();
      return Status::OK();
    }
  } else if (node.IsNull()) {
    *out = false;
    return Status::OK();
  }
  return Status::InvalidArgument(std::string(field) + " must be a boolean");
}

// Fills one case from its mapping; problems with the case's own content are
// returned as errors and recorded as the case's load_error by the caller.
Status LoadCase(const YAML::Node& node, const std::string& where, ConformanceCase* c) {
  if (!node.IsMap()) return Status::InvalidArgument("a case must be a mapping");
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    const std::string path = "$." + key;
    if (key == "note") {
      FEDRA_RETURN_IF_ERROR(ScalarText(v, key, &c->note));
    } else if (key == "query") {
      FEDRA_RETURN_IF_ERROR(ScalarText(v, key, &c->query));
    } else if (key == "modules") {
      if (v.IsNull()) continue;
      if (!v.IsSequence()) return Status::InvalidArgument("modules must be a list");
      for (const YAML::Node& m : v) {
        std::string text;
        FEDRA_RETURN_IF_ERROR(ScalarText(m, "a module", &text));
        c->modules.push_back(std::move(text));
      }
    } else if (key == "data") {
      Value data;
      FEDRA_RETURN_IF_ERROR(YamlNodeToValue(v, &data, where, path));
      if (data.is_null()) continue;
      if (!data.is_object()) return Status::InvalidArgument("data must be an object");
      c->data = std::move(data);
    } else if (key == "input") {
      FEDRA_RETURN_IF_ERROR(YamlNodeToValue(v, &c->input, where, path));
    } else if (key == "input_term") {
      std::string text;
      FEDRA_RETURN_IF_ERROR(ScalarText(v, key, &text));
      c->input_term = std::move(text);
    } else if (key == "want_result") {
      Value want;
      FEDRA_RETURN_IF_ERROR(YamlNodeToValue(v, &want, where, path));
      std::vector<Value> rows;
      if (want.is_array()) {
        for (const Value& row : want.array()) {
          if (!row.is_object()) {
            return Status::InvalidArgument("want_result must be a list of binding objects");
          }
          rows.push_back(row);
        }
      } else if (!want.is_null()) {
        return Status::InvalidArgument("want_result must be a list of binding objects");
      }
      c->want_result = std::move(rows);
    } else if (key == "want_error") {
      std::string text;
      FEDRA_RETURN_IF_ERROR(ScalarText(v, key, &text));
      c->want_error = std::move(text);
    } else if (key == "want_error_code") {
      std::string text;
      FEDRA_RETURN_IF_ERROR(ScalarText(v, key, &text));
      c->want_error_code = std::move(text);
    } else if (key == "strict_error") {
      FEDRA_RETURN_IF_ERROR(BoolField(v, key, &c->strict_error));
    } else if (key == "sort_bindings") {
      FEDRA_RETURN_IF_ERROR(BoolField(v, key, &c->sort_bindings));
    } else if (key == "ignore_generated_vars") {
      FEDRA_RETURN_IF_ERROR(BoolField(v, key, &c->ignore_generated_vars));
    } else if (key == "env") {
      if (v.IsNull()) continue;
      if (!v.IsMap()) return Status::InvalidArgument("env must be a mapping");
      for (const auto& e : v) {
        std::string value;
        FEDRA_RETURN_IF_ERROR(ScalarText(e.second, "an env value", &value));
        c->env.emplace_back(e.first.Scalar(), std::move(value));
      }
    }
    // Other fields (OPA's tracing and planner options) do not affect results.
  }
  if (c->query.empty()) return Status::InvalidArgument("the case has no query");
  if (!c->want_result && !c->want_error && !c->want_error_code) {
    return Status::InvalidArgument(
        "expected one of: 'want_result', 'want_error_code', or 'want_error'");
  }
  return Status::OK();
}

}  // namespace

Status FindCaseFiles(const std::vector<std::string>& roots, std::vector<CaseFile>* out) {
  out->clear();
  for (const std::string& root : roots) {
    std::error_code ec;
    fs::file_status st = fs::status(root, ec);
    if (ec || !fs::exists(st)) return Status::NotFound(root + ": no such file or directory");
    std::string prefix = roots.size() > 1 ? LastComponent(root) : "";
    auto folder_of = [&](const std::string& rel) {
      if (prefix.empty()) return rel;
      return rel == "." ? prefix : prefix + "/" + rel;
    };
    if (fs::is_regular_file(st)) {
      std::string parent = fs::path(root).parent_path().filename().string();
      out->push_back({root, folder_of(parent.empty() ? "." : parent)});
      continue;
    }
    std::vector<CaseFile> found;
    fs::recursive_directory_iterator it(root, ec), end;
    if (ec) return Status::IoError(root + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) return Status::IoError(root + ": " + ec.message());
      if (!it->is_regular_file(ec) || !IsCaseFile(it->path())) continue;
      std::string rel = it->path().parent_path().lexically_relative(root).string();
      if (rel.empty()) rel = ".";
      found.push_back({it->path().string(), folder_of(rel)});
    }
    std::sort(found.begin(), found.end(),
              [](const CaseFile& a, const CaseFile& b) { return a.path < b.path; });
    out->insert(out->end(), found.begin(), found.end());
  }
  return Status::OK();
}

Status LoadCaseFile(const CaseFile& file, bool force_v0, std::vector<ConformanceCase>* out) {
  std::string text;
  FEDRA_RETURN_IF_ERROR(ReadFile(file.path, &text));
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    std::string where = file.path;
    if (!e.mark.is_null()) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    return Status::InvalidArgument(where + ": invalid YAML: " + e.msg);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(file.path + ": invalid YAML: " + e.what());
  }
  const RegoSyntax syntax =
      force_v0 || HasSegment(file.path, "v0") ? RegoSyntax::kV0 : RegoSyntax::kV1;
  YAML::Node cases;
  try {
    if (root.IsMap()) cases = root["cases"];
  } catch (const std::exception& e) {
    return Status::InvalidArgument(file.path + ": " + e.what());
  }
  if (!cases.IsDefined() || !cases.IsSequence()) {
    return Status::InvalidArgument(file.path + ": expected a top-level 'cases' list");
  }
  size_t index = 0;
  for (const YAML::Node& node : cases) {
    ConformanceCase c;
    c.file = file.path;
    c.folder = file.folder;
    c.index = index++;
    c.syntax = syntax;
    Status st;
    try {
      st = LoadCase(node, file.path, &c);
    } catch (const std::exception& e) {
      st = Status::InvalidArgument(e.what());
    }
    if (!st.ok()) {
      c.load_error = "malformed case: " + std::string(st.message());
    }
    if (c.note.empty()) c.note = file.path + "#" + std::to_string(c.index);
    out->push_back(std::move(c));
  }
  return Status::OK();
}

Status CaseList::Load(const std::string& path, CaseList* out) {
  std::string text;
  FEDRA_RETURN_IF_ERROR(ReadFile(path, &text));
  std::istringstream in(text);
  std::string line;
  // A comment block is the reason for the entries that follow it, up to the
  // next blank line; a trailing comment overrides it for its own entry.
  std::string block;
  while (std::getline(in, line)) {
    std::string t = Trim(line);
    if (t.empty()) {
      block.clear();
      continue;
    }
    if (t[0] == '#') {
      std::string c = Trim(std::string_view(t).substr(1));
      if (!c.empty()) block = block.empty() ? c : block + " " + c;
      continue;
    }
    std::string comment = block;
    if (size_t pos = t.find(" # "); pos != std::string::npos) {
      comment = Trim(std::string_view(t).substr(pos + 3));
      t = Trim(std::string_view(t).substr(0, pos));
    }
    out->Add(std::move(t), std::move(comment));
  }
  return Status::OK();
}

void CaseList::Add(std::string entry, std::string comment) {
  entries_.push_back({std::move(entry), std::move(comment)});
}

namespace {
bool EntryMatches(std::string_view e, std::string_view file, std::string_view note) {
  if (e == note || e == file) return true;
  return file.size() > e.size() && file.substr(file.size() - e.size()) == e &&
         file[file.size() - e.size() - 1] == '/';
}
}  // namespace

int CaseList::Match(std::string_view file, std::string_view note) const {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (EntryMatches(entries_[i].text, file, note)) return static_cast<int>(i);
  }
  return -1;
}

std::vector<size_t> CaseList::MatchAll(std::string_view file, std::string_view note) const {
  std::vector<size_t> out;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (EntryMatches(entries_[i].text, file, note)) out.push_back(i);
  }
  return out;
}

std::string_view CaseStatusName(CaseStatus s) {
  switch (s) {
    case CaseStatus::kPass:
      return "pass";
    case CaseStatus::kFail:
      return "fail";
    case CaseStatus::kSkip:
      return "skip";
  }
  return "fail";
}

}  // namespace fedra::tools
