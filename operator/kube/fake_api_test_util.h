// FakeApi: a small in-memory API server for one custom resource
// (widgets.test.fedra.io/v1, namespaced, with a status subresource) served
// by a real fedra::http::Server on 127.0.0.1. It speaks the parts of the
// Kubernetes API contract the client tests exercise: discovery, CRUD with
// resourceVersion/uid, 409 AlreadyExists/Conflict, 404 as Status objects,
// paging with continue tokens (and 410 for an expired token), the four patch
// content types (415 for others), delete preconditions, bearer-token auth,
// and injected 429/503 answers with Retry-After. Every request is recorded.
#ifndef FEDRA_OPERATOR_KUBE_FAKE_API_TEST_UTIL_H_
#define FEDRA_OPERATOR_KUBE_FAKE_API_TEST_UTIL_H_

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "http/server.h"

namespace fedra::op::kube::testing {

struct Recorded {
  std::string method;
  std::string path;
  std::string target;
  std::string content_type;
  std::string authorization;
  std::string host;
  std::string body;
};

class FakeApi {
 public:
  static constexpr const char* kPrefix = "/apis/test.fedra.io/v1";

  explicit FakeApi(std::optional<http::TlsOptions> tls = std::nullopt) {
    http::ServerOptions o;
    o.tls = std::move(tls);
    o.threads = 2;
    server_ = std::make_unique<http::Server>(
        o, http::Sync([this](const http::Request& r) { return Handle(r); }));
  }
  Status Start() { return server_->Start(); }
  uint16_t port() const { return server_->port(); }
  std::string url() const {
    return std::string(server_->tls() ? "https" : "http") +
           "://127.0.0.1:" + std::to_string(port());
  }
  void Stop() { server_->Stop(); }

  // Fault injection and auth.
  void FailNext(int count, int code, std::string retry_after) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_count_ = count;
    fail_code_ = code;
    fail_retry_after_ = std::move(retry_after);
  }
  void RequireToken(std::string token) {
    std::lock_guard<std::mutex> lock(mu_);
    token_ = std::move(token);
  }
  std::vector<Recorded> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  void ClearRequests() {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.clear();
  }
  nlohmann::json Object(const std::string& ns, const std::string& name) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(ns + "/" + name);
    return it == objects_.end() ? nlohmann::json() : it->second;
  }

 private:
  static http::Response StatusResponse(int code, const std::string& reason,
                                       const std::string& message,
                                       nlohmann::json details = nullptr) {
    nlohmann::json s = {{"kind", "Status"},   {"apiVersion", "v1"}, {"status", "Failure"},
                        {"message", message}, {"reason", reason},   {"code", code}};
    if (!details.is_null()) s["details"] = std::move(details);
    return http::Response::Json(code, s.dump());
  }

  http::Response Handle(const http::Request& r) {
    std::lock_guard<std::mutex> lock(mu_);
    Recorded rec{r.method, r.path, r.target, r.MediaType(), "", "", r.body};
    if (const std::string* a = r.headers.Get("Authorization")) rec.authorization = *a;
    if (const std::string* h = r.headers.Get("Host")) rec.host = *h;
    requests_.push_back(rec);
    if (!token_.empty() && rec.authorization != "Bearer " + token_) {
      return StatusResponse(401, "Unauthorized", "Unauthorized");
    }
    if (fail_count_ > 0) {
      --fail_count_;
      http::Response resp = StatusResponse(
          fail_code_, fail_code_ == 429 ? "TooManyRequests" : "ServiceUnavailable", "busy");
      if (!fail_retry_after_.empty()) resp.headers.Add("Retry-After", fail_retry_after_);
      return resp;
    }
    if (r.path == "/version") {
      return http::Response::Json(
          200,
          R"({"major":"1","minor":"32","gitVersion":"v1.32.0-fake","platform":"linux/amd64"})");
    }
    if (r.path == "/api")
      return http::Response::Json(200, R"({"kind":"APIVersions","versions":["v1"]})");
    if (r.path == "/apis") {
      return http::Response::Json(200, R"({"kind":"APIGroupList","groups":[{"name":"test.fedra.io",
        "versions":[{"groupVersion":"test.fedra.io/v1","version":"v1"}]}]})");
    }
    if (r.path == "/api/v1") {
      return http::Response::Json(200,
                                  R"({"kind":"APIResourceList","groupVersion":"v1","resources":[
        {"name":"configmaps","namespaced":true,"kind":"ConfigMap","verbs":["get","list"],"shortNames":["cm"]},
        {"name":"namespaces","namespaced":false,"kind":"Namespace","verbs":["get"]}]})");
    }
    if (r.path == kPrefix) {
      return http::Response::Json(200,
                                  R"({"kind":"APIResourceList","groupVersion":"test.fedra.io/v1",
        "resources":[{"name":"widgets","namespaced":true,"kind":"Widget","verbs":["get","list","create"]},
        {"name":"widgets/status","namespaced":true,"kind":"Widget","verbs":["get","patch","update"]}]})");
    }
    // /apis/test.fedra.io/v1/namespaces/<ns>/widgets[/<name>[/status]]
    std::string rest = r.path.substr(std::min(r.path.size(), std::string(kPrefix).size()));
    if (r.path.rfind(kPrefix, 0) != 0 || rest.rfind("/namespaces/", 0) != 0) {
      return StatusResponse(404, "NotFound", "the server could not find the requested resource");
    }
    std::vector<std::string> parts;
    size_t pos = 1;
    while (pos <= rest.size()) {
      size_t next = rest.find('/', pos);
      if (next == std::string::npos) next = rest.size();
      parts.push_back(rest.substr(pos, next - pos));
      pos = next + 1;
    }
    // parts: namespaces, <ns>, widgets, [name], [status]
    if (parts.size() < 3 || parts[2] != "widgets" || parts.size() > 5) {
      return StatusResponse(404, "NotFound", "not found");
    }
    const std::string& ns = parts[1];
    std::string name = parts.size() > 3 ? parts[3] : "";
    bool status_sub = parts.size() == 5 && parts[4] == "status";
    if (name.empty()) {
      if (r.method == "GET") return List(r, ns);
      if (r.method == "POST") return Create(r, ns);
      return StatusResponse(405, "MethodNotAllowed", "method not allowed");
    }
    std::string key = ns + "/" + name;
    auto it = objects_.find(key);
    if (it == objects_.end()) {
      return StatusResponse(404, "NotFound", "widgets.test.fedra.io \"" + name + "\" not found",
                            {{"name", name}, {"group", "test.fedra.io"}, {"kind", "widgets"}});
    }
    nlohmann::json& obj = it->second;
    if (r.method == "GET") return http::Response::Json(200, obj.dump());
    if (r.method == "DELETE") return Delete(r, key);
    nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
    if (body.is_discarded()) return StatusResponse(400, "BadRequest", "body is not JSON");
    nlohmann::json updated = obj;
    if (r.method == "PUT") {
      std::string rv = body["metadata"].value("resourceVersion", "");
      if (!rv.empty() && rv != obj["metadata"]["resourceVersion"]) {
        return StatusResponse(409, "Conflict",
                              "Operation cannot be fulfilled on widgets.test.fedra.io \"" + name +
                                  "\": the object has been modified");
      }
      if (status_sub) {
        updated["status"] = body["status"];
      } else {
        nlohmann::json status = updated.value("status", nlohmann::json());
        updated = body;
        updated["metadata"]["uid"] = obj["metadata"]["uid"];
        if (!status.is_null()) updated["status"] = status;
      }
    } else if (r.method == "PATCH") {
      std::string ct = r.MediaType();
      if (ct == "application/json-patch+json") {
        if (!body.is_array()) return StatusResponse(400, "BadRequest", "not a JSON patch");
        try {
          updated = updated.patch(body);
        } catch (const std::exception& e) {
          return StatusResponse(422, "Invalid", e.what());
        }
      } else if (ct == "application/merge-patch+json" ||
                 ct == "application/strategic-merge-patch+json") {
        updated.merge_patch(body);
      } else if (ct == "application/apply-patch+yaml") {
        if (!r.HasQuery("fieldManager")) {
          return StatusResponse(400, "BadRequest", "fieldManager is required for apply patch");
        }
        updated.merge_patch(body);
      } else {
        return StatusResponse(415, "UnsupportedMediaType",
                              "the body of the request was in an unknown format");
      }
      if (status_sub) {
        nlohmann::json only_status = obj;
        only_status["status"] = updated.value("status", nlohmann::json());
        updated = only_status;
      }
    } else {
      return StatusResponse(405, "MethodNotAllowed", "method not allowed");
    }
    updated["metadata"]["resourceVersion"] = std::to_string(++rv_);
    obj = updated;
    return http::Response::Json(200, obj.dump());
  }

  http::Response List(const http::Request& r, const std::string& ns) {
    std::vector<nlohmann::json> items;
    for (const auto& [key, obj] : objects_) {
      if (key.rfind(ns + "/", 0) == 0) items.push_back(obj);
    }
    size_t start = 0;
    if (const std::string* c = r.Query("continue")) {
      if (*c == "expired") {
        return StatusResponse(410, "Expired",
                              "The provided continue parameter is too old to display a consistent "
                              "list result.");
      }
      start = std::stoul(*c);
    }
    size_t limit = items.size();
    if (const std::string* l = r.Query("limit")) limit = std::stoul(*l);
    nlohmann::json list = {{"kind", "WidgetList"},
                           {"apiVersion", "test.fedra.io/v1"},
                           {"metadata", {{"resourceVersion", std::to_string(rv_)}}},
                           {"items", nlohmann::json::array()}};
    size_t end = std::min(items.size(), start + limit);
    for (size_t i = start; i < end; ++i) list["items"].push_back(items[i]);
    if (end < items.size()) {
      list["metadata"]["continue"] = expire_continue_ ? "expired" : std::to_string(end);
      list["metadata"]["remainingItemCount"] = items.size() - end;
    }
    return http::Response::Json(200, list.dump());
  }

  http::Response Create(const http::Request& r, const std::string& ns) {
    nlohmann::json obj = nlohmann::json::parse(r.body, nullptr, false);
    if (!obj.is_object()) return StatusResponse(400, "BadRequest", "body is not a JSON object");
    std::string name = obj["metadata"].value("name", "");
    if (name.empty()) {
      return StatusResponse(422, "Invalid", "Widget.test.fedra.io \"\" is invalid",
                            {{"kind", "Widget"},
                             {"causes",
                              {{{"reason", "FieldValueRequired"},
                                {"message", "Required value: name or generateName is required"},
                                {"field", "metadata.name"}}}}});
    }
    std::string key = ns + "/" + name;
    if (objects_.count(key)) {
      return StatusResponse(409, "AlreadyExists",
                            "widgets.test.fedra.io \"" + name + "\" already exists",
                            {{"name", name}, {"kind", "widgets"}});
    }
    obj["metadata"]["namespace"] = ns;
    obj["metadata"]["uid"] = "uid-" + std::to_string(++uid_);
    obj["metadata"]["resourceVersion"] = std::to_string(++rv_);
    objects_[key] = obj;
    return http::Response::Json(201, obj.dump());
  }

  http::Response Delete(const http::Request& r, const std::string& key) {
    nlohmann::json opts = nlohmann::json::parse(r.body.empty() ? "{}" : r.body, nullptr, false);
    const nlohmann::json& obj = objects_[key];
    if (opts.is_object() && opts.contains("preconditions")) {
      const auto& pre = opts["preconditions"];
      if (pre.contains("uid") && pre["uid"] != obj["metadata"]["uid"]) {
        return StatusResponse(
            409, "Conflict",
            "Precondition failed: UID in precondition: " + pre["uid"].get<std::string>() +
                ", UID in object meta: " + obj["metadata"]["uid"].get<std::string>());
      }
      if (pre.contains("resourceVersion") &&
          pre["resourceVersion"] != obj["metadata"]["resourceVersion"]) {
        return StatusResponse(409, "Conflict", "Precondition failed: resourceVersion");
      }
    }
    objects_.erase(key);
    return http::Response::Json(
        200,
        R"({"kind":"Status","apiVersion":"v1","status":"Success","details":{"kind":"widgets"}})");
  }

 public:
  bool expire_continue_ = false;  // set before requests only

 private:
  std::unique_ptr<http::Server> server_;
  mutable std::mutex mu_;
  std::map<std::string, nlohmann::json> objects_;  // "ns/name"
  uint64_t rv_ = 100;
  uint64_t uid_ = 0;
  std::vector<Recorded> requests_;
  int fail_count_ = 0;
  int fail_code_ = 429;
  std::string fail_retry_after_;
  std::string token_;
};

}  // namespace fedra::op::kube::testing

#endif  // FEDRA_OPERATOR_KUBE_FAKE_API_TEST_UTIL_H_
