// Structural OpenAPI v3 schemas of CustomResourceDefinitions, and the three
// things a kube-apiserver does with them on every write of a custom resource:
// prune unknown fields (unless x-kubernetes-preserve-unknown-fields), apply
// `default`s, and validate (type, enum, required, minimum/maximum,
// exclusive bounds, min/maxLength, pattern, min/maxItems, min/maxProperties,
// nullable), reporting field paths the way Kubernetes does
// ("spec.replicas: Invalid value: ...").
//
// Not covered: CEL rules (x-kubernetes-validations), list-type/map-keys
// uniqueness, format checks, allOf/anyOf/oneOf/not (ignored, not rejected).
//
// A Schema is immutable once parsed; share it freely across threads.
#ifndef FEDRA_TESTS_APISERVER_CRD_SCHEMA_H_
#define FEDRA_TESTS_APISERVER_CRD_SCHEMA_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fedra/status.h"
#include "tests/apiserver/api_error.h"

namespace fedra::apiserver {

struct Schema {
  std::string type;  // object, array, string, integer, number, boolean, or "" (any)
  std::map<std::string, std::unique_ptr<Schema>> properties;
  std::unique_ptr<Schema> items;                  // type array
  std::unique_ptr<Schema> additional_properties;  // a map's value schema
  bool additional_properties_any = false;         // additionalProperties: true
  std::optional<json> default_value;
  std::vector<json> enum_values;
  std::vector<std::string> required;
  std::optional<double> minimum, maximum;
  bool exclusive_minimum = false, exclusive_maximum = false;
  std::optional<long long> min_length, max_length, min_items, max_items;
  std::optional<long long> min_properties, max_properties;
  std::string pattern;
  bool nullable = false;
  bool preserve_unknown_fields = false;  // x-kubernetes-preserve-unknown-fields
  bool int_or_string = false;            // x-kubernetes-int-or-string
  bool embedded_resource = false;        // x-kubernetes-embedded-resource
  std::string description;
};

// Parses an openAPIV3Schema. Errors name the schema path
// ("openAPIV3Schema.properties.spec.type: ...").
Status ParseSchema(const json& j, Schema* out, const std::string& path = "openAPIV3Schema");

// Removes fields the schema does not know. At the root, apiVersion, kind
// and metadata are always kept.
void Prune(const Schema& schema, json* obj);
// Fills in `default`s of absent properties (and of items of present lists).
void ApplyDefaults(const Schema& schema, json* obj);
// All violations, in document order. At the root, metadata is not validated.
std::vector<Cause> Validate(const Schema& schema, const json& obj);

}  // namespace fedra::apiserver

#endif  // FEDRA_TESTS_APISERVER_CRD_SCHEMA_H_
