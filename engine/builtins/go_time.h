// A subset of Go's time package, reproduced for the time.* builtins: OPA
// exposes Go's layouts ("2006-01-02T15:04:05Z07:00"), duration syntax and
// error texts directly, so Fedra follows them byte for byte.
//
// Time is an instant (Unix seconds + nanoseconds) with a location. Layout
// parsing and formatting implement Go's reference-time tokens (January/Jan,
// Monday/Mon, 01/1/_2/02/002/__2, 15/3/03/PM/pm, 04/4, 05/5, 2006/06, MST,
// Z07:00 and -07:00 families, .000/.999/,000 fractions) with Go's rules for
// defaults, ranges and zone abbreviations. All functions are thread-safe.
#ifndef FEDRA_BUILTINS_GO_TIME_H_
#define FEDRA_BUILTINS_GO_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "builtins/tz.h"
#include "fedra/status.h"

namespace fedra::builtins::gotime {

struct Time {
  int64_t sec = 0;   // Unix seconds
  int32_t nsec = 0;  // [0, 1e9)
  const tz::Location* loc = nullptr;  // null means UTC
};

// Broken-down local time of a Time in its location.
struct Fields {
  int64_t year = 1970;
  int month = 1, day = 1;        // 1-12, 1-31
  int hour = 0, minute = 0, second = 0;
  int32_t nsec = 0;
  int weekday = 4;               // 0 = Sunday
  int yday = 1;                  // 1-366
  std::string_view zone = "UTC";  // abbreviation
  int offset = 0;                // seconds east of UTC
};

Time FromUnixNano(int64_t ns, const tz::Location* loc);
// False when the instant is outside the int64 nanosecond range
// (1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z).
bool ToUnixNano(const Time& t, int64_t* out);

Fields Breakdown(const Time& t);

// Go's time.Date: fields may overflow their ranges and are normalised (month
// 13 is January of the next year, day 0 the last of the previous month), and
// the local time is resolved in `loc` as Go resolves it around transitions.
// False when the result is absurdly far from the representable range.
bool MakeDate(int64_t year, int64_t month, int64_t day, int64_t hour, int64_t minute,
              int64_t second, int64_t nsec, const tz::Location* loc, Time* out);

// Time.Format.
std::string Format(const Time& t, std::string_view layout);

// time.Parse(layout, value): times without a zone are UTC; zone
// abbreviations are resolved against tz::Local(). Errors carry Go's
// messages, e.g. `parsing time "x" as "2006": cannot parse "x" as "2006"`.
Status Parse(std::string_view layout, std::string_view value, Time* out);

// time.ParseDuration: nanoseconds. Errors: `time: invalid duration "x"`,
// `time: missing unit in duration "1"`, `time: unknown unit "y" in duration "1y"`.
Status ParseDuration(std::string_view s, int64_t* out);

// Go's time-package quoting of a string in error messages.
std::string Quote(std::string_view s);

}  // namespace fedra::builtins::gotime

#endif  // FEDRA_BUILTINS_GO_TIME_H_
