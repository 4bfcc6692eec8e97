// semver builtins (stub; implementation pending).
#include "builtins/registry.h"

namespace fedra::builtins {

void RegisterSemver(Registry& r) { (void)r; }

}  // namespace fedra::builtins
