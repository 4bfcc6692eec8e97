// Client: asynchronous Beast operations driven by io_context::run_for, so
// every call has a deadline; when it passes, the socket is closed, which
// completes whatever was pending.
#include "http/client.h"

#include <utility>  // before Asio with C++20 and Boost 1.74

#include <optional>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <openssl/ssl.h>

namespace fedra::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

struct Client::Impl {
  explicit Impl(ClientOptions o) : options(std::move(o)), ssl_ctx(net::ssl::context::tls_client) {}

  ClientOptions options;
  net::io_context ioc;
  net::ssl::context ssl_ctx;
  bool ssl_ready = false;
  std::optional<tcp::socket> plain;
  std::optional<net::ssl::stream<tcp::socket>> secure;
  beast::flat_buffer buffer;

  tcp::socket& Lowest() { return secure ? secure->next_layer() : *plain; }
  bool open() const { return (plain && plain->is_open()) || (secure && secure->next_layer().is_open()); }

  void Drop() {
    boost::system::error_code ec;
    if (plain) plain->close(ec);
    if (secure) secure->next_layer().close(ec);
    plain.reset();
    secure.reset();
    buffer.clear();
  }

  // Runs the loop until `done` or the deadline; on expiry closes the socket
  // and drains the cancelled operations.
  bool Run(const bool& done, std::chrono::milliseconds deadline) {
    ioc.restart();
    auto until = std::chrono::steady_clock::now() + deadline;
    while (!done && std::chrono::steady_clock::now() < until) {
      ioc.run_one_until(until);
    }
    if (done) return true;
    boost::system::error_code ec;
    if (plain || secure) Lowest().close(ec);
    ioc.restart();
    ioc.run();
    return false;
  }

  Status SetUpTls() {
    if (ssl_ready) return Status::OK();
    boost::system::error_code ec;
    if (!options.ca_file.empty()) {
      ssl_ctx.load_verify_file(options.ca_file, ec);
      if (ec) return Status::InvalidArgument("CA file " + options.ca_file + ": " + ec.message());
      ssl_ctx.set_verify_mode(net::ssl::verify_peer);
    } else {
      ssl_ctx.set_verify_mode(net::ssl::verify_none);
    }
    if (!options.cert_file.empty()) {
      ssl_ctx.use_certificate_chain_file(options.cert_file, ec);
      if (!ec) ssl_ctx.use_private_key_file(options.key_file, net::ssl::context::pem, ec);
      if (ec) return Status::InvalidArgument("client certificate: " + ec.message());
    }
    ssl_ready = true;
    return Status::OK();
  }

  Status Connect(std::chrono::milliseconds deadline) {
    Drop();
    boost::system::error_code ec;
    auto addr = net::ip::make_address(options.host, ec);
    if (ec) return Status::InvalidArgument("host '" + options.host + "': " + ec.message());
    tcp::endpoint ep(addr, options.port);
    std::string where = options.host + ":" + std::to_string(options.port);
    if (options.tls) {
      Status s = SetUpTls();
      if (!s.ok()) return s;
      secure.emplace(ioc, ssl_ctx);
      if (!options.ca_file.empty()) {
        secure->set_verify_callback(net::ssl::host_name_verification(options.server_name));
      }
      SSL_set_tlsext_host_name(secure->native_handle(), options.server_name.c_str());
    } else {
      plain.emplace(ioc);
    }
    bool done = false;
    Lowest().async_connect(ep, [&](boost::system::error_code e) {
      ec = e;
      done = true;
    });
    if (!Run(done, deadline) || ec) {
      Drop();
      return Status::IoError("connect to " + where + ": " + (ec ? ec.message() : "timed out"));
    }
    Lowest().set_option(tcp::no_delay(true), ec);
    if (secure) {
      done = false;
      secure->async_handshake(net::ssl::stream_base::client, [&](boost::system::error_code e) {
        ec = e;
        done = true;
      });
      if (!Run(done, deadline) || ec) {
        Drop();
        return Status::IoError("TLS handshake with " + where + ": " +
                               (ec ? ec.message() : "timed out"));
      }
    }
    return Status::OK();
  }

  template <class F>
  void With(F&& f) {
    if (secure) {
      f(*secure);
    } else {
      f(*plain);
    }
  }

  Status Exchange(bhttp::request<bhttp::string_body>& req, ClientResponse* out) {
    bool done = false;
    boost::system::error_code ec;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(256u << 20);
    With([&](auto& s) {
      bhttp::async_write(s, req, [&](boost::system::error_code e, size_t) {
        if (e) {
          ec = e;
          done = true;
          return;
        }
        bhttp::async_read(s, buffer, parser, [&](boost::system::error_code e2, size_t) {
          ec = e2;
          done = true;
        });
      });
    });
    if (!Run(done, options.timeout)) {
      Drop();
      return Status::IoError(req.method_string().to_string() + " " + std::string(req.target()) +
                             ": timed out after " + std::to_string(options.timeout.count()) + " ms");
    }
    if (ec) {
      Drop();
      return Status::IoError(std::string(req.target()) + ": " + ec.message());
    }
    auto res = parser.release();
    out->status = static_cast<int>(res.result_int());
    out->headers = Headers();
    for (const auto& f : res) out->headers.Add(std::string(f.name_string()), std::string(f.value()));
    out->body = std::move(res.body());
    if (!res.keep_alive()) Drop();
    return Status::OK();
  }
};

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Client::~Client() { impl_->Drop(); }

bool Client::connected() const { return impl_->open(); }
void Client::Close() { impl_->Drop(); }

Status Client::Do(const std::string& method, const std::string& target, const std::string& body,
                  const Headers& headers, ClientResponse* out) {
  Impl& m = *impl_;
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(bhttp::field::host, m.options.host + ":" + std::to_string(m.options.port));
  for (const auto& [k, v] : headers.entries()) req.insert(k, v);
  req.body() = body;
  req.prepare_payload();
  bool reused = m.open();
  if (!reused) {
    Status s = m.Connect(m.options.timeout);
    if (!s.ok()) return s;
  }
  Status s = m.Exchange(req, out);
  if (!s.ok() && reused) {
    // The server may have closed the idle connection just before we wrote.
    Status c = m.Connect(m.options.timeout);
    if (!c.ok()) return c;
    s = m.Exchange(req, out);
  }
  return s;
}

Status Client::Stream(const std::string& target, std::chrono::milliseconds deadline,
                      const std::function<bool(std::string_view)>& on_data, int* status) {
  Impl& m = *impl_;
  Status s = m.Connect(m.options.timeout);
  if (!s.ok()) return s;
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
  req.set(bhttp::field::host, m.options.host);
  bhttp::response_parser<bhttp::buffer_body> parser;
  parser.body_limit(boost::none);
  char buf[8192];
  bool done = false;
  bool stopped = false;
  boost::system::error_code ec;
  std::function<void()> read_more;
  m.With([&](auto& st) {
    read_more = [&]() {
      parser.get().body().data = buf;
      parser.get().body().size = sizeof(buf);
      bhttp::async_read_some(st, m.buffer, parser, [&](boost::system::error_code e, size_t) {
        if (e == bhttp::error::need_buffer) e = {};
        size_t n = sizeof(buf) - parser.get().body().size;
        if (n > 0 && !on_data(std::string_view(buf, n))) {
          stopped = true;
          done = true;
          return;
        }
        if (e || parser.is_done()) {
          ec = e;
          done = true;
          return;
        }
        read_more();
      });
    };
    bhttp::async_write(st, req, [&](boost::system::error_code e, size_t) {
      if (e) {
        ec = e;
        done = true;
        return;
      }
      bhttp::async_read_header(st, m.buffer, parser, [&](boost::system::error_code e2, size_t) {
        if (e2) {
          ec = e2;
          done = true;
          return;
        }
        *status = static_cast<int>(parser.get().result_int());
        read_more();
      });
    });
  });
  bool finished = m.Run(done, deadline);
  m.Drop();
  if (finished && ec && !stopped && ec != bhttp::error::end_of_stream) {
    return Status::IoError(target + ": " + ec.message());
  }
  return Status::OK();
}

Status Client::RawExchange(const std::string& bytes, std::chrono::milliseconds deadline,
                           std::string* reply) {
  Impl& m = *impl_;
  if (!m.open()) {
    Status s = m.Connect(m.options.timeout);
    if (!s.ok()) return s;
  }
  reply->clear();
  bool done = false;
  char buf[4096];
  std::function<void()> read_more;
  m.With([&](auto& st) {
    read_more = [&]() {
      st.async_read_some(net::buffer(buf), [&](boost::system::error_code e, size_t n) {
        reply->append(buf, n);
        if (e) {
          done = true;
          return;
        }
        read_more();
      });
    };
    net::async_write(st, net::buffer(bytes), [&](boost::system::error_code e, size_t) {
      if (e) {
        done = true;
        return;
      }
      read_more();
    });
  });
  m.Run(done, deadline);
  m.Drop();
  return Status::OK();
}

}  // namespace fedra::http
