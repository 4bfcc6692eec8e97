#include "tests/apiserver/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "tests/apiserver/json_util.h"

namespace fedra::apiserver {
namespace {

class RecordingSink : public WatchSink {
 public:
  bool Send(const json& event) override {
    events.push_back(event);
    return true;
  }
  void Close() override { closed = true; }
  std::vector<json> events;
  bool closed = false;
};

json ConfigMap(const std::string& name, json labels = json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", "default"}, {"labels", labels}}},
          {"data", {{"k", "v"}}}};
}

class StoreTest : public ::testing::Test {
 protected:
  Store store_{StoreOptions{8}};
  ResourcePtr cm_ = store_.Resolve("", "v1", "configmaps");
  ResourcePtr lease_ = store_.Resolve("coordination.k8s.io", "v1", "leases");
};

TEST_F(StoreTest, CreateSetsMetadataAndRejectsDuplicates) {
  json out;
  ASSERT_TRUE(store_.Create(*cm_, ConfigMap("a"), {}, &out).ok());
  EXPECT_EQ(out["metadata"]["uid"].get<std::string>().size(), 36u);
  EXPECT_FALSE(out["metadata"]["creationTimestamp"].get<std::string>().empty());
  EXPECT_EQ(out["metadata"]["resourceVersion"], std::to_string(store_.resource_version()));
  ApiError dup = store_.Create(*cm_, ConfigMap("a"), {}, &out);
  EXPECT_EQ(dup.code(), 409);
  EXPECT_EQ(dup.reason(), "AlreadyExists");
  EXPECT_EQ(dup.message(), "configmaps \"a\" already exists");
}

TEST_F(StoreTest, NamespaceMustExistAndNamesAreChecked) {
  json obj = ConfigMap("a");
  obj["metadata"]["namespace"] = "nope";
  json out;
  ApiError err = store_.Create(*cm_, obj, {}, &out);
  EXPECT_EQ(err.code(), 404);
  EXPECT_EQ(err.message(), "namespaces \"nope\" not found");
  err = store_.Create(*cm_, ConfigMap("Bad_Name"), {}, &out);
  EXPECT_EQ(err.code(), 422);
  EXPECT_EQ(err.ToStatus()["details"]["causes"][0]["field"], "metadata.name");
}

TEST_F(StoreTest, StaleUpdateConflictsAndGenerationCountsSpecOnly) {
  json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                {"kind", "Lease"},
                {"metadata", {{"name", "l"}, {"namespace", "default"}}},
                {"spec", {{"holderIdentity", "a"}}}};
  json v1;
  ASSERT_TRUE(store_.Create(*lease_, lease, {}, &v1).ok());
  EXPECT_EQ(v1["metadata"]["generation"], 1);
  json change = v1;
  change["spec"]["holderIdentity"] = "b";
  json v2;
  ASSERT_TRUE(store_.Update(*lease_, change, {}, &v2).ok());
  EXPECT_EQ(v2["metadata"]["generation"], 2);
  // A stale resourceVersion loses.
  ApiError err = store_.Update(*lease_, change, {}, &v2);
  EXPECT_EQ(err.code(), 409);
  EXPECT_EQ(err.reason(), "Conflict");
  EXPECT_NE(err.message().find("the object has been modified"), std::string::npos);
  // Metadata changes do not bump generation.
  json labelled = v2;
  labelled["metadata"]["labels"] = {{"x", "y"}};
  json v3;
  ASSERT_TRUE(store_.Update(*lease_, labelled, {}, &v3).ok());
  EXPECT_EQ(v3["metadata"]["generation"], 2);
  EXPECT_NE(v3["metadata"]["resourceVersion"], v2["metadata"]["resourceVersion"]);
}

TEST_F(StoreTest, FinalizersHoldDeletionUntilRemoved) {
  json obj = ConfigMap("f");
  obj["metadata"]["finalizers"] = {"example.com/hold"};
  json out;
  ASSERT_TRUE(store_.Create(*cm_, obj, {}, &out).ok());
  json deleted;
  ASSERT_TRUE(store_.Delete(*cm_, "default", "f", {}, &deleted).ok());
  json got;
  ASSERT_TRUE(store_.Get(*cm_, "default", "f", &got).ok());
  EXPECT_TRUE(got["metadata"].contains("deletionTimestamp"));
  got["metadata"]["finalizers"] = json::array();
  ASSERT_TRUE(store_.Update(*cm_, got, {}, &out).ok());
  EXPECT_EQ(store_.Get(*cm_, "default", "f", &got).code(), 404);
}

TEST_F(StoreTest, SelectorsAndPaging) {
  json out;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_.Create(*cm_, ConfigMap("c" + std::to_string(i),
                                              {{"app", i % 2 ? "odd" : "even"}}), {}, &out).ok());
  }
  ListOptions opts;
  ASSERT_TRUE(LabelSelector::Parse("app in (odd)", &opts.labels).ok());
  json list;
  ASSERT_TRUE(store_.List(*cm_, "default", opts, &list).ok());
  EXPECT_EQ(list["items"].size(), 2u);
  ListOptions by_name;
  ASSERT_TRUE(FieldSelector::Parse("metadata.name=c3", "", "ConfigMap", &by_name.fields).ok());
  ASSERT_TRUE(store_.List(*cm_, "", by_name, &list).ok());
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["metadata"]["name"], "c3");
  EXPECT_EQ(FieldSelector::Parse("spec.x=1", "", "ConfigMap", &by_name.fields).code(), 400);

  ListOptions page;
  page.limit = 2;
  std::vector<std::string> names;
  for (int round = 0; round < 10; ++round) {
    ASSERT_TRUE(store_.List(*cm_, "default", page, &list).ok());
    for (const auto& item : list["items"]) names.push_back(item["metadata"]["name"]);
    if (!list["metadata"].contains("continue")) break;
    page.continue_token = list["metadata"]["continue"];
  }
  EXPECT_EQ(names, (std::vector<std::string>{"c0", "c1", "c2", "c3", "c4"}));
}

TEST_F(StoreTest, WatchReplaysHistoryAndExpiresOldVersions) {
  json out;
  ASSERT_TRUE(store_.Create(*cm_, ConfigMap("w0"), {}, &out).ok());
  std::string rv = out["metadata"]["resourceVersion"];
  ASSERT_TRUE(store_.Create(*cm_, ConfigMap("w1"), {}, &out).ok());
  auto sink = std::make_shared<RecordingSink>();
  WatchOptions opts;
  opts.resource_version = rv;
  uint64_t id;
  ASSERT_TRUE(store_.Watch(cm_, opts, sink, &id).ok());
  ASSERT_EQ(sink->events.size(), 1u);
  EXPECT_EQ(sink->events[0]["type"], "ADDED");
  EXPECT_EQ(sink->events[0]["object"]["metadata"]["name"], "w1");
  // History holds 8 events: push the first ones out.
  for (int i = 2; i < 12; ++i) {
    ASSERT_TRUE(store_.Create(*cm_, ConfigMap("w" + std::to_string(i)), {}, &out).ok());
  }
  EXPECT_EQ(sink->events.size(), 11u);
  auto late = std::make_shared<RecordingSink>();
  ASSERT_TRUE(store_.Watch(cm_, opts, late, &id).ok());
  ASSERT_EQ(late->events.size(), 1u);
  EXPECT_EQ(late->events[0]["type"], "ERROR");
  EXPECT_EQ(late->events[0]["object"]["code"], 410);
  EXPECT_EQ(late->events[0]["object"]["reason"], "Expired");
  EXPECT_TRUE(late->closed);
}

TEST_F(StoreTest, LabelTransitionsBecomeAddedAndDeleted) {
  json out;
  ASSERT_TRUE(store_.Create(*cm_, ConfigMap("t", {{"app", "x"}}), {}, &out).ok());
  auto sink = std::make_shared<RecordingSink>();
  WatchOptions opts;
  opts.resource_version = out["metadata"]["resourceVersion"];
  ASSERT_TRUE(LabelSelector::Parse("app=y", &opts.labels).ok());
  uint64_t id;
  ASSERT_TRUE(store_.Watch(cm_, opts, sink, &id).ok());
  out["metadata"]["labels"]["app"] = "y";
  ASSERT_TRUE(store_.Update(*cm_, out, {}, &out).ok());
  out["metadata"]["labels"]["app"] = "z";
  ASSERT_TRUE(store_.Update(*cm_, out, {}, &out).ok());
  ASSERT_EQ(sink->events.size(), 2u);
  EXPECT_EQ(sink->events[0]["type"], "ADDED");
  EXPECT_EQ(sink->events[1]["type"], "DELETED");
}

TEST_F(StoreTest, SnapshotRestoreKeepsObjectsAndVersion) {
  json out;
  ASSERT_TRUE(store_.Create(*cm_, ConfigMap("s"), {}, &out).ok());
  json snap = store_.Snapshot();
  Store other;
  ASSERT_TRUE(other.Restore(snap).ok());
  EXPECT_EQ(other.resource_version(), store_.resource_version());
  json got;
  EXPECT_TRUE(other.Get(*cm_, "default", "s", &got).ok());
  store_.Reset();
  EXPECT_EQ(store_.Get(*cm_, "default", "s", &got).code(), 404);
  EXPECT_TRUE(store_.Get(*store_.Resolve("", "v1", "namespaces"), "", "default", &got).ok());
}


TEST_F(StoreTest, GenerateNameAndNamespaceDeletionCascade) {
  ResourcePtr ns_type = store_.Resolve("", "v1", "namespaces");
  json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "doomed"}}}};
  json out;
  ASSERT_TRUE(store_.Create(*ns_type, ns, {}, &out).ok());
  EXPECT_EQ(out["status"]["phase"], "Active");
  EXPECT_EQ(out["metadata"]["labels"]["kubernetes.io/metadata.name"], "doomed");
  json cm = ConfigMap("");
  cm["metadata"].erase("name");
  cm["metadata"]["generateName"] = "gen-";
  cm["metadata"]["namespace"] = "doomed";
  ASSERT_TRUE(store_.Create(*cm_, cm, {}, &out).ok());
  std::string name = out["metadata"]["name"];
  EXPECT_EQ(name.rfind("gen-", 0), 0u);
  EXPECT_EQ(name.size(), 9u);
  ASSERT_TRUE(store_.Delete(*ns_type, "", "doomed", {}, &out).ok());
  EXPECT_EQ(store_.Get(*cm_, "doomed", name, &out).code(), 404);
  EXPECT_EQ(store_.Create(*cm_, cm, {}, &out).code(), 404);
}

TEST_F(StoreTest, DeletingACrdStopsServingAndDeletesItsObjects) {
  ResourcePtr crd_type = store_.Resolve("apiextensions.k8s.io", "v1", "customresourcedefinitions");
  json crd = json::parse(R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
    "metadata":{"name":"things.example.com"},
    "spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"things","kind":"Thing"},
      "versions":[{"name":"v1","served":true,"storage":true,
        "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}})");
  json out;
  ASSERT_TRUE(store_.Create(*crd_type, crd, {}, &out).ok());
  EXPECT_EQ(out["status"]["conditions"][1]["type"], "Established");
  ResourcePtr things = store_.Resolve("example.com", "v1", "things");
  ASSERT_TRUE(things);
  json thing = {{"apiVersion", "example.com/v1"}, {"kind", "Thing"},
                {"metadata", {{"name", "t"}, {"namespace", "default"}}}};
  ASSERT_TRUE(store_.Create(*things, thing, {}, &out).ok());
  auto sink = std::make_shared<RecordingSink>();
  WatchOptions opts;
  opts.resource_version = out["metadata"]["resourceVersion"];
  uint64_t id;
  ASSERT_TRUE(store_.Watch(things, opts, sink, &id).ok());
  ASSERT_TRUE(store_.Delete(*crd_type, "", "things.example.com", {}, &out).ok());
  EXPECT_FALSE(store_.Resolve("example.com", "v1", "things"));
  ASSERT_EQ(sink->events.size(), 1u);
  EXPECT_EQ(sink->events[0]["type"], "DELETED");
  // A CRD that breaks the rules is refused with causes.
  crd["metadata"]["name"] = "wrong.example.com";
  ApiError err = store_.Create(*crd_type, crd, {}, &out);
  EXPECT_EQ(err.code(), 422);
  EXPECT_EQ(err.ToStatus()["details"]["causes"][0]["field"], "metadata.name");
}

// A list, then a watch from the list's resourceVersion, while another thread
// writes: every object is seen exactly once.
TEST(StoreConsistencyTest, ListThenWatchMissesNothingUnderConcurrentWrites) {
  constexpr int kObjects = 300;
  Store store(StoreOptions{100000});
  ResourcePtr cm = store.Resolve("", "v1", "configmaps");
  std::atomic<int> written{0};
  std::thread writer([&] {
    json out;
    for (int i = 0; i < kObjects; ++i) {
      EXPECT_TRUE(store.Create(*cm, ConfigMap("c" + std::to_string(i)), {}, &out).ok());
      ++written;
    }
  });
  // List somewhere in the middle of the writes.
  for (int i = 0; i < 10000 && written.load() < kObjects / 3; ++i) std::this_thread::yield();
  json list;
  ASSERT_TRUE(store.List(*cm, "", {}, &list).ok());
  auto sink = std::make_shared<RecordingSink>();
  WatchOptions opts;
  opts.resource_version = list["metadata"]["resourceVersion"];
  uint64_t id;
  ApiError err = store.Watch(cm, opts, sink, &id);
  writer.join();
  ASSERT_TRUE(err.ok());
  std::multiset<std::string> seen;
  for (const json& item : list["items"]) seen.insert(item["metadata"]["name"].get<std::string>());
  for (const json& e : sink->events) {
    EXPECT_EQ(e["type"], "ADDED");
    seen.insert(e["object"]["metadata"]["name"].get<std::string>());
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kObjects));
  for (int i = 0; i < kObjects; ++i) EXPECT_EQ(seen.count("c" + std::to_string(i)), 1u) << i;
  store.CancelWatch(id);
  EXPECT_EQ(store.watch_count(), 0u);
}

}  // namespace
}  // namespace fedra::apiserver
