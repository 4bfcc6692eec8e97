// The `fedra` subcommands. Each takes the arguments after its name, prints to
// stdout/stderr and returns the process exit code (see flags.h).
#ifndef FEDRA_CLI_COMMANDS_H_
#define FEDRA_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include "fedra/status.h"

namespace fedra::cli {

int RunEval(const std::vector<std::string>& args);
int RunCheck(const std::vector<std::string>& args);
int RunParse(const std::vector<std::string>& args);
int RunConformance(const std::vector<std::string>& args);
int RunBench(const std::vector<std::string>& args);
int RunBundle(const std::vector<std::string>& args);  // cmd_bundle.cc
int RunVerify(const std::vector<std::string>& args);  // cmd_verify.cc
int RunLoad(const std::vector<std::string>& args);    // cmd_load.cc

// Prints "fedra <command>: <message>" and the usage hint to stderr; returns
// kExitUsage.
int UsageError(const char* command, const std::string& message);
// One error per line on stderr: Rego errors as file:line:col: code: message,
// errors about files and flags as their message.
void PrintError(const Status& st);

}  // namespace fedra::cli

#endif  // FEDRA_CLI_COMMANDS_H_
