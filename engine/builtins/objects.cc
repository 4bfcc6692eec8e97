// objects builtins (stub; implementation pending).
#include "builtins/registry.h"

namespace fedra::builtins {

void RegisterObjects(Registry& r) { (void)r; }

}  // namespace fedra::builtins
