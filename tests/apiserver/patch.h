// The PATCH bodies a kube-apiserver accepts, applied to a JSON object:
//  - application/merge-patch+json (RFC 7386);
//  - application/json-patch+json (RFC 6902, with `test`);
//  - application/strategic-merge-patch+json, simplified: a merge patch in
//    which the lists kubectl and controllers merge by key (containers,
//    initContainers, ephemeralContainers, volumes, env, imagePullSecrets by
//    name; volumeMounts by mountPath; ports by containerPort or port) merge
//    element by element, metadata.finalizers merges as a set, and the
//    directives `$patch: replace|delete`, `$deleteFromPrimitiveList/<key>`
//    are honoured; `$setElementOrder/…` and `$retainKeys` are accepted and
//    ignored. Everything else behaves like a merge patch.
// Server-side apply lives in managed_fields.h.
//
// Pure functions; thread-safe. Inputs are bounded in depth by json_util.h.
#ifndef FEDRA_TESTS_APISERVER_PATCH_H_
#define FEDRA_TESTS_APISERVER_PATCH_H_

#include <string>

#include <nlohmann/json.hpp>

#include "tests/apiserver/api_error.h"

namespace fedra::apiserver {

using nlohmann::json;

void MergePatch(json* target, const json& patch);
// Errors are 422 with the failing operation's index; on error *target is
// partly patched (callers patch a copy). At most 10,000 operations; `copy`
// may not grow the document past 1M nodes or depth 64.
ApiError JsonPatch(json* target, const json& patch);
void StrategicMergePatch(json* target, const json& patch);

}  // namespace fedra::apiserver

#endif  // FEDRA_TESTS_APISERVER_PATCH_H_
