// time.now_ns, time.parse_ns, time.parse_rfc3339_ns, time.parse_duration_ns,
// time.format, time.date, time.clock, time.weekday, time.add_date, time.diff.
//
// Instants are int64 nanoseconds since the Unix epoch. Functions that take a
// time accept either ns or [ns, tz] ([ns, tz, layout] for time.format); tz is
// an IANA name, "UTC"/"" or "Local". Layouts and durations are Go's
// (go_time.h), since OPA passes them straight to Go. As in OPA, every part of
// the time operand is reported as "operand 1".
#include <cstdint>
#include <string>
#include <string_view>

#include "builtins/civil_time.h"
#include "builtins/go_time.h"
#include "builtins/operands.h"
#include "builtins/registry.h"
#include "builtins/tz.h"

namespace fedra::builtins {
namespace {

using gotime::Time;

constexpr std::string_view kRFC3339 = "2006-01-02T15:04:05Z07:00";
constexpr std::string_view kRFC3339Nano = "2006-01-02T15:04:05.999999999Z07:00";

// Go's layout constants that OPA accepts by name.
std::string_view NamedLayout(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kLayouts[] = {
      {"ANSIC", "Mon Jan _2 15:04:05 2006"},
      {"UnixDate", "Mon Jan _2 15:04:05 MST 2006"},
      {"RubyDate", "Mon Jan 02 15:04:05 -0700 2006"},
      {"RFC822", "02 Jan 06 15:04 MST"},
      {"RFC822Z", "02 Jan 06 15:04 -0700"},
      {"RFC850", "Monday, 02-Jan-06 15:04:05 MST"},
      {"RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"},
      {"RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"},
      {"RFC3339", kRFC3339},
      {"RFC3339Nano", kRFC3339Nano},
  };
  for (const auto& [n, layout] : kLayouts) {
    if (n == name) return layout;
  }
  return name;
}

Status OutOfRange() { return Status::BuiltinError("time outside of valid range"); }

Status ToNanos(const Time& t, Value* out) {
  int64_t ns = 0;
  if (!gotime::ToUnixNano(t, &ns)) return OutOfRange();
  *out = Value::Int(ns);
  return Status::OK();
}

// OPA's tzTime: the instant (in its time zone) and optional layout of a time
// operand.
Status TimeOperand(const Value& a, Time* t, std::string* layout = nullptr) {
  constexpr std::string_view kWant = "either number (ns) or [number (ns), string (tz)]";
  Value ns_value;
  const tz::Location* loc = tz::UTC();
  if (a.is_array()) {
    auto items = a.array();
    if (items.empty()) return OperandTypeError(1, a, kWant);
    if (!items[0].is_number()) return OperandTypeError(1, items[0], "number");
    ns_value = items[0];
    if (items.size() > 1) {
      if (!items[1].is_string()) return OperandTypeError(1, items[1], "string");
      FEDRA_RETURN_IF_ERROR(tz::LoadLocation(items[1].str(), &loc));
    }
    if (items.size() > 2) {
      if (!items[2].is_string()) return OperandTypeError(1, items[2], "string");
      if (layout) *layout = std::string(items[2].str());
    }
  } else if (a.is_number()) {
    ns_value = a;
  } else {
    return OperandTypeError(1, a, kWant);
  }
  int64_t ns = 0;
  if (!ns_value.AsInt64(&ns)) return Status::BuiltinError("timestamp too big");
  *t = gotime::FromUnixNano(ns, loc);
  return Status::OK();
}

Status NowNs(Context& ctx, std::span<const Value>, Value* out) {
  *out = Value::Int(ctx.NowNs());
  return Status::OK();
}

Status ParseNs(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 1));
  Time t;
  FEDRA_RETURN_IF_ERROR(gotime::Parse(NamedLayout(args[0].str()), args[1].str(), &t));
  return ToNanos(t, out);
}

Status ParseRfc3339Ns(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  Time t;
  FEDRA_RETURN_IF_ERROR(gotime::Parse(kRFC3339, args[0].str(), &t));
  return ToNanos(t, out);
}

Status ParseDurationNs(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  int64_t ns = 0;
  FEDRA_RETURN_IF_ERROR(gotime::ParseDuration(args[0].str(), &ns));
  *out = Value::Int(ns);
  return Status::OK();
}

Status Format(Context&, std::span<const Value> args, Value* out) {
  Time t;
  std::string layout;
  FEDRA_RETURN_IF_ERROR(TimeOperand(args[0], &t, &layout));
  std::string_view effective = layout.empty() ? kRFC3339Nano : NamedLayout(layout);
  *out = Value::String(gotime::Format(t, effective));
  return Status::OK();
}

Status Date(Context&, std::span<const Value> args, Value* out) {
  Time t;
  FEDRA_RETURN_IF_ERROR(TimeOperand(args[0], &t));
  gotime::Fields f = gotime::Breakdown(t);
  *out = Value::Array({Value::Int(f.year), Value::Int(f.month), Value::Int(f.day)});
  return Status::OK();
}

Status Clock(Context&, std::span<const Value> args, Value* out) {
  Time t;
  FEDRA_RETURN_IF_ERROR(TimeOperand(args[0], &t));
  gotime::Fields f = gotime::Breakdown(t);
  *out = Value::Array({Value::Int(f.hour), Value::Int(f.minute), Value::Int(f.second)});
  return Status::OK();
}

Status Weekday(Context&, std::span<const Value> args, Value* out) {
  static constexpr std::string_view kNames[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                "Thursday", "Friday", "Saturday"};
  Time t;
  FEDRA_RETURN_IF_ERROR(TimeOperand(args[0], &t));
  *out = Value::String(kNames[gotime::Breakdown(t).weekday]);
  return Status::OK();
}

// a + b, or false when it leaves int64.
bool AddChecked(int64_t a, int64_t b, int64_t* out) { return !__builtin_add_overflow(a, b, out); }

Status AddDate(Context&, std::span<const Value> args, Value* out) {
  Time t;
  FEDRA_RETURN_IF_ERROR(TimeOperand(args[0], &t));
  int64_t years = 0, months = 0, days = 0;
  FEDRA_RETURN_IF_ERROR(ExpectInt(args, 1, &years));
  FEDRA_RETURN_IF_ERROR(ExpectInt(args, 2, &months));
  FEDRA_RETURN_IF_ERROR(ExpectInt(args, 3, &days));
  gotime::Fields f = gotime::Breakdown(t);
  int64_t y, m, d;
  if (!AddChecked(f.year, years, &y) || !AddChecked(f.month, months, &m) ||
      !AddChecked(f.day, days, &d)) {
    return OutOfRange();
  }
  Time r;
  if (!gotime::MakeDate(y, m, d, f.hour, f.minute, f.second, f.nsec, t.loc, &r)) {
    return OutOfRange();
  }
  return ToNanos(r, out);
}

// Calendar difference [years, months, days, hours, minutes, seconds] between
// two instants, both seen in the first one's time zone.
Status Diff(Context&, std::span<const Value> args, Value* out) {
  Time t1, t2;
  FEDRA_RETURN_IF_ERROR(TimeOperand(args[0], &t1));
  FEDRA_RETURN_IF_ERROR(TimeOperand(args[1], &t2));
  t2.loc = t1.loc;
  if (t1.sec > t2.sec || (t1.sec == t2.sec && t1.nsec > t2.nsec)) std::swap(t1, t2);
  gotime::Fields a = gotime::Breakdown(t1), b = gotime::Breakdown(t2);
  int64_t year = b.year - a.year;
  int64_t month = b.month - a.month;
  int64_t day = b.day - a.day;
  int64_t hour = b.hour - a.hour;
  int64_t minute = b.minute - a.minute;
  int64_t second = b.second - a.second;
  if (second < 0) {
    second += 60;
    --minute;
  }
  if (minute < 0) {
    minute += 60;
    --hour;
  }
  if (hour < 0) {
    hour += 24;
    --day;
  }
  if (day < 0) {
    // Borrow the length of the earlier time's month.
    day += civil::DaysIn(a.month, a.year);
    --month;
  }
  if (month < 0) {
    month += 12;
    --year;
  }
  *out = Value::Array({Value::Int(year), Value::Int(month), Value::Int(day), Value::Int(hour),
                       Value::Int(minute), Value::Int(second)});
  return Status::OK();
}

}  // namespace

void RegisterTime(Registry& r) {
  r.Add("time.now_ns", 0, NowNs);
  r.Add("time.parse_ns", 2, ParseNs);
  r.Add("time.parse_rfc3339_ns", 1, ParseRfc3339Ns);
  r.Add("time.parse_duration_ns", 1, ParseDurationNs);
  r.Add("time.format", 1, Format);
  r.Add("time.date", 1, Date);
  r.Add("time.clock", 1, Clock);
  r.Add("time.weekday", 1, Weekday);
  r.Add("time.add_date", 4, AddDate);
  r.Add("time.diff", 2, Diff);
}

}  // namespace fedra::builtins
