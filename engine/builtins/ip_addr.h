// IP addresses and networks with Go's net package semantics, for the net.*
// builtins.
//
// OPA's CIDR builtins are thin wrappers over Go's net.IP / net.IPNet, and
// their results depend on Go's quirks, which this model keeps:
//   - an address is 4 or 16 bytes; text is parsed into the 16-byte form, with
//     IPv4 as the IPv4-mapped IPv6 address ::ffff:a.b.c.d;
//   - a network from "a.b.c.d/n" has a 4-byte address and mask, one from IPv6
//     text (even "::ffff:a.b.c.d/n") 16-byte ones;
//   - Contains and String treat any IPv4-mapped address as IPv4.
// Parsing follows netip.ParseAddr: no leading zeros in IPv4 octets, at most 4
// hex digits per IPv6 field, at most one "::", no zones.
// All functions are pure and thread-safe.
#ifndef FEDRA_BUILTINS_IP_ADDR_H_
#define FEDRA_BUILTINS_IP_ADDR_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace fedra::builtins::ip {

// Go's net.IP: `len` is 4 or 16 (0 for "no address").
struct Addr {
  std::array<uint8_t, 16> b{};
  uint8_t len = 0;

  bool empty() const { return len == 0; }
  friend bool operator==(const Addr& x, const Addr& y) {
    return x.len == y.len && x.b == y.b;
  }
};

// Go's net.IPNet. The mask is a prefix mask of 4 or 16 bytes.
struct Net {
  Addr ip;
  Addr mask;
};

// net.ParseIP: the 16-byte form, or false. `is_v4_text` tells whether the
// text was dotted IPv4 (netip's BitLen() == 32).
bool ParseIP(std::string_view s, Addr* out, bool* is_v4_text = nullptr);

// net.ParseCIDR: the network (address masked). `addr` (optional) receives the
// unmasked 16-byte address.
bool ParseCIDR(std::string_view s, Net* out, Addr* addr = nullptr);

// IP.To4: the 4-byte form of an IPv4 or IPv4-mapped address, or empty.
Addr To4(const Addr& a);

// net.CIDRMask(ones, bits) for bits 32 or 128.
Addr PrefixMask(int ones, int bits);

// IPMask.Size's prefix length, or -1 when the mask is not a prefix.
int PrefixLength(const Addr& mask);

// IPNet.Contains.
bool Contains(const Net& n, const Addr& ip);

// IP.Mask: nil (empty) when the lengths do not fit.
Addr Mask(const Addr& ip, const Addr& mask);

// IP.DefaultMask: the classful mask of an IPv4 address (empty for IPv6).
Addr DefaultMask(const Addr& ip);

// IP.String: dotted IPv4 for IPv4 and IPv4-mapped addresses, RFC 5952 IPv6
// otherwise.
std::string ToString(const Addr& ip);

// IPNet.String: "<network address>/<prefix length>"; the address is printed
// as stored (not masked), as Go does.
std::string ToString(const Net& n);

}  // namespace fedra::builtins::ip

#endif  // FEDRA_BUILTINS_IP_ADDR_H_
