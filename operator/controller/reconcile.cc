#include "operator/controller/reconcile.h"

namespace fedra::op::controller {

std::string Key::Encode() const { return cluster + "/" + namespace_name + "/" + name; }

bool Key::Decode(std::string_view item, Key* out) {
  size_t a = item.find('/');
  if (a == std::string_view::npos) return false;
  size_t b = item.find('/', a + 1);
  if (b == std::string_view::npos) return false;
  if (item.find('/', b + 1) != std::string_view::npos) return false;
  if (b + 1 == item.size()) return false;
  out->cluster = std::string(item.substr(0, a));
  out->namespace_name = std::string(item.substr(a + 1, b - a - 1));
  out->name = std::string(item.substr(b + 1));
  return true;
}

std::string Key::ToString() const {
  std::string s;
  if (!cluster.empty()) s = cluster + ":";
  if (!namespace_name.empty()) s += namespace_name + "/";
  return s + name;
}

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kSuccess:
      return "success";
    case Outcome::kRequeueAfter:
      return "requeue_after";
    case Outcome::kRequeue:
      return "requeue";
    case Outcome::kError:
      return "error";
    case Outcome::kTerminalError:
      return "terminal_error";
  }
  return "unknown";
}

QueueAction ActionFor(const Result& result) {
  QueueAction a;
  if (!result.ok()) {
    if (result.terminal()) {
      a.outcome = Outcome::kTerminalError;
      a.forget = true;
    } else {
      a.outcome = Outcome::kError;
      a.rate_limited = true;
    }
    return a;
  }
  if (result.requeue_after().count() > 0) {
    a.outcome = Outcome::kRequeueAfter;
    a.forget = true;
    a.add_after = result.requeue_after();
    return a;
  }
  if (result.requeue()) {
    a.outcome = Outcome::kRequeue;
    a.rate_limited = true;
    return a;
  }
  a.outcome = Outcome::kSuccess;
  a.forget = true;
  return a;
}

}  // namespace fedra::op::controller
