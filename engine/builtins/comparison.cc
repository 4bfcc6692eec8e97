// comparison builtins (stub; implementation pending).
#include "builtins/registry.h"

namespace fedra::builtins {

void RegisterComparison(Registry& r) { (void)r; }

}  // namespace fedra::builtins
