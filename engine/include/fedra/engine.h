// Fedra's embedding API: compile Rego modules and data once, evaluate queries
// many times, from many threads.
//
//   fedra::Compiler c;
//   c.AddModule("policy.rego", source);          // Rego v1 unless told otherwise
//   c.SetData(data);
//   std::shared_ptr<const fedra::PolicySet> ps;
//   if (Status s = c.Compile(&ps); !s.ok()) ...  // file:line:col errors
//   fedra::PreparedQuery q;
//   ps->Prepare("data.example.allow", &q);
//   fedra::EvalOptions opts; opts.input = input;
//   fedra::ResultSet rs;
//   ps->Eval(q, opts, &rs);
//
// A PolicySet is immutable once compiled; Prepare and Eval are const and
// thread-safe. A PreparedQuery holds a reference to its PolicySet. Hot reload
// compiles a new PolicySet off the serving path and swaps a shared_ptr.
#ifndef FEDRA_ENGINE_H_
#define FEDRA_ENGINE_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra {

class PolicySet;
namespace compile { struct CompiledQuery; }

enum class RegoSyntax : uint8_t { kV0, kV1 };

struct CompileOptions {
  RegoSyntax default_syntax = RegoSyntax::kV1;
  // Stop after the named compiler stage (tests); empty runs all stages.
  std::string stop_after;
};

// Accumulates sources, then compiles them into a PolicySet.
class Compiler {
 public:
  explicit Compiler(CompileOptions options = {});
  ~Compiler();
  Compiler(const Compiler&) = delete;
  Compiler& operator=(const Compiler&) = delete;

  // Parses immediately; parse errors are returned here (file:line:col).
  Status AddModule(std::string file, std::string_view source);
  Status AddModule(std::string file, std::string_view source, RegoSyntax syntax);
  // Base documents (`data`), an object. Replaces earlier data.
  void SetData(Value data);

  // Runs every compiler stage. On failure returns the first error; all errors
  // are in errors().
  Status Compile(std::shared_ptr<const PolicySet>* out);
  const std::vector<Status>& errors() const { return errors_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<Status> errors_;
};

// A query compiled against one PolicySet.
class PreparedQuery {
 public:
  PreparedQuery();
  ~PreparedQuery();
  PreparedQuery(PreparedQuery&&) noexcept;
  PreparedQuery& operator=(PreparedQuery&&) noexcept;
  bool valid() const { return query_ != nullptr; }
  // The query's expressions' source text, as `opa eval` reports them.
  const std::vector<std::string>& expression_texts() const;

 private:
  friend class PolicySet;
  std::shared_ptr<const PolicySet> policy_set_;
  std::unique_ptr<compile::CompiledQuery> query_;
};

struct EvalOptions {
  Value input;                        // undefined when there is no input
  bool strict_builtin_errors = false;
  // Absolute deadline; the default means none.
  std::chrono::steady_clock::time_point deadline{};
  // Checked periodically; set to true from any thread to cancel.
  const std::atomic<bool>* cancel = nullptr;
  // print() output; null discards it.
  std::function<void(std::string_view)> print;
  Value runtime;                      // opa.runtime() (object), optional
  size_t max_call_depth = 2000;       // nested rule/function evaluations
  size_t max_results = 1u << 20;      // results one query may produce
};

struct ExpressionResult {
  Value value;
  std::string text;
  Location location;
};

struct Result {
  std::vector<ExpressionResult> expressions;
  // Query variables (not generated ones) and their values, sorted by name.
  std::vector<std::pair<std::string, Value>> bindings;
};

struct ResultSet {
  std::vector<Result> results;  // empty: the query is undefined
};

class PolicySet : public std::enable_shared_from_this<PolicySet> {
 public:
  ~PolicySet();
  PolicySet(const PolicySet&) = delete;
  PolicySet& operator=(const PolicySet&) = delete;

  // Compiles `query` (Rego v1 unless `syntax` says otherwise) against this set.
  Status Prepare(std::string_view query, PreparedQuery* out,
                 RegoSyntax syntax = RegoSyntax::kV1) const;
  Status Eval(const PreparedQuery& query, const EvalOptions& options, ResultSet* out) const;
  // The value of the query's first expression in its first result, or
  // undefined when the query has none: what a decision needs (`data.p.allow`,
  // `data.p.violation`), without building a ResultSet (no texts, locations
  // or bindings are copied). Evaluation stops at the first result.
  Status EvalValue(const PreparedQuery& query, const EvalOptions& options, Value* out) const;

  // Internal representation, for the evaluator.
  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  friend class Compiler;
  explicit PolicySet(std::unique_ptr<Impl> impl);
  Status CheckPrepared(const PreparedQuery& query) const;
  std::unique_ptr<Impl> impl_;
};

// Renders a ResultSet as `opa eval --format json` does:
// {"result":[{"expressions":[...],"bindings":{...}}]}, or {} when undefined.
std::string ResultSetToJson(const ResultSet& rs, bool pretty);

}  // namespace fedra

#endif  // FEDRA_ENGINE_H_
