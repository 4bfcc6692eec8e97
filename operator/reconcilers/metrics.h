// OperatorMetrics: what fedra-operator exposes on GET /metrics (Prometheus
// text format), built from the engine's metric families (server/metrics.h):
//
//   fedra_operator_reconciles_total{outcome}           controller results
//   fedra_operator_reconcile_duration_seconds          histogram per Reconcile
//   fedra_operator_workqueue_depth                     keys waiting
//   fedra_operator_sync_latency_seconds{tier}          a policy revision's creation to
//                                                      its last engine's activation
//   fedra_operator_clusters{state}                     ready | not_ready | unreachable
//   fedra_operator_policies{state}                     ready | progressing | not_compiled
//   fedra_operator_member_writes_total{action,result}  apply | delete | status; ok | error
//   fedra_operator_bundles_published_total             bundle bytes that changed
//   fedra_operator_engines                             engines reporting (fresh)
//   process_resident_memory_bytes
//
// The reconciler records what it saw on each pass (Observe*); the
// controller's own counters are read at render time.
//
// Thread-safe.
#ifndef FEDRA_OPERATOR_RECONCILERS_METRICS_H_
#define FEDRA_OPERATOR_RECONCILERS_METRICS_H_

#include <map>
#include <string>
#include <utility>

#include "operator/controller/controller.h"
#include "server/metrics.h"

namespace fedra::op::reconcilers {

class OperatorMetrics {
 public:
  OperatorMetrics();

  // A (policy, cluster) reached Synced at `revision` after `latency_ms`;
  // each revision is counted once per cluster.
  void ObserveSync(const std::string& policy, const std::string& cluster, const std::string& tier,
                   const std::string& revision, int64_t latency_ms);
  // Forgets pairs no longer placed (bounded memory).
  void RetainSyncs(const std::map<std::pair<std::string, std::string>, bool>& placed);

  server::GaugeFamily clusters;
  server::GaugeFamily policies;
  server::Counter member_writes;
  server::Counter bundles_published;
  server::Histogram sync_latency;

  // Everything, with the controller's counters as of now.
  std::string Render(const controller::ControllerMetrics& controller, double engines) const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, std::string> synced_;  // GUARDED_BY(mu_)
};

}  // namespace fedra::op::reconcilers

#endif  // FEDRA_OPERATOR_RECONCILERS_METRICS_H_
