// Admission webhooks called over real HTTPS by the Api.
#include "tests/apiserver/webhooks.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "http/certs.h"
#include "http/server.h"
#include "tests/apiserver/json_util.h"
#include "tests/apiserver/test_util.h"

namespace fedra::apiserver {
namespace {

using testing::TempDir;

// A webhook server on 127.0.0.1 with a certificate from its own CA. It
// denies objects labelled deny=yes, adds a label when mutating, and can be
// told to answer late.
class WebhookServer {
 public:
  WebhookServer() {
    EXPECT_TRUE(http::MakeCa("webhook-ca", std::chrono::hours(1), &ca_).ok());
    http::CertRequest req;
    req.common_name = "webhook";
    req.ip_addresses = {"127.0.0.1"};
    req.dns_names = {"svc.hooks.svc"};  // what a Service reference is checked for
    http::KeyPair leaf;
    EXPECT_TRUE(http::IssueCert(ca_, req, &leaf).ok());
    http::ServerOptions opts;
    http::TlsOptions tls;
    tls.cert_file = dir_.File("tls.crt", leaf.cert_pem);
    tls.key_file = dir_.File("tls.key", leaf.key_pem);
    opts.tls = tls;
    server_ = std::make_unique<http::Server>(
        opts, [this](http::Request& r, http::Responder res) { Handle(r, std::move(res)); });
    EXPECT_TRUE(server_->Start().ok());
  }
  ~WebhookServer() {
    server_->Stop();
    for (auto& t : late_) t.join();
  }

  std::string Url(const std::string& path) const {
    return "https://127.0.0.1:" + std::to_string(server_->port()) + path;
  }
  std::string CaBundle() const { return Base64Encode(ca_.cert_pem); }
  uint16_t port() const { return server_->port(); }
  json last_review() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_;
  }
  std::atomic<int> delay_ms{0};

 private:
  void Handle(http::Request& r, http::Responder res) {
    json review;
    if (!ParseJsonText(r.body, &review).ok()) {
      res.Send(http::Response::Text(400, "bad json"));
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_ = review;
    }
    const json& req = review["request"];
    json response = {{"uid", req["uid"]}, {"allowed", true}};
    const json* deny = Lookup(req["object"], "metadata.labels.deny");
    if (deny && *deny == "yes") {
      response["allowed"] = false;
      response["status"] = {{"code", 403}, {"message", "objects labelled deny=yes are refused"}};
    }
    if (r.path == "/mutate" && req["object"].is_object()) {
      json patch = json::array({{{"op", "add"}, {"path", "/metadata/annotations"},
                                 {"value", {{"mutated-by", "webhook"}}}}});
      response["patchType"] = "JSONPatch";
      response["patch"] = Base64Encode(patch.dump());
      response["warnings"] = {"mutated"};
    }
    json body = {{"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}, {"response", response}};
    int delay = delay_ms.load();
    if (delay > 0) {
      std::lock_guard<std::mutex> lock(mu_);
      late_.emplace_back([res, body, delay]() mutable {
        std::this_thread::sleep_for(std::chrono::milliseconds(delay));
        res.Send(http::Response::Json(200, body.dump()));
      });
      return;
    }
    res.Send(http::Response::Json(200, body.dump()));
  }

  TempDir dir_;
  http::KeyPair ca_;
  std::unique_ptr<http::Server> server_;
  std::mutex mu_;
  json last_;
  std::vector<std::thread> late_;
};

json Config(const std::string& kind, json webhook) {
  return {{"apiVersion", "admissionregistration.k8s.io/v1"},
          {"kind", kind},
          {"metadata", {{"name", "cfg-" + webhook["name"].get<std::string>()}}},
          {"webhooks", json::array({webhook})}};
}

json Hook(const std::string& name, json client_config) {
  return {{"name", name},
          {"clientConfig", std::move(client_config)},
          {"rules", json::array({{{"operations", {"CREATE", "UPDATE", "DELETE"}},
                                  {"apiGroups", {""}},
                                  {"apiVersions", {"v1"}},
                                  {"resources", {"configmaps"}}}})},
          {"sideEffects", "None"},
          {"admissionReviewVersions", {"v1"}},
          {"timeoutSeconds", 5}};
}

class WebhooksTest : public ::testing::Test {
 protected:
  ApiResponse Do(const std::string& method, const std::string& path, const json& body = nullptr,
                 std::vector<std::pair<std::string, std::string>> query = {}) {
    ApiRequest r;
    r.method = method;
    r.path = path;
    r.body = body.is_null() ? "" : body.dump();
    r.content_type = "application/json";
    r.query = std::move(query);
    r.user = "alice";
    return api_.Handle(r);
  }
  void Register(const std::string& kind, json webhook) {
    std::string resource = kind == "ValidatingWebhookConfiguration" ? "validatingwebhookconfigurations"
                                                                    : "mutatingwebhookconfigurations";
    ApiResponse r = Do("POST", "/apis/admissionregistration.k8s.io/v1/" + resource, Config(kind, webhook));
    ASSERT_EQ(r.status, 201) << r.body;
  }
  static json ConfigMap(const std::string& name, json labels = json::object()) {
    return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"labels", labels}}}};
  }
  static json Body(const ApiResponse& r) {
    json j;
    EXPECT_TRUE(ParseJsonText(r.body, &j).ok()) << r.body;
    return j;
  }

  WebhookServer hook_;
  Store store_;
  Webhooks webhooks_{&store_, WebhookOptions{{{"hooks/svc", "127.0.0.1:" + std::to_string(hook_.port())}}, ""}};
  Api api_{&store_, &webhooks_, ApiOptions{}};
  const std::string cms_ = "/api/v1/namespaces/default/configmaps";
};

TEST_F(WebhooksTest, ValidatingWebhookSeesAReviewAndDenies) {
  Register("ValidatingWebhookConfiguration",
           Hook("deny.example.com", {{"url", hook_.Url("/validate")}, {"caBundle", hook_.CaBundle()}}));
  ASSERT_EQ(Do("POST", cms_, ConfigMap("fine")).status, 201);
  json review = hook_.last_review();
  EXPECT_EQ(review["apiVersion"], "admission.k8s.io/v1");
  EXPECT_EQ(review["kind"], "AdmissionReview");
  const json& req = review["request"];
  EXPECT_EQ(req["operation"], "CREATE");
  EXPECT_EQ(req["kind"], json({{"group", ""}, {"version", "v1"}, {"kind", "ConfigMap"}}));
  EXPECT_EQ(req["resource"], json({{"group", ""}, {"version", "v1"}, {"resource", "configmaps"}}));
  EXPECT_EQ(req["namespace"], "default");
  EXPECT_EQ(req["name"], "fine");
  EXPECT_EQ(req["userInfo"]["username"], "alice");
  EXPECT_EQ(req["uid"].get<std::string>().size(), 36u);
  EXPECT_TRUE(req["oldObject"].is_null());

  ApiResponse r = Do("POST", cms_, ConfigMap("bad", {{"deny", "yes"}}));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Body(r)["message"],
            "admission webhook \"deny.example.com\" denied the request: objects labelled deny=yes are refused");
  EXPECT_EQ(Do("GET", cms_ + "/bad").status, 404);

  ASSERT_EQ(Do("DELETE", cms_ + "/fine").status, 200);
  review = hook_.last_review();
  EXPECT_EQ(review["request"]["operation"], "DELETE");
  EXPECT_EQ(review["request"]["oldObject"]["metadata"]["name"], "fine");
  EXPECT_TRUE(review["request"]["object"].is_null());
}

TEST_F(WebhooksTest, MutatingWebhookPatchesThroughAServiceReference) {
  Register("MutatingWebhookConfiguration",
           Hook("mutate.example.com",
                {{"service", {{"namespace", "hooks"}, {"name", "svc"}, {"path", "/mutate"}}},
                 {"caBundle", hook_.CaBundle()}}));
  ApiResponse r = Do("POST", cms_, ConfigMap("m"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Body(r)["metadata"]["annotations"]["mutated-by"], "webhook");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].second, "299 - \"mutated\"");
  EXPECT_GE(webhooks_.calls(), 1u);
}

TEST_F(WebhooksTest, NamespaceSelectorAndRulesLimitWhatIsSent) {
  json hook = Hook("deny.example.com", {{"url", hook_.Url("/validate")}, {"caBundle", hook_.CaBundle()}});
  hook["namespaceSelector"] = {{"matchLabels", {{"team", "a"}}}};
  Register("ValidatingWebhookConfiguration", hook);
  uint64_t before = webhooks_.calls();
  // default has no team label: the webhook is not called, the deny label does nothing.
  EXPECT_EQ(Do("POST", cms_, ConfigMap("x", {{"deny", "yes"}})).status, 201);
  EXPECT_EQ(webhooks_.calls(), before);
  json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "team-a"}, {"labels", {{"team", "a"}}}}}};
  ASSERT_EQ(Do("POST", "/api/v1/namespaces", ns).status, 201);
  EXPECT_EQ(Do("POST", "/api/v1/namespaces/team-a/configmaps", ConfigMap("x", {{"deny", "yes"}})).status, 403);
  // Secrets are not in the rules.
  json secret = {{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", "s"}, {"labels", {{"deny", "yes"}}}}}};
  EXPECT_EQ(Do("POST", "/api/v1/namespaces/team-a/secrets", secret).status, 201);
}

TEST_F(WebhooksTest, FailurePolicyDecidesWhenTheWebhookIsUnreachable) {
  json hook = Hook("down.example.com", {{"url", "https://127.0.0.1:1/validate"}, {"caBundle", hook_.CaBundle()}});
  Register("ValidatingWebhookConfiguration", hook);
  ApiResponse r = Do("POST", cms_, ConfigMap("a"));
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(Body(r)["message"].get<std::string>().find("failed calling webhook \"down.example.com\""),
            std::string::npos);
  hook["failurePolicy"] = "Ignore";
  json cfg = Config("ValidatingWebhookConfiguration", hook);
  ASSERT_EQ(Do("PUT", "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/cfg-down.example.com", cfg).status, 200);
  EXPECT_EQ(Do("POST", cms_, ConfigMap("a")).status, 201);
}

TEST_F(WebhooksTest, AWrongCaBundleFailsVerification) {
  http::KeyPair other;
  ASSERT_TRUE(http::MakeCa("someone-else", std::chrono::hours(1), &other).ok());
  Register("ValidatingWebhookConfiguration",
           Hook("tls.example.com", {{"url", hook_.Url("/validate")}, {"caBundle", Base64Encode(other.cert_pem)}}));
  ApiResponse r = Do("POST", cms_, ConfigMap("a"));
  EXPECT_EQ(r.status, 500) << r.body;
}

TEST_F(WebhooksTest, TimeoutSecondsBoundsTheCall) {
  json hook = Hook("slow.example.com", {{"url", hook_.Url("/validate")}, {"caBundle", hook_.CaBundle()}});
  hook["timeoutSeconds"] = 1;
  Register("ValidatingWebhookConfiguration", hook);
  hook_.delay_ms = 2000;
  ApiResponse r = Do("POST", cms_, ConfigMap("a"));
  EXPECT_EQ(r.status, 500) << r.body;
  hook_.delay_ms = 0;
}

TEST_F(WebhooksTest, DryRunRequestsSayDryRun) {
  json hook = Hook("dry.example.com", {{"url", hook_.Url("/validate")}, {"caBundle", hook_.CaBundle()}});
  hook["sideEffects"] = "NoneOnDryRun";
  Register("ValidatingWebhookConfiguration", hook);
  ASSERT_EQ(Do("POST", cms_, ConfigMap("a"), {{"dryRun", "All"}}).status, 201);
  EXPECT_EQ(hook_.last_review()["request"]["dryRun"], true);
  EXPECT_EQ(Do("GET", cms_ + "/a").status, 404);
}

TEST_F(WebhooksTest, MalformedConfigurationsAreInvalid) {
  json hook = Hook("bad.example.com", {{"url", "http://127.0.0.1:1/"}});
  hook["sideEffects"] = "Some";
  hook["timeoutSeconds"] = 90;
  hook["rules"][0].erase("resources");
  hook["namespaceSelector"] = {{"matchExpressions", {{{"key", "a"}, {"operator", "Near"}}}}};
  ApiResponse r = Do("POST", "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
                     Config("ValidatingWebhookConfiguration", hook));
  ASSERT_EQ(r.status, 422) << r.body;
  std::set<std::string> fields;
  json status = Body(r);
  for (const json& c : status["details"]["causes"]) fields.insert(c["field"].get<std::string>());
  EXPECT_EQ(fields, (std::set<std::string>{
                        "webhooks[0].clientConfig.url", "webhooks[0].sideEffects",
                        "webhooks[0].timeoutSeconds", "webhooks[0].rules[0].resources",
                        "webhooks[0].namespaceSelector.matchExpressions[0].operator"}));
  // Labels must be strings; finalizers a list of strings.
  json cm = ConfigMap("m", {{"n", 1}});
  r = Do("POST", cms_, cm);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(Body(r)["details"]["causes"][0]["field"], "metadata.labels[n]");
  cm = ConfigMap("m");
  cm["metadata"]["finalizers"] = "x";
  EXPECT_EQ(Do("POST", cms_, cm).status, 422);
}

}  // namespace
}  // namespace fedra::apiserver
