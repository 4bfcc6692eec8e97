// Go's net/url parsing rules (url.Parse, escape/unescape modes). See go_url.h.
#include "builtins/go_url.h"

#include <string>
#include <string_view>

namespace fedra::builtins::gourl {
namespace {

enum class Mode { kPath, kHost, kZone, kUserPassword, kQueryComponent, kFragment };

bool IsAlnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsHex(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int Unhex(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}


bool ShouldEscape(unsigned char c, Mode mode) {
  if (IsAlnum(c)) return false;
  if (mode == Mode::kHost || mode == Mode::kZone) {
    switch (c) {
      case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+':
      case ',': case ';': case '=': case ':': case '[': case ']': case '<': case '>':
      case '"':
        return false;
      default:
        break;
    }
  }
  switch (c) {
    case '-': case '_': case '.': case '~':
      return false;
    case '$': case '&': case '+': case ',': case '/': case ':': case ';': case '=':
    case '?': case '@':
      switch (mode) {
        case Mode::kPath: return c == '?';
        case Mode::kUserPassword: return c == '@' || c == '/' || c == '?' || c == ':';
        case Mode::kQueryComponent: return true;
        case Mode::kFragment: return false;
        default: break;
      }
      break;
    default:
      break;
  }
  if (mode == Mode::kFragment && (c == '!' || c == '(' || c == ')' || c == '*')) return false;
  return true;
}

std::string Escape(std::string_view s, Mode mode) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (!ShouldEscape(c, mode)) {
      out += static_cast<char>(c);
    } else if (c == ' ' && mode == Mode::kQueryComponent) {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Status Unescape(std::string_view s, Mode mode, std::string* out) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || !IsHex(s[i + 1]) || !IsHex(s[i + 2])) {
        std::string_view bad = s.substr(i, 3);
        return Status::InvalidArgument("invalid URL escape " + QuoteForError(bad));
      }
      // Hosts may not hide ASCII control and space bytes behind escapes
      // (RFC 6874 allows only %25 in zones).
      if (mode == Mode::kHost && Unhex(s[i + 1]) < 8 && s.substr(i, 3) != "%25") {
        return Status::InvalidArgument("invalid URL escape " + QuoteForError(s.substr(i, 3)));
      }
      if (mode == Mode::kZone) {
        int v = Unhex(s[i + 1]) << 4 | Unhex(s[i + 2]);
        if (s.substr(i, 3) != "%25" && v != ' ' && ShouldEscape(static_cast<unsigned char>(v), Mode::kHost)) {
          return Status::InvalidArgument("invalid URL escape " + QuoteForError(s.substr(i, 3)));
        }
      }
      i += 3;
    } else {
      if ((mode == Mode::kHost || mode == Mode::kZone) && c < 0x80 && ShouldEscape(c, mode)) {
        return Status::InvalidArgument("invalid character " + QuoteForError(s.substr(i, 1)) + " in host name");
      }
      ++i;
    }
  }
  out->clear();
  out->reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c == '%') {
      out->push_back(static_cast<char>(Unhex(s[i + 1]) << 4 | Unhex(s[i + 2])));
      i += 2;
    } else if (c == '+' && mode == Mode::kQueryComponent) {
      out->push_back(' ');
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
  return Status::OK();
}

bool ValidOptionalPort(std::string_view port) {
  if (port.empty()) return true;
  if (port[0] != ':') return false;
  for (char c : port.substr(1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool ValidUserinfo(std::string_view s) {
  static constexpr std::string_view kAllowed = "-._:~!$&'()*+,;=%@";
  for (unsigned char c : s) {
    if (IsAlnum(c)) continue;
    if (kAllowed.find(static_cast<char>(c)) == std::string_view::npos) return false;
  }
  return true;
}

bool ValidEncoded(std::string_view s, Mode mode) {
  static constexpr std::string_view kSubDelims = "!$&'()*+,;=:@[]%";
  for (unsigned char c : s) {
    if (kSubDelims.find(static_cast<char>(c)) != std::string_view::npos) continue;
    if (ShouldEscape(c, mode)) return false;
  }
  return true;
}

Status ParseHost(std::string_view host, std::string* out) {
  if (!host.empty() && host[0] == '[') {
    size_t close = host.rfind(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("missing ']' in host");
    std::string_view colon_port = host.substr(close + 1);
    if (!ValidOptionalPort(colon_port)) {
      return Status::InvalidArgument("invalid port " + QuoteForError(colon_port) + " after host");
    }
    size_t zone = host.substr(0, close).find("%25");
    if (zone != std::string_view::npos) {
      std::string a, b, c;
      Status st = Unescape(host.substr(0, zone), Mode::kHost, &a);
      if (st.ok()) st = Unescape(host.substr(zone, close - zone), Mode::kZone, &b);
      if (st.ok()) st = Unescape(host.substr(close), Mode::kHost, &c);
      if (!st.ok()) return st;
      *out = a + b + c;
      return Status::OK();
    }
  } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    std::string_view colon_port = host.substr(colon);
    if (!ValidOptionalPort(colon_port)) {
      return Status::InvalidArgument("invalid port " + QuoteForError(colon_port) + " after host");
    }
  }
  return Unescape(host, Mode::kHost, out);
}

Status ParseAuthority(std::string_view authority, Url* u) {
  size_t at = authority.rfind('@');
  std::string_view host_part = at == std::string_view::npos ? authority : authority.substr(at + 1);
  Status st = ParseHost(host_part, &u->host);
  if (!st.ok() || at == std::string_view::npos) return st;
  std::string_view userinfo = authority.substr(0, at);
  if (!ValidUserinfo(userinfo)) return Status::InvalidArgument("net/url: invalid userinfo");
  u->has_user = true;
  u->raw_userinfo = std::string(userinfo);
  size_t colon = userinfo.find(':');
  if (colon == std::string_view::npos) return Unescape(userinfo, Mode::kUserPassword, &u->username);
  st = Unescape(userinfo.substr(0, colon), Mode::kUserPassword, &u->username);
  if (!st.ok()) return st;
  u->has_password = true;
  return Unescape(userinfo.substr(colon + 1), Mode::kUserPassword, &u->password);
}

Status SetPath(std::string_view p, Url* u) {
  Status st = Unescape(p, Mode::kPath, &u->path);
  if (!st.ok()) return st;
  if (Escape(u->path, Mode::kPath) != p) u->raw_path = std::string(p);
  return Status::OK();
}

// url.parse(rawURL, viaRequest=false) without the fragment.
Status ParseNoFragment(std::string_view raw, Url* u) {
  for (unsigned char c : raw) {
    if (c < 0x20 || c == 0x7f) return Status::InvalidArgument("net/url: invalid control character in URL");
  }
  if (raw == "*") {
    u->path = "*";
    return Status::OK();
  }
  // The scheme: letters first, then letters, digits, '+', '-', '.' up to ':'.
  std::string_view rest = raw;
  for (size_t i = 0; i < raw.size(); ++i) {
    unsigned char c = raw[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) continue;
    if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
      if (i == 0) break;
      continue;
    }
    if (c == ':') {
      if (i == 0) return Status::InvalidArgument("missing protocol scheme");
      u->scheme.assign(raw.substr(0, i));
      for (char& ch : u->scheme) {
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      }
      rest = raw.substr(i + 1);
    }
    break;
  }
  if (!rest.empty() && rest.back() == '?' && rest.find('?') == rest.size() - 1) {
    u->force_query = true;
    rest.remove_suffix(1);
  } else if (size_t q = rest.find('?'); q != std::string_view::npos) {
    u->raw_query.assign(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  if (rest.empty() || rest[0] != '/') {
    if (!u->scheme.empty()) {
      u->opaque.assign(rest);
      return Status::OK();
    }
    std::string_view segment = rest.substr(0, rest.find('/'));
    if (segment.find(':') != std::string_view::npos) {
      return Status::InvalidArgument("first path segment in URL cannot contain colon");
    }
  }
  if ((!u->scheme.empty() || rest.substr(0, 3) != "///") && rest.substr(0, 2) == "//") {
    std::string_view authority = rest.substr(2);
    rest = std::string_view();
    if (size_t slash = authority.find('/'); slash != std::string_view::npos) {
      rest = authority.substr(slash);
      authority = authority.substr(0, slash);
    }
    Status st = ParseAuthority(authority, u);
    if (!st.ok()) return st;
  }
  return SetPath(rest, u);
}

}  // namespace

std::string EscapePath(std::string_view s) { return Escape(s, Mode::kPath); }

std::string Url::EscapedPath() const {
  if (!raw_path.empty() && ValidEncoded(raw_path, Mode::kPath)) {
    std::string p;
    if (Unescape(raw_path, Mode::kPath, &p).ok() && p == path) return raw_path;
  }
  if (path == "*") return "*";
  return Escape(path, Mode::kPath);
}

std::string Url::Hostname() const {
  std::string_view h = host;
  size_t colon = h.rfind(':');
  if (colon != std::string_view::npos && ValidOptionalPort(h.substr(colon))) h = h.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  return std::string(h);
}

std::string Url::Port() const {
  std::string_view h = host;
  size_t colon = h.rfind(':');
  if (colon != std::string_view::npos && ValidOptionalPort(h.substr(colon))) {
    return std::string(h.substr(colon + 1));
  }
  return std::string();
}

Status ParseGoUrl(std::string_view raw, Url* out) {
  *out = Url();
  size_t hash = raw.find('#');
  std::string_view before = raw.substr(0, hash);
  Status st = ParseNoFragment(before, out);
  if (!st.ok()) return Status::InvalidArgument("parse " + QuoteForError(before) + ": " + std::string(st.message()));
  if (hash == std::string_view::npos) return Status::OK();
  std::string_view frag = raw.substr(hash + 1);
  if (frag.empty()) return Status::OK();
  st = Unescape(frag, Mode::kFragment, &out->fragment);
  if (!st.ok()) return Status::InvalidArgument("parse " + QuoteForError(raw) + ": " + std::string(st.message()));
  if (Escape(out->fragment, Mode::kFragment) != frag) out->raw_fragment = std::string(frag);
  return Status::OK();
}

// strconv.Quote for the ASCII texts these errors show; other bytes are kept
// as they are when printable UTF-8 and \x-escaped when control bytes.
std::string QuoteForError(std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace fedra::builtins::gourl
