#include "operator/reconcilers/webhook_config.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "admission/revision.h"
#include "operator/kube/config.h"

namespace fedra::op::reconcilers {

namespace {

using Json = nlohmann::json;
using admission::FailurePolicy;
using admission::PolicySpec;

bool HasStar(const std::vector<std::string>& v) {
  return std::find(v.begin(), v.end(), "*") != v.end();
}

std::string_view ScopeName(admission::Scope s) {
  switch (s) {
    case admission::Scope::kCluster:
      return "Cluster";
    case admission::Scope::kNamespaced:
      return "Namespaced";
    case admission::Scope::kAll:
      break;
  }
  return "*";
}

// (operations, scope) -> group -> resources.
using RuleSet = std::map<std::pair<std::vector<std::string>, std::string>,
                         std::map<std::string, std::set<std::string>>>;

Status AddPolicy(const PolicySpec& p, const ResourceResolver& resolver, RuleSet* rules) {
  std::vector<std::string> ops = p.match.operations;
  if (ops.empty() || HasStar(ops)) {
    ops = {"*"};
  } else {
    std::sort(ops.begin(), ops.end());
    ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
  }
  auto& groups = (*rules)[{ops, std::string(ScopeName(p.match.scope))}];
  if (p.match.kinds.empty()) {
    groups["*"].insert("*");
    return Status::OK();
  }
  for (size_t i = 0; i < p.match.kinds.size(); ++i) {
    const admission::KindSelector& ks = p.match.kinds[i];
    std::vector<std::string> gs = ks.api_groups;
    if (gs.empty() || HasStar(gs)) gs = {"*"};
    for (const std::string& g : gs) {
      if (ks.kinds.empty() || HasStar(ks.kinds)) {
        groups[g].insert("*");
        continue;
      }
      for (const std::string& kind : ks.kinds) {
        std::string resource;
        Status s = resolver ? resolver(g, kind, &resource) : Status::OK();
        if (!resolver) resource = GuessResourceName(kind);
        if (s.code() == StatusCode::kNotFound) continue;
        if (!s.ok()) {
          return s.WithContext("policy \"" + p.name + "\": match.kinds[" + std::to_string(i) +
                               "]: resolving kind " + kind + " in group \"" + g + "\"");
        }
        groups[g].insert(resource);
      }
    }
  }
  return Status::OK();
}

Json ToRules(const RuleSet& rules) {
  Json out = Json::array();
  for (const auto& [key, raw_groups] : rules) {
    std::map<std::string, std::set<std::string>> groups = raw_groups;
    for (auto& [g, res] : groups) {
      if (res.count("*") != 0) res = {"*"};
    }
    // What the any-group entry covers needs no per-group rule.
    if (auto any = groups.find("*"); any != groups.end()) {
      const std::set<std::string> covered = any->second;
      for (auto it = groups.begin(); it != groups.end();) {
        if (it->first != "*") {
          for (auto r = it->second.begin(); r != it->second.end();) {
            r = covered.count(*r) != 0 || covered.count("*") != 0 ? it->second.erase(r) : std::next(r);
          }
        }
        it = it->second.empty() ? groups.erase(it) : std::next(it);
      }
    }
    // Groups wanting the same resources share one rule.
    std::map<std::set<std::string>, std::vector<std::string>> by_resources;
    for (const auto& [g, res] : groups) by_resources[res].push_back(g);
    for (const auto& [res, gs] : by_resources) {
      out.push_back({{"operations", key.first},
                     {"apiGroups", gs},
                     {"apiVersions", Json::array({"*"})},
                     {"resources", std::vector<std::string>(res.begin(), res.end())},
                     {"scope", key.second}});
    }
  }
  return out;
}

Json Webhook(std::string name, Json rules, FailurePolicy fp, bool mutating,
             const WebhookConfigOptions& o) {
  Json hook = {
      {"name", std::move(name)},
      {"clientConfig",
       {{"service",
         {{"namespace", o.service.namespace_name},
          {"name", o.service.name},
          {"path", std::string(kAdmitPath)},
          {"port", o.service.port}}},
        {"caBundle", kube::EncodeBase64(o.ca_bundle_pem)}}},
      {"rules", std::move(rules)},
      {"failurePolicy", std::string(admission::FailurePolicyName(fp))},
      {"matchPolicy", "Equivalent"},
      // Never the engine's own namespace: with failurePolicy Fail, an engine
      // that is down would otherwise block its own Pods from being created,
      // and nothing could bring it back.
      {"namespaceSelector",
       {{"matchExpressions",
         Json::array({{{"key", "kubernetes.io/metadata.name"},
                       {"operator", "NotIn"},
                       {"values", Json::array({o.service.namespace_name})}}})}}},
      {"sideEffects", "None"},
      {"admissionReviewVersions", Json::array({"v1"})},
      {"timeoutSeconds", o.timeout_seconds},
  };
  if (mutating) hook["reinvocationPolicy"] = "Never";
  return hook;
}

Status Configuration(const std::vector<const PolicySpec*>& policies, bool mutating,
                     const WebhookConfigOptions& o, Json* out) {
  Json hooks = Json::array();
  const std::string suffix = mutating ? ".mutate.fedra.io" : ".admit.fedra.io";
  for (FailurePolicy fp : {FailurePolicy::kFail, FailurePolicy::kIgnore}) {
    std::vector<const PolicySpec*> these;
    for (const PolicySpec* p : policies) {
      if (p->failure_policy == fp) these.push_back(p);
    }
    if (these.empty()) continue;
    Json rules;
    FEDRA_RETURN_IF_ERROR(RulesFor(these, o.resolver, &rules));
    if (rules.empty()) continue;  // nothing the member serves
    std::string name = fp == FailurePolicy::kFail ? "fail" : "ignore";
    hooks.push_back(Webhook(name + suffix, std::move(rules), fp, mutating, o));
  }
  *out = {{"apiVersion", "admissionregistration.k8s.io/v1"},
          {"kind", mutating ? "MutatingWebhookConfiguration" : "ValidatingWebhookConfiguration"},
          {"metadata",
           {{"name", std::string(kWebhookConfigName)},
            {"labels", {{"app.kubernetes.io/managed-by", "fedra-operator"}}}}},
          {"webhooks", std::move(hooks)}};
  return Status::OK();
}

}  // namespace

Status PolicyMutates(const PolicySpec& policy, bool* mutates) {
  *mutates = false;
  if (policy.type != admission::PolicyType::kAdmission ||
      policy.enforcement == admission::Enforcement::kDryRun) {
    return Status::OK();
  }
  admission::PolicySource source;
  source.policies.push_back(policy);
  std::shared_ptr<const admission::Revision> rev;
  if (Status s = admission::Build(std::move(source), {}, &rev); !s.ok()) {
    return s.WithContext("policy \"" + policy.name + "\"");
  }
  *mutates = !rev->policies().empty() && rev->policies().front().has_patch;
  return Status::OK();
}

std::string GuessResourceName(std::string_view kind) {
  std::string s;
  s.reserve(kind.size() + 3);
  for (char c : kind) s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (s.empty() || s == "endpoints") return s;  // already plural
  auto ends = [&s](std::string_view tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
  };
  if (ends("s") || ends("x") || ends("z") || ends("ch") || ends("sh")) return s + "es";
  if (ends("y") && s.size() > 1 && std::string_view("aeiou").find(s[s.size() - 2]) == std::string_view::npos) {
    return s.substr(0, s.size() - 1) + "ies";
  }
  return s + "s";
}

Status RulesFor(const std::vector<const PolicySpec*>& policies, const ResourceResolver& resolver,
                Json* rules) {
  RuleSet set;
  for (const PolicySpec* p : policies) FEDRA_RETURN_IF_ERROR(AddPolicy(*p, resolver, &set));
  *rules = ToRules(set);
  return Status::OK();
}

Status BuildWebhookConfigurations(const std::vector<PolicySpec>& policies,
                                  const WebhookConfigOptions& options, WebhookConfigurations* out) {
  if (options.timeout_seconds < 1 || options.timeout_seconds > 30) {
    return Status::InvalidArgument("webhook timeout_seconds must be 1..30, not " +
                                   std::to_string(options.timeout_seconds));
  }
  if (options.service.name.empty() || options.service.namespace_name.empty()) {
    return Status::InvalidArgument("the engine Service needs a namespace and a name");
  }
  if (options.service.port < 1 || options.service.port > 65535) {
    return Status::InvalidArgument("engine Service port " + std::to_string(options.service.port) +
                                   " is not 1..65535");
  }
  if (options.ca_bundle_pem.empty()) return Status::InvalidArgument("the CA bundle is empty");
  std::vector<const PolicySpec*> all;
  std::vector<const PolicySpec*> mutating;
  for (const PolicySpec& p : policies) {
    all.push_back(&p);
    bool m = false;
    Status s = options.mutates ? options.mutates(p, &m) : PolicyMutates(p, &m);
    if (!s.ok()) return s.WithContext("deciding whether the policy mutates");
    if (m) mutating.push_back(&p);
  }
  // Every policy is validated after mutation, so the validating webhook
  // sees the object as it will be stored.
  FEDRA_RETURN_IF_ERROR(Configuration(all, false, options, &out->validating));
  out->mutating = Json();
  if (!mutating.empty()) {
    FEDRA_RETURN_IF_ERROR(Configuration(mutating, true, options, &out->mutating));
  }
  return Status::OK();
}

}  // namespace fedra::op::reconcilers
