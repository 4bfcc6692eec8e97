// A Revision: one fully compiled, immutable set of Fedra policies, and the
// admission decision made against it.
//
//   PolicySource src;
//   LoadPolicyDir("/etc/fedra/policies", &src);       // or PoliciesFromData (bundles)
//   std::shared_ptr<const Revision> rev;
//   if (Status s = Build(std::move(src), {}, &rev); !s.ok()) ...  // keep the old one
//   AdmitResult r;
//   Status s = rev->Admit(review, {.deadline = t}, &r);  // !ok: malformed review (400)
//   ToJson(r.response);                                  // AdmissionReview v1
//
// Build compiles every module of every policy, plus plain modules and data,
// into ONE PolicySet (so the decision API sees everything) and prepares each
// policy's queries once; Admit never compiles. A Revision is immutable after
// Build: share it through std::shared_ptr<const Revision> and call Admit from
// any number of threads. Hot reload builds a new Revision off the serving path
// and swaps the pointer; in-flight decisions finish on the one they hold.
//
// String views in AdmitResult point into the Revision: keep it alive while
// reading them.
#ifndef FEDRA_ADMISSION_REVISION_H_
#define FEDRA_ADMISSION_REVISION_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "admission/policy.h"
#include "fedra/engine.h"
#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::admission {

// Where an inline module's text starts inside its manifest, so compile
// errors can also point into the YAML file a person edits.
struct ModuleOrigin {
  std::string module;  // PolicyModule::name
  std::string file;    // the manifest
  uint32_t line = 0;   // line and column of the module's first character
  uint32_t col = 0;
};

// What a revision is built from.
struct PolicySource {
  std::vector<PolicySpec> policies;
  // Modules with no admission metadata: compiled and served by /v1/data only.
  std::vector<PolicyModule> modules;
  Value data = Value::EmptyObject();
  // Content hash (hex SHA-256 over policies, modules and data in a canonical
  // order): equal sources have equal revisions. LoadPolicyDir and
  // PoliciesFromData set it; Build computes it when empty.
  std::string revision;
  // Inline modules of manifests whose text maps line for line (YAML literal
  // block scalars); not part of the content hash.
  std::vector<ModuleOrigin> origins;
};

// Reads a policy directory (docs/policies.md), walked recursively in sorted
// order, skipping names starting with '.':
// - `*.yaml`/`*.yml` manifests (FederatedPolicy/MemberPolicy, several
//   documents per file allowed);
// - a directory with `policy.yaml` (manifest or bare spec; the name defaults
//   to the directory's) whose `*.rego` files, sorted, are its modules;
// - other `*.rego` files: plain modules;
// - `data.json`/`data.yaml`/`data.yml`: merged into data at the path of their
//   directory relative to `dir`, as OPA does.
// Errors name the file (and line:col or the JSON path inside it).
Status LoadPolicyDir(const std::string& dir, PolicySource* out);

// Fedra's bundle layout (docs/bundles.md): `data.fedra.policies.<name>` is a
// spec object (PolicySpecToValue) whose "modules" lists the bundle paths of
// the policy's .rego files, in order. `modules` are all the bundle's .rego
// files (name = bundle path); those no policy lists stay plain modules.
// `data` is kept whole, metadata included.
Status PoliciesFromData(const Value& data, std::vector<PolicyModule> modules, PolicySource* out);

// The content hash described at PolicySource::revision.
std::string ContentRevision(const PolicySource& source);

struct BuildOptions {
  RegoSyntax plain_module_syntax = RegoSyntax::kV1;
};

// One policy of a revision, compiled: its spec, its entry point and the
// queries prepared against the revision's PolicySet.
struct CompiledPolicy {
  PolicySpec spec;
  std::string package;  // "data.k8s.labels"
  bool has_violation = false;
  bool has_patch = false;
  bool has_recommend = false;
  PreparedQuery violation;
  PreparedQuery patch;
  PreparedQuery recommend;
};

struct AdmitOptions {
  // Absolute deadline for the whole decision; the default means none. A policy
  // that has not finished by then fails, and its failure policy decides.
  std::chrono::steady_clock::time_point deadline{};
  const std::atomic<bool>* cancel = nullptr;
  // Labels of a namespace (an object, or undefined when unknown), for
  // namespaceSelector. When unset, the revision's data is consulted:
  // data.inventory.cluster.v1.Namespace[ns].metadata.labels. A Namespace
  // object being admitted always uses its own labels.
  std::function<Value(std::string_view ns)> namespace_labels;
};

enum class Outcome : uint8_t {
  kAllowed,       // no violation
  kDenied,        // Deny policy with violations
  kWarned,        // Warn policy with violations
  kDryRun,        // DryRun policy with violations (counted only)
  kMutated,       // contributed patch operations
  kAdvised,       // Recommendation policy with advisories
  kErrorDenied,   // evaluation failed, failurePolicy Fail
  kErrorIgnored,  // evaluation failed, failurePolicy Ignore
};
std::string_view OutcomeName(Outcome o);  // "allowed", "denied", ... "error_ignored"

struct Violation {
  std::string message;
  Value details;  // undefined when absent
};

// One matched policy's part in a decision.
struct PolicyDecision {
  std::string_view policy;  // CompiledPolicy::spec.name (points into the Revision)
  size_t index = 0;         // into Revision::policies()
  Outcome outcome = Outcome::kAllowed;
  std::vector<Violation> violations;  // violations or advisories, whatever the enforcement
  size_t patch_ops = 0;
  Status error;
  std::chrono::nanoseconds duration{0};
};

struct AdmitResult {
  Value response;  // the AdmissionReview v1 to send back
  bool allowed = true;
  std::vector<std::string> warnings;      // as in the response, after the limits
  size_t warnings_dropped = 0;            // beyond the API server's limits
  std::vector<PolicyDecision> decisions;  // matched policies, in revision order
};

// Warnings are bounded as the API server bounds them (its warning recorder):
// each at most 256 characters (truncated), and once 4,096 characters in total
// have been added, further warnings are dropped.
inline constexpr size_t kMaxWarningChars = 256;
inline constexpr size_t kMaxWarningTotalChars = 4096;

class Revision {
 public:
  Revision(const Revision&) = delete;
  Revision& operator=(const Revision&) = delete;
  ~Revision();

  const std::shared_ptr<const PolicySet>& policy_set() const { return policy_set_; }
  const std::string& revision() const { return revision_; }
  const std::vector<CompiledPolicy>& policies() const { return policies_; }
  const std::vector<PolicyModule>& modules() const { return modules_; }
  const Value& data() const { return data_; }
  // Index into policies(), or -1.
  int FindPolicy(std::string_view name) const;

  // Decides an AdmissionReview (admission.k8s.io/v1). Returns
  // InvalidArgument naming the JSON path ("request.uid: ...") when the review
  // is malformed; every policy failure is handled inside (failurePolicy) and
  // reported in `out`. Thread-safe.
  Status Admit(const Value& admission_review, const AdmitOptions& options, AdmitResult* out) const;

 private:
  friend Status Build(PolicySource source, const BuildOptions& options,
                      std::shared_ptr<const Revision>* out);
  Revision() = default;

  std::shared_ptr<const PolicySet> policy_set_;
  std::string revision_;
  std::vector<CompiledPolicy> policies_;
  std::vector<PolicyModule> modules_;  // plain modules
  Value data_;
};

// Compiles `source`. Errors name the policy and file:line:col; two policies
// with the same name or the same entry package are an error.
Status Build(PolicySource source, const BuildOptions& options,
             std::shared_ptr<const Revision>* out);

}  // namespace fedra::admission

#endif  // FEDRA_ADMISSION_REVISION_H_
