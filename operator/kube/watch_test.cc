#include "operator/kube/watch.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <future>
#include <thread>

#include "http/server.h"
#include "operator/kube/test_util.h"

namespace fedra::op::kube {
namespace {

using testing::Eventually;

const GroupVersionResource kWidgets{"test.fedra.io", "v1", "widgets", true};

// A real HTTP server whose watch responses the test writes by hand: each
// watch request either gets the queued error answer, or a chunked stream
// handed to the test through NextStream().
class WatchServer {
 public:
  struct Conn {
    std::string target;
    std::shared_ptr<http::Stream> stream;
  };

  WatchServer() {
    http::ServerOptions o;
    o.threads = 2;
    server_ = std::make_unique<http::Server>(o, [this](http::Request& r, http::Responder resp) {
      std::unique_lock<std::mutex> lock(mu_);
      if (!answers_.empty()) {
        http::Response a = answers_.front();
        answers_.pop_front();
        targets_.push_back(r.target);
        lock.unlock();
        resp.Send(std::move(a));
        return;
      }
      http::Headers h;
      h.Add("Content-Type", "application/json");
      auto stream = resp.StartStream(200, h);
      conns_.push_back({r.target, stream});
      targets_.push_back(r.target);
      cv_.notify_all();
    });
    EXPECT_TRUE(server_->Start().ok());
  }
  ~WatchServer() { server_->Stop(); }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  void Stop() { server_->Stop(); }

  // The next watch connection (waits up to 10 s).
  Conn NextStream() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return !conns_.empty(); });
    if (conns_.empty()) {
      ADD_FAILURE() << "no watch connection arrived";
      return {};
    }
    Conn c = conns_.front();
    conns_.pop_front();
    return c;
  }
  void Answer(int code, const std::string& reason, const std::string& retry_after = "") {
    nlohmann::json s = {{"kind", "Status"}, {"apiVersion", "v1"}, {"status", "Failure"},
                        {"reason", reason}, {"code", code},       {"message", reason + " (test)"}};
    http::Response r = http::Response::Json(code, s.dump());
    if (!retry_after.empty()) r.headers.Add("Retry-After", retry_after);
    std::lock_guard<std::mutex> lock(mu_);
    answers_.push_back(std::move(r));
  }
  std::vector<std::string> targets() const {
    std::lock_guard<std::mutex> lock(mu_);
    return targets_;
  }

 private:
  std::unique_ptr<http::Server> server_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Conn> conns_;
  std::deque<http::Response> answers_;
  std::vector<std::string> targets_;
};

std::string Event(const std::string& type, const std::string& name, const std::string& rv) {
  nlohmann::json e = {{"type", type},
                      {"object",
                       {{"apiVersion", "test.fedra.io/v1"},
                        {"kind", "Widget"},
                        {"metadata", {{"name", name}, {"resourceVersion", rv}}}}}};
  return e.dump() + "\n";
}

std::string ErrorEvent(int code, const std::string& reason) {
  nlohmann::json e = {{"type", "ERROR"},
                      {"object",
                       {{"kind", "Status"},
                        {"apiVersion", "v1"},
                        {"status", "Failure"},
                        {"message", "too old resource version: 5 (90)"},
                        {"reason", reason},
                        {"code", code}}}};
  return e.dump() + "\n";
}

// Runs a Watch on its own thread, collecting events.
class Runner {
 public:
  Runner(Client* client, WatchOptions options, std::function<bool(const WatchEvent&)> keep = {})
      : watch_(client, kWidgets, "ns1", AddErrorSink(std::move(options))), keep_(std::move(keep)) {
    result_ = std::async(std::launch::async, [this] {
      return watch_.Run([this](const WatchEvent& ev) {
        {
          std::lock_guard<std::mutex> lock(mu_);
          events_.push_back(ev);
        }
        return keep_ ? keep_(ev) : true;
      });
    });
  }
  ~Runner() {
    watch_.Stop();
    if (result_.valid()) result_.wait();
  }
  size_t count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return events_.size();
  }
  std::vector<WatchEvent> events() const {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }
  std::vector<std::string> errors() const {
    std::lock_guard<std::mutex> lock(mu_);
    return errors_;
  }
  Watch& watch() { return watch_; }
  // Waits (bounded) for Run to return.
  WatchResult Wait() {
    EXPECT_EQ(result_.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    return result_.get();
  }

 private:
  WatchOptions AddErrorSink(WatchOptions o) {
    o.on_error = [this](const ApiStatus& st) {
      std::lock_guard<std::mutex> lock(mu_);
      errors_.push_back(st.ToString());
    };
    o.backoff_initial = std::chrono::milliseconds(10);
    o.backoff_max = std::chrono::milliseconds(50);
    return o;
  }

  mutable std::mutex mu_;
  std::vector<WatchEvent> events_;
  std::vector<std::string> errors_;
  Watch watch_;
  std::function<bool(const WatchEvent&)> keep_;
  std::future<WatchResult> result_;
};

std::unique_ptr<Client> MakeClient(const std::string& url) {
  RestConfig rc;
  rc.server = url;
  rc.qps = 0;
  std::unique_ptr<Client> c;
  EXPECT_TRUE(Client::Create(rc, &c).ok());
  return c;
}

TEST(ParseWatchEvent, GoodAndBadLines) {
  WatchEvent ev;
  ASSERT_TRUE(ParseWatchEvent(Event("MODIFIED", "a", "7"), &ev).ok());
  EXPECT_EQ(ev.type, EventType::kModified);
  EXPECT_EQ(ev.resource_version, "7");
  ASSERT_TRUE(ParseWatchEvent(ErrorEvent(410, "Expired"), &ev).ok());
  EXPECT_EQ(ev.type, EventType::kError);
  EXPECT_TRUE(IsGone(ev.error));
  struct Case {
    std::string line;
    std::string want;
  } cases[] = {
      {"garbage", "not JSON at byte 1"},
      {"{\"type\":\"ADDED\",\"obj", "not JSON"},
      {"[1,2]", "event is not an object"},
      {"{\"object\":{}}", "event has no type"},
      {"{\"type\":\"UPSERTED\",\"object\":{}}", "event type \"UPSERTED\" unknown"},
      {"{\"type\":\"ADDED\"}", "ADDED event has no object"},
      {"{\"type\":\"ADDED\",\"object\":{\"kind\":\"Widget\"}}",
       "ADDED event object has no metadata"},
      {"{\"type\":\"DELETED\",\"object\":{\"metadata\":{\"name\":\"a\"}}}",
       "no metadata.resourceVersion"},
  };
  for (const Case& c : cases) {
    ApiStatus st = ParseWatchEvent(c.line, &ev);
    ASSERT_FALSE(st.ok()) << c.line;
    EXPECT_EQ(st.reason(), Reason::kBadResponse);
    EXPECT_NE(st.ToString().find(c.want), std::string::npos) << st.ToString();
  }
}

TEST(Watch, DeliversInOrderAndResumesFromLastVersion) {
  WatchServer server;
  auto client = MakeClient(server.url());
  WatchOptions o;
  o.resource_version = "4";
  o.label_selector = "app=demo";
  o.timeout_seconds = 60;
  Runner run(client.get(), o);
  auto c1 = server.NextStream();
  EXPECT_NE(c1.target.find("watch=1"), std::string::npos);
  EXPECT_NE(c1.target.find("resourceVersion=4"), std::string::npos) << c1.target;
  EXPECT_NE(c1.target.find("allowWatchBookmarks=true"), std::string::npos);
  EXPECT_NE(c1.target.find("timeoutSeconds=60"), std::string::npos);
  EXPECT_NE(c1.target.find("labelSelector=app%3Ddemo"), std::string::npos);
  // Two events in one chunk, one split across chunks, a blank keep-alive line.
  ASSERT_TRUE(c1.stream->Write(Event("ADDED", "a", "5") + Event("MODIFIED", "a", "6")));
  std::string bookmark = Event("BOOKMARK", "", "8");
  ASSERT_TRUE(c1.stream->Write(bookmark.substr(0, 10)));
  ASSERT_TRUE(c1.stream->Write(bookmark.substr(10) + "\n"));
  ASSERT_TRUE(Eventually([&] { return run.count() == 3; }));
  c1.stream->Close();  // the server's timeout: a clean end

  auto c2 = server.NextStream();
  EXPECT_NE(c2.target.find("resourceVersion=8"), std::string::npos) << c2.target;
  ASSERT_TRUE(c2.stream->Write(Event("DELETED", "a", "9")));
  ASSERT_TRUE(Eventually([&] { return run.count() == 4; }));

  // Stop while the stream is open and idle: Run returns promptly.
  run.watch().Stop();
  WatchResult r = run.Wait();
  EXPECT_EQ(r.end, WatchEnd::kStopped);
  EXPECT_EQ(r.resource_version, "9");
  EXPECT_EQ(r.events, 4u);
  EXPECT_EQ(r.connections, 2u);
  auto events = run.events();
  EXPECT_EQ(events[0].type, EventType::kAdded);
  EXPECT_EQ(events[1].type, EventType::kModified);
  EXPECT_EQ(events[2].type, EventType::kBookmark);
  EXPECT_EQ(events[3].type, EventType::kDeleted);
  EXPECT_TRUE(run.errors().empty());
}

TEST(Watch, ExpiredInsideTheStream) {
  WatchServer server;
  auto client = MakeClient(server.url());
  Runner run(client.get(), {});
  auto c = server.NextStream();
  ASSERT_TRUE(c.stream->Write(Event("ADDED", "a", "5") + ErrorEvent(410, "Expired")));
  WatchResult r = run.Wait();
  EXPECT_EQ(r.end, WatchEnd::kExpired);
  EXPECT_TRUE(IsGone(r.status)) << r.status.ToString();
  EXPECT_EQ(r.resource_version, "5");
  auto events = run.events();
  ASSERT_EQ(events.size(), 2u);  // the ERROR event is delivered too
  EXPECT_EQ(events[1].type, EventType::kError);
  EXPECT_TRUE(IsGone(events[1].error));
}

TEST(Watch, GoneAndGatewayTimeoutAnswersAreDistinct) {
  WatchServer server;
  auto client = MakeClient(server.url());
  server.Answer(410, "Gone");
  {
    Runner run(client.get(), {});
    WatchResult r = run.Wait();
    EXPECT_EQ(r.end, WatchEnd::kExpired);
    EXPECT_EQ(r.status.http_code(), 410);
  }
  server.Answer(504, "Timeout");
  {
    Runner run(client.get(), {});
    WatchResult r = run.Wait();
    EXPECT_EQ(r.end, WatchEnd::kGatewayTimeout);
    EXPECT_TRUE(IsTimeout(r.status));
  }
  server.Answer(403, "Forbidden");
  {
    Runner run(client.get(), {});
    WatchResult r = run.Wait();
    EXPECT_EQ(r.end, WatchEnd::kError);  // not retryable
    EXPECT_TRUE(IsForbidden(r.status));
    EXPECT_EQ(r.connections, 1u);
  }
  // A 429 with Retry-After is retried, then the watch proceeds.
  server.Answer(429, "TooManyRequests", "1");
  {
    Runner run(client.get(), {});
    auto c = server.NextStream();
    ASSERT_TRUE(c.stream->Write(Event("ADDED", "a", "5")));
    ASSERT_TRUE(Eventually([&] { return run.count() == 1; }));
    EXPECT_EQ(run.errors().size(), 1u);
  }
}

TEST(Watch, GarbageLineIsAnErrorAndTheWatchResumes) {
  WatchServer server;
  auto client = MakeClient(server.url());
  Runner run(client.get(), {});
  auto c1 = server.NextStream();
  ASSERT_TRUE(c1.stream->Write(Event("ADDED", "a", "10") + "this is not json\n"));
  // The bad line drops the connection; the watch resumes from version 10.
  auto c2 = server.NextStream();
  EXPECT_NE(c2.target.find("resourceVersion=10"), std::string::npos) << c2.target;
  ASSERT_TRUE(c2.stream->Write(Event("MODIFIED", "a", "11")));
  ASSERT_TRUE(Eventually([&] { return run.count() == 2; }));
  auto errors = run.errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("watch line 2: not JSON at byte 2: \"this is not json\""),
            std::string::npos)
      << errors[0];
  // A line cut off by the end of the stream.
  ASSERT_TRUE(c2.stream->Write("{\"type\":\"ADDED\",\"object\":{\"metad"));
  c2.stream->Close();
  auto c3 = server.NextStream();
  EXPECT_NE(c3.target.find("resourceVersion=11"), std::string::npos) << c3.target;
  errors = run.errors();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[1].find("truncated at end of stream"), std::string::npos) << errors[1];
  EXPECT_EQ(run.count(), 2u);  // nothing bad was delivered
}

TEST(Watch, WithoutReconnectErrorsAndEndsAreReturned) {
  WatchServer server;
  auto client = MakeClient(server.url());
  WatchOptions o;
  o.reconnect = false;
  {
    Runner run(client.get(), o);
    auto c = server.NextStream();
    ASSERT_TRUE(c.stream->Write("{\"type\":\"BOOM\",\"object\":{}}\n"));
    WatchResult r = run.Wait();
    EXPECT_EQ(r.end, WatchEnd::kError);
    EXPECT_EQ(r.status.reason(), Reason::kBadResponse);
    EXPECT_NE(r.status.ToString().find("\"BOOM\" unknown"), std::string::npos);
  }
  {
    Runner run(client.get(), o);
    auto c = server.NextStream();
    c.stream->Close();
    EXPECT_EQ(run.Wait().end, WatchEnd::kClosed);
  }
  o.max_line_bytes = 100;
  {
    Runner run(client.get(), o);
    auto c = server.NextStream();
    c.stream->Write(std::string(1000, 'x'));
    WatchResult r = run.Wait();
    EXPECT_EQ(r.end, WatchEnd::kError);
    EXPECT_NE(r.status.ToString().find("longer than 100 bytes"), std::string::npos);
  }
}

TEST(Watch, HandlerCanStopIt) {
  WatchServer server;
  auto client = MakeClient(server.url());
  Runner run(client.get(), {}, [](const WatchEvent& ev) { return ev.resource_version != "6"; });
  auto c = server.NextStream();
  ASSERT_TRUE(c.stream->Write(Event("ADDED", "a", "5") + Event("ADDED", "b", "6") +
                              Event("ADDED", "c", "7")));
  WatchResult r = run.Wait();
  EXPECT_EQ(r.end, WatchEnd::kHandlerStopped);
  EXPECT_EQ(r.resource_version, "6");
  EXPECT_EQ(run.count(), 2u);
}

TEST(Watch, UnreachableServerGivesUpAfterBoundedFailures) {
  WatchServer server;
  std::string url = server.url();
  server.Stop();
  auto client = MakeClient(url);
  WatchOptions o;
  o.max_consecutive_failures = 3;
  Runner run(client.get(), o);
  WatchResult r = run.Wait();
  EXPECT_EQ(r.end, WatchEnd::kError);
  EXPECT_TRUE(IsTransport(r.status)) << r.status.ToString();
  EXPECT_EQ(r.connections, 3u);
  EXPECT_EQ(run.errors().size(), 3u);
}

TEST(Watch, StopBeforeRun) {
  WatchServer server;
  auto client = MakeClient(server.url());
  Watch w(client.get(), kWidgets, "", {});
  w.Stop();
  WatchResult r = w.Run([](const WatchEvent&) { return true; });
  EXPECT_EQ(r.end, WatchEnd::kStopped);
  EXPECT_EQ(r.connections, 0u);
  EXPECT_TRUE(server.targets().empty());
}

// Many events through one stream: all arrive, in order. Prints the rate as
// a figure for the record (no assertion on it).
TEST(Watch, ManyEventsArriveInOrder) {
  WatchServer server;
  auto client = MakeClient(server.url());
  constexpr int kEvents = 20000;
  std::atomic<int> next{1};
  std::atomic<bool> in_order{true};
  Runner run(client.get(), {}, [&](const WatchEvent& ev) {
    if (ev.resource_version != std::to_string(next.load())) in_order = false;
    ++next;
    return true;
  });
  auto c = server.NextStream();
  auto start = std::chrono::steady_clock::now();
  std::string batch;
  for (int i = 1; i <= kEvents; ++i) {
    batch += Event("MODIFIED", "w" + std::to_string(i % 100), std::to_string(i));
    if (i % 50 == 0) {
      ASSERT_TRUE(c.stream->Write(std::move(batch)));
      batch.clear();
    }
  }
  ASSERT_TRUE(Eventually([&] { return run.count() == kEvents; }));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(in_order.load());
  std::printf("watch throughput: %d events in %.3f s (%.0f events/s)\n", kEvents, secs,
              kEvents / secs);
}

TEST(Watch, UnauthorizedIsRetriedOnce) {
  WatchServer server;
  auto client = MakeClient(server.url());
  server.Answer(401, "Unauthorized");
  server.Answer(401, "Unauthorized");
  Runner run(client.get(), {});
  WatchResult r = run.Wait();
  EXPECT_EQ(r.end, WatchEnd::kError);
  EXPECT_TRUE(IsUnauthorized(r.status));
  EXPECT_EQ(r.connections, 2u);
}

}  // namespace
}  // namespace fedra::op::kube
