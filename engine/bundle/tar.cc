// tar reading (ustar, PAX, GNU long names) and deterministic writing.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bundle/archive.h"
#include "bundle/stream.h"

namespace fedra::bundle {
namespace {

constexpr size_t kBlock = 512;

// Header field offsets and sizes (POSIX ustar).
struct Field {
  size_t off;
  size_t len;
};
constexpr Field kName{0, 100};
constexpr Field kMode{100, 8};
constexpr Field kUid{108, 8};
constexpr Field kGid{116, 8};
constexpr Field kSize{124, 12};
constexpr Field kMtime{136, 12};
constexpr Field kChksum{148, 8};
constexpr size_t kTypeflag = 156;
constexpr Field kMagic{257, 6};
constexpr Field kVersion{263, 2};
constexpr Field kPrefix{345, 155};

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string_view CString(const char* block, Field f) {
  std::string_view s(block + f.off, f.len);
  size_t nul = s.find('\0');
  return nul == std::string_view::npos ? s : s.substr(0, nul);
}

// Octal number (space/NUL padded), or GNU base-256 when the high bit of the
// first byte is set.
bool ParseNumber(const char* block, Field f, uint64_t* out) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(block + f.off);
  if (p[0] & 0x80) {
    if (p[0] & 0x40) return false;  // negative
    uint64_t v = p[0] & 0x3f;
    for (size_t i = 1; i < f.len; ++i) {
      if (v >> 56) return false;
      v = (v << 8) | p[i];
    }
    *out = v;
    return true;
  }
  size_t i = 0;
  while (i < f.len && (p[i] == ' ' || p[i] == '\0')) ++i;
  uint64_t v = 0;
  bool any = false;
  for (; i < f.len && p[i] >= '0' && p[i] <= '7'; ++i) {
    if (v >> 60) return false;
    v = v * 8 + (p[i] - '0');
    any = true;
  }
  for (; i < f.len; ++i) {
    if (p[i] != ' ' && p[i] != '\0') return false;
  }
  *out = any ? v : 0;
  return true;
}

bool ChecksumOk(const char* block) {
  uint64_t want = 0;
  if (!ParseNumber(block, kChksum, &want)) return false;
  uint64_t unsigned_sum = 0;
  int64_t signed_sum = 0;
  for (size_t i = 0; i < kBlock; ++i) {
    bool in_field = i >= kChksum.off && i < kChksum.off + kChksum.len;
    unsigned char u = in_field ? ' ' : static_cast<unsigned char>(block[i]);
    unsigned_sum += u;
    signed_sum += in_field ? ' ' : static_cast<signed char>(block[i]);
  }
  // Some historic tars summed signed chars; Go and GNU tar accept both.
  return want == unsigned_sum || static_cast<int64_t>(want) == signed_sum;
}

bool AllZero(const char* block) {
  return std::all_of(block, block + kBlock, [](char c) { return c == 0; });
}

// PAX extended header records: "<len> <key>=<value>\n" repeated.
Status ParsePax(std::string_view data, std::string* path, bool* has_path, uint64_t* size,
                bool* has_size, std::string_view where) {
  while (!data.empty()) {
    size_t sp = data.find(' ');
    if (sp == std::string_view::npos || sp == 0 || sp > 20) {
      return Status::InvalidArgument(std::string(where) + ": malformed PAX record");
    }
    uint64_t len = 0;
    for (size_t i = 0; i < sp; ++i) {
      if (data[i] < '0' || data[i] > '9') {
        return Status::InvalidArgument(std::string(where) + ": malformed PAX record length");
      }
      len = len * 10 + (data[i] - '0');
    }
    if (len <= sp + 1 || len > data.size() || data[len - 1] != '\n') {
      return Status::InvalidArgument(std::string(where) + ": malformed PAX record");
    }
    std::string_view rec = data.substr(sp + 1, len - sp - 2);
    size_t eq = rec.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return Status::InvalidArgument(std::string(where) + ": PAX record without key=value");
    }
    std::string_view key = rec.substr(0, eq);
    std::string_view value = rec.substr(eq + 1);
    if (key == "path") {
      *path = std::string(value);
      *has_path = true;
    } else if (key == "size") {
      uint64_t v = 0;
      if (value.empty() || value.size() > 19) {
        return Status::InvalidArgument(std::string(where) + ": bad PAX size");
      }
      for (char c : value) {
        if (c < '0' || c > '9')
          return Status::InvalidArgument(std::string(where) + ": bad PAX size");
        v = v * 10 + (c - '0');
      }
      *size = v;
      *has_size = true;
    }
    data.remove_prefix(len);
  }
  return Status::OK();
}

class TarReader {
 public:
  TarReader(ByteSource* src, const Limits& limits) : src_(src), limits_(limits) {}

  Status Run(std::vector<TarEntry>* out) {
    std::vector<TarEntry> entries;
    std::set<std::string> seen;
    size_t total = 0;
    size_t count = 0;
    // State carried from PAX 'x' and GNU 'L' entries to the entry they describe.
    std::string next_path;
    bool has_next_path = false;
    uint64_t next_size = 0;
    bool has_next_size = false;
    char block[kBlock];
    for (;;) {
      size_t header_at = src_->offset();
      size_t got = 0;
      FEDRA_RETURN_IF_ERROR(src_->Read(block, kBlock, &got));
      if (got == 0) break;  // end of stream at a header boundary
      if (got < kBlock) {
        return Status::InvalidArgument("truncated tar header at byte " + std::to_string(header_at));
      }
      if (AllZero(block)) break;  // end-of-archive marker
      if (!ChecksumOk(block)) {
        return Status::InvalidArgument("bad tar header checksum at byte " +
                                       std::to_string(header_at) + " (entry " +
                                       Quote(CString(block, kName)) + ")");
      }
      if (++count > limits_.max_entries) {
        return Status::LimitExceeded("bundle has more than " + std::to_string(limits_.max_entries) +
                                     " tar entries (limit max_entries)");
      }
      char type = block[kTypeflag];
      std::string raw_name = HeaderName(block);
      if (has_next_path) raw_name = next_path;
      uint64_t size = 0;
      if (!ParseNumber(block, kSize, &size)) {
        return Status::InvalidArgument("tar entry " + Quote(raw_name) + ": bad size field");
      }
      if (has_next_size) size = next_size;
      bool meta = type == 'x' || type == 'g' || type == 'L' || type == 'K';
      if (raw_name.size() > limits_.max_path_bytes) {
        return Status::LimitExceeded("tar entry path longer than " +
                                     std::to_string(limits_.max_path_bytes) +
                                     " bytes (limit max_path_bytes)");
      }
      if (size > limits_.max_entry_bytes) {
        return Status::LimitExceeded(
            "tar entry " + Quote(raw_name) + " is " + std::to_string(size) + " bytes, more than " +
            std::to_string(limits_.max_entry_bytes) + " (limit max_entry_bytes)");
      }
      if (!meta) {
        has_next_path = has_next_size = false;
        next_path.clear();
      }
      switch (type) {
        case '0':
        case '\0':
        case '7': {  // regular file ('7': contiguous, a regular file everywhere else)
          std::string path;
          FEDRA_RETURN_IF_ERROR(NormalizeEntryPath(raw_name, &path));
          if (path.empty()) {
            return Status::InvalidArgument("tar entry " + Quote(raw_name) +
                                           ": a file needs a name");
          }
          total += size;
          if (total > limits_.max_total_bytes) {
            return Status::LimitExceeded("bundle files exceed " +
                                         std::to_string(limits_.max_total_bytes) +
                                         " bytes in total (limit max_total_bytes)");
          }
          std::string contents;
          FEDRA_RETURN_IF_ERROR(ReadData(size, raw_name, &contents));
          if (!seen.insert(path).second) {
            return Status::InvalidArgument("tar entry " + Quote(raw_name) + ": duplicate file " +
                                           Quote(path));
          }
          entries.push_back(TarEntry{std::move(path), std::move(contents)});
          break;
        }
        case '5': {  // directory
          std::string path;
          FEDRA_RETURN_IF_ERROR(NormalizeEntryPath(raw_name, &path));
          FEDRA_RETURN_IF_ERROR(Skip(size, raw_name));
          break;
        }
        case 'x': {
          if (size > limits_.max_path_bytes + 1024) {
            return Status::LimitExceeded("PAX header of " + Quote(raw_name) + " is too large");
          }
          std::string data;
          FEDRA_RETURN_IF_ERROR(ReadData(size, raw_name, &data));
          FEDRA_RETURN_IF_ERROR(ParsePax(data, &next_path, &has_next_path, &next_size,
                                         &has_next_size, "tar entry " + Quote(raw_name)));
          if (next_path.size() > limits_.max_path_bytes) {
            return Status::LimitExceeded("tar entry path longer than " +
                                         std::to_string(limits_.max_path_bytes) +
                                         " bytes (limit max_path_bytes)");
          }
          break;
        }
        case 'g':  // PAX global header: nothing in it matters to a bundle
        case 'K':  // GNU long link name: the link itself is rejected next
          FEDRA_RETURN_IF_ERROR(Skip(size, raw_name));
          break;
        case 'L': {
          if (size > limits_.max_path_bytes + 1) {
            return Status::LimitExceeded("tar entry path longer than " +
                                         std::to_string(limits_.max_path_bytes) +
                                         " bytes (limit max_path_bytes)");
          }
          std::string data;
          FEDRA_RETURN_IF_ERROR(ReadData(size, raw_name, &data));
          size_t nul = data.find('\0');
          if (nul != std::string::npos) data.resize(nul);
          next_path = std::move(data);
          has_next_path = true;
          break;
        }
        case '1':
          return Status::InvalidArgument("tar entry " + Quote(raw_name) +
                                         ": hard links are not allowed in a bundle");
        case '2':
          return Status::InvalidArgument("tar entry " + Quote(raw_name) +
                                         ": symbolic links are not allowed in a bundle");
        case '3':
        case '4':
          return Status::InvalidArgument("tar entry " + Quote(raw_name) +
                                         ": device files are not allowed in a bundle");
        case '6':
          return Status::InvalidArgument("tar entry " + Quote(raw_name) +
                                         ": FIFOs are not allowed in a bundle");
        default:
          return Status::InvalidArgument("tar entry " + Quote(raw_name) +
                                         ": unsupported entry type " +
                                         Quote(std::string_view(&type, 1)));
      }
    }
    if (has_next_path || has_next_size) {
      return Status::InvalidArgument("tar archive ends after an extended header without its entry");
    }
    *out = std::move(entries);
    return Status::OK();
  }

 private:
  static std::string HeaderName(const char* block) {
    std::string name(CString(block, kName));
    std::string_view magic(block + kMagic.off, kMagic.len);
    // POSIX ustar ("ustar\0" + "00") has a prefix field; old GNU ("ustar  \0")
    // uses those bytes for times instead.
    if (magic == std::string_view("ustar\0", 6) &&
        std::string_view(block + kVersion.off, 2) == "00") {
      std::string_view prefix = CString(block, kPrefix);
      if (!prefix.empty()) name = std::string(prefix) + "/" + name;
    }
    return name;
  }

  Status ReadData(uint64_t size, const std::string& name, std::string* out) {
    out->resize(size);
    size_t got = 0;
    FEDRA_RETURN_IF_ERROR(src_->Read(out->data(), size, &got));
    if (got < size) {
      return Status::InvalidArgument("tar entry " + Quote(name) + " is truncated (" +
                                     std::to_string(got) + " of " + std::to_string(size) +
                                     " bytes)");
    }
    return SkipPadding(size, name);
  }

  Status Skip(uint64_t size, const std::string& name) {
    char buf[4096];
    uint64_t left = size;
    while (left > 0) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(left, sizeof(buf)));
      size_t got = 0;
      FEDRA_RETURN_IF_ERROR(src_->Read(buf, n, &got));
      if (got < n) return Status::InvalidArgument("tar entry " + Quote(name) + " is truncated");
      left -= n;
    }
    return SkipPadding(size, name);
  }

  Status SkipPadding(uint64_t size, const std::string& name) {
    size_t pad = (kBlock - size % kBlock) % kBlock;
    if (pad == 0) return Status::OK();
    char buf[kBlock];
    size_t got = 0;
    FEDRA_RETURN_IF_ERROR(src_->Read(buf, pad, &got));
    if (got < pad)
      return Status::InvalidArgument("tar entry " + Quote(name) + " is truncated (padding)");
    return Status::OK();
  }

  ByteSource* src_;
  const Limits& limits_;
};

void PutOctal(char* block, Field f, uint64_t v) {
  // f.len - 1 digits, zero-padded, then NUL.
  std::string digits(f.len - 1, '0');
  for (size_t i = f.len - 1; i-- > 0 && v > 0;) {
    digits[i] = static_cast<char>('0' + (v & 7));
    v >>= 3;
  }
  std::memcpy(block + f.off, digits.data(), f.len - 1);
  block[f.off + f.len - 1] = '\0';
}

bool FitsOctal(Field f, uint64_t v) {
  return (f.len - 1) * 3 >= 64 || (v >> ((f.len - 1) * 3)) == 0;
}

void AppendHeader(std::string_view name, std::string_view prefix, char type, uint64_t size,
                  int64_t mtime, std::string* tar) {
  char block[kBlock];
  std::memset(block, 0, sizeof(block));
  std::memcpy(block + kName.off, name.data(), std::min(name.size(), kName.len));
  PutOctal(block, kMode, 0644);
  PutOctal(block, kUid, 0);
  PutOctal(block, kGid, 0);
  PutOctal(block, kSize, size);
  PutOctal(block, kMtime, mtime < 0 ? 0 : static_cast<uint64_t>(mtime));
  block[kTypeflag] = type;
  std::memcpy(block + kMagic.off, "ustar", 6);  // includes the NUL
  std::memcpy(block + kVersion.off, "00", 2);
  std::memcpy(block + kPrefix.off, prefix.data(), std::min(prefix.size(), kPrefix.len));
  std::memset(block + kChksum.off, ' ', kChksum.len);
  uint64_t sum = 0;
  for (size_t i = 0; i < kBlock; ++i) sum += static_cast<unsigned char>(block[i]);
  // Checksum: six octal digits, NUL, space (what GNU tar writes).
  char chk[8];
  std::snprintf(chk, sizeof(chk), "%06o", static_cast<unsigned>(sum));
  std::memcpy(block + kChksum.off, chk, 6);
  block[kChksum.off + 6] = '\0';
  block[kChksum.off + 7] = ' ';
  tar->append(block, kBlock);
}

void AppendData(std::string_view data, std::string* tar) {
  tar->append(data);
  tar->append((kBlock - data.size() % kBlock) % kBlock, '\0');
}

// A PAX record "<len> path=<value>\n", whose length counts its own digits.
std::string PaxRecord(std::string_view key, std::string_view value) {
  size_t body = 1 + key.size() + 1 + value.size() + 1;  // ' ' key '=' value '\n'
  size_t len = body + 1;
  while (std::to_string(len).size() + body != len) len = std::to_string(len).size() + body;
  return std::to_string(len) + " " + std::string(key) + "=" + std::string(value) + "\n";
}

// Splits `path` into ustar prefix and name when it fits.
bool SplitUstar(std::string_view path, std::string_view* prefix, std::string_view* name) {
  if (path.size() <= kName.len) {
    *prefix = {};
    *name = path;
    return true;
  }
  for (size_t i = path.size(); i-- > 0;) {
    if (path[i] != '/') continue;
    if (i <= kPrefix.len && path.size() - i - 1 <= kName.len && path.size() - i - 1 > 0) {
      *prefix = path.substr(0, i);
      *name = path.substr(i + 1);
      return true;
    }
    if (i < path.size() - kName.len - 1) break;
  }
  return false;
}

}  // namespace

Status NormalizeEntryPath(std::string_view path, std::string* out) {
  if (path.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("tar entry " + Quote(path) + ": NUL byte in path");
  }
  std::string result;
  size_t i = 0;
  while (i <= path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view seg = path.substr(i, slash - i);
    if (seg == "..") {
      return Status::InvalidArgument("tar entry " + Quote(path) +
                                     ": path escapes the bundle root (\"..\")");
    }
    if (!seg.empty() && seg != ".") {
      if (!result.empty()) result += '/';
      result += seg;
    }
    i = slash + 1;
  }
  *out = std::move(result);
  return Status::OK();
}

Status ReadTar(std::string_view tar, const Limits& limits, std::vector<TarEntry>* out) {
  if (tar.size() > limits.max_total_bytes) {
    return Status::LimitExceeded("tar stream exceeds " + std::to_string(limits.max_total_bytes) +
                                 " bytes (limit max_total_bytes)");
  }
  auto src = NewBufferSource(tar);
  return TarReader(src.get(), limits).Run(out);
}

Status ReadTarGz(std::string_view targz, const Limits& limits, std::vector<TarEntry>* out) {
  if (targz.size() > limits.max_compressed_bytes) {
    return Status::LimitExceeded(
        "bundle archive is " + std::to_string(targz.size()) + " bytes, more than " +
        std::to_string(limits.max_compressed_bytes) + " (limit max_compressed_bytes)");
  }
  // The tar stream carries headers and padding besides file contents: allow
  // them on top of max_total_bytes, bounded by the entry count.
  size_t overhead = (std::min<size_t>(limits.max_entries, 1u << 20) + 2) * 2 * kBlock;
  auto src = NewGunzipSource(targz, limits.max_total_bytes + overhead);
  Status st = TarReader(src.get(), limits).Run(out);
  if (!st.ok()) return st;
  // Read on past the end-of-archive marker through tar's record padding
  // (GNU tar pads to 10 KiB), so that a damaged gzip trailer (CRC, length)
  // is noticed; a longer tail is not inflated (it could be a bomb of zeros).
  char buf[4096];
  for (int i = 0; i < 16; ++i) {
    size_t got = 0;
    FEDRA_RETURN_IF_ERROR(src->Read(buf, sizeof(buf), &got));
    if (got < sizeof(buf)) break;
  }
  return Status::OK();
}

Status WriteTar(const std::vector<TarEntry>& entries, int64_t mtime, std::string* tar) {
  std::string result;
  for (const TarEntry& e : entries) {
    std::string norm;
    FEDRA_RETURN_IF_ERROR(NormalizeEntryPath(e.path, &norm));
    if (norm.empty() || norm != e.path) {
      return Status::InvalidArgument("cannot write tar entry " + Quote(e.path) +
                                     ": paths must be relative and normalised");
    }
    std::string_view prefix, name;
    if (!SplitUstar(e.path, &prefix, &name) || !FitsOctal(kSize, e.contents.size())) {
      std::string pax = PaxRecord("path", e.path);
      if (!FitsOctal(kSize, e.contents.size()))
        pax += PaxRecord("size", std::to_string(e.contents.size()));
      AppendHeader("PaxHeaders/" + e.path.substr(0, 80), {}, 'x', pax.size(), mtime, &result);
      AppendData(pax, &result);
      prefix = {};
      name = std::string_view(e.path).substr(0, kName.len);
    }
    AppendHeader(name, prefix, '0', FitsOctal(kSize, e.contents.size()) ? e.contents.size() : 0,
                 mtime, &result);
    AppendData(e.contents, &result);
  }
  result.append(2 * kBlock, '\0');
  *tar = std::move(result);
  return Status::OK();
}

Status WriteTarGz(const std::vector<TarEntry>& entries, int64_t mtime, std::string* targz) {
  std::string tar;
  FEDRA_RETURN_IF_ERROR(WriteTar(entries, mtime, &tar));
  return Gzip(tar, targz);
}

}  // namespace fedra::bundle
