// Helpers shared by the api_test files: compile modules, evaluate a query,
// and render results compactly so assertions read like `opa eval` output.
#ifndef FEDRA_API_API_TEST_UTIL_H_
#define FEDRA_API_API_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fedra/engine.h"
#include "fedra/value.h"
#include "value/json.h"

namespace fedra::apitest {

struct Module {
  std::string file;
  std::string source;
};

// Parses JSON that the test itself wrote; a failure is a bug in the test.
inline Value J(std::string_view json) {
  Value v;
  Status s = ParseJson(json, &v, "test");
  EXPECT_TRUE(s.ok()) << s.ToString() << " in " << json;
  return v;
}

// Compiles `modules` (Rego v1 unless `syntax` says otherwise) with `data`.
inline Status CompileModules(const std::vector<Module>& modules, std::shared_ptr<const PolicySet>* out,
                             std::string_view data_json = "{}", CompileOptions opts = {}) {
  Compiler c(std::move(opts));
  for (const auto& m : modules) {
    Status s = c.AddModule(m.file, m.source);
    if (!s.ok()) return s;
  }
  c.SetData(J(data_json));
  return c.Compile(out);
}

// Prepares and evaluates `query`; the status of whichever step failed.
inline Status RunQuery(const PolicySet& ps, std::string_view query, const EvalOptions& opts,
                  ResultSet* rs) {
  PreparedQuery q;
  Status s = ps.Prepare(query, &q);
  if (!s.ok()) return s;
  return ps.Eval(q, opts, rs);
}

// The value of the query's first expression in its single result as JSON,
// "undefined" when there is no result, "ERROR <code>: <msg>" on failure, and
// "MULTI" when there are several results.
inline std::string First(const PolicySet& ps, std::string_view query, std::string_view input_json = "",
                         bool strict = false) {
  EvalOptions opts;
  if (!input_json.empty()) opts.input = J(input_json);
  opts.strict_builtin_errors = strict;
  ResultSet rs;
  Status s = RunQuery(ps, query, opts, &rs);
  if (!s.ok()) return "ERROR " + std::string(StatusCodeName(s.code())) + ": " + std::string(s.message());
  if (rs.results.empty()) return "undefined";
  if (rs.results.size() > 1) return "MULTI";
  if (rs.results[0].expressions.empty()) return "no expressions";
  return ToJson(rs.results[0].expressions[0].value);
}

// Compiles one module and evaluates `query` against it.
inline std::string EvalOne(std::string_view source, std::string_view query, std::string_view input_json = "",
                           std::string_view data_json = "{}") {
  std::shared_ptr<const PolicySet> ps;
  Status s = CompileModules({{"p.rego", std::string(source)}}, &ps, data_json);
  if (!s.ok()) return "COMPILE " + s.ToString();
  return First(*ps, query, input_json);
}

}  // namespace fedra::apitest

#endif  // FEDRA_API_API_TEST_UTIL_H_
