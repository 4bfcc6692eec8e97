// Webhooks: admission control by the webhooks registered in
// MutatingWebhookConfigurations and ValidatingWebhookConfigurations, called
// the way a kube-apiserver calls them:
// - matching: rules (operations, apiGroups, apiVersions, resources incl.
//   "*", "*/*", "pods/status", scope), namespaceSelector (the namespace's
//   labels; for Namespace objects their own), objectSelector (new or old
//   object's labels);
// - the call: POST AdmissionReview admission.k8s.io/v1 to clientConfig.url
//   or to a service reference mapped to a loopback address (service_map),
//   HTTPS verified against caBundle (a Service's certificate for the name
//   <name>.<namespace>.svc, as kube-apiserver checks it), bounded by
//   timeoutSeconds (default 10);
// - the answer: response.uid must match; allowed=false becomes a Status
//   "admission webhook \"<name>\" denied the request: <message>" with the
//   webhook's code (>= 400, default 403); mutating webhooks' JSONPatch
//   patches are applied in order; warnings are passed on;
// - failures (connection, timeout, bad response): failurePolicy Fail (the
//   default) rejects with 500 "failed calling webhook", Ignore skips;
// - dry-run requests are refused when a matching webhook has side effects
//   other than None/NoneOnDryRun.
// Not modelled: reinvocationPolicy, matchConditions (CEL), matchPolicy
// Equivalent (exact matching only), audit annotations.
//
// Thread-safe; calls run on the caller's thread, outside the store's lock.
#ifndef FEDRA_TESTS_APISERVER_WEBHOOKS_H_
#define FEDRA_TESTS_APISERVER_WEBHOOKS_H_

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "tests/apiserver/api.h"
#include "tests/apiserver/store.h"

namespace fedra::apiserver {

struct WebhookOptions {
  // "namespace/name" of a Service -> "127.0.0.1:PORT".
  std::map<std::string, std::string> service_map;
  // Where caBundle PEM files are written for the HTTPS client.
  std::string scratch_dir;
};

class Webhooks : public Admission {
 public:
  Webhooks(Store* store, WebhookOptions options);
  ~Webhooks() override;

  ApiError Mutate(const AdmissionAttributes& attrs, json* object,
                  std::vector<std::string>* warnings) override;
  ApiError Validate(const AdmissionAttributes& attrs, const json& object,
                    std::vector<std::string>* warnings) override;

  // Calls made so far (for tests and the admin endpoint).
  uint64_t calls() const { return calls_.load(); }

  // Exposed for tests: does `webhook` (one entry of .webhooks) match?
  bool Matches(const json& webhook, const AdmissionAttributes& attrs, const json& object);

 private:
  // Calls every matching webhook of `kind` (mutating or validating).
  ApiError Run(bool mutating, const AdmissionAttributes& attrs, json* object,
               std::vector<std::string>* warnings);
  // One call; on success *response is AdmissionReview.response.
  ApiError Call(const json& webhook, const json& review, json* response);
  std::string CaFile(const std::string& ca_bundle_b64, ApiError* err);

  Store* const store_;
  WebhookOptions options_;
  bool own_scratch_ = false;
  std::mutex mu_;
  std::map<std::string, std::string> ca_files_;  // GUARDED_BY(mu_) bundle -> file
  std::atomic<uint64_t> calls_{0};
};

// The AdmissionReview request for one write.
json AdmissionReviewFor(const AdmissionAttributes& attrs, const json& object,
                        const std::string& uid);

}  // namespace fedra::apiserver

#endif  // FEDRA_TESTS_APISERVER_WEBHOOKS_H_
