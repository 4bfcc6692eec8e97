// Helpers for the policy/ tests: objects from JSON text.
#ifndef FEDRA_POLICY_TEST_UTIL_H_
#define FEDRA_POLICY_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <string>

#include "policy/types.h"

namespace fedra::policy::testing {

inline const char* kLabelsRego =
    "package fedra.policies.labels\n"
    "violation contains {\"msg\": msg} if {\n"
    "  some l in input.parameters.labels\n"
    "  not input.review.object.metadata.labels[l]\n"
    "  msg := sprintf(\"missing label %s\", [l])\n"
    "}\n";

// A FederatedPolicy named `name` with one module (kLabelsRego unless
// `rego` is given) and `spec_extra` merged into its spec.
inline FederatedPolicy Policy(const std::string& name, const Json& spec_extra = Json::object(),
                              const std::string& rego = kLabelsRego) {
  Json doc = {{"apiVersion", "policy.fedra.io/v1alpha1"},
              {"kind", "FederatedPolicy"},
              {"metadata", {{"name", name}, {"generation", 1}}},
              {"spec",
               {{"parameters", {{"labels", {"team"}}}},
                {"modules", {{{"name", "main.rego"}, {"rego", rego}}}}}}};
  for (const auto& [k, v] : spec_extra.items()) doc["spec"][k] = v;
  FederatedPolicy p;
  Status s = ParseFederatedPolicy(doc, &p);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return p;
}

inline MemberCluster Cluster(const std::string& name, const std::string& tier = "cloud",
                             const Json& labels = Json::object()) {
  Json doc = {{"apiVersion", "policy.fedra.io/v1alpha1"},
              {"kind", "MemberCluster"},
              {"metadata", {{"name", name}, {"labels", labels}}},
              {"spec",
               {{"tier", tier},
                {"kubeconfigSecretRef", {{"namespace", "fedra-system"}, {"name", name + "-kc"}}}}}};
  MemberCluster c;
  Status s = ParseMemberCluster(doc, &c);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return c;
}

}  // namespace fedra::policy::testing

#endif  // FEDRA_POLICY_TEST_UTIL_H_
