// Informer benchmarks against the API-server simulator (issue 5):
//
//   BM_InformerInitialSync/N   list N ConfigMaps (paged, 500 per page) into a
//                              fresh informer's store until HasSynced.
//                              Counters: objects_per_s, heap_kb_per_1k_objects
//                              (heap in use that the synced informer added,
//                              from mallinfo2: freed memory reused between
//                              iterations would hide an RSS delta). The
//                              second argument 1 strips managedFields.
//   BM_WatchThroughput/N       N updates written by 4 client threads while an
//                              informer watches; time from the first write
//                              until the store holds the last version.
//                              Counters: events_per_s (simulator -> store),
//                              and writes_per_s (how fast the writers got the
//                              updates in: the watch cannot beat that).
//   BM_WatchReplay/N           the watch path alone: N updates are written
//                              first, then one watch from the version before
//                              them replays them from the simulator's history
//                              into a Store (parse, upsert, index).
//                              Counter: events_per_s.
//
// The simulator runs as a child process (fedra-apiserver next to this binary,
// or $FEDRA_APISERVER). Every benchmark checks its result (store size and
// versions) and fails with an error otherwise.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "operator/informer/informer.h"
#include "operator/informer/simulator_test_util.h"

namespace fedra::op {
namespace {

using std::chrono::milliseconds;

long HeapKb() {
  struct mallinfo2 mi = mallinfo2();
  return static_cast<long>((mi.uordblks + mi.hblkhd) / 1024);
}

nlohmann::json ConfigMap(const std::string& name, int value) {
  // ~600 bytes on the wire, like a small real ConfigMap.
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata",
           {{"name", name},
            {"namespace", "bench"},
            {"labels", {{"app", "bench"}, {"tier", value % 2 ? "edge" : "cloud"}}},
            {"annotations", {{"fedra.io/note", std::string(200, 'x')}}}}},
          {"data", {{"v", std::to_string(value)}, {"policy", std::string(200, 'p')}}}};
}

struct Env {
  std::unique_ptr<testing::SimulatorProcess> sim;
  std::unique_ptr<kube::Client> client;
  int objects = 0;
  std::string error;
};

// One simulator per process, filled up to the largest N asked for.
Env& Shared(int objects) {
  static Env env;
  if (!env.sim && env.error.empty()) {
    // History long enough for BM_WatchReplay to resume from before its writes.
    env.sim =
        std::make_unique<testing::SimulatorProcess>(std::vector<std::string>{"--history", "40000"});
    Status st = env.sim->Start();
    if (!st.ok()) {
      env.error = st.ToString();
      return env;
    }
    env.sim->NewClient(&env.client);
    nlohmann::json out;
    env.client->Create(
        kube::gvr::Namespaces(), "",
        {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "bench"}}}}, &out);
  }
  if (!env.error.empty() || env.objects >= objects) return env;
  // Fill with 4 writers.
  const int from = env.objects;
  std::atomic<int> next{from};
  std::atomic<bool> failed{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&] {
      std::unique_ptr<kube::Client> c;
      env.sim->NewClient(&c);
      for (int i = next++; i < objects && !failed; i = next++) {
        nlohmann::json out;
        if (!c->Create(kube::gvr::ConfigMaps(), "bench", ConfigMap("cm-" + std::to_string(i), 0),
                       &out)
                 .ok()) {
          failed = true;
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  if (failed) env.error = "could not create the objects";
  env.objects = objects;
  return env;
}

std::unique_ptr<informer::Informer> NewInformer(kube::Client* client, bool strip = false) {
  informer::KubeListerWatcherOptions lw;
  lw.page_size = 500;
  informer::InformerOptions io;
  if (strip) io.transform = informer::StripManagedFields;
  return informer::Informer::ForResource(
      client, informer::ResourceSelector{kube::gvr::ConfigMaps(), "bench", "", ""}, io, lw);
}

void BM_InformerInitialSync(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Env& env = Shared(n);
  if (!env.error.empty()) {
    state.SkipWithError(env.error.c_str());
    return;
  }
  long heap_added = 0;
  for (auto _ : state) {
    long before = HeapKb();
    auto inf = NewInformer(env.client.get(), state.range(1) != 0);
    if (!inf->Start().ok() || !inf->WaitForSync(std::chrono::seconds(120))) {
      state.SkipWithError("informer did not sync");
      return;
    }
    state.PauseTiming();
    heap_added = HeapKb() - before;
    if (inf->store().size() < static_cast<size_t>(n)) {
      state.SkipWithError("store is missing objects");
      return;
    }
    inf->Stop();
    inf.reset();
    state.ResumeTiming();
  }
  state.counters["objects_per_s"] =
      benchmark::Counter(static_cast<double>(n) * state.iterations(), benchmark::Counter::kIsRate);
  state.counters["heap_kb_per_1k_objects"] = static_cast<double>(heap_added) * 1000.0 / n;
}
// Second argument 1: with the StripManagedFields transform.
BENCHMARK(BM_InformerInitialSync)
    ->Args({1000, 0})
    ->Args({10000, 0})
    ->Args({10000, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

void BM_WatchThroughput(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const int kObjects = 1000;
  Env& env = Shared(kObjects);
  if (!env.error.empty()) {
    state.SkipWithError(env.error.c_str());
    return;
  }
  auto inf = NewInformer(env.client.get());
  std::atomic<int> events{0};
  informer::EventHandler h;
  h.on_update = [&](const informer::ObjectPtr& a, const informer::ObjectPtr& b) {
    if (a != b) events.fetch_add(1, std::memory_order_relaxed);
  };
  inf->AddEventHandler(h);
  if (!inf->Start().ok() || !inf->WaitForSync(std::chrono::seconds(120))) {
    state.SkipWithError("informer did not sync");
    return;
  }
  std::vector<std::unique_ptr<kube::Client>> clients(4);
  for (auto& c : clients) env.sim->NewClient(&c);
  static int round = 0;
  double write_seconds = 0;
  for (auto _ : state) {
    ++round;
    events = 0;
    auto start = std::chrono::steady_clock::now();
    std::atomic<int> next{0};
    std::vector<std::thread> writers;
    for (auto& c : clients) {
      writers.emplace_back([&, client = c.get()] {
        for (int i = next++; i < n; i = next++) {
          nlohmann::json out;
          client->Patch(kube::gvr::ConfigMaps(), "bench", "cm-" + std::to_string(i % kObjects),
                        kube::PatchType::kMerge, {{"data", {{"v", std::to_string(round * n + i)}}}},
                        &out);
        }
      });
    }
    for (auto& t : writers) t.join();
    write_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (events.load() < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    if (events.load() < n) {
      state.SkipWithError(
          ("store saw " + std::to_string(events.load()) + " of " + std::to_string(n) + " updates")
              .c_str());
      break;
    }
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(n) * state.iterations(), benchmark::Counter::kIsRate);
  state.counters["writes_per_s"] =
      write_seconds > 0 ? static_cast<double>(n) * state.iterations() / write_seconds : 0;
  inf->Stop();
}
BENCHMARK(BM_WatchThroughput)
    ->Arg(5000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

// Writes `n` updates with 4 clients; returns false on a failed write.
bool WriteUpdates(Env& env, int n, int objects, int salt) {
  std::atomic<int> next{0};
  std::atomic<bool> ok{true};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&] {
      std::unique_ptr<kube::Client> c;
      env.sim->NewClient(&c);
      for (int i = next++; i < n; i = next++) {
        nlohmann::json out;
        if (!c->Patch(
                  kube::gvr::ConfigMaps(), "bench", "cm-" + std::to_string(i % objects),
                  kube::PatchType::kMerge,
                  {{"data", {{"v", "replay-" + std::to_string(salt) + "-" + std::to_string(i)}}}},
                  &out)
                 .ok()) {
          ok = false;
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  return ok;
}

void BM_WatchReplay(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const int kObjects = 1000;
  Env& env = Shared(kObjects);
  if (!env.error.empty()) {
    state.SkipWithError(env.error.c_str());
    return;
  }
  auto lw = informer::NewKubeListerWatcher(
      env.client.get(), informer::ResourceSelector{kube::gvr::ConfigMaps(), "bench", "", ""});
  static int salt = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<nlohmann::json> items;
    std::string rv;
    informer::Store store;
    if (!lw->List(&items, &rv).ok()) {
      state.SkipWithError("list failed");
      return;
    }
    for (auto& o : items) {
      informer::Delta d;
      store.Upsert(std::make_shared<const nlohmann::json>(std::move(o)), &d);
    }
    if (!WriteUpdates(env, n, kObjects, ++salt)) {
      state.SkipWithError("writes failed");
      return;
    }
    state.ResumeTiming();
    int seen = 0;
    auto stream = lw->NewWatch(rv);
    kube::WatchResult r = stream->Run([&](const kube::WatchEvent& ev) {
      if (ev.type != kube::EventType::kModified) return true;
      informer::Delta d;
      store.Upsert(std::make_shared<const nlohmann::json>(ev.object), &d);
      return ++seen < n;
    });
    if (seen < n) {
      state.SkipWithError(("watch ended after " + std::to_string(seen) + " events: " +
                           std::string(kube::WatchEndName(r.end)) + " " + r.status.ToString())
                              .c_str());
      return;
    }
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(n) * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_WatchReplay)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
}  // namespace fedra::op

BENCHMARK_MAIN();
