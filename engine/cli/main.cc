// fedra: the command-line front end of the Fedra policy engine.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "cli/flags.h"

namespace fedra::cli {
namespace {

constexpr char kUsage[] =
    "usage: fedra <command> [flags] [arguments]\n"
    "\n"
    "Fedra is a Rego-compatible policy engine. Commands:\n"
    "  eval         evaluate a Rego query against policies, data and input\n"
    "  check        compile policies and report every error (file:line:col)\n"
    "  parse        print the syntax tree of a Rego file\n"
    "  conformance  run OPA's YAML conformance cases\n"
    "  bench        time a query evaluated many times in process\n"
    "  bundle       build OPA bundles (fedra bundle build DIR -o out.tar.gz)\n"
    "  verify       run Gatekeeper test suites (gator verify) through the admission path\n"
    "  load         send HTTP(S) load at a constant rate and report latency percentiles\n"
    "  version      print the version\n"
    "\n"
    "Run `fedra <command> --help` for a command's flags.\n"
    "Exit codes: 0 success, 1 failure (errors, failed checks), 2 usage error.\n";

constexpr char kVersion[] = "0.1.0";

}  // namespace

int UsageError(const char* command, const std::string& message) {
  std::fprintf(stderr, "fedra %s: %s\nRun `fedra %s --help` for usage.\n", command, message.c_str(),
               command);
  return kExitUsage;
}

void PrintError(const Status& st) {
  switch (st.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kIoError:
      std::fprintf(stderr, "error: %.*s\n", static_cast<int>(st.message().size()),
                   st.message().data());
      break;
    default:
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
  }
}

int Dispatch(std::string_view cmd, const std::vector<std::string>& args) {
  if (cmd == "eval") return RunEval(args);
  if (cmd == "check") return RunCheck(args);
  if (cmd == "parse") return RunParse(args);
  if (cmd == "conformance") return RunConformance(args);
  if (cmd == "bench") return RunBench(args);
  if (cmd == "bundle") return RunBundle(args);
  if (cmd == "verify") return RunVerify(args);
  if (cmd == "load") return RunLoad(args);
  if (cmd == "version" || cmd == "--version") {
    std::printf("fedra %s\n", kVersion);
    return kExitOk;
  }
  if (cmd == "help" || cmd == "-h" || cmd == "--help") {
    if (!args.empty() && args[0] != "help") return Dispatch(args[0], {"--help"});
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  std::fprintf(stderr, "fedra: unknown command \"%.*s\"\n\n%s", static_cast<int>(cmd.size()),
               cmd.data(), kUsage);
  return kExitUsage;
}

int Main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }
  return Dispatch(argv[1], std::vector<std::string>(argv + 2, argv + argc));
}

}  // namespace fedra::cli

int main(int argc, char** argv) { return fedra::cli::Main(argc, argv); }
