// Tests for io.jwt.* builtins: decoding, signing and verification round trips
// with freshly generated keys, published vectors, constraints, and errors.
#include <gtest/gtest.h>

#include <string>

#include "builtins/crypto_internal.h"
#include "builtins/crypto_test_util.h"

namespace fedra::builtins::crypto_testing {
namespace {

const Value kUnverified = Value::Array({Value::Bool(false), Value::EmptyObject(), Value::EmptyObject()});

// OPA's test token {"alg":"HS256","typ":"JWT"}.{"sub":"0","iss":"opa"}; its
// signature is never checked by io.jwt.decode.
constexpr std::string_view kSimpleToken =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0."
    "XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY";

// RFC 7515 appendix A.1 key.
constexpr std::string_view kRfcHmacKey =
    R"({"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"})";

Value OctKey(std::string_view secret) {
  return crypto::ObjectBuilder()
      .Add("kty", S("oct"))
      .Add("k", S(crypto::Base64Encode(secret, crypto::B64::kUrl, false)))
      .Build();
}

Value Jwk(EVP_PKEY* key) {
  Value jwk;
  Status st = crypto::PrivateKeyJwk(key, &jwk);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return jwk;
}

Result DecodeVerifyAt(const Value& token, const Value& constraints, int64_t now_ns = 0) {
  Context ctx;
  ctx.now_ns = now_ns;
  ctx.now_known = true;
  return CallWith(ctx, "io.jwt.decode_verify", {token, constraints});
}

TEST(JwtDecodeTest, DecodesHeaderPayloadAndHexSignature) {
  Value v = Ok("io.jwt.decode", {S(kSimpleToken)});
  EXPECT_EQ(v, Value::Array({Json(R"({"alg":"HS256","typ":"JWT"})"), Json(R"({"iss":"opa","sub":"0"})"),
                             S("5e65682e81c8de9c4cb4c3bf59138d3122731940cff690e3cbc269d3fb5d4576")}));
}

TEST(JwtDecodeTest, UnwrapsNestedTokens) {
  // The payload of the outer token is the quoted inner token.
  std::string inner = "\"" + std::string(kSimpleToken) + "\"";
  std::string outer = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImN0eSI6IkpXVCJ9." +
                      crypto::Base64Encode(inner, crypto::B64::kUrl, false) + ".c2ln";
  EXPECT_EQ(Ok("io.jwt.decode", {S(outer)}), Ok("io.jwt.decode", {S(kSimpleToken)}));
}

TEST(JwtDecodeTest, MalformedTokensGiveClearErrors) {
  struct Case {
    std::string token;
    std::string error;
  } cases[] = {
      {"abc", "encoded JWT had no period separators"},
      {"a.b", "encoded JWT must have 3 sections, found 2"},
      {"a.b.c.d", "encoded JWT must have 3 sections, found 4"},
      {"eyJhbGciOiJIU^%zI1NiI+sInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0.XmVo",
       "JWT header had invalid encoding: illegal base64 data at input byte 13"},
      {"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwia/XNzIjoib3BhIn0.XmVo",
       "JWT payload had invalid encoding: illegal base64 data at input byte 17"},
      {"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0.XmVoLoHI3pxMtMO(_WRONM",
       "JWT signature had invalid encoding: illegal base64 data at input byte 15"},
      {"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImVuYyI6ImJsYWgifQ.e30.c2ln",
       "JWT is a JWE object, which is not supported"},
      {"bm9wZQ.e30.c2ln", "bad JWT header: invalid JSON: "},
      {"e30.WzFd.c2ln", "decoded JSON type was not an Object"},
  };
  for (const auto& c : cases) {
    Result r = Call("io.jwt.decode", {S(c.token)});
    EXPECT_EQ(r.status.code(), StatusCode::kEvalBuiltinError) << c.token;
    EXPECT_TRUE(r.status.message().starts_with(c.error)) << c.token << " -> " << r.status.ToString();
  }
  Result r = Call("io.jwt.decode", {Value::Int(1)});
  EXPECT_EQ(r.status.code(), StatusCode::kEvalTypeError);
}

TEST(JwtHmacTest, PublishedVectors) {
  // RFC 7515 appendix A.1: the header text is signed verbatim.
  Value token = Ok("io.jwt.encode_sign_raw",
                   {S("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}"),
                    S("{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}"),
                    S(kRfcHmacKey)});
  EXPECT_EQ(token, S("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
                     "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
                     "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
  // encode_sign serialises objects as Go does: sorted keys, sets as arrays.
  Value token2 = Ok("io.jwt.encode_sign",
                    {Json(R"({"alg":"HS256","typ":"JWT"})"),
                     Json(R"({"aud":["bob","saul"],"exp":1300819380,"http://example.com/is_root":true,"iss":"joe",
                              "privateParams":{"private_one":"one","private_two":"two"}})"),
                     Json(kRfcHmacKey)});
  EXPECT_EQ(token2, S("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOlsiYm9iIiwic2F1bCJdLCJleHAiOjEzMDA4MTkzODAsImh0dHA6"
                      "Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlLCJpc3MiOiJqb2UiLCJwcml2YXRlUGFyYW1zIjp7InByaXZhdGVfb25lIjoi"
                      "b25lIiwicHJpdmF0ZV90d28iOiJ0d28ifX0.-Or2eol8bzly-Ztb0v7_7UkcKBkN_aNNpK33HK0MeOY"));
}

TEST(JwtHmacTest, SignVerifyRoundTrip) {
  Value token = Ok("io.jwt.encode_sign",
                   {Json(R"({"alg":"HS256","typ":"JWT"})"), Json(R"({"user":"alice"})"), OctKey("s3cret")});
  EXPECT_EQ(Ok("io.jwt.verify_hs256", {token, S("s3cret")}), Value::Bool(true));
  EXPECT_EQ(Ok("io.jwt.verify_hs256", {token, S("wrong")}), Value::Bool(false));
  // Same secret, other hash: the signature does not match.
  EXPECT_EQ(Ok("io.jwt.verify_hs512", {token, S("s3cret")}), Value::Bool(false));

  Result r = DecodeVerifyAt(token, Json(R"({"secret":"s3cret"})"));
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.value, Value::Array({Value::Bool(true), Json(R"({"alg":"HS256","typ":"JWT"})"),
                                   Json(R"({"user":"alice"})")}));
  EXPECT_EQ(DecodeVerifyAt(token, Json(R"({"secret":"wrong"})")).value, kUnverified);
  EXPECT_EQ(DecodeVerifyAt(token, Json(R"({"secret":"s3cret","alg":"HS512"})")).value, kUnverified);

  for (int bits : {384, 512}) {
    std::string alg = "HS" + std::to_string(bits);
    Value t = Ok("io.jwt.encode_sign", {Json(R"({"alg":")" + alg + R"("})"), Json("{}"), OctKey("k")});
    EXPECT_EQ(Ok("io.jwt.verify_hs" + std::to_string(bits), {t, S("k")}), Value::Bool(true)) << alg;
  }
}

TEST(JwtHmacTest, VerifyErrors) {
  Result r = Call("io.jwt.verify_hs256", {S("a.b"), S("k")});
  EXPECT_EQ(r.status.message(), "encoded JWT must have 3 sections, found 2");
  r = Call("io.jwt.verify_hs256", {S("a.b.c"), Value::Int(3)});
  EXPECT_EQ(r.status.message(), "operand 2 must be string but got number");
}

TEST(JwtConstraintsTest, ExpiryNotBeforeIssuerAudience) {
  Value key = OctKey("k");
  Value token = Ok("io.jwt.encode_sign",
                   {Json(R"({"alg":"HS256"})"), Json(R"({"exp":3000,"nbf":1000,"iss":"xxx","aud":"fred"})"), key});
  auto verify = [&](const char* constraints) {
    Result r = DecodeVerifyAt(token, Json(constraints));
    EXPECT_TRUE(r.status.ok()) << constraints << ": " << r.status.ToString();
    return r.value.is_array() ? r.value.array()[0] : Value();
  };
  EXPECT_EQ(verify(R"({"secret":"k","aud":"fred","time":2000000000000})"), Value::Bool(true));
  // Expired: exp is the first instant the token is invalid.
  EXPECT_EQ(verify(R"({"secret":"k","aud":"fred","time":3000000000000})"), Value::Bool(false));
  EXPECT_EQ(verify(R"({"secret":"k","aud":"fred","time":4000000000000})"), Value::Bool(false));
  // Not yet valid.
  EXPECT_EQ(verify(R"({"secret":"k","aud":"fred","time":500000000000})"), Value::Bool(false));
  EXPECT_EQ(verify(R"({"secret":"k","aud":"fred","time":1000000000000})"), Value::Bool(true));
  EXPECT_EQ(verify(R"({"secret":"k","aud":"fred","time":2000000000000,"iss":"xxx"})"), Value::Bool(true));
  EXPECT_EQ(verify(R"({"secret":"k","aud":"fred","time":2000000000000,"iss":"yyy"})"), Value::Bool(false));
  // A token with an audience needs a matching aud constraint.
  EXPECT_EQ(verify(R"({"secret":"k","time":2000000000000})"), Value::Bool(false));
  EXPECT_EQ(verify(R"({"secret":"k","aud":"cath","time":2000000000000})"), Value::Bool(false));

  // Without a time constraint the evaluation's clock decides.
  Value constraints = Json(R"({"secret":"k","aud":"fred"})");
  EXPECT_EQ(DecodeVerifyAt(token, constraints, int64_t{2000} * 1000000000).value.array()[0], Value::Bool(true));
  EXPECT_EQ(DecodeVerifyAt(token, constraints, int64_t{5000} * 1000000000).value, kUnverified);
}

TEST(JwtConstraintsTest, InvalidConstraintsAndClaims) {
  Value token = Ok("io.jwt.encode_sign", {Json(R"({"alg":"HS256"})"), Json(R"({"exp":null})"), OctKey("42")});
  struct Case {
    const char* constraints;
    const char* error;
  } cases[] = {
      {R"({"secret":"42"})", "exp value must be a number"},
      {R"({})", "no key constraint"},
      {R"({"secret":""})", "no key constraint"},
      {R"({"secret":"42","cert":"{\"kty\":\"oct\",\"k\":\"NDI\"}"})", "duplicate key constraints"},
      {R"({"secret":"42","foo":1})", "unknown token validation constraint: foo"},
      {R"({"secret":42})", "secret constraint: must be a string"},
      {R"({"secret":"42","time":"now"})", "token time constraint: must be a number"},
      {R"({"secret":"42","time":-1})", "token time constraint: must not be negative"},
      {R"({"cert":"-----BEGIN CERT-----\nZm9v\n-----END CERT-----\n"})",
       "failed to extract a Key from the PEM certificate"},
  };
  for (const auto& c : cases) {
    Result r = DecodeVerifyAt(token, Json(c.constraints));
    EXPECT_EQ(r.status.code(), StatusCode::kEvalBuiltinError) << c.constraints;
    EXPECT_EQ(r.status.message(), c.error) << c.constraints;
  }
  Value nbf = Ok("io.jwt.encode_sign", {Json(R"({"alg":"HS256"})"), Json(R"({"nbf":"soon"})"), OctKey("42")});
  EXPECT_EQ(DecodeVerifyAt(nbf, Json(R"({"secret":"42"})")).status.message(), "nbf value must be a number");
  Result r = DecodeVerifyAt(token, Value::Int(1));
  EXPECT_EQ(r.status.message(), "operand 2 must be object but got number");
}

TEST(JwtRsaTest, SignVerifyRoundTrip) {
  EVP_PKEY* key = SharedRsaKey();
  Value jwk = Ok("crypto.x509.parse_rsa_private_key", {S(PrivateKeyPem(key, false))});
  std::string pub = PublicKeyPem(key);
  Value payload = Json(R"({"sub":"bob","admin":true})");
  for (const char* family : {"RS", "PS"}) {
    for (int bits : {256, 384, 512}) {
      std::string alg = family + std::to_string(bits);
      Value token = Ok("io.jwt.encode_sign", {Json(R"({"alg":")" + alg + R"(","typ":"JWT"})"), payload, jwk});
      std::string verify = "io.jwt.verify_" + std::string(family == std::string("RS") ? "rs" : "ps") +
                           std::to_string(bits);
      EXPECT_EQ(Ok(verify, {token, S(pub)}), Value::Bool(true)) << alg;
      // The other padding scheme does not verify.
      std::string other = std::string(family == std::string("RS") ? "io.jwt.verify_ps" : "io.jwt.verify_rs") +
                          std::to_string(bits);
      EXPECT_EQ(Ok(other, {token, S(pub)}), Value::Bool(false)) << alg;
      Result r = DecodeVerifyAt(token, crypto::ObjectBuilder().Add("cert", S(pub)).Build());
      ASSERT_TRUE(r.status.ok()) << r.status.ToString();
      EXPECT_EQ(r.value.array()[0], Value::Bool(true)) << alg;
      EXPECT_EQ(r.value.array()[2], payload);
    }
  }
  // A token signed by another key does not verify.
  PkeyPtr other(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
  Value token = Ok("io.jwt.encode_sign", {Json(R"({"alg":"RS256"})"), payload, Jwk(other.get())});
  EXPECT_EQ(Ok("io.jwt.verify_rs256", {token, S(pub)}), Value::Bool(false));
  EXPECT_EQ(DecodeVerifyAt(token, crypto::ObjectBuilder().Add("cert", S(pub)).Build()).value, kUnverified);
  // Tampering with the payload breaks the signature.
  Value good = Ok("io.jwt.encode_sign", {Json(R"({"alg":"RS256"})"), payload, jwk});
  std::string s(good.str());
  size_t dot = s.find('.');
  std::string tampered = s.substr(0, dot + 1) + crypto::Base64Encode(R"({"sub":"eve"})", crypto::B64::kUrl, false) +
                         s.substr(s.find('.', dot + 1));
  EXPECT_EQ(Ok("io.jwt.verify_rs256", {S(tampered), S(pub)}), Value::Bool(false));
}

TEST(JwtRsaTest, VerifiesWithCertificateAndJwks) {
  EVP_PKEY* key = SharedRsaKey();
  Value jwk = Jwk(key);
  Value token = Ok("io.jwt.encode_sign", {Json(R"({"alg":"RS256","kid":"k2"})"), Json(R"({"x":1})"), jwk});
  X509Ptr cert = MakeCert({"signer", false, 9, -1, 30, {}}, key, nullptr, key);
  EXPECT_EQ(Ok("io.jwt.verify_rs256", {token, S(CertPem(cert.get()))}), Value::Bool(true));
  // A public JWK set: the key whose kid matches is used.
  Value public_jwk = crypto::ObjectBuilder()
                         .Add("kty", S("RSA"))
                         .Add("kid", S("k2"))
                         .Add("n", At(jwk, {S("n")}))
                         .Add("e", At(jwk, {S("e")}))
                         .Build();
  PkeyPtr ec = NewEcKey();
  Value ec_jwk = Jwk(ec.get());
  std::string jwks = R"({"keys":[)" + ToJson(ec_jwk) + "," + ToJson(public_jwk) + "]}";
  EXPECT_EQ(Ok("io.jwt.verify_rs256", {token, S(jwks)}), Value::Bool(true));
  Result r = DecodeVerifyAt(token, crypto::ObjectBuilder().Add("cert", S(jwks)).Build());
  EXPECT_EQ(r.value.array()[0], Value::Bool(true));
  // A private JWK is not a public key to OPA's verify_* functions.
  EXPECT_EQ(Ok("io.jwt.verify_rs256", {token, S(ToJson(jwk))}), Value::Bool(false));
  // An EC key for an RSA token is simply "not verified".
  EXPECT_EQ(Ok("io.jwt.verify_rs256", {token, S(PublicKeyPem(ec.get()))}), Value::Bool(false));
}

TEST(JwtRsaTest, KeyErrors) {
  Value token = S(kSimpleToken);
  struct Case {
    std::string key;
    std::string error;
  } cases[] = {
      {"-----BEGIN CERT-----\nZm9v\n-----END CERT-----", "failed to extract a Key from the PEM certificate"},
      {"-----BEGIN CERTIFICATE-----\nZm9v\n-----END CERTIFICATE-----\nEXTRA", "extra data after a PEM certificate block"},
      {"-----BEGIN CERTIFICATE-----\nZm9v\n-----END CERTIFICATE-----", "failed to parse a PEM certificate"},
      {R"({"kty":"bogus key type","e":"AQAB"})", "failed to parse a JWK key (set)"},
      {"not a key", "failed to parse a JWK key (set)"},
  };
  for (const auto& c : cases) {
    Result r = Call("io.jwt.verify_rs256", {token, S(c.key)});
    EXPECT_EQ(r.status.code(), StatusCode::kEvalBuiltinError) << c.key;
    EXPECT_TRUE(r.status.message().starts_with(c.error)) << c.key << " -> " << r.status.ToString();
  }
  Result r = Call("io.jwt.verify_rs256", {S("a.b"), S("{}")});
  EXPECT_EQ(r.status.message(), "encoded JWT must have 3 sections, found 2");
}

TEST(JwtEcdsaTest, SignVerifyRoundTrip) {
  struct Case {
    const char* curve;
    int bits;
  } cases[] = {{"P-256", 256}, {"P-384", 384}, {"P-521", 512}};
  for (const auto& c : cases) {
    PkeyPtr key = NewEcKey(c.curve);
    std::string alg = "ES" + std::to_string(c.bits);
    Value token = Ok("io.jwt.encode_sign", {Json(R"({"alg":")" + alg + R"("})"), Json(R"({"a":1})"), Jwk(key.get())});
    std::string pub = PublicKeyPem(key.get());
    EXPECT_EQ(Ok("io.jwt.verify_es" + std::to_string(c.bits), {token, S(pub)}), Value::Bool(true)) << alg;
    Result r = DecodeVerifyAt(token, crypto::ObjectBuilder().Add("cert", S(pub)).Build());
    EXPECT_EQ(r.value.array()[0], Value::Bool(true)) << alg;
    PkeyPtr other = NewEcKey(c.curve);
    EXPECT_EQ(Ok("io.jwt.verify_es" + std::to_string(c.bits), {token, S(PublicKeyPem(other.get()))}),
              Value::Bool(false));
  }
}

TEST(JwtEdDsaTest, PublishedVectorAndRoundTrip) {
  Value jwk = Json(R"({"kty":"OKP","alg":"EdDSA","crv":"Ed25519","x":"wEZFfoAj1rFKTLOOmjJjVZlCHwksuvMb2I5y_hg70E8",
                       "d":"9XI34uQzYUJfWhDZf_0nYsLMBRVu8a6dFsy60P8uugk"})");
  Value token = Ok("io.jwt.encode_sign_raw",
                   {S(R"({"alg":"EdDSA","typ":"JWT"})"),
                    S(R"({"iss":"joe","exp":1300819380,"http://example.com/is_root":true})"), S(ToJson(jwk))});
  EXPECT_EQ(token, S("eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJqb2UiLCJleHAiOjEzMDA4MTkzODAsImh0dHA6Ly9leGFtcGxl"
                     "LmNvbS9pc19yb290Ijp0cnVlfQ.jS1so-rsTaC8DdA8_ZnFXYbi9xOrMVXOviMFrahQ7ez0UKKzjU-2vxrM0ON-Vu3GXKhtBkk"
                     "O3SUtNMoeYw3zDQ"));
  std::string pub_jwk = R"({"kty":"OKP","crv":"Ed25519","x":"wEZFfoAj1rFKTLOOmjJjVZlCHwksuvMb2I5y_hg70E8"})";
  EXPECT_EQ(Ok("io.jwt.verify_eddsa", {token, S(pub_jwk)}), Value::Bool(true));

  // OPA's EdDSA vector verified with a PEM public key.
  Value opa = S("eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydW"
                "UsImlhdCI6MTUxNjIzOTAyMn0.JkKWCY39IdWEQttmdqR7VdsvT-_QxheW_eb0S5wr_j83ltux_JDUIXs7a3Dtn3xuqzuhetiuJrWIv"
                "y5TzimeCg");
  std::string pem = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAwmK6SSAu2E9V7uynkCKEaj5nZJyTvNG4x0KohsRzLpg=\n"
                    "-----END PUBLIC KEY-----\n";
  EXPECT_EQ(Ok("io.jwt.verify_eddsa", {opa, S(pem)}), Value::Bool(true));
  EXPECT_EQ(Ok("io.jwt.verify_eddsa", {token, S(pem)}), Value::Bool(false));
}

TEST(JwtEncodeTest, HeaderAndPayloadErrors) {
  Value key = S(kRfcHmacKey);
  struct Case {
    const char* header;
    const char* payload;
    const char* error;
  } cases[] = {
      {"{\"typ:\"JWT\",\r\n \"alg\":\"HS256\"}", "{}", "missing or invalid 'alg' header: cannot parse JSON"},
      {"{}", "{}", "missing or invalid 'alg' header: jwsbb: header \"alg\" not found"},
      {"", "{}", "missing or invalid 'alg' header: cannot parse JSON: cannot parse empty string"},
      {"e", "{}", "missing or invalid 'alg' header: jwsbb: header \"alg\" not found"},
      {R"({"alg":"dummy"})", "{}", "unknown JWS algorithm: dummy"},
      {R"({"typ":"JWT","alg":"HS256"})", "", "type is JWT but payload is not JSON"},
      {R"({"alg":"HS256"})", "e", "type is JWT but payload is not JSON"},
      {R"({"alg":"RS256"})", "{}", "failed to sign payload"},
  };
  for (const auto& c : cases) {
    Result r = Call("io.jwt.encode_sign_raw", {S(c.header), S(c.payload), key});
    EXPECT_EQ(r.status.code(), StatusCode::kEvalBuiltinError) << c.header;
    EXPECT_TRUE(r.status.message().starts_with(c.error)) << c.header << " -> " << r.status.ToString();
  }
  // A non-JWT media type may carry any payload, including none.
  EXPECT_EQ(Ok("io.jwt.encode_sign_raw", {S("{\"typ\":\"text/plain\",\r\n \"alg\":\"HS256\"}"), S(""), key}),
            S("eyJ0eXAiOiJ0ZXh0L3BsYWluIiwNCiAiYWxnIjoiSFMyNTYifQ..sXoGQMWwM-SmX495-htA7kndgbkwz1PnqsDeY275gnI"));
}

TEST(CryptoFamilyTest, GarbageNeverCrashes) {
  // Every builtin of the family, fed awkward operands, returns a value or an
  // eval error: never a crash, a hang or an internal error.
  const std::vector<Value> junk = {
      S(""), S("."), S(".."), S("a.b.c"), S("-----BEGIN"), S("-----BEGIN X-----\n-----END X-----\n"),
      S("e30.e30.e30"), S("eyJjdHkiOiJKV1QifQ.ZTMwLmUzMC5lMzA.e30"), S("{\"keys\":[{}]}"), S("{\"kty\":\"EC\"}"),
      S(std::string(5000, 'A')), Value::Int(7), Value::Null(), Json(R"({"cert":"x"})"), Json(R"({"secret":"s"})"),
  };
  size_t calls = 0;
  DefaultRegistry().ForEach([&](const Builtin& b) {
    if (!b.name.starts_with("crypto.") && !b.name.starts_with("io.jwt.")) return;
    for (const Value& a : junk) {
      for (const Value& c : junk) {
        std::vector<Value> args(static_cast<size_t>(b.arity), a);
        if (b.arity > 1) args[1] = c;
        Context ctx;
        Value out;
        Status st = b.fn(ctx, args, &out);
        ++calls;
        EXPECT_TRUE(st.ok() || st.code() == StatusCode::kEvalBuiltinError || st.code() == StatusCode::kEvalTypeError)
            << b.name << ": " << st.ToString();
      }
    }
  });
  EXPECT_GT(calls, 30u * 15 * 15 - 1);
}

}  // namespace
}  // namespace fedra::builtins::crypto_testing
