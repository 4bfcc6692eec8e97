// Workloads 3 and 4 of issue 3: a large realistic policy repository and an
// application decision. bench_support.h says what every benchmark checks and
// reports; bench/README.md has the numbers.
//
//   3. bench/testdata/large/: about 3,200 lines of Rego v1 in 43 modules (a
//      Kubernetes admission library, per-team packages, unit tests), written
//      by hand plus bench/gen_large_policy.py. Compile time, and the time of
//      one admission decision on a Deployment that breaks 20 rules.
//   4. bench/testdata/recommend/: a 30-odd-rule policy that filters 200
//      candidate items by the user's features, scores them and returns the
//      top 10 with reasons. The answer is checked against expected.json,
//      computed independently by bench/gen_recommend.py.
//
// Run: build/bin/workload_bench [--benchmark_filter=REGEX].
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

#include "bench_support.h"

namespace fedra::bench {
namespace {

// Every .rego file under bench/testdata/<dir>, sorted by path so that error
// locations and compile order are reproducible.
std::string ReadModules(const std::string& dir, std::vector<Module>* out) {
  namespace fs = std::filesystem;
  fs::path root = fs::path(FEDRA_SOURCE_DIR) / "bench" / "testdata" / dir;
  std::error_code ec;
  std::vector<std::string> files;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".rego") {
      files.push_back(fs::relative(it->path(), root / "..").generic_string());
    }
  }
  if (ec) return "cannot list " + root.string() + ": " + ec.message();
  if (files.empty()) return "no .rego files under " + root.string();
  std::sort(files.begin(), files.end());
  for (const std::string& file : files) {
    std::string source;
    if (std::string e = ReadTestdata(file, &source); !e.empty()) return e;
    out->emplace_back(file, std::move(source));
  }
  return "";
}

Workload Failed(std::string error) {
  Workload w;
  w.error = std::move(error);
  return w;
}

// ---- workload 3: the large policy repository ------------------------------------

constexpr char kLargeQuery[] = "data.k8s.admission.response";

// Lines of Rego in `modules`, for the report.
size_t CountLines(const std::vector<Module>& modules) {
  size_t lines = 0;
  for (const auto& m : modules) lines += static_cast<size_t>(std::count(m.second.begin(), m.second.end(), '\n'));
  return lines;
}

// The response must be a denial whose per-rule counts, warnings and uid are
// exactly those of expected.json, with one status message line per violation.
Validator ExpectAdmissionResponse(fedra::Value expected) {
  return [expected = std::move(expected)](const fedra::Value& v) -> std::string {
    if (!v.is_object()) return "response is not an object: " + fedra::ToJson(v);
    for (const char* key : {"uid", "allowed", "counts", "warnings"}) {
      const fedra::Value* got = v.Find(key);
      const fedra::Value* want = expected.Find(key);
      if (want == nullptr) return std::string("expected.json lacks ") + key;
      if (got == nullptr || *got != *want) {
        return std::string("response.") + key + ": expected " + fedra::ToJson(*want) + ", got " +
               (got ? fedra::ToJson(*got) : "nothing");
      }
    }
    int64_t violations = 0;
    for (const auto& entry : expected.Find("counts")->object()) {
      int64_t n = 0;
      if (!entry.second.AsInt64(&n)) return "expected.json: counts must be integers";
      violations += n;
    }
    const fedra::Value* status = v.Find("status");
    const fedra::Value* message = status && status->is_object() ? status->Find("message") : nullptr;
    if (message == nullptr || !message->is_string()) return "response without status.message";
    std::string_view text = message->str();
    int64_t lines = std::count(text.begin(), text.end(), '\n') + 1;
    if (lines != violations) {
      return "status.message has " + std::to_string(lines) + " lines, expected " +
             std::to_string(violations);
    }
    return "";
  };
}

// The policy's modules and the checker, shared by the compile and the
// decision benchmarks.
struct LargePolicy {
  std::string error;
  std::vector<Module> modules;
  std::string input_text;
  Validator validate;
};

const LargePolicy& LargePolicySources() {
  static const LargePolicy p = [] {
    LargePolicy p;
    std::string expected_text;
    fedra::Value expected;
    if (p.error = ReadModules("large", &p.modules); !p.error.empty()) return p;
    if (p.error = ReadTestdata("large/input.json", &p.input_text); !p.error.empty()) return p;
    if (p.error = ReadTestdata("large/expected.json", &expected_text); !p.error.empty()) return p;
    if (fedra::Status s = fedra::ParseJson(expected_text, &expected, "expected.json"); !s.ok()) {
      p.error = s.ToString();
      return p;
    }
    p.validate = ExpectAdmissionResponse(std::move(expected));
    return p;
  }();
  return p;
}

const Workload& LargePolicyWorkload() {
  static const Workload w = [] {
    const LargePolicy& p = LargePolicySources();
    if (!p.error.empty()) return Failed(p.error);
    return BuildWorkload(p.modules, kLargeQuery, p.input_text, p.validate);
  }();
  return w;
}

// Parse (AddModule) + Compile of every module; the sources are read once,
// outside the timed region. The last compiled set must give the right answer.
void BM_CompileLargePolicy(benchmark::State& state) {
  const LargePolicy& p = LargePolicySources();
  if (!p.error.empty()) {
    state.SkipWithError(p.error.c_str());
    return;
  }
  EvalStats stats(state);
  std::shared_ptr<const fedra::PolicySet> ps;
  for (auto _ : state) {
    Clock::time_point start = Clock::now();
    fedra::Compiler compiler;
    fedra::Status s;
    for (const auto& [file, source] : p.modules) {
      if (s = compiler.AddModule(file, source); !s.ok()) break;
    }
    if (s.ok()) s = compiler.Compile(&ps);
    stats.Add(Clock::now() - start);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
  }
  stats.Report(state);
  size_t bytes = 0;
  for (const auto& m : p.modules) bytes += m.second.size();
  state.counters["modules"] = static_cast<double>(p.modules.size());
  state.counters["lines"] = static_cast<double>(CountLines(p.modules));
  state.counters["source_kb"] = static_cast<double>(bytes) / 1024.0;
  Workload w;
  w.policy = ps;
  w.validate = p.validate;
  fedra::Value input;
  std::string bad;
  if (fedra::Status s = ps->Prepare(kLargeQuery, &w.query); !s.ok()) {
    bad = s.ToString();
  } else if (s = fedra::ParseJson(p.input_text, &input, "input"); !s.ok()) {
    bad = s.ToString();
  } else {
    bad = CheckOnce(w, input);
  }
  if (!bad.empty()) state.SkipWithError(bad.c_str());
}

// One admission decision, parsing the 5 KB AdmissionReview as a server does.
void BM_LargePolicyDecision(benchmark::State& state) {
  RunEval(state, LargePolicyWorkload(), true);
}

void BM_LargePolicyDecision_PreParsed(benchmark::State& state) {
  RunEval(state, LargePolicyWorkload(), false);
}

// ---- workload 4: recommendation -------------------------------------------------

const Workload& RecommendationWorkload() {
  static const Workload w = [] {
    std::string policy, input, expected_text;
    for (auto [name, out] : {std::pair{"recommend/policy.rego", &policy},
                             std::pair{"recommend/input.json", &input},
                             std::pair{"recommend/expected.json", &expected_text}}) {
      if (std::string e = ReadTestdata(name, out); !e.empty()) return Failed(e);
    }
    fedra::Value expected;
    if (fedra::Status s = fedra::ParseJson(expected_text, &expected, "expected.json"); !s.ok()) {
      return Failed(s.ToString());
    }
    Validator validate = [expected](const fedra::Value& v) -> std::string {
      if (v != expected) {
        return "expected " + fedra::ToJson(expected) + ", got " + fedra::ToJson(v);
      }
      return "";
    };
    return BuildWorkload("recommend/policy.rego", policy, "data.bench.recommend.decision",
                         std::move(input), std::move(validate));
  }();
  return w;
}

// The decision on input already held as a Value (an application passes its
// candidate list in memory): the ≤ 100 µs target of issue 3.
void BM_Recommendation200(benchmark::State& state) {
  RunEval(state, RecommendationWorkload(), false);
}

// The same, parsing the 47 KB JSON input in each iteration.
void BM_Recommendation200_ParseInput(benchmark::State& state) {
  RunEval(state, RecommendationWorkload(), true);
}

// ---- registration ---------------------------------------------------------------

BENCHMARK(BM_CompileLargePolicy)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(0.3)
    ->Repetitions(5)
    ->ReportAggregatesOnly(false)
    ->ComputeStatistics("p99", P99);
BENCHMARK(BM_LargePolicyDecision)->Apply(PerEval);
BENCHMARK(BM_LargePolicyDecision_PreParsed)->Apply(PerEval);
BENCHMARK(BM_Recommendation200)->Apply(PerEval);
BENCHMARK(BM_Recommendation200_ParseInput)->Apply(PerEval);

}  // namespace
}  // namespace fedra::bench

BENCHMARK_MAIN();
