// Decoding what engines report (OPA's status API: the body fedra-engine and
// stock OPA agents POST to the status service) into the EngineReport the
// roll-up reads.
//
// An engine reports the revision of the bundle it runs
// (bundles.<name>.active_revision); which policy revisions that bundle holds
// is known from assembly (PolicyRevisionsOf on the bundle the operator
// served under that revision), passed in as `bundles`. A bundle revision the
// caller does not know (served before an operator restart, or not Fedra's)
// gives an engine with no active policy revisions, which the roll-up counts
// as not ready rather than guessing.
//
// Pure functions; thread-safe.
#ifndef FEDRA_POLICY_ENGINE_STATUS_H_
#define FEDRA_POLICY_ENGINE_STATUS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "fedra/status.h"
#include "policy/rollup.h"
#include "policy/types.h"

namespace fedra::policy {

// bundle revision -> (policy name -> policy revision).
using BundleIndex = std::map<std::string, std::map<std::string, std::string>>;

// Who sent a report: labels.id, and labels.cluster / labels.tier when the
// engine was configured with them ("" otherwise).
struct EngineIdentity {
  std::string id;
  std::string cluster;
  std::string tier;
};

// Decodes `report`. `bundle_name` is the bundle to read under "bundles"
// ("fedra" for fedra-engine; the bundle's configured name for OPA).
// InvalidArgument naming the JSON path when the report is malformed
// (labels.id missing, a field of the wrong type).
Status DecodeEngineStatus(const Json& report, std::string_view bundle_name,
                          const BundleIndex& bundles, EngineIdentity* who, EngineReport* out);

// Milliseconds since the epoch for an RFC 3339 time ("2026-11-28T09:00:00Z",
// fractional seconds and offsets allowed), or -1 when it does not parse.
int64_t ParseTimeMillis(std::string_view rfc3339);

}  // namespace fedra::policy

#endif  // FEDRA_POLICY_ENGINE_STATUS_H_
