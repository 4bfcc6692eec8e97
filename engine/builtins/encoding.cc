// encoding builtins (stub; implementation pending).
#include "builtins/registry.h"

namespace fedra::builtins {

void RegisterEncoding(Registry& r) { (void)r; }

}  // namespace fedra::builtins
