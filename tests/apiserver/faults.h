// Fault injection for tests of clients against the simulator: injected
// error responses (429/500/503 with Retry-After) for the next N requests,
// garbage watch streams, added latency, and a small delay queue that answers requests later
// without blocking the server's I/O threads. Watch faults (drop all, force
// 410) live in the Store; restarts in ApiServer.
//
// Thread-safe.
#ifndef FEDRA_TESTS_APISERVER_FAULTS_H_
#define FEDRA_TESTS_APISERVER_FAULTS_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "tests/apiserver/api_error.h"

namespace fedra::apiserver {

class Faults {
 public:
  // The next `count` API requests answer `code` (429, 500, 503, ...) with
  // Retry-After: retry_after_seconds (0: no header).
  void InjectErrors(int count, int code, int retry_after_seconds);
  void SetLatency(std::chrono::milliseconds latency);
  std::chrono::milliseconds latency() const;
  // Takes one injected error, if any is pending.
  bool TakeError(ApiError* out);
  int pending_errors() const;
  // The next `count` watch requests get a 200 stream carrying a truncated
  // JSON line and a line of garbage, then the end of the stream.
  void InjectGarbageWatches(int count);
  bool TakeGarbageWatch();
  void Clear();

 private:
  mutable std::mutex mu_;
  int count_ = 0;                          // GUARDED_BY(mu_)
  int code_ = 500;                         // GUARDED_BY(mu_)
  int retry_after_ = 0;                    // GUARDED_BY(mu_)
  std::chrono::milliseconds latency_{0};   // GUARDED_BY(mu_)
  int garbage_watches_ = 0;                // GUARDED_BY(mu_)
};

// Runs closures after a delay on one thread of its own. Stop() (or the
// destructor) runs nothing more and joins; pending closures are dropped.
class DelayQueue {
 public:
  DelayQueue();
  ~DelayQueue();
  void Post(std::chrono::milliseconds delay, std::function<void()> fn);
  void Stop();

 private:
  void Loop();
  std::mutex mu_;
  std::condition_variable cv_;
  std::multimap<std::chrono::steady_clock::time_point, std::function<void()>> queue_;  // GUARDED_BY(mu_)
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace fedra::apiserver

#endif  // FEDRA_TESTS_APISERVER_FAULTS_H_
