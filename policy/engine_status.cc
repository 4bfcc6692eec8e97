#include "policy/engine_status.h"

#include <cstdio>
#include <ctime>

#include "policy/json_util.h"

namespace fedra::policy {

using internal::Join;
using internal::OptObject;
using internal::OptString;
using internal::PathError;

int64_t ParseTimeMillis(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM), 't'/'z' accepted as RFC 3339 allows.
  auto digits = [&text](size_t pos, size_t n, int* out) {
    if (pos + n > text.size()) return false;
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      v = v * 10 + (text[i] - '0');
    }
    *out = v;
    return true;
  };
  int year, month, day, hour, minute, second;
  if (!digits(0, 4, &year) || text.size() < 20 || text[4] != '-' || !digits(5, 2, &month) ||
      text[7] != '-' || !digits(8, 2, &day) || (text[10] != 'T' && text[10] != 't') ||
      !digits(11, 2, &hour) || text[13] != ':' || !digits(14, 2, &minute) || text[16] != ':' ||
      !digits(17, 2, &second)) {
    return -1;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return -1;
  }
  size_t pos = 19;
  int64_t millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int64_t scale = 100;
    size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      millis += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return -1;
  }
  int64_t offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh, om;
    if (!digits(pos + 1, 2, &oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !digits(pos + 4, 2, &om)) {
      return -1;
    }
    offset_minutes = (oh * 60 + om) * (text[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return -1;
  }
  if (pos != text.size()) return -1;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  int64_t secs = static_cast<int64_t>(timegm(&tm)) - offset_minutes * 60;
  return secs * 1000 + millis;
}

Status DecodeEngineStatus(const Json& report, std::string_view bundle_name,
                          const BundleIndex& bundles, EngineIdentity* who, EngineReport* out) {
  if (!report.is_object()) return PathError("$", "expected an object");
  Json labels;
  FEDRA_RETURN_IF_ERROR(OptObject(report, "labels", "", &labels));
  EngineIdentity id;
  FEDRA_RETURN_IF_ERROR(OptString(labels, "id", "labels", &id.id));
  if (id.id.empty()) return PathError("labels.id", "required");
  FEDRA_RETURN_IF_ERROR(OptString(labels, "cluster", "labels", &id.cluster));
  FEDRA_RETURN_IF_ERROR(OptString(labels, "tier", "labels", &id.tier));

  EngineReport r;
  r.id = id.id;
  Json all;
  FEDRA_RETURN_IF_ERROR(OptObject(report, "bundles", "", &all));
  Json b;
  FEDRA_RETURN_IF_ERROR(OptObject(all, bundle_name, "bundles", &b));
  std::string path = Join("bundles", bundle_name);
  if (b.is_null()) {
    r.healthy = false;
    r.message = "no bundle \"" + std::string(bundle_name) + "\" reported";
  } else {
    std::string revision, activated, code, message;
    FEDRA_RETURN_IF_ERROR(OptString(b, "active_revision", path, &revision));
    FEDRA_RETURN_IF_ERROR(OptString(b, "last_successful_activation", path, &activated));
    FEDRA_RETURN_IF_ERROR(OptString(b, "code", path, &code));
    FEDRA_RETURN_IF_ERROR(OptString(b, "message", path, &message));
    if (auto it = bundles.find(revision); it != bundles.end()) r.active = it->second;
    if (!activated.empty()) {
      int64_t ms = ParseTimeMillis(activated);
      if (ms < 0) {
        return PathError(Join(path, "last_successful_activation"),
                         "\"" + activated + "\" is not an RFC 3339 time");
      }
      r.activated_at_millis = ms;
    }
    if (!code.empty()) {
      r.healthy = false;
      r.message = message.empty() ? code : message;
    }
  }
  *who = std::move(id);
  *out = std::move(r);
  return Status::OK();
}

}  // namespace fedra::policy
