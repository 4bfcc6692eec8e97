// ApiError: a Kubernetes `Status` failure in waiting. The simulator's layers
// return one instead of throwing, the way leveldb returns a Status; the HTTP
// layer turns it into the exact JSON body and code a kube-apiserver sends
// (kind Status, status Failure, reason, details{name, group, kind, causes},
// code), because clients (kubectl, client-go, our operator) branch on
// `reason` and `details`, not on the message.
//
// An ApiError with code 0 means success. Value type; thread-compatible.
#ifndef FEDRA_TESTS_APISERVER_API_ERROR_H_
#define FEDRA_TESTS_APISERVER_API_ERROR_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fedra::apiserver {

using nlohmann::json;

struct Cause {
  std::string reason;   // e.g. FieldValueInvalid, FieldValueRequired
  std::string message;  // e.g. "Invalid value: \"x\": must be ..."
  std::string field;    // e.g. "spec.replicas"
};

class ApiError {
 public:
  ApiError() = default;  // success

  static ApiError NotFound(const std::string& group, const std::string& resource,
                           const std::string& name);
  static ApiError AlreadyExists(const std::string& group, const std::string& resource,
                                const std::string& name);
  // The stale-resourceVersion conflict ("the object has been modified").
  static ApiError Conflict(const std::string& group, const std::string& resource,
                           const std::string& name, const std::string& why);
  // `kind` is the object's Kind; causes carry field paths.
  static ApiError Invalid(const std::string& group, const std::string& kind,
                          const std::string& name, std::vector<Cause> causes);
  static ApiError BadRequest(const std::string& message);
  static ApiError Gone(const std::string& message);  // 410, reason Expired
  static ApiError Forbidden(const std::string& message);
  static ApiError Unauthorized();
  static ApiError MethodNotSupported(const std::string& resource, const std::string& verb);
  static ApiError UnsupportedMediaType(const std::string& type);
  static ApiError TooManyRequests(const std::string& message, int retry_after_seconds);
  static ApiError Internal(const std::string& message);
  static ApiError Timeout(const std::string& message);  // 504
  // Anything else: code and reason as given.
  static ApiError Generic(int code, const std::string& reason, const std::string& message);

  bool ok() const { return code_ == 0; }
  int code() const { return code_; }
  const std::string& reason() const { return reason_; }
  const std::string& message() const { return message_; }
  int retry_after() const { return retry_after_; }
  // Adds Retry-After (the header, and details.retryAfterSeconds).
  void set_retry_after(int seconds) {
    retry_after_ = seconds;
    if (!details_.is_object()) details_ = json::object();
    details_["retryAfterSeconds"] = seconds;
  }
  json& details() { return details_; }
  const json& details() const { return details_; }

  // The Status object as JSON (kind Status, apiVersion v1).
  json ToStatus() const;

 private:
  ApiError(int code, std::string reason, std::string message)
      : code_(code), reason_(std::move(reason)), message_(std::move(message)) {}

  int code_ = 0;
  std::string reason_;
  std::string message_;
  json details_;  // null when absent
  int retry_after_ = 0;
};

// "configmaps" or "widgets.example.com": how Kubernetes names a resource of a
// group in messages.
std::string QualifiedResource(const std::string& group, const std::string& resource);

}  // namespace fedra::apiserver

#endif  // FEDRA_TESTS_APISERVER_API_ERROR_H_
