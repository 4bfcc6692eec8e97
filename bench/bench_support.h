// Shared machinery of the Google Benchmark binaries in bench/ (issues 2 and 3).
//
// Include from exactly one .cc per benchmark binary (each bench/*_bench.cc is
// its own binary): this header *defines* the global operator new/delete that
// count allocations, and the helpers below.
//
// Every benchmark checks at setup that its query gives the expected answer and
// skips with an error otherwise: a fast wrong answer is not a result.
//
// Each one reports, besides Google Benchmark's mean time per iteration:
//   p50_ns, p99_ns   the median and 99th percentile of single evaluations,
//                    each timed on its own with steady_clock (adds ~40 ns);
//   allocs           operator new calls per evaluation (the global operator
//                    new is replaced to count them, per thread).
// Repetitions give the aggregates *_median and *_p99 across repetitions; the
// p99 across 10 repetition means is their maximum, a stability measure, not a
// latency tail -- the per-evaluation tail is the p99_ns counter.
#ifndef FEDRA_BENCH_BENCH_SUPPORT_H_
#define FEDRA_BENCH_BENCH_SUPPORT_H_

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
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
namespace fedra::bench {
inline thread_local uint64_t tl_allocations = 0;
}  // namespace fedra::bench

void* operator new(std::size_t n) {
  ++fedra::bench::tl_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  ++fedra::bench::tl_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  ++fedra::bench::tl_allocations;
  return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  ++fedra::bench::tl_allocations;
  return std::malloc(n == 0 ? 1 : n);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace fedra::bench {

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
inline double P99(const std::vector<double>& v) {
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

inline std::string ReadTestdata(const std::string& name, std::string* out) {
  std::string path = std::string(FEDRA_SOURCE_DIR) + "/bench/testdata/" + name;
  std::ifstream f(path, std::ios::binary);
  if (!f) return "cannot read " + path;
  std::ostringstream ss;
  ss << f.rdbuf();
  *out = ss.str();
  return "";
}

// Evaluates `w`'s query on `input` once and checks the answer.
inline std::string CheckOnce(const Workload& w, const fedra::Value& input) {
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

// A Rego module: file name (for error locations) and source text.
using Module = std::pair<std::string, std::string>;

// Compiles `modules`, prepares `query`, parses `input_text` and checks the
// answer once; on any failure the returned Workload's `error` says why.
inline Workload BuildWorkload(const std::vector<Module>& modules, const std::string& query,
                              std::string input_text, Validator validate) {
  Workload w;
  w.input_text = std::move(input_text);
  w.validate = std::move(validate);
  fedra::Compiler compiler;
  for (const auto& [file, source] : modules) {
    if (fedra::Status s = compiler.AddModule(file, source); !s.ok()) {
      w.error = "parse: " + s.ToString();
      return w;
    }
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

inline Workload BuildWorkload(const std::string& file, const std::string& source,
                              const std::string& query, std::string input_text,
                              Validator validate) {
  return BuildWorkload({Module(file, source)}, query, std::move(input_text), std::move(validate));
}

// ---- benchmark bodies -----------------------------------------------------------

// Evaluates `w` once per iteration; with `parse_input` the input text is
// parsed inside the timed region too, as a server does per request.
inline void RunEval(benchmark::State& state, const Workload& w, bool parse_input) {
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

// The settings shared by every per-evaluation benchmark.
inline void PerEval(benchmark::internal::Benchmark* b) {
  b->Unit(benchmark::kMicrosecond)
      ->MinTime(kMinTimeSeconds)
      ->Repetitions(kRepetitions)
      ->ReportAggregatesOnly(false)
      ->ComputeStatistics("p99", P99);
}

}  // namespace fedra::bench

#endif  // FEDRA_BENCH_BENCH_SUPPORT_H_
