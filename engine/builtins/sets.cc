// sets builtins (stub; implementation pending).
#include "builtins/registry.h"

namespace fedra::builtins {

void RegisterSets(Registry& r) { (void)r; }

}  // namespace fedra::builtins
