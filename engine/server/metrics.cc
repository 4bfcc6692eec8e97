#include "server/metrics.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>

namespace fedra::server {

namespace {

// Label values escape backslash, double quote and newline.
void AppendLabelValue(std::string* out, const std::string& v) {
  for (char c : v) {
    if (c == '\\') {
      *out += "\\\\";
    } else if (c == '"') {
      *out += "\\\"";
    } else if (c == '\n') {
      *out += "\\n";
    } else {
      out->push_back(c);
    }
  }
}

void AppendLabels(std::string* out, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, const char* extra_name = nullptr,
                  const std::string& extra_value = "") {
  if (names.empty() && extra_name == nullptr) return;
  out->push_back('{');
  bool first = true;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (!first) out->push_back(',');
    first = false;
    *out += names[i];
    *out += "=\"";
    AppendLabelValue(out, values[i]);
    out->push_back('"');
  }
  if (extra_name != nullptr) {
    if (!first) out->push_back(',');
    *out += extra_name;
    *out += "=\"";
    *out += extra_value;
    out->push_back('"');
  }
  out->push_back('}');
}

std::string FormatNumber(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof(buf), "%.0f", v);
  } else {
    std::snprintf(buf, sizeof(buf), "%.9g", v);
  }
  return buf;
}

void AtomicAdd(std::atomic<double>* a, double d) {
  double cur = a->load(std::memory_order_relaxed);
  while (!a->compare_exchange_weak(cur, cur + d, std::memory_order_relaxed)) {
  }
}

void Header(std::string* out, const std::string& name, const std::string& help, const char* type) {
  *out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

Counter::Counter(std::string name, std::string help, std::vector<std::string> labels)
    : name_(std::move(name)), help_(std::move(help)), labels_(std::move(labels)) {}

Counter::Counter(std::string name, std::string help, std::vector<std::string> labels, const char* type)
    : type_(type), name_(std::move(name)), help_(std::move(help)), labels_(std::move(labels)) {}

void Counter::Store(const std::vector<std::string>& label_values, double value) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = series_[label_values];
  if (!slot) slot = std::make_unique<std::atomic<double>>(0);
  slot->store(value);
}

void Counter::ReplaceAll(const std::map<std::vector<std::string>, double>& values) {
  std::lock_guard<std::mutex> lock(mu_);
  series_.clear();
  for (const auto& [labels, v] : values) series_[labels] = std::make_unique<std::atomic<double>>(v);
}

void Counter::Add(const std::vector<std::string>& label_values, double delta) {
  std::atomic<double>* a;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = series_[label_values];
    if (!slot) slot = std::make_unique<std::atomic<double>>(0);
    a = slot.get();
  }
  AtomicAdd(a, delta);
}

double Counter::Get(const std::vector<std::string>& label_values) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = series_.find(label_values);
  return it == series_.end() ? 0 : it->second->load();
}

void Counter::Render(std::string* out) const {
  Header(out, name_, help_, type_);
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [values, a] : series_) {
    *out += name_;
    AppendLabels(out, labels_, values);
    *out += " " + FormatNumber(a->load()) + "\n";
  }
}

Histogram::Histogram(std::string name, std::string help, std::vector<std::string> labels,
                     std::vector<double> bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      labels_(std::move(labels)),
      bounds_(std::move(bounds)) {}

std::vector<double> Histogram::LatencyBuckets() {
  return {0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
          0.01,     0.025,   0.05,   0.1,     0.25,   0.5,   1,      2.5,   5, 10};
}

void Histogram::Observe(const std::vector<std::string>& label_values, double value) {
  Series* s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = series_[label_values];
    if (!slot) slot = std::make_unique<Series>(bounds_.size() + 1);
    s = slot.get();
  }
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  s->buckets[i].fetch_add(1, std::memory_order_relaxed);
  s->count.fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(&s->sum, value);
}

uint64_t Histogram::Count(const std::vector<std::string>& label_values) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = series_.find(label_values);
  return it == series_.end() ? 0 : it->second->count.load();
}

void Histogram::Render(std::string* out) const {
  Header(out, name_, help_, "histogram");
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [values, s] : series_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= bounds_.size(); ++i) {
      cumulative += s->buckets[i].load();
      *out += name_ + "_bucket";
      AppendLabels(out, labels_, values, "le",
                   i < bounds_.size() ? FormatNumber(bounds_[i]) : "+Inf");
      *out += " " + std::to_string(cumulative) + "\n";
    }
    *out += name_ + "_sum";
    AppendLabels(out, labels_, values);
    *out += " " + FormatNumber(s->sum.load()) + "\n";
    *out += name_ + "_count";
    AppendLabels(out, labels_, values);
    *out += " " + std::to_string(s->count.load()) + "\n";
  }
}

void Gauge::Render(std::string* out) const {
  Header(out, name, help, "gauge");
  *out += name + " " + FormatNumber(read ? read() : 0) + "\n";
}

Metrics::Metrics()
    : http_requests("fedra_http_requests_total", "HTTP requests by route, method and status code.",
                    {"route", "method", "code"}),
      http_duration("fedra_http_request_duration_seconds",
                    "HTTP request latency by route, from the full request read to the response.",
                    {"route"}, Histogram::LatencyBuckets()),
      decisions("fedra_admission_decisions_total",
                "Admission decisions by outcome (allowed, denied, error).", {"outcome"}),
      policy_decisions("fedra_policy_decisions_total",
                       "Each policy's part in admission decisions, by outcome.",
                       {"policy", "outcome"}),
      policy_duration("fedra_policy_evaluation_duration_seconds",
                      "Evaluation time of each policy within admission decisions.", {"policy"},
                      Histogram::LatencyBuckets()),
      activations("fedra_policy_activations_total",
                  "Policy revisions activated or rejected, by source and result.",
                  {"source", "result"}) {}

void Metrics::ObserveRequest(const std::string& route, const std::string& method, int code,
                             std::chrono::nanoseconds duration) {
  http_requests.Add({route, method, std::to_string(code)});
  http_duration.Observe({route}, std::chrono::duration<double>(duration).count());
}

void Metrics::ObserveDecision(bool allowed, bool errored) {
  decisions.Add({errored ? "error" : (allowed ? "allowed" : "denied")});
}

void Metrics::ObservePolicy(const std::string& policy, const std::string& outcome,
                            std::chrono::nanoseconds duration) {
  policy_decisions.Add({policy, outcome});
  policy_duration.Observe({policy}, std::chrono::duration<double>(duration).count());
}

void Metrics::ObserveActivation(const std::string& source, bool ok) {
  activations.Add({source, ok ? "success" : "failure"});
}

void Metrics::SetGauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard<std::mutex> lock(gauges_mu_);
  for (auto& g : gauges_) {
    if (g.name == name) {
      g.help = std::move(help);
      g.read = std::move(read);
      return;
    }
  }
  gauges_.push_back(Gauge{std::move(name), std::move(help), std::move(read)});
}

std::string Metrics::Render() const {
  std::string out;
  http_requests.Render(&out);
  http_duration.Render(&out);
  decisions.Render(&out);
  policy_decisions.Render(&out);
  policy_duration.Render(&out);
  activations.Render(&out);
  std::lock_guard<std::mutex> lock(gauges_mu_);
  for (const auto& g : gauges_) g.Render(&out);
  return out;
}

double ResidentMemoryBytes() {
  std::ifstream f("/proc/self/statm");
  long size = 0, resident = 0;
  if (!(f >> size >> resident)) return 0;
  return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

}  // namespace fedra::server
