#include "builtins/template.h"

#include <cctype>
#include <charconv>
#include <memory>
#include <string>
#include <vector>

#include "value/number.h"

namespace fedra::builtins {

namespace {

constexpr int kMaxNesting = 100;
constexpr size_t kMaxOutput = 16u << 20;
constexpr int kMaxRangeSteps = 10'000'000;

Status TplError(std::string_view msg) {
  return Status::BuiltinError("template: " + std::string(msg));
}

// ---- syntax --------------------------------------------------------------------

struct Operand {
  enum Kind { kField, kVar, kString, kNumber, kBool, kNil, kFunc, kSub } kind = kNil;
  std::string name;               // variable or function name
  std::vector<std::string> path;  // field chain after the operand
  Value literal;
  std::vector<std::vector<Operand>> sub;  // kSub: a parenthesised pipeline
};

using Command = std::vector<Operand>;

struct Pipeline {
  std::vector<std::string> decl;  // variables declared (:=) or assigned (=)
  bool assign = false;
  std::vector<Command> cmds;
};

struct Node {
  enum Kind { kText, kAction, kIf, kRange, kWith } kind = kText;
  std::string text;
  Pipeline pipe;
  std::vector<Node> body, else_body;
};

struct Token {
  enum Kind { kWord, kField, kVar, kString, kNumber, kDeclare, kAssign, kComma, kPipe, kOpen, kClose } kind;
  std::string text;
};

bool IsIdent(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

Status Lex(std::string_view s, std::vector<Token>* out) {
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '.' || c == '$') {
      size_t j = i + 1;
      while (j < s.size() && (IsIdent(s[j]) || s[j] == '.')) ++j;
      out->push_back({c == '.' ? Token::kField : Token::kVar, std::string(s.substr(i, j - i))});
      i = j;
    } else if (c == '"' || c == '`') {
      std::string v;
      size_t j = i + 1;
      for (; j < s.size() && s[j] != c; ++j) {
        if (c == '"' && s[j] == '\\' && j + 1 < s.size()) {
          char e = s[++j];
          v.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e);
        } else {
          v.push_back(s[j]);
        }
      }
      if (j >= s.size()) return TplError("unterminated quoted string");
      out->push_back({Token::kString, v});
      i = j + 1;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               ((c == '-' || c == '+') && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      size_t j = i + 1;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == '_' ||
                              ((s[j] == '-' || s[j] == '+') && (s[j - 1] == 'e' || s[j - 1] == 'E')))) {
        ++j;
      }
      out->push_back({Token::kNumber, std::string(s.substr(i, j - i))});
      i = j;
    } else if (IsIdent(c)) {
      size_t j = i;
      while (j < s.size() && IsIdent(s[j])) ++j;
      out->push_back({Token::kWord, std::string(s.substr(i, j - i))});
      i = j;
    } else if (c == ':' && i + 1 < s.size() && s[i + 1] == '=') {
      out->push_back({Token::kDeclare, ":="});
      i += 2;
    } else if (c == '=') {
      out->push_back({Token::kAssign, "="});
      ++i;
    } else if (c == ',' || c == '|' || c == '(' || c == ')') {
      out->push_back({c == ',' ? Token::kComma : c == '|' ? Token::kPipe : c == '(' ? Token::kOpen : Token::kClose,
                      std::string(1, c)});
      ++i;
    } else {
      return TplError("unexpected \"" + std::string(1, c) + "\" in command");
    }
  }
  return Status::OK();
}

std::vector<std::string> SplitPath(std::string_view chain) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < chain.size()) {
    size_t j = chain.find('.', i + 1);
    if (j == std::string_view::npos) j = chain.size();
    if (j > i + 1) parts.emplace_back(chain.substr(i + 1, j - i - 1));
    i = j;
  }
  return parts;
}

class PipeParser {
 public:
  explicit PipeParser(const std::vector<Token>& t) : t_(t) {}

  Status Parse(size_t from, Pipeline* p, int depth) {
    pos_ = from;
    // Declarations: $x := / $x, $y := / $x =
    size_t save = pos_;
    std::vector<std::string> vars;
    while (pos_ < t_.size() && t_[pos_].kind == Token::kVar && t_[pos_].text.find('.') == std::string::npos) {
      vars.push_back(t_[pos_].text);
      ++pos_;
      if (pos_ < t_.size() && t_[pos_].kind == Token::kComma) {
        ++pos_;
        continue;
      }
      break;
    }
    if (!vars.empty() && pos_ < t_.size() && (t_[pos_].kind == Token::kDeclare || t_[pos_].kind == Token::kAssign)) {
      p->assign = t_[pos_].kind == Token::kAssign;
      p->decl = vars;
      ++pos_;
    } else {
      pos_ = save;
    }
    return Commands(p, depth, false);
  }

  Status Commands(Pipeline* p, int depth, bool in_paren) {
    if (depth > kMaxNesting) return TplError("expression nested too deeply");
    Command cmd;
    while (pos_ < t_.size()) {
      const Token& tok = t_[pos_];
      if (tok.kind == Token::kClose) {
        if (!in_paren) return TplError("unexpected right paren");
        break;
      }
      ++pos_;
      if (tok.kind == Token::kPipe) {
        if (cmd.empty()) return TplError("missing command");
        p->cmds.push_back(std::move(cmd));
        cmd.clear();
        continue;
      }
      Operand op;
      switch (tok.kind) {
        case Token::kField:
          op.kind = Operand::kField;
          op.path = SplitPath(tok.text);
          break;
        case Token::kVar: {
          op.kind = Operand::kVar;
          size_t dot = tok.text.find('.');
          op.name = tok.text.substr(0, dot);
          if (dot != std::string::npos) op.path = SplitPath(std::string_view(tok.text).substr(dot));
          break;
        }
        case Token::kString:
          op.kind = Operand::kString;
          op.literal = Value::String(tok.text);
          break;
        case Token::kNumber:
          op.kind = Operand::kNumber;
          if (!num::Parse(tok.text[0] == '+' ? tok.text.substr(1) : tok.text, &op.literal)) {
            return TplError("bad number syntax: \"" + tok.text + "\"");
          }
          break;
        case Token::kWord:
          if (tok.text == "true" || tok.text == "false") {
            op.kind = Operand::kBool;
            op.literal = Value::Bool(tok.text == "true");
          } else if (tok.text == "nil") {
            op.kind = Operand::kNil;
          } else {
            op.kind = Operand::kFunc;
            op.name = tok.text;
          }
          break;
        case Token::kOpen: {
          op.kind = Operand::kSub;
          Pipeline sub;
          FEDRA_RETURN_IF_ERROR(Commands(&sub, depth + 1, true));
          if (pos_ >= t_.size() || t_[pos_].kind != Token::kClose) return TplError("unclosed left paren");
          ++pos_;
          op.sub = std::move(sub.cmds);
          break;
        }
        default:
          return TplError("unexpected \"" + tok.text + "\" in operand");
      }
      cmd.push_back(std::move(op));
    }
    if (cmd.empty()) return TplError("missing value for command");
    p->cmds.push_back(std::move(cmd));
    return Status::OK();
  }

 private:
  const std::vector<Token>& t_;
  size_t pos_ = 0;
};

// Splits the template into text and action pieces, applying trim markers.
struct Piece {
  bool action;
  std::string text;
};

Status Scan(std::string_view tpl, std::vector<Piece>* out) {
  size_t i = 0;
  bool trim_next = false;
  while (i <= tpl.size()) {
    size_t open = tpl.find("{{", i);
    std::string text(tpl.substr(i, open == std::string_view::npos ? std::string_view::npos : open - i));
    bool trim_prev = false;
    size_t body_start = 0;
    if (open != std::string_view::npos) {
      body_start = open + 2;
      if (body_start + 1 < tpl.size() && tpl[body_start] == '-' &&
          std::isspace(static_cast<unsigned char>(tpl[body_start + 1]))) {
        trim_prev = true;
        body_start += 2;
      }
    }
    if (trim_next) {
      size_t k = 0;
      while (k < text.size() && std::isspace(static_cast<unsigned char>(text[k]))) ++k;
      text.erase(0, k);
    }
    if (trim_prev) {
      while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    }
    if (!text.empty()) out->push_back({false, text});
    if (open == std::string_view::npos) break;
    size_t close = tpl.find("}}", body_start);
    if (close == std::string_view::npos) return TplError("unclosed action");
    size_t body_end = close;
    trim_next = false;
    if (body_end >= body_start + 2 && tpl[body_end - 1] == '-' &&
        std::isspace(static_cast<unsigned char>(tpl[body_end - 2]))) {
      trim_next = true;
      body_end -= 2;
    }
    std::string_view body = tpl.substr(body_start, body_end > body_start ? body_end - body_start : 0);
    size_t b = body.find_first_not_of(" \t\r\n");
    if (b != std::string_view::npos && body.substr(b).starts_with("/*")) {
      // A comment: nothing to output.
    } else {
      out->push_back({true, std::string(body)});
    }
    i = close + 2;
  }
  return Status::OK();
}

class TreeParser {
 public:
  explicit TreeParser(const std::vector<Piece>& p) : p_(p) {}

  // Parses nodes until {{end}} / {{else ...}} (returned in *stop) or EOF.
  Status Nodes(std::vector<Node>* out, std::string* stop, int depth) {
    if (depth > kMaxNesting) return TplError("template nested too deeply");
    while (i_ < p_.size()) {
      const Piece& piece = p_[i_++];
      if (!piece.action) {
        Node n;
        n.kind = Node::kText;
        n.text = piece.text;
        out->push_back(std::move(n));
        continue;
      }
      std::vector<Token> toks;
      FEDRA_RETURN_IF_ERROR(Lex(piece.text, &toks));
      if (toks.empty()) return TplError("missing value for command");
      const std::string& kw = toks[0].kind == Token::kWord ? toks[0].text : std::string();
      if (kw == "end" || kw == "else") {
        *stop = piece.text;
        last_tokens_ = std::move(toks);
        return Status::OK();
      }
      Node n;
      if (kw == "if" || kw == "range" || kw == "with") {
        n.kind = kw == "if" ? Node::kIf : kw == "range" ? Node::kRange : Node::kWith;
        FEDRA_RETURN_IF_ERROR(PipeParser(toks).Parse(1, &n.pipe, 0));
        FEDRA_RETURN_IF_ERROR(Block(&n, depth));
      } else {
        n.kind = Node::kAction;
        FEDRA_RETURN_IF_ERROR(PipeParser(toks).Parse(0, &n.pipe, 0));
      }
      out->push_back(std::move(n));
    }
    stop->clear();
    return Status::OK();
  }

 private:
  Status Block(Node* n, int depth) {
    std::string stop;
    FEDRA_RETURN_IF_ERROR(Nodes(&n->body, &stop, depth + 1));
    if (stop.empty()) return TplError("unexpected EOF");
    if (last_tokens_[0].text == "end") return Status::OK();
    // else
    if (last_tokens_.size() > 1 && last_tokens_[1].kind == Token::kWord &&
        (last_tokens_[1].text == "if" || last_tokens_[1].text == "with") && n->kind != Node::kRange) {
      // {{else if x}} is {{else}}{{if x}}...{{end}}{{end}} sharing one end.
      Node inner;
      inner.kind = last_tokens_[1].text == "if" ? Node::kIf : Node::kWith;
      std::vector<Token> toks = last_tokens_;
      FEDRA_RETURN_IF_ERROR(PipeParser(toks).Parse(2, &inner.pipe, 0));
      FEDRA_RETURN_IF_ERROR(Block(&inner, depth + 1));
      n->else_body.push_back(std::move(inner));
      return Status::OK();
    }
    FEDRA_RETURN_IF_ERROR(Nodes(&n->else_body, &stop, depth + 1));
    if (stop.empty() || last_tokens_[0].text != "end") return TplError("expected end; found " + stop);
    return Status::OK();
  }

  const std::vector<Piece>& p_;
  size_t i_ = 0;
  std::vector<Token> last_tokens_;
};

// ---- execution -----------------------------------------------------------------

// A runtime value; `missing` marks a key absent from the data.
struct Val {
  Value v;
  bool missing = false;
};

void Print(const Val& x, std::string* out, int depth = 0) {
  if (x.missing) {
    out->append("<undefined>");
    return;
  }
  const Value& v = x.v;
  if (depth > kMaxNesting) {
    out->append("...");
    return;
  }
  switch (v.kind()) {
    case Kind::kUndefined:
    case Kind::kNull: out->append("<nil>"); return;
    case Kind::kBool: out->append(v.bool_value() ? "true" : "false"); return;
    case Kind::kNumber: num::AppendFormat(v, out); return;
    case Kind::kString: out->append(v.str()); return;
    case Kind::kArray:
    case Kind::kSet: {
      out->push_back('[');
      bool first = true;
      for (const Value& e : v.is_array() ? v.array() : v.set()) {
        if (!first) out->push_back(' ');
        first = false;
        Print({e}, out, depth + 1);
      }
      out->push_back(']');
      return;
    }
    case Kind::kObject: {
      out->append("map[");
      bool first = true;
      for (const auto& [k, e] : v.object()) {
        if (!first) out->push_back(' ');
        first = false;
        if (k.is_string()) {
          out->append(k.str());
        } else {
          out->append(ToJson(k));
        }
        out->push_back(':');
        Print({e}, out, depth + 1);
      }
      out->push_back(']');
      return;
    }
  }
}

bool Truthy(const Val& x) {
  if (x.missing) return false;
  const Value& v = x.v;
  switch (v.kind()) {
    case Kind::kUndefined:
    case Kind::kNull: return false;
    case Kind::kBool: return v.bool_value();
    case Kind::kNumber: return v.ToDouble() != 0;
    case Kind::kString:
    case Kind::kArray:
    case Kind::kSet:
    case Kind::kObject: return v.size() != 0;
  }
  return false;
}

class Executor {
 public:
  Executor(const Value& data, std::string* out) : out_(out) { vars_.push_back({"$", {data}}); }

  Status Run(const std::vector<Node>& nodes, const Val& dot, int depth) {
    if (depth > kMaxNesting) return TplError("exceeded maximum template depth");
    size_t mark = vars_.size();
    for (const Node& n : nodes) {
      if (out_->size() > kMaxOutput) return TplError("output too large");
      switch (n.kind) {
        case Node::kText:
          out_->append(n.text);
          break;
        case Node::kAction: {
          Val v;
          FEDRA_RETURN_IF_ERROR(EvalPipe(n.pipe, dot, &v));
          if (n.pipe.decl.empty()) Print(v, out_);
          break;
        }
        case Node::kIf:
        case Node::kWith: {
          size_t inner = vars_.size();
          Val v;
          FEDRA_RETURN_IF_ERROR(EvalPipe(n.pipe, dot, &v));
          if (Truthy(v)) {
            FEDRA_RETURN_IF_ERROR(Run(n.body, n.kind == Node::kWith ? v : dot, depth + 1));
          } else {
            FEDRA_RETURN_IF_ERROR(Run(n.else_body, dot, depth + 1));
          }
          vars_.resize(inner);
          break;
        }
        case Node::kRange:
          FEDRA_RETURN_IF_ERROR(Range(n, dot, depth));
          break;
      }
    }
    vars_.resize(mark);
    return Status::OK();
  }

 private:
  Status Range(const Node& n, const Val& dot, int depth) {
    Pipeline head = n.pipe;
    std::vector<std::string> decl = head.decl;
    head.decl.clear();
    Val coll;
    FEDRA_RETURN_IF_ERROR(EvalPipe(head, dot, &coll));
    std::vector<std::pair<Value, Value>> items;
    const Value& c = coll.v;
    if (!coll.missing && c.is_array()) {
      for (size_t i = 0; i < c.array().size(); ++i) items.emplace_back(Value::Int(static_cast<int64_t>(i)), c.array()[i]);
    } else if (!coll.missing && c.is_set()) {
      for (size_t i = 0; i < c.set().size(); ++i) items.emplace_back(Value::Int(static_cast<int64_t>(i)), c.set()[i]);
    } else if (!coll.missing && c.is_object()) {
      for (const auto& [k, v] : c.object()) items.emplace_back(k, v);
    } else if (!coll.missing && c.is_number()) {
      int64_t k = 0;
      if (!c.AsInt64(&k)) return TplError("range can't iterate over " + ToRegoString(c));
      if (k > kMaxRangeSteps) return TplError("range too large");
      for (int64_t i = 0; i < k; ++i) items.emplace_back(Value::Int(i), Value::Int(i));
    } else if (!coll.missing && !c.is_null() && c.defined()) {
      return TplError("range can't iterate over " + ToRegoString(c));
    }
    if (items.empty()) return Run(n.else_body, dot, depth + 1);
    for (const auto& [k, v] : items) {
      size_t mark = vars_.size();
      if (decl.size() == 1) {
        vars_.push_back({decl[0], {v}});
      } else if (decl.size() >= 2) {
        vars_.push_back({decl[0], {k}});
        vars_.push_back({decl[1], {v}});
      }
      FEDRA_RETURN_IF_ERROR(Run(n.body, {v}, depth + 1));
      vars_.resize(mark);
    }
    return Status::OK();
  }

  Status Lookup(Val base, const std::vector<std::string>& path, Val* out) {
    for (const std::string& key : path) {
      if (base.missing) break;
      if (base.v.is_object()) {
        const Value* f = base.v.Find(key);
        base = f ? Val{*f} : Val{Value(), true};
      } else if (base.v.is_null() || base.v.is_undefined()) {
        base = Val{Value(), true};
      } else {
        return TplError("can't evaluate field " + key + " in type " + std::string(KindName(base.v.kind())));
      }
    }
    *out = base;
    return Status::OK();
  }

  Status EvalOperand(const Operand& op, const Val& dot, Val* out) {
    switch (op.kind) {
      case Operand::kField: return Lookup(dot, op.path, out);
      case Operand::kVar:
        for (size_t i = vars_.size(); i-- > 0;) {
          if (vars_[i].first == op.name) return Lookup(vars_[i].second, op.path, out);
        }
        return TplError("undefined variable: " + op.name);
      case Operand::kString:
      case Operand::kNumber:
      case Operand::kBool:
        *out = {op.literal};
        return Status::OK();
      case Operand::kNil:
        *out = {Value::Null()};
        return Status::OK();
      case Operand::kSub: {
        Pipeline p;
        p.cmds = op.sub;
        return EvalPipe(p, dot, out);
      }
      case Operand::kFunc: {
        Command c{op};
        return EvalCommand(c, dot, nullptr, out);
      }
    }
    return Status::OK();
  }

  Status EvalCommand(const Command& cmd, const Val& dot, const Val* piped, Val* out) {
    const Operand& head = cmd[0];
    if (head.kind != Operand::kFunc) {
      if (cmd.size() > 1 || piped) return TplError("can't give argument to non-function");
      return EvalOperand(head, dot, out);
    }
    std::vector<Val> args;
    for (size_t i = 1; i < cmd.size(); ++i) {
      Val a;
      FEDRA_RETURN_IF_ERROR(EvalOperand(cmd[i], dot, &a));
      args.push_back(a);
    }
    if (piped) args.push_back(*piped);
    const std::string& f = head.name;
    auto need = [&](size_t n) -> Status {
      if (args.size() < n) return TplError("wrong number of args for " + f);
      return Status::OK();
    };
    if (f == "not") {
      FEDRA_RETURN_IF_ERROR(need(1));
      *out = {Value::Bool(!Truthy(args[0]))};
    } else if (f == "and" || f == "or") {
      FEDRA_RETURN_IF_ERROR(need(1));
      Val r = args[0];
      for (const Val& a : args) {
        r = a;
        if (Truthy(a) != (f == "and")) break;
      }
      *out = r;
    } else if (f == "eq" || f == "ne" || f == "lt" || f == "le" || f == "gt" || f == "ge") {
      FEDRA_RETURN_IF_ERROR(need(2));
      if (f == "eq") {
        bool any = false;
        for (size_t i = 1; i < args.size(); ++i) any = any || (args[0].v == args[i].v);
        *out = {Value::Bool(any)};
      } else {
        if (args[0].v.kind() != args[1].v.kind()) return TplError("incompatible types for comparison");
        int c = Compare(args[0].v, args[1].v);
        bool r = f == "ne" ? c != 0 : f == "lt" ? c < 0 : f == "le" ? c <= 0 : f == "gt" ? c > 0 : c >= 0;
        *out = {Value::Bool(r)};
      }
    } else if (f == "len") {
      FEDRA_RETURN_IF_ERROR(need(1));
      const Value& v = args[0].v;
      if (!v.is_string() && !v.is_collection()) return TplError("len of type " + std::string(KindName(v.kind())));
      *out = {Value::Int(static_cast<int64_t>(v.size()))};
    } else if (f == "index") {
      FEDRA_RETURN_IF_ERROR(need(1));
      Val cur = args[0];
      for (size_t i = 1; i < args.size(); ++i) {
        Value got = cur.v.Get(args[i].v);
        if (got.is_undefined()) {
          if (cur.v.is_array()) return TplError("index out of range: " + ToRegoString(args[i].v));
          cur = {Value(), true};
        } else {
          cur = {got};
        }
      }
      *out = cur;
    } else if (f == "print") {
      std::string s;
      for (size_t i = 0; i < args.size(); ++i) {
        // Go's fmt.Sprint puts spaces between operands when neither is a string.
        if (i > 0 && !args[i].v.is_string() && !args[i - 1].v.is_string()) s.push_back(' ');
        Print(args[i], &s);
      }
      *out = {Value::String(std::move(s))};
    } else {
      return TplError("function \"" + f + "\" not defined");
    }
    return Status::OK();
  }

  Status EvalPipe(const Pipeline& p, const Val& dot, Val* out) {
    Val cur;
    bool have = false;
    for (const Command& c : p.cmds) {
      Val next;
      FEDRA_RETURN_IF_ERROR(EvalCommand(c, dot, have ? &cur : nullptr, &next));
      cur = next;
      have = true;
    }
    for (const std::string& name : p.decl) {
      if (p.assign) {
        bool found = false;
        for (size_t i = vars_.size(); i-- > 0;) {
          if (vars_[i].first == name) {
            vars_[i].second = cur;
            found = true;
            break;
          }
        }
        if (!found) return TplError("undefined variable: " + name);
      } else {
        vars_.push_back({name, cur});
      }
    }
    *out = cur;
    return Status::OK();
  }

  std::string* out_;
  std::vector<std::pair<std::string, Val>> vars_;
};

}  // namespace

Status RenderGoTemplate(std::string_view tpl, const Value& data, std::string* out) {
  std::vector<Piece> pieces;
  FEDRA_RETURN_IF_ERROR(Scan(tpl, &pieces));
  TreeParser parser(pieces);
  std::vector<Node> nodes;
  std::string stop;
  FEDRA_RETURN_IF_ERROR(parser.Nodes(&nodes, &stop, 0));
  if (!stop.empty()) return TplError("unexpected {{" + stop + "}}");
  Executor ex(data, out);
  return ex.Run(nodes, {data}, 0);
}

}  // namespace fedra::builtins
