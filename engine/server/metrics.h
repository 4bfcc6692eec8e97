// Prometheus metrics for fedra-engine: counters and histograms keyed by label
// values, rendered in the Prometheus text exposition format (version 0.0.4).
//
// Families are declared once (name, help, label names); observations name
// the label values. Thread-safe: series are found under a mutex and updated
// with atomics, so observing costs a map lookup and a few atomic adds.
// Series are never removed (label values come from a bounded set: routes,
// status codes, policy names, outcomes).
#ifndef FEDRA_SERVER_METRICS_H_
#define FEDRA_SERVER_METRICS_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace fedra::server {

class Counter {
 public:
  Counter(std::string name, std::string help, std::vector<std::string> labels);
  void Add(const std::vector<std::string>& label_values, double delta = 1);
  double Get(const std::vector<std::string>& label_values) const;
  void Render(std::string* out) const;

 protected:
  Counter(std::string name, std::string help, std::vector<std::string> labels, const char* type);
  void Store(const std::vector<std::string>& label_values, double value);
  // Every series replaced by `values` under one lock (a scrape sees the old
  // set or the new one).
  void ReplaceAll(const std::map<std::vector<std::string>, double>& values);

 private:
  const char* type_ = "counter";
  std::string name_, help_;
  std::vector<std::string> labels_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<std::atomic<double>>> series_;  // GUARDED_BY(mu_)
};

class Histogram {
 public:
  // `bounds`: upper bounds of the buckets, ascending (+Inf is implied).
  Histogram(std::string name, std::string help, std::vector<std::string> labels,
            std::vector<double> bounds);
  void Observe(const std::vector<std::string>& label_values, double value);
  uint64_t Count(const std::vector<std::string>& label_values) const;
  void Render(std::string* out) const;

  // Latency buckets in seconds, 25 µs to 10 s.
  static std::vector<double> LatencyBuckets();

 private:
  struct Series {
    explicit Series(size_t n) : buckets(n) {}
    std::vector<std::atomic<uint64_t>> buckets;  // non-cumulative
    std::atomic<uint64_t> count{0};
    std::atomic<double> sum{0};
  };
  std::string name_, help_;
  std::vector<std::string> labels_;
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Series>> series_;  // GUARDED_BY(mu_)
};

// Gauges with labels, set by their owner (the operator's clusters and
// policies by state). Replace() swaps in a whole snapshot, so a state
// nothing is in any more is not reported with a stale count.
class GaugeFamily : public Counter {
 public:
  GaugeFamily(std::string name, std::string help, std::vector<std::string> labels)
      : Counter(std::move(name), std::move(help), std::move(labels), "gauge") {}
  void Set(const std::vector<std::string>& label_values, double value) { Store(label_values, value); }
  // Replaces every series with `values` at once.
  void Replace(const std::map<std::vector<std::string>, double>& values) { ReplaceAll(values); }
};

// A gauge whose value is read when rendering.
struct Gauge {
  std::string name, help;
  std::function<double()> read;
  void Render(std::string* out) const;
};

// The engine's metrics, one instance per process.
class Metrics {
 public:
  Metrics();

  // One HTTP request: route is the endpoint pattern ("/v1/data", "/v1/admit").
  void ObserveRequest(const std::string& route, const std::string& method, int code,
                      std::chrono::nanoseconds duration);
  // One admission decision and each policy's part in it.
  void ObserveDecision(bool allowed, bool errored);
  void ObservePolicy(const std::string& policy, const std::string& outcome,
                     std::chrono::nanoseconds duration);
  void ObserveActivation(const std::string& source, bool ok);
  void SetGauge(std::string name, std::string help, std::function<double()> read);

  std::string Render() const;

  Counter http_requests;
  Histogram http_duration;
  Counter decisions;
  Counter policy_decisions;
  Histogram policy_duration;
  Counter activations;

 private:
  mutable std::mutex gauges_mu_;
  std::vector<Gauge> gauges_;  // GUARDED_BY(gauges_mu_)
};

// Resident set size of this process in bytes (from /proc/self/statm).
double ResidentMemoryBytes();

}  // namespace fedra::server

#endif  // FEDRA_SERVER_METRICS_H_
