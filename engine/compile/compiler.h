// The compiler: an ordered list of named stages, in the manner of OPA's
// ast.Compiler. Each stage reads and extends one CompileState; a stage that
// records errors stops the pipeline after it. Tests can stop after any
// stage by name (CompileOptions::stop_after).
//
// Stages, in order (each line says what it needs from earlier ones):
//   resolve_packages  package paths, imports, rule names per package,
//                     the annotation index
//   build_rule_tree   rule nodes under data; kinds, arity, conflicts
//                     (needs resolve_packages)
//   lower_rules       AST -> IR with names resolved (needs build_rule_tree:
//                     calls resolve against function nodes)
//   check_safety      body reordering, unsafe variables (needs lower_rules)
//   plan_steps        which expressions run as straight-line steps
//                     (needs check_safety: reads final bodies)
//   check_recursion   rule dependency cycles (needs lower_rules)
//   build_indexes     equality indexes on input for large rule sets
//                     (needs check_safety: reads final bodies)
#ifndef FEDRA_COMPILE_COMPILER_H_
#define FEDRA_COMPILE_COMPILER_H_

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "compile/lower.h"
#include "compile/policy.h"

namespace fedra::compile {

struct CompileState {
  PolicySet::Impl* impl = nullptr;
  std::vector<ModuleNames> module_names;  // parallel to impl->modules
  std::map<std::string, std::set<std::string, std::less<>>> rule_names;  // by package
  // Each AST rule with its node and key steps, in module order.
  struct PendingRule {
    const ast::Rule* rule;
    size_t module;
    ir::RuleNode* node;
    std::vector<ast::Term> key_steps;
  };
  std::vector<PendingRule> pending;
  std::vector<ir::Rule*> all_rules;
  AnnotationSet annotations;  // for rego.metadata.* (resolve_packages)
  std::vector<Status> errors;
};

struct Stage {
  const char* name;
  void (*run)(CompileState* state);
};

// The stages in order.
const std::vector<Stage>& Stages();

// Runs the stages (all, or up to and including `stop_after`). Per-stage
// wall time is recorded in `timings` when given.
void RunStages(CompileState* state, const std::string& stop_after,
               std::vector<std::pair<std::string, std::chrono::nanoseconds>>* timings = nullptr);

// Compiles a query against a compiled policy set.
Status CompileQuery(const PolicySet::Impl& impl, const ast::Body& body, CompiledQuery* out);

}  // namespace fedra::compile

#endif  // FEDRA_COMPILE_COMPILER_H_
