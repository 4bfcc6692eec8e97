// fedra verify: run Gatekeeper `gator verify` suites through the admission
// code path the webhook uses (engine/admission/verify.h).
#include <cstdio>
#include <string>
#include <vector>

#include "admission/verify.h"
#include "cli/commands.h"
#include "cli/flags.h"

namespace fedra::cli {
namespace {

constexpr char kHelp[] =
    "usage: fedra verify [flags] PATH...\n"
    "\n"
    "Runs Gatekeeper test suites (kind: Suite, apiVersion: test.gatekeeper.sh/v1alpha1)\n"
    "found in the given files, or in *.yaml/*.yml files under the given directories.\n"
    "Each test pairs a ConstraintTemplate with a Constraint; each case admits an\n"
    "object (CREATE), with optional inventory under data.inventory, and checks\n"
    "assertions {violations: yes|no|N, message: REGEX}. One line per case, then\n"
    "\"N passed, N failed, N skipped\".\n"
    "\n"
    "flags:\n"
    "      --run REGEX  run only tests and cases whose \"test/case\" name matches\n"
    "  -v, --verbose    show the violations of passing cases too\n"
    "  -h, --help       this help\n"
    "\n"
    "exit codes: 0 every case passed, 1 a case failed (or a suite is broken),\n"
    "2 usage error.\n";

}  // namespace

int RunVerify(const std::vector<std::string>& args) {
  admission::VerifyOptions options;
  Flags flags;
  flags.String("--run", &options.run);
  flags.Bool("-v,--verbose", &options.verbose);
  std::vector<std::string> paths;
  if (std::string err = flags.Parse(args, &paths); !err.empty()) {
    return UsageError("verify", err);
  }
  if (flags.help()) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  if (paths.empty()) return UsageError("verify", "missing PATH");
  admission::VerifyCounts counts;
  Status st = admission::Verify(
      paths, options,
      [](std::string_view line) {
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fputc('\n', stdout);
      },
      &counts);
  if (!st.ok()) {
    PrintError(st);
    return st.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  std::printf("%d passed, %d failed, %d skipped\n", counts.passed, counts.failed, counts.skipped);
  std::fflush(stdout);
  return counts.failed > 0 ? kExitFailure : kExitOk;
}

}  // namespace fedra::cli
