// Go's time layouts: Time.Format and time.Parse.
#include <string>

#include "builtins/civil_time.h"
#include "builtins/go_time.h"

namespace fedra::builtins::gotime {
namespace {

// Layout elements (Go's std* constants). Fractional seconds also carry a
// digit count and a separator, kept in Chunk.
enum class Std {
  kNone,
  kLongMonth, kMonth, kNumMonth, kZeroMonth,
  kLongWeekDay, kWeekDay,
  kDay, kUnderDay, kZeroDay, kUnderYearDay, kZeroYearDay,
  kHour, kHour12, kZeroHour12,
  kMinute, kZeroMinute,
  kSecond, kZeroSecond,
  kLongYear, kYear,
  kPM, kpm,
  kTZ,
  kISO8601TZ, kISO8601SecondsTZ, kISO8601ShortTZ, kISO8601ColonTZ, kISO8601ColonSecondsTZ,
  kNumTZ, kNumSecondsTz, kNumShortTZ, kNumColonTZ, kNumColonSecondsTZ,
  kFracSecond0, kFracSecond9,
};

struct Chunk {
  std::string_view prefix;  // literal text before the element
  Std std = Std::kNone;
  std::string_view token;   // the element's text in the layout
  std::string_view suffix;  // the layout after the element
  int frac_digits = 0;      // for kFracSecond0/9
  char frac_sep = '.';
};

constexpr std::string_view kLongDayNames[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                              "Thursday", "Friday", "Saturday"};
constexpr std::string_view kShortDayNames[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::string_view kLongMonthNames[] = {"January", "February", "March",     "April",
                                                "May",     "June",     "July",      "August",
                                                "September", "October", "November", "December"};
constexpr std::string_view kShortMonthNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool StartsWithLower(std::string_view s) { return !s.empty() && s[0] >= 'a' && s[0] <= 'z'; }
bool IsDigitAt(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

// Go's nextStdChunk.
Chunk NextChunk(std::string_view layout) {
  auto make = [&](size_t i, Std std, size_t len) {
    Chunk c;
    c.prefix = layout.substr(0, i);
    c.std = std;
    c.token = layout.substr(i, len);
    c.suffix = layout.substr(i + len);
    return c;
  };
  auto at = [&](size_t i, std::string_view word) { return layout.substr(i, word.size()) == word; };
  for (size_t i = 0; i < layout.size(); ++i) {
    switch (layout[i]) {
      case 'J':
        if (at(i, "Jan")) {
          if (at(i, "January")) return make(i, Std::kLongMonth, 7);
          if (!StartsWithLower(layout.substr(i + 3))) return make(i, Std::kMonth, 3);
        }
        break;
      case 'M':
        if (at(i, "Mon")) {
          if (at(i, "Monday")) return make(i, Std::kLongWeekDay, 6);
          if (!StartsWithLower(layout.substr(i + 3))) return make(i, Std::kWeekDay, 3);
        }
        if (at(i, "MST")) return make(i, Std::kTZ, 3);
        break;
      case '0':
        if (i + 1 < layout.size() && layout[i + 1] >= '1' && layout[i + 1] <= '6') {
          static constexpr Std k0x[] = {Std::kZeroMonth,  Std::kZeroDay,    Std::kZeroHour12,
                                        Std::kZeroMinute, Std::kZeroSecond, Std::kYear};
          return make(i, k0x[layout[i + 1] - '1'], 2);
        }
        if (at(i, "002")) return make(i, Std::kZeroYearDay, 3);
        break;
      case '1':
        if (at(i, "15")) return make(i, Std::kHour, 2);
        return make(i, Std::kNumMonth, 1);
      case '2':
        if (at(i, "2006")) return make(i, Std::kLongYear, 4);
        return make(i, Std::kDay, 1);
      case '_':
        if (at(i, "_2")) {
          // "_2006" is a literal '_' followed by the long year.
          if (at(i + 1, "2006")) return make(i + 1, Std::kLongYear, 4);
          return make(i, Std::kUnderDay, 2);
        }
        if (at(i, "__2")) return make(i, Std::kUnderYearDay, 3);
        break;
      case '3':
        return make(i, Std::kHour12, 1);
      case '4':
        return make(i, Std::kMinute, 1);
      case '5':
        return make(i, Std::kSecond, 1);
      case 'P':
        if (at(i, "PM")) return make(i, Std::kPM, 2);
        break;
      case 'p':
        if (at(i, "pm")) return make(i, Std::kpm, 2);
        break;
      case '-':
        if (at(i, "-070000")) return make(i, Std::kNumSecondsTz, 7);
        if (at(i, "-07:00:00")) return make(i, Std::kNumColonSecondsTZ, 9);
        if (at(i, "-0700")) return make(i, Std::kNumTZ, 5);
        if (at(i, "-07:00")) return make(i, Std::kNumColonTZ, 6);
        if (at(i, "-07")) return make(i, Std::kNumShortTZ, 3);
        break;
      case 'Z':
        if (at(i, "Z070000")) return make(i, Std::kISO8601SecondsTZ, 7);
        if (at(i, "Z07:00:00")) return make(i, Std::kISO8601ColonSecondsTZ, 9);
        if (at(i, "Z0700")) return make(i, Std::kISO8601TZ, 5);
        if (at(i, "Z07:00")) return make(i, Std::kISO8601ColonTZ, 6);
        if (at(i, "Z07")) return make(i, Std::kISO8601ShortTZ, 3);
        break;
      case '.':
      case ',':
        // ".000" / ".999" (or with ','): fractional seconds, but only when
        // the run of digits is not followed by another digit.
        if (i + 1 < layout.size() && (layout[i + 1] == '0' || layout[i + 1] == '9')) {
          char ch = layout[i + 1];
          size_t j = i + 1;
          while (j < layout.size() && layout[j] == ch) ++j;
          if (!IsDigitAt(layout, j)) {
            Chunk c = make(i, ch == '0' ? Std::kFracSecond0 : Std::kFracSecond9, j - i);
            c.frac_digits = static_cast<int>(j - (i + 1));
            c.frac_sep = layout[i];
            return c;
          }
        }
        break;
      default:
        break;
    }
  }
  Chunk c;
  c.prefix = layout;
  return c;
}

// Go's appendInt: decimal, zero-padded to `width`, '-' first when negative.
void AppendInt(int64_t x, int width, std::string* out) {
  uint64_t u = static_cast<uint64_t>(x);
  if (x < 0) {
    out->push_back('-');
    u = ~u + 1;
  }
  std::string digits = std::to_string(u);
  for (int i = static_cast<int>(digits.size()); i < width; ++i) out->push_back('0');
  *out += digits;
}

bool IsZoneStd(Std s) { return s >= Std::kISO8601TZ && s <= Std::kNumColonSecondsTZ; }
bool IsIsoStd(Std s) { return s >= Std::kISO8601TZ && s <= Std::kISO8601ColonSecondsTZ; }
bool HasColon(Std s) {
  return s == Std::kISO8601ColonTZ || s == Std::kNumColonTZ || s == Std::kISO8601ColonSecondsTZ ||
         s == Std::kNumColonSecondsTZ;
}
bool HasSeconds(Std s) {
  return s == Std::kISO8601SecondsTZ || s == Std::kNumSecondsTz || s == Std::kNumColonSecondsTZ ||
         s == Std::kISO8601ColonSecondsTZ;
}
bool IsShort(Std s) { return s == Std::kNumShortTZ || s == Std::kISO8601ShortTZ; }

void AppendZone(Std std, int offset, std::string* out) {
  if (offset == 0 && IsIsoStd(std)) {
    out->push_back('Z');
    return;
  }
  int zone = offset / 60;
  int abs_offset = offset;
  if (zone < 0) {
    out->push_back('-');
    zone = -zone;
    abs_offset = -abs_offset;
  } else {
    out->push_back('+');
  }
  AppendInt(zone / 60, 2, out);
  if (HasColon(std)) out->push_back(':');
  if (!IsShort(std)) AppendInt(zone % 60, 2, out);
  if (HasSeconds(std)) {
    if (std == Std::kNumColonSecondsTZ || std == Std::kISO8601ColonSecondsTZ) out->push_back(':');
    AppendInt(abs_offset % 60, 2, out);
  }
}

void AppendFraction(int32_t nsec, const Chunk& c, std::string* out) {
  bool trim = c.std == Std::kFracSecond9;
  if (trim && (c.frac_digits == 0 || nsec == 0)) return;
  size_t start = out->size();
  out->push_back(c.frac_sep);
  AppendInt(nsec, 9, out);
  if (c.frac_digits < 9) out->resize(out->size() - static_cast<size_t>(9 - c.frac_digits));
  if (trim) {
    while (out->size() > start && out->back() == '0') out->pop_back();
    if (out->size() > start && out->back() == c.frac_sep) out->pop_back();
  }
}

}  // namespace

std::string Format(const Time& t, std::string_view layout) {
  Fields f = Breakdown(t);
  std::string out;
  while (!layout.empty()) {
    Chunk c = NextChunk(layout);
    out += c.prefix;
    if (c.std == Std::kNone) break;
    layout = c.suffix;
    switch (c.std) {
      case Std::kYear: AppendInt((f.year < 0 ? -f.year : f.year) % 100, 2, &out); break;
      case Std::kLongYear: AppendInt(f.year, 4, &out); break;
      case Std::kMonth: out += kShortMonthNames[f.month - 1]; break;
      case Std::kLongMonth: out += kLongMonthNames[f.month - 1]; break;
      case Std::kNumMonth: AppendInt(f.month, 0, &out); break;
      case Std::kZeroMonth: AppendInt(f.month, 2, &out); break;
      case Std::kWeekDay: out += kShortDayNames[f.weekday]; break;
      case Std::kLongWeekDay: out += kLongDayNames[f.weekday]; break;
      case Std::kDay: AppendInt(f.day, 0, &out); break;
      case Std::kUnderDay:
        if (f.day < 10) out.push_back(' ');
        AppendInt(f.day, 0, &out);
        break;
      case Std::kZeroDay: AppendInt(f.day, 2, &out); break;
      case Std::kUnderYearDay:
        if (f.yday < 100) out.push_back(' ');
        if (f.yday < 10) out.push_back(' ');
        AppendInt(f.yday, 0, &out);
        break;
      case Std::kZeroYearDay: AppendInt(f.yday, 3, &out); break;
      case Std::kHour: AppendInt(f.hour, 2, &out); break;
      case Std::kHour12:
      case Std::kZeroHour12: {
        int hr = f.hour % 12;
        if (hr == 0) hr = 12;
        AppendInt(hr, c.std == Std::kZeroHour12 ? 2 : 0, &out);
        break;
      }
      case Std::kMinute: AppendInt(f.minute, 0, &out); break;
      case Std::kZeroMinute: AppendInt(f.minute, 2, &out); break;
      case Std::kSecond: AppendInt(f.second, 0, &out); break;
      case Std::kZeroSecond: AppendInt(f.second, 2, &out); break;
      case Std::kPM: out += f.hour >= 12 ? "PM" : "AM"; break;
      case Std::kpm: out += f.hour >= 12 ? "pm" : "am"; break;
      case Std::kTZ:
        if (!f.zone.empty()) {
          out += f.zone;
        } else {
          // No abbreviation: print the offset as -0700.
          int zone = f.offset / 60;
          if (zone < 0) {
            out.push_back('-');
            zone = -zone;
          } else {
            out.push_back('+');
          }
          AppendInt(zone / 60, 2, &out);
          AppendInt(zone % 60, 2, &out);
        }
        break;
      case Std::kFracSecond0:
      case Std::kFracSecond9: AppendFraction(f.nsec, c, &out); break;
      default:
        if (IsZoneStd(c.std)) AppendZone(c.std, f.offset, &out);
        break;
    }
  }
  return out;
}

// --- parsing ------------------------------------------------------------------------

namespace {

// Go's getnum: one or two digits (exactly two when `fixed`).
bool GetNum(std::string_view* s, bool fixed, int* out) {
  if (!IsDigitAt(*s, 0)) return false;
  if (!IsDigitAt(*s, 1)) {
    if (fixed) return false;
    *out = (*s)[0] - '0';
    s->remove_prefix(1);
    return true;
  }
  *out = ((*s)[0] - '0') * 10 + ((*s)[1] - '0');
  s->remove_prefix(2);
  return true;
}

// Go's getnum3: one to three digits (exactly three when `fixed`).
bool GetNum3(std::string_view* s, bool fixed, int* out) {
  int n = 0;
  size_t i = 0;
  for (; i < 3 && IsDigitAt(*s, i); ++i) n = n * 10 + ((*s)[i] - '0');
  if (i == 0 || (fixed && i != 3)) return false;
  *out = n;
  s->remove_prefix(i);
  return true;
}

// Go's atoi: optional sign, then digits only.
bool Atoi(std::string_view s, int64_t* out) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) {
    *out = 0;
    return true;  // leadingInt of "" is 0 with nothing left over
  }
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    if (v > (uint64_t{1} << 63) / 10) return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
    if (v > (uint64_t{1} << 63)) return false;
  }
  int64_t x = static_cast<int64_t>(v);
  *out = neg ? -x : x;
  return true;
}

// Case-insensitive (ASCII) prefix match against a name table.
bool Lookup(const std::string_view* table, int n, std::string_view* s, int* index) {
  for (int i = 0; i < n; ++i) {
    std::string_view name = table[i];
    if (s->size() < name.size()) continue;
    bool match = true;
    for (size_t k = 0; k < name.size() && match; ++k) {
      char a = (*s)[k], b = name[k];
      if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
      if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
      match = a == b;
    }
    if (match) {
      *index = i;
      s->remove_prefix(name.size());
      return true;
    }
  }
  return false;
}

std::string_view CutSpace(std::string_view s) {
  while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  return s;
}

// Go's skip: literal layout text; a space matches any run of spaces.
bool Skip(std::string_view* value, std::string_view prefix) {
  std::string_view v = *value;
  while (!prefix.empty()) {
    if (prefix[0] == ' ') {
      if (!v.empty() && v[0] != ' ') {
        *value = v;
        return false;
      }
      prefix = CutSpace(prefix);
      v = CutSpace(v);
      continue;
    }
    if (v.empty() || v[0] != prefix[0]) {
      *value = v;
      return false;
    }
    prefix.remove_prefix(1);
    v.remove_prefix(1);
  }
  *value = v;
  return true;
}

// Go's parseNanoseconds: value[0] is the separator, then nbytes-1 digits.
bool ParseNanos(std::string_view value, size_t nbytes, int* ns, const char** range_err) {
  if (value.empty() || (value[0] != '.' && value[0] != ',')) return false;
  if (nbytes > 10) nbytes = 10;
  int64_t v = 0;
  if (!Atoi(value.substr(1, nbytes - 1), &v)) return false;
  if (v < 0) {
    *range_err = "fractional second";
    return true;
  }
  for (size_t i = nbytes; i < 10; ++i) v *= 10;
  *ns = static_cast<int>(v);
  return true;
}

// Go's parseSignedOffset: "+h" or "-hh" (hours <= 24); 0 when not one.
size_t ParseSignedOffset(std::string_view v) {
  if (v.empty() || (v[0] != '-' && v[0] != '+')) return 0;
  size_t i = 1;
  uint64_t x = 0;
  while (i < v.size() && IsDigitAt(v, i)) {
    x = x * 10 + static_cast<uint64_t>(v[i] - '0');
    if (x > 1000) return 0;
    ++i;
  }
  if (i == 1 || x > 24) return 0;
  return i;
}

// Go's parseTimeZone: the length of a zone abbreviation at the start of v.
bool ParseTimeZone(std::string_view v, size_t* len) {
  if (v.size() < 3) return false;
  if (v.size() >= 4 && (v.substr(0, 4) == "ChST" || v.substr(0, 4) == "MeST")) {
    *len = 4;
    return true;
  }
  if (v.substr(0, 3) == "GMT") {
    *len = 3 + (v.size() > 3 ? ParseSignedOffset(v.substr(3)) : 0);
    return true;
  }
  if (v[0] == '+' || v[0] == '-') {
    *len = ParseSignedOffset(v);
    return *len > 0;
  }
  size_t upper = 0;
  while (upper < 6 && upper < v.size() && v[upper] >= 'A' && v[upper] <= 'Z') ++upper;
  switch (upper) {
    case 3:
      *len = 3;
      return true;
    case 4:
      if (v[3] == 'T' || v.substr(0, 4) == "WITA") {
        *len = 4;
        return true;
      }
      return false;
    case 5:
      if (v[4] == 'T') {
        *len = 5;
        return true;
      }
      return false;
    default:
      return false;
  }
}

Status ParseError(std::string_view layout, std::string_view value, std::string_view layout_elem,
                  std::string_view value_elem) {
  return Status::BuiltinError("parsing time " + Quote(value) + " as " + Quote(layout) +
                              ": cannot parse " + Quote(value_elem) + " as " + Quote(layout_elem));
}

Status ParseErrorMessage(std::string_view value, std::string_view message) {
  return Status::BuiltinError("parsing time " + Quote(value) + std::string(message));
}

}  // namespace

Status Parse(std::string_view layout_in, std::string_view value_in, Time* out) {
  std::string_view layout = layout_in, value = value_in;
  bool am_set = false, pm_set = false;
  int64_t year = 0;
  int month = -1, day = -1, yday = -1, hour = 0, minute = 0, sec = 0, nsec = 0;
  bool utc_zone = false;  // a "Z" or "UTC" zone was parsed
  int zone_offset = -1;
  std::string_view zone_name;

  while (true) {
    Chunk c = NextChunk(layout);
    if (!Skip(&value, c.prefix)) return ParseError(layout_in, value_in, c.prefix, value);
    if (c.std == Std::kNone) {
      if (!value.empty()) {
        return ParseErrorMessage(value_in, ": extra text: " + Quote(value));
      }
      break;
    }
    layout = c.suffix;
    std::string_view hold = value;
    const char* range_err = nullptr;
    bool ok = true;
    switch (c.std) {
      case Std::kYear: {
        if (value.size() < 2) {
          ok = false;
          break;
        }
        ok = Atoi(value.substr(0, 2), &year);
        value.remove_prefix(2);
        if (ok) year += year >= 69 ? 1900 : 2000;
        break;
      }
      case Std::kLongYear:
        if (value.size() < 4 || !IsDigitAt(value, 0)) {
          ok = false;
          break;
        }
        ok = Atoi(value.substr(0, 4), &year);
        value.remove_prefix(4);
        break;
      case Std::kMonth:
      case Std::kLongMonth: {
        int idx = 0;
        ok = c.std == Std::kMonth ? Lookup(kShortMonthNames, 12, &value, &idx)
                                  : Lookup(kLongMonthNames, 12, &value, &idx);
        month = idx + 1;
        break;
      }
      case Std::kNumMonth:
      case Std::kZeroMonth:
        ok = GetNum(&value, c.std == Std::kZeroMonth, &month);
        if (ok && (month <= 0 || month > 12)) range_err = "month";
        break;
      case Std::kWeekDay:
      case Std::kLongWeekDay: {
        int idx = 0;  // checked, then ignored
        ok = c.std == Std::kWeekDay ? Lookup(kShortDayNames, 7, &value, &idx)
                                    : Lookup(kLongDayNames, 7, &value, &idx);
        break;
      }
      case Std::kDay:
      case Std::kUnderDay:
      case Std::kZeroDay:
        if (c.std == Std::kUnderDay && !value.empty() && value[0] == ' ') value.remove_prefix(1);
        ok = GetNum(&value, c.std == Std::kZeroDay, &day);
        break;
      case Std::kUnderYearDay:
      case Std::kZeroYearDay:
        for (int i = 0; i < 2; ++i) {
          if (c.std == Std::kUnderYearDay && !value.empty() && value[0] == ' ') value.remove_prefix(1);
        }
        ok = GetNum3(&value, c.std == Std::kZeroYearDay, &yday);
        break;
      case Std::kHour:
        ok = GetNum(&value, false, &hour);
        if (hour < 0 || hour >= 24) range_err = "hour";
        break;
      case Std::kHour12:
      case Std::kZeroHour12:
        ok = GetNum(&value, c.std == Std::kZeroHour12, &hour);
        if (hour < 0 || hour > 12) range_err = "hour";
        break;
      case Std::kMinute:
      case Std::kZeroMinute:
        ok = GetNum(&value, c.std == Std::kZeroMinute, &minute);
        if (minute < 0 || minute >= 60) range_err = "minute";
        break;
      case Std::kSecond:
      case Std::kZeroSecond: {
        ok = GetNum(&value, c.std == Std::kZeroSecond, &sec);
        if (!ok) break;
        if (sec < 0 || sec >= 60) {
          range_err = "second";
          break;
        }
        // A fraction after the seconds with no fraction in the layout.
        if (value.size() >= 2 && (value[0] == '.' || value[0] == ',') && IsDigitAt(value, 1)) {
          Std next = NextChunk(layout).std;
          if (next == Std::kFracSecond0 || next == Std::kFracSecond9) break;
          size_t n = 2;
          while (n < value.size() && IsDigitAt(value, n)) ++n;
          ok = ParseNanos(value, n, &nsec, &range_err);
          value.remove_prefix(n);
        }
        break;
      }
      case Std::kPM:
      case Std::kpm: {
        if (value.size() < 2) {
          ok = false;
          break;
        }
        std::string_view p = value.substr(0, 2);
        value.remove_prefix(2);
        bool upper = c.std == Std::kPM;
        if (p == (upper ? "PM" : "pm")) {
          pm_set = true;
        } else if (p == (upper ? "AM" : "am")) {
          am_set = true;
        } else {
          ok = false;
        }
        break;
      }
      case Std::kTZ: {
        if (value.size() >= 3 && value.substr(0, 3) == "UTC") {
          utc_zone = true;
          value.remove_prefix(3);
          break;
        }
        size_t n = 0;
        if (!ParseTimeZone(value, &n)) {
          ok = false;
          break;
        }
        zone_name = value.substr(0, n);
        value.remove_prefix(n);
        break;
      }
      case Std::kFracSecond0: {
        size_t ndigit = 1 + static_cast<size_t>(c.frac_digits);
        if (value.size() < ndigit) {
          ok = false;
          break;
        }
        ok = ParseNanos(value, ndigit, &nsec, &range_err);
        value.remove_prefix(ndigit);
        break;
      }
      case Std::kFracSecond9: {
        if (value.size() < 2 || (value[0] != '.' && value[0] != ',') || !IsDigitAt(value, 1)) {
          break;  // the fraction is optional
        }
        size_t i = 0;
        while (i + 1 < value.size() && IsDigitAt(value, i + 1)) ++i;
        ok = ParseNanos(value, 1 + i, &nsec, &range_err);
        value.remove_prefix(1 + i);
        break;
      }
      default: {
        // Numeric zone offsets; the ISO 8601 forms also accept "Z".
        if (IsIsoStd(c.std) && !value.empty() && value[0] == 'Z') {
          value.remove_prefix(1);
          utc_zone = true;
          break;
        }
        std::string_view sign, hh, mm, ss = "00";
        if (HasColon(c.std) && !HasSeconds(c.std)) {
          if (value.size() < 6 || value[3] != ':') {
            ok = false;
            break;
          }
          sign = value.substr(0, 1), hh = value.substr(1, 2), mm = value.substr(4, 2);
          value.remove_prefix(6);
        } else if (IsShort(c.std)) {
          if (value.size() < 3) {
            ok = false;
            break;
          }
          sign = value.substr(0, 1), hh = value.substr(1, 2), mm = "00";
          value.remove_prefix(3);
        } else if (HasColon(c.std)) {
          if (value.size() < 9 || value[3] != ':' || value[6] != ':') {
            ok = false;
            break;
          }
          sign = value.substr(0, 1), hh = value.substr(1, 2), mm = value.substr(4, 2);
          ss = value.substr(7, 2);
          value.remove_prefix(9);
        } else if (HasSeconds(c.std)) {
          if (value.size() < 7) {
            ok = false;
            break;
          }
          sign = value.substr(0, 1), hh = value.substr(1, 2), mm = value.substr(3, 2);
          ss = value.substr(5, 2);
          value.remove_prefix(7);
        } else {
          if (value.size() < 5) {
            ok = false;
            break;
          }
          sign = value.substr(0, 1), hh = value.substr(1, 2), mm = value.substr(3, 2);
          value.remove_prefix(5);
        }
        int h = 0, m = 0, s = 0;
        ok = GetNum(&hh, true, &h) && GetNum(&mm, true, &m) && GetNum(&ss, true, &s);
        // ">" rather than ">=": offsets of 24 hours or 60 minutes occur.
        if (h > 24) range_err = "time zone offset hour";
        if (m > 60) range_err = "time zone offset minute";
        if (s > 60) range_err = "time zone offset second";
        zone_offset = (h * 60 + m) * 60 + s;
        if (sign[0] == '-') {
          zone_offset = -zone_offset;
        } else if (sign[0] != '+') {
          ok = false;
        }
        break;
      }
    }
    if (range_err != nullptr) {
      return ParseErrorMessage(value_in, std::string(": ") + range_err + " out of range");
    }
    if (!ok) return ParseError(layout_in, value_in, c.token, hold);
  }

  if (pm_set && hour < 12) {
    hour += 12;
  } else if (am_set && hour == 12) {
    hour = 0;
  }
  if (yday >= 0) {
    int d = 0, m = 0;
    if (civil::IsLeap(year)) {
      if (yday == 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) {
        --yday;
      }
    }
    if (yday < 1 || yday > 365) return ParseErrorMessage(value_in, ": day-of-year out of range");
    if (m == 0) {
      m = (yday - 1) / 31 + 1;
      if (civil::kDaysBefore[m] < yday) ++m;
      d = yday - civil::kDaysBefore[m - 1];
    }
    if (month >= 0 && month != m) {
      return ParseErrorMessage(value_in, ": day-of-year does not match month");
    }
    month = m;
    if (day >= 0 && day != d) return ParseErrorMessage(value_in, ": day-of-year does not match day");
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > civil::DaysIn(month, year)) {
    return ParseErrorMessage(value_in, ": day out of range");
  }

  Time t;
  if (!MakeDate(year, month, day, hour, minute, sec, nsec, nullptr, &t)) {
    return ParseErrorMessage(value_in, ": out of range");
  }
  if (!utc_zone) {
    if (zone_offset != -1) {
      t.sec -= zone_offset;
    } else if (!zone_name.empty()) {
      // An abbreviation counts only when the local zone knows it; otherwise
      // (even "GMT+3") Go keeps the wall clock as UTC and records the name
      // in a fixed zone that does not move the instant.
      int offset = 0;
      if (tz::Local()->LookupName(zone_name, t.sec, &offset)) t.sec -= offset;
    }
  }
  *out = t;
  return Status::OK();
}

}  // namespace fedra::builtins::gotime
