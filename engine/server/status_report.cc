#include "server/status_report.h"

#include <unistd.h>

#include <utility>  // before cpprestsdk (Asio) with C++20 and Boost 1.74

#include <cpprest/http_client.h>

#include "server/log.h"

namespace fedra::server {

namespace {

ObjectEntry E(std::string_view k, Value v) { return {Value::String(k), std::move(v)}; }
Value S(std::string_view s) { return Value::String(s); }

std::string Hostname() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof(buf) - 1) != 0) return "fedra-engine";
  return buf;
}

std::string NsTime(int64_t unix_ns) {
  if (unix_ns <= 0) return "0001-01-01T00:00:00Z";
  return Rfc3339(std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(unix_ns))));
}

}  // namespace

std::string Rfc3339(std::chrono::system_clock::time_point t) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ns / 1000000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[128];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(ns % 1000000000));
  return buf;
}

StatusReporter::StatusReporter(const EngineConfig& config, PolicyStore* store,
                               const PolicySourceRunner* source)
    : config_(config), store_(store), source_(source), id_(config.id.empty() ? Hostname() : config.id) {
  // The status service is the hub that serves the bundles: same credentials.
  token_ = config.bundle_token;
  store_->OnActivation([this](const Activation& a) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_ = a;
    }
    Trigger();
  });
}

StatusReporter::~StatusReporter() { Stop(); }

void StatusReporter::Start() {
  if (config_.status_url.empty()) return;
  thread_ = std::thread([this] { Loop(); });
}

void StatusReporter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StatusReporter::Trigger() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    triggered_ = true;
  }
  cv_.notify_all();
}

uint64_t StatusReporter::sent() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sent_;
}

uint64_t StatusReporter::failed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failed_;
}

Value StatusReporter::Report() const {
  std::shared_ptr<const Active> active = store_->Current();
  Activation last;
  {
    std::lock_guard<std::mutex> lock(mu_);
    last = last_;
  }
  std::vector<ObjectEntry> labels = {E("id", S(id_)), E("app", S("fedra-engine")),
                                     E("version", S("0.1.0"))};
  if (!config_.cluster.empty()) labels.push_back(E("cluster", S(config_.cluster)));
  if (!config_.tier.empty()) labels.push_back(E("tier", S(config_.tier)));

  std::string active_revision =
      active->bundle_revision.empty() ? active->revision->revision() : active->bundle_revision;
  std::vector<ObjectEntry> b = {E("name", S("fedra")), E("active_revision", S(active_revision))};
  if (active->source != "none") {
    b.push_back(E("last_successful_activation", S(Rfc3339(active->activated))));
  }
  if (const bundle::Client* client = source_ ? source_->bundle_client() : nullptr) {
    bundle::ClientStatus st = client->status();
    b.push_back(E("last_request", S(NsTime(st.last_request_unix_ns))));
    b.push_back(E("last_successful_request", S(NsTime(st.last_successful_request_unix_ns))));
    b.push_back(E("last_successful_download", S(NsTime(st.last_successful_download_unix_ns))));
    Status err = !st.last_activation_error.ok() ? st.last_activation_error : st.last_error;
    if (!err.ok()) {
      b.push_back(E("code", S("bundle_error")));
      b.push_back(E("message", S(err.ToString())));
      b.push_back(E("errors", Value::Array({S(err.ToString())})));
    }
  } else if (!last.ok && !last.error.ok()) {
    b.push_back(E("code", S("bundle_error")));
    b.push_back(E("message", S(last.error.ToString())));
    b.push_back(E("errors", Value::Array({S(last.error.ToString())})));
  }
  std::vector<Value> policies;
  for (const auto& p : active->revision->policies()) policies.push_back(S(p.spec.name));
  std::vector<ObjectEntry> fedra = {
      E("revision", S(active->revision->revision())),
      E("source", S(active->source)),
      E("generation", Value::Int(static_cast<int64_t>(active->generation))),
      E("policies", Value::Array(std::move(policies))),
  };
  return Value::Object({E("labels", Value::Object(std::move(labels))),
                        E("bundles", Value::Object({E("fedra", Value::Object(std::move(b)))})),
                        E("fedra", Value::Object(std::move(fedra)))});
}

Status StatusReporter::Send(const std::string& body) {
  try {
    web::http::client::http_client_config cfg;
    cfg.set_timeout(std::chrono::seconds(5));
    web::http::client::http_client client(utility::conversions::to_string_t(config_.status_url), cfg);
    web::http::http_request req(web::http::methods::POST);
    req.headers().set_content_type("application/json");
    if (!token_.empty()) req.headers().add("Authorization", "Bearer " + token_);
    req.set_body(body, "application/json");
    web::http::http_response res = client.request(req).get();
    if (res.status_code() / 100 != 2) {
      return Status::IoError("status service answered " + std::to_string(res.status_code()));
    }
    return Status::OK();
  } catch (const std::exception& e) {
    return Status::IoError(std::string("status report to ") + config_.status_url + ": " + e.what());
  }
}

void StatusReporter::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  triggered_ = true;  // report once at start
  while (!stop_) {
    cv_.wait_for(lock, config_.status_interval, [this] { return stop_ || triggered_; });
    if (stop_) break;
    triggered_ = false;
    lock.unlock();
    Status s = Send(ToJson(Report()));
    lock.lock();
    if (s.ok()) {
      ++sent_;
    } else {
      ++failed_;
      if (failed_ == 1 || failed_ % 100 == 0) {
        lock.unlock();
        LogWarn("status report failed", {{"error", s.ToString()}});
        lock.lock();
      }
    }
  }
}

}  // namespace fedra::server
