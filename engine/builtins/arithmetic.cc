// arithmetic builtins (stub; implementation pending).
#include "builtins/registry.h"

namespace fedra::builtins {

void RegisterArithmetic(Registry& r) { (void)r; }

}  // namespace fedra::builtins
