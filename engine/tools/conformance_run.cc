// Running one conformance case and judging its outcome as OPA's runner does.
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fedra/engine.h"
#include "tools/conformance.h"

namespace fedra::tools {
namespace {

using std::string_view_literals::operator""sv;

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxShown = 400;  // bytes of a value shown in a reason

std::string Shorten(std::string s) {
  if (s.size() > kMaxShown) {
    s.resize(kMaxShown);
    s += "...";
  }
  return s;
}

// Where evaluation stopped: an error (one or more Statuses; several only for
// compile errors), or a result set.
struct Outcome {
  std::string setup_error;  // a problem of the harness, never an expected error
  std::vector<Status> errors;
  bool compile_stage = false;  // errors came from parsing or compiling
  bool timed_out = false;
  ResultSet rs;
};

// OPA's rendering of an error (topdown.Error.Error()): "file:row: code: message".
std::string OpaErrorText(const Status& st) {
  std::string s;
  Location loc = st.location();
  if (loc.known()) {
    // OPA's Location.String(): "file:row", or "row:col" without a file.
    s += loc.file.empty() ? std::to_string(loc.line) + ":" + std::to_string(loc.col)
                          : std::string(loc.file) + ":" + std::to_string(loc.line);
    s += ": ";
  }
  s += StatusCodeName(st.code());
  s += ": ";
  s += st.message();
  return s;
}

// Every rendering of the errors a want_error text may be found in.
std::vector<std::string> ErrorTexts(const Outcome& o) {
  std::string opa, fedra, bare;
  if (o.compile_stage) {
    opa = std::to_string(o.errors.size()) +
          (o.errors.size() == 1 ? " error occurred: " : " errors occurred:\n");
  }
  for (size_t i = 0; i < o.errors.size(); ++i) {
    if (i > 0) {
      opa += "\n";
      fedra += "\n";
      bare += "\n";
    }
    opa += OpaErrorText(o.errors[i]);
    fedra += o.errors[i].ToString();
    bare += o.errors[i].message();
  }
  return {opa, fedra, bare};
}

std::string Describe(const Outcome& o) {
  std::string s;
  for (size_t i = 0; i < o.errors.size() && i < 3; ++i) {
    if (i > 0) s += "; ";
    s += o.errors[i].ToString();
  }
  if (o.errors.size() > 3) s += "; ... (" + std::to_string(o.errors.size()) + " errors)";
  return Shorten(s);
}

std::string ResultJson(const ResultSet& rs) {
  std::vector<Value> rows;
  for (const Result& r : rs.results) rows.push_back(BindingsToValue(r, false, false));
  return Shorten(ToJson(Value::Array(std::move(rows))));
}

Value EnvRuntime(const ConformanceCase& c) {
  if (c.env.empty()) return Value();
  std::vector<ObjectEntry> env;
  for (const auto& [k, v] : c.env) env.emplace_back(Value::String(k), Value::String(v));
  return Value::Object({{Value::String("env"sv), Value::Object(std::move(env))}});
}

// Evaluates an input_term (Rego term text) to a value with a one-line query
// against an empty policy set.
Status EvalInputTerm(const std::string& term, Clock::time_point deadline, Value* out) {
  static constexpr std::string_view kVar = "fedra_input_term";
  Compiler compiler;
  std::shared_ptr<const PolicySet> ps;
  FEDRA_RETURN_IF_ERROR(compiler.Compile(&ps));
  PreparedQuery q;
  FEDRA_RETURN_IF_ERROR(ps->Prepare(std::string(kVar) + " := " + term, &q));
  EvalOptions opts;
  opts.deadline = deadline;
  ResultSet rs;
  FEDRA_RETURN_IF_ERROR(ps->Eval(q, opts, &rs));
  if (rs.results.size() != 1) return Status::InvalidArgument("the term is undefined");
  for (const auto& [name, value] : rs.results[0].bindings) {
    if (name == kVar) {
      *out = value;
      return Status::OK();
    }
  }
  return Status::Internal("no binding for the input term");
}

Outcome Evaluate(const ConformanceCase& c, const RunOptions& options) {
  Outcome o;
  const Clock::time_point deadline = Clock::now() + options.timeout;
  Value input = c.input;
  if (c.input_term) {
    Status st = EvalInputTerm(*c.input_term, deadline, &input);
    if (!st.ok()) {
      o.setup_error = "input_term: " + st.ToString();
      return o;
    }
  }

  o.compile_stage = true;
  CompileOptions copts;
  copts.default_syntax = c.syntax;
  Compiler compiler(copts);
  for (size_t i = 0; i < c.modules.size(); ++i) {
    Status st = compiler.AddModule("test-" + std::to_string(i) + ".rego", c.modules[i], c.syntax);
    if (!st.ok()) o.errors.push_back(std::move(st));
  }
  if (!o.errors.empty()) return o;
  compiler.SetData(c.data.is_object() ? c.data : Value::EmptyObject());
  std::shared_ptr<const PolicySet> ps;
  if (Status st = compiler.Compile(&ps); !st.ok()) {
    o.errors = compiler.errors();
    if (o.errors.empty()) o.errors.push_back(std::move(st));
    return o;
  }
  PreparedQuery q;
  if (Status st = ps->Prepare(c.query, &q, c.syntax); !st.ok()) {
    o.errors.push_back(std::move(st));
    return o;
  }

  o.compile_stage = false;
  EvalOptions opts;
  opts.input = input;
  opts.strict_builtin_errors = c.strict_error;
  opts.deadline = deadline;
  opts.runtime = EnvRuntime(c);
  if (Status st = ps->Eval(q, opts, &o.rs); !st.ok()) {
    o.timed_out = st.code() == StatusCode::kEvalCancelError && Clock::now() >= deadline;
    o.errors.push_back(std::move(st));
  }
  return o;
}

// "" when the outcome is what the case wants, else why not.
std::string Judge(const ConformanceCase& c, const Outcome& o, std::chrono::milliseconds timeout) {
  if (!o.setup_error.empty()) return Shorten(o.setup_error);
  if (o.timed_out) {
    return "timeout: evaluation exceeded " + std::to_string(timeout.count()) + " ms";
  }
  const bool want_error = c.want_error || c.want_error_code;
  if (!o.errors.empty()) {
    if (!want_error) return "unexpected error: " + Describe(o);
    if (c.want_error_code) {
      bool found = false;
      for (const Status& st : o.errors) found |= StatusCodeName(st.code()) == *c.want_error_code;
      if (!found) {
        return "want error code " + *c.want_error_code + ", got " +
               std::string(StatusCodeName(o.errors[0].code())) + ": " + Describe(o);
      }
    }
    if (c.want_error) {
      bool found = false;
      for (const std::string& text : ErrorTexts(o)) {
        found |= text.find(*c.want_error) != std::string::npos;
      }
      if (!found) return "want error containing \"" + *c.want_error + "\", got: " + Describe(o);
    }
    return "";
  }
  if (want_error) {
    std::string what = c.want_error_code ? *c.want_error_code : "";
    if (c.want_error) what += (what.empty() ? "" : " ") + ("\"" + *c.want_error + "\"");
    return "want error " + what + ", got " +
           (o.rs.results.empty() ? std::string("undefined") : "result " + ResultJson(o.rs));
  }
  return CompareResults(*c.want_result, o.rs, c.sort_bindings, c.ignore_generated_vars);
}

}  // namespace

CaseResult RunCase(const ConformanceCase& c, const RunOptions& options) {
  CaseResult r;
  r.file = c.file;
  r.folder = c.folder;
  r.note = c.note;
  const Clock::time_point start = Clock::now();
  if (!c.load_error.empty()) {
    r.status = CaseStatus::kFail;
    r.reason = c.load_error;
    return r;
  }
  Outcome o = Evaluate(c, options);
  r.reason = Judge(c, o, options.timeout);
  r.status = r.reason.empty() ? CaseStatus::kPass : CaseStatus::kFail;
  r.millis = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return r;
}

}  // namespace fedra::tools
