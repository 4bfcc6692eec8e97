// cpprestsdk transport for http.send. See http_transport.h.
//
// With -std=c++20 and Boost 1.74, Asio needs <utility> before its headers.
#include "http/cpprest_pool.h"
#include <utility>

#include <boost/asio/ssl.hpp>
#include <cpprest/http_client.h>
#include <pplx/threadpool.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "builtins/http_transport.h"

namespace fedra::builtins::http {
namespace {


void ApplyTls(boost::asio::ssl::context& ctx, const Request& req) {
  if (!req.ca_pem.empty()) ctx.add_certificate_authority(boost::asio::buffer(req.ca_pem));
  if (!req.client_cert_pem.empty() && !req.client_key_pem.empty()) {
    ctx.use_certificate_chain(boost::asio::buffer(req.client_cert_pem));
    ctx.use_private_key(boost::asio::buffer(req.client_key_pem), boost::asio::ssl::context::pem);
  }
}

bool HasTlsMaterial(const Request& req) {
  return !req.ca_pem.empty() || (!req.client_cert_pem.empty() && !req.client_key_pem.empty());
}

// State shared between the waiting caller and the continuations, which may
// outlive the call when it gave up (timeout, cancellation).
struct Exchange {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  bool ok = false;
  bool canceled = false;
  std::string error;
  Response resp;
};

}  // namespace

Status CheckTls(const Request& req) {
  if (!HasTlsMaterial(req)) return Status::OK();
  try {
    boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_client);
    ApplyTls(ctx, req);
  } catch (const boost::system::system_error& e) {
    return Status::InvalidArgument(std::string("tls: ") + e.code().message());
  }
  return Status::OK();
}

Status Perform(const Request& req, const std::function<Status()>& check_cancel, Response* out,
               Failure* failure) {
  *failure = Failure::kNone;
  fedra::http::SizeCpprestPool();

  std::shared_ptr<web::http::client::http_client> client;
  web::http::http_request msg{web::http::method(req.method)};
  try {
    web::uri target(req.url);
    web::http::client::http_client_config config;
    // Our own deadline below bounds the whole exchange; cpprestsdk's timeout
    // is an idle timer per operation, set a little later as a backstop so a
    // timeout is reported as ours (and as a timeout).
    if (req.timeout_ns > 0) {
      config.set_timeout(std::chrono::microseconds(req.timeout_ns / 1000 + 1'000'000));
    }
    config.set_max_redirects(0);
    config.set_validate_certificates(!req.insecure_skip_verify);
    if (HasTlsMaterial(req)) {
      Request tls = req;  // the callback runs later, on a pool thread
      config.set_ssl_context_callback([tls](boost::asio::ssl::context& ctx) { ApplyTls(ctx, tls); });
    }
    web::uri_builder base;
    base.set_scheme(target.scheme()).set_host(target.host()).set_port(target.port());
    if (!target.user_info().empty()) base.set_user_info(target.user_info());
    client = std::make_shared<web::http::client::http_client>(base.to_uri(), config);

    std::string resource = target.path().empty() ? "/" : target.path();
    if (!target.query().empty()) resource += "?" + target.query();
    msg.set_request_uri(web::uri(resource));
    bool has_content_type = false;
    for (const auto& [k, v] : req.headers) {
      msg.headers().add(k, v);
      if (utility::details::str_iequal(k, "Content-Type")) has_content_type = true;
    }
    if (req.has_body) {
      msg.set_body(std::vector<unsigned char>(req.body.begin(), req.body.end()));
      // Go sends no Content-Type of its own; cpprestsdk would add one.
      if (!has_content_type) msg.headers().remove("Content-Type");
    }
  } catch (const std::exception& e) {
    *failure = Failure::kInvalid;
    return Status::InvalidArgument(e.what());
  }

  auto ex = std::make_shared<Exchange>();
  pplx::cancellation_token_source cts;
  try {
    client->request(msg, cts.get_token())
        .then([ex](web::http::http_response r) {
          ex->resp.status_code = r.status_code();
          ex->resp.reason = r.reason_phrase();
          for (const auto& [k, v] : r.headers()) ex->resp.headers.emplace_back(k, v);
          if (r.headers().content_length() > kMaxResponseBytes) {
            throw std::runtime_error("response body larger than " + std::to_string(kMaxResponseBytes) + " bytes");
          }
          return r.extract_vector();
        })
        .then([ex, client](pplx::task<std::vector<unsigned char>> t) {
          std::lock_guard<std::mutex> lock(ex->mu);
          try {
            std::vector<unsigned char> body = t.get();
            if (body.size() > kMaxResponseBytes) throw std::runtime_error("response body too large");
            ex->resp.body.assign(body.begin(), body.end());
            ex->ok = true;
          } catch (const pplx::task_canceled&) {
            ex->canceled = true;
            ex->error = "request canceled";
          } catch (const std::exception& e) {
            ex->error = e.what();
          }
          ex->done = true;
          ex->cv.notify_all();
        });
  } catch (const std::exception& e) {
    *failure = Failure::kNetwork;
    return Status::IoError(e.what());
  }

  const auto start = std::chrono::steady_clock::now();
  const auto deadline = req.timeout_ns > 0 ? start + std::chrono::nanoseconds(req.timeout_ns)
                                           : std::chrono::steady_clock::time_point::max();
  std::unique_lock<std::mutex> lock(ex->mu);
  while (!ex->done) {
    ex->cv.wait_for(lock, std::chrono::milliseconds(5));
    if (ex->done) break;
    if (check_cancel) {
      lock.unlock();
      Status st = check_cancel();
      lock.lock();
      if (!st.ok() && !ex->done) {
        cts.cancel();
        *failure = Failure::kCancelled;
        return st;
      }
    }
    if (std::chrono::steady_clock::now() >= deadline && !ex->done) {
      cts.cancel();
      *failure = Failure::kTimeout;
      return Status::IoError("request timed out");
    }
  }
  if (!ex->ok) {
    *failure = Failure::kNetwork;
    return Status::IoError(ex->error);
  }
  *out = std::move(ex->resp);
  return Status::OK();
}

}  // namespace fedra::builtins::http
