// Safety: every variable must be bound before it is read.
//
// Bodies are reordered (stably: the first expression whose inputs are bound
// runs next) so that e.g. `x > 1; x = input.n` evaluates the assignment
// first, as OPA does. A variable that no ordering can bind is reported as
// rego_unsafe_var_error "var x is unsafe" at the expression that reads it.
// Nested bodies (comprehensions, `not`, `every`) are checked with the
// variables bound where they occur.
#ifndef FEDRA_COMPILE_SAFETY_H_
#define FEDRA_COMPILE_SAFETY_H_

#include <vector>

#include "compile/ir.h"

namespace fedra::compile {

void CheckRuleSafety(ir::Rule* rule, std::vector<Status>* errors);
void CheckQuerySafety(ir::Body* body, uint32_t num_slots, std::vector<Status>* errors);

}  // namespace fedra::compile

#endif  // FEDRA_COMPILE_SAFETY_H_
