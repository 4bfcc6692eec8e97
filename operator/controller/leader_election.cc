#include "operator/controller/leader_election.h"

#include <cmath>
#include <ctime>
#include <random>
#include <utility>

namespace fedra::op::controller {
namespace {

using Steady = std::chrono::steady_clock;

std::string JsonString(const nlohmann::json& obj, const char* field) {
  if (!obj.is_object()) return "";
  auto it = obj.find(field);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

int64_t JsonInt(const nlohmann::json& obj, const char* field, int64_t fallback) {
  if (!obj.is_object()) return fallback;
  auto it = obj.find(field);
  return it != obj.end() && it->is_number_integer() ? it->get<int64_t>() : fallback;
}

// client-go waits retry_period * [1, 2.2) between a candidate's attempts,
// so candidates started together do not hit the server in lock step.
std::chrono::milliseconds CandidateWait(std::chrono::milliseconds retry) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> dist(0.0, 1.2);
  return std::chrono::milliseconds(
      static_cast<int64_t>(static_cast<double>(retry.count()) * (1.0 + dist(rng))));
}

}  // namespace

std::string MicroTimeNow() {
  auto now = std::chrono::system_clock::now();
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(micros % 1000000));
  return buf;
}

LeaderElector::LeaderElector(kube::Client* client, LeaderElectionConfig config)
    : client_(client), config_(std::move(config)) {}

LeaderElector::~LeaderElector() { Stop(); }

Status LeaderElector::Start() {
  if (client_ == nullptr) return Status::InvalidArgument("leader election: no client");
  if (config_.lease_name.empty() || config_.lease_namespace.empty()) {
    return Status::InvalidArgument("leader election: lease name and namespace are required");
  }
  if (config_.identity.empty())
    return Status::InvalidArgument("leader election: identity is required");
  if (config_.renew_deadline >= config_.lease_duration) {
    return Status::InvalidArgument(
        "leader election: renew_deadline must be shorter than lease_duration");
  }
  if (config_.retry_period.count() <= 0 || config_.retry_period >= config_.renew_deadline) {
    return Status::InvalidArgument(
        "leader election: retry_period must be positive and shorter than renew_deadline");
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (started_) return Status::InvalidArgument("leader election: already started");
    started_ = true;
  }
  thread_ = std::thread([this] { Loop(); });
  return Status::OK();
}

void LeaderElector::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

std::string LeaderElector::leader() const {
  std::lock_guard<std::mutex> lock(mu_);
  return observed_holder_;
}

Status LeaderElector::Check(std::chrono::milliseconds tolerance) const {
  if (!IsLeader()) return Status::OK();
  std::lock_guard<std::mutex> lock(mu_);
  auto since = Steady::now() - last_renew_;
  if (since > config_.lease_duration + tolerance) {
    return Status::Internal(
        "leader election: leading but the lease " + config_.lease_namespace + "/" +
        config_.lease_name + " was not renewed for " +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(since).count()) + " s");
  }
  return Status::OK();
}

LeaderElectionStats LeaderElector::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

bool LeaderElector::SleepUnlessStopped(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return stopping_; });
}

void LeaderElector::NoteError(const std::string& what, bool conflict) {
  std::lock_guard<std::mutex> lock(mu_);
  if (conflict) {
    ++stats_.conflicts;
  } else {
    ++stats_.errors;
  }
  stats_.last_error = what;
}

void LeaderElector::SetLeading(bool leading) {
  if (leading_.exchange(leading) == leading) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (leading) {
      ++stats_.acquisitions;
    }
  }
  if (leading && config_.on_started_leading) config_.on_started_leading();
  if (!leading && config_.on_stopped_leading) config_.on_stopped_leading();
}

void LeaderElector::Loop() {
  for (;;) {
    if (!IsLeader()) {
      if (TryAcquireOrRenew()) {
        SetLeading(true);
        continue;  // renew on the leader's schedule from now
      }
      if (!SleepUnlessStopped(CandidateWait(config_.retry_period))) break;
      continue;
    }
    if (!SleepUnlessStopped(config_.retry_period)) break;
    if (TryAcquireOrRenew()) continue;
    bool lost;
    {
      std::lock_guard<std::mutex> lock(mu_);
      lost = Steady::now() - last_renew_ >= config_.renew_deadline;
      if (lost) ++stats_.losses;
    }
    if (lost) SetLeading(false);
  }
  if (IsLeader()) {
    if (config_.release_on_stop) Release();
    SetLeading(false);
  }
}

bool LeaderElector::TryAcquireOrRenew() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.attempts;
  }
  const std::string where = "lease " + config_.lease_namespace + "/" + config_.lease_name;
  const int64_t duration_s =
      static_cast<int64_t>(std::ceil(static_cast<double>(config_.lease_duration.count()) / 1000.0));
  const std::string now = MicroTimeNow();

  nlohmann::json lease;
  kube::ApiStatus st =
      client_->Get(kube::gvr::Leases(), config_.lease_namespace, config_.lease_name, &lease);
  nlohmann::json written;
  if (kube::IsNotFound(st)) {
    lease = {{"apiVersion", "coordination.k8s.io/v1"},
             {"kind", "Lease"},
             {"metadata", {{"name", config_.lease_name}, {"namespace", config_.lease_namespace}}},
             {"spec",
              {{"holderIdentity", config_.identity},
               {"leaseDurationSeconds", duration_s},
               {"acquireTime", now},
               {"renewTime", now},
               {"leaseTransitions", 0}}}};
    st = client_->Create(kube::gvr::Leases(), config_.lease_namespace, lease, &written);
    if (!st.ok()) {
      NoteError(where + ": create: " + st.ToString(),
                kube::IsAlreadyExists(st) || kube::IsConflict(st));
      return false;
    }
  } else if (!st.ok()) {
    NoteError(where + ": get: " + st.ToString(), false);
    return false;
  } else {
    const nlohmann::json spec =
        lease.is_object() && lease.contains("spec") ? lease["spec"] : nlohmann::json::object();
    std::string holder = JsonString(spec, "holderIdentity");
    std::string renew = JsonString(spec, "renewTime");
    int64_t held_for_s = JsonInt(spec, "leaseDurationSeconds", duration_s);
    Steady::time_point seen_at;
    bool holder_changed = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (holder != observed_holder_ || renew != observed_renew_time_ ||
          observed_at_ == Steady::time_point()) {
        holder_changed = holder != observed_holder_;
        observed_holder_ = holder;
        observed_renew_time_ = renew;
        observed_at_ = Steady::now();
      }
      seen_at = observed_at_;
    }
    if (holder_changed && !holder.empty() && config_.on_new_leader) config_.on_new_leader(holder);
    bool mine = holder == config_.identity;
    if (!holder.empty() && !mine && Steady::now() < seen_at + std::chrono::seconds(held_for_s)) {
      return false;  // someone else holds an unexpired lease
    }
    nlohmann::json new_spec = spec.is_object() ? spec : nlohmann::json::object();
    new_spec["holderIdentity"] = config_.identity;
    new_spec["leaseDurationSeconds"] = duration_s;
    new_spec["renewTime"] = now;
    if (!mine) {
      new_spec["acquireTime"] = now;
      new_spec["leaseTransitions"] = JsonInt(spec, "leaseTransitions", 0) + 1;
    }
    lease["spec"] = std::move(new_spec);
    // The resourceVersion read stays in metadata: a concurrent writer makes
    // this update fail with 409 instead of both believing they lead.
    st = client_->Update(kube::gvr::Leases(), config_.lease_namespace, lease, &written);
    if (!st.ok()) {
      NoteError(where + ": update: " + st.ToString(), kube::IsConflict(st));
      return false;
    }
  }
  bool changed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    changed = observed_holder_ != config_.identity;
    observed_holder_ = config_.identity;
    observed_renew_time_ = now;
    observed_at_ = Steady::now();
    last_renew_ = observed_at_;
    last_lease_ = std::move(written);
  }
  if (changed && config_.on_new_leader) config_.on_new_leader(config_.identity);
  return true;
}

void LeaderElector::Release() {
  nlohmann::json lease;
  {
    std::lock_guard<std::mutex> lock(mu_);
    lease = last_lease_;
  }
  if (!lease.is_object() || !lease.contains("spec")) return;
  const std::string now = MicroTimeNow();
  lease["spec"]["holderIdentity"] = "";
  lease["spec"]["leaseDurationSeconds"] = 1;
  lease["spec"]["renewTime"] = now;
  lease["spec"]["acquireTime"] = now;
  nlohmann::json written;
  kube::ApiStatus st =
      client_->Update(kube::gvr::Leases(), config_.lease_namespace, lease, &written);
  if (!st.ok()) {
    // A conflict means someone else already wrote the Lease: nothing to give.
    NoteError("lease " + config_.lease_namespace + "/" + config_.lease_name +
                  ": release: " + st.ToString(),
              kube::IsConflict(st));
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  observed_holder_.clear();
}

}  // namespace fedra::op::controller
