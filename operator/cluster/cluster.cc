#include "operator/cluster/cluster.h"

#include <utility>

namespace fedra::op::cluster {

std::string_view HealthStateName(HealthState s) {
  switch (s) {
    case HealthState::kUnknown:
      return "Unknown";
    case HealthState::kSyncing:
      return "Syncing";
    case HealthState::kHealthy:
      return "Healthy";
    case HealthState::kUnreachable:
      return "Unreachable";
  }
  return "Unknown";
}

Cluster::Cluster(ClusterSpec spec, ClusterOptions options, HealthCallback on_health)
    : spec_(std::move(spec)), options_(std::move(options)), on_health_(std::move(on_health)) {}

Status Cluster::Create(ClusterSpec spec, ClusterOptions options, HealthCallback on_health,
                       std::unique_ptr<Cluster>* out) {
  if (spec.name.empty()) return Status::InvalidArgument("cluster: name is required");
  const std::string name = spec.name;
  std::unique_ptr<Cluster> c(
      new Cluster(std::move(spec), std::move(options), std::move(on_health)));
  Status st = kube::Client::Create(c->spec_.config, &c->client_);
  if (!st.ok()) return st.WithContext("cluster " + name);
  kube::RestConfig probe = c->spec_.config;
  probe.timeout = c->options_.probe_timeout;
  probe.max_retries = 0;
  probe.qps = 0;  // probes are few and must not queue behind informers
  std::unique_ptr<kube::Client> probe_client;
  st = kube::Client::Create(probe, &probe_client);
  c->probe_client_ = std::move(probe_client);
  if (!st.ok()) return st.WithContext("cluster " + name);
  for (const informer::ResourceSelector& what : c->spec_.resources) {
    informer::InformerOptions io = c->options_.informer;
    io.name = name + ": " + what.gvr.ToString();
    c->informers_.push_back(
        informer::Informer::ForResource(c->client_.get(), what, io, c->options_.lister_watcher));
  }
  *out = std::move(c);
  return Status::OK();
}

Cluster::~Cluster() { Stop(); }

Status Cluster::Start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (started_ || stopping_)
      return Status::InvalidArgument("cluster " + name() + ": already started");
    started_ = true;
  }
  for (auto& inf : informers_) FEDRA_RETURN_IF_ERROR(inf->Start());
  prober_ = std::thread([this] { ProbeLoop(); });
  return Status::OK();
}

void Cluster::RequestStop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  // Fails rate-limit waits at once, so a list queued behind the limiter
  // does not hold up the informers.
  if (client_) client_->Shutdown();
  for (auto& inf : informers_) inf->RequestStop();
}

void Cluster::Stop() {
  RequestStop();
  if (prober_.joinable()) prober_.join();
  for (auto& inf : informers_) inf->Stop();
}

informer::Informer* Cluster::informer(const kube::GroupVersionResource& gvr) const {
  for (size_t i = 0; i < spec_.resources.size(); ++i) {
    if (spec_.resources[i].gvr == gvr) return informers_[i].get();
  }
  return nullptr;
}

bool Cluster::HasSynced() const {
  for (const auto& inf : informers_) {
    if (!inf->HasSynced()) return false;
  }
  return true;
}

ClusterHealth Cluster::health() const {
  std::lock_guard<std::mutex> lock(mu_);
  return health_;
}

void Cluster::ProbeLoop() {
  for (;;) {
    Probe();
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, options_.probe_period, [this] { return stopping_; })) return;
  }
}

struct Cluster::ProbeCall {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  kube::ApiStatus status;
  kube::ServerVersion version;
};

void Cluster::Probe() {
  // The request runs on a thread of its own so that the deadline is ours;
  // one that outlives it is waited on by the next probe, not repeated.
  if (!in_flight_) {
    auto call = std::make_shared<ProbeCall>();
    std::thread([call, client = probe_client_] {
      kube::ServerVersion v;
      kube::ApiStatus st = client->GetServerVersion(&v);
      std::lock_guard<std::mutex> lock(call->mu);
      call->status = std::move(st);
      call->version = std::move(v);
      call->done = true;
      call->cv.notify_all();
    }).detach();
    in_flight_ = std::move(call);
  }
  kube::ServerVersion version;
  kube::ApiStatus st;
  {
    std::unique_lock<std::mutex> lock(in_flight_->mu);
    if (in_flight_->cv.wait_for(lock, options_.probe_timeout, [&] { return in_flight_->done; })) {
      st = in_flight_->status;
      version = in_flight_->version;
      lock.unlock();
      in_flight_.reset();
    } else {
      st = kube::ApiStatus::Transport("GET /version: no answer within " +
                                      std::to_string(options_.probe_timeout.count()) + " ms");
    }
  }
  bool synced = HasSynced();
  ClusterHealth snapshot;
  bool changed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    ++health_.probes;
    HealthState next = health_.state;
    auto now = std::chrono::system_clock::now();
    if (st.ok()) {
      health_.consecutive_failures = 0;
      health_.last_success = now;
      health_.server_version = version.git_version;
      next = synced ? HealthState::kHealthy : HealthState::kSyncing;
      health_.message = synced ? "reachable, caches synced" : "reachable, caches syncing";
    } else {
      ++health_.consecutive_failures;
      health_.message = st.ToString();
      if (health_.consecutive_failures >= options_.failure_threshold)
        next = HealthState::kUnreachable;
    }
    if (next != health_.state) {
      health_.state = next;
      health_.last_transition = now;
      changed = true;
    }
    snapshot = health_;
  }
  if (changed && on_health_) on_health_(name(), snapshot);
}

}  // namespace fedra::op::cluster
