// Proleptic Gregorian calendar arithmetic shared by the time builtins and the
// time zone rules. Days are counted from 1970-01-01 (day 0); all divisions
// floor, so dates before 1970 work the same way.
#ifndef FEDRA_BUILTINS_CIVIL_TIME_H_
#define FEDRA_BUILTINS_CIVIL_TIME_H_

#include <cstdint>

namespace fedra::builtins::civil {

inline constexpr int64_t kSecondsPerDay = 86400;
// Days before the first of each month in a common year; [12] is the year.
inline constexpr int kDaysBefore[13] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};

inline int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

inline int64_t FloorMod(int64_t a, int64_t b) {
  int64_t r = a % b;
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

inline bool IsLeap(int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

// Days in `month` (1-12) of `year`.
inline int DaysIn(int month, int64_t year) {
  if (month == 2 && IsLeap(year)) return 29;
  return kDaysBefore[month] - kDaysBefore[month - 1];
}

// Day number of year-month-01 (month 1-12). Howard Hinnant's algorithm.
inline int64_t DaysFromCivil(int64_t year, int month) {
  int64_t y = year - (month <= 2 ? 1 : 0);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;                                    // [0, 399]
  int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5;  // day 1 of the month
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + doe - 719468;
}

struct Date {
  int64_t year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31
};

inline Date CivilFromDays(int64_t days) {
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;                                        // [0, 146096]
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                 // [0, 365]
  int64_t mp = (5 * doy + 2) / 153;                                      // [0, 11]
  Date d;
  d.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  d.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  d.year = yoe + era * 400 + (d.month <= 2 ? 1 : 0);
  return d;
}

// Day of the year, 1-366.
inline int YearDay(int64_t days) {
  Date d = CivilFromDays(days);
  return static_cast<int>(days - DaysFromCivil(d.year, 1) + 1);
}

}  // namespace fedra::builtins::civil

#endif  // FEDRA_BUILTINS_CIVIL_TIME_H_
