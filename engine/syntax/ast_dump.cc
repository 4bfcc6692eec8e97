#include "syntax/ast_dump.h"

#include <string>
#include <string_view>

namespace fedra::syntax {

using ast::Expr;
using ast::ExprKind;
using ast::Term;
using ast::TermKind;

namespace {

// ---- Rego source text ---------------------------------------------------------

struct InfixOp {
  std::string_view name;
  std::string_view text;
  int prec;  // higher binds tighter
};

constexpr InfixOp kInfix[] = {
    {"eq", "=", 0},     {"assign", ":=", 0}, {"equal", "==", 2}, {"neq", "!=", 2},
    {"lt", "<", 2},     {"lte", "<=", 2},    {"gt", ">", 2},     {"gte", ">=", 2},
    {"or", "|", 3},     {"and", "&", 4},     {"plus", "+", 5},   {"minus", "-", 5},
    {"mul", "*", 6},    {"div", "/", 6},     {"rem", "%", 6},
};

const InfixOp* FindInfix(const Term& t) {
  if (!t.is_call() || t.items.size() != 3) return nullptr;
  std::string name = t.CallName();
  for (const auto& op : kInfix) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

// Precedence of a term when printed (100 for non-infix terms).
int TermPrec(const Term& t) {
  if (const InfixOp* op = FindInfix(t)) return op->prec;
  std::string name = t.is_call() ? t.CallName() : "";
  if (name == "internal.member_2" || name == "internal.member_3") return 1;
  return 100;
}

bool IsIdent(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void AppendTerm(const Term& t, std::string* out);
void AppendExpr(const Expr& e, std::string* out);

void AppendWrapped(const Term& t, int min_prec, std::string* out) {
  if (TermPrec(t) < min_prec) {
    out->push_back('(');
    AppendTerm(t, out);
    out->push_back(')');
  } else {
    AppendTerm(t, out);
  }
}

void AppendBody(const ast::Body& body, std::string* out) {
  for (size_t i = 0; i < body.size(); ++i) {
    if (i > 0) out->append("; ");
    AppendExpr(body[i], out);
  }
}

// An element of a collection or a call argument: `|` right after a first
// element would read as a comprehension, and a bare `k, v in xs` as two
// elements, so both are parenthesised.
void AppendElement(const Term& t, std::string* out) {
  std::string name = t.is_call() ? t.CallName() : "";
  if (name == "or" || name == "internal.member_3") {
    out->push_back('(');
    AppendTerm(t, out);
    out->push_back(')');
  } else {
    AppendTerm(t, out);
  }
}

void AppendList(const std::vector<Term>& items, size_t from, std::string* out) {
  for (size_t i = from; i < items.size(); ++i) {
    if (i > from) out->append(", ");
    AppendElement(items[i], out);
  }
}

void AppendTemplateText(std::string_view s, std::string* out) {
  for (char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '{': out->append("\\{"); break;
      case '\n': out->append("\\n"); break;
      case '\t': out->append("\\t"); break;
      case '\r': out->append("\\r"); break;
      default: out->push_back(c);
    }
  }
}

void AppendTerm(const Term& t, std::string* out) {
  switch (t.kind) {
    case TermKind::kScalar:
      if (t.value.defined()) out->append(ToRegoString(t.value));
      return;
    case TermKind::kVar:
      out->append(t.name);
      return;
    case TermKind::kRef: {
      if (t.items.empty()) return;
      const Term& head = t.items[0];
      AppendWrapped(head, 100, out);
      for (size_t i = 1; i < t.items.size(); ++i) {
        const Term& s = t.items[i];
        if (s.is_scalar() && s.value.is_string() && IsIdent(s.value.str())) {
          out->push_back('.');
          out->append(s.value.str());
        } else {
          out->push_back('[');
          AppendTerm(s, out);
          out->push_back(']');
        }
      }
      return;
    }
    case TermKind::kArray:
      out->push_back('[');
      AppendList(t.items, 0, out);
      out->push_back(']');
      return;
    case TermKind::kSet:
      if (t.items.empty()) {
        out->append("set()");
        return;
      }
      out->push_back('{');
      AppendList(t.items, 0, out);
      out->push_back('}');
      return;
    case TermKind::kObject:
      out->push_back('{');
      for (size_t i = 0; i < t.entries.size(); ++i) {
        if (i > 0) out->append(", ");
        AppendElement(t.entries[i].first, out);
        out->append(": ");
        AppendElement(t.entries[i].second, out);
      }
      out->push_back('}');
      return;
    case TermKind::kArrayCompr:
    case TermKind::kSetCompr:
    case TermKind::kObjectCompr: {
      bool array = t.kind == TermKind::kArrayCompr;
      out->push_back(array ? '[' : '{');
      if (!t.items.empty()) AppendTerm(t.items[0], out);
      if (t.kind == TermKind::kObjectCompr && t.items.size() > 1) {
        out->append(": ");
        AppendTerm(t.items[1], out);
      }
      out->append(" | ");
      AppendBody(t.body, out);
      out->push_back(array ? ']' : '}');
      return;
    }
    case TermKind::kCall: {
      if (const InfixOp* op = FindInfix(t)) {
        AppendWrapped(t.items[1], op->prec, out);
        out->push_back(' ');
        out->append(op->text);
        out->push_back(' ');
        AppendWrapped(t.items[2], op->prec + 1, out);
        return;
      }
      std::string name = t.CallName();
      if (name == "internal.member_2" && t.items.size() == 3) {
        AppendWrapped(t.items[1], 2, out);
        out->append(" in ");
        AppendWrapped(t.items[2], 2, out);
        return;
      }
      if (name == "internal.member_3" && t.items.size() == 4) {
        AppendWrapped(t.items[1], 2, out);
        out->append(", ");
        AppendWrapped(t.items[2], 2, out);
        out->append(" in ");
        AppendWrapped(t.items[3], 2, out);
        return;
      }
      if (!t.items.empty()) AppendTerm(t.items[0], out);
      out->push_back('(');
      AppendList(t.items, 1, out);
      out->push_back(')');
      return;
    }
    case TermKind::kTemplate: {
      out->append("$\"");
      for (size_t i = 0; i < t.items.size(); ++i) {
        if (i % 2 == 0) {
          if (t.items[i].value.is_string()) AppendTemplateText(t.items[i].value.str(), out);
          continue;
        }
        out->push_back('{');
        size_t j = i / 2;
        if (j < t.body.size()) {
          AppendExpr(t.body[j], out);
        } else {
          AppendTerm(t.items[i], out);
        }
        out->push_back('}');
      }
      out->push_back('"');
      return;
    }
  }
}

void AppendExpr(const Expr& e, std::string* out) {
  if (e.negated) out->append("not ");
  switch (e.kind) {
    case ExprKind::kTerm:
      AppendTerm(e.term, out);
      break;
    case ExprKind::kSome:
      out->append("some ");
      for (size_t i = 0; i < e.terms.size(); ++i) {
        if (i > 0) out->append(", ");
        AppendTerm(e.terms[i], out);
      }
      break;
    case ExprKind::kEvery:
      out->append("every ");
      if (e.terms.size() == 3) {
        if (!(e.terms[0].is_scalar() && e.terms[0].value.is_null())) {
          AppendTerm(e.terms[0], out);
          out->append(", ");
        }
        AppendTerm(e.terms[1], out);
        out->append(" in ");
        AppendTerm(e.terms[2], out);
      }
      out->append(" { ");
      AppendBody(e.body, out);
      out->append(" }");
      break;
  }
  for (const auto& w : e.with) {
    out->append(" with ");
    AppendTerm(w.target, out);
    out->append(" as ");
    AppendTerm(w.value, out);
  }
}

// ---- tree dump -------------------------------------------------------------------

std::string At(const Location& loc) {
  return " @" + std::to_string(loc.line) + ":" + std::to_string(loc.col);
}

void Line(int indent, const std::string& text, std::string* out) {
  out->append(static_cast<size_t>(indent) * 2, ' ');
  out->append(text);
  out->push_back('\n');
}

void DumpTermAt(const Term& t, int indent, std::string* out);
void DumpBodyAt(const ast::Body& body, int indent, std::string* out);

void DumpExprAt(const Expr& e, int indent, std::string* out) {
  std::string kind = e.kind == ExprKind::kSome ? "some" : e.kind == ExprKind::kEvery ? "every" : "expr";
  Line(indent, kind + (e.negated ? " not" : "") + At(e.loc), out);
  if (e.kind == ExprKind::kTerm) {
    DumpTermAt(e.term, indent + 1, out);
  } else {
    for (const auto& t : e.terms) DumpTermAt(t, indent + 1, out);
  }
  if (e.kind == ExprKind::kEvery) DumpBodyAt(e.body, indent + 1, out);
  for (const auto& w : e.with) {
    Line(indent + 1, "with" + At(w.loc), out);
    DumpTermAt(w.target, indent + 2, out);
    DumpTermAt(w.value, indent + 2, out);
  }
}

void DumpBodyAt(const ast::Body& body, int indent, std::string* out) {
  Line(indent, "body", out);
  for (const auto& e : body) DumpExprAt(e, indent + 1, out);
}

void DumpTermAt(const Term& t, int indent, std::string* out) {
  std::string at = At(t.loc);
  switch (t.kind) {
    case TermKind::kScalar:
      Line(indent, "scalar " + (t.value.defined() ? ToRegoString(t.value) : "<undefined>") + at,
           out);
      return;
    case TermKind::kVar:
      Line(indent, "var " + t.name + at, out);
      return;
    case TermKind::kRef: {
      bool simple = true;
      for (size_t i = 0; i < t.items.size(); ++i) {
        const Term& s = t.items[i];
        if (i == 0 ? !s.is_var() : !(s.is_scalar() || s.is_var())) simple = false;
      }
      Line(indent, "ref " + TermToString(t) + at, out);
      if (!simple) {
        for (const auto& s : t.items) DumpTermAt(s, indent + 1, out);
      }
      return;
    }
    case TermKind::kCall: {
      std::string name = t.CallName();
      if (name.empty() && !t.items.empty()) name = TermToString(t.items[0]);
      Line(indent, "call " + name + at, out);
      for (size_t i = 1; i < t.items.size(); ++i) DumpTermAt(t.items[i], indent + 1, out);
      return;
    }
    case TermKind::kArray:
    case TermKind::kSet:
      Line(indent, std::string(t.kind == TermKind::kArray ? "array" : "set") + at, out);
      for (const auto& i : t.items) DumpTermAt(i, indent + 1, out);
      return;
    case TermKind::kObject:
      Line(indent, "object" + at, out);
      for (const auto& [k, v] : t.entries) {
        DumpTermAt(k, indent + 1, out);
        DumpTermAt(v, indent + 2, out);
      }
      return;
    case TermKind::kArrayCompr:
    case TermKind::kSetCompr:
    case TermKind::kObjectCompr: {
      const char* name = t.kind == TermKind::kArrayCompr ? "arraycompr"
                         : t.kind == TermKind::kSetCompr ? "setcompr"
                                                         : "objectcompr";
      Line(indent, name + at, out);
      for (const auto& i : t.items) DumpTermAt(i, indent + 1, out);
      DumpBodyAt(t.body, indent + 1, out);
      return;
    }
    case TermKind::kTemplate:
      Line(indent, "template" + at, out);
      for (size_t i = 0; i < t.items.size(); ++i) {
        size_t j = i / 2;
        if (i % 2 == 1 && j < t.body.size()) {
          DumpExprAt(t.body[j], indent + 1, out);
        } else {
          DumpTermAt(t.items[i], indent + 1, out);
        }
      }
      return;
  }
}

std::string HeadLine(const ast::RuleHead& h) {
  std::string s = "head ref " + TermToString(h.ref);
  if (h.is_function) {
    s += " args=(";
    for (size_t i = 0; i < h.args.size(); ++i) {
      if (i > 0) s += ", ";
      s += TermToString(h.args[i]);
    }
    s += ")";
  }
  if (h.is_multi_value) s += " contains " + TermToString(h.key);
  s += " assign=";
  s += h.assign == ast::RuleHead::Assign::kAssign  ? "assign"
       : h.assign == ast::RuleHead::Assign::kUnify ? "unify"
                                                   : "none";
  if (!h.is_multi_value) {
    s += " value=" + (h.has_value ? TermToString(h.value) : std::string("<default true>"));
  }
  return s;
}

void DumpRuleAt(const ast::Rule& r, int indent, bool is_else, std::string* out) {
  std::string name = is_else ? "else" : "rule " + TermToString(r.head.ref);
  if (r.is_default) name += " default";
  Line(indent, name + At(r.loc), out);
  Line(indent + 1, HeadLine(r.head), out);
  DumpBodyAt(r.body, indent + 1, out);
  for (const auto& e : r.elses) DumpRuleAt(e, indent + 1, true, out);
}

}  // namespace

std::string TermToString(const Term& term) {
  std::string out;
  AppendTerm(term, &out);
  return out;
}

std::string ExprToString(const Expr& expr) {
  std::string out;
  AppendExpr(expr, &out);
  return out;
}

std::string DumpTerm(const Term& term) {
  std::string out;
  DumpTermAt(term, 0, &out);
  return out;
}

std::string DumpBody(const ast::Body& body) {
  std::string out;
  for (const auto& e : body) DumpExprAt(e, 0, &out);
  return out;
}

std::string DumpModule(const ast::Module& m) {
  std::string out;
  Line(0, "module " + TermToString(m.package) + At(m.loc), &out);
  for (const auto& i : m.imports) {
    Line(1, "import " + TermToString(i.path) + (i.alias.empty() ? "" : " as " + i.alias) + At(i.loc),
         &out);
  }
  for (const auto& r : m.rules) DumpRuleAt(r, 1, false, &out);
  return out;
}

}  // namespace fedra::syntax
