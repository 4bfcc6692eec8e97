#include "tests/apiserver/patch.h"

#include <algorithm>
#include <vector>

#include "tests/apiserver/json_util.h"

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

namespace {

constexpr size_t kMaxPatchOperations = 10000;
constexpr size_t kMaxNodes = 1000000;

// Nodes in `v` (stopping once past `cap`) and its depth, without recursion.
size_t CountNodes(const json& v, size_t cap, int* depth) {
  size_t n = 0;
  *depth = 0;
  std::vector<std::pair<const json*, int>> stack{{&v, 0}};
  while (!stack.empty() && n <= cap) {
    auto [node, d] = stack.back();
    stack.pop_back();
    ++n;
    *depth = std::max(*depth, d);
    if (node->is_structured()) {
      for (const json& child : *node) stack.push_back({&child, d + 1});
    }
  }
  return n;
}

ApiError PatchError(size_t i, const json& op, const std::string& what) {
  std::string name = op.is_object() && op.contains("op") && op["op"].is_string() ? op["op"].get<std::string>() : "?";
  return ApiError::Generic(422, "Invalid",
                           "the server rejected our request due to an error in our request: "
                           "json patch operation " + std::to_string(i) + " (" + name + "): " + what);
}

}  // namespace

ApiError JsonPatch(json* target, const json& patch) {
  if (!patch.is_array()) {
    return ApiError::BadRequest("json patch must be a list of operations");
  }
  if (patch.size() > kMaxPatchOperations) {
    return ApiError::Generic(422, "RequestEntityTooLarge",
                             "the json patch has " + std::to_string(patch.size()) +
                                 " operations, more than the " + std::to_string(kMaxPatchOperations) + " allowed");
  }
  // `copy` is the one operation that can grow a document beyond what the
  // request carries (copying the root into itself doubles it): its growth
  // is counted, so size and depth stay bounded at linear cost.
  int depth = 0;
  size_t nodes = CountNodes(*target, kMaxNodes, &depth);
  for (size_t i = 0; i < patch.size(); ++i) {
    const json& op = patch[i];
    try {
      if (op.is_object() && op.value("op", "") == "copy" && op.contains("from") && op.contains("path")) {
        int from_depth = 0;
        const json& from = target->at(json::json_pointer(op["from"].get<std::string>()));
        nodes += CountNodes(from, kMaxNodes - std::min(nodes, kMaxNodes), &from_depth);
        const std::string path = op["path"].get<std::string>();
        int path_depth = static_cast<int>(std::count(path.begin(), path.end(), '/'));
        if (nodes > kMaxNodes || from_depth + path_depth > kMaxDepth) {
          return PatchError(i, op, "the result would be too large or too deep");
        }
      }
      // One operation at a time, in place, so an error names its index
      // without copying the document per operation. Callers patch a copy.
      target->patch_inplace(json::array({op}));
    } catch (const json::exception& e) {
      return PatchError(i, op, e.what());
    }
  }
  if (Depth(*target) > kMaxDepth) {
    return ApiError::Generic(422, "Invalid", "the patched object is nested deeper than " + std::to_string(kMaxDepth));
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
