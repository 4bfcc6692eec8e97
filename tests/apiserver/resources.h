// The simulator's resource types: what the API server serves at
// /api/v1/<resource> and /apis/<group>/<version>/<resource>, with the fields
// discovery reports (kind, verbs, shortNames, categories, namespaced,
// singularName), the status subresource, and, for custom resources, the
// structural schema and printer columns of their CRD version.
//
// Registry starts with the built-in kinds Fedra and kubectl use and gains or
// loses types as CustomResourceDefinitions are created, updated or deleted.
// Registry is not thread-safe: the ApiServer guards it with its own mutex
// and hands out shared_ptr<const ResourceType> snapshots that stay valid
// after a CRD changes.
#ifndef FEDRA_TESTS_APISERVER_RESOURCES_H_
#define FEDRA_TESTS_APISERVER_RESOURCES_H_

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/apiserver/api_error.h"
#include "tests/apiserver/crd_schema.h"

namespace fedra::apiserver {

struct PrinterColumn {
  std::string name;
  std::string type;  // string, integer, number, boolean, date
  std::string json_path;  // ".spec.replicas"
  std::string description;
  int priority = 0;
};

struct ResourceType {
  std::string group;  // "" for core
  std::string version;
  std::string resource;  // plural, lower case
  std::string kind;
  std::string list_kind;
  std::string singular;
  bool namespaced = true;
  bool has_status = false;  // status subresource
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<std::string> verbs;
  std::shared_ptr<const Schema> schema;  // custom resources only
  json raw_schema;                       // its openAPIV3Schema, for /openapi/v3
  std::vector<PrinterColumn> columns;    // custom resources only
  std::string crd_name;                  // set for custom resources
  bool storage_version = true;

  // "v1" or "group/version".
  std::string GroupVersion() const;
  // Objects of all versions of one group+resource share storage.
  std::string StorageKey() const { return group + "/" + resource; }
};

using ResourcePtr = std::shared_ptr<const ResourceType>;

class Registry {
 public:
  Registry();  // the built-in types

  // Exact lookup by group, version and plural.
  ResourcePtr Find(const std::string& group, const std::string& version,
                   const std::string& resource) const;
  // By group and kind, any served version (preferring `version` if given).
  ResourcePtr FindKind(const std::string& group, const std::string& version,
                       const std::string& kind) const;
  const std::vector<ResourcePtr>& all() const { return types_; }
  // Groups in discovery order, each with its versions (preferred first).
  std::vector<std::pair<std::string, std::vector<std::string>>> Groups() const;

  // Checks a CustomResourceDefinition as the API server would on create or
  // update; returns 422 with field causes.
  static ApiError ValidateCrd(const json& crd);
  // Serves (or re-serves) every served version of `crd`.
  ApiError ApplyCrd(const json& crd);
  void RemoveCrd(const std::string& crd_name);
  // The status a CRD gets once its names are accepted (Established,
  // NamesAccepted, acceptedNames, storedVersions).
  static json CrdStatus(const json& crd);

 private:
  std::vector<ResourcePtr> types_;
};

}  // namespace fedra::apiserver

#endif  // FEDRA_TESTS_APISERVER_RESOURCES_H_
