#include "tests/apiserver/builtin_validation.h"

#include <set>

#include "tests/apiserver/json_util.h"

namespace fedra::apiserver {

namespace {

Cause Required(const std::string& field) { return {"FieldValueRequired", "Required value", field}; }

Cause NotSupported(const std::string& field, const json& value, const std::string& supported) {
  return {"FieldValueNotSupported",
          "Unsupported value: " + value.dump() + ": supported values: " + supported, field};
}

bool StringList(const json& v) {
  if (!v.is_array()) return false;
  for (const json& e : v) {
    if (!e.is_string()) return false;
  }
  return true;
}

}  // namespace

ApiError ValidateMetadata(const ResourceType& type, const json& obj) {
  std::vector<Cause> causes;
  const json& meta = obj["metadata"];
  for (const char* field : {"labels", "annotations"}) {
    auto it = meta.find(field);
    if (it == meta.end() || it->is_null()) continue;
    std::string path = std::string("metadata.") + field;
    if (!it->is_object()) {
      causes.push_back({"FieldValueTypeInvalid", "Invalid value: must be a map of strings", path});
      continue;
    }
    for (auto kv = it->begin(); kv != it->end(); ++kv) {
      if (!kv->is_string()) {
        causes.push_back({"FieldValueTypeInvalid", "Invalid value: " + kv->dump() + ": must be a string",
                          path + "[" + kv.key() + "]"});
      } else if (std::string(field) == "labels" && kv->get_ref<const std::string&>().size() > 63) {
        causes.push_back({"FieldValueInvalid", "Invalid value: " + kv->dump() + ": must be no more than 63 characters",
                          path});
      }
    }
  }
  if (auto f = meta.find("finalizers"); f != meta.end() && !f->is_null() && !StringList(*f)) {
    causes.push_back({"FieldValueTypeInvalid", "Invalid value: must be a list of strings", "metadata.finalizers"});
  }
  if (causes.empty()) return ApiError();
  return ApiError::Invalid(type.group, type.kind, MetaString(obj, "name"), std::move(causes));
}

ApiError ValidateWebhookConfiguration(const ResourceType& type, const json& obj) {
  if (type.group != "admissionregistration.k8s.io") return ApiError();
  const bool mutating = type.kind == "MutatingWebhookConfiguration";
  std::vector<Cause> causes;
  auto webhooks = obj.find("webhooks");
  if (webhooks == obj.end() || webhooks->is_null()) return ApiError();
  if (!webhooks->is_array()) {
    causes.push_back({"FieldValueTypeInvalid", "Invalid value: must be a list", "webhooks"});
  } else {
    std::set<std::string> names;
    for (size_t i = 0; i < webhooks->size(); ++i) {
      const json& w = (*webhooks)[i];
      const std::string at = "webhooks[" + std::to_string(i) + "]";
      if (!w.is_object()) {
        causes.push_back({"FieldValueTypeInvalid", "Invalid value: must be an object", at});
        continue;
      }
      auto name = w.find("name");
      if (name == w.end() || !name->is_string() || name->get<std::string>().empty()) {
        causes.push_back(Required(at + ".name"));
      } else if (!names.insert(name->get<std::string>()).second) {
        causes.push_back({"FieldValueDuplicate", "Duplicate value: " + name->dump(), at + ".name"});
      }
      auto cc = w.find("clientConfig");
      if (cc == w.end() || !cc->is_object()) {
        causes.push_back(Required(at + ".clientConfig"));
      } else {
        bool url = cc->contains("url"), svc = cc->contains("service");
        if (url == svc) {
          causes.push_back({"FieldValueRequired", "Required value: exactly one of url or service is required",
                            at + ".clientConfig"});
        } else if (url && (!(*cc)["url"].is_string() ||
                           (*cc)["url"].get<std::string>().rfind("https://", 0) != 0)) {
          causes.push_back({"FieldValueInvalid", "Invalid value: " + (*cc)["url"].dump() +
                                                     ": 'https' is the only allowed URL scheme",
                            at + ".clientConfig.url"});
        } else if (svc && (!(*cc)["service"].is_object() || !(*cc)["service"].contains("name") ||
                           !(*cc)["service"].contains("namespace"))) {
          causes.push_back(Required(at + ".clientConfig.service.name"));
        }
        if (cc->contains("caBundle")) {
          std::string pem;
          if (!(*cc)["caBundle"].is_string() || !Base64Decode((*cc)["caBundle"].get<std::string>(), &pem)) {
            causes.push_back({"FieldValueInvalid", "Invalid value: must be base64", at + ".clientConfig.caBundle"});
          }
        }
      }
      auto side = w.find("sideEffects");
      if (side == w.end()) {
        causes.push_back(Required(at + ".sideEffects"));
      } else if (*side != "None" && *side != "NoneOnDryRun") {
        causes.push_back(NotSupported(at + ".sideEffects", *side, "\"None\", \"NoneOnDryRun\""));
      }
      auto versions = w.find("admissionReviewVersions");
      if (versions == w.end() || !StringList(*versions) || versions->empty()) {
        causes.push_back(Required(at + ".admissionReviewVersions"));
      } else if (std::find(versions->begin(), versions->end(), json("v1")) == versions->end()) {
        causes.push_back({"FieldValueInvalid",
                          "Invalid value: " + versions->dump() + ": must include at least one of v1",
                          at + ".admissionReviewVersions"});
      }
      if (auto fp = w.find("failurePolicy"); fp != w.end() && *fp != "Fail" && *fp != "Ignore") {
        causes.push_back(NotSupported(at + ".failurePolicy", *fp, "\"Fail\", \"Ignore\""));
      }
      if (auto t = w.find("timeoutSeconds"); t != w.end() &&
          (!t->is_number_integer() || t->get<long long>() < 1 || t->get<long long>() > 30)) {
        causes.push_back({"FieldValueInvalid", "Invalid value: " + t->dump() + ": the timeout value must be between 1 and 30 seconds",
                          at + ".timeoutSeconds"});
      }
      if (mutating) {
        if (auto rp = w.find("reinvocationPolicy"); rp != w.end() && *rp != "Never" && *rp != "IfNeeded") {
          causes.push_back(NotSupported(at + ".reinvocationPolicy", *rp, "\"IfNeeded\", \"Never\""));
        }
      }
      auto rules = w.find("rules");
      if (rules != w.end() && !rules->is_array()) {
        causes.push_back({"FieldValueTypeInvalid", "Invalid value: must be a list", at + ".rules"});
      } else if (rules != w.end()) {
        for (size_t r = 0; r < rules->size(); ++r) {
          const json& rule = (*rules)[r];
          const std::string rat = at + ".rules[" + std::to_string(r) + "]";
          for (const char* f : {"operations", "apiGroups", "apiVersions", "resources"}) {
            if (!rule.is_object() || !rule.contains(f) || !StringList(rule[f]) || rule[f].empty()) {
              causes.push_back(Required(rat + "." + f));
            }
          }
        }
      }
      for (const char* sel : {"namespaceSelector", "objectSelector"}) {
        auto s = w.find(sel);
        if (s == w.end() || s->is_null()) continue;
        if (!s->is_object()) {
          causes.push_back({"FieldValueTypeInvalid", "Invalid value: must be a label selector", at + "." + sel});
          continue;
        }
        if (auto ml = s->find("matchLabels"); ml != s->end() && !ml->is_object()) {
          causes.push_back({"FieldValueTypeInvalid", "Invalid value: must be a map", at + "." + sel + ".matchLabels"});
        }
        if (auto me = s->find("matchExpressions"); me != s->end()) {
          for (size_t e = 0; me->is_array() && e < me->size(); ++e) {
            const json& ex = (*me)[e];
            std::string eat = at + "." + sel + ".matchExpressions[" + std::to_string(e) + "]";
            if (!ex.is_object() || !ex.contains("key") || !ex["key"].is_string()) causes.push_back(Required(eat + ".key"));
            std::string op = ex.is_object() && ex.contains("operator") && ex["operator"].is_string() ? ex["operator"].get<std::string>() : "";
            if (op != "In" && op != "NotIn" && op != "Exists" && op != "DoesNotExist") {
              causes.push_back(NotSupported(eat + ".operator", ex.is_object() ? ex.value("operator", json()) : json(),
                                            "\"DoesNotExist\", \"Exists\", \"In\", \"NotIn\""));
            }
            if (ex.is_object() && ex.contains("values") && !StringList(ex["values"])) {
              causes.push_back({"FieldValueTypeInvalid", "Invalid value: must be a list of strings", eat + ".values"});
            }
          }
        }
      }
    }
  }
  if (causes.empty()) return ApiError();
  return ApiError::Invalid(type.group, type.kind, MetaString(obj, "name"), std::move(causes));
}

}  // namespace fedra::apiserver
