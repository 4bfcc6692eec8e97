// ApiStatus: the outcome of one Kubernetes API call.
//
// The API server reports failures as a `Status` object (kind: Status) with an
// HTTP code, a machine-readable `reason` and, for validation errors, field
// `causes`. ApiStatus keeps those apart so callers can branch on them
// (IsNotFound, IsConflict, ...), and also covers failures that never reached
// the server (transport, bad TLS material, client-side throttling) and
// responses the client could not decode.
//
// An OK ApiStatus holds no heap memory. ToStatus() converts to fedra::Status
// for code that only needs a message (NotFound maps to kNotFound, 400/422 to
// kInvalidArgument, transport failures to kIoError, anything else kInternal).
//
// Thread safety: a value type; distinct objects may be used from any thread.
#ifndef FEDRA_OPERATOR_KUBE_ERRORS_H_
#define FEDRA_OPERATOR_KUBE_ERRORS_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fedra/status.h"

namespace fedra::op::kube {

// Why a call failed. The server-side reasons follow metav1.StatusReason; a
// response without a usable Status object is classified by its HTTP code.
enum class Reason : uint8_t {
  kOk = 0,
  // Answers from the API server.
  kBadRequest,             // 400 BadRequest
  kUnauthorized,           // 401 Unauthorized
  kForbidden,              // 403 Forbidden
  kNotFound,               // 404 NotFound
  kMethodNotAllowed,       // 405 MethodNotAllowed
  kNotAcceptable,          // 406 NotAcceptable
  kAlreadyExists,          // 409 AlreadyExists (create of an existing name)
  kConflict,               // 409 Conflict (stale resourceVersion, precondition)
  kGone,                   // 410 Gone / Expired (resourceVersion too old)
  kRequestEntityTooLarge,  // 413
  kUnsupportedMediaType,   // 415 (e.g. a patch type the resource does not take)
  kInvalid,                // 422 Invalid, with field causes
  kTooManyRequests,        // 429 TooManyRequests, usually with Retry-After
  kInternalError,          // 500 InternalError and other 5xx not listed here
  kServiceUnavailable,     // 503 ServiceUnavailable
  kTimeout,                // 504 / reason Timeout or ServerTimeout
  kOtherHttp,              // any other non-2xx code
  // Failures on the client side.
  kTransport,    // connect, TLS handshake, reset, idle timeout
  kBadResponse,  // a 2xx whose body is not the JSON expected
  kClientError,  // bad arguments or configuration, credentials
  kThrottled,    // the client's own rate limiter would wait too long
  kCancelled,    // stopped by the caller (Watch::Stop, Client::Shutdown)
};

// "NotFound", "Transport", ... (the metav1 reason for server-side reasons).
std::string_view ReasonName(Reason reason);

// One entry of Status.details.causes: which field and what is wrong with it.
struct StatusCause {
  std::string type;     // "FieldValueInvalid", "FieldValueRequired", ...
  std::string message;  // "Invalid value: ...: must be ..."
  std::string field;    // "spec.replicas", "metadata.name"
};

class ApiStatus {
 public:
  ApiStatus() = default;  // OK
  ApiStatus(const ApiStatus& other);
  ApiStatus& operator=(const ApiStatus& other);
  ApiStatus(ApiStatus&&) noexcept = default;
  ApiStatus& operator=(ApiStatus&&) noexcept = default;

  static ApiStatus OK() { return ApiStatus(); }

  // From a non-2xx response. `body` is parsed as a metav1.Status when it is
  // one; otherwise the code alone decides the reason and the body (cut to a
  // few hundred bytes) becomes the message. `retry_after` is the header's
  // value ("" when absent; delta-seconds only, as the API server sends).
  // `context` ("GET /api/v1/namespaces/a/pods/b") prefixes the message.
  static ApiStatus FromResponse(int http_code, std::string_view body, std::string_view retry_after,
                                std::string_view context);
  // From a Status object already parsed (a watch ERROR event's object).
  // A malformed object yields kBadResponse naming what is wrong.
  static ApiStatus FromStatusObject(const nlohmann::json& status, std::string_view context);
  // Client-side failures.
  static ApiStatus Make(Reason reason, std::string_view message, int http_code = 0);
  static ApiStatus Transport(std::string_view message) { return Make(Reason::kTransport, message); }
  static ApiStatus BadResponse(std::string_view message) {
    return Make(Reason::kBadResponse, message);
  }
  static ApiStatus ClientError(std::string_view message) {
    return Make(Reason::kClientError, message);
  }
  static ApiStatus Cancelled(std::string_view message) { return Make(Reason::kCancelled, message); }
  // A fedra::Status from configuration or credentials: kClientError (or OK).
  static ApiStatus FromStatus(const Status& status);

  bool ok() const { return rep_ == nullptr; }
  Reason reason() const { return rep_ ? rep_->reason : Reason::kOk; }
  // The HTTP code (0 when the server never answered).
  int http_code() const { return rep_ ? rep_->http_code : 0; }
  // The server's (or client's) message, without the request context.
  std::string_view message() const {
    return rep_ ? std::string_view(rep_->message) : std::string_view();
  }
  // "GET /apis/...", or "" for client-side errors without a request.
  std::string_view context() const {
    return rep_ ? std::string_view(rep_->context) : std::string_view();
  }
  // Status.reason exactly as sent ("" when absent).
  std::string_view server_reason() const {
    return rep_ ? std::string_view(rep_->server_reason) : std::string_view();
  }
  // Status.details.causes (Invalid errors name the fields here).
  const std::vector<StatusCause>& causes() const;
  // Status.details.{group,kind,name} when sent.
  std::string_view details_kind() const {
    return rep_ ? std::string_view(rep_->kind) : std::string_view();
  }
  std::string_view details_name() const {
    return rep_ ? std::string_view(rep_->name) : std::string_view();
  }
  // Retry-After header, or Status.details.retryAfterSeconds when the header
  // is absent.
  std::optional<std::chrono::seconds> retry_after() const {
    return rep_ ? rep_->retry_after : std::nullopt;
  }

  // "GET /api/v1/...: 404 NotFound: pods \"x\" not found [spec.a: Required value]",
  // or "OK".
  std::string ToString() const;
  Status ToStatus() const;
  // A copy whose context is `context` when it has none yet.
  ApiStatus WithContext(std::string_view context) const;

 private:
  struct Rep {
    Reason reason = Reason::kOk;
    int http_code = 0;
    std::string message;
    std::string context;
    std::string server_reason;
    std::string kind;
    std::string name;
    std::vector<StatusCause> causes;
    std::optional<std::chrono::seconds> retry_after;
  };
  std::unique_ptr<Rep> rep_;
};

// Classification helpers, in the spirit of apimachinery's errors package.
inline bool IsNotFound(const ApiStatus& s) { return s.reason() == Reason::kNotFound; }
inline bool IsAlreadyExists(const ApiStatus& s) { return s.reason() == Reason::kAlreadyExists; }
inline bool IsConflict(const ApiStatus& s) { return s.reason() == Reason::kConflict; }
// 410: the resourceVersion asked for is older than the server keeps
// (Gone or Expired); informers relist.
inline bool IsGone(const ApiStatus& s) { return s.reason() == Reason::kGone; }
inline bool IsForbidden(const ApiStatus& s) { return s.reason() == Reason::kForbidden; }
inline bool IsUnauthorized(const ApiStatus& s) { return s.reason() == Reason::kUnauthorized; }
inline bool IsInvalid(const ApiStatus& s) { return s.reason() == Reason::kInvalid; }
inline bool IsBadRequest(const ApiStatus& s) { return s.reason() == Reason::kBadRequest; }
inline bool IsTooManyRequests(const ApiStatus& s) { return s.reason() == Reason::kTooManyRequests; }
inline bool IsTimeout(const ApiStatus& s) { return s.reason() == Reason::kTimeout; }
inline bool IsServiceUnavailable(const ApiStatus& s) {
  return s.reason() == Reason::kServiceUnavailable;
}
// Any 5xx answer.
inline bool IsServerError(const ApiStatus& s) {
  return s.http_code() >= 500 && s.http_code() < 600;
}
// The server could not be reached or the connection broke.
inline bool IsTransport(const ApiStatus& s) { return s.reason() == Reason::kTransport; }
inline bool IsCancelled(const ApiStatus& s) { return s.reason() == Reason::kCancelled; }
// Worth retrying later unchanged: 429, 5xx, transport failures, throttling.
bool IsRetryable(const ApiStatus& s);

}  // namespace fedra::op::kube

#endif  // FEDRA_OPERATOR_KUBE_ERRORS_H_
