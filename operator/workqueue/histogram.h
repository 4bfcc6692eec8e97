// Histogram: a fixed-bucket latency histogram in the Prometheus manner
// (cumulative-free counts per upper bound, plus sum and count), small enough
// to copy out as part of a metrics snapshot.
//
// Not thread-safe by itself: the owner keeps it under its own lock and hands
// out copies.
#ifndef FEDRA_OP_WORKQUEUE_HISTOGRAM_H_
#define FEDRA_OP_WORKQUEUE_HISTOGRAM_H_

#include <array>
#include <cstddef>
#include <cstdint>

namespace fedra::op::workqueue {

class Histogram {
 public:
  // Upper bounds in seconds: 100 µs .. 60 s, roughly x2.5 per step, covering
  // both a cache-only reconcile and one that waits on a slow API server.
  static constexpr std::array<double, 14> kBounds = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 10.0, 60.0};
  // counts()[i] counts observations <= kBounds[i] (and > kBounds[i-1]); the
  // last slot counts everything above the largest bound.
  using Counts = std::array<uint64_t, kBounds.size() + 1>;

  void Observe(double seconds);

  uint64_t count() const { return count_; }
  double sum() const { return sum_; }
  double max() const { return max_; }
  const Counts& counts() const { return counts_; }
  // The bound under which at least `q` (0..1) of the observations fall, or
  // +inf (as the largest bound * 2) when they fall in the overflow slot.
  double Quantile(double q) const;

 private:
  Counts counts_{};
  uint64_t count_ = 0;
  double sum_ = 0;
  double max_ = 0;
};

}  // namespace fedra::op::workqueue

#endif  // FEDRA_OP_WORKQUEUE_HISTOGRAM_H_
