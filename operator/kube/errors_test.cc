#include "operator/kube/errors.h"

#include <gtest/gtest.h>

#include <thread>

#include "operator/kube/rate_limiter.h"

namespace fedra::op::kube {
namespace {

TEST(ApiStatus, OkIsCheap) {
  ApiStatus s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.reason(), Reason::kOk);
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_TRUE(s.ToStatus().ok());
  EXPECT_TRUE(ApiStatus::FromResponse(201, "{}", "", "POST /x").ok());
}

TEST(ApiStatus, ParsesStatusObjects) {
  const char* body = R"({"kind":"Status","apiVersion":"v1","status":"Failure",
    "message":"pods \"web\" not found","reason":"NotFound",
    "details":{"name":"web","kind":"pods"},"code":404})";
  ApiStatus s = ApiStatus::FromResponse(404, body, "", "GET /api/v1/namespaces/a/pods/web");
  EXPECT_TRUE(IsNotFound(s));
  EXPECT_EQ(s.http_code(), 404);
  EXPECT_EQ(s.message(), "pods \"web\" not found");
  EXPECT_EQ(s.details_name(), "web");
  EXPECT_EQ(s.details_kind(), "pods");
  EXPECT_EQ(s.ToString(),
            "GET /api/v1/namespaces/a/pods/web: 404 NotFound: pods \"web\" not found");
  EXPECT_EQ(s.ToStatus().code(), StatusCode::kNotFound);
}

TEST(ApiStatus, ReasonDistinguishesConflictKinds) {
  // Both are 409; the reason tells them apart.
  ApiStatus exists = ApiStatus::FromResponse(
      409, R"({"kind":"Status","reason":"AlreadyExists","message":"exists","code":409})", "", "");
  ApiStatus conflict = ApiStatus::FromResponse(
      409, R"({"kind":"Status","reason":"Conflict","message":"stale","code":409})", "", "");
  EXPECT_TRUE(IsAlreadyExists(exists));
  EXPECT_FALSE(IsConflict(exists));
  EXPECT_TRUE(IsConflict(conflict));
  // 410 Expired (a watch's too-old resourceVersion) counts as Gone.
  ApiStatus expired = ApiStatus::FromStatusObject(
      nlohmann::json::parse(R"({"kind":"Status","reason":"Expired","code":410,
        "message":"too old resource version: 1 vs 5"})"),
      "watch");
  EXPECT_TRUE(IsGone(expired));
  // A 500 whose reason is ServerTimeout is a timeout.
  EXPECT_TRUE(IsTimeout(ApiStatus::FromResponse(
      500, R"({"kind":"Status","reason":"ServerTimeout","code":500})", "", "")));
}

TEST(ApiStatus, InvalidCarriesFieldCauses) {
  const char* body = R"({"kind":"Status","status":"Failure","reason":"Invalid","code":422,
    "message":"FederatedPolicy.policy.fedra.io \"p\" is invalid",
    "details":{"name":"p","group":"policy.fedra.io","kind":"FederatedPolicy","causes":[
      {"reason":"FieldValueRequired","message":"Required value","field":"spec.type"},
      {"reason":"FieldValueNotSupported","message":"Unsupported value: \"Block\"","field":"spec.enforcement"}]}})";
  ApiStatus s = ApiStatus::FromResponse(422, body, "", "POST /apis/policy.fedra.io/v1alpha1/x");
  ASSERT_TRUE(IsInvalid(s));
  ASSERT_EQ(s.causes().size(), 2u);
  EXPECT_EQ(s.causes()[0].field, "spec.type");
  EXPECT_EQ(s.causes()[1].type, "FieldValueNotSupported");
  EXPECT_NE(s.ToString().find("[spec.type: Required value; spec.enforcement: Unsupported"),
            std::string::npos)
      << s.ToString();
  EXPECT_EQ(s.ToStatus().code(), StatusCode::kInvalidArgument);
}

TEST(ApiStatus, RetryAfterFromHeaderOrDetails) {
  ApiStatus h = ApiStatus::FromResponse(429, "slow down", "3", "GET /x");
  EXPECT_TRUE(IsTooManyRequests(h));
  ASSERT_TRUE(h.retry_after().has_value());
  EXPECT_EQ(h.retry_after()->count(), 3);
  EXPECT_TRUE(IsRetryable(h));
  ApiStatus d = ApiStatus::FromResponse(
      503,
      R"({"kind":"Status","reason":"ServiceUnavailable","code":503,"details":{"retryAfterSeconds":7}})",
      "", "");
  EXPECT_TRUE(IsServiceUnavailable(d));
  EXPECT_TRUE(IsServerError(d));
  EXPECT_EQ(d.retry_after()->count(), 7);
  // An HTTP-date or garbage Retry-After is ignored rather than guessed.
  EXPECT_FALSE(ApiStatus::FromResponse(429, "", "Wed, 21 Oct 2015 07:28:00 GMT", "")
                   .retry_after()
                   .has_value());
}

TEST(ApiStatus, NonStatusBodiesAreClassifiedByCode) {
  std::string html = "<html><body>" + std::string(1000, 'x') + "</body></html>";
  ApiStatus s = ApiStatus::FromResponse(502, html, "", "GET /api");
  EXPECT_EQ(s.reason(), Reason::kInternalError);
  EXPECT_TRUE(IsServerError(s));
  EXPECT_LT(s.message().size(), 400u);  // quoted, bounded
  EXPECT_TRUE(IsForbidden(ApiStatus::FromResponse(403, "", "", "")));
  EXPECT_TRUE(IsUnauthorized(ApiStatus::FromResponse(401, "Unauthorized", "", "")));
  EXPECT_EQ(ApiStatus::FromResponse(418, "", "", "").reason(), Reason::kOtherHttp);
  // A Status object without code or reason is not trusted.
  EXPECT_EQ(ApiStatus::FromStatusObject(nlohmann::json::object(), "").reason(),
            Reason::kBadResponse);
  EXPECT_EQ(ApiStatus::FromStatusObject(nlohmann::json("str"), "").reason(), Reason::kBadResponse);
}

TEST(ApiStatus, CopiesAreIndependent) {
  ApiStatus a = ApiStatus::Transport("connection refused").WithContext("GET /api");
  ApiStatus b = a;
  b = b.WithContext("ignored: context already set");
  EXPECT_EQ(b.ToString(), "GET /api: Transport: connection refused");
  EXPECT_TRUE(IsTransport(a));
  EXPECT_TRUE(IsRetryable(a));
  EXPECT_EQ(a.ToStatus().code(), StatusCode::kIoError);
  EXPECT_FALSE(IsRetryable(ApiStatus::Make(Reason::kForbidden, "no", 403)));
}

TEST(TokenBucket, BurstThenPaced) {
  TokenBucket b(1000.0, 3);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(b.TryAcquire());
  EXPECT_FALSE(b.TryAcquire());  // burst spent
  EXPECT_EQ(b.waits(), 0u);
  // The next ones wait (about a millisecond each) and succeed.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(b.Acquire(std::chrono::seconds(5)));
  EXPECT_GE(b.waits(), 1u);
  EXPECT_GT(b.total_wait().count(), 0);
}

TEST(TokenBucket, RefusesWaitsLongerThanAllowedWithoutSleeping) {
  TokenBucket b(0.01, 1);  // one token per 100 s
  EXPECT_TRUE(b.Acquire(std::chrono::milliseconds(0)));
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(b.Acquire(std::chrono::seconds(1)));
  // Failing fast: the refusal did not sleep the full wait (generous bound).
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(50));
  EXPECT_EQ(b.waits(), 0u);
}

TEST(TokenBucket, CancelWakesSleepers) {
  TokenBucket b(0.05, 1);  // next token in 20 s
  ASSERT_TRUE(b.TryAcquire());
  std::atomic<int> result{-1};
  std::thread t([&] { result = b.Acquire(std::chrono::seconds(60)) ? 1 : 0; });
  // Wait until the sleeper has reserved its token, then cancel.
  for (int i = 0; i < 2000 && b.waits() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(b.waits(), 1u);
  b.Cancel();
  t.join();
  EXPECT_EQ(result.load(), 0);
  EXPECT_FALSE(b.Acquire(std::chrono::seconds(60)));
}

TEST(TokenBucket, ZeroQpsIsUnlimited) {
  TokenBucket b(0, 1);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(b.Acquire(std::chrono::milliseconds(0)));
}

}  // namespace
}  // namespace fedra::op::kube
