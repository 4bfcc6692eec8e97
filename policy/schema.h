// CustomResourceDefinition checks for crds/*.yaml, without an API server:
// the top-level structure kubectl apply needs, the structural-schema rules
// the API server enforces (every node typed, no properties beside
// additionalProperties, items on arrays, list types, CEL rules present,
// defaults that validate, only name/generateName restrictions under
// metadata, no unknown keywords), and a validator that checks an object
// against a schema the way the API server does (type, required, enum,
// bounds, lengths, pattern, list uniqueness) after applying defaults.
//
// CEL (x-kubernetes-validations) rules are not evaluated here; their C++
// counterparts are ValidateFederatedPolicy / ValidateMemberCluster.
//
// Unlike the API server, unknown fields are reported (as kubectl's strict
// field validation does) instead of being pruned: examples should not carry
// typos. Pure functions; thread-safe.
#ifndef FEDRA_POLICY_SCHEMA_H_
#define FEDRA_POLICY_SCHEMA_H_

#include <string>
#include <vector>

#include "fedra/status.h"
#include "policy/types.h"

namespace fedra::policy {

struct CrdInfo {
  std::string name;  // metadata.name (<plural>.<group>)
  std::string group;
  std::string kind;
  std::string plural;
  std::string scope;  // Cluster | Namespaced
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::string version;  // the storage version
  Json schema;          // its openAPIV3Schema
  Json printer_columns = Json::array();
  bool status_subresource = false;
};

// Checks a CustomResourceDefinition (apiextensions.k8s.io/v1) and returns
// every problem found, with paths into the document; fills *out when the
// basic shape is there.
std::vector<FieldError> CheckCrd(const Json& doc, CrdInfo* out);

// The structural-schema rules alone, for one openAPIV3Schema.
std::vector<FieldError> CheckStructural(const Json& schema, const std::string& path);

// Fills absent properties that have a `default`, recursively (into
// objects given or defaulted and into array items), as the API server does.
void ApplyDefaults(const Json& schema, Json* obj);

// Validates `obj` (a whole custom resource) against `schema`. At the root,
// apiVersion, kind and metadata are accepted as the API server accepts them.
std::vector<FieldError> ValidateAgainstSchema(const Json& schema, const Json& obj);

}  // namespace fedra::policy

#endif  // FEDRA_POLICY_SCHEMA_H_
