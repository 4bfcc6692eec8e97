#include "operator/cluster/manager.h"

#include <utility>

namespace fedra::op::cluster {

Manager::Manager(ManagerOptions options) : options_(std::move(options)) {}

Manager::~Manager() { Stop(); }

Status Manager::AddCluster(ClusterSpec spec) {
  const std::string name = spec.name;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (clusters_.count(name))
      return Status::InvalidArgument("cluster " + name + ": already added");
  }
  std::unique_ptr<Cluster> c;
  FEDRA_RETURN_IF_ERROR(Cluster::Create(std::move(spec), options_.cluster, options_.on_health, &c));
  if (options_.on_setup) options_.on_setup(*c);
  std::shared_ptr<Cluster> shared(std::move(c));
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Checked again: two adds of one name may have raced past the first check.
    if (clusters_.count(name))
      return Status::InvalidArgument("cluster " + name + ": already added");
    clusters_[name] = shared;
  }
  Status st = shared->Start();
  if (!st.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    clusters_.erase(name);
    return st;
  }
  return Status::OK();
}

Status Manager::RemoveCluster(const std::string& name) {
  std::shared_ptr<Cluster> c;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = clusters_.find(name);
    if (it == clusters_.end()) return Status::NotFound("cluster " + name + ": not managed");
    c = std::move(it->second);
    clusters_.erase(it);
  }
  c->RequestStop();  // outside the lock: it waits for a handler in progress
  std::lock_guard<std::mutex> lock(mu_);
  to_reap_.push_back(std::move(c));
  if (!reaper_.joinable()) reaper_ = std::thread([this] { ReaperLoop(); });
  reaper_cv_.notify_all();
  return Status::OK();
}

void Manager::ReaperLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    reaper_cv_.wait(lock, [this] { return reaper_stop_ || !to_reap_.empty(); });
    if (to_reap_.empty()) return;  // asked to stop and nothing left
    std::shared_ptr<Cluster> c = std::move(to_reap_.back());
    to_reap_.pop_back();
    lock.unlock();
    c->Stop();
    c.reset();  // the last owner, unless a reader still holds it
    lock.lock();
  }
}

std::shared_ptr<Cluster> Manager::Get(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = clusters_.find(name);
  return it == clusters_.end() ? nullptr : it->second;
}

std::vector<std::string> Manager::Names() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, c] : clusters_) out.push_back(name);
  return out;
}

std::map<std::string, ClusterHealth> Manager::Health() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, ClusterHealth> out;
  for (const auto& [name, c] : clusters_) out[name] = c->health();
  return out;
}

Status Manager::CheckSynced() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string waiting;
  for (const auto& [name, c] : clusters_) {
    if (c->health().state == HealthState::kUnreachable) continue;
    if (!c->HasSynced()) waiting += (waiting.empty() ? "" : ", ") + name;
  }
  if (waiting.empty()) return Status::OK();
  return Status::Internal("caches not synced for clusters: " + waiting);
}

void Manager::Stop() {
  std::map<std::string, std::shared_ptr<Cluster>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all.swap(clusters_);
  }
  // Every cluster stops at once; then each is joined.
  for (auto& [name, c] : all) c->RequestStop();
  for (auto& [name, c] : all) c->Stop();
  {
    std::lock_guard<std::mutex> lock(mu_);
    reaper_stop_ = true;
    reaper_cv_.notify_all();
  }
  if (reaper_.joinable()) reaper_.join();
}

}  // namespace fedra::op::cluster
