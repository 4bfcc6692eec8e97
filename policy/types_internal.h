// Internal: pieces shared by the CRD type sources (types.cc,
// member_types.cc). Not part of the module's API.
#ifndef FEDRA_POLICY_TYPES_INTERNAL_H_
#define FEDRA_POLICY_TYPES_INTERNAL_H_

#include <optional>
#include <string_view>
#include <vector>

#include "policy/types.h"

namespace fedra::policy::internal {

// apiVersion must be policy.fedra.io/v1alpha1 and kind `kind`.
Status CheckKind(const Json& doc, std::string_view kind);
// metadata, with metadata.name required.
Status ParseMeta(const Json& doc, ObjectMeta* out);
// `status`.conditions, when present.
Status ParseConditions(const Json& status, std::string_view path, std::vector<Condition>* out);
// An optional label selector member, checked by the engine's parser.
Status ParseSelector(const Json& obj, std::string_view key, std::string_view path,
                     std::optional<LabelSelector>* out);
Json SelectorToJson(const LabelSelector& s);

}  // namespace fedra::policy::internal

#endif  // FEDRA_POLICY_TYPES_INTERNAL_H_
