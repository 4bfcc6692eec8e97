// AST -> OPA's AST JSON as a Value (see ast_json.h).
#include "syntax/ast_json.h"

#include <string>
#include <utility>
#include <vector>

#include "syntax/annotations.h"

namespace fedra::syntax {

namespace {

Value Str(std::string_view s) { return Value::String(s); }

Value Obj(std::vector<ObjectEntry> entries) { return Value::Object(std::move(entries)); }

std::string Base64(std::string_view in) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8) |
                 static_cast<uint8_t>(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t n = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

class Converter {
 public:
  Value Module(const ast::Module& m, std::string_view source) {
    std::vector<ObjectEntry> e;
    e.emplace_back(Str("package"), Obj({{Str("path"), Terms(m.package.items)}}));
    if (!m.imports.empty()) {
      std::vector<Value> imports;
      for (const ast::Import& imp : m.imports) {
        std::vector<ObjectEntry> ie;
        ie.emplace_back(Str("path"), Term(imp.path));
        if (!imp.alias.empty()) ie.emplace_back(Str("alias"), Str(imp.alias));
        imports.push_back(Obj(std::move(ie)));
      }
      e.emplace_back(Str("imports"), Value::Array(std::move(imports)));
    }
    if (!m.rules.empty()) {
      std::vector<Value> rules;
      for (const ast::Rule& r : m.rules) rules.push_back(Rule(r));
      e.emplace_back(Str("rules"), Value::Array(std::move(rules)));
    }
    std::vector<SourceComment> comments;
    if (!source.empty() && ScanComments(source, m.file, &comments).ok() && !comments.empty()) {
      std::vector<Value> cs;
      for (const SourceComment& c : comments) {
        Value loc = Obj({{Str("file"), Str(m.file)},
                         {Str("row"), Value::Int(c.line)},
                         {Str("col"), Value::Int(c.col)}});
        cs.push_back(Obj({{Str("Text"), Str(Base64(c.text))}, {Str("Location"), loc}}));
      }
      e.emplace_back(Str("comments"), Value::Array(std::move(cs)));
    }
    return Obj(std::move(e));
  }

 private:
  // The rule and its else chain: each else nests in the previous one.
  Value Rule(const ast::Rule& r) {
    Value chained;
    for (size_t i = r.elses.size(); i-- > 0;) chained = RuleOne(r.elses[i], false, chained);
    return RuleOne(r, r.is_default, chained);
  }

  Value RuleOne(const ast::Rule& r, bool is_default, const Value& else_rule) {
    std::vector<ObjectEntry> e;
    e.emplace_back(Str("head"), Head(r.head));
    e.emplace_back(Str("body"), r.body.empty() ? TrueBody() : Body(r.body));
    if (is_default) e.emplace_back(Str("default"), Value::Bool(true));
    if (else_rule.defined()) e.emplace_back(Str("else"), else_rule);
    return Obj(std::move(e));
  }

  Value Head(const ast::RuleHead& h) {
    std::vector<ObjectEntry> e;
    if (h.ref.items.size() == 1 && h.ref.items[0].is_var()) {
      e.emplace_back(Str("name"), Str(h.ref.items[0].name));
    }
    e.emplace_back(Str("ref"), Terms(h.ref.items));
    if (!h.args.empty()) e.emplace_back(Str("args"), Terms(h.args));
    if (h.is_multi_value) e.emplace_back(Str("key"), Term(h.key));
    if (h.has_value) {
      e.emplace_back(Str("value"), Term(h.value));
    } else if (!h.is_multi_value) {
      e.emplace_back(Str("value"), TypedValue("boolean", Value::Bool(true)));
    }
    if (h.assign == ast::RuleHead::Assign::kAssign) e.emplace_back(Str("assign"), Value::Bool(true));
    return Obj(std::move(e));
  }

  Value TrueBody() {
    return Value::Array({Obj({{Str("index"), Value::Int(0)},
                              {Str("terms"), TypedValue("boolean", Value::Bool(true))}})});
  }

  Value Body(const ast::Body& body) {
    std::vector<Value> exprs;
    for (size_t i = 0; i < body.size(); ++i) exprs.push_back(Expr(body[i], i));
    return Value::Array(std::move(exprs));
  }

  Value Expr(const ast::Expr& x, size_t index) {
    std::vector<ObjectEntry> e;
    e.emplace_back(Str("index"), Value::Int(static_cast<int64_t>(index)));
    switch (x.kind) {
      case ast::ExprKind::kTerm:
        e.emplace_back(Str("terms"), x.term.is_call() ? Terms(x.term.items) : Term(x.term));
        break;
      case ast::ExprKind::kSome:
        e.emplace_back(Str("terms"), Obj({{Str("symbols"), Terms(x.terms)}}));
        break;
      case ast::ExprKind::kEvery: {
        std::vector<ObjectEntry> ev;
        const bool has_key = x.terms.size() > 0 && !(x.terms[0].is_scalar() && !x.terms[0].value.defined()) &&
                             !(x.terms[0].is_scalar() && x.terms[0].value.is_null());
        ev.emplace_back(Str("key"), has_key ? Term(x.terms[0]) : Value::Null());
        ev.emplace_back(Str("value"), x.terms.size() > 1 ? Term(x.terms[1]) : Value::Null());
        ev.emplace_back(Str("domain"), x.terms.size() > 2 ? Term(x.terms[2]) : Value::Null());
        ev.emplace_back(Str("body"), Body(x.body));
        e.emplace_back(Str("terms"), Obj(std::move(ev)));
        break;
      }
    }
    if (x.negated) e.emplace_back(Str("negated"), Value::Bool(true));
    if (!x.with.empty()) {
      std::vector<Value> ws;
      for (const ast::With& w : x.with) {
        ws.push_back(Obj({{Str("target"), Term(w.target)}, {Str("value"), Term(w.value)}}));
      }
      e.emplace_back(Str("with"), Value::Array(std::move(ws)));
    }
    return Obj(std::move(e));
  }

  static Value TypedValue(std::string_view type, Value v) {
    return Obj({{Str("type"), Str(type)}, {Str("value"), std::move(v)}});
  }

  Value Terms(const std::vector<ast::Term>& ts) {
    std::vector<Value> out;
    out.reserve(ts.size());
    for (const ast::Term& t : ts) out.push_back(Term(t));
    return Value::Array(std::move(out));
  }

  Value Term(const ast::Term& t) {
    using ast::TermKind;
    switch (t.kind) {
      case TermKind::kScalar: {
        const Value& v = t.value;
        if (v.is_bool()) return TypedValue("boolean", v);
        if (v.is_number()) return TypedValue("number", v);
        if (v.is_string()) return TypedValue("string", v);
        return TypedValue("null", Value::Null());
      }
      case TermKind::kVar:
        if (t.is_wildcard()) return TypedValue("var", Str("$" + std::to_string(wildcards_++)));
        return TypedValue("var", Str(t.name));
      case TermKind::kRef:
        return TypedValue("ref", Terms(t.items));
      case TermKind::kArray:
        return TypedValue("array", Terms(t.items));
      case TermKind::kSet:
        return TypedValue("set", Terms(t.items));
      case TermKind::kCall:
        return TypedValue("call", Terms(t.items));
      case TermKind::kObject: {
        std::vector<Value> pairs;
        for (const auto& [k, v] : t.entries) pairs.push_back(Value::Array({Term(k), Term(v)}));
        return TypedValue("object", Value::Array(std::move(pairs)));
      }
      case TermKind::kArrayCompr:
      case TermKind::kSetCompr: {
        Value head = t.items.empty() ? Value::Null() : Term(t.items[0]);
        return TypedValue(t.kind == TermKind::kArrayCompr ? "arraycomprehension" : "setcomprehension",
                          Obj({{Str("term"), head}, {Str("body"), Body(t.body)}}));
      }
      case TermKind::kObjectCompr: {
        Value key = t.items.size() > 0 ? Term(t.items[0]) : Value::Null();
        Value val = t.items.size() > 1 ? Term(t.items[1]) : Value::Null();
        return TypedValue("objectcomprehension",
                          Obj({{Str("key"), key}, {Str("value"), val}, {Str("body"), Body(t.body)}}));
      }
      case TermKind::kTemplate: {
        // Literal pieces as strings, embedded expressions as their terms.
        std::vector<Value> parts;
        for (size_t i = 0; i < t.items.size(); ++i) {
          if (i % 2 == 0) {
            if (!t.items[i].value.is_string() || !t.items[i].value.str().empty()) parts.push_back(Term(t.items[i]));
          } else {
            parts.push_back(Term(t.items[i]));
          }
        }
        return TypedValue("templatestring", Obj({{Str("parts"), Value::Array(std::move(parts))}}));
      }
    }
    return TypedValue("null", Value::Null());
  }

  int wildcards_ = 0;
};

}  // namespace

Value ModuleToValue(const ast::Module& module, std::string_view source) {
  Converter c;
  return c.Module(module, source);
}

}  // namespace fedra::syntax
