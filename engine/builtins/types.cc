// types builtins (stub; implementation pending).
#include "builtins/registry.h"

namespace fedra::builtins {

void RegisterTypes(Registry& r) { (void)r; }

}  // namespace fedra::builtins
