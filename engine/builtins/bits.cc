// bits builtins (stub; implementation pending).
#include "builtins/registry.h"

namespace fedra::builtins {

void RegisterBits(Registry& r) { (void)r; }

}  // namespace fedra::builtins
