#include "server/store.h"

#include <gtest/gtest.h>

#include <thread>

#include "server/metrics.h"
#include "value/json.h"

namespace fedra::server {
namespace {

Value J(std::string_view text) {
  Value v;
  EXPECT_TRUE(ParseJson(text, &v).ok()) << text;
  return v;
}

TEST(DataPathTest, SetGetRemoveAndMerge) {
  Value root = J(R"({"a":{"b":1}})");
  Value out;
  ASSERT_TRUE(SetPath(root, {"a", "c", "d"}, J("2"), &out).ok());
  EXPECT_EQ(ToJson(out), R"({"a":{"b":1,"c":{"d":2}}})");
  EXPECT_EQ(GetPath(out, {"a", "c", "d"}), J("2"));
  EXPECT_TRUE(GetPath(out, {"a", "x"}).is_undefined());
  Status s = SetPath(out, {"a", "b", "z"}, J("3"), &out);
  EXPECT_NE(s.message().find("/a/b"), std::string::npos) << s.ToString();
  ASSERT_TRUE(RemovePath(root, {"a", "b"}, &out).ok());
  EXPECT_EQ(ToJson(out), R"({"a":{}})");
  EXPECT_EQ(RemovePath(root, {"a", "zz"}, &out).code(), StatusCode::kNotFound);
  EXPECT_EQ(ToJson(MergeData(J(R"({"a":{"b":1,"c":2},"x":1})"), J(R"({"a":{"c":3},"y":2})"))),
            R"({"a":{"b":1,"c":3},"x":1,"y":2})");
  EXPECT_EQ(SplitPath("/a/b%2Fc//d/"), (std::vector<std::string>{"a", "b/c", "d"}));
}

TEST(PolicyStoreTest, StartsEmptyAndServesApiModulesAndData) {
  PolicyStore store;
  auto first = store.Current();
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->source, "none");
  EXPECT_TRUE(first->revision->policies().empty());

  ASSERT_TRUE(store.PutModule("authz", "package authz\nallow if input.user in data.admins").ok());
  ASSERT_TRUE(store.PutData({"admins"}, J(R"(["alice"])")).ok());
  auto active = store.Current();
  EXPECT_GT(active->generation, first->generation);
  std::shared_ptr<const PreparedQuery> q;
  ASSERT_TRUE(active->Query({"authz", "allow"}, &q).ok());
  EvalOptions o;
  o.input = J(R"({"user":"alice"})");
  ResultSet rs;
  ASSERT_TRUE(active->revision->policy_set()->Eval(*q, o, &rs).ok());
  ASSERT_EQ(rs.results.size(), 1u);
  EXPECT_TRUE(rs.results[0].expressions[0].value.is_true());
  // The same path asked again reuses the prepared query.
  std::shared_ptr<const PreparedQuery> again;
  ASSERT_TRUE(active->Query({"authz", "allow"}, &again).ok());
  EXPECT_EQ(q.get(), again.get());
}

TEST(PolicyStoreTest, AChangeThatDoesNotCompileLeavesEverythingAsItWas) {
  PolicyStore store;
  ASSERT_TRUE(store.PutModule("a", "package a\nx := 1").ok());
  auto before = store.Current();
  Status s = store.PutModule("a", "package a\nx := ");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(store.Current(), before);
  EXPECT_EQ(store.Modules().at("a"), "package a\nx := 1");
  // A call to a function nobody defines fails to compile: refused.
  s = store.PutModule("b", "package b\ny := no_such_function(1)");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(store.Modules().count("b"), 0u);
  EXPECT_EQ(store.DeleteModule("nope").code(), StatusCode::kNotFound);
}

TEST(PolicyStoreTest, BaseSourceOwnsItsDataAndActivationsAreReported) {
  PolicyStore store;
  std::vector<Activation> seen;
  store.OnActivation([&](const Activation& a) { seen.push_back(a); });
  admission::PolicySource src;
  src.data = J(R"({"inventory":{"ns":["a"]}})");
  src.modules.push_back(admission::PolicyModule{"m.rego", "package m\nn := count(data.inventory.ns)"});
  ASSERT_TRUE(store.SetDirSource(src).ok());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(seen[0].ok);
  EXPECT_EQ(seen[0].source, "dir");
  EXPECT_FALSE(store.PutData({"inventory", "ns"}, J("[]")).ok());
  EXPECT_FALSE(store.PutData({}, J("{}")).ok()) << "the root overlaps every owned path";
  EXPECT_TRUE(store.PutData({"other"}, J("1")).ok());
  EXPECT_EQ(GetPath(store.Current()->revision->data(), {"other"}), J("1"));

  src.modules[0].rego = "package m\nn := ";
  EXPECT_FALSE(store.SetDirSource(src).ok());
  EXPECT_FALSE(seen.back().ok);
  EXPECT_EQ(store.Current()->source, "dir");
  EXPECT_EQ(GetPath(store.Current()->revision->data(), {"other"}), J("1"))
      << "API data survives a rejected base change";
}

TEST(PolicyStoreTest, ReadersNeverSeeAHalfBuiltRevision) {
  PolicyStore store;
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    while (!stop.load()) {
      auto a = store.Current();
      if (a == nullptr || a->revision == nullptr || a->revision->policy_set() == nullptr) bad++;
    }
  });
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(store.PutData({"n"}, Value::Int(i)).ok());
  }
  stop = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(GetPath(store.Current()->revision->data(), {"n"}), Value::Int(49));
}

TEST(MetricsTest, RendersPrometheusText) {
  Metrics m;
  m.ObserveRequest("/v1/admit", "POST", 200, std::chrono::microseconds(300));
  m.ObserveRequest("/v1/admit", "POST", 200, std::chrono::milliseconds(2));
  m.ObservePolicy("needs \"quotes\"", "denied", std::chrono::microseconds(5));
  m.SetGauge("fedra_test_gauge", "A gauge.", [] { return 42.0; });
  std::string text = m.Render();
  EXPECT_NE(text.find("# TYPE fedra_http_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("fedra_http_requests_total{route=\"/v1/admit\",method=\"POST\",code=\"200\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("fedra_http_request_duration_seconds_bucket{route=\"/v1/admit\",le=\"0.0005\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("fedra_http_request_duration_seconds_bucket{route=\"/v1/admit\",le=\"+Inf\"} 2"),
            std::string::npos);
  EXPECT_NE(text.find("fedra_http_request_duration_seconds_count{route=\"/v1/admit\"} 2"), std::string::npos);
  EXPECT_NE(text.find("policy=\"needs \\\"quotes\\\"\""), std::string::npos) << text;
  EXPECT_NE(text.find("fedra_test_gauge 42"), std::string::npos);
}

}  // namespace
}  // namespace fedra::server
