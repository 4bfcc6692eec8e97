// Bundle client: OPA's download protocol over cpprestsdk. See client.h.
//
// With -std=c++20 and Boost 1.74, Asio needs <utility> before its headers.
#include "http/cpprest_pool.h"
#include "bundle/client.h"

#include <cpprest/containerstream.h>
#include <cpprest/http_client.h>
#include <pplx/threadpool.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ssl.hpp>
#include <cctype>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>

namespace fedra::bundle {
namespace {

using std::chrono::milliseconds;
namespace wh = web::http;
namespace whc = web::http::client;

constexpr char kBundleMediaType[] = "application/vnd.openpolicyagent.bundles";
// A long poll that comes back 304 faster than this was not held.
constexpr milliseconds kMinLongPoll{50};


int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The media type without parameters, lower case.
std::string MediaType(const std::string& content_type) {
  std::string s = content_type.substr(0, content_type.find(';'));
  while (!s.empty() && s.back() == ' ') s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  return Lower(s);
}

// What one request produced.
struct Outcome {
  enum class Kind { kNotModified, kBundle, kError } kind = Kind::kError;
  std::string raw;
  std::string etag;
  bool long_poll = false;
  Status error;
};

}  // namespace

struct Client::Impl {
  Impl(ClientOptions o, Callback cb)
      : options(std::move(o)), on_bundle(std::move(cb)), rng(std::random_device{}()) {}

  ClientOptions options;
  Callback on_bundle;
  std::optional<whc::http_client> http;

  mutable std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;                   // guarded by mu
  pplx::cancellation_token_source cancel;  // guarded by mu: the in-flight request's
  ClientStatus st;                         // guarded by mu
  std::string active_raw;                  // guarded by mu: bytes of the active bundle
  std::thread loop;
  bool started = false;
  std::mt19937_64 rng;  // polling thread only

  Status MakeHttpClient() {
    if (http.has_value()) return Status::OK();
    if (options.url.empty())
      return Status::InvalidArgument("bundle client: no bundle URL configured");
    fedra::http::SizeCpprestPool();
    try {
      web::uri uri(utility::conversions::to_string_t(options.url));
      std::string scheme = Lower(uri.scheme());
      if (scheme != "http" && scheme != "https") {
        return Status::InvalidArgument("bundle client: URL " + options.url +
                                       " must use http or https");
      }
      whc::http_client_config cfg;
      // cpprestsdk's timeout is an idle timer: it must outlast a long poll.
      auto timeout = options.request_timeout +
                     std::chrono::duration_cast<milliseconds>(options.long_poll_timeout);
      cfg.set_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
      if (!options.ca_file.empty()) {
        std::string ca = options.ca_file;
        cfg.set_ssl_context_callback(
            [ca](boost::asio::ssl::context& ctx) { ctx.load_verify_file(ca); });
      }
      http.emplace(uri, cfg);
    } catch (const std::exception& e) {
      return Status::InvalidArgument("bundle client: bad URL " + options.url + ": " + e.what());
    }
    return Status::OK();
  }

  // One GET. Blocks the calling thread (never a pool thread) until the
  // response and body arrive, the request fails, or Stop() cancels it.
  Outcome Fetch() {
    Outcome out;
    std::string etag;
    bool long_poll = false;
    pplx::cancellation_token token = pplx::cancellation_token::none();
    {
      std::lock_guard<std::mutex> l(mu);
      if (stopping) {
        out.error = Status::Cancelled("bundle client stopped");
        return out;
      }
      cancel = pplx::cancellation_token_source();
      token = cancel.get_token();
      etag = st.etag;
      long_poll = st.long_polling && options.long_poll_timeout.count() > 0;
      st.last_request_unix_ns = NowNs();
    }
    try {
      wh::http_request req(wh::methods::GET);
      if (!etag.empty()) req.headers().add("If-None-Match", etag);
      std::string prefer = "modes=snapshot";
      if (long_poll) prefer += ";wait=" + std::to_string(options.long_poll_timeout.count());
      req.headers().add("Prefer", prefer);
      req.headers().add(
          "Accept", std::string(kBundleMediaType) + ", application/gzip, application/octet-stream");
      if (!options.bearer_token.empty())
        req.headers().add("Authorization", "Bearer " + options.bearer_token);
      wh::http_response resp = http->request(req, token).get();
      int code = resp.status_code();
      std::string content_type = resp.headers().content_type();
      if (code == wh::status_codes::NotModified) {
        out.kind = Outcome::Kind::kNotModified;
        auto it = resp.headers().find("ETag");
        out.etag = it != resp.headers().end() ? it->second : etag;
        out.long_poll = long_poll || MediaType(content_type) == kBundleMediaType;
        return out;
      }
      if (code != wh::status_codes::OK) {
        out.error = Status::IoError("bundle server replied " + std::to_string(code) + " " +
                                    resp.reason_phrase());
        return out;
      }
      size_t max = options.read.limits.max_compressed_bytes;
      if (resp.headers().content_length() > max) {
        out.error = Status::LimitExceeded(
            "bundle download of " + std::to_string(resp.headers().content_length()) +
            " bytes exceeds " + std::to_string(max) + " (limit max_compressed_bytes)");
        return out;
      }
      concurrency::streams::istream body = resp.body();
      concurrency::streams::container_buffer<std::string> buf;
      for (;;) {
        size_t n = body.read(buf, 64 * 1024).get();
        if (n == 0) break;
        if (buf.collection().size() > max) {
          out.error = Status::LimitExceeded("bundle download exceeds " + std::to_string(max) +
                                            " bytes (limit max_compressed_bytes)");
          return out;
        }
      }
      out.kind = Outcome::Kind::kBundle;
      out.raw = std::move(buf.collection());
      auto it = resp.headers().find("ETag");
      if (it != resp.headers().end()) out.etag = it->second;
      out.long_poll = MediaType(content_type) == kBundleMediaType;
      return out;
    } catch (const pplx::task_canceled&) {
      out.error = Status::Cancelled("bundle request cancelled");
    } catch (const std::exception& e) {
      out.error =
          Status::IoError(std::string("bundle request to ") + options.url + " failed: " + e.what());
    }
    return out;
  }

  void RecordFailure(const Status& error, bool activation) {
    std::lock_guard<std::mutex> l(mu);
    ++st.failures;
    ++st.consecutive_failures;
    if (activation) {
      st.last_activation_error = error;
    } else {
      st.last_error = error;
    }
  }

  // Reads, verifies and offers a bundle; on acceptance records and persists it.
  Status Activate(const std::string& raw, const std::string& etag, bool from_disk) {
    Bundle b;
    Status read = ReadBundle(raw, options.read, &b);
    if (!read.ok()) return read;
    b.etag = etag;
    Status accepted;
    try {
      accepted = on_bundle(b);
    } catch (const std::exception& e) {
      // The callback is the engine's; an exception must not end the thread.
      accepted = Status::Internal(std::string("bundle callback threw: ") + e.what());
    }
    if (!accepted.ok())
      return accepted.WithContext("bundle rejected (revision \"" + b.revision + "\")");
    {
      std::lock_guard<std::mutex> l(mu);
      st.active_revision = b.revision;
      st.last_successful_activation_unix_ns = NowNs();
      st.last_activation_error = Status::OK();
      ++st.activations;
      st.loaded_from_disk = from_disk;
      active_raw = raw;
    }
    if (!from_disk && !options.persist_dir.empty()) {
      Status saved = SaveBundleFile(options.persist_dir, raw, etag);
      if (!saved.ok()) {
        // The bundle is active; only its copy on disk is stale. Report it.
        std::lock_guard<std::mutex> l(mu);
        st.last_error = saved.WithContext("persisting the bundle");
      }
    }
    return Status::OK();
  }

  // One request and what follows from it. Returns the request's outcome.
  Status Poll() {
    Outcome o = Fetch();
    if (o.kind == Outcome::Kind::kError) {
      RecordFailure(o.error, false);
      return o.error;
    }
    bool same_bytes = false;
    {
      std::lock_guard<std::mutex> l(mu);
      int64_t now = NowNs();
      st.last_successful_request_unix_ns = now;
      st.last_error = Status::OK();
      st.long_polling = o.long_poll;
      if (o.kind == Outcome::Kind::kNotModified) {
        ++st.not_modified;
        st.consecutive_failures = 0;
        st.etag = o.etag;
        return Status::OK();
      }
      ++st.downloads;
      st.last_successful_download_unix_ns = now;
      same_bytes = !active_raw.empty() && active_raw == o.raw;
    }
    if (same_bytes) {
      // A server without ETags re-sends the active bundle: nothing changed.
      std::lock_guard<std::mutex> l(mu);
      st.etag = o.etag;
      st.consecutive_failures = 0;
      return Status::OK();
    }
    Status activated = Activate(o.raw, o.etag, false);
    // Remember the ETag even for a rejected bundle: it is not fetched again
    // until the server's bundle changes (the old bundle stays active).
    {
      std::lock_guard<std::mutex> l(mu);
      st.etag = o.etag;
      if (activated.ok()) st.consecutive_failures = 0;
    }
    if (!activated.ok()) RecordFailure(activated, true);
    return activated;
  }

  milliseconds Backoff(uint32_t failures) {
    double base = static_cast<double>(options.backoff_base.count());
    double cap = static_cast<double>(options.backoff_max.count());
    double d = std::min(
        cap, base * std::pow(2.0, std::min<uint32_t>(failures > 0 ? failures - 1 : 0, 30)));
    // Half fixed, half random: spreads a fleet of engines out without ever
    // retrying at once.
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    return milliseconds(static_cast<int64_t>(d * jitter(rng)));
  }

  uint64_t status_not_modified() {
    std::lock_guard<std::mutex> l(mu);
    return st.not_modified;
  }

  void Run() {
    for (;;) {
      auto started_at = std::chrono::steady_clock::now();
      uint64_t not_modified_before = status_not_modified();
      Status polled = Poll();
      auto took = std::chrono::steady_clock::now() - started_at;
      milliseconds delay(0);
      {
        std::lock_guard<std::mutex> l(mu);
        if (stopping) return;
        if (!polled.ok()) {
          delay = Backoff(st.consecutive_failures);
        } else if (!(st.long_polling && options.long_poll_timeout.count() > 0)) {
          auto lo = options.min_delay.count(),
               hi = std::max(options.min_delay.count(), options.max_delay.count());
          std::uniform_int_distribution<int64_t> d(lo, hi);
          delay = milliseconds(d(rng));
        } else if (st.not_modified > not_modified_before && took < kMinLongPoll) {
          // A "long poll" answered 304 at once: something in between (a
          // proxy dropping Prefer) defeats it. Pause instead of spinning.
          delay = options.backoff_base;
        }
      }
      std::unique_lock<std::mutex> l(mu);
      if (cv.wait_for(l, delay, [&] { return stopping; })) return;
    }
  }
};

Client::Client(ClientOptions options, Callback on_bundle)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(on_bundle))) {}

Client::~Client() { Stop(); }

Status Client::LoadPersisted() {
  if (impl_->options.persist_dir.empty())
    return Status::NotFound("bundle client: no persistence directory configured");
  std::string raw, etag;
  FEDRA_RETURN_IF_ERROR(LoadBundleFile(impl_->options.persist_dir, &raw, &etag));
  Status st = impl_->Activate(raw, etag, true);
  if (!st.ok()) {
    Status err = st.WithContext("persisted bundle in " + impl_->options.persist_dir);
    impl_->RecordFailure(err, true);
    return err;
  }
  std::lock_guard<std::mutex> l(impl_->mu);
  impl_->st.etag = etag;
  return Status::OK();
}

Status Client::Start() {
  if (impl_->started) return Status::InvalidArgument("bundle client: already started");
  FEDRA_RETURN_IF_ERROR(impl_->MakeHttpClient());
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    if (impl_->stopping) return Status::InvalidArgument("bundle client: stopped");
  }
  impl_->started = true;
  impl_->loop = std::thread([this] { impl_->Run(); });
  return Status::OK();
}

void Client::Stop() {
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    impl_->stopping = true;
    impl_->cancel.cancel();
  }
  impl_->cv.notify_all();
  if (impl_->loop.joinable()) impl_->loop.join();
}

Status Client::PollOnce() {
  FEDRA_RETURN_IF_ERROR(impl_->MakeHttpClient());
  return impl_->Poll();
}

ClientStatus Client::status() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->st;
}

}  // namespace fedra::bundle
