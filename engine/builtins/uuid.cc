// uuid.rfc4122 and uuid.parse.
//
// uuid.parse accepts the forms Go's github.com/google/uuid accepts (OPA uses
// it): 36-character canonical text, the same wrapped in braces (the brace
// characters themselves are not checked) or prefixed by "urn:uuid:", and 32
// bare hex digits. Invalid text is undefined, not an error. Versions 1 and 2
// also report their timestamp, clock sequence and node, version 2 its
// domain and id.
#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "builtins/misc_internal.h"
#include "builtins/registry.h"

namespace fedra::builtins {
namespace {

using Uuid = std::array<uint8_t, 16>;

constexpr char kHex[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool HexByte(char hi, char lo, uint8_t* out) {
  int h = HexValue(hi), l = HexValue(lo);
  if (h < 0 || l < 0) return false;
  *out = static_cast<uint8_t>(h << 4 | l);
  return true;
}

bool EqualsFoldAscii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool ParseUuid(std::string_view s, Uuid* u) {
  switch (s.size()) {
    case 36:
      break;
    case 36 + 9:
      if (!EqualsFoldAscii(s.substr(0, 9), "urn:uuid:")) return false;
      s.remove_prefix(9);
      break;
    case 36 + 2:
      s = s.substr(1, 36);
      break;
    case 32:
      for (size_t i = 0; i < 16; ++i) {
        if (!HexByte(s[2 * i], s[2 * i + 1], &(*u)[i])) return false;
      }
      return true;
    default:
      return false;
  }
  if (s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return false;
  static constexpr int kOffsets[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};
  for (size_t i = 0; i < 16; ++i) {
    size_t at = static_cast<size_t>(kOffsets[i]);
    if (!HexByte(s[at], s[at + 1], &(*u)[i])) return false;
  }
  return true;
}

std::string_view VariantName(uint8_t b8) {
  if ((b8 & 0xc0) == 0x80) return "RFC4122";
  if ((b8 & 0xe0) == 0xc0) return "Microsoft";
  if ((b8 & 0xe0) == 0xe0) return "Future";
  return "Reserved";
}

std::string DomainName(uint8_t d) {
  switch (d) {
    case 0: return "Person";
    case 1: return "Group";
    case 2: return "Org";
  }
  return "Domain" + std::to_string(d);
}

// The local/global and unicast/multicast bits of a MAC address's first byte.
std::string_view MacVariables(uint8_t b) {
  if ((b & 3) == 3) return "local:multicast";
  if (b & 1) return "global:multicast";
  if (b & 2) return "local:unicast";
  return "global:unicast";
}

uint32_t Be32(const Uuid& u, size_t at) {
  return static_cast<uint32_t>(u[at]) << 24 | static_cast<uint32_t>(u[at + 1]) << 16 |
         static_cast<uint32_t>(u[at + 2]) << 8 | u[at + 3];
}

uint32_t Be16(const Uuid& u, size_t at) { return static_cast<uint32_t>(u[at]) << 8 | u[at + 1]; }

Value Describe(const Uuid& u) {
  int version = u[6] >> 4;
  std::vector<ObjectEntry> fields;
  fields.emplace_back(Value::String(std::string_view("version")), Value::Int(version));
  fields.emplace_back(Value::String(std::string_view("variant")), Value::String(VariantName(u[8])));
  if (version == 1 || version == 2) {
    // 100 ns intervals since 1582-10-15, as Unix nanoseconds. Go computes
    // this in wrapping int64 arithmetic; so does uint64 here.
    uint64_t t = Be32(u, 0) | static_cast<uint64_t>(Be16(u, 4)) << 32 |
                 static_cast<uint64_t>(Be16(u, 6) & 0xfff) << 48;
    constexpr uint64_t kGregorianToUnix = 122192928000000000ull;
    int64_t ns = static_cast<int64_t>((t - kGregorianToUnix) * 100u);
    std::string node;
    for (size_t i = 10; i < 16; ++i) {
      if (i > 10) node.push_back('-');
      node.push_back(kHex[u[i] >> 4]);
      node.push_back(kHex[u[i] & 0xf]);
    }
    fields.emplace_back(Value::String(std::string_view("time")), Value::Int(ns));
    fields.emplace_back(Value::String(std::string_view("nodeid")), Value::String(std::move(node)));
    fields.emplace_back(Value::String(std::string_view("macvariables")),
                        Value::String(MacVariables(u[10])));
    fields.emplace_back(Value::String(std::string_view("clocksequence")),
                        Value::Int(Be16(u, 8) & 0x3fff));
    if (version == 2) {
      fields.emplace_back(Value::String(std::string_view("id")), Value::Int(Be32(u, 0)));
      fields.emplace_back(Value::String(std::string_view("domain")),
                          Value::String(DomainName(u[9])));
    }
  }
  return Value::Object(std::move(fields));
}

Status UuidParse(Context&, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  Uuid u{};
  if (ParseUuid(args[0].str(), &u)) *out = Describe(u);
  return Status::OK();
}

std::string NewV4() {
  // Kernel randomness, like OPA's default crypto/rand source: a UUID may
  // serve as an unguessable identifier.
  Uuid u;
  size_t got = 0;
  while (got < u.size()) {
    ssize_t n = getrandom(u.data() + got, u.size() - got, 0);
    if (n > 0) {
      got += static_cast<size_t>(n);
    } else if (n < 0 && errno != EINTR) {
      // No getrandom (very old kernels): fall back to random_device.
      std::random_device rd;
      for (; got < u.size(); ++got) u[got] = static_cast<uint8_t>(rd());
    }
  }
  u[8] = static_cast<uint8_t>((u[8] & 0x3f) | 0x80);  // RFC 4122 variant
  u[6] = static_cast<uint8_t>((u[6] & 0x0f) | 0x40);  // version 4
  std::string s;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[u[i] >> 4]);
    s.push_back(kHex[u[i] & 0xf]);
  }
  return s;
}

// uuid.rfc4122(k): a random version 4 UUID, the same for the same k within
// one query.
Status UuidRfc4122(Context& ctx, std::span<const Value> args, Value* out) {
  std::string key = QueryCacheKey("uuid.rfc4122", args);
  if (ctx.query_cache) {
    auto it = ctx.query_cache->find(key);
    if (it != ctx.query_cache->end()) {
      *out = it->second;
      return Status::OK();
    }
  }
  *out = Value::String(NewV4());
  if (ctx.query_cache) (*ctx.query_cache)[key] = *out;
  return Status::OK();
}

}  // namespace

void RegisterUuid(Registry& r) {
  r.Add("uuid.rfc4122", 1, UuidRfc4122);
  r.Add("uuid.parse", 1, UuidParse);
}

}  // namespace fedra::builtins
