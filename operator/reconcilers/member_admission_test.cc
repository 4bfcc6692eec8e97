// EnsureMemberAdmission against the API-server simulator (a real process):
// the simulator validates webhook configurations as Kubernetes does and
// calls the webhooks they register, so what is applied here is what a
// member would accept.
#include "operator/reconcilers/member_admission.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "operator/informer/simulator_test_util.h"
#include "operator/kube/config.h"
#include "operator/reconcilers/certs_test_util.h"

namespace fedra::op::reconcilers {
namespace {

using Clock = std::chrono::system_clock;
using Json = nlohmann::json;

using testing::kDay;
using testing::kYear;

kube::GroupVersionResource Validating() {
  return {"admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", false};
}
kube::GroupVersionResource Mutating() {
  return {"admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", false};
}

policy::ResolvedPolicy Placed(const std::string& name, const std::string& body,
                              std::vector<admission::KindSelector> kinds) {
  policy::ResolvedPolicy r;
  r.policy = name;
  r.cluster = "edge-1";
  r.spec.name = name;
  r.spec.match.kinds = std::move(kinds);
  r.spec.modules.push_back({name + ".rego", "package test." + name + "\n\n" + body});
  return r;
}

const char kViolation[] = "violation contains {\"msg\": \"no\"} if {\n  false\n}\n";
const char kPatch[] =
    "patch contains {\"op\": \"add\", \"path\": \"/metadata/labels/a\", \"value\": \"b\"} if {\n"
    "  false\n}\n";

using testing::CertCount;

class MemberAdmissionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!op::testing::SimulatorAvailable()) {
      GTEST_SKIP() << op::testing::SimulatorBinary() << " not built";
    }
    ASSERT_TRUE(sim_.Start().ok());
    ASSERT_TRUE(sim_.NewClient(&client_).ok());
    mc_.metadata.name = "edge-1";
    mc_.spec.engine_service.namespace_name = "fedra-system";
    mc_.spec.engine_service.name = "fedra-engine";
    mc_.spec.engine_service.port = 8443;
    placed_ = {Placed("deny_pods", kViolation, {{{""}, {"Pod"}}}),
               Placed("label_deploys", kPatch, {{{"apps"}, {"Deployment"}}})};
    now_ = Clock::now();
  }

  MemberAdmissionResult Ensure(Clock::time_point now) {
    MemberAdmissionResult r;
    Status s = EnsureMemberAdmission(*client_, mc_, placed_, now, options_, &r);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return r;
  }

  Json Get(const kube::GroupVersionResource& gvr, const std::string& ns, const std::string& name) {
    Json out;
    kube::ApiStatus st = client_->Get(gvr, ns, name, &out);
    if (kube::IsNotFound(st)) return Json();
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  // resourceVersion of every object the operator keeps ("" when absent).
  std::map<std::string, std::string> Versions() {
    auto rv = [](const Json& o) {
      return o.is_null() ? std::string() : o["metadata"]["resourceVersion"].get<std::string>();
    };
    return {{"ns", rv(Get(kube::gvr::Namespaces(), "", "fedra-system"))},
            {"ca", rv(Get(kube::gvr::Secrets(), "fedra-system", "fedra-engine-ca"))},
            {"tls", rv(Get(kube::gvr::Secrets(), "fedra-system", "fedra-engine-tls"))},
            {"validating", rv(Get(Validating(), "", "fedra-engine"))},
            {"mutating", rv(Get(Mutating(), "", "fedra-engine"))}};
  }

  std::string WebhookBundle(const kube::GroupVersionResource& gvr) {
    Json c = Get(gvr, "", "fedra-engine");
    std::string pem;
    EXPECT_TRUE(kube::DecodeBase64(
        c["webhooks"][0]["clientConfig"]["caBundle"].get<std::string>(), &pem));
    return pem;
  }

  std::string SecretData(const std::string& name, const std::string& key) {
    Json s = Get(kube::gvr::Secrets(), "fedra-system", name);
    std::string out;
    EXPECT_TRUE(kube::DecodeBase64(s["data"][key].get<std::string>(), &out));
    return out;
  }

  op::testing::SimulatorProcess sim_;
  std::unique_ptr<kube::Client> client_;
  policy::MemberCluster mc_;
  std::vector<policy::ResolvedPolicy> placed_;
  MemberAdmissionOptions options_;
  Clock::time_point now_;
};

TEST_F(MemberAdmissionTest, CreatesEverythingThenWritesNothing) {
  MemberAdmissionResult first = Ensure(now_);
  EXPECT_TRUE(first.namespace_created);
  EXPECT_TRUE(first.ca_secret_written);
  EXPECT_TRUE(first.serving_secret_written);
  EXPECT_TRUE(first.validating_written);
  EXPECT_TRUE(first.mutating_written);
  EXPECT_NE(first.reason.find("fedra-system/fedra-engine-ca: missing"), std::string::npos)
      << first.reason;
  EXPECT_EQ(CertCount(first.ca_bundle_pem), 1u);

  Json tls = Get(kube::gvr::Secrets(), "fedra-system", "fedra-engine-tls");
  EXPECT_EQ(tls["type"], "kubernetes.io/tls");
  EXPECT_EQ(SecretData("fedra-engine-tls", "ca.crt"), first.ca_bundle_pem);
  EXPECT_EQ(WebhookBundle(Validating()), first.ca_bundle_pem);
  EXPECT_EQ(WebhookBundle(Mutating()), first.ca_bundle_pem);
  // Discovery turned the kinds into resources.
  Json v = Get(Validating(), "", "fedra-engine");
  ASSERT_EQ(v["webhooks"].size(), 1u);
  EXPECT_EQ(v["webhooks"][0]["rules"].size(), 2u) << v.dump();
  Json m = Get(Mutating(), "", "fedra-engine");
  EXPECT_EQ(m["webhooks"][0]["rules"][0]["resources"], Json::array({"deployments"}));

  const auto before = Versions();
  MemberAdmissionResult second = Ensure(now_ + kDay);
  EXPECT_FALSE(second.changed()) << second.reason;
  EXPECT_EQ(second.reason, "");
  EXPECT_EQ(second.ca_bundle_pem, first.ca_bundle_pem);
  EXPECT_EQ(Versions(), before);

  // The mutating policy goes: so does the mutating configuration.
  placed_.pop_back();
  MemberAdmissionResult third = Ensure(now_ + kDay);
  EXPECT_TRUE(third.mutating_deleted);
  EXPECT_TRUE(third.validating_written);  // the Deployment rule went too
  EXPECT_FALSE(third.ca_secret_written || third.serving_secret_written);
  EXPECT_TRUE(Get(Mutating(), "", "fedra-engine").is_null());
  const auto after = Versions();
  EXPECT_FALSE(Ensure(now_ + kDay).changed());
  EXPECT_EQ(Versions(), after);
}

TEST_F(MemberAdmissionTest, TamperedServingSecretIsRepaired) {
  Ensure(now_);
  const auto before = Versions();
  const std::string ca_key = SecretData("fedra-engine-ca", "ca.key");
  // Someone puts the CA's key where the engine's belongs.
  Json patch = {{"data", {{"tls.key", kube::EncodeBase64(ca_key)}}}};
  Json out;
  kube::ApiStatus st = client_->Patch(kube::gvr::Secrets(), "fedra-system", "fedra-engine-tls",
                                      kube::PatchType::kMerge, patch, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();

  MemberAdmissionResult r = Ensure(now_);
  EXPECT_TRUE(r.serving_secret_written);
  EXPECT_FALSE(r.ca_secret_written);
  EXPECT_FALSE(r.validating_written);
  EXPECT_NE(r.reason.find("fedra-engine-tls: data[tls.key] does not match data[tls.crt]"),
            std::string::npos)
      << r.reason;
  EXPECT_NE(SecretData("fedra-engine-tls", "tls.key"), ca_key);
  const auto after = Versions();
  EXPECT_EQ(after.at("ca"), before.at("ca"));
  EXPECT_EQ(after.at("validating"), before.at("validating"));
  EXPECT_NE(after.at("tls"), before.at("tls"));
  EXPECT_FALSE(Ensure(now_).changed());
}

TEST_F(MemberAdmissionTest, CaRotationKeepsTheOldCaDuringTheOverlap) {
  MemberAdmissionResult first = Ensure(now_);
  const std::string old_ca = first.ca_bundle_pem;

  const auto t1 = now_ + 4 * kYear;
  MemberAdmissionResult rot = Ensure(t1);
  EXPECT_TRUE(rot.ca_rotated);
  EXPECT_TRUE(rot.ca_secret_written);
  EXPECT_TRUE(rot.serving_secret_written);
  EXPECT_TRUE(rot.validating_written);
  EXPECT_TRUE(rot.mutating_written);
  EXPECT_EQ(CertCount(rot.ca_bundle_pem), 2u);
  EXPECT_NE(rot.ca_bundle_pem.find(old_ca), std::string::npos);
  EXPECT_EQ(WebhookBundle(Validating()), rot.ca_bundle_pem);
  EXPECT_EQ(WebhookBundle(Mutating()), rot.ca_bundle_pem);
  const std::string new_ca = SecretData("fedra-engine-ca", "ca.crt");
  EXPECT_NE(new_ca, old_ca);
  EXPECT_EQ(SecretData("fedra-engine-tls", "ca.crt"), new_ca);
  EXPECT_LE(rot.next_change, t1 + 7 * kDay);

  const auto during = Versions();
  EXPECT_FALSE(Ensure(t1 + kDay).changed());
  EXPECT_EQ(Versions(), during);

  MemberAdmissionResult end = Ensure(t1 + 8 * kDay);
  EXPECT_TRUE(end.ca_secret_written);
  EXPECT_FALSE(end.serving_secret_written);
  EXPECT_TRUE(end.validating_written);
  EXPECT_EQ(end.ca_bundle_pem, new_ca);
  EXPECT_EQ(WebhookBundle(Validating()), new_ca);
}

// A Fail webhook for every kind and no engine to answer: the member rejects
// writes elsewhere, but the operator can still write in the engine's own
// namespace, which the webhooks leave out.
TEST_F(MemberAdmissionTest, EngineNamespaceStaysWritableWithoutAnEngine) {
  placed_ = {Placed("everything", kViolation, {})};
  Ensure(now_);
  Json cm = {{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata", {{"name", "blocked"}, {"namespace", "default"}}}};
  Json out;
  kube::ApiStatus st = client_->Create(kube::gvr::ConfigMaps(), "default", cm, &out);
  EXPECT_FALSE(st.ok()) << "the webhook was not called";

  MemberAdmissionResult rot = Ensure(now_ + 4 * kYear);
  EXPECT_TRUE(rot.ca_secret_written);
  EXPECT_TRUE(rot.serving_secret_written);
}

TEST_F(MemberAdmissionTest, UnreachableMemberIsAnErrorNamingIt) {
  sim_.Kill();
  MemberAdmissionResult r;
  Status s = EnsureMemberAdmission(*client_, mc_, placed_, now_, options_, &r);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("member edge-1: reading namespace fedra-system"), std::string::npos)
      << s.ToString();
}

}  // namespace
}  // namespace fedra::op::reconcilers
