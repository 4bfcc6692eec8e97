// strings builtins (stub; implementation pending).
#include "builtins/registry.h"

namespace fedra::builtins {

void RegisterStrings(Registry& r) { (void)r; }

}  // namespace fedra::builtins
