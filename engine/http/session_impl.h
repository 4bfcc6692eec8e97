// Internal to engine/http: the connection state machine, for a plain socket
// or a TLS stream over one.
//
//   [TLS handshake] -> WaitRequest -> ReadHeader -> [100 Continue] -> ReadBody
//        -> Dispatch (handler) -> Reply -> Write -> WaitRequest ...
//                               \-> BeginStream -> header, chunks..., last chunk -> Close
//
// Strand-only members are touched only from the socket's executor; the
// stream queue is the one thing other threads touch, under stream_mu_.
#ifndef FEDRA_HTTP_SESSION_IMPL_H_
#define FEDRA_HTTP_SESSION_IMPL_H_

#include <array>
#include <optional>
#include <string_view>
#include <type_traits>

#include "http/session.h"

namespace fedra::http {

Responder MakeResponder(std::shared_ptr<SessionBase> session);
std::string PeerSubject(SSL* ssl);
std::shared_ptr<SessionBase> MakePlainSession(std::shared_ptr<ServerCore> core, tcp::socket socket);
std::shared_ptr<SessionBase> MakeTlsSession(std::shared_ptr<ServerCore> core, tcp::socket socket,
                                            std::shared_ptr<net::ssl::context> ctx);

template <class S>
class Session final : public SessionBase {
 public:
  static constexpr bool kTls = !std::is_same_v<S, tcp::socket>;

  Session(std::shared_ptr<ServerCore> core, tcp::socket socket,
          std::shared_ptr<net::ssl::context> ctx)
      : core_(std::move(core)),
        ctx_(std::move(ctx)),
        stream_(MakeStream(std::move(socket), ctx_.get())),
        timer_(stream_.get_executor()) {
    core_->active.fetch_add(1);
    boost::system::error_code ec;
    auto ep = Lowest().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  ~Session() override { Uncount(); }

  void Start() {
    core_->Register(this->shared_from_this());
    net::dispatch(stream_.get_executor(), [self = Self()] { self->Begin(); });
  }

  void Reply(Response response) override {
    net::post(stream_.get_executor(),
              [self = Self(), r = std::move(response)]() mutable { self->Write(std::move(r)); });
  }

  std::shared_ptr<Stream> BeginStream(int status, Headers headers) override;
  bool StreamWrite(std::string chunk) override;
  void StreamClose() override;
  bool StreamClosed() const override { return stream_done_.load(); }

  void Shutdown(bool force) override {
    net::post(stream_.get_executor(), [self = Self(), force] {
      if (force || self->state_ == State::kIdle || self->state_ == State::kHandshake ||
          self->state_ == State::kStreaming) {
        self->Close();
      }
    });
  }

 private:
  enum class State { kHandshake, kIdle, kReading, kHandling, kWriting, kStreaming, kClosed };

  static S MakeStream(tcp::socket socket, net::ssl::context* ctx) {
    if constexpr (kTls) {
      return S(std::move(socket), *ctx);
    } else {
      return socket;
    }
  }

  std::shared_ptr<Session> Self() {
    return std::static_pointer_cast<Session>(this->shared_from_this());
  }

  tcp::socket& Lowest() {
    if constexpr (kTls) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }

  // One timer bounds the pending operation; firing closes the socket.
  void Arm(std::chrono::milliseconds d) {
    uint64_t gen = ++timer_gen_;
    timer_.expires_after(d);
    timer_.async_wait([self = Self(), gen](boost::system::error_code ec) {
      if (ec || gen != self->timer_gen_) return;
      if (self->state_ == State::kReading || self->state_ == State::kHandshake) {
        self->core_->bad_requests.fetch_add(1);
      }
      self->Close();
    });
  }
  void Disarm() {
    ++timer_gen_;
    timer_.cancel();
  }

  void Begin() {
    if constexpr (kTls) {
      state_ = State::kHandshake;
      Arm(core_->options.read_timeout);
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = Self()](boost::system::error_code ec) {
                                self->Disarm();
                                if (ec) {
                                  self->core_->handshake_failures.fetch_add(1);
                                  self->Close();
                                  return;
                                }
                                self->client_subject_ = PeerSubject(self->stream_.native_handle());
                                self->WaitRequest();
                              });
    } else {
      WaitRequest();
    }
  }

  void WaitRequest() {
    if (state_ == State::kClosed) return;
    state_ = State::kIdle;
    if (core_->stopping.load()) {
      Close();
      return;
    }
    if (buffer_.size() > 0) {
      ReadHeader();
      return;
    }
    Arm(first_request_ ? core_->options.read_timeout : core_->options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = Self()](boost::system::error_code ec, size_t n) {
                              self->buffer_.commit(n);
                              if (ec) {
                                self->Close();
                                return;
                              }
                              self->ReadHeader();
                            });
  }

  void ReadHeader() {
    state_ = State::kReading;
    parser_.emplace();
    parser_->body_limit(core_->options.max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(core_->options.max_header_bytes));
    Arm(core_->options.read_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = Self()](boost::system::error_code ec, size_t) {
                               self->OnHeader(ec);
                             });
  }

  void OnHeader(boost::system::error_code ec) {
    if (ec) {
      ReadFailed(ec);
      return;
    }
    auto& msg = parser_->get();
    if (auto len = parser_->content_length(); len && *len > core_->options.max_body_bytes) {
      RejectRequest(413, "request body of " + std::to_string(*len) + " bytes exceeds the limit of " +
                             std::to_string(core_->options.max_body_bytes) + " bytes\n");
      return;
    }
    auto expect = msg.find(bhttp::field::expect);
    if (expect != msg.end() && beast::iequals(expect->value(), "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                       [self = Self()](boost::system::error_code ec, size_t) {
                         if (ec) {
                           self->Close();
                           return;
                         }
                         self->ReadBody();
                       });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = Self()](boost::system::error_code ec, size_t) {
                        self->Disarm();
                        if (ec) {
                          self->ReadFailed(ec);
                          return;
                        }
                        self->Dispatch();
                      });
  }

  void ReadFailed(boost::system::error_code ec) {
    Disarm();
    if (state_ == State::kClosed) return;
    if (ec == bhttp::error::body_limit) {
      RejectRequest(413, "request body exceeds the limit of " +
                             std::to_string(core_->options.max_body_bytes) + " bytes\n");
    } else if (ec == bhttp::error::header_limit) {
      RejectRequest(431, "request header exceeds the limit of " +
                             std::to_string(core_->options.max_header_bytes) + " bytes\n");
    } else if (ec == bhttp::error::end_of_stream || ec == net::error::eof ||
               ec == net::error::operation_aborted || ec == net::error::connection_reset ||
               ec == net::ssl::error::stream_truncated) {
      Close();
    } else {
      RejectRequest(400, "malformed HTTP request: " + ec.message() + "\n");
    }
  }

  // Answers a request that never reached the handler, then closes.
  void RejectRequest(int status, std::string message) {
    core_->bad_requests.fetch_add(1);
    keep_alive_ = false;
    linger_ = true;
    state_ = State::kHandling;
    core_->in_flight.fetch_add(1);
    in_flight_ = true;
    Write(Response::Text(status, std::move(message)));
  }

  void Dispatch() {
    first_request_ = false;
    auto msg = parser_->release();
    parser_.reset();
    keep_alive_ = msg.keep_alive();
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    std::string_view target = req.target;
    size_t q = target.find('?');
    req.raw_path = std::string(target.substr(0, q));
    req.path = PercentDecode(req.raw_path);
    if (q != std::string_view::npos) req.query = ParseQuery(target.substr(q + 1));
    for (const auto& f : msg) {
      req.headers.Add(std::string(f.name_string()), std::string(f.value()));
    }
    req.body = std::move(msg.body());
    req.remote = remote_;
    req.client_cert_subject = client_subject_;
    state_ = State::kHandling;
    core_->requests.fetch_add(1);
    core_->in_flight.fetch_add(1);
    in_flight_ = true;
    Responder responder = MakeResponder(this->shared_from_this());
    try {
      core_->handler(req, responder);
    } catch (const std::exception& e) {
      responder.Send(Response::Text(500, std::string("internal error: ") + e.what() + "\n"));
    } catch (...) {
      responder.Send(Response::Text(500, "internal error\n"));
    }
  }

  void Write(Response r) {
    if (state_ != State::kHandling) return;  // closed meanwhile, or answered twice
    state_ = State::kWriting;
    res_ = std::make_shared<bhttp::response<bhttp::string_body>>();
    res_->version(11);
    res_->result(static_cast<unsigned>(r.status));
    res_->set(bhttp::field::server, core_->options.server_name);
    bool close = false;
    for (auto& [k, v] : r.headers.entries()) {
      if (beast::iequals(k, "Connection") && beast::iequals(v, "close")) close = true;
      res_->insert(k, v);
    }
    res_->body() = std::move(r.body);
    res_->keep_alive(keep_alive_ && !close && !core_->stopping.load());
    res_->prepare_payload();
    Arm(core_->options.write_timeout);
    bhttp::async_write(stream_, *res_, [self = Self()](boost::system::error_code ec, size_t) {
      self->Disarm();
      self->FinishRequest();
      if (!ec && self->linger_) {
        self->LingerThenClose();
        return;
      }
      if (ec || !self->res_->keep_alive()) {
        self->Close();
        return;
      }
      self->res_.reset();
      self->WaitRequest();
    });
  }

  // The request handed out (or rejected) is answered or abandoned.
  void FinishRequest() {
    if (!in_flight_) return;
    in_flight_ = false;
    core_->RequestDone();
  }

  void Close() {
    if (state_ == State::kClosed) return;
    FinishRequest();
    Uncount();
    state_ = State::kClosed;
    stream_done_.store(true);
    Disarm();
    boost::system::error_code ec;
    Lowest().shutdown(tcp::socket::shutdown_both, ec);
    Lowest().close(ec);
  }

  // After refusing a request whose body was not read, the client may still be
  // sending it. Closing a socket with unread input makes the kernel send a
  // reset, which can destroy our answer before the client reads it; so stop
  // sending, then read and discard what still comes (bounded in bytes and
  // time) before closing, as nginx's lingering close does.
  void LingerThenClose() {
    boost::system::error_code ec;
    Lowest().shutdown(tcp::socket::shutdown_send, ec);
    Arm(std::chrono::milliseconds(1000));
    Drain(0);
  }
  void Drain(size_t drained) {
    if (state_ == State::kClosed) return;
    if (drained > (8u << 20)) {
      Close();
      return;
    }
    Lowest().async_read_some(net::buffer(drain_buf_), [self = Self(), drained](boost::system::error_code ec,
                                                                               size_t n) {
      if (ec) {
        self->Close();
        return;
      }
      self->Drain(drained + n);
    });
  }

  // An open connection counts against max_connections until it closes, even
  // if the application still holds its Responder.
  void Uncount() {
    if (counted_) {
      counted_ = false;
      core_->active.fetch_sub(1);
    }
  }

  // ---- streaming ----
  void StreamHeader(int status, Headers headers);
  void Pump();
  void WatchPeer();

  std::shared_ptr<ServerCore> core_;
  std::shared_ptr<net::ssl::context> ctx_;  // before stream_: it must outlive it
  S stream_;
  net::steady_timer timer_;
  uint64_t timer_gen_ = 0;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<bhttp::response<bhttp::string_body>> res_;
  State state_ = State::kIdle;
  bool keep_alive_ = true;
  bool first_request_ = true;
  bool in_flight_ = false;  // counted in core_->in_flight
  bool counted_ = true;     // counted in core_->active
  bool linger_ = false;     // drain the unread request before closing
  std::array<char, 16384> drain_buf_;
  std::string remote_;
  std::string client_subject_;

  // Stream state. stream_mu_ guards the queue and the flags other threads set.
  std::mutex stream_mu_;
  std::deque<std::string> chunks_;  // GUARDED_BY(stream_mu_)
  bool stream_closing_ = false;     // GUARDED_BY(stream_mu_)
  std::atomic<bool> stream_done_{false};
  bool stream_started_ = false;  // header written (strand)
  bool stream_writing_ = false;  // a chunk write is pending (strand)
  std::string current_chunk_;
  std::shared_ptr<bhttp::response<bhttp::empty_body>> stream_res_;
  std::optional<bhttp::response_serializer<bhttp::empty_body>> stream_sr_;
};

// A handle on a session's chunked response.
class SessionStream final : public Stream {
 public:
  explicit SessionStream(std::shared_ptr<SessionBase> s) : session_(std::move(s)) {}
  ~SessionStream() override { session_->StreamClose(); }
  bool Write(std::string chunk) override { return session_->StreamWrite(std::move(chunk)); }
  void Close() override { session_->StreamClose(); }
  bool closed() const override { return session_->StreamClosed(); }

 private:
  std::shared_ptr<SessionBase> session_;
};

template <class S>
std::shared_ptr<Stream> Session<S>::BeginStream(int status, Headers headers) {
  net::post(stream_.get_executor(), [self = Self(), status, h = std::move(headers)]() mutable {
    self->StreamHeader(status, std::move(h));
  });
  return std::make_shared<SessionStream>(this->shared_from_this());
}

template <class S>
bool Session<S>::StreamWrite(std::string chunk) {
  if (chunk.empty()) return !stream_done_.load();  // an empty chunk would end the body
  {
    std::lock_guard<std::mutex> lock(stream_mu_);
    if (stream_done_.load() || stream_closing_) return false;
    chunks_.push_back(std::move(chunk));
  }
  net::post(stream_.get_executor(), [self = Self()] { self->Pump(); });
  return true;
}

template <class S>
void Session<S>::StreamClose() {
  {
    std::lock_guard<std::mutex> lock(stream_mu_);
    if (stream_done_.load() || stream_closing_) return;
    stream_closing_ = true;
  }
  net::post(stream_.get_executor(), [self = Self()] { self->Pump(); });
}

template <class S>
void Session<S>::StreamHeader(int status, Headers headers) {
  if (state_ != State::kHandling) return;
  state_ = State::kStreaming;
  stream_res_ = std::make_shared<bhttp::response<bhttp::empty_body>>();
  stream_res_->version(11);
  stream_res_->result(static_cast<unsigned>(status));
  stream_res_->set(bhttp::field::server, core_->options.server_name);
  for (auto& [k, v] : headers.entries()) stream_res_->insert(k, v);
  // The connection ends with the stream: a streamed response is long-lived
  // (watches) and the client reconnects for its next one.
  stream_res_->keep_alive(false);
  stream_res_->chunked(true);
  stream_sr_.emplace(*stream_res_);
  Arm(core_->options.write_timeout);
  bhttp::async_write_header(stream_, *stream_sr_,
                            [self = Self()](boost::system::error_code ec, size_t) {
                              self->Disarm();
                              if (ec) {
                                self->Close();
                                return;
                              }
                              self->stream_started_ = true;
                              self->WatchPeer();
                              self->Pump();
                            });
}

template <class S>
void Session<S>::Pump() {
  if (state_ != State::kStreaming || !stream_started_ || stream_writing_) return;
  bool last = false;
  {
    std::lock_guard<std::mutex> lock(stream_mu_);
    if (!chunks_.empty()) {
      current_chunk_ = std::move(chunks_.front());
      chunks_.pop_front();
    } else if (stream_closing_) {
      last = true;
    } else {
      return;
    }
  }
  stream_writing_ = true;
  Arm(core_->options.write_timeout);
  auto done = [self = Self(), last](boost::system::error_code ec, size_t) {
    self->Disarm();
    self->stream_writing_ = false;
    if (ec || last) {
      self->Close();
      return;
    }
    self->Pump();
  };
  if (last) {
    net::async_write(stream_, bhttp::make_chunk_last(), std::move(done));
  } else {
    net::async_write(stream_, bhttp::make_chunk(net::buffer(current_chunk_)), std::move(done));
  }
}

// While streaming nothing is read, so a vanished client would only be noticed
// at the next write; a pending read notices at once.
template <class S>
void Session<S>::WatchPeer() {
  if (state_ != State::kStreaming) return;
  if (buffer_.size() > 64 * 1024) {
    Close();
    return;
  }
  stream_.async_read_some(buffer_.prepare(1024),
                          [self = Self()](boost::system::error_code ec, size_t n) {
                            self->buffer_.commit(n);
                            if (ec) {
                              self->Close();
                              return;
                            }
                            self->WatchPeer();
                          });
}

}  // namespace fedra::http

#endif  // FEDRA_HTTP_SESSION_IMPL_H_
