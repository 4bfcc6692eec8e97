// Shared between bundle.cc (archives) and bundle_write.cc (directories).
#ifndef FEDRA_BUNDLE_BUNDLE_INTERNAL_H_
#define FEDRA_BUNDLE_BUNDLE_INTERNAL_H_

#include <vector>

#include "bundle/archive.h"
#include "bundle/bundle.h"
#include "fedra/status.h"

namespace fedra::bundle {

// Validates entries (already path-normalised) into a Bundle. `verify`
// applies options.verification / skip_verification; directories pass false.
Status BuildBundle(std::vector<TarEntry> entries, const ReadOptions& options, bool verify,
                   Bundle* out);

}  // namespace fedra::bundle

#endif  // FEDRA_BUNDLE_BUNDLE_INTERNAL_H_
