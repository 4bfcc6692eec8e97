#include "tools/file_util.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

namespace fedra::tools {
namespace {

struct FileCloser {
  void operator()(FILE* f) const {
    if (f != nullptr && f != stdin) std::fclose(f);
  }
};

}  // namespace

Status ReadFile(const std::string& path, std::string* out, size_t max_bytes) {
  out->clear();
  std::unique_ptr<FILE, FileCloser> f(path == "-" ? stdin : std::fopen(path.c_str(), "rb"));
  if (f == nullptr) {
    int err = errno;
    return err == ENOENT ? Status::NotFound(path + ": no such file")
                         : Status::IoError(path + ": " + std::strerror(err));
  }
  char buf[1 << 16];
  for (;;) {
    size_t n = std::fread(buf, 1, sizeof buf, f.get());
    if (n > 0) {
      if (out->size() + n > max_bytes) {
        return Status::InvalidArgument(path + ": file larger than " + std::to_string(max_bytes) +
                                       " bytes");
      }
      out->append(buf, n);
    }
    if (n < sizeof buf) {
      if (std::ferror(f.get())) {
        // EISDIR surfaces here on Linux: fopen of a directory succeeds.
        return Status::IoError(path + ": " + std::strerror(errno));
      }
      break;
    }
  }
  return Status::OK();
}

Status WriteFile(const std::string& path, const std::string& contents) {
  std::unique_ptr<FILE, FileCloser> f(std::fopen(path.c_str(), "wb"));
  if (f == nullptr) return Status::IoError(path + ": " + std::strerror(errno));
  if (std::fwrite(contents.data(), 1, contents.size(), f.get()) != contents.size()) {
    return Status::IoError(path + ": write failed: " + std::strerror(errno));
  }
  FILE* raw = f.release();
  if (std::fclose(raw) != 0) return Status::IoError(path + ": " + std::strerror(errno));
  return Status::OK();
}

}  // namespace fedra::tools
