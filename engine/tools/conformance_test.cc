// Tests of the conformance runner's loading, comparison and reports. Running
// cases end to end is covered by conformance_run_test.cc.
#include "tools/conformance.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "tools/file_util.h"
#include "value/json.h"

namespace fedra::tools {
namespace {

namespace fs = std::filesystem;

Value Json(std::string_view text) {
  Value v;
  Status st = ParseJson(text, &v);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return v;
}

Result Bindings(std::vector<std::pair<std::string, Value>> b) {
  Result r;
  r.bindings = std::move(b);
  return r;
}

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("fedra_conformance_test_" + std::to_string(::getpid()) +
                                         "_" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string Write(const std::string& rel, const std::string& text) const {
    fs::path p = path_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

TEST(CompareResults, SetSemanticsIgnoreOrderAndDuplicates) {
  std::vector<Value> want = {Json(R"({"x": 1})"), Json(R"({"x": 2})")};
  ResultSet got;
  got.results.push_back(Bindings({{"x", Value::Int(2)}}));
  got.results.push_back(Bindings({{"x", Value::Double(1.0)}}));
  got.results.push_back(Bindings({{"x", Value::Int(2)}}));
  EXPECT_EQ(CompareResults(want, got, false, false), "");
}

TEST(CompareResults, ReportsMissingAndUnexpected) {
  std::vector<Value> want = {Json(R"({"x": 1})")};
  ResultSet got;
  got.results.push_back(Bindings({{"x", Value::Int(3)}}));
  std::string why = CompareResults(want, got, false, false);
  EXPECT_NE(why.find("missing {\"x\":1}"), std::string::npos) << why;
  EXPECT_NE(why.find("unexpected {\"x\":3}"), std::string::npos) << why;
}

TEST(CompareResults, UndefinedVersusDefined) {
  ResultSet none;
  EXPECT_EQ(CompareResults({}, none, false, false), "");
  EXPECT_NE(CompareResults({Json("{}")}, none, false, false).find("undefined"), std::string::npos);
  ResultSet one;
  one.results.push_back(Bindings({}));
  EXPECT_EQ(CompareResults({Json("{}")}, one, false, false), "");
  EXPECT_NE(CompareResults({}, one, false, false), "");
}

TEST(CompareResults, SetsCompareAsSortedArrays) {
  ResultSet got;
  got.results.push_back(
      Bindings({{"x", Value::Set({Value::Int(3), Value::Int(1), Value::Int(2)})}}));
  EXPECT_EQ(CompareResults({Json(R"({"x": [1, 2, 3]})")}, got, false, false), "");
}

TEST(CompareResults, SortBindingsSortsArrays) {
  ResultSet got;
  got.results.push_back(Bindings({{"x", Value::Array({Value::Int(2), Value::Int(1)})}}));
  std::vector<Value> want = {Json(R"({"x": [1, 2]})")};
  EXPECT_NE(CompareResults(want, got, false, false), "");
  EXPECT_EQ(CompareResults(want, got, true, false), "");
}

TEST(CompareResults, IgnoreGeneratedVars) {
  ResultSet got;
  got.results.push_back(Bindings({{"__localq0__", Value::Int(1)}, {"x", Value::Int(2)}}));
  std::vector<Value> want = {Json(R"({"x": 2})")};
  EXPECT_NE(CompareResults(want, got, false, false), "");
  EXPECT_EQ(CompareResults(want, got, false, true), "");
}

TEST(CaseList, MatchesNotesAndFilePathSuffixes) {
  TempDir dir;
  std::string path = dir.Write("list.txt",
                               "# a comment\n"
                               "\n"
                               "# needs the network\n"
                               "http/send one\n"
                               "v1/topic/test-1.yaml\n"
                               "\n"
                               "regression test (#5073)\n"
                               "time/now # clock-dependent\n");
  CaseList list;
  ASSERT_TRUE(CaseList::Load(path, &list).ok());
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list.Match("x/v1/a/b.yaml", "http/send one"), 0);
  EXPECT_EQ(list.comment(0), "needs the network");
  EXPECT_EQ(list.Match("/root/opa/v1/topic/test-1.yaml", "whatever"), 1);
  EXPECT_EQ(list.comment(1), "needs the network");
  EXPECT_EQ(list.Match("/root/opa/v0/topic/test-1.yaml", "whatever"), -1);
  EXPECT_EQ(list.Match("/root/opa/xv1/topic/test-1.yaml", "whatever"), -1);
  EXPECT_EQ(list.Match("f.yaml", "regression test (#5073)"), 2);
  EXPECT_EQ(list.comment(2), "");
  EXPECT_EQ(list.Match("f.yaml", "time/now"), 3);
  EXPECT_EQ(list.comment(3), "clock-dependent");
  EXPECT_EQ(list.Match("f.yaml", "time/now2"), -1);
  EXPECT_EQ(list.MatchAll("v1/topic/test-1.yaml", "http/send one").size(), 2u);
}

TEST(CaseList, MissingFileIsAnError) {
  CaseList list;
  EXPECT_FALSE(CaseList::Load("/nonexistent/fedra/list.txt", &list).ok());
}

constexpr char kCaseFile[] = R"(---
cases:
  - note: "topic/first"
    query: "data.generated.p = x"
    modules:
      - |
          package generated

          p contains x if { x := data.a[_] }
    data:
      "a": [1, 2]
    input:
      "k": "v"
    want_result:
      - "x":
        - 1
        - 2
    sort_bindings: true
  - note: topic/second
    query: data.x = y
    input_term: "{\"x\": {1}}"
    want_error_code: eval_type_error
    want_error: "divide by zero"
    strict_error: true
  - note: "topic/malformed"
    query: "x = 1"
)";

TEST(LoadCaseFile, ReadsEveryField) {
  TempDir dir;
  dir.Write("v1/topic/cases.yaml", kCaseFile);
  std::vector<CaseFile> files;
  ASSERT_TRUE(FindCaseFiles({dir.path() + "/v1"}, &files).ok());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].folder, "topic");
  std::vector<ConformanceCase> cases;
  ASSERT_TRUE(LoadCaseFile(files[0], false, &cases).ok());
  ASSERT_EQ(cases.size(), 3u);

  const ConformanceCase& a = cases[0];
  EXPECT_EQ(a.note, "topic/first");
  EXPECT_EQ(a.query, "data.generated.p = x");
  ASSERT_EQ(a.modules.size(), 1u);
  EXPECT_EQ(a.modules[0].rfind("package generated\n", 0), 0u);
  EXPECT_EQ(a.data, Json(R"({"a": [1, 2]})"));
  EXPECT_EQ(a.input, Json(R"({"k": "v"})"));
  ASSERT_TRUE(a.want_result.has_value());
  ASSERT_EQ(a.want_result->size(), 1u);
  EXPECT_EQ((*a.want_result)[0], Json(R"({"x": [1, 2]})"));
  EXPECT_TRUE(a.sort_bindings);
  EXPECT_FALSE(a.strict_error);
  EXPECT_EQ(a.syntax, RegoSyntax::kV1);
  EXPECT_TRUE(a.load_error.empty());

  const ConformanceCase& b = cases[1];
  EXPECT_EQ(b.note, "topic/second");
  EXPECT_EQ(b.input_term, std::optional<std::string>("{\"x\": {1}}"));
  EXPECT_EQ(b.want_error_code, std::optional<std::string>("eval_type_error"));
  EXPECT_EQ(b.want_error, std::optional<std::string>("divide by zero"));
  EXPECT_TRUE(b.strict_error);
  EXPECT_FALSE(b.want_result.has_value());

  EXPECT_NE(cases[2].load_error.find("want_result"), std::string::npos);
}

TEST(LoadCaseFile, V0SegmentSelectsV0) {
  TempDir dir;
  dir.Write("opa/v0/topic/cases.yaml", kCaseFile);
  std::vector<CaseFile> files;
  ASSERT_TRUE(FindCaseFiles({dir.path() + "/opa"}, &files).ok());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].folder, "v0/topic");
  std::vector<ConformanceCase> cases;
  ASSERT_TRUE(LoadCaseFile(files[0], false, &cases).ok());
  EXPECT_EQ(cases[0].syntax, RegoSyntax::kV0);
}

TEST(FindCaseFiles, SortedAndPrefixedWithSeveralRoots) {
  TempDir dir;
  dir.Write("v1/b/2.yaml", "cases: []\n");
  dir.Write("v1/a/1.yml", "cases: []\n");
  dir.Write("v1/a/notes.txt", "ignored\n");
  dir.Write("v0/a/1.yaml", "cases: []\n");
  std::vector<CaseFile> files;
  ASSERT_TRUE(FindCaseFiles({dir.path() + "/v1", dir.path() + "/v0"}, &files).ok());
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].folder, "v1/a");
  EXPECT_EQ(files[1].folder, "v1/b");
  EXPECT_EQ(files[2].folder, "v0/a");
  EXPECT_FALSE(FindCaseFiles({dir.path() + "/nope"}, &files).ok());
}

TEST(LoadCaseFile, BadYamlIsAnErrorNamingTheFile) {
  TempDir dir;
  CaseFile f{dir.Write("bad.yaml", "cases: [\n  - note: x\n"), "."};
  std::vector<ConformanceCase> cases;
  Status st = LoadCaseFile(f, false, &cases);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("bad.yaml"), std::string_view::npos) << st.ToString();
  CaseFile g{dir.Write("nocases.yaml", "foo: 1\n"), "."};
  EXPECT_FALSE(LoadCaseFile(g, false, &cases).ok());
}

std::vector<CaseResult> SampleResults() {
  auto r = [](std::string folder, CaseStatus s) {
    CaseResult c;
    c.folder = std::move(folder);
    c.file = "f.yaml";
    c.note = "n";
    c.status = s;
    c.reason = s == CaseStatus::kFail ? "boom \"quoted\"" : "";
    return c;
  };
  return {r("b", CaseStatus::kPass), r("a", CaseStatus::kFail), r("a", CaseStatus::kPass),
          r("b", CaseStatus::kSkip), r("a", CaseStatus::kPass)};
}

TEST(Reports, TableAndSummaryLine) {
  std::vector<CaseResult> results = SampleResults();
  auto folders = SummarizeByFolder(results);
  ASSERT_EQ(folders.size(), 2u);
  EXPECT_EQ(folders[0].folder, "a");
  EXPECT_EQ(folders[0].passed, 2u);
  EXPECT_EQ(folders[0].failed, 1u);
  EXPECT_EQ(folders[1].skipped, 1u);
  std::string table = FormatTable(folders);
  EXPECT_NE(table.find("FAIL\n"), std::string::npos) << table;
  EXPECT_NE(table.find("PASS\n"), std::string::npos) << table;
  EXPECT_EQ(SummaryLine(results), "3 passed, 1 failed, 1 skipped");
}

TEST(Reports, JsonRecordsParseBack) {
  std::vector<CaseResult> results = SampleResults();
  Value doc;
  Status st = ParseJson(ResultsToJson(results), &doc);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(doc.is_array());
  ASSERT_EQ(doc.size(), 5u);
  const Value& second = doc.array()[1];
  EXPECT_EQ(*second.Find("status"), Value::String(std::string_view("fail")));
  EXPECT_EQ(*second.Find("reason"), Value::String(std::string_view("boom \"quoted\"")));
  EXPECT_NE(second.Find("file"), nullptr);
  EXPECT_NE(second.Find("note"), nullptr);
}

TEST(Reports, MissingBuiltinsCountsOnlyFailingCallsOfUnknownNames) {
  ConformanceCase calls;
  calls.query = "x = 1";
  calls.modules = {"package p\nq := fedra_test.nope(1)\nr := count([1])\n"};
  ConformanceCase mentions;  // names it without calling it
  mentions.query = "x = \"fedra_test.nope\"";
  ConformanceCase passes = calls;
  CaseResult fail, pass;
  fail.status = CaseStatus::kFail;
  pass.status = CaseStatus::kPass;
  auto missing = MissingBuiltins({calls, mentions, passes}, {fail, fail, pass},
                                 {"count", "fedra_test.nope", "print", "fedra_test.unused"});
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].first, "fedra_test.nope");
  EXPECT_EQ(missing[0].second, 1u);
}

TEST(Reports, CapabilityNamesFromTheVendoredFile) {
  std::vector<std::string> names;
  Status st = LoadCapabilityNames(
      std::string(FEDRA_SOURCE_DIR) + "/tests/conformance/opa/capabilities.json", &names);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_GT(names.size(), 150u);
  EXPECT_NE(std::find(names.begin(), names.end(), "count"), names.end());
}

}  // namespace
}  // namespace fedra::tools

namespace fedra::tools {
namespace {

// Every vendored case must load without a malformed-case error, or it would
// fail for the harness's sake rather than the engine's.
TEST(LoadCaseFile, EveryVendoredCaseLoads) {
  const std::string root = std::string(FEDRA_SOURCE_DIR) + "/tests/conformance/opa";
  std::vector<CaseFile> files;
  ASSERT_TRUE(FindCaseFiles({root + "/v1", root + "/v0"}, &files).ok());
  EXPECT_GT(files.size(), 1500u);
  size_t total = 0, v0 = 0;
  for (const CaseFile& f : files) {
    std::vector<ConformanceCase> cases;
    Status st = LoadCaseFile(f, false, &cases);
    ASSERT_TRUE(st.ok()) << st.ToString();
    for (const ConformanceCase& c : cases) {
      EXPECT_EQ(c.load_error, "") << f.path << ": " << c.note;
      EXPECT_FALSE(c.note.empty());
      v0 += c.syntax == RegoSyntax::kV0;
    }
    total += cases.size();
  }
  EXPECT_GT(total, 3000u);
  EXPECT_GT(v0, 1000u);
  EXPECT_LT(v0, total);
}

}  // namespace
}  // namespace fedra::tools
