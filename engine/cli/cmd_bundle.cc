// fedra bundle build: a directory -> an OPA-compatible bundle (.tar.gz),
// optionally signed.
#include <cstdio>
#include <string>
#include <vector>

#include "bundle/bundle.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "tools/file_util.h"

namespace fedra::cli {
namespace {

constexpr char kHelp[] =
    "usage: fedra bundle build [flags] DIR\n"
    "\n"
    "Builds an OPA bundle from DIR: every .rego file, every data.json /\n"
    "data.yaml / data.yml (merged at its directory's path) and DIR/.manifest\n"
    "if present. Modules must parse and data and packages must lie under the\n"
    "manifest's roots. The archive is deterministic (same input, same bytes)\n"
    "and readable by OPA and by fedra-engine. See docs/bundles.md.\n"
    "\n"
    "flags:\n"
    "  -o, --output FILE        where to write the bundle (default bundle.tar.gz)\n"
    "  -r, --revision R         the manifest revision (overrides .manifest)\n"
    "      --signing-key KEY    PEM private key file (RS*, PS*, ES*), or for HS*\n"
    "                           the file holding the shared secret\n"
    "      --signing-alg ALG    signature algorithm (default RS256)\n"
    "      --signing-key-id ID  the JWT `kid` (default: none)\n"
    "      --scope S            the signature's `scope` claim\n"
    "      --v0                 parse modules as Rego v0 when .manifest says nothing\n"
    "  -h, --help               this help\n"
    "\n"
    "exit codes: 0 written, 1 invalid input or I/O error, 2 usage error.\n";

constexpr char kGroupHelp[] =
    "usage: fedra bundle <subcommand> [flags]\n"
    "\n"
    "subcommands:\n"
    "  build   build an OPA bundle (.tar.gz) from a directory\n";

int RunBuild(const std::vector<std::string>& args) {
  std::string output = "bundle.tar.gz", revision, key_file, alg = "RS256", key_id, scope;
  bool v0 = false;
  Flags flags;
  flags.String("-o,--output", &output);
  flags.String("-r,--revision", &revision);
  flags.String("--signing-key", &key_file);
  flags.String("--signing-alg", &alg);
  flags.String("--signing-key-id", &key_id);
  flags.String("--scope", &scope);
  flags.Bool("--v0", &v0);
  std::vector<std::string> dirs;
  if (std::string err = flags.Parse(args, &dirs); !err.empty())
    return UsageError("bundle build", err);
  if (flags.help()) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  if (dirs.size() != 1) return UsageError("bundle build", "expected exactly one DIR");
  bundle::ReadOptions ro;
  ro.default_rego_version = v0 ? 0 : 1;
  bundle::Bundle b;
  if (Status st = bundle::LoadDirectory(dirs[0], ro, &b); !st.ok()) {
    PrintError(st);
    return kExitFailure;
  }
  if (!revision.empty()) b.revision = revision;
  bundle::WriteOptions wo;
  if (!key_file.empty()) {
    bundle::SigningConfig sc;
    sc.algorithm = alg;
    sc.key_id = key_id;
    sc.scope = scope;
    if (Status st = tools::ReadFile(key_file, &sc.key, 1u << 20); !st.ok()) {
      PrintError(st);
      return kExitFailure;
    }
    wo.signing = std::move(sc);
  } else if (!key_id.empty() || !scope.empty()) {
    return UsageError("bundle build", "--signing-key-id and --scope need --signing-key");
  }
  std::string targz;
  if (Status st = bundle::WriteBundle(b, wo, &targz); !st.ok()) {
    PrintError(st);
    return kExitFailure;
  }
  if (Status st = tools::WriteFile(output, targz); !st.ok()) {
    PrintError(st);
    return kExitFailure;
  }
  std::fprintf(stderr, "wrote %s: revision \"%s\", %zu module%s, %zu bytes%s\n", output.c_str(),
               b.revision.c_str(), b.modules.size(), b.modules.size() == 1 ? "" : "s", targz.size(),
               wo.signing ? ", signed" : "");
  return kExitOk;
}

}  // namespace

int RunBundle(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::fputs(kGroupHelp, args.empty() ? stderr : stdout);
    return args.empty() ? kExitUsage : kExitOk;
  }
  if (args[0] == "build") return RunBuild(std::vector<std::string>(args.begin() + 1, args.end()));
  return UsageError("bundle", "unknown subcommand \"" + args[0] + "\"");
}

}  // namespace fedra::cli
