// Sync latency with real engines in the fleet: a policy change published on
// the hub until every engine has activated it, 10 member clusters x 10
// engines, of which the first `real` per cluster are fedra-engine processes
// (next to this binary, or $FEDRA_ENGINE) and the rest in-process
// bundle::Client instances as in sync_bench.cc.
//
// A real engine counts when the hub receives its status report naming the
// new revision as active: fedra-engine reports right after each activation
// (read, verify, compile, publish to its policy store), so this measures
// activation plus one report round trip, not just the download. The report
// interval is set to 10 minutes so that only activations report during a run.
// In-process clients count when their activation callback runs.
//
// Reported per iteration: time to the last engine of all (the sync latency)
// and, as real_p50_ms/real_p99_ms, time to the last real engine.
#include <benchmark/benchmark.h>

#include <utility>  // before cpprestsdk (Asio) with C++20 and Boost 1.74

#include "http/cpprest_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "bundle/bundle.h"
#include "bundle/client.h"
#include "operator/hub/hub_server.h"
#include "tests/util/process.h"
#include "bench/sync_support.h"
#include "value/json.h"

namespace {

using namespace fedra;
using Clock = std::chrono::steady_clock;

using bench::SyncBundle;

int RevisionNumber(const std::string& revision) {
  return revision.size() > 1 && revision[0] == 'r' ? std::atoi(revision.c_str() + 1) : -1;
}

std::string EngineBinary() {
  if (const char* env = std::getenv("FEDRA_ENGINE"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : (self.parent_path() / "fedra-engine").string();
}

// Engines that reached the target revision. In-process clients and real
// engines both land here; each engine counts once per revision (a real
// engine may report the same revision again).
struct Fleet {
  std::mutex mu;
  std::condition_variable cv;
  int target = 0;                     // GUARDED_BY(mu)
  int reached = 0;                    // GUARDED_BY(mu)
  int real_reached = 0;               // GUARDED_BY(mu)
  Clock::time_point real_last;        // GUARDED_BY(mu): when the last real engine counted
  std::map<std::string, int> counted;  // GUARDED_BY(mu): engine id -> revision counted

  void Reached(const std::string& id, int revision, bool real) {
    std::lock_guard<std::mutex> lock(mu);
    if (revision != target) return;
    auto [it, fresh] = counted.try_emplace(id, revision);
    if (!fresh && it->second == revision) return;
    it->second = revision;
    ++reached;
    if (real) {
      ++real_reached;
      real_last = Clock::now();
    }
    cv.notify_all();
  }
};

using bench::Percentile;

void BM_SyncLatencyRealEngines(benchmark::State& state) {
  http::SizeCpprestPool();
  const int clusters = static_cast<int>(state.range(0));
  const int real_per_cluster = static_cast<int>(state.range(1));
  const int per_cluster = 10;
  const std::string engine_bin = EngineBinary();
  if (real_per_cluster > 0 && !std::filesystem::exists(engine_bin)) {
    state.SkipWithError(("fedra-engine not found at " + engine_bin + " (set FEDRA_ENGINE)").c_str());
    return;
  }
  op::hub::HubOptions ho;
  ho.server.threads = 1;
  ho.server.max_connections = 8192;
  op::hub::HubServer hub(ho);
  if (!hub.Start().ok()) {
    state.SkipWithError("hub did not start");
    return;
  }
  Fleet fleet;
  hub.OnReport([&fleet](const op::hub::EngineReport& r) {
    if (r.error_code.empty()) fleet.Reached(r.id, RevisionNumber(r.active_revision), true);
  });
  int revision = 0;
  std::string first = SyncBundle(revision);
  bench::PublishAll(hub, clusters, first);
  const std::string base = "http://127.0.0.1:" + std::to_string(hub.port());

  fedra::testing::TempDir dir;
  std::vector<std::unique_ptr<fedra::testing::Subprocess>> real;
  std::vector<std::unique_ptr<bundle::Client>> clients;
  for (int c = 0; c < clusters; ++c) {
    const std::string cluster = "c" + std::to_string(c);
    const std::string url = base + op::hub::HubServer::BundlePath(cluster, "cloud");
    for (int e = 0; e < per_cluster; ++e) {
      const std::string id = cluster + "-e" + std::to_string(e);
      if (e < real_per_cluster) {
        auto p = std::make_unique<fedra::testing::Subprocess>(
            std::vector<std::string>{engine_bin, "--insecure-http", "--addr",
                                     "127.0.0.1:" + std::to_string(fedra::testing::FreePort()), "--bundle-url", url,
                                     "--status-url", base + "/status", "--status-interval", "10m", "--id", id,
                                     "--cluster", cluster, "--tier", "cloud"},
            dir.Path(id + ".log"));
        if (!p->Start()) {
          state.SkipWithError("could not start fedra-engine");
          return;
        }
        real.push_back(std::move(p));
        continue;
      }
      bundle::ClientOptions o;
      o.url = url;
      o.long_poll_timeout = std::chrono::seconds(60);
      auto client = std::make_unique<bundle::Client>(o, [id, &fleet](const bundle::Bundle& b) {
        fleet.Reached(id, RevisionNumber(b.revision), false);
        return Status::OK();
      });
      if (!client->Start().ok()) {
        state.SkipWithError("client did not start");
        return;
      }
      clients.push_back(std::move(client));
    }
  }
  const int total = clusters * per_cluster;
  const int total_real = clusters * real_per_cluster;
  auto wait_all = [&](std::chrono::seconds limit) {
    std::unique_lock<std::mutex> lock(fleet.mu);
    return fleet.cv.wait_for(lock, limit, [&] { return fleet.reached >= total; });
  };
  auto wait_parked = [&] { bench::WaitParked(hub, total, std::chrono::seconds(5)); };
  if (!wait_all(std::chrono::seconds(60))) {
    std::string log = real.empty() ? "" : fedra::testing::ReadFile(dir.Path("c0-e0.log"));
    state.SkipWithError(("the fleet did not sync the first revision; c0-e0 log: " + log.substr(0, 2000)).c_str());
    return;
  }
  wait_parked();

  std::vector<double> all_ms;
  std::vector<double> real_ms;
  for (auto _ : state) {
    ++revision;
    std::string next = SyncBundle(revision);
    {
      std::lock_guard<std::mutex> lock(fleet.mu);
      fleet.target = revision;
      fleet.reached = 0;
      fleet.real_reached = 0;
    }
    auto start = Clock::now();
    bench::PublishAll(hub, clusters, next);
    if (!wait_all(std::chrono::seconds(30))) {
      state.SkipWithError("the fleet did not sync within 30 s");
      break;
    }
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    all_ms.push_back(ms);
    if (total_real > 0) {
      std::lock_guard<std::mutex> lock(fleet.mu);
      real_ms.push_back(std::chrono::duration<double, std::milli>(fleet.real_last - start).count());
    }
    state.SetIterationTime(ms / 1000.0);
    // Every engine parked in its long poll again, as between real policy changes.
    wait_parked();
  }
  state.counters["p50_ms"] = Percentile(all_ms, 0.5);
  state.counters["p99_ms"] = Percentile(all_ms, 0.99);
  state.counters["real_p50_ms"] = Percentile(real_ms, 0.5);
  state.counters["real_p99_ms"] = Percentile(real_ms, 0.99);
  state.counters["engines"] = total;
  state.counters["real_engines"] = total_real;
  for (auto& p : real) p->Terminate(std::chrono::seconds(5));
  for (auto& c : clients) c->Stop();
  hub.Stop();
}
// 10 clusters x 10 engines: none, one and three real per cluster.
BENCHMARK(BM_SyncLatencyRealEngines)
    ->Args({10, 0})
    ->Args({10, 1})
    ->Args({10, 3})
    ->Iterations(30)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
