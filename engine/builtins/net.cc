// net builtins (stub; implementation pending).
#include "builtins/registry.h"

namespace fedra::builtins {

void RegisterNet(Registry& r) { (void)r; }

}  // namespace fedra::builtins
