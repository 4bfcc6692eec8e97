// metadata.managedFields and server-side apply, simplified but faithful in
// what clients observe:
//  - Each entry {manager, operation Apply|Update, apiVersion, time,
//    fieldsType FieldsV1, fieldsV1, subresource?} owns a set of leaf field
//    paths in FieldsV1 form ({"f:spec":{"f:replicas":{}}}). Lists are atomic
//    (a list is one leaf), a simplification of Kubernetes' associative lists.
//  - Apply (PATCH application/apply-patch+yaml with fieldManager): fields
//    whose values differ from the applied ones and are owned by another
//    manager are conflicts (409 listing each conflicting manager and field)
//    unless force=true, which takes them over. Fields this manager applied
//    before and no longer applies are removed unless someone else owns them.
//  - Update (create/update/patch): the manager takes ownership of every
//    field it changed; other managers lose those fields.
// apiVersion, kind, metadata.name/namespace/uid/resourceVersion/generation/
// creationTimestamp/deletionTimestamp/managedFields are never owned.
//
// Pure functions; thread-safe.
#ifndef FEDRA_TESTS_APISERVER_MANAGED_FIELDS_H_
#define FEDRA_TESTS_APISERVER_MANAGED_FIELDS_H_

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/apiserver/api_error.h"

namespace fedra::apiserver {

using nlohmann::json;
using FieldPath = std::vector<std::string>;  // map keys, without the "f:" prefix
using FieldSet = std::set<FieldPath>;

// The leaf paths of `obj`, excluding the never-owned fields.
FieldSet LeafFields(const json& obj);
json FieldsToV1(const FieldSet& fields);
FieldSet FieldsFromV1(const json& v1);
// ".spec.replicas"
std::string FieldPathString(const FieldPath& path);

struct ApplyRequest {
  std::string manager;      // fieldManager (required for apply)
  bool force = false;
  std::string api_version;  // recorded in the entry
  std::string subresource;  // "" or "status"
  std::string group;        // for error details
  std::string resource;
  std::string name;
};

// Server-side apply of `applied` onto `current` (null: the object does not
// exist yet). On success *result holds the merged object with updated
// managedFields; on conflict a 409 Status with FieldManagerConflict causes.
ApiError ServerSideApply(const json& current, const json& applied, const ApplyRequest& req,
                         json* result);

// Records an Update by `manager` that turned `old` (null on create) into
// *updated, rewriting updated->metadata.managedFields.
void TrackUpdate(const json& old, json* updated, const std::string& manager,
                 const std::string& api_version, const std::string& subresource);

// Drops owned paths that no longer exist in *obj (after schema pruning).
void DropUnownableFields(json* obj);

}  // namespace fedra::apiserver

#endif  // FEDRA_TESTS_APISERVER_MANAGED_FIELDS_H_
