#include "builtins/tz.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

#include "builtins/civil_time.h"

namespace fedra::builtins::tz {
namespace {

constexpr int kSecondsPerHour = 3600;
// TZif files are a few KB; anything much larger is not one.
constexpr size_t kMaxTzifBytes = 1 << 20;

// --- POSIX TZ rules (the TZif footer), as Go's tzset reads them -------------

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool TzsetName(std::string_view* s, std::string_view* name) {
  std::string_view v = *s;
  if (v.empty()) return false;
  if (v[0] != '<') {
    for (size_t i = 0; i < v.size(); ++i) {
      char c = v[i];
      if (IsDigit(c) || c == ',' || c == '-' || c == '+') {
        if (i < 3) return false;
        *name = v.substr(0, i);
        *s = v.substr(i);
        return true;
      }
    }
    if (v.size() < 3) return false;
    *name = v;
    *s = {};
    return true;
  }
  size_t close = v.find('>');
  if (close == std::string_view::npos) return false;
  *name = v.substr(1, close - 1);
  *s = v.substr(close + 1);
  return true;
}

bool TzsetNum(std::string_view* s, int min, int max, int* out) {
  std::string_view v = *s;
  if (v.empty()) return false;
  int num = 0;
  size_t i = 0;
  for (; i < v.size(); ++i) {
    if (!IsDigit(v[i])) {
      if (i == 0) return false;
      break;
    }
    num = num * 10 + (v[i] - '0');
    if (num > max) return false;
  }
  if (num < min) return false;
  *out = num;
  *s = v.substr(i);
  return true;
}

bool TzsetOffset(std::string_view* s, int* out) {
  std::string_view v = *s;
  if (v.empty()) return false;
  bool neg = false;
  if (v[0] == '+') {
    v.remove_prefix(1);
  } else if (v[0] == '-') {
    v.remove_prefix(1);
    neg = true;
  }
  int hours = 0;
  if (!TzsetNum(&v, 0, 24 * 7, &hours)) return false;
  int off = hours * kSecondsPerHour;
  if (!v.empty() && v[0] == ':') {
    v.remove_prefix(1);
    int mins = 0;
    if (!TzsetNum(&v, 0, 59, &mins)) return false;
    off += mins * 60;
    if (!v.empty() && v[0] == ':') {
      v.remove_prefix(1);
      int secs = 0;
      if (!TzsetNum(&v, 0, 59, &secs)) return false;
      off += secs;
    }
  }
  *out = neg ? -off : off;
  *s = v;
  return true;
}

struct Rule {
  enum Kind { kJulian, kDayOfYear, kMonthWeekDay } kind = kJulian;
  int day = 0, week = 0, mon = 0;
  int time = 2 * kSecondsPerHour;  // 02:00 local by default
};

bool TzsetRule(std::string_view* s, Rule* r) {
  std::string_view v = *s;
  if (v.empty()) return false;
  if (v[0] == 'J') {
    v.remove_prefix(1);
    r->kind = Rule::kJulian;
    if (!TzsetNum(&v, 1, 365, &r->day)) return false;
  } else if (v[0] == 'M') {
    v.remove_prefix(1);
    r->kind = Rule::kMonthWeekDay;
    if (!TzsetNum(&v, 1, 12, &r->mon) || v.empty() || v[0] != '.') return false;
    v.remove_prefix(1);
    if (!TzsetNum(&v, 1, 5, &r->week) || v.empty() || v[0] != '.') return false;
    v.remove_prefix(1);
    if (!TzsetNum(&v, 0, 6, &r->day)) return false;
  } else {
    r->kind = Rule::kDayOfYear;
    if (!TzsetNum(&v, 0, 365, &r->day)) return false;
  }
  if (!v.empty() && v[0] == '/') {
    v.remove_prefix(1);
    if (!TzsetOffset(&v, &r->time)) return false;
  }
  *s = v;
  return true;
}

// Seconds from the start of `year` (UTC) to the rule's moment, for a zone
// whose offset before the moment is `off`.
int64_t RuleTime(int64_t year, const Rule& r, int off) {
  int64_t s = 0;
  switch (r.kind) {
    case Rule::kJulian:
      s = static_cast<int64_t>(r.day - 1) * civil::kSecondsPerDay;
      if (civil::IsLeap(year) && r.day >= 60) s += civil::kSecondsPerDay;
      break;
    case Rule::kDayOfYear:
      s = static_cast<int64_t>(r.day) * civil::kSecondsPerDay;
      break;
    case Rule::kMonthWeekDay: {
      // Weekday of the first of the month (0 = Sunday), then the rule's
      // week-th such weekday, clamped to the month's last one.
      int64_t first = civil::DaysFromCivil(year, r.mon);
      int dow = static_cast<int>(civil::FloorMod(first + 4, 7));
      int d = r.day - dow;
      if (d < 0) d += 7;
      for (int i = 1; i < r.week; ++i) {
        if (d + 7 >= civil::DaysIn(r.mon, year)) break;
        d += 7;
      }
      d += civil::kDaysBefore[r.mon - 1];
      if (civil::IsLeap(year) && r.mon > 2) ++d;
      s = static_cast<int64_t>(d) * civil::kSecondsPerDay;
      break;
    }
  }
  return s + r.time - off;
}

// Go's tzset: the zone `rule` gives at `sec`, which is after the last
// transition `last_tx`.
bool Tzset(std::string_view rule, int64_t last_tx, int64_t sec, ZoneAt* out) {
  std::string_view s = rule, std_name, dst_name;
  int std_offset = 0, dst_offset = 0;
  if (!TzsetName(&s, &std_name) || !TzsetOffset(&s, &std_offset)) return false;
  // POSIX offsets are west of UTC; ours are east.
  std_offset = -std_offset;
  if (s.empty() || s[0] == ',') {
    *out = {std_name, std_offset, false, last_tx, INT64_MAX};
    return true;
  }
  if (!TzsetName(&s, &dst_name)) return false;
  if (s.empty() || s[0] == ',') {
    dst_offset = std_offset + kSecondsPerHour;
  } else {
    if (!TzsetOffset(&s, &dst_offset)) return false;
    dst_offset = -dst_offset;
  }
  if (s.empty()) s = ",M3.2.0,M11.1.0";  // tzcode's default rules
  if (s[0] != ',' && s[0] != ';') return false;
  s.remove_prefix(1);
  Rule start_rule, end_rule;
  if (!TzsetRule(&s, &start_rule) || s.empty() || s[0] != ',') return false;
  s.remove_prefix(1);
  if (!TzsetRule(&s, &end_rule) || !s.empty()) return false;

  int64_t days = civil::FloorDiv(sec, civil::kSecondsPerDay);
  int64_t year = civil::CivilFromDays(days).year;
  int yday = civil::YearDay(days);
  // Go's truncated remainder, kept for identical results before 1970.
  int64_t ysec = static_cast<int64_t>(yday - 1) * civil::kSecondsPerDay + sec % civil::kSecondsPerDay;
  int64_t ystart = sec - ysec;

  int64_t start_sec = RuleTime(year, start_rule, std_offset);
  int64_t end_sec = RuleTime(year, end_rule, dst_offset);
  bool dst_is_dst = true, std_is_dst = false;
  if (end_sec < start_sec) {  // southern hemisphere: the labels swap
    std::swap(start_sec, end_sec);
    std::swap(std_name, dst_name);
    std::swap(std_offset, dst_offset);
    std::swap(std_is_dst, dst_is_dst);
  }
  if (ysec < start_sec) {
    *out = {std_name, std_offset, std_is_dst, ystart, start_sec + ystart};
  } else if (ysec >= end_sec) {
    *out = {std_name, std_offset, std_is_dst, end_sec + ystart, ystart + 365 * civil::kSecondsPerDay};
  } else {
    *out = {dst_name, dst_offset, dst_is_dst, start_sec + ystart, end_sec + ystart};
  }
  return true;
}

// --- TZif -----------------------------------------------------------------------

class Reader {
 public:
  explicit Reader(std::string_view d) : d_(d) {}
  bool ok() const { return ok_; }
  std::string_view rest() const { return d_; }
  std::string_view Take(size_t n) {
    if (n > d_.size()) {
      ok_ = false;
      return {};
    }
    std::string_view r = d_.substr(0, n);
    d_.remove_prefix(n);
    return r;
  }
  uint64_t BigEndian(size_t n) {
    std::string_view b = Take(n);
    uint64_t v = 0;
    for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
    return v;
  }

 private:
  std::string_view d_;
  bool ok_ = true;
};

struct Header {
  char version = 0;
  uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
};

bool ReadHeader(Reader* r, Header* h) {
  if (r->Take(4) != "TZif") return false;
  std::string_view v = r->Take(1);
  if (!r->ok()) return false;
  h->version = v[0];
  r->Take(15);
  h->isutcnt = static_cast<uint32_t>(r->BigEndian(4));
  h->isstdcnt = static_cast<uint32_t>(r->BigEndian(4));
  h->leapcnt = static_cast<uint32_t>(r->BigEndian(4));
  h->timecnt = static_cast<uint32_t>(r->BigEndian(4));
  h->typecnt = static_cast<uint32_t>(r->BigEndian(4));
  h->charcnt = static_cast<uint32_t>(r->BigEndian(4));
  return r->ok();
}

size_t DataBlockSize(const Header& h, size_t time_size) {
  return h.timecnt * time_size + h.timecnt + h.typecnt * 6 + h.charcnt +
         h.leapcnt * (time_size + 4) + h.isstdcnt + h.isutcnt;
}

bool ReadFile(const std::string& path, std::string* out) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  out->clear();
  char buf[8192];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    out->append(buf, n);
    if (out->size() > kMaxTzifBytes) break;
  }
  bool ok = !std::ferror(f) && out->size() <= kMaxTzifBytes;
  std::fclose(f);
  return ok;
}

// Loads `name` from the first zoneinfo directory that has a valid file.
std::unique_ptr<Location> LoadFromDirs(std::string_view name) {
  std::vector<std::string> dirs;
  if (const char* zi = std::getenv("ZONEINFO"); zi != nullptr && *zi) dirs.emplace_back(zi);
  for (const char* d : {"/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ",
                        "/etc/zoneinfo"}) {
    dirs.emplace_back(d);
  }
  std::string data;
  for (const std::string& dir : dirs) {
    if (!ReadFile(dir + "/" + std::string(name), &data)) continue;
    auto loc = std::make_unique<Location>();
    if (Location::FromTzif(name, data, loc.get())) return loc;
  }
  return nullptr;
}

const Location* MakeLocal() {
  auto* loc = new Location();  // lives for the process, like Go's time.Local
  const char* tz = std::getenv("TZ");
  std::string data;
  if (tz == nullptr) {
    if (ReadFile("/etc/localtime", &data) && Location::FromTzif("Local", data, loc)) return loc;
  } else {
    std::string_view v(tz);
    if (!v.empty() && v[0] == ':') v.remove_prefix(1);
    if (!v.empty() && v[0] == '/') {
      std::string path(v);
      if (ReadFile(path, &data) &&
          Location::FromTzif(path == "/etc/localtime" ? "Local" : path, data, loc)) {
        return loc;
      }
    } else if (!v.empty() && v != "UTC") {
      if (auto z = LoadFromDirs(v)) {
        *loc = *z;
        return loc;
      }
    }
  }
  Location::FromTzif("UTC", {}, loc);
  return loc;
}

}  // namespace

bool Location::FromTzif(std::string_view name, std::string_view data, Location* out) {
  *out = Location();
  out->name_ = std::string(name);
  if (data.empty()) return true;  // UTC
  Reader r(data);
  Header h;
  if (!ReadHeader(&r, &h)) return false;
  size_t time_size = 4;
  if (h.version >= '2') {
    // Skip the 32-bit block; the 64-bit one after it covers all of time.
    r.Take(DataBlockSize(h, 4));
    if (!ReadHeader(&r, &h)) return false;
    time_size = 8;
  }
  if (h.typecnt == 0 || r.rest().size() < DataBlockSize(h, time_size)) return false;
  std::vector<int64_t> times(h.timecnt);
  for (int64_t& t : times) {
    uint64_t raw = r.BigEndian(time_size);
    t = time_size == 4 ? static_cast<int32_t>(raw) : static_cast<int64_t>(raw);
  }
  std::string_view indices = r.Take(h.timecnt);
  struct RawType {
    int32_t offset;
    bool dst;
    uint8_t abbrev;
  };
  std::vector<RawType> types(h.typecnt);
  for (RawType& t : types) {
    t.offset = static_cast<int32_t>(r.BigEndian(4));
    t.dst = r.BigEndian(1) != 0;
    t.abbrev = static_cast<uint8_t>(r.BigEndian(1));
  }
  std::string_view chars = r.Take(h.charcnt);
  r.Take(h.leapcnt * (time_size + 4) + h.isstdcnt + h.isutcnt);
  if (!r.ok()) return false;
  for (const RawType& t : types) {
    if (t.abbrev >= chars.size()) return false;
    std::string_view abbrev = chars.substr(t.abbrev);
    abbrev = abbrev.substr(0, abbrev.find('\0'));
    out->zones_.push_back({std::string(abbrev), t.offset, t.dst});
  }
  for (size_t i = 0; i < times.size(); ++i) {
    uint8_t index = static_cast<uint8_t>(indices[i]);
    if (index >= types.size()) return false;
    out->transitions_.push_back({times[i], index});
  }
  // Go gives a zone file without transitions one at the beginning of time.
  if (out->transitions_.empty()) out->transitions_.push_back({INT64_MIN, 0});
  std::string_view footer = r.rest();
  if (time_size == 8 && footer.size() > 2 && footer[0] == '\n') {
    size_t end = footer.find('\n', 1);
    if (end != std::string_view::npos) out->extend_ = std::string(footer.substr(1, end - 1));
  }
  return true;
}

// Go's lookupFirstZone: the zone for times before the first transition.
size_t Location::FirstZone() const {
  bool first_used = false;
  for (const Transition& t : transitions_) first_used = first_used || t.index == 0;
  if (!first_used) return 0;
  if (!transitions_.empty() && zones_[transitions_[0].index].dst) {
    for (int zi = static_cast<int>(transitions_[0].index) - 1; zi >= 0; --zi) {
      if (!zones_[static_cast<size_t>(zi)].dst) return static_cast<size_t>(zi);
    }
  }
  for (size_t zi = 0; zi < zones_.size(); ++zi) {
    if (!zones_[zi].dst) return zi;
  }
  return 0;
}

ZoneAt Location::Lookup(int64_t sec) const {
  if (zones_.empty()) return ZoneAt{"UTC", 0, false, INT64_MIN, INT64_MAX};
  if (transitions_.empty() || sec < transitions_[0].when) {
    const Zone& z = zones_[FirstZone()];
    return ZoneAt{z.name, z.offset, z.dst, INT64_MIN,
                  transitions_.empty() ? INT64_MAX : transitions_[0].when};
  }
  size_t lo = 0, hi = transitions_.size();
  int64_t end = INT64_MAX;
  while (hi - lo > 1) {
    size_t m = lo + (hi - lo) / 2;
    if (sec < transitions_[m].when) {
      end = transitions_[m].when;
      hi = m;
    } else {
      lo = m;
    }
  }
  const Zone& z = zones_[transitions_[lo].index];
  ZoneAt at{z.name, z.offset, z.dst, transitions_[lo].when, end};
  if (lo == transitions_.size() - 1 && !extend_.empty()) {
    ZoneAt rule;
    if (Tzset(extend_, at.start, sec, &rule)) return rule;
  }
  return at;
}

bool Location::LookupName(std::string_view abbrev, int64_t unix_sec, int* offset) const {
  for (const Zone& z : zones_) {
    if (z.name == abbrev) {
      ZoneAt at = Lookup(unix_sec - z.offset);
      if (at.name == z.name) {
        *offset = at.offset;
        return true;
      }
    }
  }
  for (const Zone& z : zones_) {
    if (z.name == abbrev) {
      *offset = z.offset;
      return true;
    }
  }
  return false;
}

const Location* UTC() {
  static const Location* const utc = [] {
    auto* loc = new Location();
    Location::FromTzif("UTC", {}, loc);
    return loc;
  }();
  return utc;
}

const Location* Local() {
  static const Location* const local = MakeLocal();
  return local;
}

Status LoadLocation(std::string_view name, const Location** out) {
  if (name.empty() || name == "UTC") {
    *out = UTC();
    return Status::OK();
  }
  if (name == "Local") {
    *out = Local();
    return Status::OK();
  }
  if (name.find("..") != std::string_view::npos || name[0] == '/' || name[0] == '\\') {
    return Status::BuiltinError("time: invalid location name");
  }
  static std::mutex mu;
  static auto* cache = new std::map<std::string, std::unique_ptr<Location>, std::less<>>();
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache->find(name);
  if (it != cache->end()) {
    *out = it->second.get();
    return Status::OK();
  }
  if (name.find('\0') == std::string_view::npos) {
    if (auto loc = LoadFromDirs(name)) {
      *out = loc.get();
      cache->emplace(std::string(name), std::move(loc));
      return Status::OK();
    }
  }
  return Status::BuiltinError("unknown time zone " + std::string(name));
}

}  // namespace fedra::builtins::tz
