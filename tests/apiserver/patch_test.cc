#include "tests/apiserver/patch.h"

#include <gtest/gtest.h>

#include "tests/apiserver/managed_fields.h"

namespace fedra::apiserver {
namespace {

TEST(PatchTest, MergePatchFollowsRfc7386) {
  json target = json::parse(R"({"a":"b","c":{"d":"e","f":"g"},"l":[1,2]})");
  MergePatch(&target, json::parse(R"({"a":"z","c":{"f":null},"l":[3]})"));
  EXPECT_EQ(target, json::parse(R"({"a":"z","c":{"d":"e"},"l":[3]})"));
}

TEST(PatchTest, JsonPatchAppliesOperationsAndNamesTheFailingOne) {
  json target = json::parse(R"({"spec":{"size":1,"tags":["a"]}})");
  ASSERT_TRUE(JsonPatch(&target, json::parse(R"([
    {"op":"test","path":"/spec/size","value":1},
    {"op":"replace","path":"/spec/size","value":2},
    {"op":"add","path":"/spec/tags/-","value":"b"}])")).ok());
  EXPECT_EQ(target["spec"]["size"], 2);
  EXPECT_EQ(target["spec"]["tags"], json::parse(R"(["a","b"])"));
  ApiError err = JsonPatch(&target, json::parse(R"([
    {"op":"replace","path":"/spec/size","value":3},
    {"op":"test","path":"/spec/size","value":99}])"));
  EXPECT_EQ(err.code(), 422);
  EXPECT_NE(err.message().find("operation 1 (test)"), std::string::npos);
  EXPECT_EQ(JsonPatch(&target, json::object()).code(), 400);
}

TEST(PatchTest, JsonPatchCopiesCannotGrowWithoutBound) {
  json doubling = json::array();
  for (int i = 0; i < 40; ++i) {
    doubling.push_back({{"op", "copy"}, {"from", ""}, {"path", "/k" + std::to_string(i)}});
  }
  json target = json::parse(R"({"a":[1,2,3,4,5,6,7,8]})");
  ApiError err = JsonPatch(&target, doubling);
  EXPECT_EQ(err.code(), 422);
  EXPECT_NE(err.message().find("too large or too deep"), std::string::npos);
  json deepening = json::array();
  std::string path;
  for (int i = 0; i < 80; ++i) {
    path += "/d";
    deepening.push_back({{"op", "add"}, {"path", path}, {"value", json::object()}});
  }
  target = json::object();
  EXPECT_EQ(JsonPatch(&target, deepening).code(), 422);
  json many = json::array();
  for (int i = 0; i < 10001; ++i) many.push_back({{"op", "test"}, {"path", ""}, {"value", 1}});
  EXPECT_EQ(JsonPatch(&target, many).code(), 422);
}

TEST(PatchTest, StrategicMergeMergesContainersByNameAndFinalizersAsSets) {
  json pod = json::parse(R"({
    "metadata":{"finalizers":["a"]},
    "spec":{"containers":[{"name":"app","image":"v1","env":[{"name":"X","value":"1"}]},
                          {"name":"side","image":"s1"}]}})");
  StrategicMergePatch(&pod, json::parse(R"({
    "metadata":{"finalizers":["b"]},
    "spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"side"}],
            "containers":[{"name":"app","image":"v2","env":[{"name":"Y","value":"2"}]},
                          {"name":"side","$patch":"delete"},
                          {"name":"new","image":"n1"}]}})"));
  EXPECT_EQ(pod["metadata"]["finalizers"], json::parse(R"(["a","b"])"));
  const json& cs = pod["spec"]["containers"];
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_EQ(cs[0]["image"], "v2");
  EXPECT_EQ(cs[0]["env"].size(), 2u);
  EXPECT_EQ(cs[1]["name"], "new");
  EXPECT_FALSE(pod["spec"].contains("$setElementOrder/containers"));
  StrategicMergePatch(&pod, json::parse(R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}})"));
  EXPECT_EQ(pod["metadata"]["finalizers"], json::parse(R"(["b"])"));
  StrategicMergePatch(&pod, json::parse(R"({"spec":{"$patch":"replace","containers":[]}})"));
  EXPECT_EQ(pod["spec"], json::parse(R"({"containers":[]})"));
}

TEST(ManagedFieldsTest, FieldsV1RoundTrips) {
  json obj = json::parse(R"({"apiVersion":"v1","kind":"ConfigMap",
    "metadata":{"name":"x","labels":{"a":"1"},"resourceVersion":"5"},"data":{"k":"v","e":{}}})");
  FieldSet fields = LeafFields(obj);
  EXPECT_EQ(fields.size(), 3u);  // labels.a, data.k, data.e
  json v1 = FieldsToV1(fields);
  EXPECT_EQ(v1, json::parse(R"({"f:data":{"f:e":{},"f:k":{}},"f:metadata":{"f:labels":{"f:a":{}}}})"));
  EXPECT_EQ(FieldsFromV1(v1), fields);
}

TEST(ManagedFieldsTest, ApplyConflictsForceAndRemoval) {
  ApplyRequest a{"alice", false, "example.com/v1", "", "example.com", "widgets", "w"};
  json cfg = json::parse(R"({"apiVersion":"example.com/v1","kind":"Widget",
    "metadata":{"name":"w"},"spec":{"size":1,"color":"red"}})");
  json v1;
  ASSERT_TRUE(ServerSideApply(json(), cfg, a, &v1).ok());
  EXPECT_EQ(v1["spec"]["size"], 1);
  ASSERT_EQ(v1["metadata"]["managedFields"].size(), 1u);
  EXPECT_EQ(v1["metadata"]["managedFields"][0]["manager"], "alice");
  EXPECT_EQ(v1["metadata"]["managedFields"][0]["operation"], "Apply");

  // Bob applies a different size: a conflict naming alice and the field.
  ApplyRequest b = a;
  b.manager = "bob";
  json bob_cfg = cfg;
  bob_cfg["spec"] = {{"size", 2}};
  json v2;
  ApiError err = ServerSideApply(v1, bob_cfg, b, &v2);
  ASSERT_EQ(err.code(), 409);
  EXPECT_EQ(err.message(), "Apply failed with 1 conflict: conflict with \"alice\" using example.com/v1: .spec.size");
  EXPECT_EQ(err.ToStatus()["details"]["causes"][0]["reason"], "FieldManagerConflict");
  EXPECT_EQ(err.ToStatus()["details"]["causes"][0]["field"], ".spec.size");
  // The same value is shared ownership, not a conflict.
  bob_cfg["spec"] = {{"size", 1}};
  ASSERT_TRUE(ServerSideApply(v1, bob_cfg, b, &v2).ok());
  // Forced, bob takes the field over.
  bob_cfg["spec"] = {{"size", 3}};
  b.force = true;
  json v3;
  ASSERT_TRUE(ServerSideApply(v2, bob_cfg, b, &v3).ok());
  EXPECT_EQ(v3["spec"]["size"], 3);
  // Alice stops applying color: it is removed (nobody else owns it).
  json alice_cfg = cfg;
  alice_cfg["spec"] = json::object();
  alice_cfg["spec"]["size"] = 3;
  json v4;
  ASSERT_TRUE(ServerSideApply(v3, alice_cfg, a, &v4).ok());
  EXPECT_FALSE(v4["spec"].contains("color"));
  EXPECT_EQ(v4["spec"]["size"], 3);
}

TEST(ManagedFieldsTest, UpdatesTakeOwnershipOfChangedFields) {
  ApplyRequest a{"alice", false, "v1", "", "", "configmaps", "c"};
  json cfg = json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"k":"1"}})");
  json v1;
  ASSERT_TRUE(ServerSideApply(json(), cfg, a, &v1).ok());
  json v2 = v1;
  v2["data"]["k"] = "2";
  TrackUpdate(v1, &v2, "editor", "v1", "");
  const json& mf = v2["metadata"]["managedFields"];
  ASSERT_EQ(mf.size(), 1u);  // alice lost her only field
  EXPECT_EQ(mf[0]["manager"], "editor");
  EXPECT_EQ(mf[0]["operation"], "Update");
  // Now alice's apply of the old value conflicts with the editor.
  json v3;
  ApiError err = ServerSideApply(v2, cfg, a, &v3);
  EXPECT_EQ(err.code(), 409);
  EXPECT_NE(err.message().find("\"editor\""), std::string::npos);
}

}  // namespace
}  // namespace fedra::apiserver
