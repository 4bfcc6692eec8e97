// Straight-line steps: which expressions the evaluator may run without a
// continuation (eval/eval_straight.cc).
//
// A test (`x.privileged == true`), an assignment of one value (`m :=
// sprintf(...)`), `not` and `every` have at most one solution once the
// locals they read are bound. This stage records, per expression, whether it
// can be such a step and which locals decide it, so the evaluator checks a
// few slots instead of walking the terms on every evaluation. Runs after
// check_safety (bodies are in their final order).
#ifndef FEDRA_COMPILE_STEPS_H_
#define FEDRA_COMPILE_STEPS_H_

#include "compile/ir.h"

namespace fedra::compile {

// Marks every expression of the rule's bodies (else branches and nested
// bodies included).
void PlanRuleSteps(ir::Rule* rule);
// The same for a query body.
void PlanSteps(ir::Body* body);

}  // namespace fedra::compile

#endif  // FEDRA_COMPILE_STEPS_H_
