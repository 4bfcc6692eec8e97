// The bundle client against a real fedra::http::Server on loopback serving
// revisions with ETags and OPA's long-poll protocol: delivery, 304s, long
// polls, prompt stops, outages with backoff and recovery, rejected and
// garbage revisions, signatures, persistence across restarts, HTTPS with a
// CA file and bearer tokens.
#include "bundle/client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bundle/bundle.h"
#include "bundle/bundle_test_util.h"
#include "http/certs.h"
#include "http/server.h"

namespace fedra::bundle {
namespace {

using std::chrono::milliseconds;
using testing::TempDir;

// Polls `cond` every 5 ms for up to 20 s.
template <class F>
bool Eventually(F cond) {
  for (int i = 0; i < 4000; ++i) {
    if (cond()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return cond();
}

std::string MakeBundle(const std::string& revision,
                       const std::optional<SigningConfig>& signing = std::nullopt) {
  Bundle b;
  b.revision = revision;
  b.roots = {"fedra"};
  b.modules = {{"fedra/policies/p/main.rego",
                "package fedra.policies.p\n\nrev := \"" + revision + "\"\n", 1}};
  WriteOptions wo;
  wo.signing = signing;
  std::string out;
  EXPECT_TRUE(WriteBundle(b, wo, &out).ok());
  return out;
}

// A bundle service: one resource, a current revision, ETags, and long polls
// held until the revision changes or their wait runs out.
class BundleServer {
 public:
  struct Seen {
    std::string if_none_match, prefer, accept, authorization;
  };

  explicit BundleServer(std::optional<http::TlsOptions> tls = std::nullopt, uint16_t port = 0) {
    http::ServerOptions o;
    o.port = port;
    o.tls = std::move(tls);
    o.threads = 2;
    server_ = std::make_unique<http::Server>(
        o, [this](http::Request& r, http::Responder resp) { Handle(r, std::move(resp)); });
    timer_ = std::thread([this] { ExpirePolls(); });
  }
  ~BundleServer() {
    Stop();
    {
      std::lock_guard<std::mutex> l(mu_);
      quit_ = true;
    }
    cv_.notify_all();
    timer_.join();
  }

  Status Start() { return server_->Start(); }
  void Stop() {
    {
      std::lock_guard<std::mutex> l(mu_);
      pending_.clear();  // dropped Responders answer 500
    }
    server_->Stop(milliseconds(0));
  }
  uint16_t port() const { return server_->port(); }
  std::string url() const {
    return std::string(server_->tls() ? "https" : "http") +
           "://127.0.0.1:" + std::to_string(port()) + "/bundles/b";
  }

  // Serves `targz` under a new ETag from now on, answering held long polls.
  void Publish(std::string targz) {
    std::vector<Pending> answer;
    {
      std::lock_guard<std::mutex> l(mu_);
      body_ = std::move(targz);
      // Unique across server instances, as a content hash would be.
      static std::atomic<int> version{0};
      etag_ = "\"e" + std::to_string(++version) + "\"";
      answer.swap(pending_);
    }
    for (Pending& p : answer) p.responder.Send(Ok());
  }
  void set_long_poll(bool on) { long_poll_ = on; }
  // Announce long polling but answer at once, as a proxy that drops Prefer would.
  void set_hold_polls(bool on) { hold_polls_ = on; }
  void set_token(std::string t) {
    std::lock_guard<std::mutex> l(mu_);
    token_ = std::move(t);
  }
  int ok_responses() const { return ok_.load(); }
  int not_modified() const { return not_modified_.load(); }
  size_t held() const {
    std::lock_guard<std::mutex> l(mu_);
    return pending_.size();
  }
  std::vector<Seen> seen() const {
    std::lock_guard<std::mutex> l(mu_);
    return seen_;
  }
  std::string etag() const {
    std::lock_guard<std::mutex> l(mu_);
    return etag_;
  }

 private:
  struct Pending {
    http::Responder responder;
    std::chrono::steady_clock::time_point deadline;
  };

  http::Response Ok() {
    std::lock_guard<std::mutex> l(mu_);
    ++ok_;
    http::Response r;
    r.status = 200;
    r.body = body_;
    r.headers.Set("ETag", etag_);
    r.headers.Set("Content-Type",
                  long_poll_ ? "application/vnd.openpolicyagent.bundles" : "application/gzip");
    return r;
  }

  void Handle(http::Request& req, http::Responder resp) {
    auto header = [&](const char* name) {
      const std::string* v = req.headers.Get(name);
      return v ? *v : std::string();
    };
    Seen s{header("If-None-Match"), header("Prefer"), header("Accept"), header("Authorization")};
    std::unique_lock<std::mutex> l(mu_);
    seen_.push_back(s);
    if (req.path != "/bundles/b") {
      l.unlock();
      resp.Send(http::Response::Text(404, "no such bundle"));
      return;
    }
    if (!token_.empty() && s.authorization != "Bearer " + token_) {
      l.unlock();
      resp.Send(http::Response::Text(401, "unauthorized"));
      return;
    }
    if (s.if_none_match != etag_ || etag_.empty()) {
      l.unlock();
      resp.Send(Ok());
      return;
    }
    size_t wait_at = s.prefer.find("wait=");
    if (long_poll_ && hold_polls_ && wait_at != std::string::npos) {
      int seconds = std::stoi(s.prefer.substr(wait_at + 5));
      pending_.push_back(
          {std::move(resp), std::chrono::steady_clock::now() + std::chrono::seconds(seconds)});
      cv_.notify_all();
      return;
    }
    l.unlock();
    ++not_modified_;
    http::Response r;
    r.status = 304;
    if (long_poll_) r.headers.Set("Content-Type", "application/vnd.openpolicyagent.bundles");
    resp.Send(std::move(r));
  }

  void ExpirePolls() {
    std::unique_lock<std::mutex> l(mu_);
    while (!quit_) {
      cv_.wait_for(l, milliseconds(20));
      auto now = std::chrono::steady_clock::now();
      for (size_t i = 0; i < pending_.size();) {
        if (pending_[i].deadline <= now) {
          http::Responder r = std::move(pending_[i].responder);
          pending_.erase(pending_.begin() + static_cast<long>(i));
          ++not_modified_;
          http::Response nm;
          nm.status = 304;
          nm.headers.Set("Content-Type", "application/vnd.openpolicyagent.bundles");
          r.Send(std::move(nm));
        } else {
          ++i;
        }
      }
    }
  }

  std::unique_ptr<http::Server> server_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::thread timer_;
  bool quit_ = false;
  std::string body_, etag_, token_;
  std::atomic<bool> long_poll_{true};
  std::atomic<bool> hold_polls_{true};
  std::atomic<int> ok_{0}, not_modified_{0};
  std::vector<Pending> pending_;
  std::vector<Seen> seen_;
};

// Records what the engine would activate.
struct Activations {
  std::mutex mu;
  std::vector<std::string> revisions;
  std::string reject;  // revision to refuse

  Client::Callback Callback() {
    return [this](const Bundle& b) {
      std::lock_guard<std::mutex> l(mu);
      if (b.revision == reject) return Status::InvalidArgument("does not compile");
      revisions.push_back(b.revision);
      return Status::OK();
    };
  }
  std::vector<std::string> get() {
    std::lock_guard<std::mutex> l(mu);
    return revisions;
  }
  size_t count() { return get().size(); }
};

ClientOptions Fast(const std::string& url) {
  ClientOptions o;
  o.url = url;
  o.long_poll_timeout = std::chrono::seconds(2);
  o.min_delay = milliseconds(20);
  o.max_delay = milliseconds(40);
  o.backoff_base = milliseconds(20);
  o.backoff_max = milliseconds(100);
  o.request_timeout = milliseconds(5000);
  return o;
}

TEST(BundleClient, NewRevisionDeliveredAndNotModifiedNotRedelivered) {
  BundleServer server;
  server.set_long_poll(false);
  server.Publish(MakeBundle("r1"));
  ASSERT_TRUE(server.Start().ok());
  Activations acts;
  Client client(Fast(server.url()), acts.Callback());
  ASSERT_TRUE(client.PollOnce().ok());
  EXPECT_EQ(acts.get(), std::vector<std::string>{"r1"});
  ASSERT_TRUE(client.PollOnce().ok());
  ASSERT_TRUE(client.PollOnce().ok());
  EXPECT_EQ(acts.count(), 1u);
  EXPECT_EQ(server.ok_responses(), 1);
  EXPECT_EQ(server.not_modified(), 2);
  auto seen = server.seen();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].if_none_match, "");
  EXPECT_EQ(seen[1].if_none_match, server.etag());
  EXPECT_EQ(seen[1].prefer, "modes=snapshot");  // no long poll announced
  EXPECT_NE(seen[0].accept.find("application/vnd.openpolicyagent.bundles"), std::string::npos);
  server.Publish(MakeBundle("r2"));
  ASSERT_TRUE(client.PollOnce().ok());
  EXPECT_EQ(acts.get(), (std::vector<std::string>{"r1", "r2"}));
  ClientStatus st = client.status();
  EXPECT_EQ(st.active_revision, "r2");
  EXPECT_EQ(st.etag, server.etag());
  EXPECT_EQ(st.downloads, 2u);
  EXPECT_EQ(st.not_modified, 2u);
  EXPECT_EQ(st.activations, 2u);
  EXPECT_FALSE(st.long_polling);
  EXPECT_TRUE(st.last_error.ok());
}

TEST(BundleClient, LongPollDeliversPromptlyAndStopIsPrompt) {
  BundleServer server;
  server.Publish(MakeBundle("r1"));
  ASSERT_TRUE(server.Start().ok());
  Activations acts;
  ClientOptions o = Fast(server.url());
  o.long_poll_timeout = std::chrono::seconds(30);   // far longer than the test waits
  o.min_delay = o.max_delay = milliseconds(60000);  // polling would not help
  Client client(o, acts.Callback());
  ASSERT_TRUE(client.Start().ok());
  ASSERT_TRUE(Eventually([&] { return acts.count() == 1; }));
  ASSERT_TRUE(Eventually([&] { return server.held() == 1; }));  // a long poll is waiting
  auto seen = server.seen();
  EXPECT_EQ(seen.back().prefer, "modes=snapshot;wait=30");
  EXPECT_EQ(seen.back().if_none_match, server.etag());
  EXPECT_TRUE(client.status().long_polling);
  for (int i = 2; i <= 4; ++i) {
    server.Publish(MakeBundle("r" + std::to_string(i)));
    ASSERT_TRUE(Eventually([&] { return acts.count() == static_cast<size_t>(i); })) << i;
    ASSERT_TRUE(Eventually([&] { return server.held() == 1; }));
  }
  EXPECT_EQ(acts.get(), (std::vector<std::string>{"r1", "r2", "r3", "r4"}));
  // Stop cancels the held long poll instead of waiting out its 30 s.
  auto stopped = std::async(std::launch::async, [&] { client.Stop(); });
  EXPECT_EQ(stopped.wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

TEST(BundleClient, LongPollTimeoutGives304AndAsksAgain) {
  BundleServer server;
  server.Publish(MakeBundle("r1"));
  ASSERT_TRUE(server.Start().ok());
  Activations acts;
  ClientOptions o = Fast(server.url());
  o.long_poll_timeout = std::chrono::seconds(1);
  Client client(o, acts.Callback());
  ASSERT_TRUE(client.Start().ok());
  ASSERT_TRUE(Eventually([&] { return server.not_modified() >= 2; }));
  EXPECT_EQ(acts.count(), 1u);
  EXPECT_GE(client.status().not_modified, 1u);
  client.Stop();
}

TEST(BundleClient, LongPollAnsweredAtOnceDoesNotSpin) {
  BundleServer server;
  server.set_hold_polls(false);
  server.Publish(MakeBundle("r1"));
  ASSERT_TRUE(server.Start().ok());
  Activations acts;
  ClientOptions o = Fast(server.url());
  o.backoff_base = milliseconds(100);
  Client client(o, acts.Callback());
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.Start().ok());
  ASSERT_TRUE(Eventually([&] { return server.not_modified() >= 5; }));
  auto elapsed = std::chrono::steady_clock::now() - start;
  client.Stop();
  // A lower bound only (a slow machine makes it longer): five immediate
  // 304s were separated by pauses, not fetched in a tight loop.
  EXPECT_GE(elapsed, milliseconds(4 * 100));
  EXPECT_EQ(acts.count(), 1u);
}

TEST(BundleClient, ServerDownBacksOffThenRecovers) {
  auto server = std::make_unique<BundleServer>();
  server->Publish(MakeBundle("r1"));
  ASSERT_TRUE(server->Start().ok());
  uint16_t port = server->port();
  std::string url = server->url();
  Activations acts;
  Client client(Fast(url), acts.Callback());
  ASSERT_TRUE(client.Start().ok());
  ASSERT_TRUE(Eventually([&] { return acts.count() == 1; }));
  server.reset();  // the hub goes away
  ASSERT_TRUE(Eventually([&] { return client.status().consecutive_failures >= 3; }));
  ClientStatus down = client.status();
  EXPECT_FALSE(down.last_error.ok());
  EXPECT_EQ(down.active_revision, "r1");  // the old bundle stays active
  // The hub comes back on the same address with a new revision.
  server = std::make_unique<BundleServer>(std::nullopt, port);
  server->Publish(MakeBundle("r2"));
  ASSERT_TRUE(server->Start().ok()) << "port " << port;
  ASSERT_TRUE(Eventually([&] { return acts.count() == 2; }));
  EXPECT_EQ(acts.get().back(), "r2");
  ASSERT_TRUE(Eventually([&] { return client.status().consecutive_failures == 0; }));
  EXPECT_TRUE(client.status().last_error.ok());
  client.Stop();
}

TEST(BundleClient, RejectedAndGarbageRevisionsKeepTheOldOne) {
  BundleServer server;
  server.set_long_poll(false);
  server.Publish(MakeBundle("good"));
  ASSERT_TRUE(server.Start().ok());
  Activations acts;
  acts.reject = "bad";
  Client client(Fast(server.url()), acts.Callback());
  ASSERT_TRUE(client.PollOnce().ok());

  server.Publish(MakeBundle("bad"));
  Status st = client.PollOnce();
  EXPECT_NE(st.message().find("does not compile"), std::string_view::npos) << st.ToString();
  ClientStatus s = client.status();
  EXPECT_EQ(s.active_revision, "good");
  EXPECT_NE(s.last_activation_error.message().find("revision \"bad\""), std::string_view::npos)
      << s.last_activation_error.ToString();
  // The rejected ETag is remembered: no re-download of the same bad bundle.
  int oks = server.ok_responses();
  EXPECT_TRUE(client.PollOnce().ok());
  EXPECT_EQ(server.ok_responses(), oks);

  for (std::string garbage : {std::string("not a bundle"), MakeBundle("x").substr(0, 40)}) {
    server.Publish(garbage);
    st = client.PollOnce();
    EXPECT_FALSE(st.ok());
    EXPECT_EQ(client.status().active_revision, "good");
  }
  server.Publish(MakeBundle("fixed"));
  ASSERT_TRUE(client.PollOnce().ok());
  s = client.status();
  EXPECT_EQ(s.active_revision, "fixed");
  EXPECT_TRUE(s.last_activation_error.ok());
  EXPECT_EQ(acts.get(), (std::vector<std::string>{"good", "fixed"}));
}

TEST(BundleClient, SignedBundlesVerifiedTamperedRejected) {
  SigningConfig sc;
  sc.algorithm = "HS256";
  sc.key = "hub-secret";
  sc.key_id = "hub";
  BundleServer server;
  server.set_long_poll(false);
  server.Publish(MakeBundle("signed", sc));
  ASSERT_TRUE(server.Start().ok());
  Activations acts;
  ClientOptions o = Fast(server.url());
  VerificationConfig vc;
  vc.keys.push_back({"hub", "HS256", "hub-secret", ""});
  o.read.verification = vc;
  Client client(o, acts.Callback());
  ASSERT_TRUE(client.PollOnce().ok());
  EXPECT_EQ(acts.get(), std::vector<std::string>{"signed"});
  server.Publish(MakeBundle("unsigned"));
  EXPECT_NE(client.PollOnce().message().find("missing .signatures.json"), std::string_view::npos);
  sc.key = "attacker-secret";
  server.Publish(MakeBundle("forged", sc));
  EXPECT_NE(client.PollOnce().message().find("signature verification failed"),
            std::string_view::npos);
  EXPECT_EQ(client.status().active_revision, "signed");
}

TEST(BundleClient, PersistedBundleSurvivesARestartWithTheHubDown) {
  TempDir dir;
  std::string persist = dir / "state";
  std::string etag;
  uint16_t port = 0;
  {
    BundleServer server;
    server.set_long_poll(false);
    server.Publish(MakeBundle("r1"));
    ASSERT_TRUE(server.Start().ok());
    port = server.port();
    Activations acts;
    ClientOptions o = Fast(server.url());
    o.persist_dir = persist;
    Client client(o, acts.Callback());
    EXPECT_EQ(client.LoadPersisted().code(), StatusCode::kNotFound);  // first start: nothing saved
    ASSERT_TRUE(client.PollOnce().ok());
    etag = server.etag();
  }
  std::string raw, saved_etag;
  ASSERT_TRUE(LoadBundleFile(persist, &raw, &saved_etag).ok());
  EXPECT_EQ(saved_etag, etag);
  // Restart while the hub is down: the saved bundle is enforced at once.
  Activations acts;
  ClientOptions o = Fast("http://127.0.0.1:" + std::to_string(port) + "/bundles/b");
  o.persist_dir = persist;
  Client client(o, acts.Callback());
  ASSERT_TRUE(client.LoadPersisted().ok());
  EXPECT_EQ(acts.get(), std::vector<std::string>{"r1"});
  ClientStatus s = client.status();
  EXPECT_TRUE(s.loaded_from_disk);
  EXPECT_EQ(s.etag, etag);
  EXPECT_FALSE(client.PollOnce().ok());  // the hub is still down
  EXPECT_EQ(client.status().active_revision, "r1");
  // A corrupt file on disk is an error, not a crash.
  testing::WriteFileAt(persist + "/bundle.tar.gz", "corrupt");
  Activations acts2;
  Client client2(o, acts2.Callback());
  EXPECT_FALSE(client2.LoadPersisted().ok());
  EXPECT_EQ(acts2.count(), 0u);
}

TEST(BundleClient, SavedEtagAvoidsARedownload) {
  TempDir dir;
  BundleServer server;
  server.set_long_poll(false);
  server.Publish(MakeBundle("r1"));
  ASSERT_TRUE(server.Start().ok());
  ClientOptions o = Fast(server.url());
  o.persist_dir = dir / "state";
  {
    Activations acts;
    Client client(o, acts.Callback());
    ASSERT_TRUE(client.PollOnce().ok());
  }
  Activations acts;
  Client client(o, acts.Callback());
  ASSERT_TRUE(client.LoadPersisted().ok());
  ASSERT_TRUE(client.PollOnce().ok());
  EXPECT_EQ(server.ok_responses(), 1);  // the restart got a 304
  EXPECT_EQ(acts.count(), 1u);
}

TEST(BundleClient, HttpsWithCaFileAndBearerToken) {
  TempDir dir;
  http::KeyPair ca, leaf;
  ASSERT_TRUE(http::MakeCa("bundle-test-ca", std::chrono::hours(1), &ca).ok());
  http::CertRequest req;
  req.common_name = "127.0.0.1";
  req.ip_addresses = {"127.0.0.1"};
  req.dns_names = {"localhost"};
  ASSERT_TRUE(http::IssueCert(ca, req, &leaf).ok());
  ASSERT_TRUE(http::WriteFileAtomic(dir / "ca.pem", ca.cert_pem).ok());
  ASSERT_TRUE(http::WriteFileAtomic(dir / "tls.crt", leaf.cert_pem).ok());
  ASSERT_TRUE(http::WriteFileAtomic(dir / "tls.key", leaf.key_pem).ok());
  http::TlsOptions tls;
  tls.cert_file = dir / "tls.crt";
  tls.key_file = dir / "tls.key";
  BundleServer server(tls);
  server.set_long_poll(false);
  server.set_token("s3cret");
  server.Publish(MakeBundle("tls"));
  ASSERT_TRUE(server.Start().ok());

  Activations acts;
  ClientOptions o = Fast(server.url());
  o.ca_file = dir / "ca.pem";
  Client no_token(o, acts.Callback());
  Status st = no_token.PollOnce();
  EXPECT_NE(st.message().find("401"), std::string_view::npos) << st.ToString();

  o.bearer_token = "s3cret";
  Client client(o, acts.Callback());
  st = client.PollOnce();
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(acts.get(), std::vector<std::string>{"tls"});
  EXPECT_EQ(server.seen().back().authorization, "Bearer s3cret");

  // Without the CA the server's certificate is not trusted.
  o.ca_file.clear();
  Client untrusting(o, acts.Callback());
  EXPECT_FALSE(untrusting.PollOnce().ok());
}

TEST(BundleClient, LimitsAndBadConfiguration) {
  BundleServer server;
  server.set_long_poll(false);
  server.Publish(MakeBundle("big"));
  ASSERT_TRUE(server.Start().ok());
  Activations acts;
  ClientOptions o = Fast(server.url());
  o.read.limits.max_compressed_bytes = 16;
  Client small(o, acts.Callback());
  Status st = small.PollOnce();
  EXPECT_EQ(st.code(), StatusCode::kEvalLimitError) << st.ToString();
  EXPECT_EQ(acts.count(), 0u);

  Client no_url(ClientOptions{}, acts.Callback());
  EXPECT_FALSE(no_url.Start().ok());
  ClientOptions ftp = Fast("ftp://127.0.0.1/x");
  Client bad_scheme(ftp, acts.Callback());
  EXPECT_FALSE(bad_scheme.Start().ok());
  Client not_found(Fast("http://127.0.0.1:" + std::to_string(server.port()) + "/nope"),
                   acts.Callback());
  st = not_found.PollOnce();
  EXPECT_NE(st.message().find("404"), std::string_view::npos) << st.ToString();
}

}  // namespace
}  // namespace fedra::bundle
