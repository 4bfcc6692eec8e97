// The Rego abstract syntax tree, as the parser produces it and the compiler
// rewrites it.
//
// The tree has value semantics (copyable, no sharing): the compiler copies and
// rewrites modules freely before they are frozen into a compiled policy set.
// Every node carries the Location of its first token.
//
// Shapes, mirroring OPA's AST so that OPA's semantics carry over:
// - Operators are calls: `a + b` is Call(plus, a, b); `x = y` is Call(eq, ...);
//   `x := y` is Call(assign, ...); `a == b` Call(equal); `!=` neq, `<` lt,
//   `<=` lte, `>` gt, `>=` gte, `-` minus, `*` mul, `/` div, `%` rem,
//   `&` and, `|` or; `x in xs` Call(internal.member_2, x, xs);
//   `k, v in xs` Call(internal.member_3, k, v, xs).
// - A call's operator is items[0]: a Ref naming the function (`count`,
//   `json.marshal`, `data.lib.f`), built as a Ref whose head is a Var.
// - A ref `a.b[c]` is Ref(items = [Var a, String "b", Var c]). The head may be
//   any term (`[1,2][0]`, `f(x).y`, `{"a": 1}.a`).
// - `some x, y` is an Expr of kind kSome with the declared vars in `terms`;
//   `some x in xs` / `some k, v in xs` is kSome with a single member call in
//   `terms` (Call(internal.member_2|3, ...)).
// - `every k, v in xs { body }` is kEvery: terms = [key (or null term), value,
//   domain], body = the block.
#ifndef FEDRA_SYNTAX_AST_H_
#define FEDRA_SYNTAX_AST_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::ast {

struct Expr;

enum class TermKind : uint8_t {
  kScalar,       // value: null, boolean, number or string
  kVar,          // name
  kRef,          // items[0] head, items[1..] path steps
  kArray,        // items
  kSet,          // items
  kObject,       // entries
  kArrayCompr,   // items[0] head term; body
  kSetCompr,     // items[0] head term; body
  kObjectCompr,  // items[0] key, items[1] value; body
  kCall,         // items[0] operator (Ref), items[1..] arguments
  kTemplate,     // $"..{x}..": items alternate literal String scalars and terms
};
// Template layout (kTemplate), fixed by the parser: items has odd length,
// even positions are literal String scalars (possibly empty), odd positions
// are the embedded expressions' terms. `body` holds one Expr per embedded
// expression (body[j] belongs to items[2j+1] and body[j].term == items[2j+1]),
// so `$"{x with input as 1}"` keeps its `with` modifiers.


struct Term {
  TermKind kind = TermKind::kScalar;
  Location loc;
  Value value;                             // kScalar
  std::string name;                        // kVar
  std::vector<Term> items;                 // see TermKind
  std::vector<std::pair<Term, Term>> entries;  // kObject
  std::vector<Expr> body;                  // comprehensions

  static Term Scalar(Value v, Location loc);
  static Term Var(std::string name, Location loc);
  static Term Ref(std::vector<Term> items, Location loc);
  static Term Call(std::vector<Term> items, Location loc);
  // Helpers (ast.cc).
  static Term String(std::string_view s, Location loc);
  static Term Array(std::vector<Term> items, Location loc);
  static Term Set(std::vector<Term> items, Location loc);
  static Term Object(std::vector<std::pair<Term, Term>> entries, Location loc);
  // A Ref for a dotted operator name: "plus" -> Ref[Var plus];
  // "internal.member_2" -> Ref[Var internal, "member_2"].
  static Term Operator(std::string_view dotted_name, Location loc);

  bool is_var() const { return kind == TermKind::kVar; }
  bool is_ref() const { return kind == TermKind::kRef; }
  bool is_call() const { return kind == TermKind::kCall; }
  bool is_scalar() const { return kind == TermKind::kScalar; }
  // `_` is the wildcard: every occurrence is a fresh variable.
  bool is_wildcard() const { return kind == TermKind::kVar && name == "_"; }
  // For kCall: the operator's dotted name ("count", "json.marshal",
  // "data.lib.f"); empty when the operator is not a plain dotted ref.
  std::string CallName() const;
  // For kRef: true when every step after the head is a string scalar.
  bool IsDottedRef() const;
};

enum class ExprKind : uint8_t {
  kTerm,   // term: a Call, a Ref, or any term (true unless false/undefined)
  kSome,   // terms: declared vars, or one member call (`some x in xs`)
  kEvery,  // terms: [key or null scalar, value var, domain]; body
};

struct With {
  Term target;  // input..., data..., or a function/builtin ref
  Term value;
  Location loc;
};

struct Expr {
  ExprKind kind = ExprKind::kTerm;
  bool negated = false;
  Location loc;
  Term term;                // kTerm
  std::vector<Term> terms;  // kSome, kEvery
  std::vector<Expr> body;   // kEvery
  std::vector<With> with;
};

using Body = std::vector<Expr>;

struct RuleHead {
  enum class Assign : uint8_t { kNone, kAssign /* := */, kUnify /* = */ };
  Term ref;                 // kRef: name and path, e.g. p, a.b[x], f
  std::vector<Term> args;   // function arguments
  bool is_function = false;
  bool is_multi_value = false;  // `contains`: partial set, key holds the element
  Term key;                 // the element for `contains` (kind kScalar & undefined when absent)
  Term value;               // `:= v`, `= v`; undefined scalar means default `true`
  bool has_value = false;
  Assign assign = Assign::kNone;
  Location loc;
};

// One `# METADATA` comment block (OPA annotations), parsed from its YAML
// (syntax/annotations.h). Attached to the first package or rule that starts
// on a later line than the `# METADATA` comment.
struct Annotation {
  std::string scope;  // "rule", "document", "package" or "subpackages"
  Value value;        // object, as rego.metadata.rule() returns it
  Location loc;       // the `# METADATA` comment
};

struct Rule {
  bool is_default = false;
  RuleHead head;
  Body body;                // empty body means `true`
  std::vector<Rule> elses;  // `else [= v] { ... }` chain, in order; heads share ref/args
  std::vector<Annotation> annotations;  // rule or document scope, in source order
  Location loc;
};

struct Import {
  Term path;          // kRef: data.x.y, input.z, future.keywords.in, rego.v1
  std::string alias;  // `as alias`, empty when absent
  Location loc;
};

enum class RegoVersion : uint8_t { kV0, kV1 };

struct Module {
  std::string file;   // owned here; Locations' file views point at a stable copy
  RegoVersion version = RegoVersion::kV1;
  Term package;       // kRef: data.<path>
  std::vector<Import> imports;
  std::vector<Rule> rules;
  std::vector<Annotation> annotations;  // package or subpackages scope, in source order
  Location loc;
};

}  // namespace fedra::ast

#endif  // FEDRA_SYNTAX_AST_H_
