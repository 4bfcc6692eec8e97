// fedra-engine: see EngineUsage() (config.cc) or `fedra-engine --help`.
#include <signal.h>

#include <utility>  // before cpprestsdk (Asio) with C++20 and Boost 1.74


#include <cstdio>
#include <iostream>

#include "http/cpprest_pool.h"
#include "server/config.h"
#include "server/engine_server.h"
#include "server/log.h"
#include "server/signals.h"

int main(int argc, char** argv) {
  using namespace fedra::server;
  std::vector<std::string> args(argv + 1, argv + argc);
  EngineConfig config;
  bool help = false;
  fedra::Status s = ParseEngineConfig(args, &config, &help);
  if (help) {
    std::cout << EngineUsage();
    return 0;
  }
  if (!s.ok()) {
    std::cerr << "fedra-engine: " << s.message() << "\n";
    return 2;
  }
  const sigset_t signals = BlockTerminationSignals();
  fedra::http::SizeCpprestPool();  // bundle pulls and status reports

  EngineServer engine(config);
  s = engine.Start();
  if (!s.ok()) {
    LogError("fedra-engine cannot start", {{"error", s.ToString()}});
    std::cerr << "fedra-engine: " << s.ToString() << "\n";
    return 1;
  }
  int sig = WaitForTermination(signals);
  LogInfo("shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  engine.Shutdown();
  LogInfo("stopped");
  return 0;
}
