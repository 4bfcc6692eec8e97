// net.cidr_contains, net.cidr_overlap (deprecated alias), net.cidr_intersects,
// net.cidr_contains_matches, net.cidr_expand, net.cidr_is_valid,
// net.cidr_merge, net.lookup_ip_addr.
//
// Address semantics (IPv4-mapped addresses count as IPv4, classful default
// masks for bare addresses in cidr_merge, unmasked printing) come from Go's
// net package through ip_addr.h. Like OPA, the CIDR helpers report a bad
// second string operand as "operand 1".
#include <netdb.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "builtins/ip_addr.h"
#include "builtins/registry.h"

namespace fedra::builtins {
namespace {

using ip::Addr;
using ip::Net;
using U128 = unsigned __int128;

// net.cidr_expand materialises every address; beyond this many (a /16 in
// IPv4) it refuses instead of exhausting memory.
constexpr int kMaxExpandHostBits = 16;
constexpr uint64_t kCancelPollInterval = 4096;

Status InvalidCidr(std::string_view s) {
  return Status::BuiltinError("invalid CIDR address: " + std::string(s));
}

// OPA's getNetFromOperand (which always reports operand 1).
Status NetOperand(const Value& v, Net* out) {
  if (!v.is_string()) return OperandTypeError(1, v, "string");
  if (!ip::ParseCIDR(v.str(), out)) return InvalidCidr(v.str());
  return Status::OK();
}

// The last address of `n`: 4 bytes for an IPv4 network, else 16.
Addr LastAddress(const Net& n) {
  int ones = ip::PrefixLength(n.mask);
  int bits = n.mask.len * 8;
  if (ones == bits) return n.ip;
  Addr last;
  last.len = n.mask.len;
  // The low mask.len bytes of the network address, with the host bits set.
  int offset = n.ip.len - n.mask.len;
  for (int i = 0; i < last.len; ++i) {
    uint8_t byte = offset + i >= 0 ? n.ip.b[static_cast<size_t>(offset + i)] : 0;
    last.b[static_cast<size_t>(i)] = byte | static_cast<uint8_t>(~n.mask.b[static_cast<size_t>(i)]);
  }
  return last;
}

// builtinNetCIDRContains on two values.
Status ContainsValues(const Value& a, const Value& b, bool* out) {
  Net net_a;
  FEDRA_RETURN_IF_ERROR(NetOperand(a, &net_a));
  if (!b.is_string()) return OperandTypeError(1, b, "string");
  Addr addr;
  if (ip::ParseIP(b.str(), &addr)) {
    *out = ip::Contains(net_a, addr);
    return Status::OK();
  }
  Net net_b;
  if (!ip::ParseCIDR(b.str(), &net_b)) {
    return Status::BuiltinError("not a valid textual representation of an IP address or CIDR: " +
                                std::string(b.str()));
  }
  // A contains B when it contains both B's first and last address.
  *out = ip::Contains(net_a, net_b.ip) && ip::Contains(net_a, LastAddress(net_b));
  return Status::OK();
}

Status CidrContains(Context&, std::span<const Value> args, Value* out) {
  bool contained = false;
  FEDRA_RETURN_IF_ERROR(ContainsValues(args[0], args[1], &contained));
  *out = Value::Bool(contained);
  return Status::OK();
}

Status CidrIntersects(Context&, std::span<const Value> args, Value* out) {
  Net a, b;
  FEDRA_RETURN_IF_ERROR(NetOperand(args[0], &a));
  FEDRA_RETURN_IF_ERROR(NetOperand(args[1], &b));
  *out = Value::Bool(ip::Contains(a, b.ip) || ip::Contains(b, a.ip));
  return Status::OK();
}

Status CidrIsValid(Context&, std::span<const Value> args, Value* out) {
  Net n;
  *out = Value::Bool(args[0].is_string() && ip::ParseCIDR(args[0].str(), &n));
  return Status::OK();
}

// --- net.cidr_contains_matches ----------------------------------------------

struct MatchEntry {
  Value cidr;   // the string (or array's first element) to test
  Value index;  // what the result reports for it
};

// evalNetCIDRContainsMatchesOperand: a string stands for itself; arrays,
// sets and objects contribute each element (an array element uses its first
// item). Other kinds contribute nothing.
Status MatchEntries(int operand, const Value& v, std::vector<MatchEntry>* out) {
  auto element = [&](const Value& e, const Value& index) -> Status {
    if (e.is_string()) {
      out->push_back({e, index});
    } else if (e.is_array() && !e.array().empty()) {
      out->push_back({e.array()[0], index});
    } else {
      return Status::BuiltinError("operand " + std::to_string(operand) +
                                  ": element must be string or non-empty array");
    }
    return Status::OK();
  };
  switch (v.kind()) {
    case Kind::kString:
      out->push_back({v, v});
      break;
    case Kind::kArray: {
      auto items = v.array();
      for (size_t i = 0; i < items.size(); ++i) {
        FEDRA_RETURN_IF_ERROR(element(items[i], Value::Int(static_cast<int64_t>(i))));
      }
      break;
    }
    case Kind::kSet:
      for (const Value& e : v.set()) FEDRA_RETURN_IF_ERROR(element(e, e));
      break;
    case Kind::kObject:
      for (const auto& [k, e] : v.object()) FEDRA_RETURN_IF_ERROR(element(e, k));
      break;
    default:
      break;
  }
  return Status::OK();
}

Status CidrContainsMatches(Context&, std::span<const Value> args, Value* out) {
  std::vector<MatchEntry> cidrs, candidates;
  FEDRA_RETURN_IF_ERROR(MatchEntries(1, args[0], &cidrs));
  // OPA only walks operand 2 once operand 1 has an element.
  if (!cidrs.empty()) FEDRA_RETURN_IF_ERROR(MatchEntries(2, args[1], &candidates));
  std::vector<Value> matches;
  for (const MatchEntry& c : cidrs) {
    for (const MatchEntry& x : candidates) {
      bool contained = false;
      FEDRA_RETURN_IF_ERROR(ContainsValues(c.cidr, x.cidr, &contained));
      if (contained) matches.push_back(Value::Array({c.index, x.index}));
    }
  }
  *out = Value::Set(std::move(matches));
  return Status::OK();
}

// --- net.cidr_expand -----------------------------------------------------------

U128 ToU128(const Addr& a) {
  U128 v = 0;
  for (int i = 0; i < a.len; ++i) v = (v << 8) | a.b[static_cast<size_t>(i)];
  return v;
}

Addr FromU128(U128 v, int len) {
  Addr a;
  a.len = static_cast<uint8_t>(len);
  for (int i = len - 1; i >= 0; --i) {
    a.b[static_cast<size_t>(i)] = static_cast<uint8_t>(v);
    v >>= 8;
  }
  return a;
}

Status CidrExpand(Context& ctx, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  Net n;
  Addr addr;
  if (!ip::ParseCIDR(args[0].str(), &n, &addr)) return InvalidCidr(args[0].str());
  int host_bits = n.mask.len * 8 - ip::PrefixLength(n.mask);
  if (host_bits > kMaxExpandHostBits) {
    return Status::LimitExceeded("expanding " + std::string(args[0].str()) + " would yield 2^" +
                                 std::to_string(host_bits) + " addresses (limit 2^" +
                                 std::to_string(kMaxExpandHostBits) + ")");
  }
  Addr first = ip::Mask(addr, n.mask);
  U128 start = ToU128(first);
  uint64_t count = uint64_t{1} << host_bits;
  std::vector<Value> items;
  items.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    if (i % kCancelPollInterval == kCancelPollInterval - 1 && ctx.check_cancel) {
      FEDRA_RETURN_IF_ERROR(ctx.check_cancel());
    }
    items.push_back(Value::String(ip::ToString(FromU128(start + i, first.len))));
  }
  *out = Value::Set(std::move(items));
  return Status::OK();
}

// --- net.cidr_merge --------------------------------------------------------------

// A network as a range in the 16-byte address space (IPv4 as IPv4-mapped).
struct Range {
  U128 first = 0, last = 0;
  Net net;            // the input network, printed when nothing merged into it
  bool merged = false;
};

constexpr U128 kV4Base = static_cast<U128>(0xffff) << 32;  // ::ffff:0.0.0.0

bool IsV4Mapped(U128 v) { return (v >> 32) == 0xffff; }

Range ToRange(const Net& n) {
  Range r;
  r.net = n;
  Addr first = ip::Mask(n.ip, n.mask);
  Addr mask = n.mask;
  if (first.len == 4) {
    r.first = kV4Base | ToU128(first);
  } else {
    r.first = ToU128(first);
  }
  U128 host = ~ToU128(mask) & ((mask.len == 16) ? ~static_cast<U128>(0) : 0xffffffffu);
  r.last = r.first | host;
  return r;
}

// OPA's generateIPNet: a bare IPv4 address gets its classful default mask.
Status MergeElement(const Value& e, Net* out) {
  if (!e.is_string()) return Status::BuiltinError("element must be string");
  Addr a;
  if (!ip::ParseIP(e.str(), &a)) {
    if (!ip::ParseCIDR(e.str(), out)) return InvalidCidr(e.str());
    return Status::OK();
  }
  if (ip::To4(a).empty()) return Status::BuiltinError("IPv6 invalid: needs prefix length");
  out->ip = a;
  out->mask = ip::DefaultMask(a);
  return Status::OK();
}

// The minimal list of aligned blocks covering [lo, hi] in a `bits`-bit space.
void AppendBlocks(U128 lo, U128 hi, int bits, bool v4, std::vector<Value>* out) {
  // Whether the block of 2^k addresses starting at lo lies inside [lo, hi].
  auto fits = [&](int k) {
    if (k == 128) return lo == 0 && hi == ~static_cast<U128>(0);
    U128 span = (static_cast<U128>(1) << k) - 1;
    return (lo & span) == 0 && hi - lo >= span;
  };
  while (true) {
    int k = 0;  // block size 2^k
    while (k < bits && fits(k + 1)) ++k;
    Net n;
    if (v4) {
      n.ip = FromU128(lo, 4);
      n.mask = ip::PrefixMask(32 - k, 32);
    } else {
      n.ip = FromU128(lo, 16);
      n.mask = ip::PrefixMask(128 - k, 128);
    }
    out->push_back(Value::String(ip::ToString(n)));
    U128 block_last = lo + ((k >= 128) ? ~static_cast<U128>(0) : (static_cast<U128>(1) << k) - 1);
    if (block_last >= hi) break;
    lo = block_last + 1;
  }
}

Status CidrMerge(Context&, std::span<const Value> args, Value* out) {
  const Value& v = args[0];
  std::vector<Range> ranges;
  if (v.is_array() || v.is_set()) {
    for (const Value& e : v.is_array() ? v.array() : v.set()) {
      Net n;
      FEDRA_RETURN_IF_ERROR(MergeElement(e, &n));
      ranges.push_back(ToRange(n));
    }
  } else {
    return Status::BuiltinError("operand must be an array");
  }
  std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) {
    return a.last != b.last ? a.last < b.last : a.first < b.first;
  });
  // Merge from the end, as OPA does; a range absorbs the one after it when
  // they overlap or touch. Go's GetPreviousIP leaves 0.0.0.0 and :: alone.
  for (size_t i = ranges.size(); i-- > 1;) {
    U128 f = ranges[i].first;
    U128 prev = (f == 0 || f == kV4Base) ? f : f - 1;
    if (prev <= ranges[i - 1].last) {
      ranges[i - 1].first = std::min(ranges[i - 1].first, ranges[i].first);
      ranges[i - 1].last = ranges[i].last;
      ranges[i - 1].merged = true;
      ranges.erase(ranges.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  std::vector<Value> result;
  for (const Range& r : ranges) {
    if (!r.merged) {
      result.push_back(Value::String(ip::ToString(r.net)));
    } else if (IsV4Mapped(r.first) && IsV4Mapped(r.last)) {
      AppendBlocks(r.first & 0xffffffffu, r.last & 0xffffffffu, 32, true, &result);
    } else {
      AppendBlocks(r.first, r.last, 128, false, &result);
    }
  }
  *out = Value::Set(std::move(result));
  return Status::OK();
}

// --- net.lookup_ip_addr ---------------------------------------------------------

Status LookupIpAddr(Context& ctx, std::span<const Value> args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  std::string name(args[0].str());
  std::string key = "net.lookup_ip_addr\x1f" + name;
  if (ctx.query_cache) {
    auto it = ctx.query_cache->find(key);
    if (it != ctx.query_cache->end()) {
      *out = it->second;
      return Status::OK();
    }
  }
  if (name.find('\0') != std::string::npos) {
    return Status::BuiltinError("lookup " + name + ": no such host");
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(name.c_str(), nullptr, &hints, &res);
  if (rc != 0) {
    std::string why = (rc == EAI_NONAME || rc == EAI_NODATA) ? "no such host" : gai_strerror(rc);
    return Status::BuiltinError("lookup " + name + ": " + why);
  }
  std::vector<Value> addrs;
  for (addrinfo* p = res; p != nullptr; p = p->ai_next) {
    Addr a;
    std::string zone;
    if (p->ai_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(p->ai_addr);
      a.len = 4;
      std::memcpy(a.b.data(), &sin->sin_addr, 4);
    } else if (p->ai_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(p->ai_addr);
      a.len = 16;
      std::memcpy(a.b.data(), &sin6->sin6_addr, 16);
      if (sin6->sin6_scope_id != 0) {
        char ifname[IF_NAMESIZE] = {};
        zone = if_indextoname(sin6->sin6_scope_id, ifname) ? ifname
                                                            : std::to_string(sin6->sin6_scope_id);
      }
    } else {
      continue;
    }
    std::string text = ip::ToString(a);
    if (!zone.empty()) text += "%" + zone;
    addrs.push_back(Value::String(std::move(text)));
  }
  freeaddrinfo(res);
  *out = Value::Set(std::move(addrs));
  if (ctx.query_cache) (*ctx.query_cache)[key] = *out;
  return Status::OK();
}

}  // namespace

void RegisterNet(Registry& r) {
  r.Add("net.cidr_contains", 2, CidrContains);
  r.Add("net.cidr_overlap", 2, CidrContains);
  r.Add("net.cidr_intersects", 2, CidrIntersects);
  r.Add("net.cidr_contains_matches", 2, CidrContainsMatches);
  r.Add("net.cidr_expand", 1, CidrExpand);
  r.Add("net.cidr_is_valid", 1, CidrIsValid);
  r.Add("net.cidr_merge", 1, CidrMerge);
  r.Add("net.lookup_ip_addr", 1, LookupIpAddr);
}

}  // namespace fedra::builtins
