#include "admission/match.h"

#include <algorithm>
#include <string>

namespace fedra::admission {

namespace {

bool ListMatches(const std::vector<std::string>& list, std::string_view value) {
  if (list.empty()) return true;
  for (const std::string& s : list) {
    if (s == "*" || s == value) return true;
  }
  return false;
}

bool AnyNamespace(const std::vector<std::string>& patterns, std::string_view ns) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [ns](const std::string& p) { return NamespacePatternMatches(p, ns); });
}

}  // namespace

bool NamespacePatternMatches(std::string_view pattern, std::string_view ns) {
  if (pattern.size() > 1 && pattern.back() == '*') {
    return ns.starts_with(pattern.substr(0, pattern.size() - 1));
  }
  if (pattern.size() > 1 && pattern.front() == '*') return ns.ends_with(pattern.substr(1));
  return pattern == ns || pattern == "*";
}

bool MatchRequest(const MatchSpec& match, const RequestFacts& r,
                  const std::function<Value(std::string_view)>& ns_labels) {
  if (!match.kinds.empty()) {
    bool any = false;
    for (const KindSelector& k : match.kinds) {
      if (ListMatches(k.kinds, r.kind) && ListMatches(k.api_groups, r.group)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  if (!ListMatches(match.operations, r.operation)) return false;
  switch (match.scope) {
    case Scope::kAll:
      break;
    case Scope::kCluster:
      if (r.namespaced) return false;
      break;
    case Scope::kNamespaced:
      if (!r.namespaced) return false;
      break;
  }
  if (!r.ns.empty()) {
    if (!match.namespaces.empty() && !AnyNamespace(match.namespaces, r.ns)) return false;
    if (AnyNamespace(match.excluded_namespaces, r.ns)) return false;
  }
  if (match.label_selector && !match.label_selector->Matches(r.labels) &&
      !(r.old_labels.is_object() && match.label_selector->Matches(r.old_labels))) {
    return false;
  }
  if (match.namespace_selector) {
    if (r.is_namespace) {
      if (!match.namespace_selector->Matches(r.labels)) return false;
    } else if (!r.ns.empty()) {
      Value labels = ns_labels ? ns_labels(r.ns) : Value();
      if (!match.namespace_selector->Matches(labels)) return false;
    }
    // Other cluster-scoped objects: a namespace selector never excludes them,
    // as for the API server's own webhook namespaceSelector.
  }
  return true;
}

}  // namespace fedra::admission
