// A small command-line flag parser for the `fedra` subcommands (hand-written
// so the CLI needs nothing beyond the engine).
//
// Flags are declared with one or more names ("-d,--data"), then Parse() walks
// the arguments: `--name value`, `--name=value`, `-d value`; boolean flags
// take no value. `--` ends the flags. Everything else is positional. `-h` and
// `--help` set help(). Unknown flags and missing values are usage errors.
#ifndef FEDRA_CLI_FLAGS_H_
#define FEDRA_CLI_FLAGS_H_

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace fedra::cli {

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // errors in the input, failed checks
inline constexpr int kExitUsage = 2;    // bad flags or arguments

class Flags {
 public:
  void Bool(std::string_view names, bool* out);
  void String(std::string_view names, std::string* out);
  void List(std::string_view names, std::vector<std::string>* out);

  // Returns "" on success, else a usage error message.
  std::string Parse(const std::vector<std::string>& args, std::vector<std::string>* positional);
  bool help() const { return help_; }

 private:
  enum class Type { kBool, kString, kList };
  struct Flag {
    std::vector<std::string> names;
    Type type;
    void* out;
  };
  void Add(std::string_view names, Type type, void* out);
  const Flag* Find(std::string_view name) const;

  std::vector<Flag> flags_;
  bool help_ = false;
};

// Parses a duration such as "500ms", "10s", "2m" or "1h" (a bare number means
// seconds). Returns false when the text is not a duration.
bool ParseDuration(std::string_view text, std::chrono::milliseconds* out);

}  // namespace fedra::cli

#endif  // FEDRA_CLI_FLAGS_H_
