// EventRecorder: Kubernetes Events (core/v1) about objects, as `kubectl
// describe` shows them ("Warning  CompileFailed  policy x: 3:14: ...").
//
// - Event() never blocks on the API server: it queues the event (bounded;
//   when full, events are dropped and counted) and one sender thread writes
//   them.
// - Aggregation as client-go's recorder does: an event identical to one
//   sent within aggregation_window (same object, type, reason, message)
//   increments that Event's `count` and `lastTimestamp` with a merge patch
//   instead of creating a new object; if the old Event is gone (TTL), a new
//   one is created.
// - Failures are counted and kept in stats().last_error; they are never
//   retried for long (events are best effort).
//
// Thread safety: Event, Flush and stats from any thread. The client must
// outlive the recorder.
#ifndef FEDRA_OP_CONTROLLER_EVENT_RECORDER_H_
#define FEDRA_OP_CONTROLLER_EVENT_RECORDER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <thread>

#include "operator/kube/client.h"
#include "operator/workqueue/thread_annotations.h"

namespace fedra::op::controller {

struct EventRecorderOptions {
  std::string component = "fedra-operator";  // source.component, reportingComponent
  std::string instance;                      // source.host, reportingInstance
  size_t max_queue = 1000;
  std::chrono::milliseconds aggregation_window{std::chrono::minutes(10)};
  size_t max_remembered = 4096;  // aggregation cache entries
};

struct EventRecorderStats {
  uint64_t created = 0;
  uint64_t aggregated = 0;  // sent as a count increment
  uint64_t dropped = 0;     // queue full or recorder stopped
  uint64_t errors = 0;
  std::string last_error;
};

class EventRecorder {
 public:
  EventRecorder(kube::Client* client, EventRecorderOptions options);
  ~EventRecorder();  // Stop()
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // `object` is the object the event is about (apiVersion, kind, metadata);
  // `type` is "Normal" or "Warning"; `reason` a short CamelCase word.
  void Event(const nlohmann::json& object, std::string_view type, std::string_view reason,
             std::string_view message) LOCKS_EXCLUDED(mu_);
  // Waits (bounded) until every queued event has been sent or failed.
  bool Flush(std::chrono::milliseconds timeout) LOCKS_EXCLUDED(mu_);
  // Sends what is queued (bounded by the client's timeouts), then stops.
  void Stop() LOCKS_EXCLUDED(mu_);
  EventRecorderStats stats() const LOCKS_EXCLUDED(mu_);

 private:
  struct Pending {
    nlohmann::json involved;  // the involvedObject reference
    std::string type, reason, message;
    std::string namespace_name;  // where the Event lives
  };
  struct Sent {
    std::string name;  // the Event's metadata.name
    int64_t count = 0;
    std::chrono::steady_clock::time_point at;
  };

  void SenderLoop();
  void Send(const Pending& p);

  kube::Client* const client_;
  const EventRecorderOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_ GUARDED_BY(mu_);
  bool sending_ GUARDED_BY(mu_) = false;
  bool stopping_ GUARDED_BY(mu_) = false;
  EventRecorderStats stats_ GUARDED_BY(mu_);
  std::map<std::string, Sent> sent_;  // sender thread only
  uint64_t seq_ = 0;                  // sender thread only
  std::thread sender_;
};

}  // namespace fedra::op::controller

#endif  // FEDRA_OP_CONTROLLER_EVENT_RECORDER_H_
