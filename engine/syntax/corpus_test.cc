// Parses every module, query and input_term of OPA's conformance cases
// (the vendored copy in tests/conformance/opa/{v1,v0}) with the matching Rego
// version.
// Cases that expect a rego_parse_error must fail to parse; all others must
// parse, except syntax the parser rejects as "not supported yet" (counted and
// printed). The test prints how many parsed.
//
// It also checks the printer against the parser on real policies: every
// expression printed with ExprToString must parse back (as v1, or v0 for names like `in`) into the same
// tree, locations aside.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "syntax/ast_dump.h"
#include "syntax/parser.h"

namespace fedra::syntax {
namespace {

namespace fs = std::filesystem;

std::string CorpusRoot() {
  if (const char* env = std::getenv("FEDRA_OPA_CASES")) return env;
  return std::string(FEDRA_SOURCE_DIR) + "/tests/conformance/opa";
}

std::string StripLocations(const std::string& dump) {
  std::string out;
  size_t i = 0;
  while (i < dump.size()) {
    size_t at = dump.find(" @", i);
    if (at == std::string::npos) {
      out.append(dump, i, std::string::npos);
      break;
    }
    out.append(dump, i, at - i);
    size_t eol = dump.find('\n', at);
    i = eol == std::string::npos ? dump.size() : eol;
  }
  return out;
}

// Returns an empty string when `body` prints and re-parses to the same tree.
std::string RoundTrip(const ast::Body& body) {
  ParseOptions v1;
  for (const auto& e : body) {
    std::string text = ExprToString(e);
    ast::Body again;
    Status s = ParseQuery(text, "printed", v1, &again);
    if (!s.ok()) {
      // v0 policies may use `in`, `if`, ... as names.
      ParseOptions v0;
      v0.version = ast::RegoVersion::kV0;
      again.clear();
      s = ParseQuery(text, "printed", v0, &again);
    }
    if (!s.ok()) return "printed expression does not parse: " + text + ": " + s.ToString();
    ast::Body one{e};
    std::string want = StripLocations(DumpBody(one));
    std::string got = StripLocations(DumpBody(again));
    if (want != got) return "printed expression parses differently: " + text + "\n" + want + "---\n" + got;
  }
  return "";
}

std::string RoundTripRules(const std::vector<ast::Rule>& rules) {
  for (const auto& r : rules) {
    std::string err = RoundTrip(r.body);
    if (err.empty()) err = RoundTripRules(r.elses);
    if (!err.empty()) return err;
  }
  return "";
}

struct Tally {
  int files = 0;
  int modules = 0;
  int modules_ok = 0;
  int queries = 0;
  int queries_ok = 0;
  int terms = 0;
  int terms_ok = 0;
  int expected_errors = 0;
  int unsupported = 0;  // cases using syntax the parser reports as unsupported
  std::vector<std::string> failures;
};

void RunDir(const fs::path& dir, ast::RegoVersion version, Tally* t) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".yaml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ParseOptions opts;
  opts.version = version;
  for (const auto& f : files) {
    ++t->files;
    YAML::Node doc;
    try {
      doc = YAML::LoadFile(f.string());
    } catch (const std::exception& ex) {
      t->failures.push_back(f.string() + ": yaml: " + ex.what());
      continue;
    }
    for (const auto& c : doc["cases"]) {
      std::string note = c["note"] ? c["note"].as<std::string>() : "?";
      bool want_parse_error = c["want_error_code"] &&
                              c["want_error_code"].as<std::string>() == "rego_parse_error";
      if (want_parse_error) ++t->expected_errors;
      std::string where = f.filename().string() + " [" + note + "]";
      bool any_error = false;
      std::string first_error;
      if (c["modules"]) {
        int i = 0;
        for (const auto& m : c["modules"]) {
          std::string src = m.as<std::string>();
          std::string name = "module" + std::to_string(i++) + ".rego";
          ast::Module mod;
          ++t->modules;
          Status s = ParseModule(src, name, opts, &mod);
          if (s.ok()) {
            ++t->modules_ok;
            std::string rt = RoundTripRules(mod.rules);
            if (!rt.empty()) t->failures.push_back(where + ": " + rt);
          } else {
            any_error = true;
            if (first_error.empty()) first_error = s.ToString();
          }
        }
      }
      if (c["query"]) {
        std::string q = c["query"].as<std::string>();
        ast::Body body;
        ++t->queries;
        Status s = ParseQuery(q, "query", opts, &body);
        if (s.ok()) {
          ++t->queries_ok;
          std::string rt = RoundTrip(body);
          if (!rt.empty()) t->failures.push_back(where + ": " + rt);
        } else {
          any_error = true;
          if (first_error.empty()) first_error = s.ToString() + " in query: " + q;
        }
      }
      if (c["input_term"]) {
        std::string q = c["input_term"].as<std::string>();
        ast::Term term;
        ++t->terms;
        Status s = ParseTerm(q, "input_term", opts, &term);
        if (s.ok()) {
          ++t->terms_ok;
        } else {
          any_error = true;
          if (first_error.empty()) first_error = s.ToString() + " in input_term";
        }
      }
      if (any_error && first_error.find("not supported yet") != std::string::npos) {
        ++t->unsupported;  // a known, reported gap (e.g. `import rego.v2`)
        continue;
      }
      if (any_error != want_parse_error) {
        t->failures.push_back(where + ": " +
                              (want_parse_error ? "expected a parse error" : first_error));
      }
    }
  }
}

void RunVersion(const char* sub, ast::RegoVersion version) {
  fs::path dir = fs::path(CorpusRoot()) / sub;
  if (!fs::exists(dir)) GTEST_SKIP() << dir << " not found";
  Tally t;
  RunDir(dir, version, &t);
  std::cout << sub << ": " << t.files << " files, modules " << t.modules_ok << "/" << t.modules
            << ", queries " << t.queries_ok << "/" << t.queries << ", input_terms "
            << t.terms_ok << "/" << t.terms << ", cases expecting parse errors "
            << t.expected_errors << ", cases using unsupported syntax " << t.unsupported << "\n";
  for (const auto& f : t.failures) ADD_FAILURE() << f;
  EXPECT_GT(t.modules, 0);
}

TEST(CorpusTest, ParsesAllV1Cases) { RunVersion("v1", ast::RegoVersion::kV1); }
TEST(CorpusTest, ParsesAllV0Cases) { RunVersion("v0", ast::RegoVersion::kV0); }

}  // namespace
}  // namespace fedra::syntax
