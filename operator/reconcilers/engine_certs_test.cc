#include "operator/reconcilers/engine_certs.h"

#include <gtest/gtest.h>

#include <string>

#include "http/certs.h"
#include "operator/kube/config.h"
#include "operator/reconcilers/certs_test_util.h"

namespace fedra::op::reconcilers {
namespace {

using Clock = std::chrono::system_clock;
using Json = nlohmann::json;

using testing::kDay;
using testing::kYear;

policy::EngineService Svc() {
  policy::EngineService s;
  s.namespace_name = "fedra-system";
  s.name = "fedra-engine";
  s.port = 8443;
  return s;
}

std::string Data(const Json& secret, const std::string& key) {
  std::string out;
  EXPECT_TRUE(secret.contains("data") && secret["data"].contains(key)) << key;
  if (!secret["data"].contains(key)) return out;
  EXPECT_TRUE(kube::DecodeBase64(secret["data"][key].get<std::string>(), &out)) << key;
  return out;
}

void SetData(Json* secret, const std::string& key, const std::string& value) {
  (*secret)["data"][key] = kube::EncodeBase64(value);
}

double Days(Clock::duration d) {
  return std::chrono::duration<double, std::ratio<86400>>(d).count();
}

using testing::CertCount;

class EngineCertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    now_ = Clock::now();
    ASSERT_TRUE(PlanEngineCerts(Json(), Json(), Svc(), now_, options_, &first_).ok());
    ASSERT_TRUE(first_.ca.has_value());
    ASSERT_TRUE(first_.serving.has_value());
    ca_ = first_.ca->object;
    tls_ = first_.serving->object;
  }

  EngineCertPlan Plan(const Json& ca, const Json& tls, Clock::time_point now) {
    EngineCertPlan plan;
    Status s = PlanEngineCerts(ca, tls, Svc(), now, options_, &plan);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return plan;
  }

  EngineCertOptions options_;
  Clock::time_point now_;
  EngineCertPlan first_;
  Json ca_, tls_;
};

TEST_F(EngineCertsTest, FirstPlanWritesBothSecrets) {
  EXPECT_EQ(ca_["metadata"]["name"], "fedra-engine-ca");
  EXPECT_EQ(ca_["metadata"]["namespace"], "fedra-system");
  EXPECT_EQ(ca_["type"], "Opaque");
  EXPECT_EQ(ca_["metadata"]["labels"]["app.kubernetes.io/managed-by"], "fedra-operator");
  EXPECT_EQ(tls_["metadata"]["name"], "fedra-engine-tls");
  EXPECT_EQ(tls_["type"], "kubernetes.io/tls");
  EXPECT_EQ(tls_["metadata"]["labels"]["app.kubernetes.io/managed-by"], "fedra-operator");
  EXPECT_EQ(Data(tls_, "ca.crt"), Data(ca_, "ca.crt"));
  EXPECT_EQ(first_.ca_bundle_pem, Data(ca_, "ca.crt"));
  EXPECT_NE(first_.ca->reason.find("fedra-system/fedra-engine-ca: missing"), std::string::npos)
      << first_.ca->reason;
  EXPECT_NE(first_.serving->reason.find("fedra-engine-tls: missing"), std::string::npos);
  EXPECT_FALSE(first_.ca_rotated);
  EXPECT_FALSE(first_.ca->recreate);

  Clock::time_point not_after;
  ASSERT_TRUE(http::CertNotAfter(Data(tls_, "tls.crt"), &not_after).ok());
  EXPECT_NEAR(Days(not_after - now_), 90, 0.01);
  ASSERT_TRUE(http::CertNotAfter(Data(ca_, "ca.crt"), &not_after).ok());
  EXPECT_NEAR(Days(not_after - now_), 5 * 365, 0.01);
  // The serving certificate renews first: 60 days after issue.
  EXPECT_GT(first_.next_change, now_ + 59 * kDay);
  EXPECT_LT(first_.next_change, now_ + 61 * kDay);
}

TEST_F(EngineCertsTest, PlanOfWhatItWroteWritesNothing) {
  EngineCertPlan again = Plan(ca_, tls_, now_);
  EXPECT_FALSE(again.changed()) << again.Reason();
  EXPECT_EQ(again.Reason(), "");
  EXPECT_EQ(again.ca_bundle_pem, first_.ca_bundle_pem);
  again = Plan(ca_, tls_, now_ + 59 * kDay);
  EXPECT_FALSE(again.changed()) << again.Reason();
}

TEST_F(EngineCertsTest, ServingCertificateRenewsWithAThirdLeft) {
  EngineCertPlan later = Plan(ca_, tls_, now_ + 61 * kDay);
  EXPECT_FALSE(later.ca.has_value());
  ASSERT_TRUE(later.serving.has_value());
  EXPECT_NE(later.serving->reason.find("the certificate expires at"), std::string::npos)
      << later.serving->reason;
  EXPECT_NE(Data(later.serving->object, "tls.crt"), Data(tls_, "tls.crt"));
  EXPECT_NE(Data(later.serving->object, "tls.key"), Data(tls_, "tls.key"));
  EXPECT_FALSE(Plan(ca_, later.serving->object, now_ + 61 * kDay).changed());

  EngineCertPlan expired = Plan(ca_, tls_, now_ + 91 * kDay);
  ASSERT_TRUE(expired.serving.has_value());
  EXPECT_NE(expired.serving->reason.find("expired at"), std::string::npos);
}

TEST_F(EngineCertsTest, CaRotationOverlapsThenDropsTheOldCa) {
  const auto t1 = now_ + 4 * kYear;  // less than a third of five years left
  EngineCertPlan rot = Plan(ca_, tls_, t1);
  ASSERT_TRUE(rot.ca.has_value());
  EXPECT_TRUE(rot.ca_rotated);
  EXPECT_NE(rot.ca->reason.find("rotated to a new CA"), std::string::npos) << rot.ca->reason;
  const std::string old_ca = Data(ca_, "ca.crt");
  const std::string new_ca = Data(rot.ca->object, "ca.crt");
  EXPECT_NE(new_ca, old_ca);
  EXPECT_EQ(Data(rot.ca->object, "previous-ca.crt"), old_ca);
  EXPECT_EQ(CertCount(rot.ca_bundle_pem), 2u);
  EXPECT_NE(rot.ca_bundle_pem.find(old_ca), std::string::npos);
  EXPECT_NE(rot.ca_bundle_pem.find(new_ca), std::string::npos);
  // The serving certificate moves to the new CA at once.
  ASSERT_TRUE(rot.serving.has_value());
  EXPECT_NE(rot.serving->reason.find("not signed by the current CA"), std::string::npos)
      << rot.serving->reason;
  EXPECT_EQ(Data(rot.serving->object, "ca.crt"), new_ca);
  EXPECT_LE(rot.next_change, t1 + 7 * kDay);

  // During the overlap: stable, both CAs trusted.
  EngineCertPlan during = Plan(rot.ca->object, rot.serving->object, t1 + 3 * kDay);
  EXPECT_FALSE(during.changed()) << during.Reason();
  EXPECT_EQ(CertCount(during.ca_bundle_pem), 2u);

  // After it: the old CA goes; nothing else changes.
  EngineCertPlan after = Plan(rot.ca->object, rot.serving->object, t1 + 8 * kDay);
  ASSERT_TRUE(after.ca.has_value());
  EXPECT_FALSE(after.ca_rotated);
  EXPECT_NE(after.ca->reason.find("overlap"), std::string::npos) << after.ca->reason;
  EXPECT_FALSE(after.ca->object["data"].contains("previous-ca.crt"));
  EXPECT_EQ(Data(after.ca->object, "ca.crt"), new_ca);
  EXPECT_EQ(after.ca_bundle_pem, new_ca);
  EXPECT_FALSE(after.serving.has_value());
  EXPECT_FALSE(Plan(after.ca->object, rot.serving->object, t1 + 8 * kDay).changed());
}

TEST_F(EngineCertsTest, ForeignKeyIsReplaced) {
  http::KeyPair other_ca, other;
  ASSERT_TRUE(http::MakeCa("other", kYear, &other_ca).ok());
  http::CertRequest req;
  req.common_name = "fedra-engine.fedra-system.svc";
  req.dns_names = ServingDnsNames(Svc(), options_);
  ASSERT_TRUE(http::IssueCert(other_ca, req, &other).ok());

  Json tampered = tls_;
  SetData(&tampered, "tls.key", other.key_pem);
  EngineCertPlan p = Plan(ca_, tampered, now_);
  ASSERT_TRUE(p.serving.has_value());
  EXPECT_FALSE(p.ca.has_value());
  EXPECT_NE(p.serving->reason.find("data[tls.key] does not match data[tls.crt]"),
            std::string::npos)
      << p.serving->reason;

  tampered = tls_;
  SetData(&tampered, "tls.crt", other.cert_pem);
  SetData(&tampered, "tls.key", other.key_pem);
  p = Plan(ca_, tampered, now_);
  ASSERT_TRUE(p.serving.has_value());
  EXPECT_NE(p.serving->reason.find("not signed by the current CA"), std::string::npos)
      << p.serving->reason;
  EXPECT_FALSE(Plan(ca_, p.serving->object, now_).changed());
}

TEST_F(EngineCertsTest, MalformedSecretsAreReplacedWithAReason) {
  struct Case {
    std::string name;
    Json tls;
    std::string want;
  };
  Json bad_b64 = tls_;
  bad_b64["data"]["tls.crt"] = "not base64!";
  Json not_pem = tls_;
  SetData(&not_pem, "tls.crt", "hello");
  Json no_key = tls_;
  no_key["data"].erase("tls.key");
  Json bad_key = tls_;
  SetData(&bad_key, "tls.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  Json no_data = tls_;
  no_data.erase("data");
  const Case cases[] = {
      {"base64", bad_b64, "data[tls.crt] is not valid base64"},
      {"pem", not_pem, "data[tls.crt] is not a PEM certificate"},
      {"key missing", no_key, "data[tls.key] is missing"},
      {"key not pem", bad_key, "data[tls.key] is not a PEM private key"},
      {"no data", no_data, "has no data"},
      {"string", Json("x"), "is not an object"},
  };
  for (const Case& c : cases) {
    EngineCertPlan p = Plan(ca_, c.tls, now_);
    ASSERT_TRUE(p.serving.has_value()) << c.name;
    EXPECT_FALSE(p.ca.has_value()) << c.name;
    EXPECT_NE(p.serving->reason.find(c.want), std::string::npos)
        << c.name << ": " << p.serving->reason;
    EXPECT_NE(p.serving->reason.find("issued a new certificate"), std::string::npos) << c.name;
  }
}

TEST_F(EngineCertsTest, BrokenCaIsReplacedWithoutOverlap) {
  http::KeyPair other;
  ASSERT_TRUE(http::MakeCa("other", kYear, &other).ok());
  Json broken = ca_;
  SetData(&broken, "ca.key", other.key_pem);
  EngineCertPlan p = Plan(broken, tls_, now_);
  ASSERT_TRUE(p.ca.has_value());
  EXPECT_NE(p.ca->reason.find("data[ca.key] does not match data[ca.crt]"), std::string::npos)
      << p.ca->reason;
  EXPECT_FALSE(p.ca_rotated);
  EXPECT_EQ(CertCount(p.ca_bundle_pem), 1u);
  EXPECT_FALSE(p.ca->object["data"].contains("previous-ca.crt"));
  ASSERT_TRUE(p.serving.has_value());  // it was signed by the CA being replaced

  // A leaf certificate where the CA belongs.
  Json leaf = ca_;
  SetData(&leaf, "ca.crt", Data(tls_, "tls.crt"));
  SetData(&leaf, "ca.key", Data(tls_, "tls.key"));
  p = Plan(leaf, tls_, now_);
  ASSERT_TRUE(p.ca.has_value());
  EXPECT_NE(p.ca->reason.find("not a CA certificate"), std::string::npos) << p.ca->reason;
}

TEST_F(EngineCertsTest, MissingNamesAndStaleFieldsAreRewritten) {
  options_.extra_ip_addresses = {"127.0.0.1"};
  options_.extra_dns_names = {"engine.example"};
  EngineCertPlan p = Plan(ca_, tls_, now_);
  ASSERT_TRUE(p.serving.has_value());
  EXPECT_NE(p.serving->reason.find("does not name engine.example"), std::string::npos)
      << p.serving->reason;
  Json with_names = p.serving->object;
  EXPECT_FALSE(Plan(ca_, with_names, now_).changed());
  options_.extra_ip_addresses = {"127.0.0.1", "10.0.0.7"};
  p = Plan(ca_, with_names, now_);
  ASSERT_TRUE(p.serving.has_value());
  EXPECT_NE(p.serving->reason.find("does not name IP 10.0.0.7"), std::string::npos)
      << p.serving->reason;

  // Fields around a good certificate: rewritten, the certificate kept.
  options_ = EngineCertOptions();
  Json unlabelled = ca_;
  unlabelled["metadata"].erase("labels");
  p = Plan(unlabelled, tls_, now_);
  ASSERT_TRUE(p.ca.has_value());
  EXPECT_EQ(Data(p.ca->object, "ca.crt"), Data(ca_, "ca.crt"));
  EXPECT_FALSE(p.serving.has_value());

  Json opaque = tls_;
  opaque["type"] = "Opaque";
  p = Plan(ca_, opaque, now_);
  ASSERT_TRUE(p.serving.has_value());
  EXPECT_TRUE(p.serving->recreate);
  EXPECT_EQ(Data(p.serving->object, "tls.crt"), Data(tls_, "tls.crt"));

  Json stale_ca = tls_;
  SetData(&stale_ca, "ca.crt", "old");
  p = Plan(ca_, stale_ca, now_);
  ASSERT_TRUE(p.serving.has_value());
  EXPECT_NE(p.serving->reason.find("data[ca.crt] is not the current CA"), std::string::npos);
  EXPECT_EQ(Data(p.serving->object, "ca.crt"), Data(ca_, "ca.crt"));
}

TEST(EngineCertsOptionsTest, BadOptionsAreRejected) {
  EngineCertPlan p;
  EngineCertOptions o;
  o.renew_fraction = 1.5;
  Status s = PlanEngineCerts(Json(), Json(), Svc(), Clock::now(), o, &p);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("renew_fraction"), std::string::npos) << s.ToString();
  o = EngineCertOptions();
  o.extra_ip_addresses = {"localhost"};
  s = PlanEngineCerts(Json(), Json(), Svc(), Clock::now(), o, &p);
  EXPECT_NE(s.ToString().find("\"localhost\" is not an IP"), std::string::npos) << s.ToString();
  policy::EngineService nameless;
  nameless.name = "";
  s = PlanEngineCerts(Json(), Json(), nameless, Clock::now(), EngineCertOptions(), &p);
  EXPECT_FALSE(s.ok());
}

}  // namespace
}  // namespace fedra::op::reconcilers
