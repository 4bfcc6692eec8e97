// The Reconcile contract (level-based, as controller-runtime's
// pkg/reconcile): a reconciler is handed only the key of an object, never the
// event that caused the call. It reads the current state (from an informer's
// store), makes the world match it, and says what should happen next:
//   Result::Done()               success; the key's backoff is reset
//   Result::RequeueAfter(d)      success; look again in d (periodic checks)
//   Result::Requeue()            not done yet; retry with backoff
//   Result::Error(status)        failed; retry with backoff
//   Result::Terminal(status)     failed in a way retrying cannot fix; no retry
// An exception escaping a reconciler is caught by the controller and counts
// as Error. ActionFor() is the one place that maps a Result to what the work
// queue does with the key.
//
// Keys encode to a queue item as "cluster/namespace/name" (each part may be
// empty: the local cluster, a cluster-scoped object). Kubernetes names and
// namespaces cannot contain '/', so the encoding is unambiguous.
//
// Value types; thread-compatible.
#ifndef FEDRA_OP_CONTROLLER_RECONCILE_H_
#define FEDRA_OP_CONTROLLER_RECONCILE_H_

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "fedra/status.h"

namespace fedra::op::controller {

struct Key {
  std::string cluster;         // "" : the cluster the controller runs against
  std::string namespace_name;  // "" : cluster-scoped
  std::string name;

  // "cluster/namespace/name".
  std::string Encode() const;
  // The inverse of Encode; false (and `out` untouched) when `item` does not
  // have exactly three parts or has no name.
  static bool Decode(std::string_view item, Key* out);
  // For people: "namespace/name", "name", prefixed "cluster:" when set.
  std::string ToString() const;

  bool operator==(const Key& o) const = default;
};

class Result {
 public:
  static Result Done() { return Result(); }
  static Result Requeue() {
    Result r;
    r.requeue_ = true;
    return r;
  }
  static Result RequeueAfter(std::chrono::milliseconds after) {
    Result r;
    r.requeue_after_ = after;
    return r;
  }
  static Result Error(Status error) {
    Result r;
    r.error_ = std::move(error);
    if (r.error_.ok()) r.error_ = Status::Internal("reconcile failed without an error message");
    return r;
  }
  static Result Terminal(Status error) {
    Result r = Error(std::move(error));
    r.terminal_ = true;
    return r;
  }

  bool ok() const { return error_.ok(); }
  bool requeue() const { return requeue_; }
  std::chrono::milliseconds requeue_after() const { return requeue_after_; }
  const Status& error() const { return error_; }
  bool terminal() const { return terminal_; }

 private:
  bool requeue_ = false;
  std::chrono::milliseconds requeue_after_{0};
  Status error_;
  bool terminal_ = false;
};

using ReconcileFunc = std::function<Result(const Key&)>;

// What a Result means for the key; counted per kind in the metrics.
enum class Outcome {
  kSuccess,        // Forget
  kRequeueAfter,   // Forget, then AddAfter(requeue_after)
  kRequeue,        // AddRateLimited
  kError,          // AddRateLimited (also exceptions)
  kTerminalError,  // Forget: retrying will not help
};
inline constexpr int kOutcomeCount = 5;
std::string_view OutcomeName(Outcome outcome);

struct QueueAction {
  Outcome outcome;
  bool forget = false;                     // reset the key's backoff
  bool rate_limited = false;               // AddRateLimited
  std::chrono::milliseconds add_after{0};  // > 0: AddAfter
};

// The one mapping from a Result to queue actions. An error wins over a
// requested requeue (the error's backoff protects the API server); a
// requeue_after wins over requeue (the caller named the time).
QueueAction ActionFor(const Result& result);

}  // namespace fedra::op::controller

#endif  // FEDRA_OP_CONTROLLER_RECONCILE_H_
