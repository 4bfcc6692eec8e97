// Shared by the sync benchmarks: the bundle a hub publishes for revision N,
// one small admission policy whose message carries the revision (so each
// revision is new Rego that real engines compile).
#ifndef FEDRA_BENCH_SYNC_SUPPORT_H_
#define FEDRA_BENCH_SYNC_SUPPORT_H_

#include <string>

#include "bundle/bundle.h"
#include "value/json.h"

namespace fedra::bench {

inline std::string SyncBundle(int revision) {
  bundle::Bundle b;
  b.revision = "r" + std::to_string(revision);
  b.roots = {"fedra"};
  b.modules.push_back(bundle::Module{
      "fedra/policies/p/main.rego",
      "package fedra.p\nviolation contains {\"msg\": \"r" + std::to_string(revision) +
          "\"} if input.review.object.bad\n",
      1});
  Status s = ParseJson(R"({"fedra":{"policies":{"p":{"type":"Admission","enforcement":"Deny",)"
                       R"("match":{"kinds":[{"apiGroups":[""],"kinds":["Pod"]}]},"modules":["fedra/policies/p/main.rego"]}}}})",
                       &b.data);
  std::string out;
  if (s.ok()) s = bundle::WriteBundle(b, {}, &out);
  return out;
}

}  // namespace fedra::bench

#endif  // FEDRA_BENCH_SYNC_SUPPORT_H_
