// Shared by the sync benchmarks: the bundle a hub publishes for revision N,
// one small admission policy whose message carries the revision (so each
// revision is new Rego that real engines compile).
#ifndef FEDRA_BENCH_SYNC_SUPPORT_H_
#define FEDRA_BENCH_SYNC_SUPPORT_H_

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "bundle/bundle.h"
#include "operator/hub/hub_server.h"
#include "value/json.h"

namespace fedra::bench {

inline std::string SyncBundle(int revision) {
  bundle::Bundle b;
  b.revision = "r" + std::to_string(revision);
  b.roots = {"fedra"};
  b.modules.push_back(bundle::Module{
      "fedra/policies/p/main.rego",
      "package fedra.p\nviolation contains {\"msg\": \"r" + std::to_string(revision) +
          "\"} if input.review.object.bad\n",
      1});
  Status s = ParseJson(R"({"fedra":{"policies":{"p":{"type":"Admission","enforcement":"Deny",)"
                       R"("match":{"kinds":[{"apiGroups":[""],"kinds":["Pod"]}]},"modules":["fedra/policies/p/main.rego"]}}}})",
                       &b.data);
  std::string out;
  if (s.ok()) s = bundle::WriteBundle(b, {}, &out);
  return out;
}

// The same bundle for clusters c0..c{clusters-1}, tier cloud.
inline void PublishAll(op::hub::HubServer& hub, int clusters, const std::string& bytes) {
  for (int c = 0; c < clusters; ++c) hub.Publish("c" + std::to_string(c), "cloud", bytes);
}

// Until `engines` long polls are parked on the hub, at most `limit`.
inline void WaitParked(const op::hub::HubServer& hub, int engines, std::chrono::milliseconds limit) {
  for (int64_t i = 0; i < limit.count() && hub.parked() < static_cast<size_t>(engines); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// The p-th quantile (nearest rank) of `v`; 0 when empty.
inline double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

}  // namespace fedra::bench

#endif  // FEDRA_BENCH_SYNC_SUPPORT_H_
