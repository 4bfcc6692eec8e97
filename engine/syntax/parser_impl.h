// The recursive-descent parser behind parser.h (internal to engine/syntax).
//
// Split in two files by concept: parser.cc (modules, imports, rules, bodies,
// literals) and parser_terms.cc (terms and infix operators).
//
// Grammar notes that decide the shapes (they follow OPA's parser):
// - Infix precedence, lowest first: `=` `:=` (literal level only), `in`,
//   comparisons (== != < <= > >=), `|`, `&`, `+ -`, `* / %`; all left
//   associative. `k, v in xs` is only recognised where a whole expression is
//   parsed (never inside call arguments or collection elements).
// - Refs and calls continue a term only without whitespace: `a.b[c]`, `f(x)`.
// - `-` directly before a number is a negative literal; there is no unary
//   minus on other terms (OPA rejects `-x` too).
// - In `[a | ...]` / `{a | ...}` a `|` right after the first element starts a
//   comprehension, never a binary or.
// - A word that is a keyword becomes a plain name when a `.` or `[` follows
//   it directly (`data.x.else`, `else.foo := 1`), as in OPA 1.x.
//
// Every recursive step goes through Enter(), which bounds the nesting depth by
// ParseOptions::max_depth; chains that build deep trees without recursion
// (`a + a + ...`, `f(x).g(y)...`) are bounded by the same limit so that
// destroying or printing the tree cannot overflow the stack either. Frames
// with large locals (collections, comprehensions) take a depth unit of their
// own, so one unit costs under 1 KB of stack: the default limit of 1000 needs
// less than 1 MB.
#ifndef FEDRA_SYNTAX_PARSER_IMPL_H_
#define FEDRA_SYNTAX_PARSER_IMPL_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "fedra/status.h"
#include "syntax/ast.h"
#include "syntax/lexer.h"
#include "syntax/parser.h"

namespace fedra::syntax::internal {

class Parser {
 public:
  Parser(std::string_view source, std::string_view file, const ParseOptions& options);

  // Checks size and encoding and reads the first token.
  Status Start();

  Status Module(ast::Module* out);
  Status Query(ast::Body* out, std::vector<std::string>* texts);
  Status SingleTerm(ast::Term* out);

  // ---- parser.cc ----------------------------------------------------------
 private:
  Status Package(ast::Module* out);
  Status Import(ast::Module* out);
  Status Rule(std::vector<ast::Rule>* out);
  Status RuleHeadTerm(ast::RuleHead* head);
  // The body after a head: `if expr`, `if { ... }`, `{ ... }` or none.
  Status RuleBodyWithIf(ast::Rule* rule, bool* has_body, bool* has_if);
  Status Else(ast::Rule* rule);
  Status DefaultValueCheck(const ast::Term& t, Location rule_loc);
  // `{ body }`: the current token must be '{'.
  Status BraceBody(ast::Body* out);
  // Literals until `end` (not consumed), separated by ';' or newlines;
  // `open` is the opening bracket's location for messages. With `texts`, also
  // collects each literal's source text.
  Status BodyUntil(Tok end, ast::Body* out, std::vector<std::string>* texts = nullptr,
                   Location open = {});
  Status Literal(ast::Expr* out);
  Status Some(ast::Expr* out);
  Status Every(ast::Expr* out);
  Status Withs(ast::Expr* out);

  // ---- parser_terms.cc ----------------------------------------------------
 public:
  // An expression without `=`/`:=`: `in` level. `key_val` allows
  // `k, v in xs` at the top.
  Status InfixTerm(bool key_val, ast::Term* out);

 private:
  Status ContinueIn(bool key_val, ast::Term* lhs);
  Status Binary(int min_prec, ast::Term* out);
  Status ContinueBinary(int min_prec, ast::Term* lhs);
  Status Term(ast::Term* out);
  Status TermFinish(ast::Term* term);
  Status Number(ast::Term* out);
  Status Array(ast::Term* out);
  Status SetOrObject(ast::Term* out);
  Status ObjectRest(ast::Term key, bool potential_compr, Location loc, Location open,
                    ast::Term* out);
  // `.name` and `["name"]` steps of a package or import path, appended to
  // *items; `bracket_error` says what a bracket must hold.
  Status PathTail(const char* bracket_error, std::vector<ast::Term>* items);
  // After a comprehension's head(s), at `|`: the body up to `close`.
  Status ComprehensionRest(ast::TermKind kind, std::vector<ast::Term> heads, Tok close,
                           Location loc, Location open, ast::Term* out);
  Status Call(ast::Term op, ast::Term* out);
  Status Template(ast::Term* out);

  // ---- tokens (parser.cc) ---------------------------------------------------
 public:
  struct State {
    Lexer lex;
    Token tok;
    size_t prev_end;
  };
  State Save() const { return State{lex_, tok_, prev_end_}; }
  void Restore(const State& s) {
    lex_ = s.lex;
    tok_ = s.tok;
    prev_end_ = s.prev_end;
  }

  Status Advance();
  Location Loc() const { return Location{file_, tok_.line, tok_.col}; }
  Location LocOf(const Token& t) const { return Location{file_, t.line, t.col}; }
  bool Is(Tok kind) const { return tok_.kind == kind; }
  // The current token is the word `kw` and `kw` is an active keyword.
  bool IsKw(std::string_view kw) const;
  // `word` is a keyword in the current mode.
  bool IsKeyword(std::string_view word) const;
  // The next token is '.' or '[' with no whitespace before it.
  bool NextIsRefStep() const;
  // "unexpected <found>: <what>" at the current token.
  Status Unexpected(std::string_view what) const;
  // "expected '<close>' to close '<open>' at l:c" at the current token.
  Status Unclosed(Tok close, Tok open, Location open_loc) const;
  Status Error(std::string_view msg, Location loc) const {
    return Status::ParseError(msg, loc);
  }
  std::string FoundDesc() const;

  // Depth accounting: call Enter() and, when it succeeded, Leave() on every
  // path out (DepthScope does that).
  Status Enter();
  void Leave() { --depth_; }
  size_t max_depth() const { return options_.max_depth; }

  bool v1_rules() const { return v1_rules_; }

 private:
  std::string_view src_;
  std::string_view file_;
  ParseOptions options_;
  Lexer lex_;
  Token tok_;
  size_t prev_end_ = 0;
  size_t depth_ = 0;
  bool v1_rules_;     // v1 rule syntax (v1 or `import rego.v1`)
  bool kw_in_, kw_every_, kw_if_, kw_contains_;
};

// RAII for Parser::Enter/Leave.
class DepthScope {
 public:
  explicit DepthScope(Parser* p) : p_(p) {}
  ~DepthScope() {
    if (entered_) p_->Leave();
  }
  Status Enter() {
    Status s = p_->Enter();
    entered_ = s.ok();
    return s;
  }

 private:
  Parser* p_;
  bool entered_ = false;
};

}  // namespace fedra::syntax::internal

#endif  // FEDRA_SYNTAX_PARSER_IMPL_H_
