// Hot reload under load: clients send admission requests back to back while
// the hub publishes a new revision every 100 ms. Every request must succeed,
// and every response must come from exactly one revision.
#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "tests/engine/engine_test_util.h"

namespace fedra::testing {
namespace {

// Revision N has two policies that both deny with "rev N": a response mixing
// revisions would carry two different numbers.
bundle::Bundle Revision(int n) {
  bundle::Bundle b;
  b.revision = "r" + std::to_string(n);
  b.roots = {"fedra"};
  std::string policies;
  for (const char* name : {"a", "b"}) {
    std::string path = std::string("fedra/policies/") + name + "/main.rego";
    b.modules.push_back(bundle::Module{
        path,
        std::string("package fedra.") + name + "\nviolation contains {\"msg\": \"rev " +
            std::to_string(n) + "\"} if input.review.object.metadata.labels.deny == \"yes\"\n",
        1});
    if (!policies.empty()) policies += ",";
    policies += std::string("\"") + name +
                R"(":{"type":"Admission","enforcement":"Deny","match":{"kinds":[{"apiGroups":[""],"kinds":["Pod"]}]},"modules":[")" +
                path + "\"]}";
  }
  b.data = ParseOrDie(R"({"fedra":{"policies":{)" + policies + "}}}");
  return b;
}

TEST(EngineReloadTest, NoFailedOrMixedDecisionsWhileRevisionsChangeEvery100ms) {
  TempDir dir;
  Pki pki = MakePki(dir);
  BundleHub hub;
  hub.service().Publish("c", WriteTargz(Revision(0)));
  Engine engine(dir, pki, {"--bundle-url", hub.Url("c"), "--bundle-long-poll", "30s"});
  ASSERT_TRUE(engine.Start()) << engine.process().Log();
  ASSERT_TRUE(WaitFor([&] {
    http::Client c(engine.ClientOptions());
    int status = 0;
    Admit(c, PodReview("w", R"({"deny":"yes"})", "x"), &status);
    return status == 200;
  }));

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> ok{0}, failed{0}, mixed{0};
  std::mutex mu;
  std::set<int> seen;  // GUARDED_BY(mu)
  auto worker = [&](int id) {
    http::Client client(engine.ClientOptions());
    for (uint64_t i = 0; !stop.load() && i < 1000000; ++i) {
      std::string uid = "w" + std::to_string(id) + "-" + std::to_string(i);
      int status = 0;
      Value r = Admit(client, PodReview(uid, R"({"deny":"yes"})", "x"), &status);
      if (status != 200 || !r.is_object() || r.Get(Value::String("uid")) != Value::String(uid) ||
          !r.Get(Value::String("allowed")).is_false()) {
        failed++;
        continue;
      }
      std::string msg(r.Get(Value::String("status")).Get(Value::String("message")).str());
      // "[a] rev N; [b] rev N" in some order and format: collect the numbers.
      std::set<int> revs;
      for (size_t at = msg.find("rev "); at != std::string::npos; at = msg.find("rev ", at + 4)) {
        revs.insert(std::atoi(msg.c_str() + at + 4));
      }
      if (revs.size() != 1 || msg.find("[a]") == std::string::npos || msg.find("[b]") == std::string::npos) {
        mixed++;
        continue;
      }
      ok++;
      std::lock_guard<std::mutex> lock(mu);
      seen.insert(*revs.begin());
    }
  };
  std::vector<std::thread> workers;
  for (int i = 0; i < 2; ++i) workers.emplace_back(worker, i);
  const int kRevisions = 30;  // 3 s of changes
  for (int n = 1; n <= kRevisions; ++n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    hub.service().Publish("c", WriteTargz(Revision(n)));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop = true;
  for (auto& w : workers) w.join();

  EXPECT_EQ(failed.load(), 0u);
  EXPECT_EQ(mixed.load(), 0u);
  EXPECT_GT(ok.load(), 100u);
  std::lock_guard<std::mutex> lock(mu);
  // Decisions came from many revisions, ending with the last one.
  EXPECT_GT(seen.size(), static_cast<size_t>(kRevisions / 3)) << "revisions seen: " << seen.size();
  EXPECT_EQ(*seen.rbegin(), kRevisions);
  std::cout << "reload under load: " << ok.load() << " decisions, " << seen.size()
            << " revisions seen, 0 failed\n";
}

}  // namespace
}  // namespace fedra::testing
