#include "policy/engine_status.h"

#include <gtest/gtest.h>

namespace fedra::policy {
namespace {

TEST(EngineStatusTest, ParseTime) {
  EXPECT_EQ(ParseTimeMillis("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseTimeMillis("2026-11-28T09:00:00Z"), 1795856400000);
  EXPECT_EQ(ParseTimeMillis("2026-11-28T09:00:00.123456789Z"), 1795856400123);
  EXPECT_EQ(ParseTimeMillis("2026-11-28T10:00:00+01:00"), 1795856400000);
  EXPECT_EQ(ParseTimeMillis("2026-11-28T08:30:00.5-00:30"), 1795856400500);
  for (const char* bad :
       {"", "2026-11-28", "2026-11-28T09:00:00", "2026-13-28T09:00:00Z", "2026-11-28T09:00:00.Z",
        "2026-11-28T09:00:00Zx", "x026-11-28T09:00:00Z", "2026-11-28T09:00:00+0100"}) {
    EXPECT_EQ(ParseTimeMillis(bad), -1) << bad;
  }
}

BundleIndex Index() {
  return {{"b1", {{"labels", "r-labels-1"}, {"images", "r-images-1"}}},
          {"b2", {{"labels", "r-labels-2"}}}};
}

TEST(EngineStatusTest, DecodesFedraEngineReports) {
  // The shape engine/server/status_report.cc sends.
  Json report = Json::parse(R"({
    "labels": {"id": "engine-7", "app": "fedra-engine", "cluster": "edge-1", "tier": "edge"},
    "bundles": {"fedra": {"name": "fedra", "active_revision": "b1",
                          "last_successful_activation": "2026-11-28T09:00:00.250Z"}},
    "fedra": {"revision": "x", "policies": ["images", "labels"]}})");
  EngineIdentity who;
  EngineReport r;
  Status s = DecodeEngineStatus(report, "fedra", Index(), &who, &r);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(who.id, "engine-7");
  EXPECT_EQ(who.cluster, "edge-1");
  EXPECT_EQ(who.tier, "edge");
  EXPECT_EQ(r.id, "engine-7");
  EXPECT_TRUE(r.healthy);
  EXPECT_EQ(r.active.at("labels"), "r-labels-1");
  EXPECT_EQ(r.activated_at_millis, 1795856400250);
}

TEST(EngineStatusTest, ErrorsUnknownBundlesAndMalformedReports) {
  Json report = Json::parse(R"({"labels": {"id": "e"},
    "bundles": {"fedra": {"active_revision": "b2", "code": "bundle_error",
                          "message": "fedra/policies/x/main.rego:3:1: rego_parse_error"}}})");
  EngineIdentity who;
  EngineReport r;
  ASSERT_TRUE(DecodeEngineStatus(report, "fedra", Index(), &who, &r).ok());
  EXPECT_FALSE(r.healthy);  // the old bundle stays active, the new one failed
  EXPECT_EQ(r.active.at("labels"), "r-labels-2");
  EXPECT_NE(r.message.find("main.rego:3:1"), std::string::npos);

  report["bundles"]["fedra"] = {{"active_revision", "unknown"}};
  ASSERT_TRUE(DecodeEngineStatus(report, "fedra", Index(), &who, &r).ok());
  EXPECT_TRUE(r.healthy);
  EXPECT_TRUE(r.active.empty());

  report.erase("bundles");
  ASSERT_TRUE(DecodeEngineStatus(report, "fedra", Index(), &who, &r).ok());
  EXPECT_FALSE(r.healthy);
  EXPECT_EQ(r.message, "no bundle \"fedra\" reported");

  struct Case {
    const char* json;
    const char* want;
  } bad[] = {
      {R"([])", "$: expected an object"},
      {R"({"labels": {}})", "labels.id: required"},
      {R"({"labels": {"id": 7}})", "labels.id: expected a string"},
      {R"({"labels": {"id": "e"}, "bundles": {"fedra": {"active_revision": 1}}})",
       "bundles.fedra.active_revision: expected a string"},
      {R"({"labels": {"id": "e"}, "bundles": {"fedra": {"last_successful_activation": "yesterday"}}})",
       "bundles.fedra.last_successful_activation: \"yesterday\" is not an RFC 3339 time"},
  };
  for (const Case& c : bad) {
    Status s = DecodeEngineStatus(Json::parse(c.json), "fedra", Index(), &who, &r);
    EXPECT_EQ(s.message(), c.want) << c.json;
  }
}

}  // namespace
}  // namespace fedra::policy
