// Does a policy's match select an admission request? Internal to Admit, and
// exposed for the match table tests.
#ifndef FEDRA_ADMISSION_MATCH_H_
#define FEDRA_ADMISSION_MATCH_H_

#include <functional>
#include <string_view>

#include "admission/policy.h"
#include "fedra/value.h"

namespace fedra::admission {

// The facts of a request that matching reads (views into the review).
struct RequestFacts {
  std::string_view group;      // request.kind.group ("" = core)
  std::string_view kind;       // request.kind.kind
  std::string_view operation;  // CREATE, UPDATE, DELETE, CONNECT
  // The namespace matched against namespaces/excludedNamespaces/namespaceSelector:
  // request.namespace, or the object's own name when it is a Namespace; empty
  // for other cluster-scoped objects, which those criteria never exclude.
  std::string_view ns;
  bool is_namespace = false;  // the object is a core/v1 Namespace
  bool namespaced = false;    // request.namespace was set
  Value labels;               // object.metadata.labels (oldObject's for DELETE)
  // For UPDATE, oldObject.metadata.labels: a labelSelector selects the request
  // when either version matches, as the API server's objectSelector does.
  Value old_labels;
};

// `ns_labels` is called at most once, only when a namespaceSelector must look
// at a namespace other than the object itself; it returns the namespace's
// labels or undefined when the namespace is unknown (treated as no labels).
bool MatchRequest(const MatchSpec& match, const RequestFacts& request,
                  const std::function<Value(std::string_view)>& ns_labels);

// Gatekeeper's namespace patterns: "kube-*" (prefix), "*-system" (suffix), exact.
bool NamespacePatternMatches(std::string_view pattern, std::string_view ns);

}  // namespace fedra::admission

#endif  // FEDRA_ADMISSION_MATCH_H_
