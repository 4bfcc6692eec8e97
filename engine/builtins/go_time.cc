// Instants, calendar fields and durations (layouts are in go_time_layout.cc).
#include <cmath>

#include "builtins/civil_time.h"
#include "builtins/go_time.h"

namespace fedra::builtins::gotime {
namespace {

constexpr int64_t kNanosPerSecond = 1000000000;
// time.Unix(0, math.MinInt64) and time.Unix(0, math.MaxInt64).
constexpr int64_t kMinSec = -9223372037, kMinNsec = 145224192;
constexpr int64_t kMaxSec = 9223372036, kMaxNsec = 854775807;
// MakeDate refuses years this far out: the valid range is 1677 to 2262, and
// the bound keeps the calendar arithmetic far from overflow.
constexpr int64_t kMaxAbsYear = 1000000000;

const tz::Location* LocOrUtc(const tz::Location* loc) { return loc ? loc : tz::UTC(); }

}  // namespace

Time FromUnixNano(int64_t ns, const tz::Location* loc) {
  Time t;
  t.sec = civil::FloorDiv(ns, kNanosPerSecond);
  t.nsec = static_cast<int32_t>(civil::FloorMod(ns, kNanosPerSecond));
  t.loc = loc;
  return t;
}

bool ToUnixNano(const Time& t, int64_t* out) {
  if (t.sec < kMinSec || (t.sec == kMinSec && t.nsec < kMinNsec)) return false;
  if (t.sec > kMaxSec || (t.sec == kMaxSec && t.nsec > kMaxNsec)) return false;
  *out = static_cast<int64_t>(static_cast<__int128>(t.sec) * kNanosPerSecond + t.nsec);
  return true;
}

Fields Breakdown(const Time& t) {
  Fields f;
  tz::ZoneAt zone = LocOrUtc(t.loc)->Lookup(t.sec);
  f.zone = zone.name;
  f.offset = zone.offset;
  int64_t local = t.sec + zone.offset;
  int64_t days = civil::FloorDiv(local, civil::kSecondsPerDay);
  int64_t sod = civil::FloorMod(local, civil::kSecondsPerDay);
  civil::Date d = civil::CivilFromDays(days);
  f.year = d.year;
  f.month = d.month;
  f.day = d.day;
  f.hour = static_cast<int>(sod / 3600);
  f.minute = static_cast<int>(sod / 60 % 60);
  f.second = static_cast<int>(sod % 60);
  f.nsec = t.nsec;
  f.weekday = static_cast<int>(civil::FloorMod(days + 4, 7));  // 1970-01-01 was a Thursday
  f.yday = civil::YearDay(days);
  return f;
}

bool MakeDate(int64_t year, int64_t month, int64_t day, int64_t hour, int64_t minute,
              int64_t second, int64_t nsec, const tz::Location* loc, Time* out) {
  // Normalise the month into the year, as Go's norm() does.
  __int128 m = static_cast<__int128>(month) - 1;
  __int128 y = static_cast<__int128>(year) + (m >= 0 ? m / 12 : -((-m + 11) / 12));
  m -= (y - year) * 12;
  if (y > kMaxAbsYear || y < -kMaxAbsYear) return false;
  __int128 days = civil::DaysFromCivil(static_cast<int64_t>(y), static_cast<int>(m) + 1) +
                  static_cast<__int128>(day) - 1;
  __int128 total_ns = ((days * civil::kSecondsPerDay + static_cast<__int128>(hour) * 3600 +
                        static_cast<__int128>(minute) * 60 + second) *
                       kNanosPerSecond) +
                      nsec;
  __int128 sec = total_ns / kNanosPerSecond;
  __int128 ns = total_ns % kNanosPerSecond;
  if (ns < 0) {
    ns += kNanosPerSecond;
    sec -= 1;
  }
  // Keep well inside int64 so the zone adjustment below cannot overflow.
  constexpr __int128 kLimit = static_cast<__int128>(INT64_MAX) / 2;
  if (sec > kLimit || sec < -kLimit) return false;
  int64_t unix = static_cast<int64_t>(sec);
  // Go's Date: look the offset up at the local time taken as UTC, and again
  // at the corrected instant when that falls outside the zone found.
  const tz::Location* l = LocOrUtc(loc);
  tz::ZoneAt zone = l->Lookup(unix);
  int offset = zone.offset;
  if (offset != 0) {
    int64_t utc = unix - offset;
    if (utc < zone.start || utc >= zone.end) offset = l->Lookup(utc).offset;
    unix -= offset;
  }
  out->sec = unix;
  out->nsec = static_cast<int32_t>(ns);
  out->loc = loc;
  return true;
}

std::string Quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    // Go escapes bytes of non-ASCII runes one by one, which for valid UTF-8
    // and for invalid bytes alike means every byte >= 0x80.
    if (c >= 0x80 || c < ' ') {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
  return out;
}

// --- durations -------------------------------------------------------------------

namespace {

constexpr uint64_t kMaxDuration = uint64_t{1} << 63;

// Go's leadingInt: [0-9]*, failing on overflow past 2^63.
bool LeadingInt(std::string_view* s, uint64_t* x) {
  size_t i = 0;
  uint64_t v = 0;
  for (; i < s->size(); ++i) {
    char c = (*s)[i];
    if (c < '0' || c > '9') break;
    if (v > kMaxDuration / 10) return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
    if (v > kMaxDuration) return false;
  }
  *x = v;
  s->remove_prefix(i);
  return true;
}

// Go's leadingFraction: digits after the point, ignoring those that would
// overflow; `scale` is 10^(digits used).
void LeadingFraction(std::string_view* s, uint64_t* x, double* scale) {
  size_t i = 0;
  uint64_t v = 0;
  double sc = 1;
  bool overflow = false;
  for (; i < s->size(); ++i) {
    char c = (*s)[i];
    if (c < '0' || c > '9') break;
    if (overflow) continue;
    if (v > (kMaxDuration - 1) / 10) {
      overflow = true;
      continue;
    }
    uint64_t y = v * 10 + static_cast<uint64_t>(c - '0');
    if (y > kMaxDuration) {
      overflow = true;
      continue;
    }
    v = y;
    sc *= 10;
  }
  *x = v;
  *scale = sc;
  s->remove_prefix(i);
}

uint64_t UnitNanos(std::string_view u) {
  if (u == "ns") return 1;
  if (u == "us" || u == "\xc2\xb5s" || u == "\xce\xbcs") return 1000;  // us, µs, μs
  if (u == "ms") return 1000000;
  if (u == "s") return 1000000000;
  if (u == "m") return 60000000000;
  if (u == "h") return 3600000000000;
  return 0;
}

}  // namespace

Status ParseDuration(std::string_view orig, int64_t* out) {
  auto invalid = [&] { return Status::BuiltinError("time: invalid duration " + Quote(orig)); };
  std::string_view s = orig;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") {
    *out = 0;
    return Status::OK();
  }
  if (s.empty()) return invalid();
  uint64_t d = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || (s[0] >= '0' && s[0] <= '9'))) return invalid();
    size_t before = s.size();
    uint64_t v = 0, f = 0;
    double scale = 1;
    if (!LeadingInt(&s, &v)) return invalid();
    bool pre = s.size() != before;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      size_t at = s.size();
      LeadingFraction(&s, &f, &scale);
      post = s.size() != at;
    }
    if (!pre && !post) return invalid();
    size_t i = 0;
    while (i < s.size() && s[i] != '.' && !(s[i] >= '0' && s[i] <= '9')) ++i;
    if (i == 0) return Status::BuiltinError("time: missing unit in duration " + Quote(orig));
    std::string_view u = s.substr(0, i);
    s.remove_prefix(i);
    uint64_t unit = UnitNanos(u);
    if (unit == 0) {
      return Status::BuiltinError("time: unknown unit " + Quote(u) + " in duration " + Quote(orig));
    }
    if (v > kMaxDuration / unit) return invalid();
    v *= unit;
    if (f > 0) {
      // Go uses float64 here, which is exact enough for hours' fractions.
      v += static_cast<uint64_t>(static_cast<double>(f) * (static_cast<double>(unit) / scale));
      if (v > kMaxDuration) return invalid();
    }
    d += v;
    if (d > kMaxDuration) return invalid();
  }
  if (neg) {
    *out = static_cast<int64_t>(~d + 1);
    return Status::OK();
  }
  if (d > kMaxDuration - 1) return invalid();
  *out = static_cast<int64_t>(d);
  return Status::OK();
}

}  // namespace fedra::builtins::gotime
