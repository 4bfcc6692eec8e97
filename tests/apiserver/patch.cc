#include "tests/apiserver/patch.h"

#include <algorithm>

namespace fedra::apiserver {

void MergePatch(json* target, const json& patch) {
  if (!patch.is_object()) {
    *target = patch;
    return;
  }
  if (!target->is_object()) *target = json::object();
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    if (it->is_null()) {
      target->erase(it.key());
    } else {
      MergePatch(&(*target)[it.key()], it.value());
    }
  }
}

ApiError JsonPatch(json* target, const json& patch) {
  if (!patch.is_array()) {
    return ApiError::BadRequest("json patch must be a list of operations");
  }
  // Apply one operation at a time so an error names its index.
  for (size_t i = 0; i < patch.size(); ++i) {
    try {
      *target = target->patch(json::array({patch[i]}));
    } catch (const json::exception& e) {
      std::string what = e.what();
      return ApiError::Generic(422, "Invalid",
                               "the server rejected our request due to an error in our request: "
                               "json patch operation " + std::to_string(i) + " (" +
                                   patch[i].value("op", std::string("?")) + "): " + what);
    }
  }
  return ApiError();
}

namespace {

// The key elements of this list merge on, or "" when the list is atomic.
std::string MergeKey(const std::string& field, const json& list_sample) {
  if (field == "containers" || field == "initContainers" || field == "ephemeralContainers" ||
      field == "volumes" || field == "env" || field == "imagePullSecrets") {
    return "name";
  }
  if (field == "volumeMounts") return "mountPath";
  if (field == "ports") {
    for (const auto& e : list_sample) {
      if (e.is_object() && e.contains("containerPort")) return "containerPort";
    }
    return "port";
  }
  return "";
}

bool IsPrimitiveSetField(const std::string& field) { return field == "finalizers"; }

bool IsDirective(const std::string& key) {
  return key.rfind("$setElementOrder/", 0) == 0 || key == "$retainKeys" ||
         key.rfind("$deleteFromPrimitiveList/", 0) == 0 || key == "$patch";
}

json WithoutDirectives(const json& v) {
  if (!v.is_object()) return v;
  json out = json::object();
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!IsDirective(it.key())) out[it.key()] = WithoutDirectives(it.value());
  }
  return out;
}

void Strategic(json* target, const json& patch);

void MergeList(json* target, const json& patch, const std::string& key) {
  if (!target->is_array()) *target = json::array();
  for (const json& item : patch) {
    if (!item.is_object() || !item.contains(key)) {
      target->push_back(WithoutDirectives(item));
      continue;
    }
    auto existing = std::find_if(target->begin(), target->end(), [&](const json& e) {
      return e.is_object() && e.contains(key) && e[key] == item[key];
    });
    if (item.value("$patch", "") == "delete") {
      if (existing != target->end()) target->erase(existing);
      continue;
    }
    if (existing == target->end()) {
      target->push_back(WithoutDirectives(item));
    } else {
      Strategic(&*existing, item);
    }
  }
}

void Strategic(json* target, const json& patch) {
  if (!patch.is_object()) {
    *target = patch;
    return;
  }
  const std::string directive = patch.value("$patch", "");
  if (directive == "replace") {
    *target = WithoutDirectives(patch);
    return;
  }
  if (!target->is_object()) *target = json::object();
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    const std::string& key = it.key();
    if (IsDirective(key)) continue;
    const json& value = it.value();
    if (value.is_null()) {
      target->erase(key);
      continue;
    }
    json& slot = (*target)[key];
    if (value.is_array()) {
      std::string merge_key = MergeKey(key, value);
      if (!merge_key.empty()) {
        MergeList(&slot, value, merge_key);
      } else if (IsPrimitiveSetField(key)) {
        if (!slot.is_array()) slot = json::array();
        for (const json& v : value) {
          if (std::find(slot.begin(), slot.end(), v) == slot.end()) slot.push_back(v);
        }
      } else {
        slot = WithoutDirectives(value);
      }
    } else {
      Strategic(&slot, value);
    }
  }
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    static const std::string kPrefix = "$deleteFromPrimitiveList/";
    if (it.key().rfind(kPrefix, 0) != 0 || !it->is_array()) continue;
    std::string field = it.key().substr(kPrefix.size());
    auto list = target->find(field);
    if (list == target->end() || !list->is_array()) continue;
    json kept = json::array();
    for (const json& v : *list) {
      if (std::find(it->begin(), it->end(), v) == it->end()) kept.push_back(v);
    }
    *list = std::move(kept);
  }
}

}  // namespace

void StrategicMergePatch(json* target, const json& patch) { Strategic(target, patch); }

}  // namespace fedra::apiserver
