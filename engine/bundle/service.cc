#include "bundle/service.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>

namespace fedra::bundle {

namespace {

constexpr std::string_view kBundleType = "application/vnd.openpolicyagent.bundles";

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  std::string out;
  char buf[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof(buf), "%02x", md[i]);
    out += buf;
  }
  return out;
}

std::string Unquote(std::string_view v) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  if (v.size() >= 2 && v.substr(0, 2) == "W/") v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return std::string(v);
}

http::Response NotModified(const std::string& etag) {
  http::Response r;
  r.status = 304;
  if (!etag.empty()) r.headers.Set("ETag", "\"" + etag + "\"");
  r.headers.Set("Content-Type", std::string(kBundleType));
  return r;
}

}  // namespace

int PreferWaitSeconds(std::string_view prefer) {
  size_t pos = prefer.find("wait=");
  if (pos == std::string_view::npos) return 0;
  int n = 0;
  for (size_t i = pos + 5; i < prefer.size() && prefer[i] >= '0' && prefer[i] <= '9'; ++i) {
    n = n * 10 + (prefer[i] - '0');
    if (n > 1000000) break;
  }
  return n;
}

BundleService::BundleService(ServiceOptions options) : options_(std::move(options)) {
  sweeper_ = std::thread([this] { Sweep(); });
}

BundleService::~BundleService() { Close(); }

template <class Pred>
std::vector<BundleService::Parked> BundleService::TakeParked(Pred take) {
  auto split = std::stable_partition(parked_.begin(), parked_.end(),
                                     [&](const Parked& p) { return !take(p); });
  std::vector<Parked> out(std::make_move_iterator(split), std::make_move_iterator(parked_.end()));
  parked_.erase(split, parked_.end());
  return out;
}

void BundleService::Publish(const std::string& name, std::string targz) {
  std::vector<Parked> wake;
  Entry e;
  e.etag = Sha256Hex(targz);
  e.body = std::make_shared<const std::string>(std::move(targz));
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = bundles_.find(name);
    if (it != bundles_.end() && it->second.etag == e.etag) return;
    bundles_[name] = e;
    wake = TakeParked([&](const Parked& p) { return p.name == name; });
    served_ += wake.size();
  }
  // Answer outside the lock: Send only posts to the connection's strand.
  for (auto& p : wake) p.responder.Send(Full(e));
  cv_.notify_all();
}

void BundleService::Remove(const std::string& name) {
  std::vector<Parked> wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    bundles_.erase(name);
    wake = TakeParked([&](const Parked& p) { return p.name == name; });
  }
  for (auto& p : wake) {
    p.responder.Send(http::Response::Json(404, "{\"code\":\"resource_not_found\"}\n"));
  }
}

std::string BundleService::ETag(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = bundles_.find(name);
  return it == bundles_.end() ? "" : it->second.etag;
}

size_t BundleService::parked() const {
  std::lock_guard<std::mutex> lock(mu_);
  return parked_.size();
}

uint64_t BundleService::served() const {
  std::lock_guard<std::mutex> lock(mu_);
  return served_;
}

http::Response BundleService::Full(const Entry& e) const {
  http::Response r;
  r.status = 200;
  r.headers.Set("Content-Type", std::string(kBundleType));
  r.headers.Set("ETag", "\"" + e.etag + "\"");
  r.body = *e.body;
  return r;
}

bool BundleService::Handle(http::Request& req, http::Responder& resp) {
  std::string_view path = req.path;
  if (path.substr(0, options_.prefix.size()) != options_.prefix) return false;
  std::string name(path.substr(options_.prefix.size()));
  if (req.method != "GET" && req.method != "HEAD") {
    resp.Send(http::Response::Json(405, "{\"code\":\"method_not_allowed\"}\n"));
    return true;
  }
  if (!options_.bearer_token.empty()) {
    const std::string* auth = req.headers.Get("Authorization");
    if (auth == nullptr || *auth != "Bearer " + options_.bearer_token) {
      resp.Send(http::Response::Json(401, "{\"code\":\"unauthorized\"}\n"));
      return true;
    }
  }
  const std::string* inm = req.headers.Get("If-None-Match");
  std::string client_etag = inm ? Unquote(*inm) : "";
  int wait = 0;
  if (const std::string* prefer = req.headers.Get("Prefer")) {
    wait = std::min<int>(PreferWaitSeconds(*prefer), static_cast<int>(options_.max_wait.count()));
  }
  std::unique_lock<std::mutex> lock(mu_);
  auto it = bundles_.find(name);
  if (it == bundles_.end()) {
    lock.unlock();
    resp.Send(http::Response::Json(404, "{\"code\":\"resource_not_found\",\"message\":\"no bundle " +
                                            name + "\"}\n"));
    return true;
  }
  Entry e = it->second;
  if (client_etag != e.etag) {
    ++served_;
    lock.unlock();
    resp.Send(Full(e));
    return true;
  }
  if (wait <= 0 || closed_ || parked_.size() >= options_.max_parked) {
    lock.unlock();
    resp.Send(NotModified(e.etag));
    return true;
  }
  parked_.push_back(Parked{name, std::chrono::steady_clock::now() + std::chrono::seconds(wait), resp});
  lock.unlock();
  cv_.notify_all();
  return true;
}

void BundleService::Sweep() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!closed_) {
    auto next = std::chrono::steady_clock::time_point::max();
    for (const auto& p : parked_) next = std::min(next, p.deadline);
    if (next == std::chrono::steady_clock::time_point::max()) {
      cv_.wait(lock);
    } else {
      cv_.wait_until(lock, next);
    }
    auto now = std::chrono::steady_clock::now();
    std::vector<Parked> expired = TakeParked([&](const Parked& p) { return p.deadline <= now; });
    if (expired.empty()) continue;
    std::vector<std::string> etags;
    for (const auto& p : expired) {
      auto it = bundles_.find(p.name);
      etags.push_back(it == bundles_.end() ? "" : it->second.etag);
    }
    lock.unlock();
    for (size_t i = 0; i < expired.size(); ++i) expired[i].responder.Send(NotModified(etags[i]));
    lock.lock();
  }
}

void BundleService::Close() {
  std::vector<Parked> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_ && !sweeper_.joinable()) return;
    closed_ = true;
    all.swap(parked_);
  }
  cv_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
  for (auto& p : all) p.responder.Send(NotModified(""));
}

}  // namespace fedra::bundle
