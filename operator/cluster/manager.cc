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
  c->Stop();  // outside the lock: joining threads may take a moment
  return Status::OK();
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
  for (auto& [name, c] : all) c->Stop();
}

}  // namespace fedra::op::cluster
