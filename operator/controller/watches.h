// Event handlers that turn informer events into controller keys. The key
// is all a reconciler gets (level-based), so every kind of event (add,
// update, delete, resync) enqueues the same thing.
//
// Thread safety: the handlers run on informer threads and only call
// Controller::Enqueue, which is thread-safe. The controller must outlive
// the informer's use of the handler (stop informers first).
#ifndef FEDRA_OP_CONTROLLER_WATCHES_H_
#define FEDRA_OP_CONTROLLER_WATCHES_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "operator/controller/controller.h"
#include "operator/informer/informer.h"

namespace fedra::op::controller {

// The object's own key, tagged with `cluster`.
Key KeyForObject(const nlohmann::json& obj, const std::string& cluster = "");

// Enqueues the key of each object seen. Resyncs (old == new) enqueue too:
// that is their purpose.
informer::EventHandler EnqueueObject(Controller* controller, std::string cluster = "");

// Enqueues whatever `map` returns for each object seen (the object's owner,
// the policies that select a cluster, ...). For updates, the keys of both
// the old and the new object, so a relabelled object leaves its old owner
// reconciled too.
using MapFunc = std::function<std::vector<Key>(const nlohmann::json& obj)>;
informer::EventHandler EnqueueMapped(Controller* controller, MapFunc map);

}  // namespace fedra::op::controller

#endif  // FEDRA_OP_CONTROLLER_WATCHES_H_
