// The compiled policy set (PolicySet::Impl) and compiled queries.
//
// Owns everything the evaluator reads: the parsed modules (kept for
// rego.metadata and error messages), the rule tree under `data`, the
// callables calls resolve to, and the base documents. Immutable after the
// compiler returns it; evaluations share it across threads.
#ifndef FEDRA_COMPILE_POLICY_H_
#define FEDRA_COMPILE_POLICY_H_

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "compile/ir.h"
#include "fedra/engine.h"
#include "syntax/ast.h"

namespace fedra {

struct PolicySet::Impl {
  std::deque<std::string> file_names;      // stable storage for Location::file
  std::vector<ast::Module> modules;
  std::unique_ptr<ir::RuleNode> root;      // the `data` node
  uint32_t num_nodes = 0;
  std::deque<ir::Callable> callables;      // stable addresses
  Value data;                              // base documents (object)
  const builtins::Registry* registry = nullptr;
};

namespace compile {

// A query lowered against one policy set.
struct CompiledQuery {
  ir::Body body;
  uint32_t num_slots = 0;
  // Query variables reported in bindings: (name, slot), sorted by name.
  std::vector<std::pair<std::string, uint32_t>> outputs;
  std::vector<std::string> texts;     // per top-level expression source text
  std::vector<Location> locations;
  std::deque<std::string> file_names;
  std::deque<ir::Callable> callables;  // callables created for the query
};

}  // namespace compile
}  // namespace fedra

#endif  // FEDRA_COMPILE_POLICY_H_
