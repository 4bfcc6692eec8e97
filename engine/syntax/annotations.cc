// METADATA blocks: comment scanning, YAML decoding and attachment (see
// annotations.h).
#include "syntax/annotations.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "syntax/lexer.h"
#include "syntax/parser.h"
#include "value/number.h"

namespace fedra::syntax {

namespace {

// Bounds for YAML we convert to Values: nesting (yaml-cpp has its own guard
// while parsing; this one covers our recursive conversion) and node visits
// (aliases can make a small document expand enormously).
constexpr int kMaxYamlDepth = 1000;
constexpr size_t kMaxYamlNodes = 1'000'000;

// ---- comments ----------------------------------------------------------------

// Tracks line and column (in code points) while moving forward through the
// source, so every comment's position costs only the bytes since the last.
struct Cursor {
  std::string_view src;
  size_t off = 0;
  uint32_t line = 1;
  uint32_t col = 1;

  void MoveTo(size_t target) {
    for (; off < target && off < src.size(); ++off) {
      unsigned char b = static_cast<unsigned char>(src[off]);
      if (b == '\n') {
        ++line;
        col = 1;
      } else if ((b & 0xC0) != 0x80) {
        ++col;
      }
    }
  }
};

// The bytes between two tokens are whitespace and comments only.
void CollectGap(std::string_view src, size_t from, size_t to, Cursor* cur,
                std::vector<SourceComment>* out) {
  for (size_t i = from; i < to; ++i) {
    if (src[i] != '#') continue;
    size_t end = i;
    while (end < to && src[end] != '\n') ++end;
    cur->MoveTo(i);
    std::string_view text = src.substr(i + 1, end - i - 1);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    out->push_back(SourceComment{text, cur->line, cur->col});
    i = end;
  }
}

// ---- YAML helpers ------------------------------------------------------------

bool IsPlain(const YAML::Node& n) { return n.Tag() == "?" || n.Tag().empty(); }

// A plain scalar resolved the way Go's YAML decoders do for the common
// cases: null words, booleans, numbers; anything else is a string.
Value ResolveScalar(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (!IsPlain(n)) return Value::String(s);
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Value::Null();
  if (s == "true" || s == "True" || s == "TRUE") return Value::Bool(true);
  if (s == "false" || s == "False" || s == "FALSE") return Value::Bool(false);
  Value num;
  std::string_view digits = s;
  if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);
  if (!digits.empty() && num::Parse(digits, &num)) return num;
  return Value::String(s);
}

// A YAML node's short description for messages, like go-yaml's "!!map".
std::string NodeKind(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: return "!!map";
    case YAML::NodeType::Sequence: return "!!seq";
    case YAML::NodeType::Scalar: {
      Value v = ResolveScalar(n);
      if (v.is_null()) return "!!null";
      if (v.is_bool()) return "!!bool";
      if (v.is_number()) return v.is_integral() ? "!!int" : "!!float";
      return "!!str";
    }
    default: return "!!null";
  }
}

class Decoder {
 public:
  // Any YAML node -> Value; map keys must be strings (OPA: "invalid map key
  // type(s)"). `path` names the position for that message.
  Status ToValue(const YAML::Node& n, int depth, std::string* path, Value* out) {
    if (++nodes_ > kMaxYamlNodes) return Status::InvalidArgument("document contains excessive aliasing");
    if (depth > kMaxYamlDepth) return Status::InvalidArgument("document nested too deeply");
    switch (n.Type()) {
      case YAML::NodeType::Scalar:
        *out = ResolveScalar(n);
        return Status::OK();
      case YAML::NodeType::Sequence: {
        std::vector<Value> items;
        size_t i = 0;
        for (const auto& e : n) {
          size_t mark = path->size();
          *path += (path->empty() ? "" : "/") + std::to_string(i++);
          Value v;
          FEDRA_RETURN_IF_ERROR(ToValue(e, depth + 1, path, &v));
          path->resize(mark);
          items.push_back(std::move(v));
        }
        *out = Value::Array(std::move(items));
        return Status::OK();
      }
      case YAML::NodeType::Map: {
        std::vector<ObjectEntry> entries;
        for (const auto& kv : n) {
          Value key = kv.first.IsScalar() ? ResolveScalar(kv.first) : Value();
          if (!key.is_string()) {
            return Status::InvalidArgument("invalid map key type(s): " + *path);
          }
          size_t mark = path->size();
          *path += (path->empty() ? "" : "/") + std::string(key.str());
          Value v;
          FEDRA_RETURN_IF_ERROR(ToValue(kv.second, depth + 1, path, &v));
          path->resize(mark);
          entries.emplace_back(std::move(key), std::move(v));
        }
        *out = Value::Object(std::move(entries));
        return Status::OK();
      }
      default:
        *out = Value::Null();
        return Status::OK();
    }
  }

  Status ToValue(const YAML::Node& n, Value* out) {
    std::string path;
    return ToValue(n, 0, &path, out);
  }

 private:
  size_t nodes_ = 0;
};

std::string TrimSpace(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

// Go's fmt %v of a decoded YAML value, approximately, for messages.
std::string Show(const YAML::Node& n) {
  if (n.IsScalar()) return n.Scalar();
  if (n.IsSequence()) return "[...]";
  if (n.IsMap()) return "map[...]";
  return "<nil>";
}

// "Jane Doe <jane@example.com>" -> name and email, as OPA splits it.
Status ParseAuthorString(std::string_view s, Value* out) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    size_t b = i;
    while (i < s.size() && !(s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    if (i > b) words.emplace_back(s.substr(b, i - b));
  }
  if (words.empty()) return Status::InvalidArgument("author is an empty string");
  std::string email;
  const std::string& last = words.back();
  if (last.size() >= 2 && last.front() == '<' && last.back() == '>') {
    email = last.substr(1, last.size() - 2);
    words.pop_back();
  }
  std::string name;
  for (size_t k = 0; k < words.size(); ++k) name += (k ? " " : "") + words[k];
  std::vector<ObjectEntry> e;
  if (!name.empty()) e.emplace_back(Value::String("name"), Value::String(name));
  if (!email.empty()) e.emplace_back(Value::String("email"), Value::String(email));
  *out = Value::Object(std::move(e));
  return Status::OK();
}

std::string MapString(const YAML::Node& m, const char* key) {
  const YAML::Node v = m[key];
  if (!v || !v.IsScalar()) return "";
  Value r = ResolveScalar(v);
  return r.is_string() ? TrimSpace(r.str()) : "";
}

// A ref written in a schema annotation (`input.x`, `data.y["z"]`) -> the
// array of its steps, the head var as a string.
Status RefToArray(std::string_view text, Value* out) {
  ast::Term t;
  ParseOptions opts;
  opts.max_depth = 100;
  if (!ParseTerm(text, "", opts, &t).ok()) return Status::InvalidArgument("invalid document reference");
  std::vector<Value> steps;
  if (t.is_var()) {
    steps.push_back(Value::String(t.name));
  } else if (t.is_ref()) {
    for (size_t i = 0; i < t.items.size(); ++i) {
      const ast::Term& s = t.items[i];
      if (s.is_var()) {
        steps.push_back(Value::String(s.name));
      } else if (s.is_scalar()) {
        steps.push_back(s.value);
      } else {
        return Status::InvalidArgument("invalid document reference");
      }
    }
  } else {
    return Status::InvalidArgument("invalid document reference");
  }
  *out = Value::Array(std::move(steps));
  return Status::OK();
}

// ---- one block -----------------------------------------------------------------

struct Block {
  Location loc;                        // the `# METADATA` comment
  std::vector<SourceComment> lines;    // the YAML lines
  // Parse results:
  std::string scope;
  bool entrypoint = false;
  std::vector<ObjectEntry> entries;    // everything but "scope"
};

Status DecodeBlock(std::string_view file, Block* b) {
  std::string text;
  for (const SourceComment& c : b->lines) {
    std::string_view t = c.text;
    if (!t.empty() && t[0] == ' ') t.remove_prefix(1);
    text.append(t);
    text.push_back('\n');
  }
  if (TrimSpace(text).empty()) {
    return Status::ParseError("expected METADATA block, found whitespace", b->loc);
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    // yaml-cpp's line is 0-based within the YAML text, i.e. an index into
    // the block's lines; report at that comment.
    Location at = b->loc;
    if (!b->lines.empty()) {
      size_t idx = e.mark.line < 0 ? 0 : static_cast<size_t>(e.mark.line);
      idx = std::min(idx, b->lines.size() - 1);
      at = Location{file, b->lines[idx].line, b->lines[idx].col};
    }
    int yaml_line = e.mark.line < 0 ? 1 : e.mark.line + 1;
    return Status::ParseError("yaml: line " + std::to_string(yaml_line) + ": " + e.msg, at);
  }
  auto fail = [&](const std::string& msg) { return Status::ParseError(msg, b->loc); };
  if (root.IsNull()) return Status::OK();
  if (!root.IsMap()) {
    return fail("yaml: unmarshal errors:\n  line 1: cannot unmarshal " + NodeKind(root) +
                " into ast.rawAnnotation");
  }
  Decoder dec;
  auto scalar_string = [&](const YAML::Node& n, const char* key, std::string* out) -> Status {
    if (n.IsNull()) return Status::OK();
    if (!n.IsScalar()) {
      return fail("yaml: unmarshal errors:\n  cannot unmarshal " + NodeKind(n) + " into " + key +
                  " (string)");
    }
    *out = n.Scalar();
    return Status::OK();
  };
  try {
    for (const auto& kv : root) {
      if (!kv.first.IsScalar()) continue;
      const std::string key = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (key == "scope") {
        FEDRA_RETURN_IF_ERROR(scalar_string(v, "scope", &b->scope));
      } else if (key == "title" || key == "description") {
        std::string s;
        FEDRA_RETURN_IF_ERROR(scalar_string(v, key.c_str(), &s));
        if (!s.empty()) b->entries.emplace_back(Value::String(key), Value::String(s));
      } else if (key == "entrypoint") {
        if (v.IsNull()) continue;
        Value e = v.IsScalar() ? ResolveScalar(v) : Value();
        if (!e.is_bool()) {
          return fail("yaml: unmarshal errors:\n  cannot unmarshal " + NodeKind(v) +
                      " `" + Show(v) + "` into bool");
        }
        b->entrypoint = e.is_true();
      } else if (key == "organizations") {
        if (v.IsNull()) continue;
        if (!v.IsSequence()) return fail("yaml: unmarshal errors:\n  cannot unmarshal " + NodeKind(v) + " into []string");
        std::vector<Value> orgs;
        for (const auto& o : v) {
          if (!o.IsScalar()) return fail("yaml: unmarshal errors:\n  cannot unmarshal " + NodeKind(o) + " into string");
          orgs.push_back(Value::String(o.Scalar()));
        }
        if (!orgs.empty()) b->entries.emplace_back(Value::String("organizations"), Value::Array(std::move(orgs)));
      } else if (key == "related_resources") {
        if (v.IsNull()) continue;
        if (!v.IsSequence()) return fail("yaml: unmarshal errors:\n  cannot unmarshal " + NodeKind(v) + " into []interface {}");
        std::vector<Value> rrs;
        for (const auto& r : v) {
          std::string ref, desc;
          if (r.IsScalar() && ResolveScalar(r).is_string()) {
            ref = r.Scalar();
            if (ref.empty()) return fail("invalid related-resource definition " + Show(r) + ": ref URL may not be empty string");
          } else if (r.IsMap()) {
            ref = MapString(r, "ref");
            desc = MapString(r, "description");
            if (ref.empty()) return fail("invalid related-resource definition " + Show(r) + ": 'ref' value required in object");
          } else {
            return fail("invalid related-resource definition " + Show(r) + ": invalid value type, must be string or map");
          }
          std::vector<ObjectEntry> e;
          e.emplace_back(Value::String("ref"), Value::String(ref));
          if (!desc.empty()) e.emplace_back(Value::String("description"), Value::String(desc));
          rrs.push_back(Value::Object(std::move(e)));
        }
        if (!rrs.empty()) b->entries.emplace_back(Value::String("related_resources"), Value::Array(std::move(rrs)));
      } else if (key == "authors") {
        if (v.IsNull()) continue;
        if (!v.IsSequence()) return fail("yaml: unmarshal errors:\n  cannot unmarshal " + NodeKind(v) + " into []interface {}");
        std::vector<Value> authors;
        for (const auto& a : v) {
          Value author;
          if (a.IsScalar() && ResolveScalar(a).is_string()) {
            Status st = ParseAuthorString(a.Scalar(), &author);
            if (!st.ok()) return fail("invalid author definition " + Show(a) + ": " + std::string(st.message()));
          } else if (a.IsMap()) {
            std::string name = MapString(a, "name"), email = MapString(a, "email");
            if (name.empty() && email.empty()) {
              return fail("invalid author definition " + Show(a) + ": 'name' and/or 'email' values required in object");
            }
            std::vector<ObjectEntry> e;
            if (!name.empty()) e.emplace_back(Value::String("name"), Value::String(name));
            if (!email.empty()) e.emplace_back(Value::String("email"), Value::String(email));
            author = Value::Object(std::move(e));
          } else {
            return fail("invalid author definition " + Show(a) + ": invalid value type, must be string or map");
          }
          authors.push_back(std::move(author));
        }
        if (!authors.empty()) b->entries.emplace_back(Value::String("authors"), Value::Array(std::move(authors)));
      } else if (key == "schemas") {
        if (v.IsNull()) continue;
        if (!v.IsSequence()) return fail("yaml: unmarshal errors:\n  cannot unmarshal " + NodeKind(v) + " into []map[string]interface {}");
        std::vector<Value> schemas;
        for (const auto& s : v) {
          if (!s.IsMap() || s.size() == 0) {
            return fail("yaml: unmarshal errors:\n  cannot unmarshal " + NodeKind(s) + " into map[string]interface {}");
          }
          // OPA takes one (arbitrary) pair of each item; items have one.
          auto pair = s.begin();
          std::string k = pair->first.IsScalar() ? pair->first.Scalar() : "";
          const YAML::Node& sv = pair->second;
          std::vector<ObjectEntry> e;
          Value path;
          if (!RefToArray(k, &path).ok()) return fail("invalid document reference");
          e.emplace_back(Value::String("path"), path);
          if (sv.IsScalar() && ResolveScalar(sv).is_string()) {
            Value schema;
            bool ok = RefToArray(sv.Scalar(), &schema).ok() && !schema.empty() &&
                      schema.array()[0].is_string() && schema.array()[0].str() == "schema";
            if (!ok) return fail("invalid schema reference");
            e.emplace_back(Value::String("schema"), schema);
          } else if (sv.IsMap()) {
            Value def;
            Status st = dec.ToValue(sv, &def);
            if (!st.ok()) return fail("invalid schema definition: " + std::string(st.message()));
            e.emplace_back(Value::String("definition"), def);
          } else {
            return fail("invalid schema declaration for path \"" + k + "\"");
          }
          schemas.push_back(Value::Object(std::move(e)));
        }
        if (!schemas.empty()) b->entries.emplace_back(Value::String("schemas"), Value::Array(std::move(schemas)));
      } else if (key == "custom") {
        if (v.IsNull()) continue;
        if (!v.IsMap()) return fail("yaml: unmarshal errors:\n  cannot unmarshal " + NodeKind(v) + " into map[string]interface {}");
        Value custom;
        Status st = dec.ToValue(v, &custom);
        if (!st.ok()) return fail(std::string(st.message()));
        if (!custom.empty()) b->entries.emplace_back(Value::String("custom"), custom);
      }
      // Other keys (compile, labels, unknown ones) are not part of what
      // rego.metadata.* returns; OPA ignores unknown keys too.
    }
  } catch (const YAML::Exception& e) {
    return fail(std::string("yaml: ") + e.what());
  }
  return Status::OK();
}

// ---- attachment ------------------------------------------------------------------

enum class Stmt { kNone, kPackage, kImport, kRule };

const char* StmtName(Stmt s) {
  switch (s) {
    case Stmt::kPackage: return "package";
    case Stmt::kImport: return "import";
    case Stmt::kRule: return "rule";
    default: return "";
  }
}

// First element of `v` (in source order) whose loc.line is > line.
template <typename T>
const T* FirstAfter(const std::vector<T>& v, uint32_t line, size_t* index) {
  auto it = std::upper_bound(v.begin(), v.end(), line,
                             [](uint32_t l, const T& x) { return l < x.loc.line; });
  if (it == v.end()) return nullptr;
  *index = static_cast<size_t>(it - v.begin());
  return &*it;
}

Status ValidateScope(const Block& b, Stmt node) {
  const std::string& s = b.scope;
  if (s == "rule" || s == "document" || s == "package" || s == "subpackages") {
    bool want_rule = s == "rule" || s == "document";
    if ((want_rule && node != Stmt::kRule) || (!want_rule && node != Stmt::kPackage)) {
      std::string have = node == Stmt::kNone ? "" : std::string(" (have ") + StmtName(node) + ")";
      return Status::ParseError("annotation scope '" + s + "' must be applied to " +
                                    (want_rule ? "rule" : "package") + have,
                                b.loc);
    }
  } else {
    return Status::ParseError("invalid annotation scope '" + s +
                                  "'. Use one of 'rule', 'document', 'package', or 'subpackages'",
                              b.loc);
  }
  if (b.entrypoint && s != "document" && s != "package") {
    return Status::ParseError("annotation entrypoint applied to non-document or package scope '" +
                                  s + "'",
                              b.loc);
  }
  return Status::OK();
}

}  // namespace

Status ScanComments(std::string_view source, std::string_view file,
                    std::vector<SourceComment>* out) {
  Lexer lex(source, file);
  Cursor cur{source};
  if (source.substr(0, 3) == "\xEF\xBB\xBF") cur.off = 3;  // the lexer skips a BOM without a column
  // Template strings: the lexer needs to be told when a `}` closes an
  // embedded expression; track the brace depth each open template started at.
  struct OpenTemplate {
    bool raw;
    int depth;
  };
  std::vector<OpenTemplate> templates;
  int depth = 0;
  size_t prev_end = 0;
  Token tok;
  for (;;) {
    FEDRA_RETURN_IF_ERROR(lex.Next(&tok));
    CollectGap(source, prev_end, tok.offset, &cur, out);
    if (tok.kind == Tok::kEof) break;
    if (tok.kind == Tok::kTemplatePart) {
      templates.push_back(OpenTemplate{tok.raw, depth});
    } else if (tok.kind == Tok::kLBrace) {
      ++depth;
    } else if (tok.kind == Tok::kRBrace) {
      if (!templates.empty() && templates.back().depth == depth) {
        FEDRA_RETURN_IF_ERROR(lex.ContinueTemplate(templates.back().raw, &tok));
        if (tok.kind == Tok::kTemplateEnd) templates.pop_back();
      } else {
        --depth;
      }
    }
    prev_end = tok.end;
  }
  return Status::OK();
}

Status AttachAnnotations(std::string_view source, std::string_view file, ast::Module* module) {
  if (source.find("METADATA") == std::string_view::npos) return Status::OK();
  std::vector<SourceComment> comments;
  FEDRA_RETURN_IF_ERROR(ScanComments(source, file, &comments));

  // Group into blocks exactly as OPA does.
  std::vector<Block> blocks;
  bool open = false;
  for (size_t i = 0; i < comments.size(); ++i) {
    const SourceComment& c = comments[i];
    if (open) {
      if (c.line == comments[i - 1].line + 1 && c.col == 1) {
        blocks.back().lines.push_back(c);
        continue;
      }
      open = false;
    }
    if (TrimSpace(c.text).rfind("METADATA", 0) == 0) {
      Block b;
      b.loc = Location{file, c.line, c.col};
      blocks.push_back(std::move(b));
      open = true;
    }
  }

  for (Block& b : blocks) {
    FEDRA_RETURN_IF_ERROR(DecodeBlock(file, &b));
    // The statement this block belongs to: the first one starting on a
    // later line. The package comes first in every module.
    Stmt node = Stmt::kNone;
    size_t rule_index = 0, import_index = 0;
    if (module->loc.line > b.loc.line) {
      node = Stmt::kPackage;
    } else {
      const ast::Rule* r = FirstAfter(module->rules, b.loc.line, &rule_index);
      const ast::Import* imp = FirstAfter(module->imports, b.loc.line, &import_index);
      if (r && (!imp || r->loc.line < imp->loc.line)) {
        node = Stmt::kRule;
      } else if (imp) {
        node = Stmt::kImport;
      }
    }
    if (b.scope.empty()) {
      if (node == Stmt::kRule) b.scope = b.entrypoint ? "document" : "rule";
      if (node == Stmt::kPackage) b.scope = "package";
      if (node == Stmt::kImport) b.scope = "import";  // rejected below, with a clear name
    }
    FEDRA_RETURN_IF_ERROR(ValidateScope(b, node));
    ast::Annotation a;
    a.scope = b.scope;
    a.loc = b.loc;
    b.entries.emplace_back(Value::String("scope"), Value::String(b.scope));
    if (b.entrypoint) b.entries.emplace_back(Value::String("entrypoint"), Value::Bool(true));
    a.value = Value::Object(std::move(b.entries));
    if (node == Stmt::kRule) {
      module->rules[rule_index].annotations.push_back(std::move(a));
    } else {
      module->annotations.push_back(std::move(a));
    }
  }
  return Status::OK();
}

}  // namespace fedra::syntax
