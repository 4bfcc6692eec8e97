// Internal to engine/http: one connection's state machine, shared by the
// plain and TLS sessions. Not part of the module's API.
//
// Every operation on a session runs on its strand (the socket's executor).
// One timer bounds whichever operation is pending: when it fires it closes
// the socket, which completes the pending operation with an error.
#ifndef FEDRA_HTTP_SESSION_H_
#define FEDRA_HTTP_SESSION_H_

#include <utility>  // before Asio with C++20 and Boost 1.74

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "http/server.h"

namespace fedra::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

class SessionBase;

// What sessions need from the server that owns them.
struct ServerCore {
  ServerOptions options;
  Handler handler;
  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> accepted{0}, rejected{0}, active{0}, requests{0}, bad_requests{0},
      handshake_failures{0}, tls_reloads{0}, tls_reload_errors{0};
  std::atomic<uint64_t> in_flight{0};  // requests handed to the handler, not yet answered
  std::mutex sessions_mu;
  std::vector<std::weak_ptr<SessionBase>> sessions;  // GUARDED_BY(sessions_mu)
  std::mutex idle_mu;
  std::condition_variable idle_cv;  // signalled when in_flight drops

  void Register(const std::shared_ptr<SessionBase>& s);
  void RequestDone();
};

class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  // Called from any thread.
  virtual void Reply(Response response) = 0;
  virtual std::shared_ptr<Stream> BeginStream(int status, Headers headers) = 0;
  virtual bool StreamWrite(std::string chunk) = 0;
  virtual void StreamClose() = 0;
  virtual bool StreamClosed() const = 0;
  // Closes the connection if it is waiting for a request (or, with `force`,
  // whatever it is doing). Called from any thread.
  virtual void Shutdown(bool force) = 0;
};

// Builds the server-side TLS context for `tls`; errors name the file.
Status MakeServerTlsContext(const TlsOptions& tls, std::shared_ptr<net::ssl::context>* out);

}  // namespace fedra::http

#endif  // FEDRA_HTTP_SESSION_H_
