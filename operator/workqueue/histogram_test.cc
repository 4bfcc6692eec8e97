#include "operator/workqueue/histogram.h"

#include <gtest/gtest.h>

#include <limits>

namespace fedra::op::workqueue {
namespace {

TEST(HistogramTest, CountsFallIntoTheirBuckets) {
  Histogram h;
  h.Observe(0.00005);  // <= 100 µs
  h.Observe(0.001);    // exactly a bound: counted in it
  h.Observe(0.7);      // <= 1 s
  h.Observe(1000);     // overflow
  h.Observe(-1);       // clamped to 0
  h.Observe(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(h.count(), 6u);
  EXPECT_EQ(h.counts()[0], 3u);
  EXPECT_EQ(h.counts()[3], 1u);
  EXPECT_EQ(h.counts()[11], 1u);
  EXPECT_EQ(h.counts().back(), 1u);
  EXPECT_DOUBLE_EQ(h.max(), 1000);
  EXPECT_NEAR(h.sum(), 1000.70105, 1e-9);
}

TEST(HistogramTest, QuantileIsABucketBound) {
  Histogram h;
  EXPECT_EQ(h.Quantile(0.5), 0);
  for (int i = 0; i < 99; ++i) h.Observe(0.002);
  h.Observe(5);
  EXPECT_DOUBLE_EQ(h.Quantile(0.5), 0.0025);
  EXPECT_DOUBLE_EQ(h.Quantile(0.99), 0.0025);
  EXPECT_DOUBLE_EQ(h.Quantile(1.0), 10.0);
}

}  // namespace
}  // namespace fedra::op::workqueue
