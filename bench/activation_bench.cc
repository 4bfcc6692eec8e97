// Bundle activation time: from the bytes of a bundle with N Fedra policies to
// a compiled, publishable admission::Revision (read + verify layout +
// compile + prepare), as fedra-engine does on every new revision.
#include <benchmark/benchmark.h>

#include "admission/revision.h"
#include "bundle/bundle.h"
#include "server/store.h"
#include "value/json.h"

namespace {

using namespace fedra;

// N policies in the style of the admission benchmark: label, registry and
// limits checks with parameters.
std::string MakeBundle(int n) {
  bundle::Bundle b;
  b.revision = "bench";
  b.roots = {"fedra"};
  std::string policies;
  for (int i = 0; i < n; ++i) {
    std::string name = "p" + std::to_string(i);
    std::string path = "fedra/policies/" + name + "/main.rego";
    b.modules.push_back(bundle::Module{
        path,
        "package fedra.p" + std::to_string(i) +
            "\n"
            "violation contains {\"msg\": msg} if {\n"
            "  some l in input.parameters.labels\n"
            "  not input.review.object.metadata.labels[l]\n"
            "  msg := sprintf(\"missing label %s\", [l])\n"
            "}\n"
            "violation contains {\"msg\": msg} if {\n"
            "  some c in input.review.object.spec.containers\n"
            "  not startswith(c.image, input.parameters.registry)\n"
            "  msg := sprintf(\"image %s not from %s\", [c.image, input.parameters.registry])\n"
            "}\n",
        1});
    if (i > 0) policies += ",";
    policies += "\"" + name +
                R"(":{"type":"Admission","enforcement":"Deny","match":{"kinds":[{"apiGroups":[""],"kinds":["Pod"]}],"namespaces":["ns)" +
                std::to_string(i) + R"("]},"parameters":{"labels":["team"],"registry":"registry.example.com/"},"modules":[")" +
                path + "\"]}";
  }
  Status s = ParseJson(R"({"fedra":{"policies":{)" + policies + "}}}", &b.data);
  if (!s.ok()) return "";
  std::string out;
  s = bundle::WriteBundle(b, {}, &out);
  return s.ok() ? out : "";
}

void BM_Activate(benchmark::State& state) {
  std::string targz = MakeBundle(static_cast<int>(state.range(0)));
  if (targz.empty()) {
    state.SkipWithError("could not build the bundle");
    return;
  }
  for (auto _ : state) {
    server::PolicyStore store;
    bundle::Bundle b;
    Status s = bundle::ReadBundle(targz, {}, &b);
    if (s.ok()) s = store.SetBundle(b);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(store.Current());
  }
  state.counters["bundle_bytes"] = static_cast<double>(targz.size());
}
BENCHMARK(BM_Activate)->Arg(1)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace

BENCHMARK_MAIN();
