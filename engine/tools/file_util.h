// Small file helpers for the tools and the CLI: whole-file reads and writes
// with clear errors, and a size bound so a mistaken argument (a device, a
// huge log) cannot exhaust memory.
#ifndef FEDRA_TOOLS_FILE_UTIL_H_
#define FEDRA_TOOLS_FILE_UTIL_H_

#include <cstddef>
#include <string>

#include "fedra/status.h"

namespace fedra::tools {

inline constexpr size_t kMaxFileBytes = 256u << 20;

// Reads a whole file; "-" reads standard input. Errors name the path.
Status ReadFile(const std::string& path, std::string* out, size_t max_bytes = kMaxFileBytes);
// Writes (truncates) a file.
Status WriteFile(const std::string& path, const std::string& contents);

}  // namespace fedra::tools

#endif  // FEDRA_TOOLS_FILE_UTIL_H_
