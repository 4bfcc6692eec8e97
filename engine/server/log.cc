#include "server/log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>

#include "fedra/value.h"

namespace fedra::server {

namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};

std::string Now() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

const char* LevelName(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

}  // namespace

void SetLogLevel(LogLevel level) { g_level.store(static_cast<int>(level)); }

void Log(LogLevel level, std::string_view msg, const LogFields& fields) {
  if (static_cast<int>(level) < g_level.load()) return;
  std::string line = "{\"time\":\"" + Now() + "\",\"level\":\"" + LevelName(level) +
                     "\",\"msg\":" + ToJson(Value::String(msg));
  for (const auto& [k, v] : fields) {
    line += "," + ToJson(Value::String(k)) + ":" + ToJson(Value::String(v));
  }
  line += "}\n";
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace fedra::server
