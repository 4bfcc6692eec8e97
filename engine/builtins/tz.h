// Time zones for the time.* builtins, with Go's time.Location semantics.
//
// A Location is read from the system's IANA database (TZif files under
// /usr/share/zoneinfo and Go's other default directories): its zones (UTC
// offset, abbreviation, DST flag), its transition times, and the POSIX TZ
// rule in the file's footer, which governs times after the last transition
// (slim TZif files stop transitions early). Lookups reproduce Go's
// Location.lookup and lookupName, including Go's choice of zone before the
// first transition.
//
// Locations are loaded once per name and kept for the life of the process
// (there are a few hundred valid names; failed loads are not cached), so the
// pointers LoadLocation returns stay valid and may be shared across threads.
#ifndef FEDRA_BUILTINS_TZ_H_
#define FEDRA_BUILTINS_TZ_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fedra/status.h"

namespace fedra::builtins::tz {

// The zone in effect at one instant, and the interval [start, end) of Unix
// seconds over which it holds (as Go reports it: exact near transitions).
struct ZoneAt {
  std::string_view name;  // abbreviation, e.g. "EST"; "UTC" for UTC
  int offset = 0;         // seconds east of UTC
  bool dst = false;
  int64_t start = INT64_MIN;
  int64_t end = INT64_MAX;
};

class Location {
 public:
  // Parses TZif data (versions 1 to 4). `name` is what String reports.
  static bool FromTzif(std::string_view name, std::string_view data, Location* out);

  const std::string& name() const { return name_; }
  ZoneAt Lookup(int64_t unix_sec) const;
  // Go's lookupName: the offset of a zone abbreviation, preferring the zone
  // of that name in effect around `unix_sec`.
  bool LookupName(std::string_view abbrev, int64_t unix_sec, int* offset) const;

 private:
  struct Zone {
    std::string name;
    int offset = 0;
    bool dst = false;
  };
  struct Transition {
    int64_t when = 0;
    uint8_t index = 0;
  };
  size_t FirstZone() const;

  std::string name_;
  std::vector<Zone> zones_;          // empty: UTC
  std::vector<Transition> transitions_;
  std::string extend_;               // POSIX TZ rule for after the last transition
};

// The UTC location (no zones; abbreviation "UTC").
const Location* UTC();

// Go's time.Local: $TZ if set ("" means UTC), else /etc/localtime, else UTC.
const Location* Local();

// Go's time.LoadLocation: "" and "UTC" give UTC, "Local" gives Local(),
// otherwise an IANA name. Errors: "unknown time zone NAME", or
// "time: invalid location name" for names with ".." or a leading slash.
Status LoadLocation(std::string_view name, const Location** out);

}  // namespace fedra::builtins::tz

#endif  // FEDRA_BUILTINS_TZ_H_
