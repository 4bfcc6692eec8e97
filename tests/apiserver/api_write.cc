// Api: create, update and patch (all patch types and server-side apply).
#include <algorithm>

#include "tests/apiserver/api.h"
#include "tests/apiserver/builtin_validation.h"
#include "tests/apiserver/json_util.h"
#include "tests/apiserver/managed_fields.h"
#include "tests/apiserver/patch.h"

namespace fedra::apiserver {

namespace {

constexpr int kMaxRetries = 8;

bool DryRun(const ApiRequest& r) {
  const std::string* d = r.Query("dryRun");
  return d && *d == "All";
}

std::string FieldManager(const ApiRequest& r) {
  if (const std::string* m = r.Query("fieldManager"); m && !m->empty()) return *m;
  // Kubernetes: the user agent up to its first '/'.
  std::string ua = r.user_agent.substr(0, r.user_agent.find('/'));
  return ua.empty() ? "unknown" : ua;
}

ApiError DecodeBody(const ApiRequest& r, json* out) {
  if (r.body.empty()) return ApiError::BadRequest("the request body is empty");
  if (r.content_type.find("protobuf") != std::string::npos ||
      r.content_type.find("cbor") != std::string::npos) {
    // kubectl's typed commands (create configmap, ...) send protobuf.
    return ApiError::Generic(415, "UnsupportedMediaType",
                             "the simulator accepts JSON and YAML bodies only, not " + r.content_type);
  }
  Status st = r.content_type.find("yaml") != std::string::npos ? ParseYamlText(r.body, out)
                                                               : ParseJsonText(r.body, out);
  if (!st.ok()) return ApiError::BadRequest(std::string(st.message()));
  return ApiError();
}

ApiError CheckKind(const ResourceType& type, json* obj) {
  if (!obj->is_object()) return ApiError::BadRequest("the request body must be a JSON object");
  if (obj->contains("kind") && (*obj)["kind"] != type.kind) {
    return ApiError::BadRequest("the kind in the data (" + (*obj)["kind"].dump() +
                                ") does not match the expected kind (" + type.kind + ")");
  }
  if (obj->contains("apiVersion") && (*obj)["apiVersion"].is_string()) {
    std::string av = (*obj)["apiVersion"];
    std::string group = av.find('/') == std::string::npos ? "" : av.substr(0, av.find('/'));
    if (group != type.group) {
      return ApiError::BadRequest("the API version in the data (" + av +
                                  ") does not match the expected API version (" +
                                  type.GroupVersion() + ")");
    }
  }
  (*obj)["apiVersion"] = type.GroupVersion();
  (*obj)["kind"] = type.kind;
  if (!(*obj)["metadata"].is_object()) (*obj)["metadata"] = json::object();
  return ApiError();
}

// The leaf fields of `before` that pruning removed ("spec.foo").
std::vector<std::string> DroppedFields(const json& before, const json& after) {
  std::vector<std::string> out;
  FieldSet a = LeafFields(after);
  for (const FieldPath& p : LeafFields(before)) {
    if (a.count(p) || p[0] == "metadata") continue;
    std::string s;
    for (const std::string& k : p) s += (s.empty() ? "" : ".") + k;
    out.push_back(s);
  }
  return out;
}

}  // namespace

ApiError Api::PrepareWrite(const ApiRequest& request, const Target& t,
                           const std::string& operation, const json& old_object, json* object,
                           std::vector<std::string>* warnings) {
  const ResourceType& type = *t.type;
  std::string name = MetaString(*object, "name");
  ApiError invalid = ValidateMetadata(type, *object);
  if (!invalid.ok()) return invalid;
  if (type.schema) {
    json before = *object;
    Prune(*type.schema, object);
    std::vector<std::string> dropped = DroppedFields(before, *object);
    const std::string* fv = request.Query("fieldValidation");
    std::string mode = fv ? *fv : "Warn";
    if (!dropped.empty() && mode == "Strict") {
      std::string msg = type.kind + " in version \"" + type.version + "\" cannot be handled as a " +
                        type.kind + ": strict decoding error: ";
      for (size_t i = 0; i < dropped.size(); ++i) {
        msg += (i ? ", " : "") + std::string("unknown field \"") + dropped[i] + "\"";
      }
      return ApiError::BadRequest(msg);
    }
    if (mode != "Ignore") {
      for (const std::string& f : dropped) warnings->push_back("unknown field \"" + f + "\"");
    }
    ApplyDefaults(*type.schema, object);
  }
  AdmissionAttributes attrs{t.type, operation, t.subresource, t.ns, name, request.user,
                            DryRun(request), old_object,
                            {{"kind", operation == "CREATE" ? "CreateOptions" : "UpdateOptions"},
                             {"apiVersion", "meta.k8s.io/v1"}}};
  if (admission_) {
    ApiError err = admission_->Mutate(attrs, object, warnings);
    if (!err.ok()) return err;
  }
  if (type.schema) {
    // Mutations may add what the schema does not know: dropped silently.
    Prune(*type.schema, object);
    ApplyDefaults(*type.schema, object);
    std::vector<Cause> causes = Validate(*type.schema, *object);
    if (!causes.empty()) return ApiError::Invalid(type.group, type.kind, name, std::move(causes));
  }
  invalid = ValidateMetadata(type, *object);  // mutations may have broken it
  if (invalid.ok()) invalid = ValidateWebhookConfiguration(type, *object);
  if (!invalid.ok()) return invalid;
  if (admission_) {
    ApiError err = admission_->Validate(attrs, *object, warnings);
    if (!err.ok()) return err;
  }
  return ApiError();
}

ApiError Api::Commit(const ApiRequest& request, const Target& t, const std::string& operation,
                     const json& old_object, json object, json* out) {
  WriteOptions opts;
  opts.dry_run = DryRun(request);
  opts.subresource = t.subresource;
  if (operation == "CREATE") return store_->Create(*t.type, std::move(object), opts, out);
  return store_->Update(*t.type, std::move(object), opts, out);
}

ApiResponse Api::Create(const ApiRequest& request, const Target& t) {
  json obj;
  ApiError err = DecodeBody(request, &obj);
  if (err.ok()) err = CheckKind(*t.type, &obj);
  if (!err.ok()) return ApiResponse::FromError(err);
  if (t.type->namespaced) {
    std::string body_ns = MetaString(obj, "namespace");
    if (t.ns.empty()) return ApiResponse::FromError(ApiError::Generic(404, "NotFound", "the server could not find the requested resource"));
    if (!body_ns.empty() && body_ns != t.ns) {
      return ApiResponse::FromError(ApiError::BadRequest(
          "the namespace of the provided object does not match the namespace sent on the request"));
    }
    obj["metadata"]["namespace"] = t.ns;
  }
  std::vector<std::string> warnings;
  Target named = t;
  named.name = MetaString(obj, "name");
  err = PrepareWrite(request, named, "CREATE", json(), &obj, &warnings);
  if (!err.ok()) return ApiResponse::FromError(err);
  TrackUpdate(json(), &obj, FieldManager(request), t.type->GroupVersion(), "");
  json out;
  err = Commit(request, named, "CREATE", json(), std::move(obj), &out);
  if (!err.ok()) return ApiResponse::FromError(err);
  return WithWarnings(Render(request, named, 201, out), warnings);
}

ApiResponse Api::Replace(const ApiRequest& request, const Target& t) {
  json obj;
  ApiError err = DecodeBody(request, &obj);
  if (err.ok()) err = CheckKind(*t.type, &obj);
  if (!err.ok()) return ApiResponse::FromError(err);
  std::string body_name = MetaString(obj, "name");
  if (body_name != t.name) {
    return ApiResponse::FromError(ApiError::BadRequest(
        "the name of the object (" + body_name + ") does not match the name on the URL (" +
        t.name + ")"));
  }
  if (t.type->namespaced) {
    std::string body_ns = MetaString(obj, "namespace");
    if (!body_ns.empty() && body_ns != t.ns) {
      return ApiResponse::FromError(ApiError::BadRequest(
          "the namespace of the provided object does not match the namespace sent on the request"));
    }
    obj["metadata"]["namespace"] = t.ns;
  }
  const bool user_rv = !MetaString(obj, "resourceVersion").empty();
  for (int attempt = 0; attempt < kMaxRetries; ++attempt) {
    json current;
    err = store_->Get(*t.type, t.ns, t.name, &current);
    if (!err.ok()) return ApiResponse::FromError(err);
    json next = obj;
    if (!user_rv) next["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"];
    std::vector<std::string> warnings;
    err = PrepareWrite(request, t, "UPDATE", current, &next, &warnings);
    if (!err.ok()) return ApiResponse::FromError(err);
    TrackUpdate(current, &next, FieldManager(request), t.type->GroupVersion(), t.subresource);
    json out;
    err = Commit(request, t, "UPDATE", current, std::move(next), &out);
    if (err.ok()) return WithWarnings(Render(request, t, 200, out), warnings);
    if (err.code() != 409 || user_rv) return ApiResponse::FromError(err);
  }
  return ApiResponse::FromError(err);
}

ApiResponse Api::Patch(const ApiRequest& request, const Target& t) {
  const std::string& ct = request.content_type;
  const bool apply = ct == "application/apply-patch+yaml";
  if (ct != "application/merge-patch+json" && ct != "application/json-patch+json" &&
      ct != "application/strategic-merge-patch+json" && !apply) {
    return ApiResponse::FromError(ApiError::UnsupportedMediaType(ct));
  }
  if (ct == "application/strategic-merge-patch+json" && !t.type->crd_name.empty()) {
    return ApiResponse::FromError(ApiError::UnsupportedMediaType(ct));
  }
  json patch;
  ApiError err = apply ? ApiError() : DecodeBody(request, &patch);
  if (apply) {
    if (!request.Query("fieldManager") || request.Query("fieldManager")->empty()) {
      return ApiResponse::FromError(ApiError::BadRequest(
          "PATCH, application/apply-patch+yaml requires fieldManager"));
    }
    Status st = ParseYamlText(request.body, &patch);
    if (!st.ok()) err = ApiError::BadRequest(std::string(st.message()));
    if (err.ok()) err = CheckKind(*t.type, &patch);
    if (err.ok() && MetaString(patch, "name") != t.name) {
      err = ApiError::BadRequest("the name of the object (" + MetaString(patch, "name") +
                                 ") does not match the name on the URL (" + t.name + ")");
    }
  }
  if (!err.ok()) return ApiResponse::FromError(err);
  const bool force = request.Query("force") && *request.Query("force") == "true";
  for (int attempt = 0; attempt < kMaxRetries; ++attempt) {
    json current;
    err = store_->Get(*t.type, t.ns, t.name, &current);
    const bool exists = err.ok();
    if (!exists && !(apply && err.code() == 404)) return ApiResponse::FromError(err);
    json next;
    std::vector<std::string> warnings;
    if (apply) {
      json applied = patch;
      if (t.type->namespaced) applied["metadata"]["namespace"] = t.ns;
      if (t.type->has_status && t.subresource.empty()) applied.erase("status");
      ApplyRequest req{FieldManager(request), force, t.type->GroupVersion(), t.subresource,
                       t.type->group, t.type->resource, t.name};
      err = ServerSideApply(exists ? current : json(), applied, req, &next);
      if (!err.ok()) return ApiResponse::FromError(err);
      err = PrepareWrite(request, t, exists ? "UPDATE" : "CREATE", exists ? current : json(),
                         &next, &warnings);
      DropUnownableFields(&next);
      if (exists) {
        next["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"];
      }
    } else {
      next = current;
      if (ct == "application/merge-patch+json") {
        MergePatch(&next, patch);
      } else if (ct == "application/strategic-merge-patch+json") {
        StrategicMergePatch(&next, patch);
      } else {
        err = JsonPatch(&next, patch);
        if (!err.ok()) return ApiResponse::FromError(err);
      }
      if (!next.is_object()) {
        return ApiResponse::FromError(ApiError::BadRequest("the patch did not yield an object"));
      }
      if (MetaString(next, "name") != t.name) {
        return ApiResponse::FromError(ApiError::BadRequest("metadata.name: the name cannot be changed by a patch"));
      }
      const std::string patched_rv = MetaString(next, "resourceVersion");
      if (patched_rv.empty()) {
        next["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"];
      }
      TrackUpdate(current, &next, FieldManager(request), t.type->GroupVersion(), t.subresource);
    }
    if (!exists) {
      if (!err.ok()) return ApiResponse::FromError(err);
      json out;
      err = Commit(request, t, "CREATE", json(), std::move(next), &out);
      if (err.ok()) return WithWarnings(Render(request, t, 201, out), warnings);
      if (err.code() == 409 && err.reason() == "AlreadyExists") continue;
      return ApiResponse::FromError(err);
    }
    if (!apply) err = PrepareWrite(request, t, "UPDATE", current, &next, &warnings);
    if (!err.ok()) return ApiResponse::FromError(err);
    const bool user_rv = MetaString(next, "resourceVersion") != MetaString(current, "resourceVersion");
    json out;
    err = Commit(request, t, "UPDATE", current, std::move(next), &out);
    if (err.ok()) return WithWarnings(Render(request, t, 200, out), warnings);
    if (err.code() != 409 || user_rv) return ApiResponse::FromError(err);
  }
  return ApiResponse::FromError(err);
}

}  // namespace fedra::apiserver
