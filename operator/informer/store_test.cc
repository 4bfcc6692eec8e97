#include "operator/informer/store.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace fedra::op::informer {
namespace {

ObjectPtr Obj(const std::string& ns, const std::string& name, const std::string& rv,
              nlohmann::json labels = nlohmann::json::object()) {
  nlohmann::json o = {{"metadata", {{"name", name}, {"resourceVersion", rv}, {"labels", labels}}}};
  if (!ns.empty()) o["metadata"]["namespace"] = ns;
  return std::make_shared<const nlohmann::json>(std::move(o));
}

std::vector<std::string> Names(const std::vector<ObjectPtr>& objs) {
  std::vector<std::string> out;
  for (const auto& o : objs) out.push_back((*o)["metadata"]["name"].get<std::string>());
  return out;
}

TEST(StoreTest, KeysFollowClientGo) {
  EXPECT_EQ(KeyOf(*Obj("ns", "a", "1")), "ns/a");
  EXPECT_EQ(KeyOf(*Obj("", "node-1", "1")), "node-1");
  EXPECT_EQ(KeyOf(nlohmann::json::object()), "");
  EXPECT_EQ(KeyOf(nlohmann::json{{"metadata", {{"name", 5}}}}), "");
  EXPECT_EQ(KeyOf(nlohmann::json::array()), "");
  EXPECT_EQ(ResourceVersionOf(*Obj("ns", "a", "42")), "42");
}

TEST(StoreTest, UpsertGetRemove) {
  Store s;
  Delta d;
  ASSERT_TRUE(s.Upsert(Obj("ns", "a", "1"), &d));
  EXPECT_EQ(d.type, Delta::kAdded);
  ASSERT_TRUE(s.Upsert(Obj("ns", "a", "2"), &d));
  EXPECT_EQ(d.type, Delta::kUpdated);
  EXPECT_EQ(ResourceVersionOf(*d.old_object), "1");
  EXPECT_EQ(ResourceVersionOf(*d.new_object), "2");
  EXPECT_EQ(ResourceVersionOf(*s.Get("ns/a")), "2");
  EXPECT_EQ(ResourceVersionOf(*s.Get("ns", "a")), "2");
  EXPECT_EQ(s.Get("other/a"), nullptr);
  EXPECT_FALSE(s.Upsert(std::make_shared<const nlohmann::json>(nlohmann::json{{"kind", "X"}}), &d));
  EXPECT_FALSE(s.Upsert(nullptr, &d));

  ObjectPtr held = s.Get("ns/a");
  ASSERT_TRUE(s.Remove("ns/a", Obj("ns", "a", "3"), &d));
  EXPECT_EQ(d.type, Delta::kDeleted);
  EXPECT_EQ(ResourceVersionOf(*d.old_object), "3") << "the watch's final state";
  EXPECT_FALSE(s.Remove("ns/a", nullptr, &d));
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(ResourceVersionOf(*held), "2") << "readers keep what they got";
}

TEST(StoreTest, NamespaceAndLabelIndexesFollowUpdates) {
  Store s;
  Delta d;
  s.Upsert(Obj("a", "x", "1", {{"app", "web"}, {"tier", "edge"}}), &d);
  s.Upsert(Obj("a", "y", "1", {{"app", "web"}}), &d);
  s.Upsert(Obj("b", "z", "1", {{"app", "db"}}), &d);
  s.Upsert(Obj("", "cluster-wide", "1"), &d);
  EXPECT_EQ(Names(s.ListNamespace("a")), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(Names(s.ListMatchingLabels({{"app", "web"}})), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(Names(s.ListMatchingLabels({{"app", "web"}, {"tier", "edge"}})),
            (std::vector<std::string>{"x"}));
  EXPECT_TRUE(s.ListMatchingLabels({{"app", "nope"}}).empty());
  EXPECT_EQ(s.ListMatchingLabels({}).size(), 4u);
  // Relabel: the old index entry goes away.
  s.Upsert(Obj("a", "x", "2", {{"app", "db"}}), &d);
  EXPECT_EQ(Names(s.ListMatchingLabels({{"app", "web"}})), (std::vector<std::string>{"y"}));
  EXPECT_EQ(Names(s.ByIndex(kLabelsIndex, "app=db")), (std::vector<std::string>{"x", "z"}));
  s.Remove("b/z", nullptr, &d);
  EXPECT_EQ(s.IndexKeys(kLabelsIndex, "app=db"), (std::vector<std::string>{"a/x"}));
  EXPECT_TRUE(s.ByIndex("no-such-index", "v").empty());
}

TEST(StoreTest, CustomIndexAndOneThatThrows) {
  std::map<std::string, IndexFunc> idx;
  idx["owner"] = [](const nlohmann::json& o) {
    return std::vector<std::string>{
        o.at("spec").at("owner").get<std::string>()};  // throws if absent
  };
  Store s(idx);
  Delta d;
  auto with_owner = std::make_shared<const nlohmann::json>(nlohmann::json{
      {"metadata", {{"name", "p"}, {"resourceVersion", "1"}}}, {"spec", {{"owner", "team-a"}}}});
  ASSERT_TRUE(s.Upsert(with_owner, &d));
  ASSERT_TRUE(s.Upsert(Obj("", "no-spec", "1"), &d))
      << "a throwing index must not refuse the object";
  EXPECT_EQ(Names(s.ByIndex("owner", "team-a")), (std::vector<std::string>{"p"}));
  EXPECT_EQ(s.size(), 2u);
  auto names = s.IndexNames();
  EXPECT_EQ(names, (std::vector<std::string>{"labels", "namespace", "owner"}));
}

TEST(StoreTest, ReplaceReportsExactlyWhatChanged) {
  Store s;
  Delta d;
  s.Upsert(Obj("ns", "same", "1"), &d);
  s.Upsert(Obj("ns", "changed", "1", {{"v", "old"}}), &d);
  s.Upsert(Obj("ns", "gone", "1"), &d);
  ObjectPtr same_before = s.Get("ns/same");
  size_t skipped = 0;
  std::vector<Delta> deltas = s.Replace(
      {Obj("ns", "same", "1"), Obj("ns", "changed", "5", {{"v", "new"}}), Obj("ns", "new", "6"),
       std::make_shared<const nlohmann::json>(
           nlohmann::json{{"metadata", nlohmann::json::object()}})},
      &skipped);
  EXPECT_EQ(skipped, 1u);
  ASSERT_EQ(deltas.size(), 3u);
  int adds = 0, updates = 0, deletes = 0;
  for (const Delta& x : deltas) {
    if (x.type == Delta::kAdded) {
      ++adds;
      EXPECT_EQ(KeyOf(*x.new_object), "ns/new");
    } else if (x.type == Delta::kUpdated) {
      ++updates;
      EXPECT_EQ(KeyOf(*x.new_object), "ns/changed");
      EXPECT_EQ(ResourceVersionOf(*x.old_object), "1");
    } else {
      ++deletes;
      EXPECT_EQ(KeyOf(*x.old_object), "ns/gone");
      EXPECT_TRUE(x.final_state_unknown);
    }
  }
  EXPECT_EQ(adds + updates + deletes, 3);
  EXPECT_EQ(s.ListKeys(), (std::vector<std::string>{"ns/changed", "ns/new", "ns/same"}));
  EXPECT_EQ(s.Get("ns/same"), same_before) << "unchanged objects keep their pointer";
  EXPECT_EQ(Names(s.ListMatchingLabels({{"v", "new"}})), (std::vector<std::string>{"changed"}));
  EXPECT_TRUE(s.ListMatchingLabels({{"v", "old"}}).empty());
  EXPECT_TRUE(s.Replace({}).size() == 3u);
  EXPECT_EQ(s.size(), 0u);
}

}  // namespace
}  // namespace fedra::op::informer
