// gzip with zlib: streaming inflate with an output bound, deterministic
// deflate.
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "bundle/archive.h"
#include "bundle/stream.h"

namespace fedra::bundle {
namespace {

class BufferSource : public ByteSource {
 public:
  explicit BufferSource(std::string_view data) : data_(data) {}
  Status Read(char* buf, size_t n, size_t* got) override {
    size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    *got = k;
    return Status::OK();
  }
  size_t offset() const override { return pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

constexpr int kGzipWindow = 15 + 16;  // gzip wrapper only: raw zlib or plain tar is "not gzip"

class GunzipSource : public ByteSource {
 public:
  GunzipSource(std::string_view data, size_t max_out) : data_(data), max_out_(max_out) {
    std::memset(&zs_, 0, sizeof(zs_));
    if (data_.size() < 2 || static_cast<unsigned char>(data_[0]) != 0x1f ||
        static_cast<unsigned char>(data_[1]) != 0x8b) {
      error_ = Status::InvalidArgument("not a gzip stream (bad magic bytes)");
      return;
    }
    if (inflateInit2(&zs_, kGzipWindow) != Z_OK) {
      error_ = Status::Internal("gzip: inflateInit2 failed");
      return;
    }
    initialized_ = true;
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data_.data()));
    zs_.avail_in = static_cast<uInt>(std::min<size_t>(data_.size(), kMaxChunk));
    consumed_ = zs_.avail_in;
  }
  ~GunzipSource() override {
    if (initialized_) inflateEnd(&zs_);
  }

  Status Read(char* buf, size_t n, size_t* got) override {
    *got = 0;
    if (!error_.ok()) return error_;
    while (*got < n && !done_) {
      if (out_ >= max_out_) {
        // One byte more than allowed tells "exactly at the limit" from "over".
        char probe;
        size_t k = 0;
        Status st = Inflate(&probe, 1, &k);
        if (!st.ok()) return Fail(st);
        if (k == 0) break;
        return Fail(Status::LimitExceeded("uncompressed bundle exceeds " +
                                          std::to_string(max_out_) +
                                          " bytes (limit max_total_bytes)"));
      }
      size_t want = std::min(n - *got, max_out_ - out_);
      size_t k = 0;
      Status st = Inflate(buf + *got, want, &k);
      if (!st.ok()) return Fail(st);
      *got += k;
      out_ += k;
      if (k == 0 && !done_) return Fail(Status::Internal("gzip: no progress"));
    }
    return Status::OK();
  }
  size_t offset() const override { return out_; }

 private:
  static constexpr size_t kMaxChunk = 1u << 30;  // avail_in is 32-bit

  Status Fail(Status st) {
    error_ = st;
    return st;
  }

  // Inflates into buf; sets done_ at the end of the last member.
  Status Inflate(char* buf, size_t n, size_t* got) {
    *got = 0;
    zs_.next_out = reinterpret_cast<Bytef*>(buf);
    zs_.avail_out = static_cast<uInt>(std::min<size_t>(n, kMaxChunk));
    while (zs_.avail_out > 0 && !done_) {
      if (zs_.avail_in == 0 && consumed_ < data_.size()) {
        size_t k = std::min(data_.size() - consumed_, kMaxChunk);
        zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data_.data() + consumed_));
        zs_.avail_in = static_cast<uInt>(k);
        consumed_ += k;
      }
      int rc = inflate(&zs_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        size_t pos = consumed_ - zs_.avail_in;
        if (!NextMember(pos)) done_ = true;
        if (!error_.ok()) return error_;
        continue;
      }
      if (rc == Z_BUF_ERROR) {
        if (zs_.avail_in == 0 && consumed_ >= data_.size()) {
          return Status::InvalidArgument("truncated gzip stream (ends at byte " +
                                         std::to_string(data_.size()) + ")");
        }
        break;  // output full
      }
      if (rc != Z_OK) {
        std::string msg = zs_.msg ? zs_.msg : "error " + std::to_string(rc);
        return Status::InvalidArgument("corrupt gzip stream at byte " +
                                       std::to_string(consumed_ - zs_.avail_in) + ": " + msg);
      }
    }
    *got = n - zs_.avail_out;
    return Status::OK();
  }

  // After a member ends at `pos`: another member follows (reset and go on),
  // zero padding or nothing follows (done), or garbage follows (error).
  bool NextMember(size_t pos) {
    std::string_view rest = data_.substr(pos);
    if (rest.empty()) return false;
    if (rest.size() >= 2 && static_cast<unsigned char>(rest[0]) == 0x1f &&
        static_cast<unsigned char>(rest[1]) == 0x8b) {
      inflateReset(&zs_);
      zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(rest.data()));
      size_t k = std::min(rest.size(), kMaxChunk);
      zs_.avail_in = static_cast<uInt>(k);
      consumed_ = pos + k;
      return true;
    }
    if (std::all_of(rest.begin(), rest.end(), [](char c) { return c == 0; })) return false;
    error_ = Status::InvalidArgument("trailing garbage after gzip stream at byte " +
                                     std::to_string(pos));
    return false;
  }

  std::string_view data_;
  size_t max_out_;
  z_stream zs_;
  bool initialized_ = false;
  bool done_ = false;
  size_t consumed_ = 0;  // input bytes handed to zlib
  size_t out_ = 0;
  Status error_;
};

}  // namespace

std::unique_ptr<ByteSource> NewBufferSource(std::string_view data) {
  return std::make_unique<BufferSource>(data);
}

std::unique_ptr<ByteSource> NewGunzipSource(std::string_view data, size_t max_out) {
  return std::make_unique<GunzipSource>(data, max_out);
}

Status Gunzip(std::string_view in, size_t max_out, std::string* out) {
  auto src = NewGunzipSource(in, max_out);
  std::string result;
  char buf[64 * 1024];
  for (;;) {
    size_t got = 0;
    FEDRA_RETURN_IF_ERROR(src->Read(buf, sizeof(buf), &got));
    result.append(buf, got);
    if (got < sizeof(buf)) break;
  }
  *out = std::move(result);
  return Status::OK();
}

Status Gzip(std::string_view in, std::string* out) {
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  // Level 6 (zlib's default: level 9 took 3x as long on a 1,000-policy bundle
  // for 20% less), default memory level: the output depends only on the input
  // and these settings, and deflateInit2's gzip header has mtime 0.
  if (deflateInit2(&zs, 6, Z_DEFLATED, kGzipWindow, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::Internal("gzip: deflateInit2 failed");
  }
  std::string result;
  result.resize(deflateBound(&zs, static_cast<uLong>(in.size())) + 64);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(result.data());
  zs.avail_out = static_cast<uInt>(result.size());
  int rc = deflate(&zs, Z_FINISH);
  size_t produced = result.size() - zs.avail_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Status::Internal("gzip: deflate failed");
  result.resize(produced);
  *out = std::move(result);
  return Status::OK();
}

}  // namespace fedra::bundle
