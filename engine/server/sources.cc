#include "server/sources.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "admission/revision.h"
#include "server/log.h"

namespace fedra::server {

namespace fs = std::filesystem;

std::string DirFingerprint(const std::string& dir) {
  std::vector<std::string> entries;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) return "error:" + ec.message();
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return "error:" + ec.message();
    struct stat st {};
    if (::stat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    std::ostringstream line;
    line << it->path().string() << '\t' << st.st_size << '\t' << st.st_mtim.tv_sec << '.'
         << st.st_mtim.tv_nsec << '\t' << st.st_ino;
    entries.push_back(line.str());
    if (entries.size() > 100000) break;  // bounded walk
  }
  std::sort(entries.begin(), entries.end());
  std::string out;
  for (const auto& e : entries) out += e + "\n";
  return out;
}

// ---- DirSource ---------------------------------------------------------------

DirSource::DirSource(std::string dir, std::chrono::milliseconds interval, PolicyStore* store)
    : dir_(std::move(dir)), interval_(interval), store_(store) {}

DirSource::~DirSource() { Stop(); }

Status DirSource::LoadNow() {
  fingerprint_ = DirFingerprint(dir_);
  admission::PolicySource source;
  Status s = admission::LoadPolicyDir(dir_, &source);
  if (s.ok()) {
    s = store_->SetDirSource(std::move(source));
  } else {
    store_->ReportFailure("dir", s);
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (s.ok()) {
    activated_ = true;
    last_error_.clear();
  } else {
    last_error_ = s.ToString();
  }
  return s;
}

Status DirSource::Start() {
  LoadAndLog();
  thread_ = std::thread([this] { Loop(); });
  return Status::OK();
}

void DirSource::LoadAndLog() {
  Status s = LoadNow();
  if (s.ok()) {
    LogInfo("policies activated", {{"source", dir_},
                                    {"revision", store_->Current()->revision->revision()}});
  } else {
    LogError("policy directory rejected; keeping the previous revision",
             {{"source", dir_}, {"error", s.ToString()}});
  }
}

void DirSource::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, interval_, [this] { return stop_; });
    if (stop_) break;
    lock.unlock();
    std::string fp = DirFingerprint(dir_);
    if (fp != fingerprint_) {
      // Files being written settle first: wait for two equal fingerprints.
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (DirFingerprint(dir_) == fp) LoadAndLog();
    }
    lock.lock();
  }
}

void DirSource::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

SourceHealth DirSource::Health() const {
  std::lock_guard<std::mutex> lock(mu_);
  return SourceHealth{true, activated_, last_error_};
}

// ---- BundleSource ---------------------------------------------------------------

BundleSource::BundleSource(const EngineConfig& config, PolicyStore* store) : store_(store) {
  bundle::ClientOptions o;
  o.url = config.bundle_url;
  o.bearer_token = config.bundle_token;
  o.ca_file = config.bundle_ca;
  o.long_poll_timeout = config.bundle_long_poll;
  o.persist_dir = config.bundle_persist_dir;
  if (!config.bundle_verify_key.empty()) {
    std::ifstream f(config.bundle_verify_key);
    std::stringstream key;
    key << f.rdbuf();
    if (!f) {
      config_error_ = Status::InvalidArgument("--bundle-verify-key " + config.bundle_verify_key +
                                              ": cannot read the file");
    }
    bundle::VerificationConfig v;
    bundle::VerificationKey k;
    k.id = config.bundle_verify_key_id.empty() ? "default" : config.bundle_verify_key_id;
    k.algorithm = config.bundle_verify_alg;
    k.key = key.str();
    v.keys.push_back(std::move(k));
    v.key_id = config.bundle_verify_key_id.empty() ? "default" : config.bundle_verify_key_id;
    o.read.verification = std::move(v);
  }
  client_ = std::make_unique<bundle::Client>(std::move(o), [this](const bundle::Bundle& b) {
    Status s = store_->SetBundle(b);
    if (s.ok()) {
      LogInfo("bundle activated", {{"revision", b.revision}, {"etag", b.etag}});
    } else {
      LogError("bundle rejected; keeping the previous revision",
               {{"revision", b.revision}, {"error", s.ToString()}});
    }
    return s;
  });
}

BundleSource::~BundleSource() { Stop(); }

Status BundleSource::Start() {
  if (!config_error_.ok()) return config_error_;
  Status s = client_->LoadPersisted();
  if (s.ok()) {
    LogInfo("loaded the persisted bundle", {{"revision", client_->status().active_revision}});
  } else if (s.code() != StatusCode::kNotFound) {
    LogError("persisted bundle unusable", {{"error", s.ToString()}});
  }
  s = client_->Start();
  if (!s.ok()) return s;
  watcher_ = std::thread([this] { WatchFailures(); });
  return Status::OK();
}

void BundleSource::WatchFailures() {
  uint64_t seen = client_->status().failures;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stop_; });
    bundle::ClientStatus st = client_->status();
    if (st.failures == seen) continue;
    seen = st.failures;
    if (!st.last_activation_error.ok()) {
      LogError("bundle rejected; keeping the previous revision",
               {{"error", st.last_activation_error.ToString()}});
    } else if (!st.last_error.ok()) {
      LogWarn("bundle request failed", {{"error", st.last_error.ToString()},
                                        {"consecutive_failures", std::to_string(st.consecutive_failures)}});
    }
  }
}

void BundleSource::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
  if (client_) client_->Stop();
}

SourceHealth BundleSource::Health() const {
  bundle::ClientStatus st = client_->status();
  SourceHealth h;
  h.configured = true;
  h.activated = st.activations > 0;
  if (!st.last_activation_error.ok()) {
    h.message = st.last_activation_error.ToString();
  } else if (!st.last_error.ok()) {
    h.message = st.last_error.ToString();
  }
  return h;
}

}  // namespace fedra::server
