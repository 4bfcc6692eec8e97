// LeaderElector: one leader among the replicas of a process, decided by a
// coordination.k8s.io/v1 Lease, with client-go's semantics and timing
// (lease 15 s, renew deadline 10 s, retry 2 s; all configurable).
//
// - A candidate reads the Lease every retry period. It takes the Lease when
//   it does not exist, has no holder, or its holder has not renewed it for
//   lease_duration as measured on the candidate's own clock from when it
//   last saw the record change (so clocks of different hosts need not
//   agree). Writes carry the resourceVersion read: two candidates racing for
//   one Lease cannot both win (the loser gets 409 Conflict).
// - The leader renews every retry period. If it has not renewed for
//   renew_deadline it stops leading (on_stopped_leading) and becomes a
//   candidate again. renew_deadline < lease_duration, so it stops acting
//   before anyone else may take over.
// - Stop() releases a held Lease (holderIdentity cleared) when
//   release_on_stop, so a successor takes over at once instead of after
//   lease_duration, and calls on_stopped_leading.
// - Callbacks run on the elector's thread, in order (started, stopped,
//   started ...); they must return promptly (start or stop controllers on
//   other threads). on_new_leader reports every holder change observed.
//
// Thread safety: IsLeader/leader/Check from any thread; Start/Stop from the
// owner. The client must outlive the elector.
#ifndef FEDRA_OP_CONTROLLER_LEADER_ELECTION_H_
#define FEDRA_OP_CONTROLLER_LEADER_ELECTION_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "fedra/status.h"
#include "operator/kube/client.h"
#include "operator/workqueue/thread_annotations.h"

namespace fedra::op::controller {

struct LeaderElectionConfig {
  std::string lease_namespace;
  std::string lease_name;
  std::string identity;  // unique per replica (pod name + a random suffix)
  std::chrono::milliseconds lease_duration{15000};
  std::chrono::milliseconds renew_deadline{10000};
  std::chrono::milliseconds retry_period{2000};
  bool release_on_stop = true;
  std::function<void()> on_started_leading;
  std::function<void()> on_stopped_leading;
  std::function<void(const std::string& identity)> on_new_leader;
};

struct LeaderElectionStats {
  uint64_t acquisitions = 0;
  uint64_t losses = 0;     // renew deadline passed while leading
  uint64_t attempts = 0;   // tryAcquireOrRenew calls
  uint64_t conflicts = 0;  // 409 on create or update
  uint64_t errors = 0;     // other API failures
  std::string last_error;
};

class LeaderElector {
 public:
  LeaderElector(kube::Client* client, LeaderElectionConfig config);
  ~LeaderElector();  // Stop()
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  // Checks the configuration (names set, renew_deadline < lease_duration,
  // retry_period < renew_deadline) and starts the election thread.
  Status Start();
  void Stop();

  bool IsLeader() const { return leading_.load(std::memory_order_acquire); }
  // The holder last observed ("" : none or unknown).
  std::string leader() const LOCKS_EXCLUDED(mu_);
  // For /healthz: an error when this replica believes it leads but has not
  // renewed for longer than lease_duration + `tolerance` (it is stuck).
  Status Check(std::chrono::milliseconds tolerance = std::chrono::seconds(20)) const
      LOCKS_EXCLUDED(mu_);
  LeaderElectionStats stats() const LOCKS_EXCLUDED(mu_);

 private:
  using SteadyTime = std::chrono::steady_clock::time_point;

  void Loop();
  // One read-and-write round; true when this replica holds the Lease after it.
  bool TryAcquireOrRenew() LOCKS_EXCLUDED(mu_);
  void Release() LOCKS_EXCLUDED(mu_);
  bool SleepUnlessStopped(std::chrono::milliseconds d) LOCKS_EXCLUDED(mu_);
  void NoteError(const std::string& what, bool conflict) LOCKS_EXCLUDED(mu_);
  void SetLeading(bool leading);

  kube::Client* const client_;
  const LeaderElectionConfig config_;
  std::atomic<bool> leading_{false};

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ GUARDED_BY(mu_) = false;
  bool started_ GUARDED_BY(mu_) = false;
  // The Lease spec last read and when (our clock) it last changed.
  std::string observed_holder_ GUARDED_BY(mu_);
  std::string observed_renew_time_ GUARDED_BY(mu_);
  SteadyTime observed_at_ GUARDED_BY(mu_);
  SteadyTime last_renew_ GUARDED_BY(mu_);
  nlohmann::json last_lease_ GUARDED_BY(mu_);  // for Release
  LeaderElectionStats stats_ GUARDED_BY(mu_);
  std::thread thread_;
};

// "2026-11-28T07:41:00.123456Z" (metav1.MicroTime).
std::string MicroTimeNow();

}  // namespace fedra::op::controller

#endif  // FEDRA_OP_CONTROLLER_LEADER_ELECTION_H_
