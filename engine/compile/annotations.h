// rego.metadata.rule() and rego.metadata.chain(): the annotations a rule
// sees, computed at compile time (their value depends only on which rule the
// call sits in, so the compiler replaces each call by a constant, as OPA's
// compiler does).
//
// The parser already attached each `# METADATA` block to its rule or
// package (ast::Rule::annotations, ast::Module::annotations; see
// syntax/annotations.h). This file answers, for a rule R in module M:
//
// - rule():  the object of R's own rule-scope annotation closest above it,
//            or {} when it has none. Document-scope blocks do not count.
// - chain(): an array, closest first, of {"path": [...], "annotations": {...}}:
//     1. R's rule-scope blocks, closest first; or one {"path": P} entry
//        (no "annotations") when R has none;
//     2. the document-scope block for R's path, from any module;
//     3. the package-scope block of M's package, from any module;
//     4. subpackages-scope blocks of M's package and its ancestors, from the
//        package itself up to the root.
//   Paths leave out the leading `data` and stop at the first non-constant
//   step of the rule's head (`p[x]` -> [pkg..., "p"]).
//
// Two package-scope blocks for one package, two document-scope blocks for
// one rule path or two subpackages blocks for one package are an error
// (rego_type_error "<scope> annotation redeclared: <file>:<row>"), reported
// by AnnotationSet::Build.
//
// An `else` branch is a rule of its own for OPA: for a call inside
// rule.elses[i], pass that else Rule (it has no annotations, so rule() is
// {} and the chain starts with a bare path entry).
#ifndef FEDRA_COMPILE_ANNOTATIONS_H_
#define FEDRA_COMPILE_ANNOTATIONS_H_

#include <map>
#include <vector>

#include "fedra/status.h"
#include "fedra/value.h"
#include "syntax/ast.h"

namespace fedra::compile {

// The package- and path-level annotations of a set of modules, indexed once
// so that every rego.metadata.chain() call is a few map lookups.
class AnnotationSet {
 public:
  // Indexes `modules`; the modules must outlive the set. Fails on
  // redeclared annotations (see above).
  static Status Build(const std::vector<const ast::Module*>& modules, AnnotationSet* out);

  // rego.metadata.chain() for rule `r` of module `m`.
  Value Chain(const ast::Module& m, const ast::Rule& r) const;

 private:
  // Keys are paths without `data` (arrays of strings/numbers).
  std::map<Value, const ast::Annotation*, ValueLess> by_package_;
  // Document scope (rule paths) and subpackages scope (package paths)
  // share one tree in OPA, so a lookup by path can see either.
  std::map<Value, const ast::Annotation*, ValueLess> by_path_;
};

// rego.metadata.rule() for rule `r`.
Value RuleMetadata(const ast::Rule& r);

// rego.metadata.chain() for rule `r` of module `m` (one of `modules`).
// Builds an AnnotationSet per call; use AnnotationSet directly for many.
// Redeclaration errors are ignored here (the first block wins).
Value MetadataChain(const std::vector<const ast::Module*>& modules, const ast::Module& m,
                    const ast::Rule& r);

// The path of a package without `data`: data.a.b -> ["a", "b"].
Value PackagePath(const ast::Module& m);

// The path of the document a rule defines: package path + the constant
// prefix of its head ref.
Value RulePath(const ast::Module& m, const ast::Rule& r);

}  // namespace fedra::compile

#endif  // FEDRA_COMPILE_ANNOTATIONS_H_
