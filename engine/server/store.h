// PolicyStore: what fedra-engine enforces now, and how it changes.
//
// The store combines one base source (a policy directory or a bundle) with
// what the OPA-compatible management API wrote (modules by id, data at
// paths), compiles the combination into an admission::Revision off the
// serving path, and publishes it as the new Active revision atomically.
// Readers call Current() and keep the shared_ptr for the length of one
// decision: a swap never disturbs a decision in flight, and a combination
// that fails to compile is rejected with the old revision left in force.
//
// Data ownership follows OPA: a bundle owns the data under its manifest
// roots and a policy directory owns the paths its data files define; the
// API may not write there (FailedPrecondition-like InvalidArgument).
//
// Thread-safety: Current() from any thread, lock-free for readers apart from
// the shared_ptr copy; changes are serialised by one mutex.
#ifndef FEDRA_SERVER_STORE_H_
#define FEDRA_SERVER_STORE_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "admission/revision.h"
#include "bundle/bundle.h"
#include "fedra/engine.h"

namespace fedra::server {

// One published revision.
class Active {
 public:
  std::shared_ptr<const admission::Revision> revision;
  std::string source;           // "none", "dir", "bundle"
  std::string bundle_revision;  // the bundle manifest's revision, if any
  std::chrono::system_clock::time_point activated;
  uint64_t generation = 0;      // 1, 2, ... per activation in this process

  // The prepared query for data.<path> (segments), compiled on first use and
  // cached with this revision.
  Status Query(const std::vector<std::string>& path, std::shared_ptr<const PreparedQuery>* out) const;

 private:
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const PreparedQuery>> queries_;  // GUARDED_BY(mu_)
};

// What an activation attempt did, for metrics, logs and status.
struct Activation {
  bool ok = false;
  std::string source;
  std::string revision;
  Status error;
  std::chrono::nanoseconds compile_time{0};
};

class PolicyStore {
 public:
  PolicyStore();

  std::shared_ptr<const Active> Current() const { return std::atomic_load(&current_); }

  // Replaces the base source. On failure nothing changes.
  Status SetDirSource(admission::PolicySource source);
  Status SetBundle(const bundle::Bundle& bundle);

  // The management API (OPA's /v1/policies and /v1/data).
  Status PutModule(const std::string& id, const std::string& source);
  Status DeleteModule(const std::string& id);  // NotFound when absent
  // id -> source of every module the API wrote, and of every base module.
  std::map<std::string, std::string> Modules() const;
  Status PutData(const std::vector<std::string>& path, const Value& value);
  Status PatchData(const std::vector<std::string>& path, const Value& ops);
  Status DeleteData(const std::vector<std::string>& path);  // NotFound when absent

  // Tells the activation listeners about a source that failed before the
  // store saw it (a policy directory that does not load).
  void ReportFailure(const std::string& source, const Status& error);

  // Called after every activation attempt (from the thread that made it).
  void OnActivation(std::function<void(const Activation&)> fn);

 private:
  // Builds base + API state; publishes on success. Caller holds mu_.
  Status Rebuild(admission::PolicySource base, std::string source, std::string bundle_revision,
                 std::vector<std::string> owned);
  Status CheckWritable(const std::vector<std::string>& path) const;
  // Replaces the API data and rebuilds, restoring it on failure. Caller holds mu_.
  Status CommitApiData(Value next);
  Status PutDataLocked(const std::vector<std::string>& path, const Value& value);

  mutable std::mutex mu_;
  admission::PolicySource base_;            // GUARDED_BY(mu_)
  std::string base_kind_ = "none";          // GUARDED_BY(mu_)
  std::string bundle_revision_;             // GUARDED_BY(mu_)
  std::vector<std::string> owned_;          // "a/b" prefixes the base owns; "" = all
  std::map<std::string, std::string> api_modules_;  // GUARDED_BY(mu_)
  Value api_data_ = Value::EmptyObject();   // GUARDED_BY(mu_)
  uint64_t generation_ = 0;                 // GUARDED_BY(mu_)
  std::vector<std::function<void(const Activation&)>> listeners_;
  std::shared_ptr<const Active> current_;   // atomic_load/atomic_store only
};

// Path helpers over Value objects ("data" trees).
Value GetPath(const Value& root, const std::vector<std::string>& path);
// Returns root with `value` at path, creating objects on the way. Fails
// (InvalidArgument naming the segment) when a non-object is in the way.
Status SetPath(const Value& root, const std::vector<std::string>& path, const Value& value,
               Value* out);
// Returns root without path; NotFound when it is not there.
Status RemovePath(const Value& root, const std::vector<std::string>& path, Value* out);
// Deep merge: objects merge key by key, anything else in `over` wins.
Value MergeData(const Value& base, const Value& over);
// Splits "/a/b%2Fc/" into {"a", "b/c"} (already percent-decoded segments).
std::vector<std::string> SplitPath(std::string_view raw_path);

}  // namespace fedra::server

#endif  // FEDRA_SERVER_STORE_H_
