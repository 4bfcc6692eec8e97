#include "builtins/graphql_parser.h"

#include <functional>
#include <memory>
#include <utility>

#include "builtins/graphql_lexer.h"

namespace fedra::builtins {
namespace {

// Mirrors gqlparser's parser state machine: one token of lookahead, and
// after the first error peek/next keep returning the previous token so that
// every loop (which also checks failed()) winds down without new errors.
class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_(text) {}

  bool failed() const { return failed_; }
  const GqlError& error() const { return error_; }

  void ParseQueryDocument(GqlQueryDocument* doc);
  void ParseSchemaDocument(GqlSchemaDocument* doc);

 private:
  const GqlToken& Peek() {
    if (failed_) return prev_;
    if (!peeked_) {
      std::string err;
      peek_ok_ = lexer_.Next(&peek_, &err);
      peek_err_ = std::move(err);
      peeked_ = true;
    }
    return peek_;
  }
  const GqlToken& NextTok() {
    if (failed_) return prev_;
    if (!peeked_) Peek();
    peeked_ = false;
    prev_ = peek_;
    if (!peek_ok_) SetError(peek_err_, prev_.pos);
    return prev_;
  }
  void SetError(std::string msg, GqlPos pos) {
    if (failed_) return;
    failed_ = true;
    error_.message = std::move(msg);
    error_.pos = pos;
  }
  void ErrorAt(const GqlToken& tok, std::string msg) { SetError(std::move(msg), tok.pos); }
  void Unexpected(const GqlToken& tok) { ErrorAt(tok, "Unexpected " + GqlTokenString(tok)); }
  void UnexpectedPeek() {
    GqlToken t = Peek();
    Unexpected(t);
  }
  bool Skip(GqlTok kind) {
    if (Peek().kind != kind) return false;
    NextTok();
    return true;
  }
  GqlToken Expect(GqlTok kind) {
    GqlToken tok = Peek();
    if (tok.kind == kind) return NextTok();
    ErrorAt(tok, "Expected " + std::string(GqlTokName(kind)) + ", found " +
                     std::string(GqlTokName(tok.kind)));
    return tok;
  }
  GqlToken ExpectKeyword(std::string_view value) {
    GqlToken tok = Peek();
    if (tok.kind == GqlTok::kName && tok.value == value) return NextTok();
    ErrorAt(tok, "Expected \"" + std::string(value) + "\", found " + GqlTokenString(tok));
    return tok;
  }
  // many: zero or more items between start and end; absent start is fine.
  void Many(GqlTok start, GqlTok end, const std::function<void()>& item) {
    if (!Skip(start)) return;
    while (Peek().kind != end && !failed_) item();
    NextTok();
  }
  // some: like Many but at least one item.
  void Some(GqlTok start, GqlTok end, const std::function<void()>& item) {
    if (!Skip(start)) return;
    bool called = false;
    while (Peek().kind != end && !failed_) {
      called = true;
      item();
    }
    if (!called) {
      GqlToken t = Peek();
      ErrorAt(t, "expected at least one definition, found " + std::string(GqlTokName(t.kind)));
      return;
    }
    NextTok();
  }
  // Depth guard for the recursive productions.
  bool Enter() {
    if (++depth_ > kGqlMaxDepth) {
      SetError("nesting depth exceeds " + std::to_string(kGqlMaxDepth), Peek().pos);
      return false;
    }
    return true;
  }
  void Leave() { --depth_; }

  std::string ParseName() { return Expect(GqlTok::kName).value; }
  std::string ParseOperationType();
  void ParseOperation(GqlOperation* op);
  void ParseFragmentDefinition(GqlFragment* frag);
  std::string ParseFragmentName();
  std::vector<GqlVariableDefinition> ParseVariableDefinitions();
  std::vector<GqlSelection> ParseRequiredSelectionSet();
  std::vector<GqlSelection> ParseOptionalSelectionSet();
  void ParseSelection(GqlSelection* sel);
  std::vector<GqlArgument> ParseArguments(bool is_const);
  std::vector<GqlDirective> ParseDirectives(bool is_const);
  std::shared_ptr<GqlValue> ParseValue(bool is_const);
  std::shared_ptr<GqlType> ParseTypeReference();

  std::string ParseDescription();
  void ParseTypeSystemDefinition(const std::string& description, GqlDefinition* def);
  std::vector<std::string> ParseImplements();
  std::vector<std::string> ParseUnionMembers();
  std::vector<GqlFieldDefinition> ParseFieldsDefinition();
  std::vector<GqlFieldDefinition> ParseInputFieldsDefinition();
  std::vector<GqlEnumValueDefinition> ParseEnumValues();
  std::vector<GqlArgumentDefinition> ParseArgumentDefs();
  GqlArgumentDefinition ParseArgumentDef();
  void ParseSchemaDefinition(GqlSchemaDefinition* def);
  void ParseDirectiveDefinition(GqlDirectiveDefinition* def);
  void ParseExtension(GqlSchemaDocument* doc);

  GqlLexer lexer_;
  GqlToken peek_, prev_;
  bool peeked_ = false, peek_ok_ = true;
  std::string peek_err_;
  bool failed_ = false;
  GqlError error_;
  int depth_ = 0;
};

// --- executable documents -------------------------------------------------

void Parser::ParseQueryDocument(GqlQueryDocument* doc) {
  while (Peek().kind != GqlTok::kEOF) {
    if (failed_) return;
    const GqlToken& t = Peek();
    if (t.kind == GqlTok::kName) {
      if (t.value == "query" || t.value == "mutation" || t.value == "subscription") {
        doc->operations.emplace_back();
        ParseOperation(&doc->operations.back());
      } else if (t.value == "fragment") {
        doc->fragments.emplace_back();
        ParseFragmentDefinition(&doc->fragments.back());
      } else {
        UnexpectedPeek();
      }
    } else if (t.kind == GqlTok::kBraceL) {
      doc->operations.emplace_back();
      ParseOperation(&doc->operations.back());
    } else {
      UnexpectedPeek();
    }
  }
}

std::string Parser::ParseOperationType() {
  GqlToken tok = NextTok();
  if (tok.kind == GqlTok::kName &&
      (tok.value == "query" || tok.value == "mutation" || tok.value == "subscription")) {
    return tok.value;
  }
  Unexpected(tok);
  return "query";
}

void Parser::ParseOperation(GqlOperation* op) {
  op->pos = Peek().pos;
  if (Peek().kind == GqlTok::kBraceL) {
    op->operation = "query";
    op->selection_set = ParseRequiredSelectionSet();
    return;
  }
  op->operation = ParseOperationType();
  if (Peek().kind == GqlTok::kName) op->name = NextTok().value;
  op->variables = ParseVariableDefinitions();
  op->directives = ParseDirectives(false);
  op->selection_set = ParseRequiredSelectionSet();
}

std::string Parser::ParseFragmentName() {
  if (Peek().value == "on") {
    UnexpectedPeek();
    return "";
  }
  return ParseName();
}

void Parser::ParseFragmentDefinition(GqlFragment* frag) {
  frag->pos = Peek().pos;
  ExpectKeyword("fragment");
  frag->name = ParseFragmentName();
  frag->variables = ParseVariableDefinitions();
  ExpectKeyword("on");
  frag->type_condition = ParseName();
  frag->directives = ParseDirectives(false);
  frag->selection_set = ParseRequiredSelectionSet();
}

std::vector<GqlVariableDefinition> Parser::ParseVariableDefinitions() {
  std::vector<GqlVariableDefinition> defs;
  Many(GqlTok::kParenL, GqlTok::kParenR, [&] {
    GqlVariableDefinition d;
    d.pos = Peek().pos;
    Expect(GqlTok::kDollar);
    d.variable = ParseName();
    Expect(GqlTok::kColon);
    d.type = ParseTypeReference();
    if (Skip(GqlTok::kEquals)) d.default_value = ParseValue(true);
    d.directives = ParseDirectives(false);
    defs.push_back(std::move(d));
  });
  return defs;
}

std::vector<GqlSelection> Parser::ParseRequiredSelectionSet() {
  if (Peek().kind != GqlTok::kBraceL) {
    GqlToken t = Peek();
    ErrorAt(t, "Expected {, found " + std::string(GqlTokName(t.kind)));
    return {};
  }
  return ParseOptionalSelectionSet();
}

std::vector<GqlSelection> Parser::ParseOptionalSelectionSet() {
  std::vector<GqlSelection> out;
  if (!Enter()) return out;
  Some(GqlTok::kBraceL, GqlTok::kBraceR, [&] {
    out.emplace_back();
    ParseSelection(&out.back());
  });
  Leave();
  return out;
}

void Parser::ParseSelection(GqlSelection* sel) {
  if (Peek().kind == GqlTok::kSpread) {
    Expect(GqlTok::kSpread);
    const GqlToken& p = Peek();
    if (p.kind == GqlTok::kName && p.value != "on") {
      sel->kind = GqlSelection::kFragmentSpread;
      sel->pos = p.pos;
      sel->name = ParseFragmentName();
      sel->directives = ParseDirectives(false);
      return;
    }
    sel->kind = GqlSelection::kInlineFragment;
    sel->pos = Peek().pos;
    if (Peek().value == "on") {
      NextTok();
      sel->type_condition = ParseName();
    }
    sel->directives = ParseDirectives(false);
    sel->selection_set = ParseRequiredSelectionSet();
    return;
  }
  sel->kind = GqlSelection::kField;
  sel->pos = Peek().pos;
  sel->alias = ParseName();
  if (Skip(GqlTok::kColon)) {
    sel->name = ParseName();
  } else {
    sel->name = sel->alias;
  }
  sel->arguments = ParseArguments(false);
  sel->directives = ParseDirectives(false);
  if (Peek().kind == GqlTok::kBraceL) sel->selection_set = ParseOptionalSelectionSet();
}

std::vector<GqlArgument> Parser::ParseArguments(bool is_const) {
  std::vector<GqlArgument> args;
  Many(GqlTok::kParenL, GqlTok::kParenR, [&] {
    GqlArgument a;
    a.pos = Peek().pos;
    a.name = ParseName();
    Expect(GqlTok::kColon);
    a.value = ParseValue(is_const);
    args.push_back(std::move(a));
  });
  return args;
}

std::vector<GqlDirective> Parser::ParseDirectives(bool is_const) {
  std::vector<GqlDirective> dirs;
  while (Peek().kind == GqlTok::kAt) {
    if (failed_) break;
    GqlDirective d;
    d.pos = Peek().pos;
    Expect(GqlTok::kAt);
    d.name = ParseName();
    d.arguments = ParseArguments(is_const);
    dirs.push_back(std::move(d));
  }
  return dirs;
}

std::shared_ptr<GqlValue> Parser::ParseValue(bool is_const) {
  GqlToken tok = Peek();
  auto v = std::make_shared<GqlValue>();
  v->pos = tok.pos;
  switch (tok.kind) {
    case GqlTok::kBracketL:
    case GqlTok::kBraceL: {
      if (!Enter()) return nullptr;
      bool list = tok.kind == GqlTok::kBracketL;
      v->kind = list ? GqlValueKind::kList : GqlValueKind::kObject;
      if (list) {
        Many(GqlTok::kBracketL, GqlTok::kBracketR, [&] {
          GqlChildValue c;
          c.pos = Peek().pos;
          c.value = ParseValue(is_const);
          v->children.push_back(std::move(c));
        });
      } else {
        Many(GqlTok::kBraceL, GqlTok::kBraceR, [&] {
          GqlChildValue c;
          c.pos = Peek().pos;
          c.name = ParseName();
          Expect(GqlTok::kColon);
          c.value = ParseValue(is_const);
          v->children.push_back(std::move(c));
        });
      }
      Leave();
      return v;
    }
    case GqlTok::kDollar:
      if (is_const) {
        UnexpectedPeek();
        return nullptr;
      }
      NextTok();
      v->kind = GqlValueKind::kVariable;
      v->raw = ParseName();
      return v;
    case GqlTok::kInt: v->kind = GqlValueKind::kInt; break;
    case GqlTok::kFloat: v->kind = GqlValueKind::kFloat; break;
    case GqlTok::kString: v->kind = GqlValueKind::kString; break;
    case GqlTok::kBlockString: v->kind = GqlValueKind::kBlock; break;
    case GqlTok::kName:
      if (tok.value == "true" || tok.value == "false") {
        v->kind = GqlValueKind::kBoolean;
      } else if (tok.value == "null") {
        v->kind = GqlValueKind::kNull;
      } else {
        v->kind = GqlValueKind::kEnum;
      }
      break;
    default:
      UnexpectedPeek();
      return nullptr;
  }
  NextTok();
  v->raw = tok.value;
  return v;
}

std::shared_ptr<GqlType> Parser::ParseTypeReference() {
  auto t = std::make_shared<GqlType>();
  t->pos = Peek().pos;
  if (Skip(GqlTok::kBracketL)) {
    if (!Enter()) return t;
    t->elem = ParseTypeReference();
    Leave();
    Expect(GqlTok::kBracketR);
  } else {
    t->named = ParseName();
  }
  if (Skip(GqlTok::kBang)) t->non_null = true;
  return t;
}

// --- schema definition language -------------------------------------------

std::string Parser::ParseDescription() {
  GqlTok k = Peek().kind;
  if (k != GqlTok::kBlockString && k != GqlTok::kString) return "";
  return NextTok().value;
}

void Parser::ParseSchemaDocument(GqlSchemaDocument* doc) {
  while (Peek().kind != GqlTok::kEOF) {
    if (failed_) return;
    std::string description;
    if (Peek().kind == GqlTok::kBlockString || Peek().kind == GqlTok::kString) {
      description = ParseDescription();
    }
    if (Peek().kind != GqlTok::kName) {
      UnexpectedPeek();
      return;
    }
    const std::string word = Peek().value;
    if (word == "scalar" || word == "type" || word == "interface" || word == "union" ||
        word == "enum" || word == "input") {
      doc->definitions.emplace_back();
      ParseTypeSystemDefinition(description, &doc->definitions.back());
    } else if (word == "schema") {
      doc->schema.emplace_back();
      doc->schema.back().description = description;
      ParseSchemaDefinition(&doc->schema.back());
    } else if (word == "directive") {
      doc->directives.emplace_back();
      doc->directives.back().description = description;
      ParseDirectiveDefinition(&doc->directives.back());
    } else if (word == "extend") {
      if (!description.empty()) Unexpected(prev_);
      ParseExtension(doc);
    } else {
      UnexpectedPeek();
      return;
    }
  }
}

std::vector<std::string> Parser::ParseImplements() {
  std::vector<std::string> types;
  if (Peek().value == "implements") {
    NextTok();
    Skip(GqlTok::kAmp);
    types.push_back(ParseName());
    while (Skip(GqlTok::kAmp) && !failed_) types.push_back(ParseName());
  }
  return types;
}

std::vector<std::string> Parser::ParseUnionMembers() {
  std::vector<std::string> types;
  if (Skip(GqlTok::kEquals)) {
    Skip(GqlTok::kPipe);
    types.push_back(ParseName());
    while (Skip(GqlTok::kPipe) && !failed_) types.push_back(ParseName());
  }
  return types;
}

GqlArgumentDefinition Parser::ParseArgumentDef() {
  GqlArgumentDefinition a;
  a.pos = Peek().pos;
  a.description = ParseDescription();
  a.name = ParseName();
  Expect(GqlTok::kColon);
  a.type = ParseTypeReference();
  if (Skip(GqlTok::kEquals)) a.default_value = ParseValue(true);
  a.directives = ParseDirectives(true);
  return a;
}

std::vector<GqlArgumentDefinition> Parser::ParseArgumentDefs() {
  std::vector<GqlArgumentDefinition> args;
  Many(GqlTok::kParenL, GqlTok::kParenR, [&] { args.push_back(ParseArgumentDef()); });
  return args;
}

std::vector<GqlFieldDefinition> Parser::ParseFieldsDefinition() {
  std::vector<GqlFieldDefinition> fields;
  Some(GqlTok::kBraceL, GqlTok::kBraceR, [&] {
    GqlFieldDefinition f;
    f.pos = Peek().pos;
    f.description = ParseDescription();
    f.name = ParseName();
    f.arguments = ParseArgumentDefs();
    Expect(GqlTok::kColon);
    f.type = ParseTypeReference();
    f.directives = ParseDirectives(true);
    fields.push_back(std::move(f));
  });
  return fields;
}

std::vector<GqlFieldDefinition> Parser::ParseInputFieldsDefinition() {
  std::vector<GqlFieldDefinition> fields;
  Some(GqlTok::kBraceL, GqlTok::kBraceR, [&] {
    GqlArgumentDefinition a = ParseArgumentDef();
    GqlFieldDefinition f;
    f.pos = a.pos;
    f.description = std::move(a.description);
    f.name = std::move(a.name);
    f.type = std::move(a.type);
    f.default_value = std::move(a.default_value);
    f.directives = std::move(a.directives);
    fields.push_back(std::move(f));
  });
  return fields;
}

std::vector<GqlEnumValueDefinition> Parser::ParseEnumValues() {
  std::vector<GqlEnumValueDefinition> values;
  Some(GqlTok::kBraceL, GqlTok::kBraceR, [&] {
    GqlEnumValueDefinition v;
    v.pos = Peek().pos;
    v.description = ParseDescription();
    v.name = ParseName();
    v.directives = ParseDirectives(true);
    values.push_back(std::move(v));
  });
  return values;
}

void Parser::ParseTypeSystemDefinition(const std::string& description, GqlDefinition* def) {
  def->pos = Peek().pos;
  def->description = description;
  const std::string word = Peek().value;
  ExpectKeyword(word);
  def->name = ParseName();
  if (word == "scalar") {
    def->kind = "SCALAR";
    def->directives = ParseDirectives(true);
  } else if (word == "type" || word == "interface") {
    def->kind = word == "type" ? "OBJECT" : "INTERFACE";
    def->interfaces = ParseImplements();
    def->directives = ParseDirectives(true);
    def->fields = ParseFieldsDefinition();
  } else if (word == "union") {
    def->kind = "UNION";
    def->directives = ParseDirectives(true);
    def->types = ParseUnionMembers();
  } else if (word == "enum") {
    def->kind = "ENUM";
    def->directives = ParseDirectives(true);
    def->enum_values = ParseEnumValues();
  } else {
    def->kind = "INPUT_OBJECT";
    def->directives = ParseDirectives(true);
    def->fields = ParseInputFieldsDefinition();
  }
}

void Parser::ParseSchemaDefinition(GqlSchemaDefinition* def) {
  ExpectKeyword("schema");
  def->pos = Peek().pos;
  def->directives = ParseDirectives(true);
  Some(GqlTok::kBraceL, GqlTok::kBraceR, [&] {
    GqlOperationType ot;
    ot.pos = Peek().pos;
    ot.operation = ParseOperationType();
    Expect(GqlTok::kColon);
    ot.type = ParseName();
    def->operation_types.push_back(std::move(ot));
  });
}

bool IsDirectiveLocation(std::string_view s) {
  static const char* const kLocations[] = {
      "QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD",
      "INLINE_FRAGMENT", "VARIABLE_DEFINITION", "SCHEMA", "SCALAR", "OBJECT",
      "FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INTERFACE", "UNION", "ENUM", "ENUM_VALUE",
      "INPUT_OBJECT", "INPUT_FIELD_DEFINITION"};
  for (const char* l : kLocations) {
    if (s == l) return true;
  }
  return false;
}

void Parser::ParseDirectiveDefinition(GqlDirectiveDefinition* def) {
  ExpectKeyword("directive");
  Expect(GqlTok::kAt);
  def->pos = Peek().pos;
  def->name = ParseName();
  def->arguments = ParseArgumentDefs();
  if (Peek().kind == GqlTok::kName && Peek().value == "repeatable") {
    def->repeatable = true;
    Skip(GqlTok::kName);
  }
  ExpectKeyword("on");
  Skip(GqlTok::kPipe);
  do {
    GqlToken name = Expect(GqlTok::kName);
    if (IsDirectiveLocation(name.value)) {
      def->locations.push_back(name.value);
    } else {
      Unexpected(name);
      def->locations.push_back("");
    }
  } while (Skip(GqlTok::kPipe) && !failed_);
}

void Parser::ParseExtension(GqlSchemaDocument* doc) {
  ExpectKeyword("extend");
  const std::string word = Peek().value;
  if (word == "schema") {
    ExpectKeyword("schema");
    GqlSchemaDefinition def;
    def.pos = Peek().pos;
    def.directives = ParseDirectives(true);
    Some(GqlTok::kBraceL, GqlTok::kBraceR, [&] {
      GqlOperationType ot;
      ot.pos = Peek().pos;
      ot.operation = ParseOperationType();
      Expect(GqlTok::kColon);
      ot.type = ParseName();
      def.operation_types.push_back(std::move(ot));
    });
    if (def.directives.empty() && def.operation_types.empty()) UnexpectedPeek();
    doc->schema_extension.push_back(std::move(def));
    return;
  }
  if (!(word == "scalar" || word == "type" || word == "interface" || word == "union" ||
        word == "enum" || word == "input")) {
    UnexpectedPeek();
    return;
  }
  GqlDefinition def;
  def.pos = Peek().pos;
  ExpectKeyword(word);
  def.name = ParseName();
  bool empty = false;
  if (word == "scalar") {
    def.kind = "SCALAR";
    def.directives = ParseDirectives(true);
    empty = def.directives.empty();
  } else if (word == "type") {
    def.kind = "OBJECT";
    def.interfaces = ParseImplements();
    def.directives = ParseDirectives(true);
    def.fields = ParseFieldsDefinition();
    empty = def.interfaces.empty() && def.directives.empty() && def.fields.empty();
  } else if (word == "interface") {
    def.kind = "INTERFACE";
    def.directives = ParseDirectives(true);
    def.fields = ParseFieldsDefinition();
    empty = def.directives.empty() && def.fields.empty();
  } else if (word == "union") {
    def.kind = "UNION";
    def.directives = ParseDirectives(true);
    def.types = ParseUnionMembers();
    empty = def.directives.empty() && def.types.empty();
  } else if (word == "enum") {
    def.kind = "ENUM";
    def.directives = ParseDirectives(true);
    def.enum_values = ParseEnumValues();
    empty = def.directives.empty() && def.enum_values.empty();
  } else {
    def.kind = "INPUT_OBJECT";
    def.directives = ParseDirectives(true);
    def.fields = ParseInputFieldsDefinition();
    empty = def.directives.empty() && def.fields.empty();
  }
  if (empty) UnexpectedPeek();
  doc->extensions.push_back(std::move(def));
}

bool CheckSize(std::string_view text, GqlError* error) {
  if (text.size() <= kGqlMaxInput) return true;
  error->message = "document exceeds " + std::to_string(kGqlMaxInput) + " bytes";
  error->pos = {1, 1};
  return false;
}

}  // namespace

bool ParseGqlQuery(std::string_view text, GqlQueryDocument* doc, GqlError* error) {
  if (!CheckSize(text, error)) return false;
  Parser p(text);
  p.ParseQueryDocument(doc);
  if (p.failed()) {
    *error = p.error();
    return false;
  }
  return true;
}

bool ParseGqlSchema(std::string_view text, GqlSchemaDocument* doc, GqlError* error) {
  if (!CheckSize(text, error)) return false;
  Parser p(text);
  p.ParseSchemaDocument(doc);
  if (p.failed()) {
    *error = p.error();
    return false;
  }
  return true;
}

const GqlSchemaDocument& GqlPrelude() {
  static const GqlSchemaDocument* prelude = [] {
    static const char kPrelude[] = R"(
scalar Int
scalar Float
scalar String
scalar Boolean
scalar ID
directive @include(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @skip(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @deprecated(reason: String = "No longer supported") on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE
directive @specifiedBy(url: String!) on SCALAR
type __Schema {
  description: String
  types: [__Type!]!
  queryType: __Type!
  mutationType: __Type
  subscriptionType: __Type
  directives: [__Directive!]!
}
type __Type {
  kind: __TypeKind!
  name: String
  description: String
  fields(includeDeprecated: Boolean = false): [__Field!]
  interfaces: [__Type!]
  possibleTypes: [__Type!]
  enumValues(includeDeprecated: Boolean = false): [__EnumValue!]
  inputFields: [__InputValue!]
  ofType: __Type
  specifiedByURL: String
}
type __Field {
  name: String!
  description: String
  args: [__InputValue!]!
  type: __Type!
  isDeprecated: Boolean!
  deprecationReason: String
}
type __InputValue {
  name: String!
  description: String
  type: __Type!
  defaultValue: String
}
type __EnumValue {
  name: String!
  description: String
  isDeprecated: Boolean!
  deprecationReason: String
}
enum __TypeKind { SCALAR OBJECT INTERFACE UNION ENUM INPUT_OBJECT LIST NON_NULL }
type __Directive {
  name: String!
  description: String
  locations: [__DirectiveLocation!]!
  args: [__InputValue!]!
  isRepeatable: Boolean!
}
enum __DirectiveLocation {
  QUERY MUTATION SUBSCRIPTION FIELD FRAGMENT_DEFINITION FRAGMENT_SPREAD INLINE_FRAGMENT
  VARIABLE_DEFINITION SCHEMA SCALAR OBJECT FIELD_DEFINITION ARGUMENT_DEFINITION INTERFACE
  UNION ENUM ENUM_VALUE INPUT_OBJECT INPUT_FIELD_DEFINITION
}
)";
    auto* doc = new GqlSchemaDocument;
    GqlError err;
    ParseGqlSchema(kPrelude, doc, &err);
    for (auto& d : doc->definitions) d.built_in = true;
    return doc;
  }();
  return *prelude;
}

std::string GqlTypeString(const GqlType& t) {
  // Iterative over the list nesting: collect the chain, then wrap.
  std::vector<const GqlType*> chain;
  for (const GqlType* p = &t; p != nullptr; p = p->elem.get()) chain.push_back(p);
  std::string out = chain.back()->named;
  if (chain.back()->non_null) out += "!";
  for (size_t i = chain.size() - 1; i-- > 0;) {
    out = "[" + out + "]";
    if (chain[i]->non_null) out += "!";
  }
  return out;
}

}  // namespace fedra::builtins
