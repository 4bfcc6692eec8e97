// Byte sources for the tar reader: a plain buffer, or a gzip stream inflated
// on demand with an output bound. Internal to engine/bundle.
#ifndef FEDRA_BUNDLE_STREAM_H_
#define FEDRA_BUNDLE_STREAM_H_

#include <cstddef>
#include <memory>
#include <string_view>

#include "fedra/status.h"

namespace fedra::bundle {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to n bytes into buf; *got < n only at the end of the stream.
  virtual Status Read(char* buf, size_t n, size_t* got) = 0;
  // Bytes produced so far.
  virtual size_t offset() const = 0;
};

// `data` must outlive the source.
std::unique_ptr<ByteSource> NewBufferSource(std::string_view data);
// Inflates gzip (one or more members). Reading past max_out bytes of output
// fails with kEvalLimitError; a corrupt or truncated stream with
// kInvalidArgument. `data` must outlive the source.
std::unique_ptr<ByteSource> NewGunzipSource(std::string_view data, size_t max_out);

}  // namespace fedra::bundle

#endif  // FEDRA_BUNDLE_STREAM_H_
