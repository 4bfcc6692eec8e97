// fedra-apiserver: the Kubernetes API-server simulator as a process.
//
//   fedra-apiserver --addr 127.0.0.1:PORT --kubeconfig-out FILE [--tls]
//                   [--token T] [--client-cert] [--state-file F]
//                   [--webhook-service NS/NAME=HOST:PORT]... [--bookmark-interval MS]
//                   [--history N]
//
// Serves until SIGTERM or SIGINT, then saves state (with --state-file) and
// exits 0. Prints one line "serving on URL" once the kubeconfig is written.
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "tests/apiserver/apiserver.h"

namespace {

constexpr char kUsage[] =
    "usage: fedra-apiserver --addr HOST:PORT [--kubeconfig-out FILE] [--tls] [--token T]\n"
    "                       [--client-cert] [--state-file F]\n"
    "                       [--webhook-service NS/NAME=HOST:PORT]... [--bookmark-interval MS]\n"
    "                       [--history N]\n"
    "\n"
    "A Kubernetes API-server simulator for tests (see docs/apiserver.md).\n"
    "  --addr HOST:PORT          listen address (PORT 0: ephemeral); default 127.0.0.1:0\n"
    "  --kubeconfig-out FILE     write a kubeconfig that kubectl uses as is\n"
    "  --tls                     serve HTTPS with a fresh CA (in the kubeconfig)\n"
    "  --token T                 the bearer token to accept (default: random)\n"
    "  --client-cert             with --tls: the kubeconfig authenticates by client certificate\n"
    "  --state-file F            load state from F at start, save it on changes and at exit\n"
    "  --webhook-service S=A     route admission webhooks for Service NS/NAME to HOST:PORT\n"
    "  --bookmark-interval MS    how often watches get BOOKMARK events (default 1000)\n"
    "  --history N               watch events kept for resuming (default 1000)\n";

int Fail(const std::string& msg) {
  std::cerr << "fedra-apiserver: " << msg << "\n" << kUsage;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  fedra::apiserver::ApiServerOptions opts;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--tls") {
      opts.tls = true;
    } else if (a == "--client-cert") {
      opts.client_cert_auth = true;
    } else if (a == "--addr" && value(&v)) {
      size_t colon = v.rfind(':');
      if (colon == std::string::npos) return Fail("--addr: expected HOST:PORT, got \"" + v + "\"");
      opts.address = v.substr(0, colon);
      try {
        int port = std::stoi(v.substr(colon + 1));
        if (port < 0 || port > 65535) throw std::out_of_range("port");
        opts.port = static_cast<uint16_t>(port);
      } catch (const std::exception&) {
        return Fail("--addr: bad port in \"" + v + "\"");
      }
    } else if (a == "--kubeconfig-out" && value(&v)) {
      opts.kubeconfig_out = v;
    } else if (a == "--token" && value(&v)) {
      opts.token = v;
    } else if (a == "--state-file" && value(&v)) {
      opts.state_file = v;
    } else if (a == "--webhook-service" && value(&v)) {
      size_t eq = v.find('=');
      if (eq == std::string::npos || v.find('/') > eq) {
        return Fail("--webhook-service: expected NS/NAME=HOST:PORT, got \"" + v + "\"");
      }
      opts.service_map[v.substr(0, eq)] = v.substr(eq + 1);
    } else if (a == "--bookmark-interval" && value(&v)) {
      try {
        opts.bookmark_interval = std::chrono::milliseconds(std::stoll(v));
      } catch (const std::exception&) {
        return Fail("--bookmark-interval: expected milliseconds, got \"" + v + "\"");
      }
      if (opts.bookmark_interval.count() <= 0) return Fail("--bookmark-interval must be positive");
    } else if (a == "--history" && value(&v)) {
      try {
        opts.history_size = std::stoul(v);
      } catch (const std::exception&) {
        return Fail("--history: expected a count, got \"" + v + "\"");
      }
    } else {
      return Fail("unknown or incomplete argument \"" + a + "\"");
    }
  }
  if (opts.client_cert_auth && !opts.tls) return Fail("--client-cert needs --tls");

  // Block the stop signals in every thread; main waits for them below.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  fedra::apiserver::ApiServer server(opts);
  fedra::Status st = server.Start();
  if (!st.ok()) {
    std::cerr << "fedra-apiserver: " << st.ToString() << "\n";
    return 1;
  }
  std::cout << "serving on " << server.url() << std::endl;
  int sig = 0;
  sigwait(&stop, &sig);
  server.Stop();
  return 0;
}
