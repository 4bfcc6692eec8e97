// time builtins (stub; implementation pending).
#include "builtins/registry.h"

namespace fedra::builtins {

void RegisterTime(Registry& r) { (void)r; }

}  // namespace fedra::builtins
