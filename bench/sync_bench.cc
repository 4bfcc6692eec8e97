// Sync latency: a policy change published on the hub until every engine has
// activated it, for 1, 10 and 50 member clusters with 10 engines each.
//
// The hub is the operator's HubServer (operator/hub). Engines are
// lightweight: bundle::Client instances (the pull client fedra-engine runs:
// ETag, long polling, reading and checking the bundle) in this process,
// without the compile step, which each real engine does on its own machine
// and which bench/activation_bench.cc measures (about 1 ms for a small
// bundle). Each iteration publishes a new revision to every cluster and
// waits until all engines have taken it. Reported per iteration: the time to
// the last engine (the sync latency); p50 and p99 across iterations.
#include <benchmark/benchmark.h>

#include <utility>  // before cpprestsdk (Asio) with C++20 and Boost 1.74

#include "http/cpprest_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "bundle/bundle.h"
#include "bundle/client.h"
#include "operator/hub/hub_server.h"
#include "bench/sync_support.h"
#include "value/json.h"

namespace {

using namespace fedra;
using Clock = std::chrono::steady_clock;

using bench::SyncBundle;

// One lightweight engine: the bundle client plus a policy store, as in
// fedra-engine, reporting the revision it activated.
struct Engine {
  std::unique_ptr<bundle::Client> client;
  std::atomic<int> active{-1};
};

struct Fleet {
  std::mutex mu;
  std::condition_variable cv;
  int target = 0;
  int reached = 0;  // GUARDED_BY(mu): engines at `target`
};

void BM_SyncLatency(benchmark::State& state) {
  http::SizeCpprestPool();
  const int clusters = static_cast<int>(state.range(0));
  const int per_cluster = 10;
  op::hub::HubOptions ho;
  ho.server.threads = 1;
  ho.server.max_connections = 8192;
  op::hub::HubServer hub(ho);
  if (!hub.Start().ok()) {
    state.SkipWithError("hub did not start");
    return;
  }
  int revision = 0;
  std::string first = SyncBundle(revision);
  bench::PublishAll(hub, clusters, first);

  Fleet fleet;
  fleet.target = revision;
  std::vector<std::unique_ptr<Engine>> engines;
  for (int c = 0; c < clusters; ++c) {
    for (int e = 0; e < per_cluster; ++e) {
      auto eng = std::make_unique<Engine>();
      bundle::ClientOptions o;
      o.url = "http://127.0.0.1:" + std::to_string(hub.port()) +
              op::hub::HubServer::BundlePath("c" + std::to_string(c), "cloud");
      o.long_poll_timeout = std::chrono::seconds(60);
      Engine* raw = eng.get();
      eng->client = std::make_unique<bundle::Client>(o, [raw, &fleet](const bundle::Bundle& b) {
        int rev = std::atoi(b.revision.c_str() + 1);
        raw->active = rev;
        std::lock_guard<std::mutex> lock(fleet.mu);
        if (rev == fleet.target) {
          ++fleet.reached;
          fleet.cv.notify_all();
        }
        return Status::OK();
      });
      if (!eng->client->Start().ok()) {
        state.SkipWithError("client did not start");
        return;
      }
      engines.push_back(std::move(eng));
    }
  }
  const int total = clusters * per_cluster;
  auto wait_all = [&](std::chrono::seconds limit) {
    std::unique_lock<std::mutex> lock(fleet.mu);
    return fleet.cv.wait_for(lock, limit, [&] { return fleet.reached >= total; });
  };
  {
    std::lock_guard<std::mutex> lock(fleet.mu);
    fleet.reached = 0;
    for (auto& e : engines) fleet.reached += e->active.load() == 0 ? 1 : 0;
  }
  if (!wait_all(std::chrono::seconds(60))) {
    state.SkipWithError("the fleet did not sync the first revision");
    return;
  }
  // Every engine parked in its long poll before timing starts.
  bench::WaitParked(hub, total, std::chrono::seconds(3));

  std::vector<double> latencies_ms;
  for (auto _ : state) {
    ++revision;
    std::string next = SyncBundle(revision);
    {
      std::lock_guard<std::mutex> lock(fleet.mu);
      fleet.target = revision;
      fleet.reached = 0;
    }
    auto start = Clock::now();
    bench::PublishAll(hub, clusters, next);
    if (!wait_all(std::chrono::seconds(30))) {
      state.SkipWithError("the fleet did not sync within 30 s");
      break;
    }
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    latencies_ms.push_back(ms);
    state.SetIterationTime(ms / 1000.0);
    // Let every engine park again, as between real policy changes.
    bench::WaitParked(hub, total, std::chrono::seconds(3));
  }
  if (!latencies_ms.empty()) {
    state.counters["p50_ms"] = bench::Percentile(latencies_ms, 0.5);
    state.counters["p99_ms"] = bench::Percentile(latencies_ms, 0.99);
    state.counters["engines"] = total;
  }
  for (auto& e : engines) e->client->Stop();
  hub.Stop();
}
BENCHMARK(BM_SyncLatency)->Arg(1)->Arg(10)->Arg(50)->Iterations(30)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
