// Lowering: AST -> IR with every name resolved.
//
// One Lowerer turns one rule (or one query) into IR:
// - local variables become frame slots. A body owns the variables that occur
//   in it and are not owned by an enclosing body; `:=`, `some` and `every`
//   declare fresh slots that shadow outer ones; every `_` is a fresh slot.
// - `input`, `data`, imports and the package's rule names become refs into
//   the input document or the rule tree.
// - calls resolve to user functions (rule tree) or builtins (registry);
//   the relation form `count(x, n)` becomes `n = count(x)`.
// - constant arrays, objects and sets fold into Values.
// Errors (undefined functions, wrong arity, bad `with` targets) are
// collected, each with file:line:col.
#ifndef FEDRA_COMPILE_LOWER_H_
#define FEDRA_COMPILE_LOWER_H_

#include <deque>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "compile/annotations.h"
#include "compile/ir.h"
#include "syntax/ast.h"

namespace fedra::compile {

// Names visible in a module: its package path, imports and the rule names
// its package defines.
struct ModuleNames {
  std::vector<std::string> package;                     // path below data
  std::map<std::string, ast::Term, std::less<>> imports;  // alias -> ref
  const std::set<std::string, std::less<>>* rule_names = nullptr;
};

class Lowerer {
 public:
  Lowerer(const ModuleNames& names, const ir::RuleNode* root, const Value& data,
          const builtins::Registry& registry, std::deque<ir::Callable>* callables,
          std::vector<Status>* errors);

  // Where rego.metadata.rule()/chain() calls get their values: the module
  // being lowered and the annotation index. Without it (queries) such calls
  // are errors, as they are outside any rule.
  void SetMetadata(const AnnotationSet* annotations, const ast::Module* module) {
    annotations_ = annotations;
    module_ = module;
  }

  // Lowers `rule` (and its else chain) into `out`; `out->node` must be set.
  void LowerRule(const ast::Rule& rule, const std::vector<ast::Term>& key_steps, ir::Rule* out);
  // Lowers a query body. Query variables are reported through `outputs`.
  void LowerQuery(const ast::Body& body, ir::Body* out,
                  std::vector<std::pair<std::string, uint32_t>>* outputs);

  uint32_t num_slots() const { return next_slot_; }

 private:
  struct Scope {
    std::unordered_map<std::string, uint32_t> names;
    Scope* parent = nullptr;
    int depth = 0;
  };
  // Collects the enclosing-scope slots a nested body reads.
  struct Capture {
    int depth;
    std::vector<uint32_t>* slots;
  };

  void Error(Location loc, std::string msg, StatusCode code = StatusCode::kCompileError);
  uint32_t NewSlot(const std::string& name);
  uint32_t Declare(Scope* scope, const std::string& name);
  // Finds a visible local; `capture` records reads across comprehension and
  // every boundaries (prescans only look).
  const uint32_t* Lookup(const Scope* scope, const std::string& name, bool capture = true);

  // Adds the variables occurring in `body` that no enclosing scope owns.
  void Prescan(const ast::Body& body, Scope* scope);
  void PrescanTerm(const ast::Term& t, Scope* scope, const std::set<std::string>& declared);
  // True when `t` names a builtin (a `with` replacement, not a variable).
  bool NamesFunction(const ast::Term& t) const;
  void CollectDeclared(const ast::Body& body, std::set<std::string>* declared) const;
  static void CollectPatternVars(const ast::Term& t, std::vector<const ast::Term*>* vars);

  void LowerBody(const ast::Body& body, Scope* scope, ir::Body* out);
  void LowerExpr(const ast::Expr& expr, Scope* scope, ir::Body* out);
  void LowerWith(const ast::With& with, Scope* scope, ir::WithModifier* out);
  ir::Term LowerTerm(const ast::Term& t, Scope* scope);
  ir::Term LowerVar(const ast::Term& t, Scope* scope);
  ir::Term LowerRef(const ast::Term& t, Scope* scope);
  // Resolves the constant prefix of a data ref to its rule node and base
  // document, so evaluation starts there (see ir::Term::data_node).
  void ResolveDataPrefix(ir::Term* ref) const;
  ir::Term LowerCall(const ast::Term& t, Scope* scope, bool* relation, ir::Term* relation_out);
  // Declares the variables of a pattern (`:=` left side, `some` vars) as
  // fresh slots in `scope`, then lowers the pattern.
  ir::Term LowerDeclaration(const ast::Term& pattern, Scope* scope);

  // Resolves a dotted function name to a callable, or nullptr (error added).
  // `nargs` is the number of arguments of a call, checked against the
  // function's arity; kReference (a `with` target or replacement) skips it.
  static constexpr int kReference = -1;
  const ir::Callable* ResolveFunction(const ast::Term& op, Scope* scope, int nargs,
                                      bool* relation);
  // The data path a global name refers to, if `name` is global (an import or
  // a rule of this package); the ref is written to *out.
  bool ResolveGlobal(const std::string& name, Location loc, Scope* scope, ir::Term* out);
  const ir::RuleNode* FindNode(const std::vector<Value>& path) const;
  const ir::Callable* Intern(ir::Callable c);

  const ModuleNames& names_;
  const ir::RuleNode* root_;
  const Value& data_;
  const builtins::Registry& registry_;
  std::deque<ir::Callable>* callables_;
  std::vector<Status>* errors_;
  uint32_t next_slot_ = 0;
  int import_depth_ = 0;
  std::vector<Capture> captures_;
  const AnnotationSet* annotations_ = nullptr;
  const ast::Module* module_ = nullptr;
  const ast::Rule* current_rule_ = nullptr;  // the branch being lowered
};

// Folds a term into a constant when every part is constant.
void FoldConstant(ir::Term* t);

}  // namespace fedra::compile

#endif  // FEDRA_COMPILE_LOWER_H_
