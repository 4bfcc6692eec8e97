// aggregates builtins (stub; implementation pending).
#include "builtins/registry.h"

namespace fedra::builtins {

void RegisterAggregates(Registry& r) { (void)r; }

}  // namespace fedra::builtins
