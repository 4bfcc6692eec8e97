// Modules, imports, rules, bodies and literals (see parser_impl.h).
#include "syntax/parser.h"

#include <string>
#include <utility>
#include <vector>

#include "syntax/annotations.h"
#include "syntax/parser_impl.h"

namespace fedra::syntax {
namespace internal {

using ast::TermKind;

namespace {

bool IsOneOf(std::string_view w, std::initializer_list<std::string_view> list) {
  for (auto x : list) {
    if (w == x) return true;
  }
  return false;
}

std::string RefText(const std::vector<ast::Term>& items) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) {
    const ast::Term& t = items[i];
    if (i == 0 && t.is_var()) {
      s += t.name;
    } else if (t.is_scalar() && t.value.is_string()) {
      s += '.';
      s += t.value.str();
    } else {
      s += "[...]";
    }
  }
  return s;
}

}  // namespace

Parser::Parser(std::string_view source, std::string_view file, const ParseOptions& options)
    : src_(source), file_(file), options_(options), lex_(source, file) {
  bool v1 = options.version == ast::RegoVersion::kV1;
  v1_rules_ = v1;
  kw_in_ = kw_every_ = kw_if_ = kw_contains_ = v1;
}

Status Parser::Start() {
  if (src_.size() > options_.max_bytes) {
    return Status::ParseError("source too large: " + std::to_string(src_.size()) +
                                  " bytes (limit " + std::to_string(options_.max_bytes) + ")",
                              Location{file_, 1, 1});
  }
  FEDRA_RETURN_IF_ERROR(ValidateUtf8(src_, file_));
  return lex_.Next(&tok_);
}

Status Parser::Advance() {
  prev_end_ = tok_.end;
  return lex_.Next(&tok_);
}

bool Parser::IsKeyword(std::string_view w) const {
  if (IsOneOf(w, {"package", "import", "as", "default", "else", "not", "some", "with", "true",
                  "false", "null"})) {
    return true;
  }
  return (w == "in" && kw_in_) || (w == "every" && kw_every_) || (w == "if" && kw_if_) ||
         (w == "contains" && kw_contains_);
}

bool Parser::IsKw(std::string_view kw) const {
  return tok_.kind == Tok::kIdent && tok_.text == kw && IsKeyword(kw) && !NextIsRefStep();
}

bool Parser::NextIsRefStep() const {
  Lexer copy = lex_;
  Token next;
  if (!copy.Next(&next).ok()) return false;
  return !next.ws_before && (next.kind == Tok::kDot || next.kind == Tok::kLBrack);
}

std::string Parser::FoundDesc() const {
  switch (tok_.kind) {
    case Tok::kIdent:
      if (IsKeyword(tok_.text)) return std::string(tok_.text) + " keyword";
      return "ident token";
    case Tok::kEof:
    case Tok::kNumber:
    case Tok::kString:
    case Tok::kTemplatePart:
    case Tok::kTemplateEnd:
      return TokName(tok_.kind) + " token";
    default:
      return TokName(tok_.kind) + " token";
  }
}

Status Parser::Unexpected(std::string_view what) const {
  std::string msg = "unexpected " + FoundDesc();
  if (!what.empty()) {
    msg += ": ";
    msg += what;
  }
  // In v0 a future keyword used without its import is a plain name, which
  // makes the error land on it; say how to enable it.
  if (Is(Tok::kIdent) && IsOneOf(tok_.text, {"if", "contains", "in", "every"}) &&
      !IsKeyword(tok_.text)) {
    msg += " (hint: `import future.keywords." + std::string(tok_.text) +
           "` or `import rego.v1` makes `" + std::string(tok_.text) + "` a keyword)";
  }
  return Error(msg, Loc());
}

Status Parser::Unclosed(Tok close, Tok open, Location open_loc) const {
  return Unexpected("expected '" + TokName(close) + "' to close '" + TokName(open) + "' at " +
                    std::to_string(open_loc.line) + ":" + std::to_string(open_loc.col));
}

Status Parser::Enter() {
  if (++depth_ > options_.max_depth) {
    --depth_;
    return Error("nesting too deep: more than " + std::to_string(options_.max_depth) +
                     " nested terms, bodies or operators",
                 Loc());
  }
  return Status::OK();
}

// ---- modules ---------------------------------------------------------------

Status Parser::Module(ast::Module* out) {
  out->file = std::string(file_);
  out->version = options_.version;
  out->loc = Loc();
  FEDRA_RETURN_IF_ERROR(Package(out));
  while (!Is(Tok::kEof)) {
    if (IsKw("import") && !NextIsRefStep()) {
      FEDRA_RETURN_IF_ERROR(Import(out));
    } else if (IsKw("package") && !NextIsRefStep()) {
      return Unexpected("a module has exactly one package declaration");
    } else {
      FEDRA_RETURN_IF_ERROR(Rule(&out->rules));
    }
  }
  return AttachAnnotations(src_, file_, out);
}

Status Parser::Package(ast::Module* out) {
  if (!IsKw("package")) return Unexpected("expected package declaration (`package <name>`)");
  FEDRA_RETURN_IF_ERROR(Advance());
  if (!Is(Tok::kIdent)) return Unexpected("expected ident");
  Location loc = Loc();
  std::vector<ast::Term> items;
  items.push_back(ast::Term::Var("data", loc));
  items.push_back(ast::Term::String(tok_.text, loc));
  FEDRA_RETURN_IF_ERROR(Advance());
  FEDRA_RETURN_IF_ERROR(PathTail("expected string in package path", &items));
  out->package = ast::Term::Ref(std::move(items), loc);
  return Status::OK();
}

Status Parser::PathTail(const char* bracket_error, std::vector<ast::Term>* items) {
  while (!tok_.ws_before && (Is(Tok::kDot) || Is(Tok::kLBrack))) {
    if (Is(Tok::kDot)) {
      FEDRA_RETURN_IF_ERROR(Advance());
      if (!Is(Tok::kIdent) || tok_.ws_before) return Unexpected("expected ident");
      items->push_back(ast::Term::String(tok_.text, Loc()));
      FEDRA_RETURN_IF_ERROR(Advance());
    } else {
      Location open = Loc();
      FEDRA_RETURN_IF_ERROR(Advance());
      if (!Is(Tok::kString)) return Unexpected(bracket_error);
      items->push_back(ast::Term::String(tok_.value, Loc()));
      FEDRA_RETURN_IF_ERROR(Advance());
      if (!Is(Tok::kRBrack)) return Unclosed(Tok::kRBrack, Tok::kLBrack, open);
      FEDRA_RETURN_IF_ERROR(Advance());
    }
  }
  return Status::OK();
}

Status Parser::Import(ast::Module* out) {
  ast::Import imp;
  imp.loc = Loc();
  FEDRA_RETURN_IF_ERROR(Advance());
  if (!Is(Tok::kIdent)) return Unexpected("expected ident");
  Location path_loc = Loc();
  std::vector<ast::Term> items;
  items.push_back(ast::Term::Var(std::string(tok_.text), path_loc));
  FEDRA_RETURN_IF_ERROR(Advance());
  FEDRA_RETURN_IF_ERROR(PathTail("expecting string in import path", &items));
  const std::string root = items[0].name;
  if (!IsOneOf(root, {"data", "input", "future", "rego"})) {
    return Error("unexpected import path, must begin with one of: {data, future, input, rego}, got: " +
                     root,
                 path_loc);
  }
  if (IsKw("as")) {
    FEDRA_RETURN_IF_ERROR(Advance());
    if (!Is(Tok::kIdent) || IsKeyword(tok_.text)) return Unexpected("expected var");
    imp.alias = std::string(tok_.text);
    FEDRA_RETURN_IF_ERROR(Advance());
  }
  if (root == "future") {
    if (items.size() < 2 || items[1].value.str() != "keywords") {
      return Error("invalid import, must be `future.keywords`", path_loc);
    }
    if (!imp.alias.empty()) return Error("`future` imports cannot be aliased", path_loc);
    if (items.size() == 2) {
      kw_in_ = kw_every_ = kw_if_ = kw_contains_ = true;
    } else if (items.size() == 3) {
      std::string kw(items[2].value.str());
      if (kw == "in") kw_in_ = true;
      else if (kw == "every") kw_every_ = kw_in_ = true;  // `every x in xs` needs `in`
      else if (kw == "if") kw_if_ = true;
      else if (kw == "contains") kw_contains_ = true;
      else return Error("unexpected keyword, must be one of [contains every if in]", path_loc);
    } else {
      return Error("invalid import, must be `future.keywords.x`, e.g. `import future.keywords.in`",
                   path_loc);
    }
  } else if (root == "rego") {
    if (items.size() == 2 && items[1].value.str() == "v2") {
      return Error("`import rego.v2` (OPA's unreleased preview: `and`, `or`, `not { ... }`) is "
                   "not supported yet",
                   path_loc);
    }
    if (items.size() != 2 || items[1].value.str() != "v1") {
      return Error("invalid import `" + RefText(items) + "`, must be `rego.v1`", path_loc);
    }
    if (options_.version == ast::RegoVersion::kV0) {
      if (!imp.alias.empty()) return Error("`rego` imports cannot be aliased", path_loc);
      kw_in_ = kw_every_ = kw_if_ = kw_contains_ = true;
      v1_rules_ = true;
    }
  } else if (imp.alias.empty()) {
    std::string last = items.size() == 1 ? items[0].name : std::string(items.back().value.str());
    if (IsKeyword(last)) {
      return Error("unexpected import path, must not end with a keyword, got: " + last +
                       " (hint: import a different path or use an alias)",
                   items.back().loc);
    }
  }
  imp.path = ast::Term::Ref(std::move(items), path_loc);
  out->imports.push_back(std::move(imp));
  return Status::OK();
}

// ---- rules -------------------------------------------------------------------

Status Parser::RuleHeadTerm(ast::RuleHead* head) {
  head->loc = Loc();
  std::vector<ast::Term> items;
  items.push_back(ast::Term::Var(std::string(tok_.text), Loc()));
  FEDRA_RETURN_IF_ERROR(Advance());
  while (!tok_.ws_before && (Is(Tok::kDot) || Is(Tok::kLBrack))) {
    if (Is(Tok::kDot)) {
      FEDRA_RETURN_IF_ERROR(Advance());
      if (!Is(Tok::kIdent) || tok_.ws_before) return Unexpected("expected ident");
      items.push_back(ast::Term::String(tok_.text, Loc()));
      FEDRA_RETURN_IF_ERROR(Advance());
    } else {
      Location open = Loc();
      FEDRA_RETURN_IF_ERROR(Advance());
      ast::Term step;
      FEDRA_RETURN_IF_ERROR(InfixTerm(true, &step));
      if (!Is(Tok::kRBrack)) return Unclosed(Tok::kRBrack, Tok::kLBrack, open);
      items.push_back(std::move(step));
      FEDRA_RETURN_IF_ERROR(Advance());
    }
  }
  if (!tok_.ws_before && Is(Tok::kLParen)) {
    Location open = Loc();
    head->is_function = true;
    FEDRA_RETURN_IF_ERROR(Advance());
    while (!Is(Tok::kRParen)) {
      ast::Term arg;
      FEDRA_RETURN_IF_ERROR(InfixTerm(false, &arg));
      head->args.push_back(std::move(arg));
      if (Is(Tok::kComma)) {
        FEDRA_RETURN_IF_ERROR(Advance());
      } else if (Is(Tok::kEof)) {
        return Unclosed(Tok::kRParen, Tok::kLParen, open);
      } else if (!Is(Tok::kRParen)) {
        return Unexpected("expected ',' or ')' in function arguments");
      }
    }
    FEDRA_RETURN_IF_ERROR(Advance());
    if (!tok_.ws_before && (Is(Tok::kDot) || Is(Tok::kLBrack))) {
      return Unexpected("function heads cannot have a ref after the arguments");
    }
  }
  std::string name = RefText(items);
  head->ref = ast::Term::Ref(std::move(items), head->loc);
  if (IsKw("contains")) {
    if (head->is_function) {
      return Unexpected("the contains keyword can only be used with multi-value rule "
                        "definitions (e.g., " + name + " contains <VALUE> { ... })");
    }
    FEDRA_RETURN_IF_ERROR(Advance());
    head->is_multi_value = true;
    return InfixTerm(true, &head->key);
  }
  if (Is(Tok::kUnify) || Is(Tok::kAssign)) {
    head->assign = Is(Tok::kAssign) ? ast::RuleHead::Assign::kAssign
                                    : ast::RuleHead::Assign::kUnify;
    FEDRA_RETURN_IF_ERROR(Advance());
    head->has_value = true;
    if (Is(Tok::kEof) || IsKw("if")) {
      return Unexpected("expected rule value term (e.g., " + name + " := <VALUE> { ... })");
    }
    return InfixTerm(true, &head->value);
  }
  return Status::OK();
}

Status Parser::DefaultValueCheck(const ast::Term& t, Location rule_loc) {
  switch (t.kind) {
    case TermKind::kArrayCompr:
    case TermKind::kSetCompr:
    case TermKind::kObjectCompr:
      return Status::OK();
    case TermKind::kVar:
    case TermKind::kRef:
    case TermKind::kCall:
      return Error(std::string("illegal default rule (value cannot contain ") +
                       (t.kind == TermKind::kVar ? "var" : t.kind == TermKind::kRef ? "ref" : "call") +
                       ")",
                   rule_loc);
    default:
      break;
  }
  for (const auto& i : t.items) FEDRA_RETURN_IF_ERROR(DefaultValueCheck(i, rule_loc));
  for (const auto& [k, v] : t.entries) {
    FEDRA_RETURN_IF_ERROR(DefaultValueCheck(k, rule_loc));
    FEDRA_RETURN_IF_ERROR(DefaultValueCheck(v, rule_loc));
  }
  return Status::OK();
}

Status Parser::Rule(std::vector<ast::Rule>* out) {
  ast::Rule rule;
  rule.loc = Loc();
  if (IsKw("default") && !NextIsRefStep()) {
    rule.is_default = true;
    FEDRA_RETURN_IF_ERROR(Advance());
  }
  if (!Is(Tok::kIdent) || (IsKeyword(tok_.text) && !NextIsRefStep())) {
    return Unexpected(rule.is_default ? "expected rule name after default"
                                      : "expected rule (e.g. `p := <VALUE>` or `p if { ... }`)");
  }
  ast::RuleHead& head = rule.head;
  FEDRA_RETURN_IF_ERROR(RuleHeadTerm(&head));

  if (rule.is_default) {
    if (!head.has_value) return Error("illegal default rule (must have a value)", rule.loc);
    FEDRA_RETURN_IF_ERROR(DefaultValueCheck(head.value, rule.loc));
    if (IsKw("if") || Is(Tok::kLBrace)) {
      return Unexpected("default rules cannot have a body");
    }
    out->push_back(std::move(rule));
    return Status::OK();
  }

  // v0 `p[x] { ... }` (and `p.q { ... }`): a two-step ref head without a
  // value and without `if` declares a partial set.
  bool set_from_ref = false;
  auto& ref = head.ref.items;
  if (!IsKw("if") && !head.is_multi_value && !head.is_function && ref.size() == 2 &&
      !head.has_value) {
    set_from_ref = true;
    head.is_multi_value = true;
    head.key = std::move(ref[1]);
    ref.pop_back();
  }

  bool has_body = false;
  bool has_if = false;
  FEDRA_RETURN_IF_ERROR(RuleBodyWithIf(&rule, &has_body, &has_if));
  if (v1_rules_ && set_from_ref) {
    return Error("`contains` keyword is required for partial set rules", rule.loc);
  }
  if (v1_rules_ && has_body && !has_if) {
    return Error("`if` keyword is required before rule body", rule.loc);
  }
  if (!has_body && !head.has_value && !head.is_multi_value && ref.size() == 1 &&
      !head.is_function) {
    return Unexpected("expected rule value or body after `" + ref[0].name +
                      "` (e.g. `" + ref[0].name + " := <VALUE>` or `" + ref[0].name +
                      " if { ... }`)");
  }

  if (has_body && IsKw("else") && !NextIsRefStep()) {
    if (head.is_multi_value) {
      return Error("else keyword cannot be used on multi-value rules", Loc());
    }
    for (size_t i = 1; i < ref.size(); ++i) {
      if (!ref[i].is_scalar()) {
        return Error("else keyword cannot be used on rules with variables in head", Loc());
      }
    }
    FEDRA_RETURN_IF_ERROR(Else(&rule));
  }

  std::vector<ast::Rule> more;
  while (has_body && Is(Tok::kLBrace)) {
    if (!rule.elses.empty()) return Unexpected("expected else keyword");
    ast::Rule next;
    next.loc = Loc();
    next.head = rule.head;
    FEDRA_RETURN_IF_ERROR(BraceBody(&next.body));
    more.push_back(std::move(next));
  }
  out->push_back(std::move(rule));
  for (auto& r : more) out->push_back(std::move(r));
  return Status::OK();
}

Status Parser::RuleBodyWithIf(ast::Rule* rule, bool* has_body, bool* has_if) {
  if (IsKw("if")) {
    *has_if = true;
    *has_body = true;
    FEDRA_RETURN_IF_ERROR(Advance());
    if (Is(Tok::kEof)) return Unexpected("expected rule body after if");
    // `p if expr` has a single-expression body; `p if { ... }` a block. A
    // block also parses as a set literal, which is never false, so a set
    // literal means a block.
    State s = Save();
    ast::Expr e;
    Status st = Literal(&e);
    bool set_literal = st.ok() && e.kind == ast::ExprKind::kTerm && !e.negated &&
                       e.term.kind == TermKind::kSet;
    if (st.ok() && !set_literal) {
      rule->body.push_back(std::move(e));
      return Status::OK();
    }
    Restore(s);
    if (!Is(Tok::kLBrace)) return st;
    return BraceBody(&rule->body);
  }
  if (Is(Tok::kLBrace)) {
    *has_body = true;
    return BraceBody(&rule->body);
  }
  return Status::OK();
}

Status Parser::Else(ast::Rule* rule) {
  while (IsKw("else") && !NextIsRefStep()) {
    ast::Rule e;
    e.loc = Loc();
    e.head.loc = Loc();
    e.head.ref = rule->head.ref;
    e.head.args = rule->head.args;
    e.head.is_function = rule->head.is_function;
    FEDRA_RETURN_IF_ERROR(Advance());
    if (Is(Tok::kUnify) || Is(Tok::kAssign)) {
      e.head.assign = Is(Tok::kAssign) ? ast::RuleHead::Assign::kAssign
                                       : ast::RuleHead::Assign::kUnify;
      e.head.has_value = true;
      FEDRA_RETURN_IF_ERROR(Advance());
      FEDRA_RETURN_IF_ERROR(InfixTerm(true, &e.head.value));
    } else if (!IsKw("if") && !Is(Tok::kLBrace)) {
      return Unexpected("expected else value term or rule body");
    }
    if (IsKw("if")) {
      FEDRA_RETURN_IF_ERROR(Advance());
      if (Is(Tok::kLBrace)) {
        FEDRA_RETURN_IF_ERROR(BraceBody(&e.body));
      } else if (Is(Tok::kEof)) {
        return Unexpected("rule body expected");
      } else {
        ast::Expr x;
        FEDRA_RETURN_IF_ERROR(Literal(&x));
        e.body.push_back(std::move(x));
      }
    } else if (Is(Tok::kLBrace)) {
      if (v1_rules_) return Error("`if` keyword is required before rule body", e.loc);
      FEDRA_RETURN_IF_ERROR(BraceBody(&e.body));
    }
    rule->elses.push_back(std::move(e));
  }
  return Status::OK();
}

// ---- bodies and literals -------------------------------------------------------

Status Parser::BraceBody(ast::Body* out) {
  DepthScope scope(this);
  FEDRA_RETURN_IF_ERROR(scope.Enter());
  Location open = Loc();
  FEDRA_RETURN_IF_ERROR(Advance());  // '{'
  FEDRA_RETURN_IF_ERROR(BodyUntil(Tok::kRBrace, out, nullptr, open));
  return Advance();  // '}'
}

Status Parser::BodyUntil(Tok end, ast::Body* out, std::vector<std::string>* texts,
                         Location open) {
  if (Is(end)) {
    return Error(end == Tok::kEof ? "empty query" : "found empty body", Loc());
  }
  while (true) {
    if (Is(Tok::kEof) && end != Tok::kEof) {
      return Unclosed(end, end == Tok::kRBrace ? Tok::kLBrace : Tok::kLBrack, open);
    }
    size_t start = tok_.offset;
    ast::Expr e;
    FEDRA_RETURN_IF_ERROR(Literal(&e));
    out->push_back(std::move(e));
    if (texts) texts->emplace_back(src_.substr(start, prev_end_ - start));
    if (Is(Tok::kSemicolon)) {
      FEDRA_RETURN_IF_ERROR(Advance());
      continue;
    }
    if (Is(end)) return Status::OK();
    if (Is(Tok::kEof)) return Unclosed(end, end == Tok::kRBrace ? Tok::kLBrace : Tok::kLBrack, open);
    if (!tok_.nl_before) {
      std::string what = "expected \\n or ; or " + TokName(end);
      if (end == Tok::kEof) what = "expected \\n or ; or end of query";
      return Unexpected(what);
    }
  }
}

Status Parser::Literal(ast::Expr* out) {
  DepthScope scope(this);
  FEDRA_RETURN_IF_ERROR(scope.Enter());
  out->loc = Loc();
  bool keyword_ref = Is(Tok::kIdent) && IsKeyword(tok_.text) && NextIsRefStep();
  if (!keyword_ref) {
    if (IsKw("not") && !NextIsRefStep()) {
      out->negated = true;
      FEDRA_RETURN_IF_ERROR(Advance());
    }
    bool ref_after = Is(Tok::kIdent) && NextIsRefStep();
    if (IsKw("some") && !ref_after) {
      if (out->negated) return Unexpected("illegal negation of 'some'");
      return Some(out);
    }
    if (IsKw("every") && !ref_after) {
      if (out->negated) return Unexpected("illegal negation of 'every'");
      return Every(out);
    }
    if (Is(Tok::kIdent) && tok_.text == "every" && !kw_every_) {
      Lexer copy = lex_;
      Token next;
      if (copy.Next(&next).ok() && next.kind == Tok::kIdent && next.ws_before) {
        return Error("unexpected ident token after `every` (hint: `import "
                     "future.keywords.every` or `import rego.v1` for `every x in xs { ... }`)",
                     LocOf(next));
      }
    }
  }
  ast::Term lhs;
  FEDRA_RETURN_IF_ERROR(InfixTerm(true, &lhs));
  if (Is(Tok::kUnify) || Is(Tok::kAssign)) {
    const char* op = Is(Tok::kAssign) ? "assign" : "eq";
    Location op_loc = Loc();
    FEDRA_RETURN_IF_ERROR(Advance());
    ast::Term rhs;
    FEDRA_RETURN_IF_ERROR(InfixTerm(true, &rhs));
    Location loc = lhs.loc;
    std::vector<ast::Term> items;
    items.push_back(ast::Term::Operator(op, op_loc));
    items.push_back(std::move(lhs));
    items.push_back(std::move(rhs));
    out->term = ast::Term::Call(std::move(items), loc);
  } else {
    out->term = std::move(lhs);
  }
  return Withs(out);
}

Status Parser::Withs(ast::Expr* out) {
  while (IsKw("with")) {
    ast::With w;
    w.loc = Loc();
    FEDRA_RETURN_IF_ERROR(Advance());
    if (!Is(Tok::kIdent)) return Unexpected("expected ident");
    FEDRA_RETURN_IF_ERROR(Term(&w.target));
    if (w.target.is_var()) {
      Location l = w.target.loc;
      std::vector<ast::Term> items;
      items.push_back(std::move(w.target));
      w.target = ast::Term::Ref(std::move(items), l);
    }
    if (!w.target.is_ref()) return Error("unexpected with target: expected a path", w.target.loc);
    if (!IsKw("as")) return Unexpected("expected as keyword");
    FEDRA_RETURN_IF_ERROR(Advance());
    FEDRA_RETURN_IF_ERROR(InfixTerm(true, &w.value));
    out->with.push_back(std::move(w));
  }
  return Status::OK();
}

Status Parser::Some(ast::Expr* out) {
  out->kind = ast::ExprKind::kSome;
  FEDRA_RETURN_IF_ERROR(Advance());  // 'some'
  State s = Save();
  ast::Term t;
  Status first = InfixTerm(true, &t);
  if (first.ok() && t.is_call()) {
    std::string name = t.CallName();
    if (name != "internal.member_2" && name != "internal.member_3") {
      return Error("unexpected call: expected `x in xs` or `x, y in xs` expression", t.loc);
    }
    out->terms.push_back(std::move(t));
    return Withs(out);
  }
  Restore(s);
  while (true) {
    if (!Is(Tok::kIdent) || IsKeyword(tok_.text)) {
      if (!first.ok()) return first;
      return Unexpected("expected var");
    }
    out->terms.push_back(ast::Term::Var(std::string(tok_.text), Loc()));
    FEDRA_RETURN_IF_ERROR(Advance());
    if (!Is(Tok::kComma)) break;
    FEDRA_RETURN_IF_ERROR(Advance());
  }
  if (!first.ok() && IsKw("in")) return first;
  if (Is(Tok::kIdent) && tok_.text == "in" && !kw_in_) {
    return Unexpected("expected \\n or ;");
  }
  return Status::OK();
}

Status Parser::Every(ast::Expr* out) {
  out->kind = ast::ExprKind::kEvery;
  FEDRA_RETURN_IF_ERROR(Advance());  // 'every'
  ast::Term t;
  FEDRA_RETURN_IF_ERROR(InfixTerm(true, &t));
  std::string name = t.CallName();
  if (name != "internal.member_2" && name != "internal.member_3") {
    return Error("unexpected term: expected `x[, y] in xs { ... }` expression", t.loc);
  }
  ast::Term key = ast::Term::Scalar(Value::Null(), t.loc);
  size_t v = 1;
  if (name == "internal.member_3") {
    if (!t.items[1].is_var()) return Error("expected key to be a variable", t.items[1].loc);
    key = std::move(t.items[1]);
    v = 2;
  }
  if (!t.items[v].is_var()) return Error("expected value to be a variable", t.items[v].loc);
  out->terms.push_back(std::move(key));
  out->terms.push_back(std::move(t.items[v]));
  out->terms.push_back(std::move(t.items[v + 1]));
  if (!Is(Tok::kLBrace)) return Unexpected("expected '{' to start the every body");
  FEDRA_RETURN_IF_ERROR(BraceBody(&out->body));
  return Withs(out);
}

// ---- entry points --------------------------------------------------------------

Status Parser::Query(ast::Body* out, std::vector<std::string>* texts) {
  return BodyUntil(Tok::kEof, out, texts, Loc());
}

Status Parser::SingleTerm(ast::Term* out) {
  if (Is(Tok::kEof)) return Unexpected("expected term");
  FEDRA_RETURN_IF_ERROR(InfixTerm(false, out));
  if (!Is(Tok::kEof)) return Unexpected("expected end of term");
  return Status::OK();
}

}  // namespace internal

Status ParseModule(std::string_view source, std::string_view file, const ParseOptions& options,
                   ast::Module* out) {
  internal::Parser p(source, file, options);
  FEDRA_RETURN_IF_ERROR(p.Start());
  return p.Module(out);
}

Status ParseQuery(std::string_view source, std::string_view file, const ParseOptions& options,
                  ast::Body* out) {
  return ParseQuery(source, file, options, out, nullptr);
}

Status ParseQuery(std::string_view source, std::string_view file, const ParseOptions& options,
                  ast::Body* out, std::vector<std::string>* texts) {
  internal::Parser p(source, file, options);
  FEDRA_RETURN_IF_ERROR(p.Start());
  return p.Query(out, texts);
}

Status ParseTerm(std::string_view source, std::string_view file, const ParseOptions& options,
                 ast::Term* out) {
  internal::Parser p(source, file, options);
  FEDRA_RETURN_IF_ERROR(p.Start());
  return p.SingleTerm(out);
}

}  // namespace fedra::syntax
