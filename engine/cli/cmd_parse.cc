// fedra parse: print the syntax tree of one Rego file.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/flags.h"
#include "syntax/ast.h"
#include "syntax/ast_dump.h"
#include "syntax/parser.h"
#include "tools/file_util.h"

namespace fedra::cli {
namespace {

constexpr char kHelp[] =
    "usage: fedra parse [flags] FILE\n"
    "\n"
    "Parses one Rego module (- reads stdin) and prints its syntax tree, one node\n"
    "per line with its line:col.\n"
    "\n"
    "flags:\n"
    "      --v0     parse as Rego v0 (default: v1)\n"
    "  -h, --help   this help\n"
    "\n"
    "exit codes: 0 parsed, 1 parse error or unreadable file, 2 usage error.\n";

}  // namespace

int RunParse(const std::vector<std::string>& args) {
  bool v0 = false;
  Flags flags;
  flags.Bool("--v0", &v0);
  std::vector<std::string> positional;
  if (std::string err = flags.Parse(args, &positional); !err.empty()) {
    return UsageError("parse", err);
  }
  if (flags.help()) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  if (positional.size() != 1) {
    return UsageError("parse", positional.empty() ? "missing FILE" : "expected one FILE");
  }
  const std::string& file = positional[0];
  std::string source;
  if (Status st = tools::ReadFile(file, &source); !st.ok()) {
    PrintError(st);
    return kExitFailure;
  }
  syntax::ParseOptions opts;
  opts.version = v0 ? ast::RegoVersion::kV0 : ast::RegoVersion::kV1;
  ast::Module module;
  if (Status st = syntax::ParseModule(source, file, opts, &module); !st.ok()) {
    PrintError(st);
    return kExitFailure;
  }
  std::fputs(syntax::DumpModule(module).c_str(), stdout);
  return kExitOk;
}

}  // namespace fedra::cli
