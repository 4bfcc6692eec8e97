// Structured logs: one JSON object per line on stderr
// ({"time":"...","level":"info","msg":"...", field: value...}), the shape
// log collectors in Kubernetes parse without configuration. Thread-safe; a
// line is written with one write() so lines never interleave.
#ifndef FEDRA_SERVER_LOG_H_
#define FEDRA_SERVER_LOG_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fedra::server {

using LogFields = std::vector<std::pair<std::string, std::string>>;

enum class LogLevel { kDebug, kInfo, kWarn, kError };

void SetLogLevel(LogLevel level);
void Log(LogLevel level, std::string_view msg, const LogFields& fields = {});
inline void LogInfo(std::string_view msg, const LogFields& fields = {}) { Log(LogLevel::kInfo, msg, fields); }
inline void LogWarn(std::string_view msg, const LogFields& fields = {}) { Log(LogLevel::kWarn, msg, fields); }
inline void LogError(std::string_view msg, const LogFields& fields = {}) { Log(LogLevel::kError, msg, fields); }

}  // namespace fedra::server

#endif  // FEDRA_SERVER_LOG_H_
