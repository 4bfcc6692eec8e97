// Api: /version, health, discovery documents and the OpenAPI v3 documents
// kubectl reads (its field-validation check looks for PATCH operations with
// x-kubernetes-group-version-kind and a `fieldValidation` query parameter;
// `kubectl explain` reads CRD schemas from components.schemas).
//
// Aggregated discovery (apidiscovery.k8s.io/v2, what kubectl 1.32 asks for
// first) is served for /api and /apis when the Accept header asks for it;
// otherwise the legacy documents, which clients fall back to.
#include <functional>
#include <sstream>

#include "tests/apiserver/api.h"
#include "tests/apiserver/json_util.h"

namespace fedra::apiserver {

namespace {

json ResourceList(const std::vector<ResourcePtr>& types, const std::string& group,
                  const std::string& version) {
  json resources = json::array();
  for (const ResourcePtr& t : types) {
    if (t->group != group || t->version != version) continue;
    json r = {{"name", t->resource},
              {"singularName", t->singular},
              {"namespaced", t->namespaced},
              {"kind", t->kind},
              {"verbs", t->verbs}};
    if (!t->short_names.empty()) r["shortNames"] = t->short_names;
    if (!t->categories.empty()) r["categories"] = t->categories;
    resources.push_back(std::move(r));
    if (t->has_status) {
      resources.push_back({{"name", t->resource + "/status"},
                           {"singularName", ""},
                           {"namespaced", t->namespaced},
                           {"kind", t->kind},
                           {"verbs", {"get", "patch", "update"}}});
    }
  }
  return {{"kind", "APIResourceList"},
          {"apiVersion", "v1"},
          {"groupVersion", group.empty() ? version : group + "/" + version},
          {"resources", std::move(resources)}};
}

json GroupDoc(const std::string& name, const std::vector<std::string>& versions) {
  json vs = json::array();
  for (const std::string& v : versions) vs.push_back({{"groupVersion", name + "/" + v}, {"version", v}});
  return {{"name", name}, {"versions", vs}, {"preferredVersion", vs[0]}};
}

// One APIGroupDiscovery (apidiscovery.k8s.io/v2) for `group` ("" for core).
json GroupDiscovery(const std::vector<ResourcePtr>& types, const std::string& group,
                    const std::vector<std::string>& versions) {
  json vs = json::array();
  for (const std::string& v : versions) {
    json resources = json::array();
    for (const ResourcePtr& t : types) {
      if (t->group != group || t->version != v) continue;
      json kind = {{"group", t->group}, {"version", t->version}, {"kind", t->kind}};
      json r = {{"resource", t->resource},
                {"responseKind", kind},
                {"scope", t->namespaced ? "Namespaced" : "Cluster"},
                {"singularResource", t->singular},
                {"verbs", t->verbs}};
      if (!t->short_names.empty()) r["shortNames"] = t->short_names;
      if (!t->categories.empty()) r["categories"] = t->categories;
      if (t->has_status) {
        r["subresources"] = json::array({{{"subresource", "status"},
                                          {"responseKind", kind},
                                          {"verbs", {"get", "patch", "update"}}}});
      }
      resources.push_back(std::move(r));
    }
    vs.push_back({{"version", v}, {"resources", std::move(resources)}, {"freshness", "Current"}});
  }
  json meta = json::object();
  if (!group.empty()) meta["name"] = group;
  return {{"metadata", meta}, {"versions", std::move(vs)}};
}

constexpr char kAggregatedV2[] = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

bool WantsAggregated(const ApiRequest& r) {
  return r.accept.find("g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList") != std::string::npos;
}

ApiResponse Aggregated(json items) {
  ApiResponse r = ApiResponse::FromJson(200, {{"kind", "APIGroupDiscoveryList"},
                                              {"apiVersion", "apidiscovery.k8s.io/v2"},
                                              {"metadata", json::object()},
                                              {"items", std::move(items)}});
  r.content_type = kAggregatedV2;
  return r;
}

std::string Hex(size_t h) {
  std::ostringstream out;
  out << std::hex << h;
  return out.str();
}

std::string CollectionPath(const ResourceType& t) {
  std::string base = t.group.empty() ? "/api/" + t.version : "/apis/" + t.group + "/" + t.version;
  if (t.namespaced) base += "/namespaces/{namespace}";
  return base + "/" + t.resource;
}

// "com.example.v1.Widget", the way Kubernetes names CRD schemas.
std::string SchemaName(const ResourceType& t) {
  std::string reversed;
  std::string g = t.group;
  while (!g.empty()) {
    size_t dot = g.rfind('.');
    std::string part = dot == std::string::npos ? g : g.substr(dot + 1);
    reversed += (reversed.empty() ? "" : ".") + part;
    g = dot == std::string::npos ? "" : g.substr(0, dot);
  }
  if (reversed.empty()) reversed = "io.k8s.api.core";
  return reversed + "." + t.version + "." + t.kind;
}

json GroupVersionDoc(const std::vector<ResourcePtr>& types, const std::string& group,
                     const std::string& version, const std::string& git_version) {
  json paths = json::object();
  json schemas = json::object();
  json params = json::array(
      {{{"name", "dryRun"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
       {{"name", "fieldManager"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
       {{"name", "fieldValidation"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
       {{"name", "force"}, {"in", "query"}, {"schema", {{"type", "boolean"}}}}});
  for (const ResourcePtr& t : types) {
    if (t->group != group || t->version != version) continue;
    json gvk = {{"group", t->group}, {"version", t->version}, {"kind", t->kind}};
    json ref = {{"$ref", "#/components/schemas/" + SchemaName(*t)}};
    json ok = {{"200", {{"description", "OK"}, {"content", {{"application/json", {{"schema", ref}}}}}}}};
    auto op = [&](const std::string& action, const std::string& id) {
      return json{{"operationId", id + t->kind},
                  {"x-kubernetes-action", action},
                  {"x-kubernetes-group-version-kind", gvk},
                  {"parameters", params},
                  {"responses", ok}};
    };
    std::string coll = CollectionPath(*t);
    paths[coll] = {{"get", op("list", "list")}, {"post", op("post", "create")}};
    paths[coll + "/{name}"] = {{"get", op("get", "read")},
                               {"put", op("put", "replace")},
                               {"patch", op("patch", "patch")},
                               {"delete", op("delete", "delete")}};
    if (t->has_status) {
      paths[coll + "/{name}/status"] = {{"get", op("get", "read")},
                                        {"put", op("put", "replace")},
                                        {"patch", op("patch", "patch")}};
    }
    json schema = t->raw_schema.is_object() ? t->raw_schema
                                            : json{{"type", "object"},
                                                   {"x-kubernetes-preserve-unknown-fields", true}};
    schema["x-kubernetes-group-version-kind"] = json::array({gvk});
    schemas[SchemaName(*t)] = std::move(schema);
  }
  return {{"openapi", "3.0.0"},
          {"info", {{"title", "Kubernetes"}, {"version", git_version}}},
          {"paths", std::move(paths)},
          {"components", {{"schemas", std::move(schemas)}}}};
}

}  // namespace

ApiResponse Api::Discovery(const ApiRequest& request, bool* handled) {
  *handled = true;
  const std::string& p = request.path;
  if (request.method != "GET") {
    *handled = p == "/version" || p == "/api" || p == "/apis";
    return ApiResponse::FromError(ApiError::MethodNotSupported(p, request.method));
  }
  if (p == "/healthz" || p == "/readyz" || p == "/livez") {
    ApiResponse r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "ok";
    return r;
  }
  if (p == "/version") {
    std::string minor = options_.git_version.substr(options_.git_version.find('.') + 1);
    minor = minor.substr(0, minor.find('.'));
    return ApiResponse::FromJson(200, {{"major", "1"},
                                       {"minor", minor},
                                       {"gitVersion", options_.git_version},
                                       {"gitCommit", "fedra-apiserver"},
                                       {"gitTreeState", "clean"},
                                       {"buildDate", "2026-01-01T00:00:00Z"},
                                       {"goVersion", "go1.23.0"},
                                       {"compiler", "gc"},
                                       {"platform", "linux/amd64"}});
  }
  if ((p == "/api" || p == "/api/") && WantsAggregated(request)) {
    return Aggregated(json::array({GroupDiscovery(store_->Resources(), "", {"v1"})}));
  }
  if ((p == "/apis" || p == "/apis/") && WantsAggregated(request)) {
    std::vector<ResourcePtr> types = store_->Resources();
    json items = json::array();
    for (const auto& [name, versions] : store_->Groups()) {
      items.push_back(GroupDiscovery(types, name, versions));
    }
    return Aggregated(std::move(items));
  }
  if (p == "/api" || p == "/api/") {
    return ApiResponse::FromJson(
        200, {{"kind", "APIVersions"},
              {"versions", {"v1"}},
              {"serverAddressByClientCIDRs",
               {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", options_.server_address}}}}});
  }
  if (p == "/api/v1" || p == "/api/v1/") {
    return ApiResponse::FromJson(200, ResourceList(store_->Resources(), "", "v1"));
  }
  auto groups = store_->Groups();
  if (p == "/apis" || p == "/apis/") {
    json list = json::array();
    for (const auto& [name, versions] : groups) list.push_back(GroupDoc(name, versions));
    return ApiResponse::FromJson(200, {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", list}});
  }
  if (p.rfind("/apis/", 0) == 0) {
    std::string rest = p.substr(6);
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    size_t slash = rest.find('/');
    std::string group = rest.substr(0, slash);
    for (const auto& [name, versions] : groups) {
      if (name != group) continue;
      if (slash == std::string::npos) {
        json doc = GroupDoc(name, versions);
        doc["kind"] = "APIGroup";
        doc["apiVersion"] = "v1";
        return ApiResponse::FromJson(200, doc);
      }
      std::string version = rest.substr(slash + 1);
      for (const std::string& v : versions) {
        if (v == version) return ApiResponse::FromJson(200, ResourceList(store_->Resources(), group, v));
      }
    }
  }
  *handled = false;
  return ApiResponse();
}

ApiResponse Api::OpenApi(const ApiRequest& request, bool* handled) {
  const std::string& p = request.path;
  *handled = p.rfind("/openapi/", 0) == 0;
  if (!*handled) return ApiResponse();
  if (p != "/openapi/v3" && p.rfind("/openapi/v3/", 0) != 0) {
    // /openapi/v2 is protobuf-first in client-go; kubectl copes without it.
    return ApiResponse::FromError(ApiError::Generic(404, "NotFound", "the server could not find the requested resource"));
  }
  std::vector<ResourcePtr> types = store_->Resources();
  std::vector<std::pair<std::string, std::string>> gvs = {{"", "v1"}};
  for (const auto& [name, versions] : store_->Groups()) {
    for (const std::string& v : versions) gvs.push_back({name, v});
  }
  auto gv_path = [](const std::string& g, const std::string& v) {
    return g.empty() ? "api/" + v : "apis/" + g + "/" + v;
  };
  if (p == "/openapi/v3" || p == "/openapi/v3/") {
    json paths = json::object();
    for (const auto& [g, v] : gvs) {
      std::string doc = GroupVersionDoc(types, g, v, options_.git_version).dump();
      paths[gv_path(g, v)] = {{"serverRelativeURL", "/openapi/v3/" + gv_path(g, v) + "?hash=" +
                                                        Hex(std::hash<std::string>()(doc))}};
    }
    return ApiResponse::FromJson(200, {{"paths", paths}});
  }
  std::string want = p.substr(std::string("/openapi/v3/").size());
  for (const auto& [g, v] : gvs) {
    if (gv_path(g, v) == want) {
      return ApiResponse::FromJson(200, GroupVersionDoc(types, g, v, options_.git_version));
    }
  }
  return ApiResponse::FromError(ApiError::Generic(404, "NotFound", "the server could not find the requested resource"));
}

}  // namespace fedra::apiserver
