#include "operator/kube/errors.h"

#include <charconv>

namespace fedra::op::kube {
namespace {

// Bodies that are not Status objects (a proxy's HTML page, plain text) are
// quoted only this far in messages.
constexpr size_t kMaxQuotedBody = 300;

Reason ReasonFromCode(int code) {
  switch (code) {
    case 400:
      return Reason::kBadRequest;
    case 401:
      return Reason::kUnauthorized;
    case 403:
      return Reason::kForbidden;
    case 404:
      return Reason::kNotFound;
    case 405:
      return Reason::kMethodNotAllowed;
    case 406:
      return Reason::kNotAcceptable;
    case 409:
      return Reason::kConflict;
    case 410:
      return Reason::kGone;
    case 413:
      return Reason::kRequestEntityTooLarge;
    case 415:
      return Reason::kUnsupportedMediaType;
    case 422:
      return Reason::kInvalid;
    case 429:
      return Reason::kTooManyRequests;
    case 503:
      return Reason::kServiceUnavailable;
    case 504:
      return Reason::kTimeout;
    default:
      break;
  }
  if (code >= 500 && code < 600) return Reason::kInternalError;
  return Reason::kOtherHttp;
}

// metav1.StatusReason strings; a reason the server names wins over the code
// (409 can be AlreadyExists or Conflict; 500 can be ServerTimeout).
bool ReasonFromString(std::string_view s, Reason* out) {
  static constexpr std::pair<std::string_view, Reason> kTable[] = {
      {"BadRequest", Reason::kBadRequest},
      {"Unauthorized", Reason::kUnauthorized},
      {"Forbidden", Reason::kForbidden},
      {"NotFound", Reason::kNotFound},
      {"MethodNotAllowed", Reason::kMethodNotAllowed},
      {"NotAcceptable", Reason::kNotAcceptable},
      {"AlreadyExists", Reason::kAlreadyExists},
      {"Conflict", Reason::kConflict},
      {"Gone", Reason::kGone},
      {"Expired", Reason::kGone},
      {"RequestEntityTooLarge", Reason::kRequestEntityTooLarge},
      {"UnsupportedMediaType", Reason::kUnsupportedMediaType},
      {"Invalid", Reason::kInvalid},
      {"TooManyRequests", Reason::kTooManyRequests},
      {"InternalError", Reason::kInternalError},
      {"ServiceUnavailable", Reason::kServiceUnavailable},
      {"Timeout", Reason::kTimeout},
      {"ServerTimeout", Reason::kTimeout},
  };
  for (const auto& [name, reason] : kTable) {
    if (name == s) {
      *out = reason;
      return true;
    }
  }
  return false;
}

std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  if (v.empty()) return std::nullopt;
  int64_t secs = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), secs);
  // HTTP dates are allowed by RFC 9110 but the API server never sends them;
  // treat anything else as absent rather than guessing.
  if (ec != std::errc() || ptr != v.data() + v.size() || secs < 0) return std::nullopt;
  return std::chrono::seconds(std::min<int64_t>(secs, 24 * 3600));
}

std::string StringField(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::string Quote(std::string_view body) {
  std::string out(body.substr(0, kMaxQuotedBody));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  if (body.size() > kMaxQuotedBody) out += "...";
  return out;
}

}  // namespace

std::string_view ReasonName(Reason reason) {
  switch (reason) {
    case Reason::kOk:
      return "OK";
    case Reason::kBadRequest:
      return "BadRequest";
    case Reason::kUnauthorized:
      return "Unauthorized";
    case Reason::kForbidden:
      return "Forbidden";
    case Reason::kNotFound:
      return "NotFound";
    case Reason::kMethodNotAllowed:
      return "MethodNotAllowed";
    case Reason::kNotAcceptable:
      return "NotAcceptable";
    case Reason::kAlreadyExists:
      return "AlreadyExists";
    case Reason::kConflict:
      return "Conflict";
    case Reason::kGone:
      return "Gone";
    case Reason::kRequestEntityTooLarge:
      return "RequestEntityTooLarge";
    case Reason::kUnsupportedMediaType:
      return "UnsupportedMediaType";
    case Reason::kInvalid:
      return "Invalid";
    case Reason::kTooManyRequests:
      return "TooManyRequests";
    case Reason::kInternalError:
      return "InternalError";
    case Reason::kServiceUnavailable:
      return "ServiceUnavailable";
    case Reason::kTimeout:
      return "Timeout";
    case Reason::kOtherHttp:
      return "HTTPError";
    case Reason::kTransport:
      return "Transport";
    case Reason::kBadResponse:
      return "BadResponse";
    case Reason::kClientError:
      return "ClientError";
    case Reason::kThrottled:
      return "Throttled";
    case Reason::kCancelled:
      return "Cancelled";
  }
  return "Unknown";
}

ApiStatus::ApiStatus(const ApiStatus& other)
    : rep_(other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr) {}

ApiStatus& ApiStatus::operator=(const ApiStatus& other) {
  if (this != &other) rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
  return *this;
}

const std::vector<StatusCause>& ApiStatus::causes() const {
  static const std::vector<StatusCause> kNone;
  return rep_ ? rep_->causes : kNone;
}

ApiStatus ApiStatus::Make(Reason reason, std::string_view message, int http_code) {
  ApiStatus s;
  if (reason == Reason::kOk) return s;
  s.rep_ = std::make_unique<Rep>();
  s.rep_->reason = reason;
  s.rep_->message = std::string(message);
  s.rep_->http_code = http_code;
  return s;
}

ApiStatus ApiStatus::FromStatus(const Status& status) {
  if (status.ok()) return ApiStatus();
  return Make(Reason::kClientError, status.ToString());
}

ApiStatus ApiStatus::FromStatusObject(const nlohmann::json& status, std::string_view context) {
  if (!status.is_object()) {
    ApiStatus s = BadResponse("Status object expected, got " + Quote(status.dump()));
    return s.WithContext(context);
  }
  int code = 0;
  if (auto it = status.find("code"); it != status.end() && it->is_number_integer()) {
    code = it->get<int>();
  }
  ApiStatus s;
  s.rep_ = std::make_unique<Rep>();
  s.rep_->http_code = code;
  s.rep_->context = std::string(context);
  s.rep_->message = StringField(status, "message");
  s.rep_->server_reason = StringField(status, "reason");
  Reason reason = ReasonFromCode(code);
  Reason named;
  if (ReasonFromString(s.rep_->server_reason, &named)) reason = named;
  if (code == 0 && s.rep_->server_reason.empty()) {
    // Neither code nor reason: not something we can classify.
    reason = Reason::kBadResponse;
    if (s.rep_->message.empty()) s.rep_->message = "Status object without code or reason";
  }
  s.rep_->reason = reason;
  if (auto d = status.find("details"); d != status.end() && d->is_object()) {
    s.rep_->kind = StringField(*d, "kind");
    s.rep_->name = StringField(*d, "name");
    if (auto ra = d->find("retryAfterSeconds"); ra != d->end() && ra->is_number_integer()) {
      int64_t secs = ra->get<int64_t>();
      if (secs >= 0) s.rep_->retry_after = std::chrono::seconds(std::min<int64_t>(secs, 86400));
    }
    if (auto c = d->find("causes"); c != d->end() && c->is_array()) {
      for (const auto& cause : *c) {
        if (!cause.is_object()) continue;
        s.rep_->causes.push_back(StatusCause{StringField(cause, "reason"),
                                             StringField(cause, "message"),
                                             StringField(cause, "field")});
      }
    }
  }
  if (s.rep_->message.empty()) s.rep_->message = std::string(ReasonName(reason));
  return s;
}

ApiStatus ApiStatus::FromResponse(int http_code, std::string_view body,
                                  std::string_view retry_after, std::string_view context) {
  if (http_code >= 200 && http_code < 300) return ApiStatus();
  ApiStatus s;
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object() && StringField(parsed, "kind") == "Status") {
    s = FromStatusObject(parsed, context);
    // The HTTP code is authoritative when the object disagrees or lacks one.
    if (s.rep_->http_code != http_code) {
      s.rep_->http_code = http_code;
      Reason named;
      if (!ReasonFromString(s.rep_->server_reason, &named)) {
        s.rep_->reason = ReasonFromCode(http_code);
      }
    }
  } else {
    s.rep_ = std::make_unique<Rep>();
    s.rep_->http_code = http_code;
    s.rep_->reason = ReasonFromCode(http_code);
    s.rep_->context = std::string(context);
    s.rep_->message = body.empty() ? std::string(ReasonName(s.rep_->reason)) : Quote(body);
  }
  if (auto ra = ParseRetryAfter(retry_after)) s.rep_->retry_after = ra;
  return s;
}

ApiStatus ApiStatus::WithContext(std::string_view context) const {
  ApiStatus s(*this);
  if (s.rep_ && s.rep_->context.empty()) s.rep_->context = std::string(context);
  return s;
}

std::string ApiStatus::ToString() const {
  if (ok()) return "OK";
  std::string out;
  if (!rep_->context.empty()) {
    out += rep_->context;
    out += ": ";
  }
  if (rep_->http_code != 0) {
    out += std::to_string(rep_->http_code);
    out += ' ';
  }
  out += ReasonName(rep_->reason);
  out += ": ";
  out += rep_->message;
  if (!rep_->causes.empty()) {
    out += " [";
    for (size_t i = 0; i < rep_->causes.size(); ++i) {
      if (i) out += "; ";
      const StatusCause& c = rep_->causes[i];
      if (!c.field.empty()) out += c.field + ": ";
      out += c.message.empty() ? c.type : c.message;
    }
    out += "]";
  }
  if (rep_->retry_after)
    out += " (retry after " + std::to_string(rep_->retry_after->count()) + "s)";
  return out;
}

Status ApiStatus::ToStatus() const {
  if (ok()) return Status::OK();
  StatusCode code = StatusCode::kInternal;
  switch (rep_->reason) {
    case Reason::kNotFound:
      code = StatusCode::kNotFound;
      break;
    case Reason::kBadRequest:
    case Reason::kInvalid:
    case Reason::kClientError:
      code = StatusCode::kInvalidArgument;
      break;
    case Reason::kTransport:
      code = StatusCode::kIoError;
      break;
    case Reason::kCancelled:
      code = StatusCode::kEvalCancelError;
      break;
    default:
      break;
  }
  return Status(code, ToString());
}

bool IsRetryable(const ApiStatus& s) {
  switch (s.reason()) {
    case Reason::kTooManyRequests:
    case Reason::kInternalError:
    case Reason::kServiceUnavailable:
    case Reason::kTimeout:
    case Reason::kTransport:
    case Reason::kThrottled:
      return true;
    default:
      return IsServerError(s);
  }
}

}  // namespace fedra::op::kube
