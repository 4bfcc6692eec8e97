// The last good bundle on disk: <dir>/bundle.tar.gz and <dir>/bundle.etag.
//
// Each file is written to a temporary name in the same directory, fsynced
// and renamed over the old one, then the directory is fsynced: a crash
// leaves either the old or the new file, never a torn one. The bundle is
// written before its ETag, so a crash between the two leaves the new bundle
// with the old ETag, which only costs one extra download.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include "bundle/client.h"
#include "tools/file_util.h"

namespace fedra::bundle {
namespace {

constexpr char kBundleName[] = "bundle.tar.gz";
constexpr char kEtagName[] = "bundle.etag";

Status Errno(const std::string& what) {
  return Status::IoError(what + ": " + std::strerror(errno));
}

Status WriteAtomically(const std::string& dir, const std::string& name, std::string_view data) {
  std::string final_path = dir + "/" + name;
  std::string tmp = dir + "/." + name + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno(tmp);
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status st = Errno(tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return st;
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Status st = Errno(tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return st;
  }
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return Errno(tmp);
  }
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    Status st = Errno(final_path);
    ::unlink(tmp.c_str());
    return st;
  }
  return Status::OK();
}

void SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

Status SaveBundleFile(const std::string& dir, std::string_view raw, std::string_view etag) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError(dir + ": " + ec.message());
  FEDRA_RETURN_IF_ERROR(WriteAtomically(dir, kBundleName, raw));
  FEDRA_RETURN_IF_ERROR(WriteAtomically(dir, kEtagName, etag));
  SyncDir(dir);
  return Status::OK();
}

Status LoadBundleFile(const std::string& dir, std::string* raw, std::string* etag) {
  std::string path = dir + "/" + kBundleName;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::NotFound(path + ": no persisted bundle");
  FEDRA_RETURN_IF_ERROR(tools::ReadFile(path, raw));
  std::string etag_path = dir + "/" + kEtagName;
  etag->clear();
  if (std::filesystem::exists(etag_path, ec))
    FEDRA_RETURN_IF_ERROR(tools::ReadFile(etag_path, etag, 4096));
  return Status::OK();
}

}  // namespace fedra::bundle
