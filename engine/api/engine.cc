// The embedding API (fedra/engine.h) on top of the compiler and evaluator.
#include "fedra/engine.h"

#include "compile/compiler.h"
#include "eval/evaluator.h"
#include "syntax/parser.h"

namespace fedra {

struct Compiler::Impl {
  CompileOptions options;
  std::unique_ptr<PolicySet::Impl> ps = std::make_unique<PolicySet::Impl>();
};

Compiler::Compiler(CompileOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->ps->data = Value::EmptyObject();
}

Compiler::~Compiler() = default;

Status Compiler::AddModule(std::string file, std::string_view source) {
  return AddModule(std::move(file), source, impl_->options.default_syntax);
}

Status Compiler::AddModule(std::string file, std::string_view source, RegoSyntax syntax) {
  auto& ps = *impl_->ps;
  ps.file_names.push_back(std::move(file));
  syntax::ParseOptions po;
  po.version = syntax == RegoSyntax::kV0 ? ast::RegoVersion::kV0 : ast::RegoVersion::kV1;
  ast::Module m;
  Status s = syntax::ParseModule(source, ps.file_names.back(), po, &m);
  if (!s.ok()) {
    errors_.push_back(s);
    return s;
  }
  ps.modules.push_back(std::move(m));
  return Status::OK();
}

void Compiler::SetData(Value data) {
  impl_->ps->data = data.is_object() ? std::move(data) : Value::EmptyObject();
}

Status Compiler::Compile(std::shared_ptr<const PolicySet>* out) {
  if (!errors_.empty()) return errors_.front();
  auto& ps = impl_->ps;
  ps->registry = &builtins::DefaultRegistry();
  compile::CompileState state;
  state.impl = ps.get();
  compile::RunStages(&state, impl_->options.stop_after);
  if (!state.errors.empty()) {
    errors_ = std::move(state.errors);
    return errors_.front();
  }
  out->reset(new PolicySet(std::move(ps)));
  impl_->ps = std::make_unique<PolicySet::Impl>();
  impl_->ps->data = Value::EmptyObject();
  return Status::OK();
}

// ---- PolicySet -------------------------------------------------------------------

PolicySet::PolicySet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PolicySet::~PolicySet() = default;

PreparedQuery::PreparedQuery() = default;
PreparedQuery::~PreparedQuery() = default;
PreparedQuery::PreparedQuery(PreparedQuery&&) noexcept = default;
PreparedQuery& PreparedQuery::operator=(PreparedQuery&&) noexcept = default;

const std::vector<std::string>& PreparedQuery::expression_texts() const {
  static const std::vector<std::string> kEmpty;
  return query_ ? query_->texts : kEmpty;
}

Status PolicySet::Prepare(std::string_view query, PreparedQuery* out, RegoSyntax syntax) const {
  auto q = std::make_unique<compile::CompiledQuery>();
  q->file_names.push_back("query");
  syntax::ParseOptions po;
  po.version = syntax == RegoSyntax::kV0 ? ast::RegoVersion::kV0 : ast::RegoVersion::kV1;
  ast::Body body;
  FEDRA_RETURN_IF_ERROR(syntax::ParseQuery(query, q->file_names.back(), po, &body, &q->texts));
  for (const auto& e : body) q->locations.push_back(e.loc);
  FEDRA_RETURN_IF_ERROR(compile::CompileQuery(*impl_, body, q.get()));
  out->policy_set_ = shared_from_this();
  out->query_ = std::move(q);
  return Status::OK();
}

Status PolicySet::CheckPrepared(const PreparedQuery& query) const {
  if (!query.valid()) return Status::InvalidArgument("query is not prepared");
  if (query.policy_set_.get() != this) {
    return Status::InvalidArgument("query was prepared against another policy set");
  }
  return Status::OK();
}

Status PolicySet::Eval(const PreparedQuery& query, const EvalOptions& options, ResultSet* out) const {
  out->results.clear();
  FEDRA_RETURN_IF_ERROR(CheckPrepared(query));
  eval::Evaluator ev(*impl_, options);
  Status s = ev.Run(*query.query_, out);
  if (!s.ok()) out->results.clear();
  return s;
}

Status PolicySet::EvalValue(const PreparedQuery& query, const EvalOptions& options, Value* out) const {
  *out = Value();
  FEDRA_RETURN_IF_ERROR(CheckPrepared(query));
  eval::Evaluator ev(*impl_, options);
  Status s = ev.RunFirst(*query.query_, out);
  if (!s.ok()) *out = Value();
  return s;
}

// ---- output ------------------------------------------------------------------------

std::string ResultSetToJson(const ResultSet& rs, bool pretty) {
  if (rs.results.empty()) return "{}";
  std::vector<Value> results;
  for (const auto& r : rs.results) {
    std::vector<Value> exprs;
    for (const auto& e : r.expressions) {
      std::vector<ObjectEntry> loc{{Value::String("row"), Value::Int(e.location.line)},
                                   {Value::String("col"), Value::Int(e.location.col)}};
      exprs.push_back(Value::Object({{Value::String("value"), e.value},
                                     {Value::String("text"), Value::String(e.text)},
                                     {Value::String("location"), Value::Object(std::move(loc))}}));
    }
    std::vector<ObjectEntry> entries{{Value::String("expressions"), Value::Array(std::move(exprs))}};
    if (!r.bindings.empty()) {
      std::vector<ObjectEntry> b;
      for (const auto& [name, v] : r.bindings) b.emplace_back(Value::String(name), v);
      entries.emplace_back(Value::String("bindings"), Value::Object(std::move(b)));
    }
    results.push_back(Value::Object(std::move(entries)));
  }
  return ToJson(Value::Object({{Value::String("result"), Value::Array(std::move(results))}}), pretty);
}

}  // namespace fedra
