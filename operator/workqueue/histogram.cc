#include "operator/workqueue/histogram.h"

#include <algorithm>

namespace fedra::op::workqueue {

void Histogram::Observe(double seconds) {
  if (!(seconds >= 0)) seconds = 0;  // also catches NaN
  size_t i = std::lower_bound(kBounds.begin(), kBounds.end(), seconds) - kBounds.begin();
  ++counts_[i];
  ++count_;
  sum_ += seconds;
  max_ = std::max(max_, seconds);
}

double Histogram::Quantile(double q) const {
  if (count_ == 0) return 0;
  uint64_t want = static_cast<uint64_t>(q * static_cast<double>(count_) + 0.999999);
  if (want == 0) want = 1;
  uint64_t seen = 0;
  for (size_t i = 0; i < kBounds.size(); ++i) {
    seen += counts_[i];
    if (seen >= want) return kBounds[i];
  }
  return kBounds.back() * 2;
}

}  // namespace fedra::op::workqueue
