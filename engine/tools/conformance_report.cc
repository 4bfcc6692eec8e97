// Summaries of a conformance run: the per-folder table, the builtins failing
// cases need, the summary line and the JSON records.
#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "builtins/registry.h"
#include "tools/conformance.h"
#include "tools/file_util.h"
#include "value/json.h"

namespace fedra::tools {
namespace {

using std::string_view_literals::operator""sv;

bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// True when `text` calls `name`: the name, not preceded by an identifier
// character or a dot, followed (after blanks) by '('.
bool Calls(std::string_view text, std::string_view name) {
  for (size_t pos = text.find(name); pos != std::string_view::npos;
       pos = text.find(name, pos + 1)) {
    if (pos > 0 && (IsIdentChar(text[pos - 1]) || text[pos - 1] == '.')) continue;
    size_t after = pos + name.size();
    while (after < text.size() && (text[after] == ' ' || text[after] == '\t')) ++after;
    if (after < text.size() && text[after] == '(') return true;
  }
  return false;
}

std::string Pad(std::string_view s, size_t width) {
  std::string out(s);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

std::string PadLeft(const std::string& s, size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

}  // namespace

std::vector<FolderSummary> SummarizeByFolder(const std::vector<CaseResult>& results) {
  std::map<std::string, FolderSummary> by;
  for (const CaseResult& r : results) {
    FolderSummary& f = by[r.folder];
    f.folder = r.folder;
    switch (r.status) {
      case CaseStatus::kPass:
        ++f.passed;
        break;
      case CaseStatus::kFail:
        ++f.failed;
        break;
      case CaseStatus::kSkip:
        ++f.skipped;
        break;
    }
  }
  std::vector<FolderSummary> out;
  out.reserve(by.size());
  for (auto& [name, f] : by) out.push_back(std::move(f));
  return out;
}

std::string FormatTable(const std::vector<FolderSummary>& folders) {
  size_t width = 6;
  for (const FolderSummary& f : folders) width = std::max(width, f.folder.size());
  std::string out = Pad("FOLDER", width) + "  PASSED  FAILED  SKIPPED  RESULT\n";
  for (const FolderSummary& f : folders) {
    out += Pad(f.folder, width) + "  " + PadLeft(std::to_string(f.passed), 6) + "  " +
           PadLeft(std::to_string(f.failed), 6) + "  " + PadLeft(std::to_string(f.skipped), 7) +
           "  " + (f.failed == 0 ? "PASS" : "FAIL") + "\n";
  }
  return out;
}

std::string SummaryLine(const std::vector<CaseResult>& results) {
  size_t passed = 0, failed = 0, skipped = 0;
  for (const CaseResult& r : results) {
    passed += r.status == CaseStatus::kPass;
    failed += r.status == CaseStatus::kFail;
    skipped += r.status == CaseStatus::kSkip;
  }
  return std::to_string(passed) + " passed, " + std::to_string(failed) + " failed, " +
         std::to_string(skipped) + " skipped";
}

Status LoadCapabilityNames(const std::string& path, std::vector<std::string>* out) {
  std::string text;
  FEDRA_RETURN_IF_ERROR(ReadFile(path, &text));
  Value doc;
  FEDRA_RETURN_IF_ERROR(ParseJson(text, &doc, path));
  const Value* builtins = doc.is_object() ? doc.Find("builtins") : nullptr;
  if (builtins == nullptr || !builtins->is_array()) {
    return Status::InvalidArgument(path + ": expected an object with a \"builtins\" array");
  }
  out->clear();
  for (const Value& b : builtins->array()) {
    const Value* name = b.is_object() ? b.Find("name") : nullptr;
    if (name != nullptr && name->is_string()) out->emplace_back(name->str());
  }
  return Status::OK();
}

bool IsEvaluatorBuiltin(std::string_view name) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "eq", "assign", "internal.member_2", "internal.member_3", "print", "internal.print", "trace"};
  return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

std::vector<std::pair<std::string, size_t>> MissingBuiltins(
    const std::vector<ConformanceCase>& cases, const std::vector<CaseResult>& results,
    const std::vector<std::string>& capability_names) {
  const builtins::Registry& registry = builtins::DefaultRegistry();
  std::vector<std::string> lacking;
  for (const std::string& name : capability_names) {
    if (registry.Find(name) == nullptr && !IsEvaluatorBuiltin(name)) lacking.push_back(name);
  }
  std::map<std::string, size_t> counts;
  for (size_t i = 0; i < cases.size() && i < results.size(); ++i) {
    if (results[i].status != CaseStatus::kFail) continue;
    std::string text = cases[i].query;
    for (const std::string& m : cases[i].modules) {
      text += "\n";
      text += m;
    }
    for (const std::string& name : lacking) {
      if (Calls(text, name)) ++counts[name];
    }
  }
  std::vector<std::pair<std::string, size_t>> out(counts.begin(), counts.end());
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

std::string ResultsToJson(const std::vector<CaseResult>& results) {
  std::string out = "[";
  for (size_t i = 0; i < results.size(); ++i) {
    const CaseResult& r = results[i];
    Value rec = Value::Object({
        {Value::String("file"sv), Value::String(r.file)},
        {Value::String("folder"sv), Value::String(r.folder)},
        {Value::String("note"sv), Value::String(r.note)},
        {Value::String("status"sv), Value::String(CaseStatusName(r.status))},
        {Value::String("reason"sv), Value::String(r.reason)},
        {Value::String("millis"sv),
         Value::Double(static_cast<double>(static_cast<int64_t>(r.millis * 1000)) / 1000)},
    });
    out += i == 0 ? "\n" : ",\n";
    out += ToJson(rec);
  }
  out += results.empty() ? "]\n" : "\n]\n";
  return out;
}

}  // namespace fedra::tools
