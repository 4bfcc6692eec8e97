// In-process evaluation benchmarks (issues 2 and 3): how long one decision
// takes when a server has compiled its policies once and evaluates many times.
// Workloads 1, 2 and 5 of issue 3; workloads 3 and 4 are in workload_bench.cc.
// bench_support.h says what every benchmark checks and reports.
//
// Run: build/bin/eval_bench [--benchmark_filter=REGEX]; bench/README.md has
// the numbers last measured and what they mean.
#include "bench_support.h"

#include <cctype>
#include <map>
#include <mutex>
#include <sstream>

namespace fedra::bench {
namespace {

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

// ---- admission as engine/admission runs it ----------------------------------------

// Workload 1 as `Revision::Admit` evaluates it: each of the 10 rules of
// admission_policy.rego is its own policy (own package, with the shared
// helpers copied in), and one decision parses the AdmissionReview once, then
// evaluates every policy's prepared `violation` query with the input
// {"parameters": <the policy's parameters>, "request": r, "review": r}.
struct AdmissionPolicies {
  std::string error;
  std::shared_ptr<const fedra::PolicySet> policy;
  std::vector<fedra::PreparedQuery> queries;
  fedra::Value parameters;  // one constraint's parameters, shared by all ten
  std::string review_text;  // the AdmissionRequest as the API server sends it
};

// Splits admission_policy.rego at its "# <n>." rule comments: the prelude
// (params, pod, containers) goes into every module, each section into one.
std::string SplitPolicy(const std::string& source, std::string* prelude,
                        std::vector<std::string>* sections) {
  std::istringstream in(source);
  std::string line;
  std::string* cur = prelude;
  while (std::getline(in, line)) {
    if (line.rfind("package ", 0) == 0) continue;
    if (line.size() > 3 && line[0] == '#' && line[1] == ' ' && std::isdigit(static_cast<unsigned char>(line[2])) &&
        line.find(". ") != std::string::npos) {
      sections->emplace_back();
      cur = &sections->back();
    }
    *cur += line + "\n";
  }
  if (sections->size() != 10) {
    return "expected 10 rules in admission_policy.rego, found " + std::to_string(sections->size());
  }
  return "";
}

const AdmissionPolicies& AdmissionPolicySet() {
  static const AdmissionPolicies w = [] {
    AdmissionPolicies out;
    std::string policy, input;
    if (std::string e = ReadTestdata("admission_policy.rego", &policy); !e.empty()) {
      out.error = e;
      return out;
    }
    if (std::string e = ReadTestdata("admission_input.json", &input); !e.empty()) {
      out.error = e;
      return out;
    }
    std::string prelude;
    std::vector<std::string> sections;
    if (std::string e = SplitPolicy(policy, &prelude, &sections); !e.empty()) {
      out.error = e;
      return out;
    }
    fedra::Compiler compiler;
    for (size_t i = 0; i < sections.size(); ++i) {
      std::string name = "p" + std::to_string(i);
      std::string src = "package bench.policies." + name + "\n" + prelude + sections[i];
      if (fedra::Status s = compiler.AddModule(name + ".rego", src); !s.ok()) {
        out.error = "parse: " + s.ToString();
        return out;
      }
    }
    if (fedra::Status s = compiler.Compile(&out.policy); !s.ok()) {
      out.error = "compile: " + s.ToString();
      return out;
    }
    out.queries.resize(sections.size());
    for (size_t i = 0; i < sections.size(); ++i) {
      std::string q = "data.bench.policies.p" + std::to_string(i) + ".violation";
      if (fedra::Status s = out.policy->Prepare(q, &out.queries[i]); !s.ok()) {
        out.error = "prepare: " + s.ToString();
        return out;
      }
    }
    fedra::Value whole;
    if (fedra::Status s = fedra::ParseJson(input, &whole, "input"); !s.ok()) {
      out.error = "input: " + s.ToString();
      return out;
    }
    const fedra::Value* params = whole.Find("parameters");
    const fedra::Value* review = whole.Find("review");
    if (params == nullptr || review == nullptr) {
      out.error = "admission_input.json lacks parameters or review";
      return out;
    }
    out.parameters = *params;
    out.review_text = fedra::ToJson(*review);
    return out;
  }();
  return w;
}

// One decision: every policy's violations, counted. Returns the number of
// violations, or -1 with *error set.
int64_t AdmitOnce(const AdmissionPolicies& w, const fedra::Value& request, std::string* error) {
  static const fedra::Value params_key = fedra::Value::String("parameters");
  static const fedra::Value request_key = fedra::Value::String("request");
  static const fedra::Value review_key = fedra::Value::String("review");
  fedra::ObjectEntry input[] = {
      {params_key, w.parameters}, {request_key, request}, {review_key, request}};
  fedra::EvalOptions opts;
  opts.input = fedra::Value::ObjectFrom(input);
  int64_t violations = 0;
  fedra::Value v;
  for (const fedra::PreparedQuery& q : w.queries) {
    // As engine/admission evaluates a rule: its value only, no ResultSet.
    if (fedra::Status s = w.policy->EvalValue(q, opts, &v); !s.ok()) {
      *error = s.ToString();
      return -1;
    }
    if (v.defined()) violations += static_cast<int64_t>(v.size());
  }
  return violations;
}

void RunAdmission(benchmark::State& state, bool parse_input) {
  const AdmissionPolicies& w = AdmissionPolicySet();
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  fedra::Value parsed;
  if (fedra::Status s = fedra::ParseJson(w.review_text, &parsed, "request"); !s.ok()) {
    state.SkipWithError(s.ToString().c_str());
    return;
  }
  std::string error;
  if (int64_t n = AdmitOnce(w, parsed, &error); n != static_cast<int64_t>(kAdmissionViolations)) {
    std::string bad = n < 0 ? error : "expected 9 violations, got " + std::to_string(n);
    state.SkipWithError(bad.c_str());
    return;
  }
  EvalStats stats(state);
  int64_t last = 0;
  for (auto _ : state) {
    Clock::time_point start = Clock::now();
    fedra::Value request = parsed;
    if (parse_input) {
      if (fedra::Status s = fedra::ParseJson(w.review_text, &request, "request"); !s.ok()) {
        state.SkipWithError(s.ToString().c_str());
        return;
      }
    }
    last = AdmitOnce(w, request, &error);
    stats.Add(Clock::now() - start);
    if (last < 0) {
      state.SkipWithError(error.c_str());
      return;
    }
  }
  stats.Report(state);
  if (last != static_cast<int64_t>(kAdmissionViolations)) {
    state.SkipWithError("wrong violation count in the last iteration");
  }
  state.SetItemsProcessed(state.iterations());
}

// Parse the AdmissionRequest + 10 policies' violation queries.
void BM_Admission10Policies(benchmark::State& state) { RunAdmission(state, true); }

// The same, request parsed once at setup: the evaluator's share.
void BM_Admission10Policies_PreParsed(benchmark::State& state) { RunAdmission(state, false); }

// The fixed cost of one Eval: `x := 1` against an empty policy set.
void BM_EvalTrivial(benchmark::State& state) {
  static const Workload w = BuildWorkload(
      "trivial.rego", "package bench.trivial\n", "x := 1", "{}",
      [](const fedra::Value& v) -> std::string { return v.is_bool() ? "" : "expected true"; });
  RunEval(state, w, false);
}

// ---- registration ---------------------------------------------------------------

BENCHMARK(BM_ParseAdmissionInput)->Apply(PerEval);
BENCHMARK(BM_Admission10Rules)->Apply(PerEval);
BENCHMARK(BM_Admission10Rules_PreParsed)->Apply(PerEval);
BENCHMARK(BM_Admission10Policies)->Apply(PerEval);
BENCHMARK(BM_Admission10Policies_PreParsed)->Apply(PerEval);
BENCHMARK(BM_EvalTrivial)->Apply(PerEval);
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
}  // namespace fedra::bench

BENCHMARK_MAIN();
