#include "tests/apiserver/api.h"

#include <algorithm>

#include "tests/apiserver/json_util.h"

namespace fedra::apiserver {

const std::string* ApiRequest::Query(const std::string& key) const {
  for (const auto& [k, v] : query) {
    if (k == key) return &v;
  }
  return nullptr;
}

ApiResponse ApiResponse::FromJson(int status, const json& body) {
  ApiResponse r;
  r.status = status;
  r.body = body.dump();
  return r;
}

ApiResponse ApiResponse::FromError(const ApiError& error) {
  ApiResponse r = FromJson(error.code(), error.ToStatus());
  if (error.retry_after() > 0) r.headers.push_back({"Retry-After", std::to_string(error.retry_after())});
  return r;
}

Api::Api(Store* store, Admission* admission, ApiOptions options)
    : store_(store), admission_(admission), options_(std::move(options)) {}

namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

ApiError NotServed() {
  return ApiError::Generic(404, "NotFound", "the server could not find the requested resource");
}

bool WantsTable(const ApiRequest& r) { return r.accept.find("as=Table") != std::string::npos; }

bool Truthy(const std::string* v) { return v && (*v == "true" || *v == "1"); }

}  // namespace

ApiError Api::Route(const ApiRequest& request, Target* t) {
  std::vector<std::string> seg = Split(request.path);
  std::string group, version;
  size_t i;
  if (seg.size() >= 2 && seg[0] == "api") {
    version = seg[1];
    i = 2;
  } else if (seg.size() >= 3 && seg[0] == "apis") {
    group = seg[1];
    version = seg[2];
    i = 3;
  } else {
    return NotServed();
  }
  std::vector<std::string> rest(seg.begin() + i, seg.end());
  if (rest.size() >= 3 && rest[0] == "namespaces" && rest[2] != "status" && rest[2] != "finalize") {
    t->ns = rest[1];
    rest.erase(rest.begin(), rest.begin() + 2);
  }
  if (rest.empty() || rest.size() > 3) return NotServed();
  t->type = store_->Resolve(group, version, rest[0]);
  if (!t->type) return NotServed();
  if (!t->ns.empty() && !t->type->namespaced) return NotServed();
  if (rest.size() >= 2) t->name = rest[1];
  if (rest.size() == 3) {
    t->subresource = rest[2];
    if (t->subresource != "status" || !t->type->has_status) return NotServed();
  }
  return ApiError();
}

bool Api::IsWatch(const ApiRequest& request) {
  return request.method == "GET" && Truthy(request.Query("watch"));
}

ApiResponse Api::Handle(const ApiRequest& request) {
  // Objects are client-supplied JSON: a field of an unexpected type makes
  // nlohmann throw. Every layer checks what it relies on; this is the
  // boundary that turns anything missed into a 400 instead of a crash.
  try {
    return Dispatch(request);
  } catch (const json::exception& e) {
    return ApiResponse::FromError(ApiError::BadRequest(std::string("malformed object: ") + e.what()));
  }
}

ApiResponse Api::Dispatch(const ApiRequest& request) {
  bool handled = false;
  ApiResponse r = Discovery(request, &handled);
  if (handled) return r;
  r = OpenApi(request, &handled);
  if (handled) return r;
  Target t;
  ApiError err = Route(request, &t);
  if (!err.ok()) return ApiResponse::FromError(err);
  const std::string& m = request.method;
  if (t.name.empty()) {
    if (m == "GET") return List(request, t);
    if (m == "POST") return Create(request, t);
    if (m == "DELETE") return RemoveCollection(request, t);
  } else {
    if (t.type->namespaced && t.ns.empty()) return ApiResponse::FromError(NotServed());
    if (m == "GET") return Get(request, t);
    if (m == "PUT") return Replace(request, t);
    if (m == "PATCH") return Patch(request, t);
    if (m == "DELETE" && t.subresource.empty()) return Remove(request, t);
  }
  return ApiResponse::FromError(ApiError::MethodNotSupported(t.type->resource, m));
}

ApiResponse Api::Render(const ApiRequest& request, const Target& t, int status, const json& obj) {
  if (WantsTable(request)) {
    const std::string* include = request.Query("includeObject");
    return ApiResponse::FromJson(status, ToTable(*t.type, obj, include && *include == "Object"));
  }
  return ApiResponse::FromJson(status, obj);
}

ApiResponse Api::WithWarnings(ApiResponse response, const std::vector<std::string>& warnings) {
  for (const std::string& w : warnings) {
    json quoted = w;
    response.headers.push_back({"Warning", "299 - " + quoted.dump()});
  }
  return response;
}

ApiResponse Api::Get(const ApiRequest& request, const Target& t) {
  json obj;
  ApiError err = store_->Get(*t.type, t.ns, t.name, &obj);
  if (!err.ok()) return ApiResponse::FromError(err);
  return Render(request, t, 200, obj);
}

namespace {

ApiError ParseListOptions(const ApiRequest& request, const ResourceType& type, ListOptions* opts) {
  if (const std::string* s = request.Query("labelSelector")) {
    ApiError err = LabelSelector::Parse(*s, &opts->labels);
    if (!err.ok()) return err;
  }
  if (const std::string* s = request.Query("fieldSelector")) {
    ApiError err = FieldSelector::Parse(*s, type.group, type.kind, &opts->fields);
    if (!err.ok()) return err;
  }
  if (const std::string* s = request.Query("limit")) {
    try {
      opts->limit = std::stoll(*s);
    } catch (const std::exception&) {
      return ApiError::BadRequest("limit: invalid value \"" + *s + "\"");
    }
  }
  if (const std::string* s = request.Query("continue")) opts->continue_token = *s;
  return ApiError();
}

}  // namespace

ApiResponse Api::List(const ApiRequest& request, const Target& t) {
  ListOptions opts;
  ApiError err = ParseListOptions(request, *t.type, &opts);
  if (!err.ok()) return ApiResponse::FromError(err);
  json list;
  err = store_->List(*t.type, t.ns, opts, &list);
  if (!err.ok()) return ApiResponse::FromError(err);
  return Render(request, t, 200, list);
}

bool Api::StartWatch(const ApiRequest& request, const SinkFactory& make_sink, uint64_t* id,
                     ApiResponse* error) {
  try {
    return StartWatchUnguarded(request, make_sink, id, error);
  } catch (const json::exception& e) {
    *error = ApiResponse::FromError(ApiError::BadRequest(std::string("malformed request: ") + e.what()));
    return false;
  }
}

bool Api::StartWatchUnguarded(const ApiRequest& request, const SinkFactory& make_sink,
                              uint64_t* id, ApiResponse* error) {
  Target t;
  ApiError err = Route(request, &t);
  if (err.ok() && !t.subresource.empty()) err = ApiError::MethodNotSupported(t.subresource, "watch");
  ApiRequest effective = request;
  if (err.ok() && !t.name.empty()) {
    // GET .../<name>?watch=1 watches one object, as a name field selector.
    std::string by_name = "metadata.name=" + t.name;
    bool merged = false;
    for (auto& [k, v] : effective.query) {
      if (k == "fieldSelector" && !merged) {
        v = v.empty() ? by_name : v + "," + by_name;
        merged = true;
      }
    }
    if (!merged) effective.query.push_back({"fieldSelector", by_name});
  }
  ListOptions list_opts;
  if (err.ok()) err = ParseListOptions(effective, *t.type, &list_opts);
  if (!err.ok()) {
    *error = ApiResponse::FromError(err);
    return false;
  }
  WatchOptions opts;
  opts.ns = t.ns;
  opts.labels = list_opts.labels;
  opts.fields = list_opts.fields;
  if (const std::string* rv = request.Query("resourceVersion")) opts.resource_version = *rv;
  opts.bookmarks = Truthy(request.Query("allowWatchBookmarks"));
  // Kubernetes ends watches after a while (min-request-timeout, 30 min).
  long long secs = 1800;
  if (const std::string* s = request.Query("timeoutSeconds")) {
    try {
      secs = std::stoll(*s);
    } catch (const std::exception&) {
      *error = ApiResponse::FromError(ApiError::BadRequest("timeoutSeconds: invalid value \"" + *s + "\""));
      return false;
    }
  }
  if (secs > 0) opts.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(secs);
  err = store_->Watch(t.type, std::move(opts), make_sink(t.type, WantsTable(request)), id);
  if (!err.ok()) {
    *error = ApiResponse::FromError(err);
    return false;
  }
  return true;
}

json TableEvent(const ResourceType& type, const json& event, bool include_object) {
  if (event["type"] == "ERROR" || event["type"] == "BOOKMARK") return event;
  return {{"type", event["type"]}, {"object", ToTable(type, event["object"], include_object)}};
}

ApiResponse Api::Remove(const ApiRequest& request, const Target& t) {
  DeleteOptions opts;
  json body;
  if (!request.body.empty()) {
    Status st = ParseJsonText(request.body, &body);
    if (!st.ok()) return ApiResponse::FromError(ApiError::BadRequest(std::string(st.message())));
    if (body.is_object()) {
      const json* uid = Lookup(body, "preconditions.uid");
      const json* rv = Lookup(body, "preconditions.resourceVersion");
      if (uid && uid->is_string()) opts.precondition_uid = *uid;
      if (rv && rv->is_string()) opts.precondition_rv = *rv;
      if (const json* d = Lookup(body, "dryRun"); d && d->is_array() && !d->empty()) opts.dry_run = true;
    }
  }
  if (const std::string* d = request.Query("dryRun"); d && *d == "All") opts.dry_run = true;
  json current;
  ApiError err = store_->Get(*t.type, t.ns, t.name, &current);
  if (!err.ok()) return ApiResponse::FromError(err);
  std::vector<std::string> warnings;
  if (admission_) {
    AdmissionAttributes attrs{t.type, "DELETE", "", t.ns, t.name, request.user, opts.dry_run,
                              current, body.is_object() ? body : json{{"kind", "DeleteOptions"},
                                                                      {"apiVersion", "meta.k8s.io/v1"}}};
    err = admission_->Validate(attrs, json(), &warnings);
    if (!err.ok()) return ApiResponse::FromError(err);
  }
  json out;
  err = store_->Delete(*t.type, t.ns, t.name, opts, &out);
  if (!err.ok()) return ApiResponse::FromError(err);
  const json* finalizers = Lookup(out, "metadata.finalizers");
  bool pending = finalizers && finalizers->is_array() && !finalizers->empty();
  // Kubernetes returns the deleted object for custom resources and pods, and
  // a Success Status naming it for the other built-in kinds; an object
  // waiting for finalizers always comes back as itself.
  bool return_object = !t.type->crd_name.empty() || (t.type->group.empty() && t.type->kind == "Pod");
  if (!pending && !return_object) {
    json details = {{"name", t.name}, {"kind", t.type->resource}, {"uid", MetaString(out, "uid")}};
    if (!t.type->group.empty()) details["group"] = t.type->group;
    out = {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()},
           {"status", "Success"}, {"details", std::move(details)}};
  }
  return WithWarnings(ApiResponse::FromJson(200, out), warnings);
}

ApiResponse Api::RemoveCollection(const ApiRequest& request, const Target& t) {
  ListOptions opts;
  ApiError err = ParseListOptions(request, *t.type, &opts);
  if (!err.ok()) return ApiResponse::FromError(err);
  json list;
  err = store_->List(*t.type, t.ns, opts, &list);
  if (!err.ok()) return ApiResponse::FromError(err);
  json deleted = json::array();
  for (const json& item : list["items"]) {
    Target one = t;
    one.ns = MetaString(item, "namespace");
    one.name = MetaString(item, "name");
    ApiRequest single = request;
    single.body.clear();
    ApiResponse r = Remove(single, one);
    if (r.status == 200) {
      deleted.push_back(item);
    } else if (r.status != 404) {
      return r;
    }
  }
  list["items"] = std::move(deleted);
  return ApiResponse::FromJson(200, list);
}

}  // namespace fedra::apiserver
