// LeaderGate: runs a set of controllers only while this replica leads
// (controllers run only while leading; webhooks and health endpoints run
// always, outside the gate).
//
// A stopped Controller cannot restart (its queue is shut down), so the gate
// holds factories and builds fresh controllers each time leadership is
// gained; the informers (and their caches) stay up across terms, and the
// new controllers' keys come from a resync or from the factory enqueueing
// everything it needs (level-based: a new term starts from the world, not
// from the last term's queue).
//
// Wire it to a LeaderElector: on_started_leading = [&]{ gate.Lead(); },
// on_stopped_leading = [&]{ gate.Follow(); }. Lead() returns once the
// controllers are started; Follow() once they have stopped (each bounded by
// `stop_grace`).
//
// Thread safety: Lead, Follow, leading and running from any thread;
// Lead/Follow calls are serialised.
#ifndef FEDRA_OP_CONTROLLER_LEADER_GATE_H_
#define FEDRA_OP_CONTROLLER_LEADER_GATE_H_

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fedra/status.h"
#include "operator/controller/controller.h"
#include "operator/workqueue/thread_annotations.h"

namespace fedra::op::controller {

using ControllerFactory = std::function<std::unique_ptr<Controller>()>;

class LeaderGate {
 public:
  explicit LeaderGate(std::chrono::milliseconds stop_grace = std::chrono::seconds(30))
      : stop_grace_(stop_grace) {}
  ~LeaderGate() { Follow(); }
  LeaderGate(const LeaderGate&) = delete;
  LeaderGate& operator=(const LeaderGate&) = delete;

  void Add(ControllerFactory factory) LOCKS_EXCLUDED(mu_);
  // Builds and starts every controller; a failure stops those already
  // started and is returned. No-op when already leading.
  Status Lead() LOCKS_EXCLUDED(mu_);
  // Stops and drops the running controllers. No-op when not leading.
  void Follow() LOCKS_EXCLUDED(mu_);
  bool leading() const LOCKS_EXCLUDED(mu_);
  // The running controllers (empty while following); for metrics.
  std::vector<Controller*> running() const LOCKS_EXCLUDED(mu_);
  int terms() const LOCKS_EXCLUDED(mu_);  // how often Lead() started them

 private:
  const std::chrono::milliseconds stop_grace_;
  mutable std::mutex mu_;
  std::vector<ControllerFactory> factories_ GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Controller>> running_ GUARDED_BY(mu_);
  bool leading_ GUARDED_BY(mu_) = false;
  int terms_ GUARDED_BY(mu_) = 0;
};

}  // namespace fedra::op::controller

#endif  // FEDRA_OP_CONTROLLER_LEADER_GATE_H_
