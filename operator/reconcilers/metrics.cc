#include "operator/reconcilers/metrics.h"

#include <cstdio>

namespace fedra::op::reconcilers {

namespace {

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void Header(std::string* out, const char* name, const char* help, const char* type) {
  *out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

OperatorMetrics::OperatorMetrics()
    : clusters("fedra_operator_clusters", "Member clusters by state (ready, not_ready, unreachable).", {"state"}),
      policies("fedra_operator_policies", "FederatedPolicies by state (ready, progressing, not_compiled).",
               {"state"}),
      member_writes("fedra_operator_member_writes_total",
                    "Writes to member clusters by action (apply, delete, status) and result (ok, error).",
                    {"action", "result"}),
      bundles_published("fedra_operator_bundles_published_total",
                        "Bundles published to engines whose bytes changed.", {}),
      sync_latency("fedra_operator_sync_latency_seconds",
                   "From a policy revision's creation to its activation in the last engine of a cluster.",
                   {"tier"}, {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}) {}

void OperatorMetrics::ObserveSync(const std::string& policy, const std::string& cluster, const std::string& tier,
                                  const std::string& revision, int64_t latency_ms) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::string& seen = synced_[{policy, cluster}];
    if (seen == revision) return;
    seen = revision;
  }
  sync_latency.Observe({tier}, static_cast<double>(latency_ms) / 1000.0);
}

void OperatorMetrics::RetainSyncs(const std::map<std::pair<std::string, std::string>, bool>& placed) {
  std::lock_guard<std::mutex> lock(mu_);
  std::erase_if(synced_, [&](const auto& e) { return placed.count(e.first) == 0; });
}

std::string OperatorMetrics::Render(const controller::ControllerMetrics& c, double engines) const {
  std::string out;
  Header(&out, "fedra_operator_reconciles_total", "Reconcile calls by outcome.", "counter");
  for (int i = 0; i < controller::kOutcomeCount; ++i) {
    auto o = static_cast<controller::Outcome>(i);
    out += "fedra_operator_reconciles_total{outcome=\"" + std::string(controller::OutcomeName(o)) + "\"} " +
           Number(static_cast<double>(c.count(o))) + "\n";
  }
  Header(&out, "fedra_operator_reconcile_duration_seconds", "Time per Reconcile call.", "histogram");
  uint64_t cumulative = 0;
  const auto& counts = c.latency.counts();
  for (size_t i = 0; i < workqueue::Histogram::kBounds.size(); ++i) {
    cumulative += counts[i];
    out += "fedra_operator_reconcile_duration_seconds_bucket{le=\"" + Number(workqueue::Histogram::kBounds[i]) +
           "\"} " + Number(static_cast<double>(cumulative)) + "\n";
  }
  out += "fedra_operator_reconcile_duration_seconds_bucket{le=\"+Inf\"} " +
         Number(static_cast<double>(c.latency.count())) + "\n";
  out += "fedra_operator_reconcile_duration_seconds_sum " + Number(c.latency.sum()) + "\n";
  out += "fedra_operator_reconcile_duration_seconds_count " + Number(static_cast<double>(c.latency.count())) + "\n";
  Header(&out, "fedra_operator_workqueue_depth", "Keys waiting in the work queue.", "gauge");
  out += "fedra_operator_workqueue_depth " + Number(static_cast<double>(c.queue.depth)) + "\n";
  Header(&out, "fedra_operator_engines", "Engines whose last status report is fresh.", "gauge");
  out += "fedra_operator_engines " + Number(engines) + "\n";
  clusters.Render(&out);
  policies.Render(&out);
  member_writes.Render(&out);
  bundles_published.Render(&out);
  sync_latency.Render(&out);
  Header(&out, "process_resident_memory_bytes", "Resident memory size in bytes.", "gauge");
  out += "process_resident_memory_bytes " + Number(server::ResidentMemoryBytes()) + "\n";
  return out;
}

}  // namespace fedra::op::reconcilers
