// fedra eval: evaluate a query against policies, data and an input document.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/compile_paths.h"
#include "cli/flags.h"
#include "fedra/engine.h"
#include "tools/loader.h"

namespace fedra::cli {
namespace {

constexpr char kHelp[] =
    "usage: fedra eval [flags] QUERY\n"
    "\n"
    "Evaluates a Rego query and prints the result as `opa eval` does:\n"
    "  {\"result\":[{\"expressions\":[{\"value\":...,\"text\":...,\"location\":{...}}],\n"
    "               \"bindings\":{...}}]}\n"
    "or {} when the query is undefined.\n"
    "\n"
    "flags:\n"
    "  -d, --data PATH     a .rego module, a .json/.yaml data file, or a directory of them\n"
    "                      (recursive); repeatable. A data file is merged into `data` at\n"
    "                      the path of its directory below the given directory.\n"
    "  -i, --input FILE    the input document: JSON, or YAML for .yaml/.yml; - reads stdin\n"
    "      --v0            parse modules and the query as Rego v0 (default: v1)\n"
    "  -f, --format FMT    json (default; indented), compact (one line), or pretty\n"
    "                      (values only; `undefined` when undefined)\n"
    "      --strict        builtin errors abort evaluation instead of making the\n"
    "                      expression undefined\n"
    "      --timeout DUR   give up after DUR (500ms, 10s, 1m); default: no limit\n"
    "      --fail          exit 1 when the query is undefined\n"
    "  -h, --help          this help\n"
    "\n"
    "exit codes: 0 evaluated (defined or undefined), 1 error in a file, the input, the\n"
    "query or evaluation (or undefined with --fail), 2 usage error.\n";

void PrintPretty(const ResultSet& rs) {
  if (rs.results.empty()) {
    std::printf("undefined\n");
    return;
  }
  for (size_t i = 0; i < rs.results.size(); ++i) {
    const Result& r = rs.results[i];
    if (i > 0) std::printf("\n");
    if (r.bindings.empty()) {
      for (const ExpressionResult& e : r.expressions) {
        std::printf("%s\n", ToJson(e.value, /*pretty=*/true).c_str());
      }
      continue;
    }
    for (const auto& [name, value] : r.bindings) {
      std::printf("%s = %s\n", name.c_str(), ToJson(value, /*pretty=*/true).c_str());
    }
  }
}

}  // namespace

int RunEval(const std::vector<std::string>& args) {
  std::vector<std::string> data_paths;
  std::string input_path, format = "json", timeout_text;
  bool v0 = false, strict = false, fail = false;
  Flags flags;
  flags.List("-d,--data", &data_paths);
  flags.String("-i,--input", &input_path);
  flags.String("-f,--format", &format);
  flags.String("--timeout", &timeout_text);
  flags.Bool("--v0", &v0);
  flags.Bool("--strict", &strict);
  flags.Bool("--fail", &fail);
  std::vector<std::string> positional;
  if (std::string err = flags.Parse(args, &positional); !err.empty()) {
    return UsageError("eval", err);
  }
  if (flags.help()) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  if (positional.size() != 1) {
    return UsageError("eval", positional.empty() ? "missing QUERY" : "expected one QUERY");
  }
  if (format != "json" && format != "compact" && format != "pretty") {
    return UsageError("eval", "unknown format \"" + format + "\"");
  }
  std::chrono::milliseconds timeout{0};
  if (!timeout_text.empty() && !ParseDuration(timeout_text, &timeout)) {
    return UsageError("eval", "bad --timeout \"" + timeout_text + "\"");
  }
  const RegoSyntax syntax = v0 ? RegoSyntax::kV0 : RegoSyntax::kV1;

  std::shared_ptr<const PolicySet> ps;
  if (!CompilePaths(data_paths, syntax, &ps)) return kExitFailure;
  EvalOptions opts;
  if (!input_path.empty()) {
    if (Status st = tools::ReadDocument(input_path, &opts.input); !st.ok()) {
      PrintError(st);
      return kExitFailure;
    }
  }
  PreparedQuery query;
  if (Status st = ps->Prepare(positional[0], &query, syntax); !st.ok()) {
    PrintError(st);
    return kExitFailure;
  }
  opts.strict_builtin_errors = strict;
  if (timeout.count() > 0) opts.deadline = std::chrono::steady_clock::now() + timeout;
  opts.print = [](std::string_view line) {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
  };
  ResultSet rs;
  if (Status st = ps->Eval(query, opts, &rs); !st.ok()) {
    PrintError(st);
    return kExitFailure;
  }
  if (format == "pretty") {
    PrintPretty(rs);
  } else {
    std::printf("%s\n", ResultSetToJson(rs, /*pretty=*/format == "json").c_str());
  }
  return fail && rs.results.empty() ? kExitFailure : kExitOk;
}

}  // namespace fedra::cli
