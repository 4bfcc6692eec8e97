// Loading and compiling the policies and data given with -d, shared by the
// commands that evaluate (eval, bench).
#ifndef FEDRA_CLI_COMPILE_PATHS_H_
#define FEDRA_CLI_COMPILE_PATHS_H_

#include <memory>
#include <string>
#include <vector>

#include "fedra/engine.h"

namespace fedra::cli {

// Loads .rego modules and data files from `paths`, compiles them, and on
// failure prints every error (file:line:col) to stderr and returns false.
bool CompilePaths(const std::vector<std::string>& paths, RegoSyntax syntax,
                  std::shared_ptr<const PolicySet>* out);

}  // namespace fedra::cli

#endif  // FEDRA_CLI_COMPILE_PATHS_H_
