// Store: the informer's cache of one resource's objects, with indexes.
//
// Objects are immutable once stored: each is held as a
// shared_ptr<const nlohmann::json>, so a reader keeps the version it got
// even while the writer replaces it (as kube-rs's reflector store hands out
// Arc<K>); nothing is copied on read but the pointer. Sharing is the point
// here, which is why this is a shared_ptr and not a unique one.
//
// Keys are client-go's: "namespace/name", or "name" for cluster-scoped
// objects (KeyOf()).
//
// Indexes: "namespace" (metadata.namespace), "labels" (one value
// "key=value" per label) and any named IndexFunc given at construction. An
// IndexFunc that throws (a missing field in nlohmann) indexes nothing for
// that object.
//
// Thread safety: one writer, many readers. Readers use the const methods
// from any thread (a shared lock); the writer methods (Upsert, Remove,
// Replace) belong to the one informer that owns the store, which hands out
// only `const Store&`.
#ifndef FEDRA_OP_INFORMER_STORE_H_
#define FEDRA_OP_INFORMER_STORE_H_

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "operator/workqueue/thread_annotations.h"

namespace fedra::op::informer {

using ObjectPtr = std::shared_ptr<const nlohmann::json>;
// The values an object is indexed under (none: not indexed).
using IndexFunc = std::function<std::vector<std::string>(const nlohmann::json&)>;

inline constexpr char kNamespaceIndex[] = "namespace";
inline constexpr char kLabelsIndex[] = "labels";

// "namespace/name" or "name"; "" when metadata.name is missing or not a
// string (such objects are never stored).
std::string KeyOf(const nlohmann::json& obj);
// metadata.resourceVersion, or "".
std::string ResourceVersionOf(const nlohmann::json& obj);

// One change a write made, for the event handlers.
struct Delta {
  enum Type { kAdded, kUpdated, kDeleted };
  Type type;
  ObjectPtr old_object;  // kUpdated, kDeleted
  ObjectPtr new_object;  // kAdded, kUpdated
  // kDeleted by Replace(): the object vanished while no watch was running,
  // so old_object is the last state seen, not the state at deletion
  // (client-go's DeletedFinalStateUnknown).
  bool final_state_unknown = false;
};

class Store {
 public:
  explicit Store(std::map<std::string, IndexFunc> indexers = {});
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // ---- readers ----
  ObjectPtr Get(std::string_view key) const;
  ObjectPtr Get(std::string_view namespace_name, std::string_view name) const;
  std::vector<ObjectPtr> List() const;  // in key order
  std::vector<std::string> ListKeys() const;
  size_t size() const;
  // Objects whose index `index` holds `value`, in key order; empty for an
  // unknown index.
  std::vector<ObjectPtr> ByIndex(std::string_view index, std::string_view value) const;
  std::vector<std::string> IndexKeys(std::string_view index, std::string_view value) const;
  std::vector<ObjectPtr> ListNamespace(std::string_view namespace_name) const;
  // Objects carrying every label in `labels` (an equality selector).
  std::vector<ObjectPtr> ListMatchingLabels(const std::map<std::string, std::string>& labels) const;
  std::vector<std::string> IndexNames() const;

  // ---- the writer ----
  // Inserts or replaces by KeyOf(*obj). The delta says which; an object
  // with no key is refused (returns false).
  bool Upsert(ObjectPtr obj, Delta* delta);
  // Removes `key`; false when absent. `obj` (the watch's final state) is
  // reported as old_object when given, else the stored one.
  bool Remove(std::string_view key, ObjectPtr obj, Delta* delta);
  // Makes the store hold exactly `objects` (a relist) and returns what
  // changed: added, updated (resourceVersion differs) and deleted
  // (final_state_unknown) objects. Unchanged objects produce no delta.
  // Objects without a key are skipped and counted in *skipped.
  std::vector<Delta> Replace(std::vector<ObjectPtr> objects, size_t* skipped = nullptr);

 private:
  struct Entry {
    ObjectPtr obj;
    // index name -> values this object is indexed under (to unindex it).
    std::map<std::string, std::vector<std::string>, std::less<>> indexed;
  };
  using Index = std::unordered_map<std::string, std::set<std::string>>;

  void IndexLocked(const std::string& key, Entry* e);
  void UnindexLocked(const std::string& key, const Entry& e);
  std::vector<ObjectPtr> ObjectsLocked(const std::set<std::string>& keys) const;

  const std::map<std::string, IndexFunc, std::less<>> indexers_;
  mutable std::shared_mutex mu_;
  std::map<std::string, Entry, std::less<>> items_ GUARDED_BY(mu_);
  std::map<std::string, Index, std::less<>> indexes_ GUARDED_BY(mu_);
};

}  // namespace fedra::op::informer

#endif  // FEDRA_OP_INFORMER_STORE_H_
