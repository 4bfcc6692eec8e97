// misc builtins (stub; implementation pending).
#include "builtins/registry.h"

namespace fedra::builtins {

void RegisterMisc(Registry& r) { (void)r; }

}  // namespace fedra::builtins
