#include "tests/apiserver/store.h"

#include <algorithm>
#include <cctype>
#include <random>

#include "tests/apiserver/json_util.h"

namespace fedra::apiserver {

bool ValidSubdomain(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  if (!std::isalnum(static_cast<unsigned char>(name.front())) ||
      !std::isalnum(static_cast<unsigned char>(name.back()))) {
    return false;
  }
  for (char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
          c == '-' || c == '.')) {
      return false;
    }
  }
  return true;
}

bool ValidLabelName(const std::string& name) {
  return ValidSubdomain(name) && name.size() <= 63 && name.find('.') == std::string::npos;
}

namespace {

// Kinds without a spec carry no metadata.generation in Kubernetes.
bool TracksGeneration(const ResourceType& t) {
  if (t.group == "rbac.authorization.k8s.io") return false;  // no spec
  if (!t.group.empty()) return true;
  return t.kind != "ConfigMap" && t.kind != "Secret" && t.kind != "Event" &&
         t.kind != "ServiceAccount" && t.kind != "Namespace";
}

// Everything but metadata and status: what `generation` counts changes of.
bool SpecChanged(const json& a, const json& b) {
  auto strip = [](const json& o) {
    json c = o;
    for (const char* k : {"metadata", "status", "apiVersion", "kind"}) c.erase(k);
    return c;
  };
  return strip(a) != strip(b);
}

std::string RandomSuffix() {
  static const char kChars[] = "bcdfghjklmnpqrstvwxz2456789";
  thread_local std::mt19937 rng{std::random_device{}()};
  std::string s;
  for (int i = 0; i < 5; ++i) s.push_back(kChars[rng() % (sizeof kChars - 1)]);
  return s;
}

bool HasFinalizers(const json& obj) {
  const json* f = Lookup(obj, "metadata.finalizers");
  return f && f->is_array() && !f->empty();
}

}  // namespace

Store::Store(StoreOptions options) : options_(options) {
  std::lock_guard<std::mutex> lock(mu_);
  CreateDefaultNamespacesLocked();
}

Store::~Store() { DropAllWatches(); }

void Store::CreateDefaultNamespacesLocked() {
  ResourcePtr ns_type = registry_.Find("", "v1", "namespaces");
  for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    if (objects_[ns_type->StorageKey()].count(Key("", name))) continue;
    json obj = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
    json out;
    CreateLocked(*ns_type, std::move(obj), {}, &out);
  }
  compacted_rv_ = rv_;
}

ResourcePtr Store::Resolve(const std::string& group, const std::string& version,
                           const std::string& resource) const {
  std::lock_guard<std::mutex> lock(mu_);
  return registry_.Find(group, version, resource);
}

ResourcePtr Store::ResolveKind(const std::string& group, const std::string& version,
                               const std::string& kind) const {
  std::lock_guard<std::mutex> lock(mu_);
  return registry_.FindKind(group, version, kind);
}

std::vector<ResourcePtr> Store::Resources() const {
  std::lock_guard<std::mutex> lock(mu_);
  return registry_.all();
}

std::vector<std::pair<std::string, std::vector<std::string>>> Store::Groups() const {
  std::lock_guard<std::mutex> lock(mu_);
  return registry_.Groups();
}

uint64_t Store::resource_version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rv_;
}

uint64_t Store::NextRvLocked() { return ++rv_; }

ApiError Store::Get(const ResourceType& type, const std::string& ns, const std::string& name,
                    json* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto objs = objects_.find(type.StorageKey());
  if (objs != objects_.end()) {
    auto it = objs->second.find(Key(type.namespaced ? ns : "", name));
    if (it != objs->second.end()) {
      *out = it->second;
      (*out)["apiVersion"] = type.GroupVersion();
      return ApiError();
    }
  }
  return ApiError::NotFound(type.group, type.resource, name);
}

ApiError Store::List(const ResourceType& type, const std::string& ns, const ListOptions& options,
                     json* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string start;
  if (!options.continue_token.empty()) {
    std::string decoded;
    json token;
    if (!Base64Decode(options.continue_token, &decoded) || !ParseJsonText(decoded, &token).ok() ||
        !token.is_object() || !token.contains("start") || !token["start"].is_string()) {
      return ApiError::BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
    }
    start = token["start"].get<std::string>();
  }
  json items = json::array();
  std::string last_key;
  int64_t remaining = 0;
  auto objs = objects_.find(type.StorageKey());
  if (objs != objects_.end()) {
    auto it = start.empty() ? objs->second.begin() : objs->second.upper_bound(start);
    for (; it != objs->second.end(); ++it) {
      const json& obj = it->second;
      if (type.namespaced && !ns.empty() && MetaString(obj, "namespace") != ns) continue;
      if (!options.labels.Matches(obj) || !options.fields.Matches(obj)) continue;
      if (options.limit > 0 && static_cast<int64_t>(items.size()) >= options.limit) {
        ++remaining;
        continue;
      }
      json item = obj;
      item["apiVersion"] = type.GroupVersion();
      items.push_back(std::move(item));
      last_key = it->first;
    }
  }
  json meta = {{"resourceVersion", std::to_string(rv_)}};
  if (remaining > 0) {
    json token = {{"rv", rv_}, {"start", last_key}};
    meta["continue"] = Base64Encode(token.dump());
    meta["remainingItemCount"] = remaining;
  }
  *out = {{"kind", type.list_kind},
          {"apiVersion", type.GroupVersion()},
          {"metadata", std::move(meta)},
          {"items", std::move(items)}};
  return ApiError();
}

ApiError Store::Create(const ResourceType& type, json obj, const WriteOptions& options,
                       json* out) {
  std::lock_guard<std::mutex> lock(mu_);
  return CreateLocked(type, std::move(obj), options, out);
}

ApiError Store::CreateLocked(const ResourceType& type, json obj, const WriteOptions& options,
                             json* out) {
  if (!obj.is_object()) return ApiError::BadRequest("the object must be a JSON object");
  if (!obj["metadata"].is_object()) obj["metadata"] = json::object();
  json& meta = obj["metadata"];
  std::string name = MetaString(obj, "name");
  if (name.empty()) {
    std::string prefix = MetaString(obj, "generateName");
    if (prefix.empty()) {
      return ApiError::Invalid(type.group, type.kind, "",
                               {{"FieldValueRequired", "Required value: name or generateName is required",
                                 "metadata.name"}});
    }
    name = prefix + RandomSuffix();
    meta["name"] = name;
  }
  bool ok_name = type.kind == "Namespace" ? ValidLabelName(name) : ValidSubdomain(name);
  if (!ok_name) {
    return ApiError::Invalid(
        type.group, type.kind, name,
        {{"FieldValueInvalid",
          "Invalid value: \"" + name +
              "\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
              "characters, '-' or '.', and must start and end with an alphanumeric character",
          "metadata.name"}});
  }
  std::string ns;
  if (type.namespaced) {
    ns = MetaString(obj, "namespace");
    if (ns.empty()) return ApiError::BadRequest("the namespace of the object is required");
    const auto& namespaces = objects_["/namespaces"];
    auto ns_it = namespaces.find(Key("", ns));
    if (ns_it == namespaces.end()) return ApiError::NotFound("", "namespaces", ns);
    if (ns_it->second.contains("metadata") &&
        ns_it->second["metadata"].contains("deletionTimestamp")) {
      return ApiError::Forbidden(type.resource + " \"" + name + "\" is forbidden: unable to create new content in namespace " + ns + " because it is being terminated");
    }
  } else {
    meta.erase("namespace");
  }
  Objects& objs = objects_[type.StorageKey()];
  if (objs.count(Key(ns, name))) return ApiError::AlreadyExists(type.group, type.resource, name);
  if (type.crd_name.empty() && type.kind == "CustomResourceDefinition") {
    ApiError err = Registry::ValidateCrd(obj);
    if (!err.ok()) return err;
  }
  obj["apiVersion"] = type.GroupVersion();
  obj["kind"] = type.kind;
  meta["uid"] = NewUid();
  meta["creationTimestamp"] = NowRfc3339();
  meta.erase("deletionTimestamp");
  meta.erase("deletionGracePeriodSeconds");
  if (TracksGeneration(type)) {
    meta["generation"] = 1;
  } else {
    meta.erase("generation");
  }
  if (type.has_status) obj.erase("status");
  if (type.group.empty() && type.kind == "Namespace") {
    obj["spec"] = {{"finalizers", json::array({"kubernetes"})}};
    obj["status"] = {{"phase", "Active"}};
    meta["labels"]["kubernetes.io/metadata.name"] = name;
  }
  if (options.dry_run) {
    *out = std::move(obj);
    return ApiError();
  }
  if (type.group == "apiextensions.k8s.io" && type.kind == "CustomResourceDefinition") {
    ApiError err = registry_.ApplyCrd(obj);
    if (!err.ok()) return err;
    obj["status"] = Registry::CrdStatus(obj);
  }
  uint64_t rv = NextRvLocked();
  meta["resourceVersion"] = std::to_string(rv);
  objs[Key(ns, name)] = obj;
  RecordLocked({"ADDED", rv, type.StorageKey(), ns, std::make_shared<const json>(obj), nullptr});
  *out = std::move(obj);
  return ApiError();
}

ApiError Store::Update(const ResourceType& type, json obj, const WriteOptions& options,
                       json* out) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!obj.is_object() || !obj["metadata"].is_object()) {
    return ApiError::BadRequest("the object must have metadata");
  }
  std::string name = MetaString(obj, "name");
  std::string ns = type.namespaced ? MetaString(obj, "namespace") : "";
  Objects& objs = objects_[type.StorageKey()];
  auto it = objs.find(Key(ns, name));
  if (it == objs.end()) return ApiError::NotFound(type.group, type.resource, name);
  const json& old = it->second;
  std::string want_rv = MetaString(obj, "resourceVersion");
  if (!want_rv.empty() && want_rv != MetaString(old, "resourceVersion")) {
    return ApiError::Conflict(type.group, type.resource, name,
                              "the object has been modified; please apply your changes to the "
                              "latest version and try again");
  }
  json next;
  if (options.subresource == "status") {
    next = old;
    if (obj.contains("status")) {
      next["status"] = obj["status"];
    } else {
      next.erase("status");
    }
    // Status writers may also carry managedFields of their own.
    if (obj["metadata"].contains("managedFields")) {
      next["metadata"]["managedFields"] = obj["metadata"]["managedFields"];
    }
  } else {
    next = std::move(obj);
    if (type.has_status) {
      if (old.contains("status")) {
        next["status"] = old["status"];
      } else {
        next.erase("status");
      }
    }
  }
  json& meta = next["metadata"];
  for (const char* k : {"uid", "creationTimestamp", "deletionTimestamp",
                        "deletionGracePeriodSeconds", "namespace"}) {
    if (old["metadata"].contains(k)) {
      meta[k] = old["metadata"][k];
    } else {
      meta.erase(k);
    }
  }
  meta["name"] = name;
  next["apiVersion"] = type.GroupVersion();
  next["kind"] = type.kind;
  if (TracksGeneration(type)) {
    long long gen = old["metadata"].value("generation", 1LL);
    if (options.subresource.empty() && SpecChanged(old, next)) ++gen;
    meta["generation"] = gen;
  } else {
    meta.erase("generation");
  }
  bool is_crd = type.group == "apiextensions.k8s.io" && type.kind == "CustomResourceDefinition";
  if (is_crd && options.subresource.empty()) {
    ApiError err = Registry::ValidateCrd(next);
    if (!err.ok()) return err;
  }
  if (type.group.empty() && type.kind == "Namespace") {
    next["spec"] = old.value("spec", json::object());
  }
  // Nothing changed: Kubernetes answers without a write or an event.
  json cmp_old = old, cmp_next = next;
  cmp_old["metadata"].erase("resourceVersion");
  cmp_next["metadata"].erase("resourceVersion");
  if (cmp_old == cmp_next) {
    *out = old;
    return ApiError();
  }
  if (options.dry_run) {
    *out = std::move(next);
    return ApiError();
  }
  if (is_crd && options.subresource.empty()) {
    ApiError err = registry_.ApplyCrd(next);
    if (!err.ok()) return err;
    json status = Registry::CrdStatus(next);
    if (next.contains("status") && next["status"].contains("conditions")) {
      status["conditions"] = next["status"]["conditions"];
    }
    next["status"] = std::move(status);
  }
  uint64_t rv = NextRvLocked();
  meta["resourceVersion"] = std::to_string(rv);
  auto previous = std::make_shared<const json>(old);
  if (meta.contains("deletionTimestamp") && !HasFinalizers(next)) {
    // The last finalizer is gone: the deletion completes.
    objs.erase(it);
    if (is_crd) OnCrdRemovedLocked(next);
    RecordLocked({"DELETED", rv, type.StorageKey(), ns, std::make_shared<const json>(next), previous});
    *out = std::move(next);
    return ApiError();
  }
  it->second = next;
  RecordLocked({"MODIFIED", rv, type.StorageKey(), ns, std::make_shared<const json>(next), previous});
  *out = std::move(next);
  return ApiError();
}

ApiError Store::Delete(const ResourceType& type, const std::string& ns, const std::string& name,
                       const DeleteOptions& options, json* out) {
  std::lock_guard<std::mutex> lock(mu_);
  return DeleteLocked(type, ns, name, options, out);
}

ApiError Store::DeleteLocked(const ResourceType& type, const std::string& ns,
                             const std::string& name, const DeleteOptions& options, json* out) {
  const std::string key = Key(type.namespaced ? ns : "", name);
  Objects& objs = objects_[type.StorageKey()];
  auto it = objs.find(key);
  if (it == objs.end()) return ApiError::NotFound(type.group, type.resource, name);
  json obj = it->second;
  std::string uid = MetaString(obj, "uid");
  if (!options.precondition_uid.empty() && options.precondition_uid != uid) {
    return ApiError::Conflict(type.group, type.resource, name,
                              "Precondition failed: UID in precondition: " +
                                  options.precondition_uid + ", UID in object meta: " + uid);
  }
  std::string rv_now = MetaString(obj, "resourceVersion");
  if (!options.precondition_rv.empty() && options.precondition_rv != rv_now) {
    return ApiError::Conflict(type.group, type.resource, name,
                              "Precondition failed: ResourceVersion in precondition: " +
                                  options.precondition_rv +
                                  ", ResourceVersion in object meta: " + rv_now);
  }
  if (HasFinalizers(obj)) {
    if (obj["metadata"].contains("deletionTimestamp")) {
      *out = std::move(obj);
      return ApiError();
    }
    obj["metadata"]["deletionTimestamp"] = NowRfc3339();
    obj["metadata"]["deletionGracePeriodSeconds"] = 0;
    if (options.dry_run) {
      *out = std::move(obj);
      return ApiError();
    }
    uint64_t rv = NextRvLocked();
    obj["metadata"]["resourceVersion"] = std::to_string(rv);
    auto previous = std::make_shared<const json>(it->second);
    it->second = obj;
    RecordLocked({"MODIFIED", rv, type.StorageKey(), ns, std::make_shared<const json>(obj), previous});
    *out = std::move(obj);
    return ApiError();
  }
  if (options.dry_run) {
    *out = std::move(obj);
    return ApiError();
  }
  if (type.group.empty() && type.kind == "Namespace") {
    // The namespace controller's work, done at once: delete the contents.
    for (const ResourcePtr& t : registry_.all()) {
      if (!t->namespaced || !t->storage_version) continue;
      Objects& inner = objects_[t->StorageKey()];
      std::vector<std::string> names;
      for (const auto& [k, o] : inner) {
        if (MetaString(o, "namespace") == name) names.push_back(MetaString(o, "name"));
      }
      for (const std::string& n : names) {
        json ignored;
        DeleteLocked(*t, name, n, {}, &ignored);
      }
    }
  }
  RemoveLocked(type.StorageKey(), key, false);
  if (type.group == "apiextensions.k8s.io" && type.kind == "CustomResourceDefinition") {
    OnCrdRemovedLocked(obj);
  }
  *out = std::move(obj);
  (*out)["metadata"]["resourceVersion"] = std::to_string(rv_);
  return ApiError();
}

void Store::RemoveLocked(const std::string& storage_key, const std::string& key, bool dry_run) {
  Objects& objs = objects_[storage_key];
  auto it = objs.find(key);
  if (it == objs.end() || dry_run) return;
  json obj = std::move(it->second);
  objs.erase(it);
  uint64_t rv = NextRvLocked();
  obj["metadata"]["resourceVersion"] = std::to_string(rv);
  std::string ns = MetaString(obj, "namespace");
  RecordLocked({"DELETED", rv, storage_key, ns, std::make_shared<const json>(obj), nullptr});
}

void Store::OnCrdRemovedLocked(const json& crd) {
  const std::string crd_name = MetaString(crd, "name");
  std::string storage_key;
  for (const ResourcePtr& t : registry_.all()) {
    if (t->crd_name == crd_name) storage_key = t->StorageKey();
  }
  registry_.RemoveCrd(crd_name);
  if (storage_key.empty()) return;
  std::vector<std::string> keys;
  for (const auto& [k, o] : objects_[storage_key]) keys.push_back(k);
  for (const std::string& k : keys) RemoveLocked(storage_key, k, false);
  objects_.erase(storage_key);
}

}  // namespace fedra::apiserver
