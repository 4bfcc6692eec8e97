#include "builtins/ip_addr.h"

#include <cstddef>

namespace fedra::builtins::ip {
namespace {

constexpr uint8_t kV4InV6Prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// netip's parseIPv4Fields over all of `s`.
bool ParseV4Fields(std::string_view s, uint8_t* fields) {
  int val = 0, pos = 0, digits = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (IsDigit(c)) {
      if (digits == 1 && val == 0) return false;  // leading zero
      val = val * 10 + (c - '0');
      ++digits;
      if (val > 255) return false;
    } else if (c == '.') {
      if (i == 0 || i == s.size() - 1 || s[i - 1] == '.') return false;
      if (pos == 3) return false;
      fields[pos++] = static_cast<uint8_t>(val);
      val = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  if (pos < 3) return false;
  fields[3] = static_cast<uint8_t>(val);
  return true;
}

// netip's parseIPv6; zones are refused since ParseIP and ParseCIDR refuse them.
bool ParseV6(std::string_view s, std::array<uint8_t, 16>* out) {
  std::array<uint8_t, 16> ip{};
  if (s.find('%') != std::string_view::npos) return false;
  int ellipsis = -1;
  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    ellipsis = 0;
    s.remove_prefix(2);
    if (s.empty()) {
      *out = ip;
      return true;
    }
  }
  int i = 0;
  while (i < 16) {
    size_t off = 0;
    uint32_t acc = 0;
    for (; off < s.size(); ++off) {
      int h = HexValue(s[off]);
      if (h < 0) break;
      acc = (acc << 4) + static_cast<uint32_t>(h);
      if (off > 3) return false;  // more than 4 hex digits
    }
    if (off == 0) return false;
    if (off < s.size() && s[off] == '.') {
      // Trailing embedded IPv4 address.
      if (ellipsis < 0 && i != 12) return false;
      if (i + 4 > 16) return false;
      if (!ParseV4Fields(s, ip.data() + i)) return false;
      s = {};
      i += 4;
      break;
    }
    ip[static_cast<size_t>(i)] = static_cast<uint8_t>(acc >> 8);
    ip[static_cast<size_t>(i) + 1] = static_cast<uint8_t>(acc);
    i += 2;
    s.remove_prefix(off);
    if (s.empty()) break;
    if (s[0] != ':' || s.size() == 1) return false;
    s.remove_prefix(1);
    if (s[0] == ':') {
      if (ellipsis >= 0) return false;  // a second "::"
      ellipsis = i;
      s.remove_prefix(1);
      if (s.empty()) break;
    }
  }
  if (!s.empty()) return false;
  if (i < 16) {
    if (ellipsis < 0) return false;
    int n = 16 - i;
    for (int j = i - 1; j >= ellipsis; --j) ip[static_cast<size_t>(j + n)] = ip[static_cast<size_t>(j)];
    for (int j = ellipsis; j < ellipsis + n; ++j) ip[static_cast<size_t>(j)] = 0;
  } else if (ellipsis >= 0) {
    return false;  // "::" must stand for at least one zero field
  }
  *out = ip;
  return true;
}

void AppendDecimal(unsigned v, std::string* out) { *out += std::to_string(v); }

void AppendHex16(unsigned v, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    unsigned d = (v >> shift) & 0xf;
    if (d || started || shift == 0) {
      out->push_back(kHex[d]);
      started = true;
    }
  }
}

}  // namespace

bool ParseIP(std::string_view s, Addr* out, bool* is_v4_text) {
  // netip.ParseAddr picks the family from the first '.', ':' or '%'.
  for (char c : s) {
    if (c == '.') {
      uint8_t f[4];
      if (!ParseV4Fields(s, f)) return false;
      Addr a;
      a.len = 16;
      for (int i = 0; i < 12; ++i) a.b[static_cast<size_t>(i)] = kV4InV6Prefix[i];
      for (int i = 0; i < 4; ++i) a.b[static_cast<size_t>(12 + i)] = f[i];
      *out = a;
      if (is_v4_text) *is_v4_text = true;
      return true;
    }
    if (c == ':') {
      Addr a;
      if (!ParseV6(s, &a.b)) return false;
      a.len = 16;
      *out = a;
      if (is_v4_text) *is_v4_text = false;
      return true;
    }
    if (c == '%') return false;
  }
  return false;
}

bool ParseCIDR(std::string_view s, Net* out, Addr* addr) {
  size_t slash = s.find('/');
  if (slash == std::string_view::npos) return false;
  Addr a;
  bool v4 = false;
  if (!ParseIP(s.substr(0, slash), &a, &v4)) return false;
  // Go's dtoi: decimal digits (leading zeros allowed), saturating, all of the rest.
  std::string_view mask = s.substr(slash + 1);
  if (mask.empty()) return false;
  int n = 0;
  for (char c : mask) {
    if (!IsDigit(c)) return false;
    n = n * 10 + (c - '0');
    if (n > 0xFFFFFF) return false;
  }
  int bits = v4 ? 32 : 128;
  if (n > bits) return false;
  out->mask = PrefixMask(n, bits);
  out->ip = Mask(a, out->mask);
  if (addr) *addr = a;
  return true;
}

Addr To4(const Addr& a) {
  Addr r;
  if (a.len == 4) return a;
  if (a.len != 16) return r;
  for (int i = 0; i < 12; ++i) {
    if (a.b[static_cast<size_t>(i)] != kV4InV6Prefix[i]) return r;
  }
  r.len = 4;
  for (int i = 0; i < 4; ++i) r.b[static_cast<size_t>(i)] = a.b[static_cast<size_t>(12 + i)];
  return r;
}

Addr PrefixMask(int ones, int bits) {
  Addr m;
  m.len = static_cast<uint8_t>(bits / 8);
  for (int i = 0; i < m.len; ++i) {
    int take = ones - 8 * i;
    if (take >= 8) {
      m.b[static_cast<size_t>(i)] = 0xff;
    } else if (take > 0) {
      m.b[static_cast<size_t>(i)] = static_cast<uint8_t>(0xff << (8 - take));
    }
  }
  return m;
}

int PrefixLength(const Addr& mask) {
  int ones = 0;
  bool in_zeros = false;
  for (int i = 0; i < mask.len; ++i) {
    uint8_t v = mask.b[static_cast<size_t>(i)];
    for (int bit = 7; bit >= 0; --bit) {
      bool set = (v >> bit) & 1;
      if (set && in_zeros) return -1;
      if (set) {
        ++ones;
      } else {
        in_zeros = true;
      }
    }
  }
  return ones;
}

Addr Mask(const Addr& ip_in, const Addr& mask_in) {
  Addr ip = ip_in, mask = mask_in;
  if (mask.len == 16 && ip.len == 4) {
    bool all_ff = true;
    for (int i = 0; i < 12; ++i) all_ff = all_ff && mask.b[static_cast<size_t>(i)] == 0xff;
    if (all_ff) {
      Addr m;
      m.len = 4;
      for (int i = 0; i < 4; ++i) m.b[static_cast<size_t>(i)] = mask.b[static_cast<size_t>(12 + i)];
      mask = m;
    }
  }
  if (mask.len == 4 && ip.len == 16) {
    Addr v4 = To4(ip);
    if (!v4.empty()) ip = v4;
  }
  Addr out;
  if (ip.len != mask.len) return out;
  out.len = ip.len;
  for (int i = 0; i < ip.len; ++i) {
    out.b[static_cast<size_t>(i)] = ip.b[static_cast<size_t>(i)] & mask.b[static_cast<size_t>(i)];
  }
  return out;
}

Addr DefaultMask(const Addr& ip) {
  Addr v4 = To4(ip);
  if (v4.empty()) return Addr();
  if (v4.b[0] < 0x80) return PrefixMask(8, 32);
  if (v4.b[0] < 0xC0) return PrefixMask(16, 32);
  return PrefixMask(24, 32);
}

bool Contains(const Net& n, const Addr& ip_in) {
  // networkNumberAndMask.
  Addr nn = To4(n.ip);
  if (nn.empty()) {
    nn = n.ip;
    if (nn.len != 16) return false;
  }
  Addr m = n.mask;
  if (m.len == 4) {
    if (nn.len != 4) return false;
  } else if (m.len == 16) {
    if (nn.len == 4) {
      Addr tail;
      tail.len = 4;
      for (int i = 0; i < 4; ++i) tail.b[static_cast<size_t>(i)] = m.b[static_cast<size_t>(12 + i)];
      m = tail;
    }
  } else {
    return false;
  }
  Addr ip = ip_in;
  Addr v4 = To4(ip);
  if (!v4.empty()) ip = v4;
  if (ip.len != nn.len) return false;
  for (int i = 0; i < ip.len; ++i) {
    size_t k = static_cast<size_t>(i);
    if ((nn.b[k] & m.b[k]) != (ip.b[k] & m.b[k])) return false;
  }
  return true;
}

std::string ToString(const Addr& ip) {
  if (ip.len == 0) return "<nil>";
  std::string out;
  Addr v4 = To4(ip);
  if (!v4.empty()) {
    for (int i = 0; i < 4; ++i) {
      if (i) out.push_back('.');
      AppendDecimal(v4.b[static_cast<size_t>(i)], &out);
    }
    return out;
  }
  unsigned groups[8];
  for (int i = 0; i < 8; ++i) {
    groups[i] = (static_cast<unsigned>(ip.b[static_cast<size_t>(2 * i)]) << 8) |
                ip.b[static_cast<size_t>(2 * i + 1)];
  }
  // The first longest run of two or more zero groups becomes "::".
  int zero_start = -1, zero_end = -1;
  for (int i = 0; i < 8; ++i) {
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i >= 2 && j - i > zero_end - zero_start) {
      zero_start = i;
      zero_end = j;
    }
  }
  for (int i = 0; i < 8; ++i) {
    if (i == zero_start) {
      out += "::";
      i = zero_end;
      if (i >= 8) break;
    } else if (i > 0) {
      out.push_back(':');
    }
    AppendHex16(groups[i], &out);
  }
  return out;
}

std::string ToString(const Net& n) {
  Addr nn = To4(n.ip);
  if (nn.empty()) nn = n.ip.len == 16 ? n.ip : Addr();
  Addr m = n.mask;
  if (nn.empty()) return "<nil>";
  if (m.len == 16 && nn.len == 4) {
    Addr tail;
    tail.len = 4;
    for (int i = 0; i < 4; ++i) tail.b[static_cast<size_t>(i)] = m.b[static_cast<size_t>(12 + i)];
    m = tail;
  } else if (m.len != nn.len) {
    return "<nil>";
  }
  int ones = PrefixLength(m);
  std::string out = ToString(nn) + "/";
  if (ones >= 0) {
    out += std::to_string(ones);
  } else {
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < m.len; ++i) {
      out.push_back(kHex[m.b[static_cast<size_t>(i)] >> 4]);
      out.push_back(kHex[m.b[static_cast<size_t>(i)] & 0xf]);
    }
  }
  return out;
}

}  // namespace fedra::builtins::ip
