// In-process evaluation benchmarks (issues 2 and 3): how long one decision
// takes when a server has compiled its policies once and evaluates many times.
//
// Every benchmark checks at setup that its query gives the expected answer and
// skips with an error otherwise: a fast wrong answer is not a result.
//
// Each one reports, besides Google Benchmark's mean time per iteration:
//   p50_ns, p99_ns   the median and 99th percentile of single evaluations,
//                    each timed on its own with steady_clock (adds ~40 ns);
//   allocs           operator new calls per evaluation (this binary replaces
//                    the global operator new to count them, per thread).
// Repetitions give the aggregates *_median and *_p99 across repetitions; the
// p99 across 10 repetition means is their maximum, a stability measure, not a
// latency tail -- the per-evaluation tail is the p99_ns counter.
//
// Run: build/bin/eval_bench [--benchmark_filter=REGEX]; bench/README.md has
// the numbers last measured and what they mean.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "fedra/engine.h"
#include "fedra/status.h"
#include "fedra/value.h"
#include "value/json.h"

// ---- allocation counting ------------------------------------------------------
// Per thread, so that the two-thread benchmark does not contend on a counter.
// GCC pairs the malloc inside operator new with the free inside operator
// delete after inlining and calls them mismatched; they are a matched pair.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
namespace {
thread_local uint64_t tl_allocations = 0;
}  // namespace

void* operator new(std::size_t n) {
  ++tl_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  ++tl_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  ++tl_allocations;
  return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  ++tl_allocations;
  return std::malloc(n == 0 ? 1 : n);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

using Clock = std::chrono::steady_clock;

// Settings shared by every per-evaluation benchmark: 10 short repetitions keep
// `make bench` well under two minutes on two shared cores.
constexpr int kRepetitions = 10;
constexpr double kMinTimeSeconds = 0.1;

// ---- statistics ---------------------------------------------------------------

// Nearest-rank percentile of `v` (sorted in place); 0 for an empty vector.
template <typename T>
T Percentile(std::vector<T>& v, double p) {
  if (v.empty()) return T{};
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::min(v.size(), std::max<size_t>(rank, 1)) - 1];
}

// Google Benchmark statistic over the repetitions' values.
double P99(const std::vector<double>& v) {
  std::vector<double> copy = v;
  return Percentile(copy, 0.99);
}

// Times single evaluations and counts their allocations.
class EvalStats {
 public:
  explicit EvalStats(const benchmark::State& state) {
    // One run never exceeds max_iterations; the cap bounds memory if a
    // caller passes a huge --benchmark_min_time.
    samples_.reserve(std::min<uint64_t>(state.max_iterations, kMaxSamples));
    allocations_at_start_ = tl_allocations;
  }

  void Add(Clock::duration d) {
    if (samples_.size() < kMaxSamples) samples_.push_back(d.count());
  }

  // Sets the p50_ns / p99_ns / allocs counters. kAvgThreads: with several
  // threads each reports its own, and the counter is their mean.
  void Report(benchmark::State& state) {
    uint64_t allocations = tl_allocations - allocations_at_start_;
    double iterations = static_cast<double>(std::max<uint64_t>(state.iterations(), 1));
    using std::chrono::nanoseconds;
    static_assert(std::is_same_v<Clock::duration, nanoseconds>);
    state.counters["p50_ns"] =
        benchmark::Counter(static_cast<double>(Percentile(samples_, 0.50)),
                           benchmark::Counter::kAvgThreads);
    state.counters["p99_ns"] =
        benchmark::Counter(static_cast<double>(Percentile(samples_, 0.99)),
                           benchmark::Counter::kAvgThreads);
    state.counters["allocs"] = benchmark::Counter(
        static_cast<double>(allocations) / iterations, benchmark::Counter::kAvgThreads);
  }

 private:
  static constexpr uint64_t kMaxSamples = 20'000'000;
  std::vector<Clock::rep> samples_;
  uint64_t allocations_at_start_ = 0;
};

// ---- workloads ----------------------------------------------------------------

// Checks a query's value; returns an empty string when it is the expected one.
using Validator = std::function<std::string(const fedra::Value&)>;

// One compiled policy set with one prepared query, built once and shared
// read-only by every benchmark and thread that uses it.
struct Workload {
  std::string error;  // non-empty: setup failed, the benchmark must skip
  std::shared_ptr<const fedra::PolicySet> policy;
  fedra::PreparedQuery query;
  std::string input_text;
  fedra::Value input;
  Validator validate;
};

std::string ReadTestdata(const std::string& name, std::string* out) {
  std::string path = std::string(FEDRA_SOURCE_DIR) + "/bench/testdata/" + name;
  std::ifstream f(path, std::ios::binary);
  if (!f) return "cannot read " + path;
  std::ostringstream ss;
  ss << f.rdbuf();
  *out = ss.str();
  return "";
}

// Evaluates `w`'s query on `input` once and checks the answer.
std::string CheckOnce(const Workload& w, const fedra::Value& input) {
  fedra::EvalOptions opts;
  opts.input = input;
  fedra::ResultSet rs;
  if (fedra::Status s = w.policy->Eval(w.query, opts, &rs); !s.ok()) {
    return "eval: " + s.ToString();
  }
  if (rs.results.size() != 1 || rs.results[0].expressions.size() != 1) {
    return "expected one result with one expression, got " +
           fedra::ResultSetToJson(rs, false);
  }
  return w.validate(rs.results[0].expressions[0].value);
}

Workload BuildWorkload(const std::string& file, const std::string& source,
                       const std::string& query, std::string input_text, Validator validate) {
  Workload w;
  w.input_text = std::move(input_text);
  w.validate = std::move(validate);
  fedra::Compiler compiler;
  if (fedra::Status s = compiler.AddModule(file, source); !s.ok()) {
    w.error = "parse: " + s.ToString();
    return w;
  }
  if (fedra::Status s = compiler.Compile(&w.policy); !s.ok()) {
    w.error = "compile: " + s.ToString();
    return w;
  }
  if (fedra::Status s = w.policy->Prepare(query, &w.query); !s.ok()) {
    w.error = "prepare: " + s.ToString();
    return w;
  }
  if (fedra::Status s = fedra::ParseJson(w.input_text, &w.input, "input"); !s.ok()) {
    w.error = "input: " + s.ToString();
    return w;
  }
  w.error = CheckOnce(w, w.input);
  return w;
}

// A set of exactly `n` objects, each with a string "msg".
Validator ExpectViolations(size_t n) {
  return [n](const fedra::Value& v) -> std::string {
    if (!v.is_set() || v.size() != n) {
      return "expected a set of " + std::to_string(n) + " violations, got " + fedra::ToJson(v);
    }
    for (const fedra::Value& item : v.set()) {
      const fedra::Value* msg = item.is_object() ? item.Find("msg") : nullptr;
      if (msg == nullptr || !msg->is_string()) return "violation without msg: " + fedra::ToJson(item);
    }
    return "";
  };
}

// A set holding exactly the given strings.
Validator ExpectMessages(std::vector<std::string> want) {
  return [want = std::move(want)](const fedra::Value& v) -> std::string {
    std::vector<fedra::Value> items;
    for (const std::string& s : want) items.push_back(fedra::Value::String(s));
    fedra::Value expected = fedra::Value::Set(std::move(items));
    if (v != expected) {
      return "expected " + fedra::ToJson(expected) + ", got " + fedra::ToJson(v);
    }
    return "";
  };
}

// Workload 1: bench/testdata/admission_policy.rego over admission_input.json,
// which trips 9 of the 10 rules once each.
constexpr size_t kAdmissionViolations = 9;

const Workload& AdmissionWorkload() {
  static const Workload w = [] {
    std::string policy, input;
    if (std::string e = ReadTestdata("admission_policy.rego", &policy); !e.empty()) {
      Workload failed;
      failed.error = e;
      return failed;
    }
    if (std::string e = ReadTestdata("admission_input.json", &input); !e.empty()) {
      Workload failed;
      failed.error = e;
      return failed;
    }
    return BuildWorkload("admission_policy.rego", policy, "data.bench.admission.violation",
                         std::move(input), ExpectViolations(kAdmissionViolations));
  }();
  return w;
}

// Workload 2: `n` rules keyed on input.kind, one per kind Kind0..Kind<n-1>.
std::string KindRules(int n) {
  std::string src = "package bench.kinds\n\n";
  for (int i = 0; i < n; ++i) {
    std::string kind = "Kind" + std::to_string(i);
    src += "deny contains msg if {\n\tinput.kind == \"" + kind + "\"\n\tmsg := \"kind " + kind +
           " is not allowed\"\n}\n\n";
  }
  return src;
}

// `kinds` x `namespaces` rules, one per (Kind<k>, ns<n>) pair.
std::string KindNamespaceRules(int kinds, int namespaces) {
  std::string src = "package bench.kindns\n\n";
  for (int k = 0; k < kinds; ++k) {
    for (int n = 0; n < namespaces; ++n) {
      std::string kind = "Kind" + std::to_string(k), ns = "ns" + std::to_string(n);
      src += "deny contains msg if {\n\tinput.kind == \"" + kind + "\"\n\tinput.namespace == \"" +
             ns + "\"\n\tmsg := \"" + kind + " is not allowed in " + ns + "\"\n}\n\n";
    }
  }
  return src;
}

// A small object as the API server would send for a decision keyed on kind.
std::string KindInput(const std::string& kind, const std::string& ns) {
  return R"({"kind": ")" + kind + R"(", "namespace": ")" + ns +
         R"(", "name": "web-0", "labels": {"app": "web"}, "operation": "CREATE"})";
}

const Workload& KindWorkload(bool match) {
  static const Workload hit =
      BuildWorkload("kinds.rego", KindRules(1000), "data.bench.kinds.deny",
                    KindInput("Kind500", "default"), ExpectMessages({"kind Kind500 is not allowed"}));
  static const Workload miss = BuildWorkload("kinds.rego", KindRules(1000), "data.bench.kinds.deny",
                                             KindInput("NoSuchKind", "default"), ExpectMessages({}));
  return match ? hit : miss;
}

// The kinds x namespaces grid for `total` rules: 50 = 10x5, 500 = 50x10,
// 5000 = 100x50. The input matches the rule in the middle of the grid.
std::pair<int, int> Grid(int total) {
  int namespaces = total >= 5000 ? 50 : total >= 500 ? 10 : 5;
  return {total / namespaces, namespaces};
}

const Workload& KindNamespaceWorkload(int total) {
  static std::mutex mu;
  static std::map<int, std::unique_ptr<Workload>> cache;
  std::lock_guard<std::mutex> lock(mu);
  std::unique_ptr<Workload>& slot = cache[total];
  if (!slot) {
    auto [kinds, namespaces] = Grid(total);
    std::string kind = "Kind" + std::to_string(kinds / 2), ns = "ns" + std::to_string(namespaces / 2);
    slot = std::make_unique<Workload>(BuildWorkload(
        "kindns.rego", KindNamespaceRules(kinds, namespaces), "data.bench.kindns.deny",
        KindInput(kind, ns), ExpectMessages({kind + " is not allowed in " + ns})));
  }
  return *slot;
}

// ---- benchmark bodies -----------------------------------------------------------

// Evaluates `w` once per iteration; with `parse_input` the input text is
// parsed inside the timed region too, as a server does per request.
void RunEval(benchmark::State& state, const Workload& w, bool parse_input) {
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  EvalStats stats(state);
  fedra::EvalOptions opts;
  fedra::ResultSet rs;
  for (auto _ : state) {
    Clock::time_point start = Clock::now();
    fedra::Status s;
    if (parse_input) {
      fedra::Value input;
      s = fedra::ParseJson(w.input_text, &input, "input");
      opts.input = std::move(input);
    } else {
      opts.input = w.input;
    }
    rs = fedra::ResultSet();
    if (s.ok()) s = w.policy->Eval(w.query, opts, &rs);
    stats.Add(Clock::now() - start);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(rs);
  }
  stats.Report(state);
  // Re-check the last answer: a data race in shared state would show here.
  std::string bad = rs.results.size() == 1 ? w.validate(rs.results[0].expressions[0].value)
                                           : "no result in the last iteration";
  if (!bad.empty()) state.SkipWithError(bad.c_str());
  state.SetItemsProcessed(state.iterations());
}

void BM_ParseAdmissionInput(benchmark::State& state) {
  const Workload& w = AdmissionWorkload();
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  EvalStats stats(state);
  for (auto _ : state) {
    Clock::time_point start = Clock::now();
    fedra::Value input;
    fedra::Status s = fedra::ParseJson(w.input_text, &input, "input");
    benchmark::DoNotOptimize(input);
    stats.Add(Clock::now() - start);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
  }
  stats.Report(state);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(w.input_text.size()));
}

void BM_Admission10Rules(benchmark::State& state) { RunEval(state, AdmissionWorkload(), true); }

void BM_Admission10Rules_PreParsed(benchmark::State& state) {
  RunEval(state, AdmissionWorkload(), false);
}

void BM_Rules1000KeyedOnKind(benchmark::State& state) { RunEval(state, KindWorkload(true), false); }

void BM_Rules1000KeyedOnKind_NoMatch(benchmark::State& state) {
  RunEval(state, KindWorkload(false), false);
}

void BM_Rules5000KeyedOnKindNamespace(benchmark::State& state) {
  RunEval(state, KindNamespaceWorkload(5000), false);
}

// The same shape at 50 and 500 rules: time should stay near flat.
void BM_RulesKeyedOnKindNamespace(benchmark::State& state) {
  RunEval(state, KindNamespaceWorkload(static_cast<int>(state.range(0))), false);
}

// Parse + compile of the 5,000-rule module (source generated outside the
// timed region). Checks the answer of the last compiled set.
void BM_Compile5000Rules(benchmark::State& state) {
  auto [kinds, namespaces] = Grid(5000);
  const std::string source = KindNamespaceRules(kinds, namespaces);
  std::shared_ptr<const fedra::PolicySet> ps;
  for (auto _ : state) {
    fedra::Compiler compiler;
    fedra::Status s = compiler.AddModule("kindns.rego", source);
    if (s.ok()) s = compiler.Compile(&ps);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
  }
  state.counters["rules"] = 5000;
  state.counters["source_kb"] = static_cast<double>(source.size()) / 1024.0;
  // The freshly compiled set must answer like the cached one.
  Workload w;
  w.policy = ps;
  w.validate = ExpectMessages({"Kind50 is not allowed in ns25"});
  fedra::Value input;
  std::string bad;
  if (fedra::Status s = ps->Prepare("data.bench.kindns.deny", &w.query); !s.ok()) {
    bad = s.ToString();
  } else if (s = fedra::ParseJson(KindInput("Kind50", "ns25"), &input); !s.ok()) {
    bad = s.ToString();
  } else {
    bad = CheckOnce(w, input);
  }
  if (!bad.empty()) state.SkipWithError(bad.c_str());
}

// Workload 1 (parse + eval) from several threads sharing one PolicySet and
// one PreparedQuery. Real time per iteration = wall time / all threads'
// evaluations, i.e. the inverse of throughput.
void BM_ParallelEval(benchmark::State& state) { RunEval(state, AdmissionWorkload(), true); }

// ---- registration ---------------------------------------------------------------

void PerEval(benchmark::internal::Benchmark* b) {
  b->Unit(benchmark::kMicrosecond)
      ->MinTime(kMinTimeSeconds)
      ->Repetitions(kRepetitions)
      ->ReportAggregatesOnly(false)
      ->ComputeStatistics("p99", P99);
}

BENCHMARK(BM_ParseAdmissionInput)->Apply(PerEval);
BENCHMARK(BM_Admission10Rules)->Apply(PerEval);
BENCHMARK(BM_Admission10Rules_PreParsed)->Apply(PerEval);
BENCHMARK(BM_Rules1000KeyedOnKind)->Apply(PerEval);
BENCHMARK(BM_Rules1000KeyedOnKind_NoMatch)->Apply(PerEval);
BENCHMARK(BM_Rules5000KeyedOnKindNamespace)->Apply(PerEval);
BENCHMARK(BM_RulesKeyedOnKindNamespace)
    ->ArgName("rules")
    ->Arg(50)
    ->Arg(500)
    ->Apply(PerEval);
BENCHMARK(BM_Compile5000Rules)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(0.3)
    ->Repetitions(5)
    ->ReportAggregatesOnly(false)
    ->ComputeStatistics("p99", P99);
BENCHMARK(BM_ParallelEval)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime()
    ->Apply(PerEval);

}  // namespace

BENCHMARK_MAIN();
