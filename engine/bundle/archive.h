// gzip and tar for bundles: a bounded, streaming reader and a deterministic
// writer. Internal to engine/bundle (used by bundle.cc and its tests).
//
// Reading accepts what OPA's `opa build`, GNU tar and bsdtar write: ustar
// headers (with the name prefix field), PAX extended headers (`path`,
// `size`; global headers are ignored), GNU long names (`L` entries) and GNU
// base-256 sizes; concatenated gzip members. Only regular files and
// directories are allowed: links, devices, FIFOs and sparse or unknown entry
// types are rejected naming the entry. Paths are normalised relative to the
// bundle root (a leading "/" or "./" is dropped, as OPA does for the paths
// `opa build` writes); a ".." segment, an empty file path, a NUL byte or a
// duplicate file path rejects the archive.
//
// The gzip stream is inflated incrementally and the tar parsed as it
// arrives, so memory holds only the entries' contents; the uncompressed
// stream is cut off at Limits::max_total_bytes (gzip bombs stop there).
//
// Writing emits ustar entries with mode 0644, uid/gid 0, empty owner names,
// a given mtime, PAX `path` records for paths ustar cannot hold, and gzip
// at level 6 with a zero gzip mtime: equal inputs give equal bytes.
#ifndef FEDRA_BUNDLE_ARCHIVE_H_
#define FEDRA_BUNDLE_ARCHIVE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bundle/bundle.h"
#include "fedra/status.h"

namespace fedra::bundle {

struct TarEntry {
  std::string path;  // normalised: no leading '/', no "." or ".." segments
  std::string contents;
};

// Regular files of a .tar.gz in archive order (directories are dropped).
Status ReadTarGz(std::string_view targz, const Limits& limits, std::vector<TarEntry>* out);
// The same for an uncompressed tar stream.
Status ReadTar(std::string_view tar, const Limits& limits, std::vector<TarEntry>* out);

// Entries in the given order. Paths must be non-empty and relative.
Status WriteTar(const std::vector<TarEntry>& entries, int64_t mtime, std::string* tar);
Status WriteTarGz(const std::vector<TarEntry>& entries, int64_t mtime, std::string* targz);

// Whole-buffer gzip helpers. Gunzip fails with kEvalLimitError once the
// output would exceed max_out.
Status Gzip(std::string_view in, std::string* out);
Status Gunzip(std::string_view in, size_t max_out, std::string* out);

// Normalises an archive path as described above; errors name `path`.
Status NormalizeEntryPath(std::string_view path, std::string* out);

}  // namespace fedra::bundle

#endif  // FEDRA_BUNDLE_ARCHIVE_H_
