// The compiled form of Rego that the evaluator runs.
//
// The compiler lowers the AST into this IR once per policy set: names are
// resolved (locals to frame slots, globals to the rule tree, calls to
// builtins or user functions), constant subterms are folded into Values,
// bodies are reordered for safety, and rules are grouped into a tree keyed by
// their path under `data`. Everything here is immutable after compilation and
// shared by all evaluations (from any thread).
#ifndef FEDRA_COMPILE_IR_H_
#define FEDRA_COMPILE_IR_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "builtins/registry.h"
#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::ir {

struct Body;
struct RuleNode;

// What a call resolves to.
struct Callable {
  enum class Kind : uint8_t {
    kBuiltin,   // builtins::Registry entry
    kFunction,  // user-defined function rules at `node`
    kPrint,     // print(...)
    kMember2,   // internal.member_2 (x in xs)
    kMember3,   // internal.member_3 (k, v in xs)
    kTrace,     // trace(msg)
    kEqual,     // `=` used as a value (eq(a, b) call form)
  };
  Kind kind = Kind::kBuiltin;
  std::string name;                           // dotted name as written resolved
  const builtins::Builtin* builtin = nullptr;  // kBuiltin
  const RuleNode* node = nullptr;              // kFunction
  int arity = 0;
};

enum class TermOp : uint8_t {
  kConst,        // value
  kLocal,        // slot
  kInput,        // the input document
  kData,         // the root of data (rules and base documents)
  kRef,          // items[0] head, items[1..] path steps
  kArray,        // items
  kSet,          // items
  kObject,       // entries
  kArrayCompr,   // items[0] head; body
  kSetCompr,     // items[0] head; body
  kObjectCompr,  // items[0] key, items[1] value; body
  kCall,         // callee; items = arguments
  kTemplate,     // items: parts to concatenate (strings verbatim, others formatted)
};

struct Term {
  TermOp op = TermOp::kConst;
  // True when the term mentions a local variable (so it is not a constant).
  bool has_vars = false;
  // True when the term has one value at most once its locals are bound: it
  // calls no relation builtin (walk) nor print outside nested bodies. Set
  // by the plan_steps stage (compile/steps.h); false until then.
  bool single = false;
  uint32_t slot = 0;  // kLocal
  Location loc;
  Value value;        // kConst
  std::vector<Term> items;
  std::vector<std::pair<Term, Term>> entries;
  std::shared_ptr<const Body> body;
  const Callable* callee = nullptr;
  std::string var_name;  // kLocal: the source name (for bindings and errors)
  // Comprehensions: slots of enclosing bodies the body reads (must be bound
  // before the comprehension runs).
  std::vector<uint32_t> captures;
  // kRef into data: where its constant prefix leads (resolved at compile
  // time; evaluation starts at items[data_skip] from this node and base
  // document unless `with data...` is in force).
  bool data_resolved = false;
  uint32_t data_skip = 0;
  const RuleNode* data_node = nullptr;
  Value data_base;
  // kArrayCompr inside a template: the part's value is the body's first
  // result (undefined when there is none), not an array.
  bool first_of = false;
  // kConst ref steps: the index at which the evaluator last found this key
  // in an object. Only a hint (verified before use), shared by every thread
  // evaluating the policy set, so read and written with relaxed
  // std::atomic_ref; objects of one shape keep a key at one index.
  mutable uint32_t member_hint = 0;

  bool is_const() const { return op == TermOp::kConst; }
  bool is_local() const { return op == TermOp::kLocal; }
};

struct WithModifier {
  enum class Target : uint8_t { kInput, kData, kFunction };
  Target target = Target::kInput;
  std::vector<Value> path;              // below input / data (strings)
  const Callable* function = nullptr;   // kFunction: the replaced callable
  Term value;                           // replacement value (kFunction: a value or a callable ref)
  const Callable* replacement = nullptr;  // kFunction replaced by another function
  Location loc;
};

enum class ExprOp : uint8_t {
  kTruthy,   // a: succeeds when defined and not false
  kUnify,    // a = b
  kNot,      // body (one expression, possibly with `with`) must fail
  kSomeIn,   // some [a,] b in c: a key pattern (may be absent: has_key=false)
  kEvery,    // every [a,] b in c { body }
};

struct Expr {
  ExprOp op = ExprOp::kTruthy;
  bool has_key = false;   // kSomeIn / kEvery
  Location loc;
  Term a, b, c;
  std::shared_ptr<const Body> body;
  std::vector<WithModifier> with;
  // Slots the expression binds that must be cleared when it backtracks
  // (every's and some's locals, comprehension-local slots are handled by
  // the terms that bind them).
  std::vector<uint32_t> local_slots;
  std::vector<uint32_t> captures;  // kEvery: enclosing slots the body reads
  // For a query's top-level expressions: the position in the source query
  // (bodies may be reordered); -1 elsewhere.
  int query_index = -1;
  // Straight-line steps (compile/steps.h). `step`: the expression has one
  // solution at most once every local in `reads_a` and `reads_b` (those
  // sides read outside nested bodies and templates) is bound; a
  // `local = term` expression also when the local is unbound and the other
  // side's reads are bound. False until the steps stage has looked.
  bool step = false;
  std::vector<uint32_t> reads_a, reads_b;
};

struct Body {
  std::vector<Expr> exprs;
};

struct Rule {
  const RuleNode* node = nullptr;
  Location loc;
  bool is_default = false;
  uint32_t num_slots = 0;
  std::vector<Term> args;          // function parameters (patterns)
  std::vector<Term> key_path;      // partial object: key steps; partial set: [element]
  Term value;                      // the head value (const true when omitted)
  Body body;
  // else branches: value and body, tried in order when the previous fails.
  std::vector<std::pair<Term, Body>> elses;

  // Rule index hints (see compile/index.h): `input.<path> == const` tests
  // found in the body; the rule cannot succeed unless each holds.
  std::vector<std::pair<std::vector<Value>, Value>> input_eq;
};

enum class RuleKind : uint8_t {
  kNone,       // only children (a package or a prefix)
  kComplete,   // p := v, p if ...
  kMulti,      // p contains x
  kObject,     // p[k] := v, a.b[k].c := v
  kFunction,   // f(x) := y
};

// A candidate filter for a rule set: rules keyed by the value of
// input.<path>. Rules that test nothing there are in `always`. A bucket with
// many rules is indexed again on another path (kind, then namespace, ...).
struct RuleIndex {
  struct Bucket {
    std::vector<const Rule*> rules;
    std::unique_ptr<RuleIndex> sub;  // when set, it covers `rules`
  };
  std::vector<Value> path;  // under input
  std::unordered_map<Value, Bucket, ValueHash> by_value;
  std::vector<const Rule*> always;
};

struct RuleNode {
  std::string name;                 // key under the parent
  std::vector<std::string> path;    // from data (exclusive)
  std::string dotted;               // "data.a.b"
  RuleNode* parent = nullptr;
  std::map<std::string, std::unique_ptr<RuleNode>, std::less<>> children;
  RuleKind kind = RuleKind::kNone;
  std::vector<std::unique_ptr<Rule>> rules;  // non-default rules, source order
  std::unique_ptr<Rule> default_rule;
  int arity = 0;                    // kFunction
  bool nested_multi = false;        // kMulti with key paths: `p[x] contains y`
  std::unique_ptr<RuleIndex> index; // optional
  uint32_t id = 0;                  // dense id for per-query caches
  Location loc;                     // the first rule defining this node

  const RuleNode* Child(std::string_view key) const {
    auto it = children.find(key);
    return it == children.end() ? nullptr : it->second.get();
  }
  bool has_rules() const { return kind != RuleKind::kNone; }
};

}  // namespace fedra::ir

#endif  // FEDRA_COMPILE_IR_H_
