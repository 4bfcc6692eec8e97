#include "syntax/ast.h"

#include <string>
#include <utility>

namespace fedra::ast {

Term Term::Scalar(Value v, Location loc) {
  Term t;
  t.kind = TermKind::kScalar;
  t.value = std::move(v);
  t.loc = loc;
  return t;
}

Term Term::Var(std::string name, Location loc) {
  Term t;
  t.kind = TermKind::kVar;
  t.name = std::move(name);
  t.loc = loc;
  return t;
}

Term Term::Ref(std::vector<Term> items, Location loc) {
  Term t;
  t.kind = TermKind::kRef;
  t.items = std::move(items);
  t.loc = loc;
  return t;
}

Term Term::Call(std::vector<Term> items, Location loc) {
  Term t;
  t.kind = TermKind::kCall;
  t.items = std::move(items);
  t.loc = loc;
  return t;
}

Term Term::String(std::string_view s, Location loc) {
  return Scalar(Value::String(s), loc);
}

Term Term::Array(std::vector<Term> items, Location loc) {
  Term t;
  t.kind = TermKind::kArray;
  t.items = std::move(items);
  t.loc = loc;
  return t;
}

Term Term::Set(std::vector<Term> items, Location loc) {
  Term t;
  t.kind = TermKind::kSet;
  t.items = std::move(items);
  t.loc = loc;
  return t;
}

Term Term::Object(std::vector<std::pair<Term, Term>> entries, Location loc) {
  Term t;
  t.kind = TermKind::kObject;
  t.entries = std::move(entries);
  t.loc = loc;
  return t;
}

Term Term::Operator(std::string_view dotted_name, Location loc) {
  std::vector<Term> items;
  size_t start = 0;
  while (true) {
    size_t dot = dotted_name.find('.', start);
    std::string_view part = dotted_name.substr(
        start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (items.empty()) {
      items.push_back(Var(std::string(part), loc));
    } else {
      items.push_back(String(part, loc));
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return Ref(std::move(items), loc);
}

bool Term::IsDottedRef() const {
  if (kind != TermKind::kRef) return false;
  for (size_t i = 1; i < items.size(); ++i) {
    if (!items[i].is_scalar() || !items[i].value.is_string()) return false;
  }
  return true;
}

std::string Term::CallName() const {
  if (kind != TermKind::kCall || items.empty()) return "";
  const Term& op = items[0];
  if (op.is_var()) return op.name;
  if (!op.IsDottedRef() || op.items.empty() || !op.items[0].is_var()) return "";
  std::string name = op.items[0].name;
  for (size_t i = 1; i < op.items.size(); ++i) {
    name += '.';
    name += op.items[i].value.str();
  }
  return name;
}

}  // namespace fedra::ast
