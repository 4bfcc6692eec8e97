// The one place that lists every builtin family. Explicit calls (rather than
// static initialisers) keep registration order and link-time dependencies
// visible, and let a test build a registry with any subset of families.
#include "builtins/registry.h"

namespace fedra::builtins {

void RegisterAll(Registry& r) {
  RegisterComparison(r);
  RegisterArithmetic(r);
  RegisterAggregates(r);
  RegisterTypes(r);
  RegisterSets(r);
  RegisterArrays(r);
  RegisterObjects(r);
  RegisterStrings(r);
  RegisterEncoding(r);
  RegisterRegex(r);
  RegisterBits(r);
  RegisterUnits(r);
  RegisterSemver(r);
  RegisterTime(r);
  RegisterCrypto(r);
  RegisterNet(r);
  RegisterMisc(r);
  RegisterGraphql(r);
  RegisterNetwork(r);
  RegisterRego(r);
}

}  // namespace fedra::builtins
