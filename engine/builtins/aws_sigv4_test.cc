// providers.aws.sign_req: signatures from OPA's cases and AWS's published
// SigV4 example, and OPA's error wording in its check order.
#include <gtest/gtest.h>

#include "builtins/builtin_test_util.h"

namespace fedra::builtins {
namespace {

using namespace testing;  // NOLINT

constexpr int64_t kTime = 1451311705000000000;  // 2015-12-28T14:08:25Z

Value Config(bool with_token = false) {
  std::vector<ObjectEntry> e = {
      {S("aws_access_key"), S("MYAWSACCESSKEYGOESHERE")},
      {S("aws_secret_access_key"), S("MYAWSSECRETACCESSKEYGOESHERE")},
      {S("aws_service"), S("s3")},
      {S("aws_region"), S("us-east-1")},
  };
  if (with_token) e.emplace_back(S("aws_session_token"), S("MYAWSSECURITYTOKENGOESHERE"));
  return O(std::move(e));
}

Value Header(const Value& signed_req, std::string_view name) {
  const Value* h = signed_req.Find("headers");
  if (h == nullptr) return Value();
  const Value* v = h->Find(name);
  return v ? *v : Value();
}

TEST(AwsSignReqTest, MatchesOpaSignatureWithoutBody) {
  Value req = O({{S("method"), S("get")}, {S("url"), S("http://example.com")}});
  Value out = Eval("providers.aws.sign_req", {req, Config(), I(kTime)});
  EXPECT_EQ(Header(out, "Authorization"),
            S("AWS4-HMAC-SHA256 Credential=MYAWSACCESSKEYGOESHERE/20151228/us-east-1/s3/aws4_request,"
              "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
              "Signature=0047a7016c81e5c7f29cd522f97e911e04fc472fced0aee7916cbc287ad6c8e3"));
  EXPECT_EQ(Header(out, "host"), S("example.com"));
  EXPECT_EQ(Header(out, "x-amz-date"), S("20151228T140825Z"));
  EXPECT_EQ(Header(out, "x-amz-content-sha256"),
            S("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  EXPECT_EQ(*out.Find("method"), S("get"));
  EXPECT_EQ(out.Find("headers")->size(), 4u);
}

TEST(AwsSignReqTest, SessionTokenIsSigned) {
  Value req = O({{S("method"), S("get")}, {S("url"), S("http://example.com")}});
  Value out = Eval("providers.aws.sign_req", {req, Config(true), I(kTime)});
  EXPECT_EQ(Header(out, "x-amz-security-token"), S("MYAWSSECURITYTOKENGOESHERE"));
  EXPECT_NE(Header(out, "Authorization").str().find(
                "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"
                "Signature=23c31bda8a74630c0a94f6b82a3511e7e74728df98e6f54ed0840488dbbdc8d1"),
            std::string_view::npos);
}

TEST(AwsSignReqTest, BodyIsJsonEncodedAndRawBodyWins) {
  Value body = O({{S("example"), Set({I(1), I(2), I(3), I(4)})}});
  Value req = O({{S("method"), S("get")}, {S("url"), S("http://example.com")}, {S("body"), body}});
  Value out = Eval("providers.aws.sign_req", {req, Config(), I(kTime)});
  EXPECT_EQ(Header(out, "x-amz-content-sha256"),
            S("bacff6243c850423883052ac3c336fd645994442933408dfd3f9e858e69bda07"));
  EXPECT_EQ(*out.Find("body"), body);

  Value both = O({{S("method"), S("get")}, {S("url"), S("http://example.com")}, {S("body"), body},
                  {S("raw_body"), S("{\"example\": {1, 2, 3, 4}}")}});
  out = Eval("providers.aws.sign_req", {both, Config(), I(kTime)});
  EXPECT_NE(Header(out, "Authorization").str().find(
                "Signature=5bf26e169cb8b02330dba39d53932532438fc856c2f10537689a09ed807c7195"),
            std::string_view::npos);
}

TEST(AwsSignReqTest, RequestHeadersAreSignedExceptIgnoredOnes) {
  Value req = O({{S("method"), S("get")},
                 {S("url"), S("https://example.com")},
                 {S("headers"), O({{S("foo"), S("bar")}, {S("User-Agent"), S("x")}})}});
  Value out = Eval("providers.aws.sign_req", {req, Config(), I(kTime)});
  EXPECT_NE(Header(out, "Authorization").str().find(
                "SignedHeaders=foo;host;x-amz-content-sha256;x-amz-date,"
                "Signature=8f1dc7c9b9978356a0d0989fd26a95307f4f8a4aa264d8220647b7097d839952"),
            std::string_view::npos)
      << ToRegoString(out);
  EXPECT_EQ(Header(out, "foo"), S("bar"));
  EXPECT_EQ(Header(out, "User-Agent"), S("x"));  // kept, not signed
}

// AWS's documented "get-vanilla" case: GET / on example.amazonaws.com,
// 20150830T123600Z, service "service", key AKIDEXAMPLE.
TEST(AwsSignReqTest, AwsGetVanillaExample) {
  Value config = O({{S("aws_access_key"), S("AKIDEXAMPLE")},
                    {S("aws_secret_access_key"), S("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")},
                    {S("aws_service"), S("service")},
                    {S("aws_region"), S("us-east-1")}});
  Value req = O({{S("method"), S("GET")}, {S("url"), S("https://example.amazonaws.com/")}});
  Value out = Eval("providers.aws.sign_req", {req, config, I(1440938160000000000)});
  EXPECT_EQ(Header(out, "Authorization"),
            S("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,"
              "SignedHeaders=host;x-amz-date,"
              "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
  EXPECT_TRUE(Header(out, "x-amz-content-sha256").is_undefined());  // only s3 and glacier
}

TEST(AwsSignReqTest, UnsignedPayload) {
  Value config = O({{S("aws_access_key"), S("a")}, {S("aws_secret_access_key"), S("b")},
                    {S("aws_service"), S("s3")}, {S("aws_region"), S("r")},
                    {S("disable_payload_signing"), B(true)}});
  Value req = O({{S("method"), S("PUT")}, {S("url"), S("https://b.s3.amazonaws.com/k?x=1")},
                 {S("raw_body"), S("data")}});
  Value out = Eval("providers.aws.sign_req", {req, config, I(kTime)});
  EXPECT_EQ(Header(out, "x-amz-content-sha256"), S("UNSIGNED-PAYLOAD"));
  EXPECT_EQ(Header(out, "host"), S("b.s3.amazonaws.com"));
}

TEST(AwsSignReqTest, ErrorsInOpaOrder) {
  Value good = O({{S("method"), S("get")}, {S("url"), S("http://example.com")}});
  ExpectTypeError("providers.aws.sign_req", {S("x"), Config(), I(kTime)},
                  "operand 1 must be object but got string");
  ExpectTypeError("providers.aws.sign_req", {good, I(1), I(kTime)},
                  "operand 1 must be object but got number");
  ExpectTypeError("providers.aws.sign_req", {good, O({{S("example"), S("example")}}), I(kTime)},
                  "operand 2 missing required AWS config parameters(s): {\"aws_access_key\", "
                  "\"aws_region\", \"aws_secret_access_key\", \"aws_service\"}");
  ExpectTypeError("providers.aws.sign_req",
                  {good,
                   O({{S("aws_access_key"), I(1)}, {S("aws_secret_access_key"), S("s")},
                      {S("aws_service"), I(4)}, {S("aws_region"), S("r")}}),
                   I(kTime)},
                  "operand 2 invalid values for required AWS config parameters(s): "
                  "{\"aws_access_key\", \"aws_service\"}");
  ExpectTypeError("providers.aws.sign_req", {good, Config(), D(-1e9)},
                  "operand 3 could not convert time_ns value into a unix timestamp");
  ExpectTypeError("providers.aws.sign_req", {good, Config(), D(1.5)},
                  "operand 3 could not convert time_ns value into a unix timestamp");
  ExpectTypeError("providers.aws.sign_req", {O({}), Config(), I(kTime)},
                  "operand 1 missing required request parameters(s): {\"method\", \"url\"}");
  ExpectTypeError("providers.aws.sign_req",
                  {O({{S("method"), S("get")}, {S("url"), S("u")}, {S("nope"), I(1)}}), Config(), I(kTime)},
                  "operand 1 invalid request parameters(s): {\"nope\"}");
  ExpectTypeError("providers.aws.sign_req",
                  {O({{S("method"), Set({})}, {S("url"), Set({})}}), Config(), I(kTime)},
                  "operand 1 invalid values for required request parameters(s): {\"method\", \"url\"}");
  Value config = O({{S("aws_access_key"), S("a")}, {S("aws_secret_access_key"), S("b")},
                    {S("aws_service"), S("s3")}, {S("aws_region"), S("r")},
                    {S("disable_payload_signing"), S("false")}});
  ExpectTypeError("providers.aws.sign_req", {good, config, I(kTime)},
                  "operand 2 invalid value for 'disable_payload_signing' in AWS config");
  ExpectBuiltinError("providers.aws.sign_req",
                     {O({{S("method"), S("get")}, {S("url"), S("http://a b")}}), Config(), I(kTime)},
                     "parse \"http://a b\": invalid character \" \" in host name");
}

}  // namespace
}  // namespace fedra::builtins
