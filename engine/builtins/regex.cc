// regex builtins (stub; implementation pending).
#include "builtins/registry.h"

namespace fedra::builtins {

void RegisterRegex(Registry& r) { (void)r; }

}  // namespace fedra::builtins
