// semver.is_valid and semver.compare.
//
// Parsing follows OPA's internal/semver rather than the strict SemVer 2.0.0
// grammar, because policies depend on what OPA accepts: one leading "v" is
// dropped, numeric parts may have leading zeros, and the build metadata is
// cut at the first '+' before the pre-release at the first '-'. Precedence
// is SemVer's: numeric pre-release identifiers compare as numbers and rank
// below alphanumeric ones, and a longer identifier list wins a tie.
#include <cstdint>
#include <string>
#include <string_view>

#include "builtins/registry.h"

namespace fedra::builtins {
namespace {

struct Version {
  int64_t major = 0, minor = 0, patch = 0;
  std::string_view prerelease;
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsIdentChar(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

// ^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$
bool ValidIdentifiers(std::string_view s) {
  if (s.empty()) return false;
  size_t run = 0;
  for (char c : s) {
    if (c == '.') {
      if (run == 0) return false;
      run = 0;
    } else if (IsIdentChar(c)) {
      ++run;
    } else {
      return false;
    }
  }
  return run > 0;
}

// strconv.ParseInt(s, 10, 64) on text that holds no sign.
bool ParseNumber(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
  }
  *out = static_cast<int64_t>(v);
  return true;
}

// Splits at the first `sep`: s becomes the part before, the result the part after.
std::string_view Cut(std::string_view* s, char sep) {
  size_t i = s->find(sep);
  if (i == std::string_view::npos) return {};
  std::string_view after = s->substr(i + 1);
  *s = s->substr(0, i);
  return after;
}

bool Parse(std::string_view s, Version* v) {
  if (!s.empty() && s[0] == 'v') s.remove_prefix(1);
  std::string_view metadata = Cut(&s, '+');
  if (!metadata.empty() && !ValidIdentifiers(metadata)) return false;
  v->prerelease = Cut(&s, '-');
  if (!v->prerelease.empty() && !ValidIdentifiers(v->prerelease)) return false;
  size_t dots = 0;
  for (char c : s) dots += c == '.';
  if (dots != 2) return false;
  std::string_view minor = Cut(&s, '.');
  std::string_view patch = Cut(&minor, '.');
  return ParseNumber(s, &v->major) && ParseNumber(minor, &v->minor) &&
         ParseNumber(patch, &v->patch);
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// strconv.Atoi on digits: saturates at INT64_MAX as Go's does on overflow.
int64_t SaturatingAtoi(std::string_view s) {
  uint64_t v = 0;
  for (char c : s) {
    v = v * 10 + static_cast<uint64_t>(c - '0');
    if (v > static_cast<uint64_t>(INT64_MAX)) return INT64_MAX;
  }
  return static_cast<int64_t>(v);
}

template <typename T>
int Cmp(T a, T b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

int ComparePrerelease(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  if (a.empty()) return 1;  // a release ranks above its pre-releases
  if (b.empty()) return -1;
  while (true) {
    std::string_view a_rest = Cut(&a, '.');
    std::string_view b_rest = Cut(&b, '.');
    bool a_num = AllDigits(a), b_num = AllDigits(b);
    if (a_num != b_num) return a_num ? -1 : 1;
    int c = a_num ? Cmp(SaturatingAtoi(a), SaturatingAtoi(b)) : Cmp(a, b);
    if (c != 0) return c;
    if (a_rest.empty() || b_rest.empty()) return Cmp(!a_rest.empty(), !b_rest.empty());
    a = a_rest;
    b = b_rest;
  }
}

int Compare(const Version& a, const Version& b) {
  if (int c = Cmp(a.major, b.major)) return c;
  if (int c = Cmp(a.minor, b.minor)) return c;
  if (int c = Cmp(a.patch, b.patch)) return c;
  return ComparePrerelease(a.prerelease, b.prerelease);
}

Status IsValid(Context&, std::span<const Value> args, Value* out) {
  Version v;
  *out = Value::Bool(args[0].is_string() && Parse(args[0].str(), &v));
  return Status::OK();
}

Status CompareVersions(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 1));
  Version a, b;
  for (int i = 0; i < 2; ++i) {
    if (!Parse(args[static_cast<size_t>(i)].str(), i == 0 ? &a : &b)) {
      return Status::BuiltinError("operand " + std::to_string(i + 1) + ": string " +
                                  ToRegoString(args[static_cast<size_t>(i)]) +
                                  " is not a valid SemVer");
    }
  }
  *out = Value::Int(Compare(a, b));
  return Status::OK();
}

}  // namespace

void RegisterSemver(Registry& r) {
  r.Add("semver.is_valid", 1, IsValid);
  r.Add("semver.compare", 2, CompareVersions);
}

}  // namespace fedra::builtins
