// units builtins (stub; implementation pending).
#include "builtins/registry.h"

namespace fedra::builtins {

void RegisterUnits(Registry& r) { (void)r; }

}  // namespace fedra::builtins
