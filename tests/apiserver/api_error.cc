#include "tests/apiserver/api_error.h"

namespace fedra::apiserver {

std::string QualifiedResource(const std::string& group, const std::string& resource) {
  return group.empty() ? resource : resource + "." + group;
}

namespace {

json Details(const std::string& group, const std::string& kind, const std::string& name) {
  json d = json::object();
  if (!name.empty()) d["name"] = name;
  if (!group.empty()) d["group"] = group;
  if (!kind.empty()) d["kind"] = kind;
  return d;
}

}  // namespace

ApiError ApiError::NotFound(const std::string& group, const std::string& resource,
                            const std::string& name) {
  ApiError e(404, "NotFound",
             QualifiedResource(group, resource) + " \"" + name + "\" not found");
  e.details_ = Details(group, resource, name);
  return e;
}

ApiError ApiError::AlreadyExists(const std::string& group, const std::string& resource,
                                 const std::string& name) {
  ApiError e(409, "AlreadyExists",
             QualifiedResource(group, resource) + " \"" + name + "\" already exists");
  e.details_ = Details(group, resource, name);
  return e;
}

ApiError ApiError::Conflict(const std::string& group, const std::string& resource,
                            const std::string& name, const std::string& why) {
  ApiError e(409, "Conflict",
             "Operation cannot be fulfilled on " + QualifiedResource(group, resource) + " \"" +
                 name + "\": " + why);
  e.details_ = Details(group, resource, name);
  return e;
}

ApiError ApiError::Invalid(const std::string& group, const std::string& kind,
                           const std::string& name, std::vector<Cause> causes) {
  // Kubernetes: `Widget.example.com "w" is invalid: [spec.a: ..., spec.b: ...]`.
  std::string qualified = group.empty() ? kind : kind + "." + group;
  std::string list;
  for (size_t i = 0; i < causes.size(); ++i) {
    if (i) list += ", ";
    list += causes[i].field.empty() ? causes[i].message
                                    : causes[i].field + ": " + causes[i].message;
  }
  if (causes.size() > 1) list = "[" + list + "]";
  ApiError e(422, "Invalid", qualified + " \"" + name + "\" is invalid: " + list);
  e.details_ = Details(group, kind, name);
  json arr = json::array();
  for (const Cause& c : causes) {
    json j = {{"reason", c.reason}, {"message", c.message}};
    if (!c.field.empty()) j["field"] = c.field;
    arr.push_back(std::move(j));
  }
  e.details_["causes"] = std::move(arr);
  return e;
}

ApiError ApiError::BadRequest(const std::string& message) {
  return ApiError(400, "BadRequest", message);
}

ApiError ApiError::Gone(const std::string& message) { return ApiError(410, "Expired", message); }

ApiError ApiError::Forbidden(const std::string& message) {
  return ApiError(403, "Forbidden", message);
}

ApiError ApiError::Unauthorized() { return ApiError(401, "Unauthorized", "Unauthorized"); }

ApiError ApiError::MethodNotSupported(const std::string& resource, const std::string& verb) {
  ApiError e(405, "MethodNotAllowed",
             verb + " is not supported on resources of kind \"" + resource + "\"");
  e.details_ = Details("", resource, "");
  return e;
}

ApiError ApiError::UnsupportedMediaType(const std::string& type) {
  return ApiError(415, "UnsupportedMediaType",
                  "the body of the request was in an unknown format - accepted media types "
                  "include: application/json-patch+json, application/merge-patch+json, "
                  "application/apply-patch+yaml (got " +
                      type + ")");
}

ApiError ApiError::TooManyRequests(const std::string& message, int retry_after_seconds) {
  ApiError e(429, "TooManyRequests", message);
  if (retry_after_seconds > 0) e.set_retry_after(retry_after_seconds);
  return e;
}

ApiError ApiError::Internal(const std::string& message) {
  return ApiError(500, "InternalError", "Internal error occurred: " + message);
}

ApiError ApiError::Timeout(const std::string& message) {
  return ApiError(504, "Timeout", message);
}

ApiError ApiError::Generic(int code, const std::string& reason, const std::string& message) {
  return ApiError(code, reason, message);
}

json ApiError::ToStatus() const {
  json s = {{"kind", "Status"},
            {"apiVersion", "v1"},
            {"metadata", json::object()},
            {"status", ok() ? "Success" : "Failure"},
            {"message", message_},
            {"reason", reason_},
            {"code", ok() ? 200 : code_}};
  if (!details_.is_null()) s["details"] = details_;
  return s;
}

}  // namespace fedra::apiserver
