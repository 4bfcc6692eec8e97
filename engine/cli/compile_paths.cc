#include "cli/compile_paths.h"

#include "cli/commands.h"
#include "tools/loader.h"

namespace fedra::cli {

bool CompilePaths(const std::vector<std::string>& paths, RegoSyntax syntax,
                  std::shared_ptr<const PolicySet>* out) {
  tools::LoadedFiles files;
  if (Status st = tools::LoadPaths(paths, {}, &files); !st.ok()) {
    PrintError(st);
    return false;
  }
  CompileOptions copts;
  copts.default_syntax = syntax;
  Compiler compiler(copts);
  bool parse_failed = false;
  for (const auto& [file, source] : files.modules) {
    if (Status st = compiler.AddModule(file, source, syntax); !st.ok()) {
      PrintError(st);
      parse_failed = true;
    }
  }
  if (parse_failed) return false;
  compiler.SetData(files.data);
  if (Status st = compiler.Compile(out); !st.ok()) {
    if (compiler.errors().empty()) PrintError(st);
    for (const Status& e : compiler.errors()) PrintError(e);
    return false;
  }
  return true;
}

}  // namespace fedra::cli
