// The operator's pure work per reconcile pass at fleet size: placing N
// FederatedPolicies on M MemberClusters (overrides applied, a content
// revision per placed copy) and assembling one bundle per cluster, as the
// federation reconciler does when everything changed at once (its first
// pass, or an edit of a policy every cluster carries).
#include <benchmark/benchmark.h>

#include "policy/assembly.h"
#include "policy/placement.h"
#include "policy/rollup.h"
#include "policy/types.h"

namespace {

using namespace fedra;

std::vector<policy::FederatedPolicy> MakePolicies(int n) {
  std::vector<policy::FederatedPolicy> out;
  for (int i = 0; i < n; ++i) {
    std::string name = "p" + std::to_string(i);
    policy::Json doc = {
        {"apiVersion", "policy.fedra.io/v1alpha1"},
        {"kind", "FederatedPolicy"},
        {"metadata", {{"name", name}, {"generation", 1}}},
        {"spec",
         {{"enforcement", "Deny"},
          {"parameters", {{"labels", {"team", "owner"}}}},
          {"match", {{"kinds", {{{"apiGroups", {""}}, {"kinds", {"Pod"}}}}}}},
          {"modules",
           {{{"name", "main.rego"},
             {"rego", "package fedra.policies." + name +
                          "\n\nviolation contains {\"msg\": msg} if {\n  some l in input.parameters.labels\n"
                          "  not input.review.object.metadata.labels[l]\n  msg := sprintf(\"missing %s\", [l])\n}\n"}}}},
          // Every third policy goes to one region, the rest everywhere; the
          // edge gets a Warn override.
          {"placement", i % 3 == 0 ? policy::Json{{"clusterSelector", {{"matchLabels", {{"region", "eu"}}}}}}
                                   : policy::Json::object()},
          {"overrides",
           {{{"clusterSelector", {{"matchLabels", {{"tier", "edge"}}}}}, {"enforcement", "Warn"}}}}}}};
    policy::FederatedPolicy fp;
    if (!policy::ParseFederatedPolicy(doc, &fp).ok()) std::abort();
    out.push_back(std::move(fp));
  }
  return out;
}

std::vector<policy::MemberCluster> MakeClusters(int m) {
  std::vector<policy::MemberCluster> out;
  for (int i = 0; i < m; ++i) {
    bool edge = i % 5 == 0;
    policy::Json doc = {{"apiVersion", "policy.fedra.io/v1alpha1"},
                        {"kind", "MemberCluster"},
                        {"metadata",
                         {{"name", "c" + std::to_string(i)},
                          {"labels", {{"region", i % 2 ? "eu" : "us"}, {"tier", edge ? "edge" : "cloud"}}}}},
                        {"spec",
                         {{"tier", edge ? "edge" : "cloud"},
                          {"kubeconfigSecretRef", {{"namespace", "fedra-system"}, {"name", "k"}}}}}};
    policy::MemberCluster mc;
    if (!policy::ParseMemberCluster(doc, &mc).ok()) std::abort();
    out.push_back(std::move(mc));
  }
  return out;
}

void BM_PlaceAll(benchmark::State& state) {
  auto policies = MakePolicies(static_cast<int>(state.range(0)));
  auto clusters = MakeClusters(static_cast<int>(state.range(1)));
  size_t placed = 0;
  for (auto _ : state) {
    auto r = policy::PlaceAll(policies, clusters);
    placed = r.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["placed"] = static_cast<double>(placed);
}
BENCHMARK(BM_PlaceAll)->Args({100, 10})->Args({1000, 50})->Unit(benchmark::kMillisecond);

void BM_AssembleAll(benchmark::State& state) {
  auto clusters = MakeClusters(static_cast<int>(state.range(1)));
  auto placed = policy::PlaceAll(MakePolicies(static_cast<int>(state.range(0))), clusters);
  for (auto _ : state) {
    std::map<std::pair<std::string, policy::Tier>, bundle::Bundle> bundles;
    if (!policy::AssembleAll(placed, clusters, &bundles).ok()) state.SkipWithError("assembly failed");
    benchmark::DoNotOptimize(bundles);
  }
}
BENCHMARK(BM_AssembleAll)->Args({100, 10})->Args({1000, 50})->Unit(benchmark::kMillisecond);

void BM_CheckCompiles(benchmark::State& state) {
  auto policies = MakePolicies(1);
  for (auto _ : state) benchmark::DoNotOptimize(policy::CheckCompiles(policies[0]));
}
BENCHMARK(BM_CheckCompiles)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
