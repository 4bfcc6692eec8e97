#include "operator/controller/watches.h"

#include <utility>

namespace fedra::op::controller {
namespace {

std::string Meta(const nlohmann::json& obj, const char* field) {
  if (!obj.is_object()) return "";
  auto md = obj.find("metadata");
  if (md == obj.end() || !md->is_object()) return "";
  auto it = md->find(field);
  return it != md->end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

Key KeyForObject(const nlohmann::json& obj, const std::string& cluster) {
  return Key{cluster, Meta(obj, "namespace"), Meta(obj, "name")};
}

informer::EventHandler EnqueueObject(Controller* controller, std::string cluster) {
  auto enqueue = [controller, cluster](const informer::ObjectPtr& obj) {
    Key k = KeyForObject(*obj, cluster);
    if (!k.name.empty()) controller->Enqueue(k);
  };
  informer::EventHandler h;
  h.on_add = [enqueue](const informer::ObjectPtr& obj, bool) { enqueue(obj); };
  h.on_update = [enqueue](const informer::ObjectPtr&, const informer::ObjectPtr& obj) {
    enqueue(obj);
  };
  h.on_delete = [enqueue](const informer::ObjectPtr& obj, bool) { enqueue(obj); };
  return h;
}

informer::EventHandler EnqueueMapped(Controller* controller, MapFunc map) {
  auto enqueue = [controller, map = std::move(map)](const informer::ObjectPtr& obj) {
    for (const Key& k : map(*obj)) {
      if (!k.name.empty()) controller->Enqueue(k);
    }
  };
  informer::EventHandler h;
  h.on_add = [enqueue](const informer::ObjectPtr& obj, bool) { enqueue(obj); };
  h.on_update = [enqueue](const informer::ObjectPtr& old_obj, const informer::ObjectPtr& obj) {
    if (old_obj != obj) enqueue(old_obj);
    enqueue(obj);
  };
  h.on_delete = [enqueue](const informer::ObjectPtr& obj, bool) { enqueue(obj); };
  return h;
}

}  // namespace fedra::op::controller
