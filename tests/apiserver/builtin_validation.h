// Validation the API server applies to every object (metadata) and to the
// built-in kinds whose content the simulator relies on (webhook
// configurations), reported as 422 Invalid with field paths like
// Kubernetes' ("webhooks[0].sideEffects: Unsupported value: ...").
//
// Pure functions; thread-safe.
#ifndef FEDRA_TESTS_APISERVER_BUILTIN_VALIDATION_H_
#define FEDRA_TESTS_APISERVER_BUILTIN_VALIDATION_H_

#include <nlohmann/json.hpp>

#include "tests/apiserver/api_error.h"
#include "tests/apiserver/resources.h"

namespace fedra::apiserver {

// metadata.labels and metadata.annotations are maps of strings (label
// values at most 63 characters), metadata.finalizers a list of strings.
ApiError ValidateMetadata(const ResourceType& type, const json& obj);
// admissionregistration.k8s.io/v1 webhook configurations: each webhook has
// a unique name, exactly one of clientConfig.url (https) and
// clientConfig.service, sideEffects None|NoneOnDryRun, admissionReviewVersions
// including v1, failurePolicy Fail|Ignore, timeoutSeconds 1..30, rules with
// operations, apiGroups, apiVersions and resources.
ApiError ValidateWebhookConfiguration(const ResourceType& type, const json& obj);

}  // namespace fedra::apiserver

#endif  // FEDRA_TESTS_APISERVER_BUILTIN_VALIDATION_H_
