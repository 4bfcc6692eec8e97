// Runs the real `fedra` binary on the fixtures in tests/cli/testdata and checks
// its output and exit codes.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "fedra/value.h"
#include "value/json.h"

namespace {

namespace fs = std::filesystem;

const std::string kFedra = std::string(FEDRA_BINARY_DIR) + "/bin/fedra";
const std::string kData = std::string(FEDRA_SOURCE_DIR) + "/tests/cli/testdata";

struct CmdResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Quote(const std::string& arg) {
  std::string q = "'";
  for (char c : arg) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

// Runs fedra with `args`; stdout through a pipe, stderr through a file.
CmdResult Fedra(const std::vector<std::string>& args) {
  char err_path[] = "/tmp/fedra_cli_test_XXXXXX";
  int fd = mkstemp(err_path);
  EXPECT_GE(fd, 0);
  close(fd);
  std::string cmd = Quote(kFedra);
  for (const std::string& a : args) cmd += " " + Quote(a);
  cmd += " 2>" + std::string(err_path) + " </dev/null";
  CmdResult r;
  FILE* p = popen(cmd.c_str(), "r");
  EXPECT_NE(p, nullptr) << cmd;
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.err = Slurp(err_path);
  unlink(err_path);
  return r;
}

fedra::Value Json(const std::string& text) {
  fedra::Value v;
  fedra::Status st = fedra::ParseJson(text, &v, "output");
  EXPECT_TRUE(st.ok()) << st.ToString() << "\n" << text;
  return v;
}

fedra::Value At(const fedra::Value& v, std::string_view key) {
  if (!v.is_object()) return fedra::Value();
  const fedra::Value* f = v.Find(key);
  return f ? *f : fedra::Value();
}

std::string LastLine(const std::string& s) {
  std::string t = s;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  size_t nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

TEST(FedraEval, OutputHasOpaShape) {
  CmdResult r = Fedra(
      {"eval", "-d", kData + "/policy", "-i", kData + "/input.json", "data.cli.example.allow"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  fedra::Value doc = Json(r.out);
  fedra::Value results = At(doc, "result");
  ASSERT_TRUE(results.is_array()) << r.out;
  ASSERT_EQ(results.size(), 1u);
  fedra::Value exprs = At(results.array()[0], "expressions");
  ASSERT_TRUE(exprs.is_array());
  ASSERT_EQ(exprs.size(), 1u);
  const fedra::Value& e = exprs.array()[0];
  EXPECT_EQ(At(e, "value"), fedra::Value::Bool(true));
  EXPECT_EQ(At(e, "text"), fedra::Value::String(std::string_view("data.cli.example.allow")));
  EXPECT_EQ(At(At(e, "location"), "row"), fedra::Value::Int(1));
  EXPECT_EQ(At(At(e, "location"), "col"), fedra::Value::Int(1));
}

TEST(FedraEval, BindingsOnePerResult) {
  CmdResult r = Fedra(
      {"eval", "--format", "compact", "-d", kData + "/policy", "x := data.cli.example.items[_]"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << "compact is one line";
  fedra::Value results = At(Json(r.out), "result");
  ASSERT_TRUE(results.is_array()) << r.out;
  ASSERT_EQ(results.size(), 3u);
  std::vector<fedra::Value> xs;
  for (const fedra::Value& res : results.array()) xs.push_back(At(At(res, "bindings"), "x"));
  EXPECT_EQ(fedra::Value::Set(xs),
            fedra::Value::Set({fedra::Value::Int(1), fedra::Value::Int(2), fedra::Value::Int(3)}));
}

TEST(FedraEval, DataFilesMergeByDirectory) {
  CmdResult r = Fedra({"eval", "-f", "compact", "-d", kData + "/policy", "data.roles"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  fedra::Value results = At(Json(r.out), "result");
  ASSERT_EQ(results.size(), 1u) << r.out;
  fedra::Value value = At(At(results.array()[0], "expressions").array()[0], "value");
  EXPECT_EQ(value, Json(R"({"admins": ["alice", "bob"], "viewers": ["carol", "42"], "level": 3})"));
}

TEST(FedraEval, UndefinedIsEmptyObjectAndFailFlag) {
  CmdResult r = Fedra({"eval", "-d", kData + "/policy", "data.cli.example.nope"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Json(r.out), fedra::Value::EmptyObject());
  CmdResult f = Fedra({"eval", "--fail", "-d", kData + "/policy", "data.cli.example.nope"});
  EXPECT_EQ(f.exit_code, 1);
}

TEST(FedraEval, PrettyPrintsTheValue) {
  CmdResult r = Fedra({"eval", "--format", "pretty", "-d", kData + "/policy", "-i",
                       kData + "/input.json", "data.cli.example.greeting"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "\"hello, alice\"\n");
}

TEST(FedraEval, MalformedJsonInputIsAClearError) {
  CmdResult r = Fedra(
      {"eval", "-d", kData + "/policy", "-i", kData + "/malformed.json", "data.cli.example.allow"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("malformed.json"), std::string::npos) << r.err;
  EXPECT_TRUE(std::regex_search(r.err, std::regex(R"(malformed\.json:\d+:\d+)"))) << r.err;
}

TEST(FedraEval, MissingInputFileIsAnError) {
  CmdResult r = Fedra({"eval", "-i", kData + "/no-such-input.json", "1 == 1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no-such-input.json"), std::string::npos) << r.err;
}

TEST(FedraEval, ParseErrorInPolicyHasLocation) {
  CmdResult r = Fedra({"eval", "-d", kData + "/broken", "data.cli.broken.p"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(std::regex_search(r.err, std::regex(R"(truncated\.rego:\d+:\d+: rego_parse_error)")))
      << r.err;
}

TEST(FedraEval, UsageErrors) {
  EXPECT_EQ(Fedra({"eval"}).exit_code, 2);
  EXPECT_EQ(Fedra({"eval", "--no-such-flag", "x"}).exit_code, 2);
  EXPECT_EQ(Fedra({"eval", "-d"}).exit_code, 2);
  EXPECT_EQ(Fedra({"eval", "--format", "xml", "1"}).exit_code, 2);
  EXPECT_EQ(Fedra({"no-such-command"}).exit_code, 2);
  EXPECT_EQ(Fedra({}).exit_code, 2);
}

TEST(FedraCheck, ReportsEveryErrorWithFileLineCol) {
  CmdResult r = Fedra({"check", kData + "/errors"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(std::regex_search(r.err, std::regex(R"(unsafe\.rego:3:\d+: rego_unsafe_var_error)")))
      << r.err;
  EXPECT_TRUE(std::regex_search(r.err, std::regex(R"(unsafe\.rego:5:\d+: rego_unsafe_var_error)")))
      << r.err;
}

TEST(FedraCheck, ParseErrorsAndCleanPolicies) {
  CmdResult bad = Fedra({"check", kData + "/broken/truncated.rego"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(std::regex_search(bad.err, std::regex(R"(truncated\.rego:\d+:\d+: )"))) << bad.err;
  CmdResult good = Fedra({"check", kData + "/policy"});
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_EQ(Fedra({"check", kData + "/does-not-exist"}).exit_code, 1);
}

TEST(FedraParse, DumpsTheModule) {
  CmdResult r = Fedra({"parse", kData + "/policy/example.rego"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("module", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("@1:1"), std::string::npos) << r.out;
  EXPECT_EQ(Fedra({"parse", kData + "/broken/truncated.rego"}).exit_code, 1);
}

TEST(FedraHelp, EveryCommandHasHelp) {
  for (const char* cmd : {"eval", "check", "parse", "conformance", "bench"}) {
    CmdResult r = Fedra({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find(std::string("usage: fedra ") + cmd), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("exit codes"), std::string::npos) << r.out;
  }
  EXPECT_EQ(Fedra({"--help"}).exit_code, 0);
}

TEST(FedraBench, JsonReportHasTheStatistics) {
  CmdResult r = Fedra({"bench", "-f", "json", "--count", "200", "--warmup", "5", "-d",
                       kData + "/policy", "-i", kData + "/input.json", "data.cli.example.allow"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  fedra::Value doc = Json(r.out);
  EXPECT_EQ(At(doc, "count"), fedra::Value::Int(200));
  EXPECT_EQ(At(doc, "results"), fedra::Value::Int(1));  // allow is defined: one result
  for (const char* key : {"median_ns", "p90_ns", "p99_ns", "min_ns", "max_ns", "allocs_per_eval"}) {
    ASSERT_TRUE(At(doc, key).is_number()) << key << " in " << r.out;
  }
  // Order statistics are ordered.
  EXPECT_LE(fedra::Compare(At(doc, "min_ns"), At(doc, "median_ns")), 0);
  EXPECT_LE(fedra::Compare(At(doc, "median_ns"), At(doc, "p99_ns")), 0);
  EXPECT_LE(fedra::Compare(At(doc, "p99_ns"), At(doc, "max_ns")), 0);
  EXPECT_GT(fedra::Compare(At(doc, "allocs_per_eval"), fedra::Value::Int(0)), 0);
}

TEST(FedraBench, BadCountAndBadInputAreErrors) {
  EXPECT_EQ(Fedra({"bench", "--count", "0", "x"}).exit_code, 2);
  CmdResult r = Fedra({"bench", "-d", kData + "/policy", "-i", kData + "/malformed.json",
                       "data.cli.example.allow"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("malformed.json"), std::string::npos) << r.err;
}

TEST(FedraConformance, SummaryLineJsonRecordsAndRatchet) {
  const std::string dir = kData + "/conformance/v1";
  const std::string json = "/tmp/fedra_cli_conformance_" + std::to_string(getpid()) + ".json";
  CmdResult r = Fedra({"conformance", dir, "--json", json});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(LastLine(r.out), "2 passed, 1 failed, 0 skipped") << r.out;
  EXPECT_NE(r.out.find("topic"), std::string::npos) << r.out;
  fedra::Value records = Json(Slurp(json));
  unlink(json.c_str());
  ASSERT_TRUE(records.is_array());
  ASSERT_EQ(records.size(), 3u);
  for (const fedra::Value& rec : records.array()) {
    std::string note(At(rec, "note").str());
    std::string status(At(rec, "status").str());
    EXPECT_EQ(status, note == "topic/fails" ? "fail" : "pass") << note;
    EXPECT_TRUE(At(rec, "file").is_string());
    EXPECT_TRUE(At(rec, "reason").is_string());
  }

  const std::string lists = "/tmp/fedra_cli_lists_" + std::to_string(getpid());
  std::ofstream(lists + ".ratchet") << "# must pass\ntopic/passes\ntopic/fails\n";
  CmdResult ratchet = Fedra({"conformance", dir, "--ratchet", lists + ".ratchet"});
  EXPECT_EQ(ratchet.exit_code, 1);
  EXPECT_NE(ratchet.out.find("topic/fails"), std::string::npos) << ratchet.out;
  EXPECT_EQ(LastLine(ratchet.out), "2 passed, 1 failed, 0 skipped");

  std::ofstream(lists + ".skip") << "# known to fail\ntopic/fails\n";
  CmdResult skipped =
      Fedra({"conformance", dir, "--skip", lists + ".skip", "--ratchet", lists + ".ratchet"});
  EXPECT_EQ(LastLine(skipped.out), "2 passed, 0 failed, 1 skipped");
  EXPECT_EQ(skipped.exit_code, 1) << "a skipped ratchet case does not pass";

  std::ofstream(lists + ".ratchet") << "topic/passes\n";
  EXPECT_EQ(Fedra({"conformance", dir, "--ratchet", lists + ".ratchet"}).exit_code, 0);
  fs::remove(lists + ".ratchet");
  fs::remove(lists + ".skip");
}

TEST(FedraConformance, MissingDirectoryIsAnError) {
  CmdResult r = Fedra({"conformance", kData + "/no-such-dir"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no-such-dir"), std::string::npos);
}

}  // namespace
