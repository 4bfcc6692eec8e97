// The per-thread evaluator scratch (scratch.h): evaluations that reuse it
// see nothing of the previous one (rule values, frames), an evaluation
// started inside another on the same thread gets its own, threads never
// share one, and an aborted evaluation leaves it clean.
#include "eval/scratch.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "builtins/registry.h"
#include "compile/compiler.h"
#include "eval/evaluator.h"
#include "syntax/parser.h"
#include "value/json.h"

namespace fedra::eval {
namespace {

class Policy {
 public:
  explicit Policy(const std::string& source) {
    impl_.registry = &builtins::DefaultRegistry();
    impl_.data = Value::EmptyObject();
    impl_.file_names.push_back("scratch.rego");
    syntax::ParseOptions po;
    po.version = ast::RegoVersion::kV1;
    ast::Module m;
    status_ = syntax::ParseModule(source, impl_.file_names.back(), po, &m);
    if (!status_.ok()) return;
    impl_.modules.push_back(std::move(m));
    compile::CompileState state;
    state.impl = &impl_;
    compile::RunStages(&state, "");
    if (!state.errors.empty()) status_ = state.errors.front();
  }

  const Status& status() const { return status_; }

  // Prepares `query`; the result stays valid as long as this Policy.
  const compile::CompiledQuery* Prepare(const std::string& query) {
    auto q = std::make_unique<compile::CompiledQuery>();
    q->file_names.push_back("query");
    syntax::ParseOptions po;
    po.version = ast::RegoVersion::kV1;
    ast::Body body;
    Status s = syntax::ParseQuery(query, q->file_names.back(), po, &body, &q->texts);
    if (s.ok()) s = compile::CompileQuery(impl_, body, q.get());
    EXPECT_TRUE(s.ok()) << query << ": " << s.ToString();
    if (!s.ok()) return nullptr;
    queries_.push_back(std::move(q));
    return queries_.back().get();
  }

  Status EvalAll(const compile::CompiledQuery& q, const EvalOptions& opts, ResultSet* rs) {
    Evaluator ev(impl_, opts);
    return ev.Run(q, rs);
  }

  // The value of the query's only expression, undefined when there is no
  // result; *status gets the evaluation's status.
  Value Eval(const compile::CompiledQuery& q, const EvalOptions& opts, Status* status = nullptr) {
    ResultSet rs;
    Status s = EvalAll(q, opts, &rs);
    if (status) *status = s;
    if (!s.ok() || rs.results.empty()) return Value();
    return rs.results[0].expressions[0].value;
  }

  Value Eval(const compile::CompiledQuery& q, std::string_view input_json) {
    EvalOptions opts;
    EXPECT_TRUE(ParseJson(input_json, &opts.input).ok()) << input_json;
    return Eval(q, opts);
  }

 private:
  PolicySet::Impl impl_;
  Status status_;
  std::vector<std::unique_ptr<compile::CompiledQuery>> queries_;
};

constexpr char kPolicy[] = R"(package p

kind := input.kind

names contains n if some n in input.names

deny contains msg if {
  kind == "Pod"
  some n in names
  msg := sprintf("%s: %s", [kind, n])
}

# Two different values for input.xs = [1, 2]: a conflict error raised
# while the rule's frame is pushed and its cache entry is in progress.
conflict := x if some x in input.xs
)";

TEST(Scratch, ReusedEvaluationsSeeOnlyTheirOwnInput) {
  Policy p(kPolicy);
  ASSERT_TRUE(p.status().ok()) << p.status().ToString();
  const auto* deny = p.Prepare("data.p.deny");
  ASSERT_NE(deny, nullptr);
  Value want;
  ASSERT_TRUE(ParseJson(R"(["Pod: a", "Pod: b"])", &want).ok());
  // Rule values (kind, names) are cached per evaluation: the second one on
  // this thread must not see the first one's.
  for (int i = 0; i < 3; ++i) {
    Value got = p.Eval(*deny, R"({"kind": "Pod", "names": ["a", "b"]})");
    ASSERT_TRUE(got.is_set()) << ToJson(got);
    EXPECT_EQ(got.size(), 2u) << ToJson(got);
    got = p.Eval(*deny, R"({"kind": "Service", "names": ["a", "b"]})");
    EXPECT_EQ(got, Value::EmptySet()) << ToJson(got);
    got = p.Eval(*deny, R"({"kind": "Pod", "names": ["c"]})");
    ASSERT_TRUE(got.is_set());
    ASSERT_EQ(got.size(), 1u) << ToJson(got);
    EXPECT_EQ(got.set()[0], Value::String("Pod: c"));
  }
}

TEST(Scratch, EvaluationInsideAnotherOnTheSameThreadHasItsOwn) {
  Policy p(kPolicy);
  ASSERT_TRUE(p.status().ok()) << p.status().ToString();
  const auto* outer = p.Prepare("x := data.p.kind; print(x); y := data.p.kind");
  const auto* inner = p.Prepare("data.p.deny");
  ASSERT_NE(outer, nullptr);
  ASSERT_NE(inner, nullptr);
  Value inner_result;
  EvalOptions opts;
  ASSERT_TRUE(ParseJson(R"({"kind": "Outer", "names": []})", &opts.input).ok());
  opts.print = [&](std::string_view) {
    // The outer evaluation is suspended here with its frames and cache in use.
    inner_result = p.Eval(*inner, R"({"kind": "Pod", "names": ["n"]})");
  };
  ResultSet rs;
  Status s = p.EvalAll(*outer, opts, &rs);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(rs.results.size(), 1u);
  // The outer query's variables kept their values across the nested run.
  ASSERT_EQ(rs.results[0].bindings.size(), 2u);
  EXPECT_EQ(rs.results[0].bindings[0].second, Value::String("Outer"));
  EXPECT_EQ(rs.results[0].bindings[1].second, Value::String("Outer"));
  ASSERT_TRUE(inner_result.is_set());
  ASSERT_EQ(inner_result.size(), 1u);
  EXPECT_EQ(inner_result.set()[0], Value::String("Pod: n"));
}

TEST(Scratch, AbortedEvaluationLeavesNothingBehind) {
  Policy p(kPolicy);
  ASSERT_TRUE(p.status().ok()) << p.status().ToString();
  const auto* conflict = p.Prepare("data.p.conflict");
  const auto* deny = p.Prepare("data.p.deny");
  ASSERT_NE(conflict, nullptr);
  ASSERT_NE(deny, nullptr);
  EvalOptions opts;
  ASSERT_TRUE(ParseJson(R"({"xs": [1, 2], "kind": "Pod", "names": ["z"]})", &opts.input).ok());
  Status s;
  p.Eval(*conflict, opts, &s);
  EXPECT_EQ(s.code(), StatusCode::kEvalConflictError) << s.ToString();
  // The next evaluation on this thread starts clean: no stale rule value,
  // no rule left "in progress" (which would read as a recursion error).
  ASSERT_TRUE(ParseJson(R"({"xs": [3]})", &opts.input).ok());
  Value v = p.Eval(*conflict, opts, &s);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(v, Value::Int(3));
  v = p.Eval(*deny, R"({"kind": "Pod", "names": ["a"]})");
  ASSERT_TRUE(v.is_set()) << ToJson(v);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v.set()[0], Value::String("Pod: a"));
}

TEST(Scratch, ThreadsEvaluatingOnePolicySetEachGetTheirOwnAnswers) {
  Policy p(kPolicy);
  ASSERT_TRUE(p.status().ok()) << p.status().ToString();
  const auto* deny = p.Prepare("data.p.deny");
  ASSERT_NE(deny, nullptr);
  constexpr int kThreads = 4;
  constexpr int kRounds = 200;
  std::vector<int> wrong(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        std::string name = "t" + std::to_string(t) + "r" + std::to_string(r);
        Value got = p.Eval(*deny, R"({"kind": "Pod", "names": [")" + name + R"("]})");
        if (!got.is_set() || got.size() != 1 || got.set()[0] != Value::String("Pod: " + name)) {
          ++wrong[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(wrong[t], 0) << "thread " << t;
}

TEST(Scratch, FrameStackGrowsPastAChunkAndResets) {
  FrameStack fs;
  const Value first = Value::String("first");
  const Value seven = Value::Int(7);
  Slot* a = fs.Push(10);
  a[0] = &first;
  Slot* big = fs.Push(1000);  // larger than a chunk: its own chunk
  for (int i = 0; i < 1000; ++i) big[i] = &seven;
  Slot* c = fs.Push(5);
  c[4] = &seven;
  EXPECT_EQ(a[0], &first);  // earlier frames never move
  fs.Pop(5);
  fs.Pop(1000);
  Slot* again = fs.Push(3);
  EXPECT_EQ(again[0], nullptr);  // popped slots are cleared
  fs.Pop(3);
  fs.Pop(10);
  // An evaluation that stopped without popping: Reset clears what is left.
  Slot* left = fs.Push(4);
  left[0] = &first;
  fs.Reset(1);
  Slot* fresh = fs.Push(4);
  EXPECT_EQ(fresh[0], nullptr);
  fs.Pop(4);
}

TEST(Scratch, RuleCacheResetClearsOnlyWhatWasTouched) {
  RuleCache cache;
  cache.Prepare(100);
  cache.state[7] = 2;
  cache.values[7] = Value::String("x");
  cache.Touch(7);
  cache.Prepare(50);  // never shrinks
  EXPECT_EQ(cache.values.size(), 100u);
  cache.Reset();
  EXPECT_EQ(cache.state[7], 0);
  EXPECT_TRUE(cache.values[7].is_undefined());
  EXPECT_TRUE(cache.touched.empty());
}

}  // namespace
}  // namespace fedra::eval
