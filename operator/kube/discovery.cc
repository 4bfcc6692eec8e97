// Client discovery: /version, /api, /apis, and group/version resource lists.
#include "operator/kube/client.h"

namespace fedra::op::kube {
namespace {

std::string Str(const nlohmann::json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : "";
}

std::vector<std::string> Strings(const nlohmann::json& o, const char* key) {
  std::vector<std::string> out;
  auto it = o.find(key);
  if (it == o.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

// "apps/v1" -> {"apps", "v1"}; "v1" -> {"", "v1"}.
void SplitGroupVersion(std::string_view gv, std::string* group, std::string* version) {
  size_t slash = gv.find('/');
  if (slash == std::string_view::npos) {
    group->clear();
    *version = std::string(gv);
  } else {
    *group = std::string(gv.substr(0, slash));
    *version = std::string(gv.substr(slash + 1));
  }
}

}  // namespace

ApiStatus Client::GetServerVersion(ServerVersion* out) {
  nlohmann::json v;
  ApiStatus st = DoJson("GET", "/version", "", nullptr, &v);
  if (!st.ok()) return st;
  if (!v.is_object()) return ApiStatus::BadResponse("/version is not an object");
  out->major = Str(v, "major");
  out->minor = Str(v, "minor");
  out->git_version = Str(v, "gitVersion");
  out->platform = Str(v, "platform");
  if (out->git_version.empty() && out->major.empty()) {
    return ApiStatus::BadResponse("/version has neither gitVersion nor major");
  }
  return st;
}

ApiStatus Client::ServerGroupVersions(std::vector<std::string>* out) {
  std::vector<std::string> result;
  nlohmann::json core;
  ApiStatus st = DoJson("GET", "/api", "", nullptr, &core);
  if (!st.ok()) return st;
  for (const auto& v : Strings(core, "versions")) result.push_back(v);
  nlohmann::json groups;
  st = DoJson("GET", "/apis", "", nullptr, &groups);
  if (!st.ok()) return st;
  if (auto g = groups.find("groups"); g != groups.end() && g->is_array()) {
    for (const auto& group : *g) {
      auto versions = group.find("versions");
      if (versions == group.end() || !versions->is_array()) continue;
      for (const auto& v : *versions) {
        std::string gv = Str(v, "groupVersion");
        if (!gv.empty()) result.push_back(gv);
      }
    }
  }
  *out = std::move(result);
  return ApiStatus();
}

ApiStatus Client::ServerResourcesFor(std::string_view group_version,
                                     std::vector<ApiResource>* out) {
  std::string group, version;
  SplitGroupVersion(group_version, &group, &version);
  if (version.empty())
    return ApiStatus::ClientError("empty version in \"" + std::string(group_version) + "\"");
  GroupVersionResource base{group, version, "", false};
  nlohmann::json list;
  ApiStatus st = DoJson("GET", base.ApiPrefix(), "", nullptr, &list);
  if (!st.ok()) return st;
  auto resources = list.find("resources");
  if (resources == list.end() || !resources->is_array()) {
    return ApiStatus::BadResponse(base.ApiPrefix() + ": no resources array");
  }
  std::vector<ApiResource> result;
  std::vector<std::string> with_status;
  for (const auto& r : *resources) {
    std::string name = Str(r, "name");
    if (name.empty()) continue;
    size_t slash = name.find('/');
    if (slash != std::string::npos) {
      if (name.substr(slash + 1) == "status") with_status.push_back(name.substr(0, slash));
      continue;
    }
    ApiResource res;
    res.gvr = GroupVersionResource{group, version, name, r.value("namespaced", false)};
    // A resource list entry may name its own group/version (rare).
    if (!Str(r, "group").empty()) res.gvr.group = Str(r, "group");
    if (!Str(r, "version").empty()) res.gvr.version = Str(r, "version");
    res.kind = Str(r, "kind");
    res.verbs = Strings(r, "verbs");
    res.short_names = Strings(r, "shortNames");
    result.push_back(std::move(res));
  }
  for (auto& res : result) {
    for (const auto& s : with_status) {
      if (s == res.gvr.resource) res.has_status = true;
    }
  }
  *out = std::move(result);
  return ApiStatus();
}

ApiStatus Client::ResourceFor(std::string_view api_version, std::string_view kind,
                              GroupVersionResource* out) {
  std::string gv(api_version);
  for (int pass = 0; pass < 2; ++pass) {
    {
      std::lock_guard<std::mutex> lock(discovery_mu_);
      auto it = discovery_.find(gv);
      if (it != discovery_.end()) {
        for (const auto& r : it->second) {
          if (r.kind == kind) {
            *out = r.gvr;
            return ApiStatus();
          }
        }
        if (pass == 1) break;
      }
    }
    // Missing or stale: fetch this group/version (once).
    std::vector<ApiResource> resources;
    ApiStatus st = ServerResourcesFor(gv, &resources);
    if (!st.ok()) {
      if (IsNotFound(st)) break;  // the group/version is not served
      return st;
    }
    std::lock_guard<std::mutex> lock(discovery_mu_);
    discovery_[gv] = std::move(resources);
  }
  return ApiStatus::Make(
      Reason::kNotFound,
      "no resource for kind " + std::string(kind) + " in " + gv + " (is its CRD installed?)", 404);
}

void Client::InvalidateDiscovery() {
  std::lock_guard<std::mutex> lock(discovery_mu_);
  discovery_.clear();
}

}  // namespace fedra::op::kube
