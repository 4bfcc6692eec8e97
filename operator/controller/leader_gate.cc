#include "operator/controller/leader_gate.h"

#include <utility>

namespace fedra::op::controller {

void LeaderGate::Add(ControllerFactory factory) {
  std::lock_guard<std::mutex> lock(mu_);
  factories_.push_back(std::move(factory));
}

Status LeaderGate::Lead() {
  std::lock_guard<std::mutex> lock(mu_);
  if (leading_) return Status::OK();
  std::vector<std::unique_ptr<Controller>> started;
  for (const ControllerFactory& make : factories_) {
    std::unique_ptr<Controller> c = make ? make() : nullptr;
    Status st =
        c ? c->Start() : Status::InvalidArgument("leader gate: a factory made no controller");
    if (!st.ok()) {
      for (auto& s : started) s->Stop(stop_grace_);
      return st;
    }
    started.push_back(std::move(c));
  }
  running_ = std::move(started);
  leading_ = true;
  ++terms_;
  return Status::OK();
}

void LeaderGate::Follow() {
  std::vector<std::unique_ptr<Controller>> stopping;
  std::lock_guard<std::mutex> lock(mu_);
  if (!leading_) return;
  leading_ = false;
  stopping.swap(running_);
  // Under the lock on purpose: a Lead() racing in must not start a second
  // set while this one still reconciles.
  for (auto& c : stopping) c->Stop(stop_grace_);
}

bool LeaderGate::leading() const {
  std::lock_guard<std::mutex> lock(mu_);
  return leading_;
}

std::vector<Controller*> LeaderGate::running() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Controller*> out;
  for (const auto& c : running_) out.push_back(c.get());
  return out;
}

int LeaderGate::terms() const {
  std::lock_guard<std::mutex> lock(mu_);
  return terms_;
}

}  // namespace fedra::op::controller
