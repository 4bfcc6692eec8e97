// Server: the listener, its I/O threads, TLS material reloads, and shutdown.
#include "http/server.h"

#include <sys/stat.h>

#include <thread>

#include "http/session_impl.h"

namespace fedra::http {

namespace {

// What identifies one version of a file on disk. Kubernetes rotates mounted
// Secrets by swapping a symlink, which stat() follows.
struct FileStamp {
  int64_t mtime_ns = 0;
  int64_t size = -1;
  uint64_t inode = 0;
  bool operator==(const FileStamp&) const = default;
};

FileStamp Stamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return FileStamp{static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                   static_cast<int64_t>(st.st_size), static_cast<uint64_t>(st.st_ino)};
}

}  // namespace

struct Server::Impl {
  explicit Impl(ServerOptions options, Handler handler) : core(std::make_shared<Core>()) {
    core->options = std::move(options);
    core->handler = std::move(handler);
  }

  // The io_context lives as long as any session: a Responder kept by the
  // application after Stop() must still be able to post (to nowhere).
  struct Core : ServerCore {
    net::io_context ioc;
  };

  std::shared_ptr<Core> core;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> reload_timer;
  // Sessions waiting for the application to answer have no pending I/O;
  // without this the loop would run dry and return once the acceptor closes.
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  uint16_t port = 0;
  bool started = false;
  bool stopped = false;
  std::mutex stop_mu;

  std::mutex tls_mu;
  std::shared_ptr<net::ssl::context> tls_ctx;  // GUARDED_BY(tls_mu)
  std::pair<FileStamp, FileStamp> tls_loaded, tls_failed;

  std::shared_ptr<net::ssl::context> CurrentTls() {
    std::lock_guard<std::mutex> lock(tls_mu);
    return tls_ctx;
  }

  Status LoadTls() {
    const TlsOptions& tls = *core->options.tls;
    auto stamps = std::make_pair(Stamp(tls.cert_file), Stamp(tls.key_file));
    std::shared_ptr<net::ssl::context> ctx;
    Status s = MakeServerTlsContext(tls, &ctx);
    if (!s.ok()) {
      tls_failed = stamps;
      return s;
    }
    std::lock_guard<std::mutex> lock(tls_mu);
    tls_ctx = std::move(ctx);
    tls_loaded = stamps;
    return Status::OK();
  }

  // Runs on the I/O threads every reload_check: loads a rotated pair once
  // both files have settled into a pair that loads.
  void ScheduleReloadCheck() {
    reload_timer->expires_after(core->options.tls->reload_check);
    reload_timer->async_wait([this](boost::system::error_code ec) {
      if (ec || core->stopping.load()) return;
      const TlsOptions& tls = *core->options.tls;
      auto stamps = std::make_pair(Stamp(tls.cert_file), Stamp(tls.key_file));
      if (stamps != tls_loaded && stamps != tls_failed) {
        if (LoadTls().ok()) {
          core->tls_reloads.fetch_add(1);
        } else {
          core->tls_reload_errors.fetch_add(1);
        }
      }
      ScheduleReloadCheck();
    });
  }

  void Accept() {
    acceptor->async_accept(net::make_strand(core->ioc), [this](boost::system::error_code ec,
                                                               tcp::socket socket) {
      if (ec == net::error::operation_aborted || core->stopping.load()) return;
      if (!ec) {
        if (core->active.load() >= core->options.max_connections) {
          core->rejected.fetch_add(1);
          boost::system::error_code ignored;
          socket.close(ignored);
        } else {
          core->accepted.fetch_add(1);
          boost::system::error_code ignored;
          socket.set_option(tcp::no_delay(true), ignored);
          if (core->options.tls) {
            MakeTlsSession(core, std::move(socket), CurrentTls());
          } else {
            MakePlainSession(core, std::move(socket));
          }
        }
      }
      // Errors such as EMFILE are transient: keep accepting.
      Accept();
    });
  }

  std::vector<std::shared_ptr<SessionBase>> LiveSessions() {
    std::vector<std::shared_ptr<SessionBase>> out;
    std::lock_guard<std::mutex> lock(core->sessions_mu);
    for (auto& w : core->sessions) {
      if (auto s = w.lock()) out.push_back(std::move(s));
    }
    return out;
  }
};

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

Server::~Server() { Stop(std::chrono::milliseconds(0)); }

Status Server::Start() {
  Impl& m = *impl_;
  if (m.started) return Status::InvalidArgument("server already started");
  const ServerOptions& o = m.core->options;
  if (o.tls) {
    Status s = m.LoadTls();
    if (!s.ok()) return s;
  }
  boost::system::error_code ec;
  auto address = net::ip::make_address(o.address, ec);
  if (ec) return Status::InvalidArgument("listen address '" + o.address + "': " + ec.message());
  tcp::endpoint ep(address, o.port);
  std::string where = o.address + ":" + std::to_string(o.port);
  m.acceptor.emplace(net::make_strand(m.core->ioc));
  m.acceptor->open(ep.protocol(), ec);
  if (!ec) m.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) m.acceptor->bind(ep, ec);
  if (!ec) m.acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Status::IoError("listen on " + where + ": " + ec.message());
  m.port = m.acceptor->local_endpoint().port();
  m.started = true;
  m.Accept();
  if (o.tls) {
    m.reload_timer.emplace(m.core->ioc);
    m.ScheduleReloadCheck();
  }
  m.work.emplace(m.core->ioc.get_executor());
  int n = std::max(1, o.threads);
  for (int i = 0; i < n; ++i) {
    m.threads.emplace_back([core = m.core] { core->ioc.run(); });
  }
  return Status::OK();
}

uint16_t Server::port() const { return impl_->port; }
bool Server::tls() const { return impl_->core->options.tls.has_value(); }

void Server::Stop(std::chrono::milliseconds grace) {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> stop_lock(m.stop_mu);
  if (!m.started || m.stopped) return;
  m.stopped = true;
  auto& core = *m.core;
  core.stopping.store(true);
  // No new connections; idle keep-alive connections and streams close now.
  net::post(m.acceptor->get_executor(), [&m] {
    boost::system::error_code ignored;
    m.acceptor->close(ignored);
    if (m.reload_timer) m.reload_timer->cancel();
  });
  for (auto& s : m.LiveSessions()) s->Shutdown(false);
  {
    std::unique_lock<std::mutex> lock(core.idle_mu);
    core.idle_cv.wait_for(lock, grace, [&] { return core.in_flight.load() == 0; });
  }
  for (auto& s : m.LiveSessions()) s->Shutdown(true);
  // The threads return once every socket has closed; give them a moment, then
  // stop the loop regardless.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (core.active.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  m.work.reset();
  core.ioc.stop();
  for (auto& t : m.threads) t.join();
  m.threads.clear();
  // Handlers still queued hold sessions, which hold the core: run the ready
  // ones (on closed sockets they finish at once) so the cycle breaks.
  core.ioc.restart();
  for (int i = 0; i < 10000 && core.ioc.poll_one() > 0; ++i) {
  }
}

Server::Stats Server::stats() const {
  const auto& c = *impl_->core;
  Stats s;
  s.connections_accepted = c.accepted.load();
  s.connections_rejected = c.rejected.load();
  s.connections_active = c.active.load();
  s.requests = c.requests.load();
  s.bad_requests = c.bad_requests.load();
  s.tls_handshake_failures = c.handshake_failures.load();
  s.tls_reloads = c.tls_reloads.load();
  s.tls_reload_errors = c.tls_reload_errors.load();
  return s;
}

}  // namespace fedra::http
