#include "operator/kube/watch.h"

#include <random>

namespace fedra::op::kube {
namespace {

bool ParseType(std::string_view s, EventType* out) {
  if (s == "ADDED")
    *out = EventType::kAdded;
  else if (s == "MODIFIED")
    *out = EventType::kModified;
  else if (s == "DELETED")
    *out = EventType::kDeleted;
  else if (s == "BOOKMARK")
    *out = EventType::kBookmark;
  else if (s == "ERROR")
    *out = EventType::kError;
  else
    return false;
  return true;
}

std::string Excerpt(std::string_view line) {
  constexpr size_t kMax = 80;
  std::string out(line.substr(0, kMax));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  }
  if (line.size() > kMax) out += "...";
  return out;
}

}  // namespace

std::string_view EventTypeName(EventType type) {
  switch (type) {
    case EventType::kAdded:
      return "ADDED";
    case EventType::kModified:
      return "MODIFIED";
    case EventType::kDeleted:
      return "DELETED";
    case EventType::kBookmark:
      return "BOOKMARK";
    case EventType::kError:
      return "ERROR";
  }
  return "?";
}

std::string_view WatchEndName(WatchEnd end) {
  switch (end) {
    case WatchEnd::kStopped:
      return "Stopped";
    case WatchEnd::kHandlerStopped:
      return "HandlerStopped";
    case WatchEnd::kExpired:
      return "Expired";
    case WatchEnd::kGatewayTimeout:
      return "GatewayTimeout";
    case WatchEnd::kClosed:
      return "Closed";
    case WatchEnd::kError:
      return "Error";
  }
  return "?";
}

ApiStatus ParseWatchEvent(std::string_view line, WatchEvent* out) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    return ApiStatus::BadResponse("not JSON at byte " + std::to_string(e.byte) + ": \"" +
                                  Excerpt(line) + "\"");
  }
  if (!doc.is_object())
    return ApiStatus::BadResponse("event is not an object: \"" + Excerpt(line) + "\"");
  auto type = doc.find("type");
  if (type == doc.end() || !type->is_string()) {
    return ApiStatus::BadResponse("event has no type: \"" + Excerpt(line) + "\"");
  }
  WatchEvent ev;
  if (!ParseType(type->get<std::string>(), &ev.type)) {
    return ApiStatus::BadResponse("event type \"" + type->get<std::string>() + "\" unknown");
  }
  auto obj = doc.find("object");
  if (obj == doc.end() || !obj->is_object()) {
    return ApiStatus::BadResponse(std::string(EventTypeName(ev.type)) + " event has no object");
  }
  ev.object = std::move(*obj);
  if (ev.type == EventType::kError) {
    ev.error = ApiStatus::FromStatusObject(ev.object, "watch ERROR event");
    if (ev.error.ok()) ev.error = ApiStatus::BadResponse("ERROR event with a success status");
    *out = std::move(ev);
    return ApiStatus();
  }
  auto meta = ev.object.find("metadata");
  if (meta == ev.object.end() || !meta->is_object()) {
    return ApiStatus::BadResponse(std::string(EventTypeName(ev.type)) +
                                  " event object has no metadata");
  }
  auto rv = meta->find("resourceVersion");
  if (rv == meta->end() || !rv->is_string() || rv->get<std::string>().empty()) {
    return ApiStatus::BadResponse(std::string(EventTypeName(ev.type)) +
                                  " event object has no metadata.resourceVersion");
  }
  ev.resource_version = rv->get<std::string>();
  *out = std::move(ev);
  return ApiStatus();
}

Watch::Watch(Client* client, GroupVersionResource gvr, std::string ns, WatchOptions options)
    : client_(client), gvr_(std::move(gvr)), ns_(std::move(ns)), options_(std::move(options)) {}

void Watch::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
  }
  cv_.notify_all();
  canceller_.Cancel();
}

bool Watch::SleepUnlessStopped(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, d, [&] { return stopped_.load(); });
}

std::string Watch::BuildPath(const std::string& resource_version) const {
  std::string path = ResourcePath(gvr_, ns_) + "?watch=1";
  auto add = [&](const char* key, const std::string& value) {
    if (value.empty()) return;
    path += '&';
    path += key;
    path += '=';
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (unsigned char c : value) {
      bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '.' || c == '_' || c == '~';
      if (plain) {
        path.push_back(static_cast<char>(c));
      } else {
        path.push_back('%');
        path.push_back(kHex[c >> 4]);
        path.push_back(kHex[c & 15]);
      }
    }
  };
  add("resourceVersion", resource_version);
  add("labelSelector", options_.label_selector);
  add("fieldSelector", options_.field_selector);
  if (options_.allow_bookmarks) path += "&allowWatchBookmarks=true";
  if (options_.timeout_seconds > 0) {
    path += "&timeoutSeconds=" + std::to_string(options_.timeout_seconds);
  }
  return path;
}

WatchResult Watch::Run(const WatchHandler& handler) {
  WatchResult result;
  result.resource_version = options_.resource_version;
  std::mt19937 rng(std::random_device{}());
  std::chrono::milliseconds backoff = options_.backoff_initial;
  int consecutive_failures = 0;
  // The client's idle timer must not fire before the server ends the watch.
  std::chrono::milliseconds idle_timeout =
      std::chrono::seconds(options_.timeout_seconds > 0 ? options_.timeout_seconds + 30 : 3600);

  auto fail = [&](const ApiStatus& st) {
    ++result.failures;
    if (options_.on_error) options_.on_error(st);
  };

  while (true) {
    if (stopped_) {
      result.end = WatchEnd::kStopped;
      return result;
    }
    ++result.connections;
    uint64_t events_before = result.events;
    auto started = std::chrono::steady_clock::now();
    // What ended this connection, when it was not a transport-level error.
    enum class Why { kNone, kHandler, kExpired, kServerError, kBadLine } why = Why::kNone;
    ApiStatus line_error;
    uint64_t line_no = 0;
    auto on_line = [&](std::string_view line, bool truncated) -> bool {
      ++line_no;
      if (truncated) {
        why = Why::kBadLine;
        line_error =
            ApiStatus::BadResponse("watch line " + std::to_string(line_no) +
                                   " truncated at end of stream: \"" + Excerpt(line) + "\"");
        return false;
      }
      if (line.empty()) return true;  // keep-alive blank lines are harmless
      WatchEvent ev;
      ApiStatus st = ParseWatchEvent(line, &ev);
      if (!st.ok()) {
        why = Why::kBadLine;
        line_error = ApiStatus::BadResponse("watch line " + std::to_string(line_no) + ": " +
                                            std::string(st.message()));
        return false;
      }
      ++result.events;
      if (ev.type != EventType::kError) result.resource_version = ev.resource_version;
      bool keep_going = handler(ev);
      if (ev.type == EventType::kError) {
        line_error = ev.error;
        why = IsGone(ev.error) ? Why::kExpired : Why::kServerError;
        return false;
      }
      if (!keep_going) {
        why = Why::kHandler;
        return false;
      }
      return true;
    };
    const std::string path = BuildPath(result.resource_version);
    ApiStatus st =
        client_->StreamLines(path, on_line, &canceller_, options_.max_line_bytes, idle_timeout);
    line_error = line_error.WithContext("GET " + path);
    if (stopped_ || IsCancelled(st)) {
      result.end = WatchEnd::kStopped;
      return result;
    }
    if (result.events > events_before) {
      consecutive_failures = 0;
      backoff = options_.backoff_initial;
    }
    if (why == Why::kHandler) {
      result.end = WatchEnd::kHandlerStopped;
      return result;
    }
    if (why == Why::kExpired || (!st.ok() && IsGone(st))) {
      result.end = WatchEnd::kExpired;
      result.status = why == Why::kExpired ? line_error : st;
      return result;
    }
    if (!st.ok() && IsTimeout(st) && st.http_code() == 504) {
      result.end = WatchEnd::kGatewayTimeout;
      result.status = st;
      return result;
    }
    ApiStatus failure = why == Why::kBadLine || why == Why::kServerError ? line_error : st;
    if (failure.ok()) {
      // A clean end of the stream (the server's timeoutSeconds).
      if (!options_.reconnect) {
        result.end = WatchEnd::kClosed;
        return result;
      }
      // A server that keeps closing at once without events would otherwise
      // be hammered at the rate limit: back off, without giving up.
      if (result.events == events_before &&
          std::chrono::steady_clock::now() - started < std::chrono::seconds(1)) {
        if (!SleepUnlessStopped(backoff)) {
          result.end = WatchEnd::kStopped;
          return result;
        }
        backoff = std::min(backoff * 2, options_.backoff_max);
      }
      continue;
    }
    fail(failure);
    // A 401 right after a success usually means a rotated token or an
    // expired plugin credential; StreamLines dropped the cached one, so one
    // more attempt is worth it.
    bool retryable = why == Why::kBadLine || IsRetryable(failure) ||
                     (IsUnauthorized(failure) && consecutive_failures == 0);
    if (!options_.reconnect || !retryable) {
      result.end = WatchEnd::kError;
      result.status = failure;
      return result;
    }
    ++consecutive_failures;
    if (options_.max_consecutive_failures > 0 &&
        consecutive_failures >= options_.max_consecutive_failures) {
      result.end = WatchEnd::kError;
      result.status = failure;
      return result;
    }
    // Backoff with jitter; a server's Retry-After wins when longer.
    std::chrono::milliseconds wait = backoff;
    if (auto ra = failure.retry_after()) {
      wait = std::max(wait, std::chrono::duration_cast<std::chrono::milliseconds>(*ra));
    }
    std::uniform_int_distribution<int64_t> jitter(0, std::max<int64_t>(1, wait.count() / 4));
    wait += std::chrono::milliseconds(jitter(rng));
    backoff = std::min(backoff * 2, options_.backoff_max);
    if (!SleepUnlessStopped(wait)) {
      result.end = WatchEnd::kStopped;
      return result;
    }
  }
}

}  // namespace fedra::op::kube
