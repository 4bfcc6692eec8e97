#include "operator/informer/store.h"

#include <exception>
#include <mutex>
#include <utility>

namespace fedra::op::informer {
namespace {

const nlohmann::json* Metadata(const nlohmann::json& obj) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find("metadata");
  if (it == obj.end() || !it->is_object()) return nullptr;
  return &*it;
}

std::string StringField(const nlohmann::json& obj, const char* field) {
  auto it = obj.find(field);
  if (it == obj.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::vector<std::string> NamespaceValues(const nlohmann::json& obj) {
  const nlohmann::json* md = Metadata(obj);
  if (md == nullptr) return {};
  std::string ns = StringField(*md, "namespace");
  if (ns.empty()) return {};
  return {ns};
}

std::vector<std::string> LabelValues(const nlohmann::json& obj) {
  const nlohmann::json* md = Metadata(obj);
  if (md == nullptr) return {};
  auto it = md->find("labels");
  if (it == md->end() || !it->is_object()) return {};
  std::vector<std::string> out;
  for (const auto& [k, v] : it->items()) {
    if (v.is_string()) out.push_back(k + "=" + v.get<std::string>());
  }
  return out;
}

std::map<std::string, IndexFunc, std::less<>> WithBuiltins(std::map<std::string, IndexFunc> extra) {
  std::map<std::string, IndexFunc, std::less<>> all(extra.begin(), extra.end());
  all[kNamespaceIndex] = NamespaceValues;
  all[kLabelsIndex] = LabelValues;
  return all;
}

}  // namespace

std::string KeyOf(const nlohmann::json& obj) {
  const nlohmann::json* md = Metadata(obj);
  if (md == nullptr) return "";
  std::string name = StringField(*md, "name");
  if (name.empty()) return "";
  std::string ns = StringField(*md, "namespace");
  return ns.empty() ? name : ns + "/" + name;
}

std::string ResourceVersionOf(const nlohmann::json& obj) {
  const nlohmann::json* md = Metadata(obj);
  return md == nullptr ? "" : StringField(*md, "resourceVersion");
}

Store::Store(std::map<std::string, IndexFunc> indexers)
    : indexers_(WithBuiltins(std::move(indexers))) {
  for (const auto& [name, fn] : indexers_) indexes_[name];
}

ObjectPtr Store::Get(std::string_view key) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = items_.find(key);
  return it == items_.end() ? nullptr : it->second.obj;
}

ObjectPtr Store::Get(std::string_view namespace_name, std::string_view name) const {
  if (namespace_name.empty()) return Get(name);
  return Get(std::string(namespace_name) + "/" + std::string(name));
}

std::vector<ObjectPtr> Store::List() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::vector<ObjectPtr> out;
  out.reserve(items_.size());
  for (const auto& [key, e] : items_) out.push_back(e.obj);
  return out;
}

std::vector<std::string> Store::ListKeys() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::vector<std::string> out;
  out.reserve(items_.size());
  for (const auto& [key, e] : items_) out.push_back(key);
  return out;
}

size_t Store::size() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return items_.size();
}

std::vector<ObjectPtr> Store::ObjectsLocked(const std::set<std::string>& keys) const {
  std::vector<ObjectPtr> out;
  out.reserve(keys.size());
  for (const std::string& k : keys) {
    auto it = items_.find(k);
    if (it != items_.end()) out.push_back(it->second.obj);
  }
  return out;
}

std::vector<ObjectPtr> Store::ByIndex(std::string_view index, std::string_view value) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto idx = indexes_.find(index);
  if (idx == indexes_.end()) return {};
  auto it = idx->second.find(std::string(value));
  if (it == idx->second.end()) return {};
  return ObjectsLocked(it->second);
}

std::vector<std::string> Store::IndexKeys(std::string_view index, std::string_view value) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto idx = indexes_.find(index);
  if (idx == indexes_.end()) return {};
  auto it = idx->second.find(std::string(value));
  if (it == idx->second.end()) return {};
  return std::vector<std::string>(it->second.begin(), it->second.end());
}

std::vector<ObjectPtr> Store::ListNamespace(std::string_view namespace_name) const {
  return ByIndex(kNamespaceIndex, namespace_name);
}

std::vector<ObjectPtr> Store::ListMatchingLabels(
    const std::map<std::string, std::string>& labels) const {
  if (labels.empty()) return List();
  std::shared_lock<std::shared_mutex> lock(mu_);
  const Index& idx = indexes_.find(kLabelsIndex)->second;
  // Start from the first label's keys and keep those that have the others.
  std::set<std::string> keys;
  bool first = true;
  for (const auto& [k, v] : labels) {
    auto it = idx.find(k + "=" + v);
    if (it == idx.end()) return {};
    if (first) {
      keys = it->second;
      first = false;
      continue;
    }
    std::set<std::string> both;
    for (const std::string& key : keys) {
      if (it->second.count(key)) both.insert(key);
    }
    keys = std::move(both);
  }
  return ObjectsLocked(keys);
}

std::vector<std::string> Store::IndexNames() const {
  std::vector<std::string> out;
  for (const auto& [name, fn] : indexers_) out.push_back(name);
  return out;
}

void Store::IndexLocked(const std::string& key, Entry* e) {
  for (const auto& [name, fn] : indexers_) {
    std::vector<std::string> values;
    try {
      values = fn(*e->obj);
    } catch (const std::exception&) {
      values.clear();  // documented: a throwing IndexFunc indexes nothing
    }
    Index& idx = indexes_.find(name)->second;
    for (const std::string& v : values) idx[v].insert(key);
    e->indexed[name] = std::move(values);
  }
}

void Store::UnindexLocked(const std::string& key, const Entry& e) {
  for (const auto& [name, values] : e.indexed) {
    Index& idx = indexes_.find(name)->second;
    for (const std::string& v : values) {
      auto it = idx.find(v);
      if (it == idx.end()) continue;
      it->second.erase(key);
      if (it->second.empty()) idx.erase(it);
    }
  }
}

bool Store::Upsert(ObjectPtr obj, Delta* delta) {
  if (!obj) return false;
  std::string key = KeyOf(*obj);
  if (key.empty()) return false;
  std::unique_lock<std::shared_mutex> lock(mu_);
  auto it = items_.find(key);
  if (it == items_.end()) {
    Entry& e = items_[key];
    e.obj = obj;
    IndexLocked(key, &e);
    *delta = Delta{Delta::kAdded, nullptr, std::move(obj), false};
    return true;
  }
  UnindexLocked(key, it->second);
  ObjectPtr old = std::move(it->second.obj);
  it->second.obj = obj;
  it->second.indexed.clear();
  IndexLocked(key, &it->second);
  *delta = Delta{Delta::kUpdated, std::move(old), std::move(obj), false};
  return true;
}

bool Store::Remove(std::string_view key, ObjectPtr obj, Delta* delta) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  auto it = items_.find(key);
  if (it == items_.end()) return false;
  UnindexLocked(it->first, it->second);
  ObjectPtr old = obj ? std::move(obj) : it->second.obj;
  items_.erase(it);
  *delta = Delta{Delta::kDeleted, std::move(old), nullptr, false};
  return true;
}

std::vector<Delta> Store::Replace(std::vector<ObjectPtr> objects, size_t* skipped) {
  std::map<std::string, ObjectPtr> fresh;
  size_t bad = 0;
  for (ObjectPtr& o : objects) {
    std::string key = o ? KeyOf(*o) : "";
    if (key.empty()) {
      ++bad;
      continue;
    }
    fresh[std::move(key)] = std::move(o);  // a duplicate key: the later wins
  }
  if (skipped) *skipped = bad;

  std::vector<Delta> deltas;
  std::unique_lock<std::shared_mutex> lock(mu_);
  for (auto it = items_.begin(); it != items_.end();) {
    if (fresh.count(it->first)) {
      ++it;
      continue;
    }
    UnindexLocked(it->first, it->second);
    deltas.push_back(Delta{Delta::kDeleted, std::move(it->second.obj), nullptr, true});
    it = items_.erase(it);
  }
  for (auto& [key, obj] : fresh) {
    auto it = items_.find(key);
    if (it == items_.end()) {
      Entry& e = items_[key];
      e.obj = obj;
      IndexLocked(key, &e);
      deltas.push_back(Delta{Delta::kAdded, nullptr, std::move(obj), false});
      continue;
    }
    if (ResourceVersionOf(*it->second.obj) == ResourceVersionOf(*obj) &&
        !ResourceVersionOf(*obj).empty()) {
      continue;  // unchanged: keep the stored pointer, no event
    }
    UnindexLocked(key, it->second);
    ObjectPtr old = std::move(it->second.obj);
    it->second.obj = obj;
    it->second.indexed.clear();
    IndexLocked(key, &it->second);
    deltas.push_back(Delta{Delta::kUpdated, std::move(old), std::move(obj), false});
  }
  return deltas;
}

}  // namespace fedra::op::informer
