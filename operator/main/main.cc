// fedra-operator: the hub operator. Watches FederatedPolicies,
// MemberClusters and the kubeconfig Secrets on the hub; compiles and places
// the policies; applies the resolved MemberPolicies into each member cluster
// and watches them there; serves one bundle per (cluster, tier) to the
// engines with the OPA bundle protocol and receives their status reports
// (operator/hub); and writes the roll-up into each FederatedPolicy's and
// MemberCluster's status (operator/reconcilers/federation.h).
//
//   fedra-operator --kubeconfig hub.kubeconfig --addr 127.0.0.1:9443
//       [--context C] [--tls-cert F --tls-key F] [--engine-token-file F]
//       [--resync MS] [--hub-name NAME] [--secrets-namespace NS]
//       [--leader-elect --lease-namespace NS --id NAME]
#include <signal.h>

#include <utility>  // before Asio with C++20 and Boost 1.74

#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/cpprest_pool.h"
#include "operator/controller/controller.h"
#include "operator/controller/health.h"
#include "operator/controller/leader_election.h"
#include "operator/hub/hub_server.h"
#include "operator/informer/informer.h"
#include "operator/kube/client.h"
#include "operator/kube/config.h"
#include "operator/reconcilers/federation.h"
#include "operator/reconcilers/metrics.h"
#include "server/log.h"
#include "server/signals.h"

namespace {

using namespace fedra;

constexpr char kUsage[] =
    "usage: fedra-operator --kubeconfig FILE --addr HOST:PORT [--context NAME]\n"
    "                      [--tls-cert FILE --tls-key FILE] [--engine-token-file FILE]\n"
    "                      [--resync DURATION_MS] [--hub-name NAME] [--secrets-namespace NS]\n"
    "                      [--bundles-only] [--no-webhooks] [--engine-cert-ip IP]...\n"
    "                      [--member-workers N]\n"
    "                      [--leader-elect --lease-namespace NS --id NAME\n"
    "                       --lease-duration MS --renew-deadline MS --retry-period MS]\n"
    "\n"
    "Serves GET /bundles/<cluster>/<tier> (OPA bundle protocol) and POST /status (OPA\n"
    "status API) to fedra-engines on --addr, reconciles FederatedPolicies and\n"
    "MemberClusters on the hub cluster the kubeconfig points at, and applies the\n"
    "placed MemberPolicies into each member cluster (kubeconfig from the Secret its\n"
    "MemberCluster names; Secrets in --secrets-namespace, default fedra-system, are\n"
    "watched). --hub-name labels what this hub writes in members (default hub).\n"
    "--bundles-only serves bundles without connecting to members. In each member the\n"
    "operator keeps the engine's serving certificate (Secrets <service>-ca and\n"
    "<service>-tls in the engine namespace) and the webhook configurations pointing at\n"
    "the engine Service, unless --no-webhooks; --engine-cert-ip IP adds an IP address\n"
    "to the serving certificate (repeatable; for engines reached on an address).\n"
    "Members are worked --member-workers at a time (default 4).\n";

struct Flags {
  std::string kubeconfig, context, addr = "127.0.0.1:9443", tls_cert, tls_key, token_file;
  std::string lease_namespace = "fedra-system", id, hub_name = "hub", secrets_namespace = "fedra-system";
  int resync_ms = 1000;
  int lease_ms = 15000, renew_ms = 10000, retry_ms = 2000, member_workers = 4;
  bool leader_elect = false, bundles_only = false, manage_webhooks = true;
  std::vector<std::string> engine_cert_ips;
};

bool Parse(int argc, char** argv, Flags* f, std::string* err) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) {
        *err = "flag " + a + " needs a value";
        return false;
      }
      *out = argv[++i];
      return true;
    };
    std::string number;
    if (a == "--kubeconfig") {
      if (!value(&f->kubeconfig)) return false;
    } else if (a == "--context") {
      if (!value(&f->context)) return false;
    } else if (a == "--addr") {
      if (!value(&f->addr)) return false;
    } else if (a == "--tls-cert") {
      if (!value(&f->tls_cert)) return false;
    } else if (a == "--tls-key") {
      if (!value(&f->tls_key)) return false;
    } else if (a == "--engine-token-file") {
      if (!value(&f->token_file)) return false;
    } else if (a == "--lease-namespace") {
      if (!value(&f->lease_namespace)) return false;
    } else if (a == "--id") {
      if (!value(&f->id)) return false;
    } else if (a == "--hub-name") {
      if (!value(&f->hub_name)) return false;
    } else if (a == "--secrets-namespace") {
      if (!value(&f->secrets_namespace)) return false;
    } else if (a == "--bundles-only") {
      f->bundles_only = true;
    } else if (a == "--no-webhooks") {
      f->manage_webhooks = false;
    } else if (a == "--engine-cert-ip") {
      std::string ip;
      if (!value(&ip)) return false;
      f->engine_cert_ips.push_back(ip);
    } else if (a == "--leader-elect") {
      f->leader_elect = true;
    } else if (a == "--resync" || a == "--lease-duration" || a == "--renew-deadline" || a == "--retry-period" ||
               a == "--member-workers") {
      if (!value(&number)) return false;
      int* into = a == "--resync"           ? &f->resync_ms
                  : a == "--lease-duration" ? &f->lease_ms
                  : a == "--renew-deadline" ? &f->renew_ms
                  : a == "--retry-period"   ? &f->retry_ms
                                            : &f->member_workers;
      try {
        *into = std::stoi(number);
      } catch (...) {
        *err = a + (a == "--member-workers" ? " takes a number" : " takes milliseconds");
        return false;
      }
      if (*into <= 0) {
        *err = a + " must be positive";
        return false;
      }
    } else {
      *err = "unknown argument " + a;
      return false;
    }
  }
  if (f->kubeconfig.empty()) {
    *err = "--kubeconfig is required";
    return false;
  }
  if (!(f->retry_ms < f->renew_ms && f->renew_ms < f->lease_ms)) {
    *err = "leader election needs --retry-period < --renew-deadline < --lease-duration";
    return false;
  }
  if (f->tls_cert.empty() != f->tls_key.empty()) {
    *err = "--tls-cert and --tls-key go together";
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
      std::cout << kUsage;
      return 0;
    }
  }
  Flags flags;
  std::string err;
  if (!Parse(argc, argv, &flags, &err)) {
    std::cerr << "fedra-operator: " << err << "\n" << kUsage;
    return 2;
  }
  const sigset_t signals = server::BlockTerminationSignals();
  http::SizeCpprestPool();

  op::kube::RestConfig rc;
  Status s = op::kube::LoadRestConfig({flags.kubeconfig}, flags.context, &rc);
  rc.qps = 50;  // one reconcile lists and writes statuses for every policy and cluster
  rc.burst = 100;
  std::unique_ptr<op::kube::Client> client;
  if (s.ok()) s = op::kube::Client::Create(rc, &client);
  if (!s.ok()) {
    std::cerr << "fedra-operator: " << s.ToString() << "\n";
    return 1;
  }

  op::hub::HubOptions ho;
  size_t colon = flags.addr.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "fedra-operator: --addr must be HOST:PORT\n";
    return 2;
  }
  ho.server.address = flags.addr.substr(0, colon);
  ho.server.port = static_cast<uint16_t>(std::atoi(flags.addr.c_str() + colon + 1));
  ho.server.threads = 2;
  if (!flags.tls_cert.empty()) {
    http::TlsOptions tls;
    tls.cert_file = flags.tls_cert;
    tls.key_file = flags.tls_key;
    ho.server.tls = tls;
  }
  if (!flags.token_file.empty()) {
    std::ifstream f(flags.token_file);
    std::getline(f, ho.bearer_token);
    if (ho.bearer_token.empty()) {
      std::cerr << "fedra-operator: --engine-token-file " << flags.token_file << ": empty or unreadable\n";
      return 1;
    }
  }
  op::hub::HubServer hub(ho);
  op::reconcilers::OperatorMetrics metrics;
  op::controller::HealthChecks health;
  op::controller::Controller* controller_ptr = nullptr;
  hub.SetRoutes([&](const http::Request& req, http::Response* out) {
    if (req.path == "/metrics") {
      op::controller::ControllerMetrics cm;
      if (controller_ptr != nullptr) cm = controller_ptr->metrics();
      double fresh = 0;
      auto now = std::chrono::system_clock::now();
      for (const auto& e : hub.Engines()) fresh += hub.Fresh(e, now) ? 1 : 0;
      *out = http::Response::Text(200, metrics.Render(cm, fresh));
      out->headers.Set("Content-Type", "text/plain; version=0.0.4");
      return true;
    }
    if (op::controller::HealthChecks::Handles(req.path)) {
      *out = health.Serve(req);
      return true;
    }
    return false;
  });
  s = hub.Start();
  if (!s.ok()) {
    std::cerr << "fedra-operator: " << s.ToString() << "\n";
    return 1;
  }
  server::LogInfo("fedra-operator serving engines",
                  {{"addr", ho.server.address + ":" + std::to_string(hub.port())}, {"hub", flags.hub_name}});

  const op::controller::Key kFederation{"", "", "federation"};
  auto enqueue = [&] {
    if (controller_ptr != nullptr) controller_ptr->Enqueue(kFederation);
  };

  // Kubeconfig Secrets: watched in --secrets-namespace, read directly elsewhere.
  op::informer::ResourceSelector secrets_what;
  secrets_what.gvr = op::kube::gvr::Secrets();
  secrets_what.namespace_name = flags.secrets_namespace;
  op::informer::InformerOptions hub_informer_options;
  hub_informer_options.transform = op::informer::StripManagedFields;
  std::unique_ptr<op::informer::Informer> secrets =
      op::informer::Informer::ForResource(client.get(), secrets_what, hub_informer_options);
  const op::informer::Informer* secrets_informer = secrets.get();  // owned by `informers` below
  op::reconcilers::SecretReader read_secret = [&](const std::string& ns, const std::string& name,
                                                  nlohmann::json* out) {
    if (ns == flags.secrets_namespace && secrets_informer->HasSynced()) {
      op::informer::ObjectPtr obj = secrets_informer->store().Get(ns, name);
      if (!obj) {
        return op::kube::ApiStatus::Make(op::kube::Reason::kNotFound,
                                         "secrets \"" + name + "\" not found", 404);
      }
      *out = *obj;
      return op::kube::ApiStatus();
    }
    return client->Get(op::kube::gvr::Secrets(), ns, name, out);
  };
  // Members are worked by a controller of their own, several at a time.
  op::controller::Controller* member_controller_ptr = nullptr;
  auto enqueue_member = [&](const std::string& cluster) {
    if (member_controller_ptr != nullptr) member_controller_ptr->Enqueue(op::controller::Key{cluster, "", "member"});
  };
  op::reconcilers::MemberConnectionOptions mo;
  mo.hub = flags.hub_name;
  mo.on_change = [&](const std::string& cluster) {
    enqueue_member(cluster);  // drift to revert, a member back
    enqueue();                // status to report
  };
  std::unique_ptr<op::reconcilers::MemberConnections> members;
  if (!flags.bundles_only) members = std::make_unique<op::reconcilers::MemberConnections>(read_secret, mo);

  // Any change to a policy, a cluster or a Secret reconciles the federation;
  // the reconciler reads policies and clusters from these caches.
  std::vector<std::unique_ptr<op::informer::Informer>> informers;
  for (auto gvr : {op::reconcilers::FederatedPolicies(), op::reconcilers::MemberClusters()}) {
    op::informer::ResourceSelector what;
    what.gvr = gvr;
    informers.push_back(op::informer::Informer::ForResource(client.get(), what, hub_informer_options));
  }

  op::reconcilers::FederationOptions fo;
  fo.policy_informer = informers[0].get();
  fo.cluster_informer = informers[1].get();
  fo.resync = std::chrono::milliseconds(flags.resync_ms);
  fo.hub = flags.hub_name;
  fo.metrics = &metrics;
  fo.enqueue_member = enqueue_member;
  fo.on_member_observed = enqueue;
  fo.manage_admission = flags.manage_webhooks;
  fo.admission.certs.extra_ip_addresses = flags.engine_cert_ips;
  op::reconcilers::FederationReconciler reconciler(client.get(), &hub, fo, members.get());
  op::controller::ControllerOptions co;
  co.name = "federation";
  auto co_on_error = [](const op::controller::Key& k, const Status& e) {
    server::LogError("reconcile failed", {{"key", k.ToString()}, {"error", e.ToString()}});
  };
  co.on_error = co_on_error;
  op::controller::Controller controller(std::move(co), [&](const op::controller::Key& k) {
    return reconciler.Reconcile(k);
  });
  controller_ptr = &controller;
  op::controller::ControllerOptions mco;
  mco.name = "members";
  mco.workers = flags.member_workers;
  mco.on_error = co_on_error;
  op::controller::Controller member_controller(std::move(mco), [&](const op::controller::Key& k) {
    return reconciler.ReconcileMember(k.cluster);
  });
  member_controller_ptr = &member_controller;
  informers.push_back(std::move(secrets));
  for (auto& inf : informers) inf->AddEventHandler(op::informer::CallOnAnyChange(enqueue));
  hub.OnReport([&](const op::hub::EngineReport&) { enqueue(); });
  // Ready once this replica leads and its hub informers have synced: a
  // Service in front of the replicas then sends engines to the leader only.
  health.AddReadiness("informers", [&] {
    for (const auto& inf : informers) {
      if (!inf->HasSynced()) return Status::NotFound(inf->name() + " has not synced");
    }
    return Status::OK();
  });

  std::unique_ptr<op::controller::LeaderElector> elector;
  auto run = [&] {
    for (auto& inf : informers) {
      Status st = inf->Start();
      if (!st.ok()) server::LogError("informer did not start", {{"error", st.ToString()}});
    }
    Status st = controller.Start();
    if (!st.ok()) server::LogError("controller did not start", {{"error", st.ToString()}});
    st = member_controller.Start();
    if (!st.ok()) server::LogError("member controller did not start", {{"error", st.ToString()}});
    enqueue();
  };
  if (flags.leader_elect) {
    op::controller::LeaderElectionConfig lc;
    lc.lease_namespace = flags.lease_namespace;
    lc.lease_name = "fedra-operator";
    lc.lease_duration = std::chrono::milliseconds(flags.lease_ms);
    lc.renew_deadline = std::chrono::milliseconds(flags.renew_ms);
    lc.retry_period = std::chrono::milliseconds(flags.retry_ms);
    lc.identity = flags.id.empty() ? "fedra-operator-" + std::to_string(::getpid()) : flags.id;
    lc.on_started_leading = run;
    // A replica that loses the lease stops at once: another one leads now.
    lc.on_stopped_leading = [] { ::kill(::getpid(), SIGTERM); };
    elector = std::make_unique<op::controller::LeaderElector>(client.get(), lc);
    s = elector->Start();
    if (!s.ok()) {
      std::cerr << "fedra-operator: leader election: " << s.ToString() << "\n";
      return 1;
    }
  } else {
    run();
  }
  server::WaitForTermination(signals);
  controller.Stop(std::chrono::seconds(10));
  member_controller.Stop(std::chrono::seconds(10));
  for (auto& inf : informers) inf->Stop();
  if (members) members->Stop();
  if (elector) elector->Stop();
  hub.Stop();
  server::LogInfo("stopped");
  return 0;
}
