// The REST contract through Api::Handle, without HTTP.
#include "tests/apiserver/api.h"

#include <gtest/gtest.h>

#include "tests/apiserver/json_util.h"

namespace fedra::apiserver {
namespace {

const char kCrd[] = R"({
  "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
  "metadata": {"name": "gadgets.example.com"},
  "spec": {"group": "example.com", "scope": "Cluster",
    "names": {"plural": "gadgets", "kind": "Gadget", "shortNames": ["gd"], "categories": ["all"]},
    "versions": [{"name": "v1", "served": true, "storage": true,
      "subresources": {"status": {}},
      "additionalPrinterColumns": [{"name": "Mode", "type": "string", "jsonPath": ".spec.mode"}],
      "schema": {"openAPIV3Schema": {"type": "object", "properties": {
        "spec": {"type": "object", "properties": {
          "mode": {"type": "string", "enum": ["a", "b"], "default": "a"},
          "count": {"type": "integer", "minimum": 0}}},
        "status": {"type": "object", "properties": {"ready": {"type": "boolean"}}}}}}}]}})";

class ApiTest : public ::testing::Test {
 protected:
  ApiResponse Do(const std::string& method, const std::string& path, const std::string& body = "",
                 const std::string& content_type = "application/json",
                 std::vector<std::pair<std::string, std::string>> query = {},
                 const std::string& accept = "application/json") {
    ApiRequest r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.content_type = content_type;
    r.query = std::move(query);
    r.accept = accept;
    r.user_agent = "api_test/1.0";
    r.user = "tester";
    return api_.Handle(r);
  }
  static json Body(const ApiResponse& r) {
    json j;
    EXPECT_TRUE(ParseJsonText(r.body, &j).ok()) << r.body;
    return j;
  }
  void InstallCrd() {
    ApiResponse r = Do("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", kCrd);
    ASSERT_EQ(r.status, 201) << r.body;
  }

  Store store_;
  Api api_{&store_, nullptr, ApiOptions{"127.0.0.1:6443"}};
};

TEST_F(ApiTest, DiscoveryDocuments) {
  json api = Body(Do("GET", "/api"));
  EXPECT_EQ(api["kind"], "APIVersions");
  EXPECT_EQ(api["versions"], json::array({"v1"}));
  json v1 = Body(Do("GET", "/api/v1"));
  bool found_pods_status = false;
  for (const json& r : v1["resources"]) {
    if (r["name"] == "configmaps") {
      EXPECT_EQ(r["shortNames"], json::array({"cm"}));
      EXPECT_EQ(r["namespaced"], true);
      EXPECT_EQ(r["singularName"], "configmap");
    }
    found_pods_status = found_pods_status || r["name"] == "pods/status";
  }
  EXPECT_TRUE(found_pods_status);
  EXPECT_EQ(Do("GET", "/apis/example.com/v1").status, 404);
  InstallCrd();
  json groups = Body(Do("GET", "/apis"));
  bool found = false;
  for (const json& g : groups["groups"]) found = found || g["name"] == "example.com";
  EXPECT_TRUE(found);
  json list = Body(Do("GET", "/apis/example.com/v1"));
  ASSERT_EQ(list["resources"].size(), 2u);  // gadgets, gadgets/status
  EXPECT_EQ(list["resources"][0]["kind"], "Gadget");
  EXPECT_EQ(list["resources"][0]["namespaced"], false);
  EXPECT_EQ(list["resources"][0]["categories"], json::array({"all"}));
  json version = Body(Do("GET", "/version"));
  EXPECT_EQ(version["major"], "1");
  EXPECT_EQ(version["minor"], "32");
}

TEST_F(ApiTest, AggregatedDiscoveryWhenAskedFor) {
  InstallCrd();
  const std::string accept =
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
  ApiResponse r = Do("GET", "/apis", "", "", {}, accept);
  EXPECT_EQ(r.content_type, "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  json list = Body(r);
  EXPECT_EQ(list["kind"], "APIGroupDiscoveryList");
  json gadgets;
  for (const json& g : list["items"]) {
    if (g["metadata"].value("name", "") == "example.com") gadgets = g["versions"][0]["resources"][0];
  }
  EXPECT_EQ(gadgets["resource"], "gadgets");
  EXPECT_EQ(gadgets["scope"], "Cluster");
  EXPECT_EQ(gadgets["responseKind"]["kind"], "Gadget");
  EXPECT_EQ(gadgets["subresources"][0]["subresource"], "status");
  json core = Body(Do("GET", "/api", "", "", {}, accept));
  EXPECT_EQ(core["items"][0]["versions"][0]["version"], "v1");
  // Without the media type: the legacy document.
  EXPECT_EQ(Body(Do("GET", "/apis"))["kind"], "APIGroupList");
}

TEST_F(ApiTest, OpenApiV3AdvertisesFieldValidationForEveryPatch) {
  InstallCrd();
  json root = Body(Do("GET", "/openapi/v3"));
  ASSERT_TRUE(root["paths"].contains("apis/example.com/v1"));
  std::string url = root["paths"]["apis/example.com/v1"]["serverRelativeURL"];
  EXPECT_EQ(url.rfind("/openapi/v3/apis/example.com/v1?hash=", 0), 0u);
  json doc = Body(Do("GET", "/openapi/v3/apis/example.com/v1"));
  const json& patch = doc["paths"]["/apis/example.com/v1/gadgets/{name}"]["patch"];
  EXPECT_EQ(patch["x-kubernetes-group-version-kind"]["kind"], "Gadget");
  bool has_param = false;
  for (const json& p : patch["parameters"]) has_param = has_param || p["name"] == "fieldValidation";
  EXPECT_TRUE(has_param);
  EXPECT_TRUE(doc["components"]["schemas"].contains("com.example.v1.Gadget"));
}

TEST_F(ApiTest, CustomResourcesAreDefaultedValidatedAndPruned) {
  InstallCrd();
  ApiResponse r = Do("POST", "/apis/example.com/v1/gadgets",
                     R"({"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"g1"},
                         "spec":{"count":1,"junk":true},"status":{"ready":true}})");
  ASSERT_EQ(r.status, 201) << r.body;
  json g = Body(r);
  EXPECT_EQ(g["spec"]["mode"], "a");
  EXPECT_FALSE(g["spec"].contains("junk"));
  EXPECT_FALSE(g.contains("status"));  // status subresource: create ignores status
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Warning");
  EXPECT_NE(r.headers[0].second.find("unknown field \\\"spec.junk\\\""), std::string::npos);

  r = Do("POST", "/apis/example.com/v1/gadgets",
         R"({"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"g2"},"spec":{"junk":1}})",
         "application/json", {{"fieldValidation", "Strict"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(Body(r)["message"].get<std::string>().find("strict decoding error: unknown field \"spec.junk\""),
            std::string::npos);

  r = Do("POST", "/apis/example.com/v1/gadgets",
         R"({"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"g3"},
             "spec":{"mode":"z","count":-1}})");
  ASSERT_EQ(r.status, 422);
  json status = Body(r);
  EXPECT_EQ(status["kind"], "Status");
  EXPECT_EQ(status["reason"], "Invalid");
  EXPECT_EQ(status["details"]["kind"], "Gadget");
  EXPECT_EQ(status["details"]["group"], "example.com");
  EXPECT_EQ(status["details"]["causes"].size(), 2u);
  EXPECT_EQ(status["message"],
            "Gadget.example.com \"g3\" is invalid: [spec.count: Invalid value: -1: spec.count in "
            "body should be greater than or equal to 0, spec.mode: Unsupported value: \"z\": "
            "supported values: \"a\", \"b\"]");
}

TEST_F(ApiTest, StatusSubresourceAndGeneration) {
  InstallCrd();
  ASSERT_EQ(Do("POST", "/apis/example.com/v1/gadgets",
               R"({"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"g"},"spec":{}})").status, 201);
  ApiResponse r = Do("PATCH", "/apis/example.com/v1/gadgets/g/status", R"({"status":{"ready":true}})",
                     "application/merge-patch+json");
  ASSERT_EQ(r.status, 200) << r.body;
  json g = Body(r);
  EXPECT_EQ(g["status"]["ready"], true);
  EXPECT_EQ(g["metadata"]["generation"], 1);
  // Status through the main resource is ignored; spec through status too.
  r = Do("PATCH", "/apis/example.com/v1/gadgets/g", R"({"spec":{"count":4},"status":{"ready":false}})",
         "application/merge-patch+json");
  g = Body(r);
  EXPECT_EQ(g["status"]["ready"], true);
  EXPECT_EQ(g["spec"]["count"], 4);
  EXPECT_EQ(g["metadata"]["generation"], 2);
  r = Do("PATCH", "/apis/example.com/v1/gadgets/g/status", R"({"spec":{"count":5}})",
         "application/merge-patch+json");
  EXPECT_EQ(Body(r)["spec"]["count"], 4);
  // Strategic merge patches are not for custom resources.
  EXPECT_EQ(Do("PATCH", "/apis/example.com/v1/gadgets/g", "{}", "application/strategic-merge-patch+json").status, 415);
}

TEST_F(ApiTest, UpdatesConflictOnStaleVersionsAndDryRunWritesNothing) {
  ApiResponse r = Do("POST", "/api/v1/namespaces/default/configmaps",
                     R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}})");
  ASSERT_EQ(r.status, 201);
  json cm = Body(r);
  cm["data"]["a"] = "2";
  ASSERT_EQ(Do("PUT", "/api/v1/namespaces/default/configmaps/c", cm.dump()).status, 200);
  r = Do("PUT", "/api/v1/namespaces/default/configmaps/c", cm.dump());
  EXPECT_EQ(r.status, 409);
  json status = Body(r);
  EXPECT_EQ(status["reason"], "Conflict");
  EXPECT_EQ(status["details"]["kind"], "configmaps");
  EXPECT_EQ(status["details"]["name"], "c");
  EXPECT_FALSE(cm["metadata"].contains("generation"));

  uint64_t rv = store_.resource_version();
  r = Do("POST", "/api/v1/namespaces/default/configmaps",
         R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dry"}})", "application/json",
         {{"dryRun", "All"}});
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(store_.resource_version(), rv);
  EXPECT_EQ(Do("GET", "/api/v1/namespaces/default/configmaps/dry").status, 404);
  r = Do("DELETE", "/api/v1/namespaces/default/configmaps/c", "", "", {{"dryRun", "All"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Do("GET", "/api/v1/namespaces/default/configmaps/c").status, 200);
  // Preconditions on delete.
  r = Do("DELETE", "/api/v1/namespaces/default/configmaps/c",
         R"({"preconditions":{"uid":"not-it"}})");
  EXPECT_EQ(r.status, 409);
  r = Do("DELETE", "/api/v1/namespaces/default/configmaps/c");
  EXPECT_EQ(r.status, 200);
  json success = Body(r);
  EXPECT_EQ(success["kind"], "Status");
  EXPECT_EQ(success["status"], "Success");
  EXPECT_EQ(success["details"]["name"], "c");
  EXPECT_EQ(success["details"]["kind"], "configmaps");
}

TEST_F(ApiTest, DeleteCollectionHonoursSelectorsAndFinalizers) {
  for (const char* name : {"a", "b", "c"}) {
    json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"},
               {"metadata", {{"name", name}, {"labels", {{"group", std::string(name) == "c" ? "no" : "yes"}}}}}};
    if (std::string(name) == "b") cm["metadata"]["finalizers"] = {"x/hold"};
    ASSERT_EQ(Do("POST", "/api/v1/namespaces/default/configmaps", cm.dump()).status, 201);
  }
  ApiResponse r = Do("DELETE", "/api/v1/namespaces/default/configmaps", "", "", {{"labelSelector", "group=yes"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json list = Body(r);
  EXPECT_EQ(list["kind"], "ConfigMapList");
  EXPECT_EQ(list["items"].size(), 2u);
  EXPECT_EQ(Do("GET", "/api/v1/namespaces/default/configmaps/a").status, 404);
  json b = Body(Do("GET", "/api/v1/namespaces/default/configmaps/b"));
  EXPECT_TRUE(b["metadata"].contains("deletionTimestamp"));
  EXPECT_EQ(Do("GET", "/api/v1/namespaces/default/configmaps/c").status, 200);
  // Releasing the finalizer by JSON patch completes the deletion.
  r = Do("PATCH", "/api/v1/namespaces/default/configmaps/b",
         R"([{"op":"remove","path":"/metadata/finalizers"}])", "application/json-patch+json");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Do("GET", "/api/v1/namespaces/default/configmaps/b").status, 404);
}

TEST_F(ApiTest, ApplyCreatesAndReportsConflicts) {
  const std::string path = "/api/v1/namespaces/default/configmaps/applied";
  const std::string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: \"1\"\n";
  EXPECT_EQ(Do("PATCH", path, yaml, "application/apply-patch+yaml").status, 400);  // no fieldManager
  ApiResponse r = Do("PATCH", path, yaml, "application/apply-patch+yaml", {{"fieldManager", "one"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Body(r)["data"]["a"], "1");
  std::string changed = yaml;
  changed.replace(changed.find("\"1\""), 3, "\"2\"");
  r = Do("PATCH", path, changed, "application/apply-patch+yaml", {{"fieldManager", "two"}});
  ASSERT_EQ(r.status, 409);
  EXPECT_EQ(Body(r)["details"]["causes"][0]["field"], ".data.a");
  r = Do("PATCH", path, changed, "application/apply-patch+yaml",
         {{"fieldManager", "two"}, {"force", "true"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["data"]["a"], "2");
}

TEST_F(ApiTest, ListPagingSelectorsAndTables) {
  for (int i = 0; i < 5; ++i) {
    json cm = {{"apiVersion", "v1"},
               {"kind", "ConfigMap"},
               {"metadata", {{"name", "p" + std::to_string(i)}, {"labels", {{"i", std::to_string(i)}}}}}};
    ASSERT_EQ(Do("POST", "/api/v1/namespaces/default/configmaps", cm.dump()).status, 201);
  }
  json page = Body(Do("GET", "/api/v1/configmaps", "", "", {{"limit", "2"}}));
  EXPECT_EQ(page["kind"], "ConfigMapList");
  EXPECT_EQ(page["items"].size(), 2u);
  EXPECT_EQ(page["metadata"]["remainingItemCount"], 3);
  json next = Body(Do("GET", "/api/v1/configmaps", "", "",
                      {{"limit", "2"}, {"continue", page["metadata"]["continue"]}}));
  EXPECT_EQ(next["items"][0]["metadata"]["name"], "p2");
  EXPECT_EQ(Do("GET", "/api/v1/configmaps", "", "", {{"continue", "garbage!"}}).status, 400);
  json sel = Body(Do("GET", "/api/v1/namespaces/default/configmaps", "", "", {{"labelSelector", "i notin (0,1,2)"}}));
  EXPECT_EQ(sel["items"].size(), 2u);
  EXPECT_EQ(Do("GET", "/api/v1/configmaps", "", "", {{"labelSelector", "a in (b"}}).status, 400);
  json table = Body(Do("GET", "/api/v1/namespaces/default/configmaps", "", "", {},
                       "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"));
  EXPECT_EQ(table["kind"], "Table");
  EXPECT_EQ(table["columnDefinitions"][0]["name"], "Name");
  EXPECT_EQ(table["rows"].size(), 5u);
  EXPECT_EQ(table["rows"][0]["object"]["kind"], "PartialObjectMetadata");
}

class Collect : public WatchSink {
 public:
  bool Send(const json& e) override {
    events.push_back(e);
    return true;
  }
  void Close() override {}
  std::vector<json> events;
};

TEST_F(ApiTest, WatchesThroughTheApiHonourPathsSelectorsAndTables) {
  for (const char* name : {"w1", "w2"}) {
    json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}};
    ASSERT_EQ(Do("POST", "/api/v1/namespaces/default/configmaps", cm.dump()).status, 201);
  }
  auto start = [&](const std::string& path, std::vector<std::pair<std::string, std::string>> query,
                   const std::string& accept, std::shared_ptr<Collect>* sink, bool* table) {
    ApiRequest r;
    r.method = "GET";
    r.path = path;
    r.query = std::move(query);
    r.accept = accept;
    uint64_t id;
    ApiResponse error;
    EXPECT_TRUE(Api::IsWatch(r));
    return api_.StartWatch(r, [&](const ResourcePtr&, bool t) {
      *table = t;
      *sink = std::make_shared<Collect>();
      return *sink;
    }, &id, &error);
  };
  std::shared_ptr<Collect> sink;
  bool table = false;
  // A watch on one object's path sees only that object.
  ASSERT_TRUE(start("/api/v1/namespaces/default/configmaps/w2", {{"watch", "1"}}, "application/json", &sink, &table));
  ASSERT_EQ(sink->events.size(), 1u);
  EXPECT_EQ(sink->events[0]["object"]["metadata"]["name"], "w2");
  EXPECT_FALSE(table);
  ASSERT_TRUE(start("/api/v1/configmaps", {{"watch", "true"}}, "application/json;as=Table;v=v1;g=meta.k8s.io", &sink, &table));
  EXPECT_EQ(sink->events.size(), 2u);
  EXPECT_TRUE(table);
  json row_event = TableEvent(*store_.Resolve("", "v1", "configmaps"), sink->events[0], false);
  EXPECT_EQ(row_event["object"]["kind"], "Table");
  EXPECT_EQ(row_event["object"]["rows"][0]["cells"][0], "w1");
  EXPECT_FALSE(start("/api/v1/configmaps", {{"watch", "1"}, {"resourceVersion", "abc"}}, "", &sink, &table));
  EXPECT_FALSE(start("/api/v1/configmaps", {{"watch", "1"}, {"fieldSelector", "spec.x=1"}}, "", &sink, &table));
}

TEST_F(ApiTest, ErrorsAreKubernetesStatuses) {
  json s = Body(Do("GET", "/api/v1/namespaces/default/configmaps/missing"));
  EXPECT_EQ(s, json::parse(R"({"apiVersion":"v1","kind":"Status","metadata":{},"status":"Failure",
    "message":"configmaps \"missing\" not found","reason":"NotFound",
    "details":{"name":"missing","kind":"configmaps"},"code":404})"));
  EXPECT_EQ(Do("GET", "/api/v1/nothings").status, 404);
  EXPECT_EQ(Do("POST", "/api/v1/namespaces/default/configmaps", "{not json").status, 400);
  EXPECT_EQ(Do("POST", "/api/v1/namespaces/default/configmaps", "x", "application/vnd.kubernetes.protobuf").status, 415);
  json wrong_ns = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "x"}, {"namespace", "other"}}}};
  EXPECT_EQ(Do("POST", "/api/v1/namespaces/default/configmaps", wrong_ns.dump()).status, 400);
  json deep = "x";
  for (int i = 0; i < 200; ++i) deep = json::array({deep});
  EXPECT_EQ(Do("POST", "/api/v1/namespaces/default/configmaps", json{{"data", deep}}.dump()).status, 400);
}

}  // namespace
}  // namespace fedra::apiserver

namespace fedra::apiserver {
namespace {

TEST(ColumnPathTest, FiltersEscapesAndQuotedKeys) {
  json obj = json::parse(R"({
    "metadata": {"labels": {"policy.fedra.io/hub": "hub-1"}},
    "status": {"conditions": [{"type": "Compiled", "status": "True"},
                              {"type": "Ready", "status": "False"}],
               "clusters": [1, 2]}})");
  EXPECT_EQ(EvalColumnPath(obj, R"(.status.conditions[?(@.type=="Ready")].status)"), "False");
  EXPECT_EQ(EvalColumnPath(obj, R"({.status.conditions[?(@.type=='Compiled')].status})"), "True");
  EXPECT_EQ(EvalColumnPath(obj, R"(.status.conditions[?(@.type=="Gone")].status)"), nullptr);
  EXPECT_EQ(EvalColumnPath(obj, R"(.metadata.labels.policy\.fedra\.io/hub)"), "hub-1");
  EXPECT_EQ(EvalColumnPath(obj, R"(.metadata.labels['policy.fedra.io/hub'])"), "hub-1");
  EXPECT_EQ(EvalColumnPath(obj, ".status.clusters[1]"), 2);
  EXPECT_EQ(EvalColumnPath(obj, ".status.clusters[7]"), nullptr);
}

}  // namespace
}  // namespace fedra::apiserver
