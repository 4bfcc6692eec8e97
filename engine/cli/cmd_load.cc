// `fedra load`: an HTTP(S) load generator for Fedra's servers, used by the
// webhook benchmarks (bench/README.md). Keep-alive connections, each on its
// own thread; at a constant rate (open loop: request i is due at start +
// i/rate and its latency counts from then, so a stalled server cannot hide
// its queueing) or, with --rps 0, as fast as the connections go.
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "cli/flags.h"
#include "http/client.h"
#include "tools/file_util.h"

namespace fedra::cli {

namespace {

constexpr char kUsage[] =
    "usage: fedra load --url URL [--body FILE] [--rps N] [--duration 10s] [--connections 4]\n"
    "                  [--warmup 1s] [--method POST] [--content-type T] [--ca FILE] [--cpu N]\n"
    "                  [--max-requests N] [--format text|json]\n";

struct Target {
  bool tls = false;
  std::string host;
  uint16_t port = 0;
  std::string path;
};

bool ParseUrl(const std::string& url, Target* t) {
  std::string_view u = url;
  if (u.rfind("https://", 0) == 0) {
    t->tls = true;
    u.remove_prefix(8);
  } else if (u.rfind("http://", 0) == 0) {
    u.remove_prefix(7);
  } else {
    return false;
  }
  size_t slash = u.find('/');
  std::string_view hostport = u.substr(0, slash);
  t->path = slash == std::string_view::npos ? "/" : std::string(u.substr(slash));
  size_t colon = hostport.rfind(':');
  if (colon == std::string_view::npos) return false;
  t->host = std::string(hostport.substr(0, colon));
  if (t->host == "localhost") t->host = "127.0.0.1";
  try {
    t->port = static_cast<uint16_t>(std::stoi(std::string(hostport.substr(colon + 1))));
  } catch (...) {
    return false;
  }
  return true;
}

double Percentile(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t i = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return static_cast<double>(sorted[std::min(i, sorted.size() - 1)]) / 1000.0;
}

}  // namespace

int RunLoad(const std::vector<std::string>& args) {
  std::string url, body_file, rps_s = "0", duration_s = "10s", conns_s = "4", warmup_s = "1s";
  std::string method = "POST", content_type = "application/json", ca, cpu_s, max_s = "0";
  std::string format = "text";
  Flags flags;
  flags.String("--url", &url);
  flags.String("--body", &body_file);
  flags.String("--rps", &rps_s);
  flags.String("--duration", &duration_s);
  flags.String("--connections", &conns_s);
  flags.String("--warmup", &warmup_s);
  flags.String("--method", &method);
  flags.String("--content-type", &content_type);
  flags.String("--ca", &ca);
  flags.String("--cpu", &cpu_s);
  flags.String("--max-requests", &max_s);
  flags.String("--format", &format);
  std::vector<std::string> positional;
  std::string err = flags.Parse(args, &positional);
  if (flags.help()) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (!err.empty()) return UsageError("load", err);
  Target target;
  if (url.empty() || !ParseUrl(url, &target)) return UsageError("load", "--url must be http(s)://HOST:PORT/path");
  std::chrono::milliseconds duration, warmup;
  if (!ParseDuration(duration_s, &duration) || !ParseDuration(warmup_s, &warmup)) {
    return UsageError("load", "bad --duration or --warmup");
  }
  double rps = 0;
  int conns = 0;
  int64_t max_requests = 0;
  try {
    rps = std::stod(rps_s);
    conns = std::stoi(conns_s);
    max_requests = std::stoll(max_s);
  } catch (...) {
    return UsageError("load", "--rps, --connections and --max-requests take numbers");
  }
  if (conns < 1 || conns > 1024) return UsageError("load", "--connections must be 1..1024");
  if (!cpu_s.empty()) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(std::stoi(cpu_s), &set);
    if (sched_setaffinity(0, sizeof(set), &set) != 0) perror("fedra load: sched_setaffinity");
  }
  std::string body;
  if (!body_file.empty()) {
    Status s = tools::ReadFile(body_file, &body);
    if (!s.ok()) {
      PrintError(s);
      return kExitFailure;
    }
  }
  http::ClientOptions co;
  co.host = target.host;
  co.port = target.port;
  co.tls = target.tls;
  co.ca_file = ca;
  http::Headers headers;
  if (!body.empty()) headers.Set("Content-Type", content_type);

  using Clock = std::chrono::steady_clock;
  auto start = Clock::now() + std::chrono::milliseconds(50);
  auto measure_from = start + warmup;
  auto end = measure_from + duration;
  std::atomic<int64_t> next{0};
  std::atomic<uint64_t> errors{0}, non2xx{0};
  std::vector<std::vector<int64_t>> lat(static_cast<size_t>(conns));
  std::vector<std::thread> threads;
  for (int c = 0; c < conns; ++c) {
    threads.emplace_back([&, c] {
      http::Client client(co);
      auto& mine = lat[static_cast<size_t>(c)];
      mine.reserve(1 << 16);
      while (true) {
        int64_t i = next.fetch_add(1);
        if (max_requests > 0 && i >= max_requests) break;
        Clock::time_point due;
        if (rps > 0) {
          due = start + std::chrono::nanoseconds(static_cast<int64_t>(static_cast<double>(i) * 1e9 / rps));
          if (due >= end) break;
          std::this_thread::sleep_until(due);
        } else {
          due = Clock::now();
          if (due >= end) break;
        }
        http::ClientResponse res;
        Status s = client.Do(method, target.path, body, headers, &res);
        auto done = Clock::now();
        if (due < measure_from) continue;
        if (!s.ok()) {
          errors++;
          continue;
        }
        if (res.status / 100 != 2) non2xx++;
        mine.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(done - due).count());
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<int64_t> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  double secs = std::chrono::duration<double>(duration).count();
  double achieved = static_cast<double>(all.size()) / secs;
  if (format == "json") {
    std::printf(
        "{\"requests\":%zu,\"errors\":%llu,\"non_2xx\":%llu,\"target_rps\":%.0f,\"achieved_rps\":%.1f,"
        "\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f}\n",
        all.size(), static_cast<unsigned long long>(errors.load()),
        static_cast<unsigned long long>(non2xx.load()), rps, achieved, Percentile(all, 0.5),
        Percentile(all, 0.9), Percentile(all, 0.99), Percentile(all, 0.999),
        all.empty() ? 0.0 : static_cast<double>(all.back()) / 1000.0);
  } else {
    std::printf("%zu requests in %.1fs (%.0f/s; target %s), %llu errors, %llu non-2xx\n", all.size(),
                secs, achieved, rps > 0 ? rps_s.c_str() : "max",
                static_cast<unsigned long long>(errors.load()),
                static_cast<unsigned long long>(non2xx.load()));
    std::printf("latency us: p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f\n", Percentile(all, 0.5),
                Percentile(all, 0.9), Percentile(all, 0.99), Percentile(all, 0.999),
                all.empty() ? 0.0 : static_cast<double>(all.back()) / 1000.0);
  }
  return errors.load() == 0 ? kExitOk : kExitFailure;
}

}  // namespace fedra::cli
