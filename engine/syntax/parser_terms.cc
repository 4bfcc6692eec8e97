// Terms and infix operators (see parser_impl.h for the grammar notes).
#include <string>
#include <utility>
#include <vector>

#include "syntax/parser_impl.h"
#include "value/number.h"

namespace fedra::syntax::internal {

using ast::TermKind;

namespace {

// Binary operator precedence (higher binds tighter); 0 for non-operators.
int Precedence(Tok t) {
  switch (t) {
    case Tok::kEqual:
    case Tok::kNeq:
    case Tok::kLt:
    case Tok::kLte:
    case Tok::kGt:
    case Tok::kGte:
      return 1;
    case Tok::kOr:
      return 2;
    case Tok::kAnd:
      return 3;
    case Tok::kPlus:
    case Tok::kMinus:
      return 4;
    case Tok::kMul:
    case Tok::kDiv:
    case Tok::kRem:
      return 5;
    default:
      return 0;
  }
}

const char* OperatorName(Tok t) {
  switch (t) {
    case Tok::kEqual: return "equal";
    case Tok::kNeq: return "neq";
    case Tok::kLt: return "lt";
    case Tok::kLte: return "lte";
    case Tok::kGt: return "gt";
    case Tok::kGte: return "gte";
    case Tok::kOr: return "or";
    case Tok::kAnd: return "and";
    case Tok::kPlus: return "plus";
    case Tok::kMinus: return "minus";
    case Tok::kMul: return "mul";
    case Tok::kDiv: return "div";
    case Tok::kRem: return "rem";
    default: return "";
  }
}

const char* KindName(TermKind k) {
  switch (k) {
    case TermKind::kScalar: return "scalar";
    case TermKind::kVar: return "var";
    case TermKind::kRef: return "ref";
    case TermKind::kArray: return "array";
    case TermKind::kSet: return "set";
    case TermKind::kObject: return "object";
    case TermKind::kArrayCompr: return "array comprehension";
    case TermKind::kSetCompr: return "set comprehension";
    case TermKind::kObjectCompr: return "object comprehension";
    case TermKind::kCall: return "call";
    case TermKind::kTemplate: return "template string";
  }
  return "term";
}

ast::Term MakeCall(std::string_view op, Location op_loc, std::vector<ast::Term> args,
                   Location loc) {
  std::vector<ast::Term> items;
  items.reserve(args.size() + 1);
  items.push_back(ast::Term::Operator(op, op_loc));
  for (auto& a : args) items.push_back(std::move(a));
  return ast::Term::Call(std::move(items), loc);
}

}  // namespace

Status Parser::InfixTerm(bool key_val, ast::Term* out) {
  DepthScope scope(this);
  FEDRA_RETURN_IF_ERROR(scope.Enter());
  FEDRA_RETURN_IF_ERROR(Binary(1, out));
  return ContinueIn(key_val, out);
}

Status Parser::ContinueIn(bool key_val, ast::Term* lhs) {
  size_t chain = 0;
  if (key_val && Is(Tok::kComma)) {
    // `k, v in xs`: only a member_3 call when `in` follows the second term;
    // otherwise the comma belongs to the caller (it reports it).
    State s = Save();
    FEDRA_RETURN_IF_ERROR(Advance());
    ast::Term mhs;
    Status st = Binary(1, &mhs);
    if (st.ok() && IsKw("in")) {
      Location op_loc = Loc();
      FEDRA_RETURN_IF_ERROR(Advance());
      ast::Term rhs;
      FEDRA_RETURN_IF_ERROR(Binary(1, &rhs));
      Location loc = lhs->loc;
      std::vector<ast::Term> args;
      args.push_back(std::move(*lhs));
      args.push_back(std::move(mhs));
      args.push_back(std::move(rhs));
      *lhs = MakeCall("internal.member_3", op_loc, std::move(args), loc);
      ++chain;
    } else {
      Restore(s);
      return Status::OK();
    }
  }
  while (IsKw("in")) {
    if (++chain > max_depth()) return Error("expression too deeply nested", Loc());
    Location op_loc = Loc();
    FEDRA_RETURN_IF_ERROR(Advance());
    ast::Term rhs;
    FEDRA_RETURN_IF_ERROR(Binary(1, &rhs));
    Location loc = lhs->loc;
    std::vector<ast::Term> args;
    args.push_back(std::move(*lhs));
    args.push_back(std::move(rhs));
    *lhs = MakeCall("internal.member_2", op_loc, std::move(args), loc);
  }
  return Status::OK();
}

Status Parser::Binary(int min_prec, ast::Term* out) {
  FEDRA_RETURN_IF_ERROR(Term(out));
  return ContinueBinary(min_prec, out);
}

Status Parser::ContinueBinary(int min_prec, ast::Term* lhs) {
  DepthScope scope(this);
  FEDRA_RETURN_IF_ERROR(scope.Enter());
  size_t chain = 0;
  while (true) {
    int prec = Precedence(tok_.kind);
    if (prec == 0 || prec < min_prec) return Status::OK();
    if (++chain > max_depth()) return Error("expression too deeply nested", Loc());
    Tok op = tok_.kind;
    Location op_loc = Loc();
    FEDRA_RETURN_IF_ERROR(Advance());
    ast::Term rhs;
    FEDRA_RETURN_IF_ERROR(Binary(prec + 1, &rhs));
    Location loc = lhs->loc;
    std::vector<ast::Term> args;
    args.push_back(std::move(*lhs));
    args.push_back(std::move(rhs));
    *lhs = MakeCall(OperatorName(op), op_loc, std::move(args), loc);
  }
}

Status Parser::Term(ast::Term* out) {
  DepthScope scope(this);
  FEDRA_RETURN_IF_ERROR(scope.Enter());
  Location loc = Loc();
  switch (tok_.kind) {
    case Tok::kIdent: {
      std::string_view word = tok_.text;
      if (IsKeyword(word) && !NextIsRefStep() && word != "contains") {
        if (word == "true" || word == "false") {
          *out = ast::Term::Scalar(Value::Bool(word == "true"), loc);
          return Advance();  // scalars take no ref steps
        }
        if (word == "null") {
          *out = ast::Term::Scalar(Value::Null(), loc);
          return Advance();
        }
        return Unexpected("expected term");
      }
      *out = ast::Term::Var(std::string(word), loc);
      FEDRA_RETURN_IF_ERROR(Advance());
      if (word == "input" || word == "data") {
        std::vector<ast::Term> items;
        items.push_back(std::move(*out));
        *out = ast::Term::Ref(std::move(items), loc);
      }
      return TermFinish(out);
    }
    case Tok::kNumber:
    case Tok::kMinus:
    case Tok::kDot:
      return Number(out);
    case Tok::kString:
      *out = ast::Term::Scalar(Value::String(std::move(tok_.value)), loc);
      FEDRA_RETURN_IF_ERROR(Advance());
      return TermFinish(out);
    case Tok::kTemplatePart:
    case Tok::kTemplateEnd:
      FEDRA_RETURN_IF_ERROR(Template(out));
      return TermFinish(out);
    case Tok::kLBrack:
      FEDRA_RETURN_IF_ERROR(Array(out));
      return TermFinish(out);
    case Tok::kLBrace:
      FEDRA_RETURN_IF_ERROR(SetOrObject(out));
      return TermFinish(out);
    case Tok::kLParen: {
      FEDRA_RETURN_IF_ERROR(Advance());
      FEDRA_RETURN_IF_ERROR(InfixTerm(true, out));
      if (!Is(Tok::kRParen)) return Unclosed(Tok::kRParen, Tok::kLParen, loc);
      FEDRA_RETURN_IF_ERROR(Advance());
      return TermFinish(out);
    }
    default:
      return Unexpected("expected term");
  }
}

// Ref steps and calls directly after a term: `.name`, `[term]`, `(args)`.
Status Parser::TermFinish(ast::Term* term) {
  size_t nesting = 0;
  while (!tok_.ws_before &&
         (Is(Tok::kDot) || Is(Tok::kLBrack) || Is(Tok::kLParen))) {
    if (Is(Tok::kLParen)) {
      if (++nesting > max_depth()) return Error("expression too deeply nested", Loc());
      ast::Term op = std::move(*term);
      if (op.is_var()) {
        std::vector<ast::Term> items;
        Location l = op.loc;
        items.push_back(std::move(op));
        op = ast::Term::Ref(std::move(items), l);
      }
      if (!op.is_ref() || op.items.empty() || !op.items[0].is_var()) {
        return Error(std::string("illegal call: a ") + KindName(op.kind) +
                         " cannot be called, expected a function name",
                     Loc());
      }
      FEDRA_RETURN_IF_ERROR(Call(std::move(op), term));
      if (term->kind != TermKind::kCall) return Status::OK();  // set()
      continue;
    }
    switch (term->kind) {
      case TermKind::kVar:
      case TermKind::kRef:
      case TermKind::kArray:
      case TermKind::kSet:
      case TermKind::kObject:
      case TermKind::kArrayCompr:
      case TermKind::kSetCompr:
      case TermKind::kObjectCompr:
      case TermKind::kCall:
        break;
      default:
        return Error(std::string("illegal ref: a ") + KindName(term->kind) +
                         " cannot be dereferenced",
                     Loc());
    }
    if (!term->is_ref()) {
      if (++nesting > max_depth()) return Error("expression too deeply nested", Loc());
      Location l = term->loc;
      std::vector<ast::Term> items;
      items.push_back(std::move(*term));
      *term = ast::Term::Ref(std::move(items), l);
    }
    if (Is(Tok::kDot)) {
      FEDRA_RETURN_IF_ERROR(Advance());
      if (!Is(Tok::kIdent) || tok_.ws_before) {
        return Unexpected("expected ident after '.'");
      }
      term->items.push_back(ast::Term::String(tok_.text, Loc()));
      FEDRA_RETURN_IF_ERROR(Advance());
    } else {
      Location open = Loc();
      FEDRA_RETURN_IF_ERROR(Advance());
      ast::Term step;
      FEDRA_RETURN_IF_ERROR(InfixTerm(true, &step));
      if (!Is(Tok::kRBrack)) return Unclosed(Tok::kRBrack, Tok::kLBrack, open);
      term->items.push_back(std::move(step));
      FEDRA_RETURN_IF_ERROR(Advance());
    }
  }
  return Status::OK();
}

Status Parser::Call(ast::Term op, ast::Term* out) {
  DepthScope scope(this);
  FEDRA_RETURN_IF_ERROR(scope.Enter());
  Location loc = op.loc;
  Location open = Loc();
  FEDRA_RETURN_IF_ERROR(Advance());  // '('
  std::vector<ast::Term> items;
  items.push_back(std::move(op));
  while (!Is(Tok::kRParen)) {
    ast::Term arg;
    FEDRA_RETURN_IF_ERROR(InfixTerm(false, &arg));
    items.push_back(std::move(arg));
    if (Is(Tok::kComma)) {
      FEDRA_RETURN_IF_ERROR(Advance());
      continue;
    }
    if (Is(Tok::kRParen)) break;
    if (Is(Tok::kEof)) return Unclosed(Tok::kRParen, Tok::kLParen, open);
    return Unexpected("expected ',' or ')' in call arguments");
  }
  FEDRA_RETURN_IF_ERROR(Advance());  // ')'
  // `set()` is the empty set, not a call.
  if (items.size() == 1 && items[0].items.size() == 1 && items[0].items[0].is_var() &&
      items[0].items[0].name == "set") {
    *out = ast::Term::Set({}, loc);
    return Status::OK();
  }
  *out = ast::Term::Call(std::move(items), loc);
  return Status::OK();
}

Status Parser::Number(ast::Term* out) {
  Location loc = Loc();
  std::string text;
  if (Is(Tok::kMinus)) {
    text = "-";
    FEDRA_RETURN_IF_ERROR(Advance());
    if (!Is(Tok::kNumber) && !Is(Tok::kDot)) {
      return Unexpected("expected number after '-' (negation applies to number literals only)");
    }
  }
  bool fraction_only = false;
  if (Is(Tok::kDot)) {
    FEDRA_RETURN_IF_ERROR(Advance());
    if (!Is(Tok::kNumber) || tok_.ws_before) return Unexpected("expected number");
    text += "0.";
    fraction_only = true;
  }
  std::string_view lit = tok_.text;
  if (!fraction_only && lit.size() > 1 && lit[0] == '0' && lit[1] != '.' &&
      !(lit.size() > 2 && (lit[1] == 'e' || lit[1] == 'E'))) {
    return Error("unexpected number token: expected number without leading zero", Loc());
  }
  // Bound the exponent before converting: huge exponents make exact
  // arithmetic on the literal needlessly expensive (OPA: "number too big").
  size_t e = lit.find_first_of("eE");
  if (e != std::string_view::npos) {
    size_t i = e + 1;
    if (i < lit.size() && (lit[i] == '+' || lit[i] == '-')) ++i;
    std::string_view digits = lit.substr(i);
    while (digits.size() > 1 && digits[0] == '0') digits.remove_prefix(1);
    if (digits.size() > 5) return Error("number too big", loc);
  }
  text.append(lit);
  Value v;
  if (!num::Parse(text, &v) || !v.is_number()) {
    return Error("invalid number literal " + text, loc);
  }
  if (v.num_rep() == Value::NumRep::kDouble) {
    double d = v.double_value();
    if (d - d != 0) return Error("number too big", loc);
  }
  *out = ast::Term::Scalar(std::move(v), loc);
  FEDRA_RETURN_IF_ERROR(Advance());
  // A number cannot take ref steps; a following '.' or '[' is an error the
  // caller reports.
  return Status::OK();
}

Status Parser::Array(ast::Term* out) {
  DepthScope scope(this);
  FEDRA_RETURN_IF_ERROR(scope.Enter());
  Location loc = Loc();
  FEDRA_RETURN_IF_ERROR(Advance());  // '['
  std::vector<ast::Term> items;
  if (Is(Tok::kRBrack)) {
    *out = ast::Term::Array({}, loc);
    return Advance();
  }
  bool potential_compr = true;
  if (Is(Tok::kComma)) {  // OPA accepts a leading comma: [, x]
    potential_compr = false;
    FEDRA_RETURN_IF_ERROR(Advance());
  }
  ast::Term head;
  FEDRA_RETURN_IF_ERROR(Term(&head));
  if (Is(Tok::kOr) && potential_compr) {
    return ComprehensionRest(TermKind::kArrayCompr, {std::move(head)}, Tok::kRBrack, loc, loc, out);
  }
  if (!Is(Tok::kRBrack) && !Is(Tok::kComma)) {
    FEDRA_RETURN_IF_ERROR(ContinueBinary(1, &head));
    FEDRA_RETURN_IF_ERROR(ContinueIn(false, &head));
  }
  items.push_back(std::move(head));
  while (true) {
    if (Is(Tok::kRBrack)) break;
    if (Is(Tok::kEof)) return Unclosed(Tok::kRBrack, Tok::kLBrack, loc);
    if (!Is(Tok::kComma)) return Unexpected("expected ',' or ']' in array");
    FEDRA_RETURN_IF_ERROR(Advance());
    if (Is(Tok::kRBrack)) break;
    ast::Term item;
    FEDRA_RETURN_IF_ERROR(InfixTerm(false, &item));
    items.push_back(std::move(item));
  }
  *out = ast::Term::Array(std::move(items), loc);
  return Advance();
}

Status Parser::SetOrObject(ast::Term* out) {
  DepthScope scope(this);
  FEDRA_RETURN_IF_ERROR(scope.Enter());
  Location loc = Loc();
  FEDRA_RETURN_IF_ERROR(Advance());  // '{'
  if (Is(Tok::kRBrace)) {
    *out = ast::Term::Object({}, loc);
    return Advance();
  }
  bool potential_compr = true;
  if (Is(Tok::kComma)) {  // OPA accepts a leading comma: {, x}
    potential_compr = false;
    FEDRA_RETURN_IF_ERROR(Advance());
  }
  ast::Term head;
  FEDRA_RETURN_IF_ERROR(Term(&head));
  if (Is(Tok::kOr) && potential_compr) {
    return ComprehensionRest(TermKind::kSetCompr, {std::move(head)}, Tok::kRBrace, loc, loc, out);
  }
  if (!Is(Tok::kRBrace) && !Is(Tok::kComma) && !Is(Tok::kColon)) {
    FEDRA_RETURN_IF_ERROR(ContinueBinary(1, &head));
    FEDRA_RETURN_IF_ERROR(ContinueIn(false, &head));
  }
  if (Is(Tok::kColon)) return ObjectRest(std::move(head), potential_compr, loc, loc, out);
  std::vector<ast::Term> items;
  items.push_back(std::move(head));
  while (true) {
    if (Is(Tok::kRBrace)) break;
    if (Is(Tok::kEof)) return Unclosed(Tok::kRBrace, Tok::kLBrace, loc);
    if (!Is(Tok::kComma)) return Unexpected("expected ',' or '}' in set");
    FEDRA_RETURN_IF_ERROR(Advance());
    if (Is(Tok::kRBrace)) break;
    ast::Term item;
    FEDRA_RETURN_IF_ERROR(InfixTerm(false, &item));
    items.push_back(std::move(item));
  }
  *out = ast::Term::Set(std::move(items), loc);
  return Advance();
}

Status Parser::ComprehensionRest(TermKind kind, std::vector<ast::Term> heads, Tok close,
                                 Location loc, Location open, ast::Term* out) {
  FEDRA_RETURN_IF_ERROR(Advance());  // '|'
  ast::Term compr;
  compr.kind = kind;
  compr.loc = loc;
  compr.items = std::move(heads);
  FEDRA_RETURN_IF_ERROR(BodyUntil(close, &compr.body, nullptr, loc));
  if (!Is(close)) return Unclosed(close, close == Tok::kRBrack ? Tok::kLBrack : Tok::kLBrace, open);
  *out = std::move(compr);
  return Advance();
}

Status Parser::ObjectRest(ast::Term key, bool potential_compr, Location loc, Location open,
                          ast::Term* out) {
  DepthScope scope(this);
  FEDRA_RETURN_IF_ERROR(scope.Enter());
  FEDRA_RETURN_IF_ERROR(Advance());  // ':'
  ast::Term value;
  FEDRA_RETURN_IF_ERROR(Term(&value));
  if (Is(Tok::kOr) && potential_compr) {
    std::vector<ast::Term> heads;
    heads.push_back(std::move(key));
    heads.push_back(std::move(value));
    return ComprehensionRest(TermKind::kObjectCompr, std::move(heads), Tok::kRBrace, loc, open, out);
  }
  if (!Is(Tok::kRBrace) && !Is(Tok::kComma)) {
    FEDRA_RETURN_IF_ERROR(ContinueBinary(1, &value));
    FEDRA_RETURN_IF_ERROR(ContinueIn(false, &value));
  }
  std::vector<std::pair<ast::Term, ast::Term>> entries;
  entries.emplace_back(std::move(key), std::move(value));
  while (true) {
    if (Is(Tok::kRBrace)) break;
    if (Is(Tok::kEof)) return Unclosed(Tok::kRBrace, Tok::kLBrace, open);
    if (!Is(Tok::kComma)) return Unexpected("expected ',' or '}' in object");
    FEDRA_RETURN_IF_ERROR(Advance());
    if (Is(Tok::kRBrace)) break;
    ast::Term k, v;
    FEDRA_RETURN_IF_ERROR(InfixTerm(false, &k));
    if (!Is(Tok::kColon)) return Unexpected("expected ':' after object key");
    FEDRA_RETURN_IF_ERROR(Advance());
    FEDRA_RETURN_IF_ERROR(InfixTerm(false, &v));
    entries.emplace_back(std::move(k), std::move(v));
  }
  *out = ast::Term::Object(std::move(entries), loc);
  return Advance();
}

Status Parser::Template(ast::Term* out) {
  DepthScope scope(this);
  FEDRA_RETURN_IF_ERROR(scope.Enter());
  Location loc = Loc();
  bool raw = tok_.raw;
  ast::Term t;
  t.kind = TermKind::kTemplate;
  t.loc = loc;
  t.items.push_back(ast::Term::String(tok_.value, loc));
  while (Is(Tok::kTemplatePart)) {
    FEDRA_RETURN_IF_ERROR(Advance());
    if (Is(Tok::kRBrace) || Is(Tok::kEof)) {
      return Unexpected("expected an expression inside '{...}' of the template string");
    }
    ast::Expr expr;
    FEDRA_RETURN_IF_ERROR(Literal(&expr));
    if (expr.negated) {
      return Error("unexpected negation ('not') in template-string expression", expr.loc);
    }
    if (expr.kind == ast::ExprKind::kSome) {
      return Error("unexpected 'some' in template-string expression", expr.loc);
    }
    if (expr.kind == ast::ExprKind::kEvery) {
      return Error("unexpected 'every' in template-string expression", expr.loc);
    }
    std::string op = expr.term.CallName();
    if (op == "eq") {
      return Error("unexpected unification ('=') in template-string expression", expr.loc);
    }
    if (op == "assign") {
      return Error("unexpected assignment (':=') in template-string expression", expr.loc);
    }
    if (!Is(Tok::kRBrace)) {
      return Unexpected("expected '}' to end template string expression");
    }
    prev_end_ = tok_.end;
    FEDRA_RETURN_IF_ERROR(lex_.ContinueTemplate(raw, &tok_));
    t.items.push_back(expr.term);
    t.body.push_back(std::move(expr));
    t.items.push_back(ast::Term::String(tok_.value, Loc()));
  }
  *out = std::move(t);
  return Advance();
}

}  // namespace fedra::syntax::internal
