// fedra bench: evaluate a query many times in process and report the time
// per evaluation, like `opa bench`.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/alloc_counter.h"
#include "cli/commands.h"
#include "cli/compile_paths.h"
#include "cli/flags.h"
#include "fedra/engine.h"
#include "tools/loader.h"
#include "value/json.h"

namespace fedra::cli {
namespace {

constexpr char kHelp[] =
    "usage: fedra bench [flags] QUERY\n"
    "\n"
    "Compiles the policies once, then evaluates QUERY --count times in this process,\n"
    "parsing the input JSON again for every evaluation (as a server does), and prints\n"
    "the time per evaluation (median, p90, p99, min, max) and heap allocations per\n"
    "evaluation.\n"
    "\n"
    "flags:\n"
    "  -d, --data PATH     a .rego module, a .json/.yaml data file, or a directory of them;\n"
    "                      repeatable\n"
    "  -i, --input FILE    the input document (JSON, or YAML for .yaml/.yml)\n"
    "      --count N       evaluations to time (default 10000, at most 10000000)\n"
    "      --warmup N      untimed evaluations first (default 100)\n"
    "      --v0            Rego v0 syntax\n"
    "  -f, --format FMT    pretty (default) or json: one object with median_ns, p90_ns,\n"
    "                      p99_ns, min_ns, max_ns, mean_ns, allocs_per_eval, count, results\n"
    "  -h, --help          this help\n"
    "\n"
    "exit codes: 0 measured, 1 error in a file, the input, the query or evaluation,\n"
    "2 usage error.\n";

constexpr long kMaxCount = 10'000'000;

int64_t Percentile(const std::vector<int64_t>& sorted, double p) {
  size_t i = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

}  // namespace

int RunBench(const std::vector<std::string>& args) {
  std::vector<std::string> data_paths;
  std::string input_path, format = "pretty", count_text = "10000", warmup_text = "100";
  bool v0 = false;
  Flags flags;
  flags.List("-d,--data", &data_paths);
  flags.String("-i,--input", &input_path);
  flags.String("-f,--format", &format);
  flags.String("--count", &count_text);
  flags.String("--warmup", &warmup_text);
  flags.Bool("--v0", &v0);
  std::vector<std::string> positional;
  if (std::string err = flags.Parse(args, &positional); !err.empty()) {
    return UsageError("bench", err);
  }
  if (flags.help()) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  if (positional.size() != 1) {
    return UsageError("bench", positional.empty() ? "missing QUERY" : "expected one QUERY");
  }
  if (format != "pretty" && format != "json") {
    return UsageError("bench", "unknown format \"" + format + "\"");
  }
  char* end = nullptr;
  long count = std::strtol(count_text.c_str(), &end, 10);
  if (*end != '\0' || count < 1 || count > kMaxCount) {
    return UsageError("bench", "--count must be a number from 1 to " + std::to_string(kMaxCount));
  }
  long warmup = std::strtol(warmup_text.c_str(), &end, 10);
  if (*end != '\0' || warmup < 0 || warmup > kMaxCount) {
    return UsageError("bench", "--warmup must be a number from 0 to " + std::to_string(kMaxCount));
  }
  const RegoSyntax syntax = v0 ? RegoSyntax::kV0 : RegoSyntax::kV1;

  std::shared_ptr<const PolicySet> ps;
  if (!CompilePaths(data_paths, syntax, &ps)) return kExitFailure;
  // The input is parsed in every evaluation; read once as a document and
  // keep its JSON text (YAML input becomes JSON here).
  std::string input_text;
  if (!input_path.empty()) {
    Value doc;
    if (Status st = tools::ReadDocument(input_path, &doc); !st.ok()) {
      PrintError(st);
      return kExitFailure;
    }
    input_text = ToJson(doc);
  }
  PreparedQuery query;
  if (Status st = ps->Prepare(positional[0], &query, syntax); !st.ok()) {
    PrintError(st);
    return kExitFailure;
  }

  size_t results = 0;
  auto once = [&]() -> Status {
    EvalOptions opts;
    if (!input_text.empty()) FEDRA_RETURN_IF_ERROR(ParseJson(input_text, &opts.input, "input"));
    ResultSet rs;
    FEDRA_RETURN_IF_ERROR(ps->Eval(query, opts, &rs));
    results = rs.results.size();
    return Status::OK();
  };
  for (long i = 0; i < warmup; ++i) {
    if (Status st = once(); !st.ok()) {
      PrintError(st);
      return kExitFailure;
    }
  }
  std::vector<int64_t> ns(static_cast<size_t>(count));
  uint64_t allocs_before = AllocationCount();
  for (long i = 0; i < count; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    Status st = once();
    auto t1 = std::chrono::steady_clock::now();
    if (!st.ok()) {
      PrintError(st);
      return kExitFailure;
    }
    ns[static_cast<size_t>(i)] = std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count();
  }
  double allocs = static_cast<double>(AllocationCount() - allocs_before) / static_cast<double>(count);
  double mean = 0;
  for (int64_t v : ns) mean += static_cast<double>(v);
  mean /= static_cast<double>(count);
  std::sort(ns.begin(), ns.end());
  const int64_t median = Percentile(ns, 0.5), p90 = Percentile(ns, 0.9),
                p99 = Percentile(ns, 0.99);
  if (format == "json") {
    std::printf(
        "{\"count\":%ld,\"median_ns\":%lld,\"p90_ns\":%lld,\"p99_ns\":%lld,\"min_ns\":%lld,"
        "\"max_ns\":%lld,\"mean_ns\":%.0f,\"allocs_per_eval\":%.1f,\"results\":%zu}\n",
        count, static_cast<long long>(median), static_cast<long long>(p90),
        static_cast<long long>(p99), static_cast<long long>(ns.front()),
        static_cast<long long>(ns.back()), mean, allocs, results);
  } else {
    std::printf("evaluations      %ld (after %ld warm-up)\n", count, warmup);
    std::printf("results          %zu per evaluation\n", results);
    std::printf("median           %lld ns\n", static_cast<long long>(median));
    std::printf("p90              %lld ns\n", static_cast<long long>(p90));
    std::printf("p99              %lld ns\n", static_cast<long long>(p99));
    std::printf("min / max        %lld / %lld ns\n", static_cast<long long>(ns.front()),
                static_cast<long long>(ns.back()));
    std::printf("allocations      %.1f per evaluation\n", allocs);
  }
  return kExitOk;
}

}  // namespace fedra::cli
