// One connection: TLS handshake (for HTTPS), then requests read and answered
// in turn until the peer leaves, a timeout fires, or the server stops.
#include "http/session.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <type_traits>

#include "http/session_impl.h"

namespace fedra::http {

void ServerCore::Register(const std::shared_ptr<SessionBase>& s) {
  std::lock_guard<std::mutex> lock(sessions_mu);
  if (sessions.size() >= 64 && (sessions.size() & (sessions.size() - 1)) == 0) {
    std::erase_if(sessions, [](const auto& w) { return w.expired(); });
  }
  sessions.push_back(s);
}

void ServerCore::RequestDone() {
  if (in_flight.fetch_sub(1) == 1) {
    std::lock_guard<std::mutex> lock(idle_mu);
    idle_cv.notify_all();
  }
}

// ---- Responder ------------------------------------------------------------

struct Responder::State {
  explicit State(std::shared_ptr<SessionBase> s) : session(std::move(s)) {}
  ~State() {
    if (!answered.exchange(true)) {
      session->Reply(Response::Text(500, "internal error: the handler did not answer\n"));
    }
  }
  std::shared_ptr<SessionBase> session;
  std::atomic<bool> answered{false};
};

Responder::Responder(std::shared_ptr<State> state) : state_(std::move(state)) {}
Responder::~Responder() = default;

void Responder::Send(Response response) {
  if (state_ == nullptr || state_->answered.exchange(true)) return;
  state_->session->Reply(std::move(response));
}

std::shared_ptr<Stream> Responder::StartStream(int status, Headers headers) {
  if (state_ == nullptr || state_->answered.exchange(true)) return nullptr;
  return state_->session->BeginStream(status, std::move(headers));
}

bool Responder::answered() const { return state_ != nullptr && state_->answered.load(); }

Responder MakeResponder(std::shared_ptr<SessionBase> session) {
  return Responder(std::make_shared<Responder::State>(std::move(session)));
}

// ---- the subject of a verified client certificate ----------------------------

std::string PeerSubject(SSL* ssl) {
  if (ssl == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return "";
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return "";
  std::string out;
  if (BIO* bio = BIO_new(BIO_s_mem())) {
    X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    if (n > 0) out.assign(data, static_cast<size_t>(n));
    BIO_free(bio);
  }
  X509_free(cert);
  return out;
}

// ---- TLS contexts -----------------------------------------------------------------

Status MakeServerTlsContext(const TlsOptions& tls, std::shared_ptr<net::ssl::context>* out) {
  auto ctx = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
  ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                   net::ssl::context::no_sslv3 | net::ssl::context::single_dh_use);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(tls.cert_file, ec);
  if (ec) {
    return Status::InvalidArgument("TLS certificate " + tls.cert_file + ": " + ec.message());
  }
  ctx->use_private_key_file(tls.key_file, net::ssl::context::pem, ec);
  if (ec) return Status::InvalidArgument("TLS key " + tls.key_file + ": " + ec.message());
  if (SSL_CTX_check_private_key(native) != 1) {
    return Status::InvalidArgument("TLS key " + tls.key_file + " does not match certificate " +
                                   tls.cert_file);
  }
  static const unsigned char kSessionContext[] = "fedra";
  SSL_CTX_set_session_id_context(native, kSessionContext, sizeof(kSessionContext) - 1);
  if (!tls.client_ca_file.empty()) {
    ctx->load_verify_file(tls.client_ca_file, ec);
    if (ec) {
      return Status::InvalidArgument("TLS client CA " + tls.client_ca_file + ": " + ec.message());
    }
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca_file.c_str())) {
      SSL_CTX_set_client_CA_list(native, names);
    }
    auto mode = net::ssl::verify_peer;
    if (tls.require_client_cert) mode |= net::ssl::verify_fail_if_no_peer_cert;
    ctx->set_verify_mode(mode);
  }
  *out = std::move(ctx);
  return Status::OK();
}

// ---- sessions -------------------------------------------------------------------

std::shared_ptr<SessionBase> MakePlainSession(std::shared_ptr<ServerCore> core,
                                              tcp::socket socket) {
  auto s = std::make_shared<Session<tcp::socket>>(std::move(core), std::move(socket), nullptr);
  s->Start();
  return s;
}

std::shared_ptr<SessionBase> MakeTlsSession(std::shared_ptr<ServerCore> core, tcp::socket socket,
                                            std::shared_ptr<net::ssl::context> ctx) {
  auto s = std::make_shared<Session<net::ssl::stream<tcp::socket>>>(
      std::move(core), std::move(socket), std::move(ctx));
  s->Start();
  return s;
}

}  // namespace fedra::http
