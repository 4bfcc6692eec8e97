// Manager behaviour that needs no API server: configuration errors, names,
// and a cluster whose server is not there (a loopback port nothing listens
// on: real connection refusals). The three-cluster test against the real
// simulator is in manager_apiserver_test.cc.
#include "operator/cluster/manager.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "operator/informer/simulator_test_util.h"

namespace fedra::op::cluster {
namespace {

using std::chrono::milliseconds;

template <typename Cond>
bool Eventually(Cond cond) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return cond();
}

ManagerOptions FastOptions() {
  ManagerOptions o;
  o.cluster.probe_period = milliseconds(20);
  o.cluster.probe_timeout = milliseconds(500);
  o.cluster.failure_threshold = 2;
  o.cluster.informer.backoff_initial = milliseconds(10);
  o.cluster.informer.backoff_max = milliseconds(50);
  return o;
}

ClusterSpec Spec(const std::string& name, const std::string& server) {
  ClusterSpec s;
  s.name = name;
  s.config.server = server;
  s.resources.push_back(informer::ResourceSelector{kube::gvr::ConfigMaps(), "", "", ""});
  return s;
}

TEST(ManagerTest, BadConfigurationNamesTheCluster) {
  Manager m(FastOptions());
  Status st = m.AddCluster(Spec("edge-7", "ftp://nowhere"));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.ToString().find("cluster edge-7"), std::string::npos) << st.ToString();
  EXPECT_FALSE(m.AddCluster(Spec("", "http://127.0.0.1:1")).ok());
  EXPECT_TRUE(m.Names().empty());
  EXPECT_EQ(m.RemoveCluster("edge-7").code(), StatusCode::kNotFound);
}

TEST(ManagerTest, UnreachableClusterIsReportedAndRemovedCleanly) {
  uint16_t port = op::testing::FreeLoopbackPort();  // nothing listens there
  ASSERT_NE(port, 0);
  std::mutex mu;
  std::vector<std::string> transitions;
  ManagerOptions o = FastOptions();
  std::atomic<int> setups{0};
  o.on_setup = [&](Cluster& c) {
    EXPECT_EQ(c.informers().size(), 1u);
    setups.fetch_add(1);
  };
  o.on_health = [&](const std::string& name, const ClusterHealth& h) {
    std::lock_guard<std::mutex> lock(mu);
    transitions.push_back(name + "=" + std::string(HealthStateName(h.state)));
  };
  Manager m(std::move(o));
  ASSERT_TRUE(m.AddCluster(Spec("gone", "http://127.0.0.1:" + std::to_string(port))).ok());
  EXPECT_EQ(setups.load(), 1);
  EXPECT_FALSE(m.AddCluster(Spec("gone", "http://127.0.0.1:1")).ok()) << "names are unique";
  ASSERT_TRUE(Eventually([&] { return m.Health()["gone"].state == HealthState::kUnreachable; }));
  ClusterHealth h = m.Health()["gone"];
  EXPECT_GE(h.consecutive_failures, 2);
  EXPECT_FALSE(h.message.empty());
  EXPECT_TRUE(m.CheckSynced().ok()) << "an unreachable cluster does not make the operator unready";
  std::shared_ptr<Cluster> held = m.Get("gone");
  ASSERT_NE(held, nullptr);
  EXPECT_FALSE(held->HasSynced());
  ASSERT_TRUE(m.RemoveCluster("gone").ok());
  EXPECT_EQ(m.Get("gone"), nullptr);
  EXPECT_TRUE(m.Names().empty());
  // A holder still has a stopped cluster it can read.
  EXPECT_EQ(held->informers()[0]->store().size(), 0u);
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_FALSE(transitions.empty());
  EXPECT_EQ(transitions.back(), "gone=Unreachable");
}

// A server that accepts connections (the kernel completes the handshake for
// the listen backlog) but never answers: only the probe's timeout can tell.
TEST(ManagerTest, ASilentServerIsReportedUnreachableByTheProbeTimeout) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd, 64), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ManagerOptions o = FastOptions();
  o.cluster.probe_timeout = milliseconds(200);
  Manager m(std::move(o));
  ASSERT_TRUE(m.AddCluster(Spec("silent", "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)))).ok());
  EXPECT_TRUE(Eventually([&] { return m.Health()["silent"].state == HealthState::kUnreachable; }))
      << m.Health()["silent"].message;
  ASSERT_TRUE(m.RemoveCluster("silent").ok());
  ::close(fd);
}

}  // namespace
}  // namespace fedra::op::cluster
