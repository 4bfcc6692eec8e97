// arrays builtins (stub; implementation pending).
#include "builtins/registry.h"

namespace fedra::builtins {

void RegisterArrays(Registry& r) { (void)r; }

}  // namespace fedra::builtins
