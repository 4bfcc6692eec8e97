// Gatekeeper `gator verify` suites, run through Revision::Admit.
//
// A suite file (`kind: Suite`, `apiVersion: test.gatekeeper.sh/v1alpha1`)
// lists tests; each test names a ConstraintTemplate file and a Constraint
// file (paths relative to the suite) and has cases: an object file, optional
// inventory files (referential data, under data.inventory in Gatekeeper's
// layout) and assertions [{violations: yes|no|N, message: regex}]. Tests may
// set `invalidTemplate` / `invalidConstraint` to expect those to be rejected,
// and tests or cases `skip: true`.
//
// Each case builds the constraint's policy (once per test; again per case
// when it has inventory), synthesises an AdmissionReview that CREATEs the
// object (gatekeeper.h) and decides it with Revision::Admit, exactly as the
// webhook would; the violations counted are the constraint's, whatever its
// enforcementAction.
#ifndef FEDRA_ADMISSION_VERIFY_H_
#define FEDRA_ADMISSION_VERIFY_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "fedra/status.h"

namespace fedra::admission {

struct VerifyOptions {
  std::string run;       // RE2 pattern on "test/case" names; empty runs all
  bool verbose = false;  // print the violations of passing cases too
};

struct VerifyCounts {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
};

// Finds suites in `paths` (files, or directories walked recursively for
// *.yaml/*.yml files holding a Suite) and runs them, printing one line per
// case through `print`. Returns an error only for unusable arguments (a path
// that does not exist, a bad --run pattern); broken suites count as failures.
Status Verify(const std::vector<std::string>& paths, const VerifyOptions& options,
              const std::function<void(std::string_view)>& print, VerifyCounts* counts);

}  // namespace fedra::admission

#endif  // FEDRA_ADMISSION_VERIFY_H_
