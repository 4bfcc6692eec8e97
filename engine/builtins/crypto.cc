// crypto builtins (stub; implementation pending).
#include "builtins/registry.h"

namespace fedra::builtins {

void RegisterCrypto(Registry& r) { (void)r; }

}  // namespace fedra::builtins
