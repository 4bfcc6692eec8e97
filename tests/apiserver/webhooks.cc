#include "tests/apiserver/webhooks.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <functional>

#include "http/certs.h"
#include "http/client.h"
#include "tests/apiserver/json_util.h"
#include "tests/apiserver/patch.h"

namespace fedra::apiserver {

namespace {

bool ListHas(const json& list, const std::string& value) {
  if (!list.is_array()) return false;
  for (const json& v : list) {
    if (v == "*" || v == value) return true;
  }
  return false;
}

bool ResourceMatches(const json& resources, const std::string& resource,
                     const std::string& subresource) {
  if (!resources.is_array()) return false;
  for (const json& r : resources) {
    if (!r.is_string()) continue;
    std::string s = r;
    if (s == "*/*") return true;
    size_t slash = s.find('/');
    std::string res = s.substr(0, slash);
    std::string sub = slash == std::string::npos ? "" : s.substr(slash + 1);
    if ((res == "*" || res == resource) && (sub == "*" || sub == subresource)) return true;
  }
  return false;
}

// metav1.LabelSelector (matchLabels, matchExpressions) against labels.
bool SelectorMatches(const json& selector, const json& labels) {
  if (!selector.is_object()) return true;
  auto label = [&](const std::string& k, std::string* v) {
    if (!labels.is_object() || !labels.contains(k) || !labels[k].is_string()) return false;
    *v = labels[k];
    return true;
  };
  if (auto ml = selector.find("matchLabels"); ml != selector.end() && ml->is_object()) {
    for (auto it = ml->begin(); it != ml->end(); ++it) {
      std::string v;
      if (!label(it.key(), &v) || json(v) != it.value()) return false;
    }
  }
  if (auto me = selector.find("matchExpressions"); me != selector.end() && me->is_array()) {
    for (const json& e : *me) {
      std::string key = e.value("key", ""), op = e.value("operator", "");
      json values = e.value("values", json::array());
      std::string v;
      bool present = label(key, &v);
      bool in = present && std::find(values.begin(), values.end(), json(v)) != values.end();
      if (op == "In" && !in) return false;
      if (op == "NotIn" && in) return false;
      if (op == "Exists" && !present) return false;
      if (op == "DoesNotExist" && present) return false;
    }
  }
  return true;
}

json Labels(const json& obj) {
  const json* l = obj.is_object() ? Lookup(obj, "metadata.labels") : nullptr;
  return l ? *l : json::object();
}

struct Url {
  std::string scheme, host, target;
  uint16_t port = 443;
};

bool ParseUrl(const std::string& url, Url* out) {
  size_t colon = url.find("://");
  if (colon == std::string::npos) return false;
  out->scheme = url.substr(0, colon);
  std::string rest = url.substr(colon + 3);
  size_t slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  out->target = slash == std::string::npos ? "/" : rest.substr(slash);
  size_t pc = hostport.rfind(':');
  out->port = out->scheme == "https" ? 443 : 80;
  if (pc != std::string::npos && hostport.find(']') == std::string::npos) {
    try {
      int p = std::stoi(hostport.substr(pc + 1));
      if (p <= 0 || p > 65535) return false;
      out->port = static_cast<uint16_t>(p);
    } catch (const std::exception&) {
      return false;
    }
    hostport = hostport.substr(0, pc);
  }
  out->host = hostport;
  return !out->host.empty() && (out->scheme == "https" || out->scheme == "http");
}

}  // namespace

Webhooks::Webhooks(Store* store, WebhookOptions options)
    : store_(store), options_(std::move(options)) {
  if (options_.scratch_dir.empty()) {
    char tmpl[] = "/tmp/fedra-apiserver-ca-XXXXXX";
    if (mkdtemp(tmpl)) {
      options_.scratch_dir = tmpl;
      own_scratch_ = true;
    }
  }
}

Webhooks::~Webhooks() {
  if (own_scratch_) {
    std::error_code ec;
    std::filesystem::remove_all(options_.scratch_dir, ec);
  }
}

json AdmissionReviewFor(const AdmissionAttributes& attrs, const json& object,
                        const std::string& uid) {
  const ResourceType& t = *attrs.type;
  json kind = {{"group", t.group}, {"version", t.version}, {"kind", t.kind}};
  json resource = {{"group", t.group}, {"version", t.version}, {"resource", t.resource}};
  json req = {{"uid", uid},
              {"kind", kind},
              {"resource", resource},
              {"requestKind", kind},
              {"requestResource", resource},
              {"name", attrs.name},
              {"operation", attrs.operation},
              {"userInfo",
               {{"username", attrs.user},
                {"groups", {"system:masters", "system:authenticated"}}}},
              {"object", object},
              {"oldObject", attrs.old_object},
              {"dryRun", attrs.dry_run},
              {"options", attrs.options}};
  if (t.namespaced) req["namespace"] = attrs.ns;
  if (!attrs.subresource.empty()) {
    req["subResource"] = attrs.subresource;
    req["requestSubResource"] = attrs.subresource;
  }
  return {{"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}, {"request", req}};
}

bool Webhooks::Matches(const json& webhook, const AdmissionAttributes& attrs, const json& object) {
  const ResourceType& t = *attrs.type;
  bool rule_ok = false;
  for (const json& rule : webhook.value("rules", json::array())) {
    std::string scope = rule.value("scope", "*");
    if (scope == "Namespaced" && !t.namespaced) continue;
    if (scope == "Cluster" && t.namespaced) continue;
    if (!ListHas(rule.value("operations", json::array()), attrs.operation) &&
        !ListHas(rule.value("operations", json::array()), "*")) {
      continue;
    }
    if (!ListHas(rule.value("apiGroups", json::array()), t.group)) continue;
    if (!ListHas(rule.value("apiVersions", json::array()), t.version)) continue;
    if (!ResourceMatches(rule.value("resources", json::array()), t.resource, attrs.subresource)) continue;
    rule_ok = true;
    break;
  }
  if (!rule_ok) return false;
  if (auto sel = webhook.find("namespaceSelector"); sel != webhook.end()) {
    json ns_labels;
    if (t.group.empty() && t.kind == "Namespace") {
      ns_labels = Labels(object.is_null() ? attrs.old_object : object);
    } else if (t.namespaced) {
      ResourcePtr ns_type = store_->Resolve("", "v1", "namespaces");
      json ns;
      if (store_->Get(*ns_type, "", attrs.ns, &ns).ok()) ns_labels = Labels(ns);
    } else {
      ns_labels = nullptr;  // cluster-scoped: the selector does not apply
    }
    if (!ns_labels.is_null() && !SelectorMatches(*sel, ns_labels)) return false;
  }
  if (auto sel = webhook.find("objectSelector"); sel != webhook.end()) {
    bool now = !object.is_null() && SelectorMatches(*sel, Labels(object));
    bool before = !attrs.old_object.is_null() && SelectorMatches(*sel, Labels(attrs.old_object));
    if (!now && !before) return false;
  }
  return true;
}

std::string Webhooks::CaFile(const std::string& ca_bundle_b64, ApiError* err) {
  if (ca_bundle_b64.empty()) {
    const char* system = "/etc/ssl/certs/ca-certificates.crt";
    return std::filesystem::exists(system) ? system : "";
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = ca_files_.find(ca_bundle_b64);
  if (it != ca_files_.end()) return it->second;
  std::string pem;
  if (!Base64Decode(ca_bundle_b64, &pem)) {
    *err = ApiError::BadRequest("caBundle is not valid base64");
    return "";
  }
  std::string path = options_.scratch_dir + "/ca-" +
                     std::to_string(std::hash<std::string>()(ca_bundle_b64)) + ".pem";
  Status st = http::WriteFileAtomic(path, pem);
  if (!st.ok()) {
    *err = ApiError::Internal(std::string(st.message()));
    return "";
  }
  ca_files_[ca_bundle_b64] = path;
  return path;
}

ApiError Webhooks::Call(const json& webhook, const json& review, json* response) {
  const std::string name = webhook.value("name", "");
  const json cc = webhook.value("clientConfig", json::object());
  std::string url;
  std::string server_name;  // the name the serving certificate must carry
  if (cc.contains("url") && cc["url"].is_string()) {
    url = cc["url"];
  } else if (cc.contains("service") && cc["service"].is_object()) {
    const json& svc = cc["service"];
    std::string key = svc.value("namespace", "") + "/" + svc.value("name", "");
    // As kube-apiserver: a Service's certificate is checked for
    // <name>.<namespace>.svc, wherever the Service's address points.
    server_name = svc.value("name", "") + "." + svc.value("namespace", "") + ".svc";
    auto it = options_.service_map.find(key);
    if (it == options_.service_map.end()) {
      return ApiError::Internal("service " + key + " has no address in the simulator's service map");
    }
    url = "https://" + it->second + svc.value("path", "/");
  }
  Url u;
  if (!ParseUrl(url, &u)) return ApiError::Internal("bad webhook URL \"" + url + "\"");
  ApiError err;
  http::ClientOptions opts;
  opts.host = u.host;
  opts.port = u.port;
  opts.tls = u.scheme == "https";
  if (opts.tls) {
    opts.ca_file = CaFile(cc.value("caBundle", ""), &err);
    if (!err.ok()) return err;
    if (opts.ca_file.empty()) return ApiError::Internal("no CA to verify " + url + " against");
  }
  opts.server_name = server_name.empty() ? u.host : server_name;
  int timeout = webhook.value("timeoutSeconds", 10);
  opts.timeout = std::chrono::seconds(std::clamp(timeout, 1, 30));
  http::Client client(opts);
  http::Headers headers;
  headers.Set("Content-Type", "application/json");
  headers.Set("Accept", "application/json");
  http::ClientResponse res;
  ++calls_;
  Status st = client.Do("POST", u.target, review.dump(), headers, &res);
  if (!st.ok()) {
    return ApiError::Internal("failed calling webhook \"" + name + "\": failed to call webhook: Post \"" +
                              url + "\": " + std::string(st.message()));
  }
  if (res.status != 200) {
    return ApiError::Internal("failed calling webhook \"" + name + "\": received HTTP status " +
                              std::to_string(res.status));
  }
  json body;
  if (!ParseJsonText(res.body, &body).ok() || !body.is_object() ||
      body.value("apiVersion", "") != "admission.k8s.io/v1" ||
      body.value("kind", "") != "AdmissionReview" || !body.contains("response") ||
      !body["response"].is_object()) {
    return ApiError::Internal("failed calling webhook \"" + name +
                              "\": the response is not an admission.k8s.io/v1 AdmissionReview");
  }
  *response = body["response"];
  if (response->value("uid", "") != review["request"]["uid"]) {
    return ApiError::Internal("failed calling webhook \"" + name + "\": expected response.uid=" +
                              review["request"]["uid"].dump() + ", got " +
                              response->value("uid", json("")).dump());
  }
  return ApiError();
}

ApiError Webhooks::Run(bool mutating, const AdmissionAttributes& attrs, json* object,
                       std::vector<std::string>* warnings) {
  const ResourceType& t = *attrs.type;
  if (t.group == "admissionregistration.k8s.io") return ApiError();  // never self-admitted
  ResourcePtr config_type = store_->Resolve(
      "admissionregistration.k8s.io", "v1",
      mutating ? "mutatingwebhookconfigurations" : "validatingwebhookconfigurations");
  json configs;
  ApiError err = store_->List(*config_type, "", {}, &configs);
  if (!err.ok()) return err;
  for (const json& config : configs["items"]) {
    for (const json& webhook : config.value("webhooks", json::array())) {
      if (!webhook.is_object()) continue;
      const json& current = object ? *object : json();
      if (!Matches(webhook, attrs, current)) continue;
      const std::string name = webhook.value("name", "");
      std::string side = webhook.value("sideEffects", "Unknown");
      if (attrs.dry_run && side != "None" && side != "NoneOnDryRun") {
        return ApiError::BadRequest("admission webhook \"" + name + "\" does not support dry run");
      }
      json review = AdmissionReviewFor(attrs, current, NewUid());
      json response;
      err = Call(webhook, review, &response);
      if (!err.ok()) {
        if (webhook.value("failurePolicy", "Fail") == "Ignore") continue;
        return err;
      }
      for (const json& w : response.value("warnings", json::array())) {
        if (w.is_string()) warnings->push_back(w);
      }
      if (!response.value("allowed", false)) {
        json status = response.value("status", json::object());
        int code = status.value("code", 0);
        if (code < 400) code = 403;
        std::string msg = status.value("message", "");
        std::string reason = status.value("reason", "");
        std::string denied = "admission webhook \"" + name + "\" denied the request";
        if (!msg.empty()) {
          denied += ": " + msg;
        } else if (!reason.empty()) {
          denied += ": " + reason;
        } else {
          denied += " without explanation";
        }
        ApiError e = ApiError::Generic(code, reason, denied);
        if (status.contains("details")) e.details() = status["details"];
        return e;
      }
      if (mutating && response.contains("patch") && object) {
        if (response.value("patchType", "") != "JSONPatch") {
          return ApiError::Internal("failed calling webhook \"" + name + "\": unsupported patchType " +
                                    response.value("patchType", json("")).dump());
        }
        std::string text;
        json patch;
        if (!Base64Decode(response.value("patch", ""), &text) || !ParseJsonText(text, &patch).ok()) {
          return ApiError::Internal("failed calling webhook \"" + name + "\": the patch is not base64 JSON");
        }
        json patched = *object;
        err = JsonPatch(&patched, patch);
        if (!err.ok()) {
          return ApiError::Internal("failed calling webhook \"" + name + "\": " + err.message());
        }
        *object = std::move(patched);
      }
    }
  }
  return ApiError();
}

ApiError Webhooks::Mutate(const AdmissionAttributes& attrs, json* object,
                          std::vector<std::string>* warnings) {
  try {
    return Run(true, attrs, object, warnings);
  } catch (const json::exception& e) {
    return ApiError::Internal(std::string("malformed webhook configuration: ") + e.what());
  }
}

ApiError Webhooks::Validate(const AdmissionAttributes& attrs, const json& object,
                            std::vector<std::string>* warnings) {
  json copy = object;
  try {
    return Run(false, attrs, attrs.operation == "DELETE" ? nullptr : &copy, warnings);
  } catch (const json::exception& e) {
    return ApiError::Internal(std::string("malformed webhook configuration: ") + e.what());
  }
}

}  // namespace fedra::apiserver
