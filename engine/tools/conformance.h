// The OPA conformance runner as a library (used by `fedra conformance`).
//
// Loads OPA's YAML test-case files (format: tests/conformance/opa/README.md),
// runs every case through the public embedding API (fedra::Compiler,
// PolicySet::Prepare, PolicySet::Eval), and compares as OPA's own runner does:
//   - want_result: the expected binding objects and the actual result
//     bindings are each taken as a set and must be equal (order ignored,
//     duplicates collapse, numbers compare by value). Actual values are first
//     rendered as JSON and read back, as OPA's runner does, so sets compare as
//     sorted arrays. With sort_bindings, each actual binding value that is an
//     array is sorted.
//   - want_error: the error text must contain the expected text. The text is
//     checked against OPA's rendering ("file:line: code: message"), Fedra's
//     (Status::ToString) and the bare message.
//   - want_error_code: the error's StatusCodeName must equal it.
//   Compile and parse errors are errors like evaluation errors (rego_* codes).
// Modules are named test-<i>.rego, as OPA's runner names them, because a few
// expected error texts include that name.
//
// Rego syntax: v0 when a path segment of the case file is "v0" (or when
// RunOptions::force_v0), v1 otherwise; the query uses the same syntax.
//
// A hang must become a failure, never a hang: every evaluation gets a deadline
// (RunOptions::timeout), and with RunOptions::isolate each case runs in a
// forked child that is killed when it overruns, so a hang in the compiler or a
// crash fails one case instead of the whole run.
//
// Thread-safety: the functions are reentrant; RunCases runs cases one at a
// time.
#ifndef FEDRA_TOOLS_CONFORMANCE_H_
#define FEDRA_TOOLS_CONFORMANCE_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fedra/engine.h"
#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::tools {

// One case as loaded from a file.
struct ConformanceCase {
  std::string file;    // path of the YAML file, as found
  std::string folder;  // topic folder for the summary table
  size_t index = 0;    // position of the case in its file
  std::string note;
  std::string query;
  std::vector<std::string> modules;
  Value data;                                     // object; empty when absent
  Value input;                                    // undefined when absent
  std::optional<std::string> input_term;          // Rego term text; wins over input
  std::optional<std::vector<Value>> want_result;  // binding objects
  std::optional<std::string> want_error;
  std::optional<std::string> want_error_code;
  bool strict_error = false;
  bool sort_bindings = false;
  bool ignore_generated_vars = false;
  std::vector<std::pair<std::string, std::string>> env;
  RegoSyntax syntax = RegoSyntax::kV1;
  // Non-empty when the case itself is malformed; it then fails with this.
  std::string load_error;
};

enum class CaseStatus { kPass, kFail, kSkip };
std::string_view CaseStatusName(CaseStatus s);  // "pass", "fail", "skip"

struct CaseResult {
  std::string file;
  std::string folder;
  std::string note;
  CaseStatus status = CaseStatus::kFail;
  std::string reason;  // first difference, the error, or the skip reason
  double millis = 0;
};

// A list of case notes and file paths, one per line (skip and ratchet files).
// Lines starting with '#' are comments: a comment block gives the reason for
// the entries below it, up to the next blank line; " # " starts a trailing
// comment that gives its own entry's reason (notes may contain '#', but never
// " # "). An entry matches a case
// whose note equals it, or whose file path equals it or ends with "/" + entry
// (so "v1/aggregates/x.yaml" names one file of one suite).
class CaseList {
 public:
  static Status Load(const std::string& path, CaseList* out);
  // `comment` is the entry's trailing comment (a skip reason), may be "".
  void Add(std::string entry, std::string comment = "");
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  // Index of the first matching entry, or -1.
  int Match(std::string_view file, std::string_view note) const;
  // Indexes of every matching entry.
  std::vector<size_t> MatchAll(std::string_view file, std::string_view note) const;
  const std::string& entry(size_t i) const { return entries_[i].text; }
  const std::string& comment(size_t i) const { return entries_[i].comment; }

 private:
  struct Entry {
    std::string text;
    std::string comment;
  };
  std::vector<Entry> entries_;
};

struct RunOptions {
  std::chrono::milliseconds timeout{10000};  // per evaluation
  bool force_v0 = false;
  bool isolate = true;  // fork per case (POSIX)
  const CaseList* skip = nullptr;
  // Called after each case (progress output); may be empty.
  std::function<void(const CaseResult&)> on_result;
};

// Finds every *.yaml / *.yml file under each root (a file or a directory),
// sorted by path. Each file's folder is its directory relative to its root
// ("." for the root itself), prefixed by the root's last path component when
// there is more than one root.
struct CaseFile {
  std::string path;
  std::string folder;
};
Status FindCaseFiles(const std::vector<std::string>& roots, std::vector<CaseFile>* out);

// Loads the cases of one file. A file that cannot be read or parsed returns an
// error; a malformed case is loaded with load_error set.
Status LoadCaseFile(const CaseFile& file, bool force_v0, std::vector<ConformanceCase>* out);

// Runs one case in this process.
CaseResult RunCase(const ConformanceCase& c, const RunOptions& options);
// Runs one case in a forked child (falls back to RunCase where fork fails).
CaseResult RunCaseIsolated(const ConformanceCase& c, const RunOptions& options);
// Runs every case, honouring options.skip and options.isolate.
std::vector<CaseResult> RunCases(const std::vector<ConformanceCase>& cases,
                                 const RunOptions& options);

// One result's bindings as an object, shaped as OPA's runner sees them: each
// value rendered as JSON and read back (sets become sorted arrays, non-string
// keys strings); with sort_bindings, array values sorted; with
// ignore_generated_vars, OPA's generated query variables (__localq...) dropped.
Value BindingsToValue(const Result& r, bool sort_bindings, bool ignore_generated_vars);

// Compares actual bindings (one object per result) with a case's want_result.
// Returns "" when they match as OPA's runner would, else the first difference.
std::string CompareResults(const std::vector<Value>& want, const ResultSet& got, bool sort_bindings,
                           bool ignore_generated_vars);

// --- reports ------------------------------------------------------------------

struct FolderSummary {
  std::string folder;
  size_t passed = 0, failed = 0, skipped = 0;
};
std::vector<FolderSummary> SummarizeByFolder(const std::vector<CaseResult>& results);
// Per-folder table, one line per folder, PASS when nothing failed.
std::string FormatTable(const std::vector<FolderSummary>& folders);
// "N passed, N failed, N skipped"
std::string SummaryLine(const std::vector<CaseResult>& results);

// Builtin names from an OPA capabilities.json document.
Status LoadCapabilityNames(const std::string& path, std::vector<std::string>* out);
// Builtins that Fedra lacks (neither in builtins::DefaultRegistry() nor
// implemented by the evaluator) and that failing cases call, with the number
// of failing cases calling each, most-called first. `results` and `cases` are
// parallel.
std::vector<std::pair<std::string, size_t>> MissingBuiltins(
    const std::vector<ConformanceCase>& cases, const std::vector<CaseResult>& results,
    const std::vector<std::string>& capability_names);
// Builtins the evaluator implements itself rather than through the registry.
bool IsEvaluatorBuiltin(std::string_view name);

// One JSON record per case: [{"file","note","status","reason","millis"}, ...].
std::string ResultsToJson(const std::vector<CaseResult>& results);

}  // namespace fedra::tools

#endif  // FEDRA_TOOLS_CONFORMANCE_H_
