// Where fedra-engine's policies come from: a watched directory or an OPA
// bundle service. Each source feeds the PolicyStore, which compiles and
// swaps; a source only reports what it last managed to activate.
#ifndef FEDRA_SERVER_SOURCES_H_
#define FEDRA_SERVER_SOURCES_H_

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "bundle/client.h"
#include "server/api.h"
#include "server/config.h"
#include "server/metrics.h"
#include "server/store.h"

namespace fedra::server {

class PolicySourceRunner {
 public:
  virtual ~PolicySourceRunner() = default;
  // Loads what is there now (synchronously) and starts watching.
  virtual Status Start() = 0;
  virtual void Stop() = 0;
  virtual SourceHealth Health() const = 0;
  // The bundle client's view (for status reports); null for directories.
  virtual const bundle::Client* bundle_client() const { return nullptr; }
};

// Polls a policy directory every `interval`: when any file's name, size or
// mtime changed, reloads it (LoadPolicyDir) and asks the store to activate.
class DirSource : public PolicySourceRunner {
 public:
  DirSource(std::string dir, std::chrono::milliseconds interval, PolicyStore* store);
  ~DirSource() override;
  Status Start() override;
  void Stop() override;
  SourceHealth Health() const override;

 private:
  Status LoadNow();
  void LoadAndLog();
  void Loop();

  std::string dir_;
  std::chrono::milliseconds interval_;
  PolicyStore* store_;
  std::string fingerprint_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;                 // GUARDED_BY(mu_)
  bool activated_ = false;            // GUARDED_BY(mu_)
  std::string last_error_;            // GUARDED_BY(mu_)
  std::thread thread_;
};

// Pulls bundles with the OPA bundle protocol (bundle::Client).
class BundleSource : public PolicySourceRunner {
 public:
  BundleSource(const EngineConfig& config, PolicyStore* store);
  ~BundleSource() override;
  Status Start() override;
  void Stop() override;
  SourceHealth Health() const override;
  const bundle::Client* bundle_client() const override { return client_.get(); }

 private:
  // Logs each failure the client records (unreadable or unverifiable
  // bundles, request errors), which never reach the store.
  void WatchFailures();

  PolicyStore* store_;
  std::unique_ptr<bundle::Client> client_;
  Status config_error_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::thread watcher_;
};

// A fingerprint of every regular file under `dir` (path, size, mtime).
std::string DirFingerprint(const std::string& dir);

}  // namespace fedra::server

#endif  // FEDRA_SERVER_SOURCES_H_
