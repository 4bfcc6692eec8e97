// Tests for crypto.* builtins and the Go-compatible codecs behind them.
#include <gtest/gtest.h>

#include <string>

#include "builtins/crypto_internal.h"
#include "builtins/crypto_test_util.h"

namespace fedra::builtins::crypto_testing {
namespace {

using crypto::B64;

// ---- digests and HMACs --------------------------------------------------------

TEST(CryptoDigestTest, KnownDigests) {
  EXPECT_EQ(Ok("crypto.md5", {S("lorem ipsum")}), S("80a751fde577028640c419000e33eba6"));
  EXPECT_EQ(Ok("crypto.sha1", {S("lorem ipsum")}), S("bfb7759a67daeb65410490b4d98bb9da7d1ea2ce"));
  EXPECT_EQ(Ok("crypto.sha256", {S("lorem ipsum")}),
            S("5e2bf57d3f40c4b6df69daf1936cb766f832374b4fc0259a7cbff06e2f70f269"));
  EXPECT_EQ(Ok("crypto.md5", {S("")}), S("d41d8cd98f00b204e9800998ecf8427e"));
}

TEST(CryptoDigestTest, NonStringIsTypeError) {
  Result r = Call("crypto.sha256", {Value::Int(1)});
  EXPECT_EQ(r.status.code(), StatusCode::kEvalTypeError);
  EXPECT_EQ(r.status.message(), "operand 1 must be string but got number");
}

TEST(CryptoHmacTest, KnownMacs) {
  EXPECT_EQ(Ok("crypto.hmac.md5", {S("foo"), S("bar")}), S("31b6db9e5eb4addb42f1a6ca07367adc"));
  EXPECT_EQ(Ok("crypto.hmac.sha1", {S("foo"), S("bar")}), S("85d155c55ed286a300bd1cf124de08d87e914f3a"));
  EXPECT_EQ(Ok("crypto.hmac.sha256", {S("foo"), S("bar")}),
            S("147933218aaabc0b8b10a2b3a5c34684c8d94341bcf10a4736dc7270f7741851"));
  EXPECT_EQ(Ok("crypto.hmac.sha512", {S("foo"), S("bar")}),
            S("24257d7210582a65c731ec55159c8184cc24c02489453e58587f71f44c23a2d61b4b72154a89d17b2d49448a8452ea066f4"
              "fc56a2bcead45c088572ffccdb3d8"));
}

TEST(CryptoHmacTest, UnicodeAndEmptyKey) {
  EXPECT_EQ(Ok("crypto.hmac.md5", {S("åäöçß\U0001F972♙Ω"), S("秘密の")}), S("20a8743c2157ac60b7e8b79c83651b8d"));
  EXPECT_EQ(Ok("crypto.hmac.sha256", {S(""), S("")}),
            S("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"));
}

TEST(CryptoHmacTest, KeyTypeErrorNamesOperandTwo) {
  Result r = Call("crypto.hmac.sha1", {S("m"), Value::Null()});
  EXPECT_EQ(r.status.code(), StatusCode::kEvalTypeError);
  EXPECT_EQ(r.status.message(), "operand 2 must be string but got null");
}

TEST(CryptoHmacTest, Equal) {
  EXPECT_EQ(Ok("crypto.hmac.equal", {S("abc"), S("abc")}), Value::Bool(true));
  EXPECT_EQ(Ok("crypto.hmac.equal", {S("abc"), S("abd")}), Value::Bool(false));
  EXPECT_EQ(Ok("crypto.hmac.equal", {S("31b6db9e5eb4addb42f1a6ca07367adc"), S("31b6db9e5eb4addb")}),
            Value::Bool(false));
  EXPECT_EQ(Ok("crypto.hmac.equal", {S(""), S("")}), Value::Bool(true));
}

// ---- codecs ---------------------------------------------------------------------

TEST(CryptoCodecTest, Base64MatchesGoOffsets) {
  std::string out;
  size_t pos = 0;
  EXPECT_TRUE(crypto::GoBase64Decode("Zm9vYmFy", B64::kStd, &out, &pos));
  EXPECT_EQ(out, "foobar");
  EXPECT_TRUE(crypto::GoBase64Decode("Zm9v\r\nYmE=", B64::kStd, &out, &pos));
  EXPECT_EQ(out, "fooba");
  // An incomplete final quantum is reported where it starts.
  EXPECT_FALSE(crypto::GoBase64Decode("foobar", B64::kStd, &out, &pos));
  EXPECT_EQ(pos, 4u);
  EXPECT_FALSE(crypto::GoBase64Decode("ab^d", B64::kStd, &out, &pos));
  EXPECT_EQ(pos, 2u);
  // Data after padding.
  EXPECT_FALSE(crypto::GoBase64Decode("YQ==YQ==", B64::kStd, &out, &pos));
  EXPECT_EQ(pos, 4u);
  // '/' is not in the URL alphabet.
  EXPECT_FALSE(crypto::GoBase64Decode("ab/d", B64::kUrl, &out, &pos));
  EXPECT_EQ(pos, 2u);
}

TEST(CryptoCodecTest, LenientUrlDecodeAddsPadding) {
  std::string out;
  ASSERT_TRUE(crypto::UrlBase64DecodeLenient("e30", &out).ok());
  EXPECT_EQ(out, "{}");
  Status st = crypto::UrlBase64DecodeLenient("abcde", &out);
  EXPECT_EQ(st.message(), "illegal base64url string: abcde");
}

TEST(CryptoCodecTest, EncodeRoundTrip) {
  std::string data("\xfb\xff\x00\x01", 4);
  EXPECT_EQ(crypto::Base64Encode(data, B64::kStd, true), "+/8AAQ==");
  EXPECT_EQ(crypto::Base64Encode(data, B64::kUrl, false), "-_8AAQ");
  EXPECT_EQ(crypto::HexEncode(data), "fbff0001");
}

TEST(CryptoCodecTest, PemDecodeFollowsEncodingPem) {
  std::string pem = "junk\n-----BEGIN THING-----\nZm9v\n-----END THING-----\nrest";
  crypto::PemBlock block;
  std::string_view rest;
  ASSERT_TRUE(crypto::PemDecode(pem, &block, &rest));
  EXPECT_EQ(block.type, "THING");
  EXPECT_EQ(block.bytes, "foo");
  EXPECT_EQ(rest, "rest");
  // Mismatched END type: no block, and the input comes back as the rest.
  std::string bad = "-----BEGIN A-----\nZm9v\n-----END B-----\n";
  EXPECT_FALSE(crypto::PemDecode(bad, &block, &rest));
  EXPECT_EQ(rest, bad);
  EXPECT_EQ(crypto::PemEncode("X", "foo"), "-----BEGIN X-----\nZm9v\n-----END X-----\n");
}

TEST(CryptoCodecTest, PemHeadersAndEmptyBlocks) {
  crypto::PemBlock block;
  std::string_view rest;
  ASSERT_TRUE(crypto::PemDecode("-----BEGIN X-----\nProc-Type: 4,ENCRYPTED\n\nZm9v\n-----END X-----", &block, &rest));
  EXPECT_TRUE(block.has_headers);
  EXPECT_EQ(block.bytes, "foo");
  EXPECT_EQ(rest, "");
  ASSERT_TRUE(crypto::PemDecode("-----BEGIN X-----\n-----END X-----\n", &block, &rest));
  EXPECT_EQ(block.bytes, "");
  // Headers running to the end of the input: no block.
  EXPECT_FALSE(crypto::PemDecode("-----BEGIN X-----\nA: b\n", &block, &rest));
}

TEST(CryptoCodecTest, PemScanIsLinearOnHostileInput) {
  // Many BEGIN lines whose blocks never close properly used to be rescanned
  // once per BEGIN; this must finish quickly and find nothing.
  std::string hostile;
  for (int i = 0; i < 100000; ++i) hostile += (i % 2 ? "-----BEGIN A:-----\n" : "-----BEGIN A-----\n");
  hostile += "-----END B-----\n";
  crypto::PemBlock block;
  std::string_view rest;
  EXPECT_FALSE(crypto::PemDecode(hostile, &block, &rest));
  EXPECT_EQ(rest.size(), hostile.size());
  Result r = Call("crypto.x509.parse_certificates", {S(hostile)});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.value, Value::EmptyArray());
}

TEST(CryptoCodecTest, GoJsonEscapesLikeEncodingJson) {
  Value v = Json(R"({"b": "<a&b>", "a": [1, "\u2028"], "c": "tab\there"})");
  EXPECT_EQ(crypto::GoJson(v), R"({"a":[1,"\u2028"],"b":"\u003ca\u0026b\u003e","c":"tab\there"})");
  EXPECT_EQ(crypto::GoJson(Value::Set({S("saul"), S("bob")})), R"(["bob","saul"])");
}

// ---- x509 -----------------------------------------------------------------------

TEST(X509Test, ParsesPemChainWithGoFieldNames) {
  TestChain chain;
  std::string pem = CertPem(chain.leaf.get()) + CertPem(chain.root.get());
  Value certs = Ok("crypto.x509.parse_certificates", {S(pem)});
  ASSERT_TRUE(certs.is_array());
  ASSERT_EQ(certs.size(), 2u);
  Value leaf = certs.array()[0];
  EXPECT_EQ(At(leaf, {S("Subject"), S("CommonName")}), S("leaf.example"));
  EXPECT_EQ(At(leaf, {S("Subject"), S("Organization")}), Value::Array({S("Fedra Test")}));
  EXPECT_EQ(At(leaf, {S("Issuer"), S("CommonName")}), S("Fedra Test Root"));
  EXPECT_EQ(At(leaf, {S("DNSNames")}), Value::Array({S("leaf.example")}));
  EXPECT_EQ(At(leaf, {S("URIStrings")}), Value::Array({S("spiffe://example.com/fedra")}));
  EXPECT_EQ(At(leaf, {S("URIs"), Value::Int(0), S("Host")}), S("example.com"));
  EXPECT_EQ(At(leaf, {S("URIs"), Value::Int(0), S("Path")}), S("/fedra"));
  EXPECT_EQ(At(leaf, {S("SerialNumber")}), Value::Int(4242));
  EXPECT_EQ(At(leaf, {S("Version")}), Value::Int(3));
  EXPECT_EQ(At(leaf, {S("PublicKeyAlgorithm")}), Value::Int(3));  // ECDSA
  EXPECT_EQ(At(leaf, {S("SignatureAlgorithm")}), Value::Int(10));  // ECDSAWithSHA256
  EXPECT_EQ(At(leaf, {S("ExtKeyUsage")}), Value::Array({Value::Int(1)}));
  EXPECT_EQ(At(leaf, {S("KeyUsage")}), Value::Int(1));  // DigitalSignature
  EXPECT_EQ(At(leaf, {S("IsCA")}), Value::Bool(false));
  EXPECT_EQ(At(leaf, {S("Raw")}), S(crypto::Base64Encode(CertDer(chain.leaf.get()), B64::kStd, true)));
  EXPECT_TRUE(At(leaf, {S("NotBefore")}).str().ends_with("Z"));

  Value root = certs.array()[1];
  EXPECT_EQ(At(root, {S("IsCA")}), Value::Bool(true));
  EXPECT_EQ(At(root, {S("BasicConstraintsValid")}), Value::Bool(true));
  EXPECT_EQ(At(root, {S("MaxPathLen")}), Value::Int(-1));
  EXPECT_EQ(At(root, {S("KeyUsage")}), Value::Int(32 | 64));  // CertSign | CRLSign
  EXPECT_EQ(At(root, {S("DNSNames")}), Value::Null());
  EXPECT_EQ(At(root, {S("URIStrings")}), Value::Null());
}

TEST(X509Test, AcceptsBase64OfDerAndOfPem) {
  TestChain chain;
  std::string der = CertDer(chain.leaf.get()) + CertDer(chain.root.get());
  Value from_der = Ok("crypto.x509.parse_certificates", {S(crypto::Base64Encode(der, B64::kStd, true))});
  ASSERT_EQ(from_der.size(), 2u);
  EXPECT_EQ(At(from_der, {Value::Int(1), S("Subject"), S("CommonName")}), S("Fedra Test Root"));
  std::string pem = CertPem(chain.leaf.get());
  Value from_pem = Ok("crypto.x509.parse_certificates", {S(crypto::Base64Encode(pem, B64::kStd, true))});
  EXPECT_EQ(At(from_pem, {Value::Int(0), S("Subject"), S("CommonName")}), S("leaf.example"));
}

TEST(X509Test, BadInputErrors) {
  Result r = Call("crypto.x509.parse_certificates", {S("foobar")});
  EXPECT_EQ(r.status.code(), StatusCode::kEvalBuiltinError);
  EXPECT_EQ(r.status.message(), "illegal base64 data at input byte 4");
  r = Call("crypto.x509.parse_certificates", {S("YmFkc3RyaW5n")});
  EXPECT_EQ(r.status.message(), "x509: malformed certificate");
  r = Call("crypto.x509.parse_certificates", {S("-----BEGIN KEY-----\nZm9v\n-----END KEY-----\n")});
  EXPECT_EQ(r.status.message(), "PEM block type is 'KEY', expected CERTIFICATE");
}

TEST(X509Test, VerifiesChainRootFirst) {
  TestChain chain;
  std::string pem = CertPem(chain.root.get()) + CertPem(chain.leaf.get());
  Value v = Ok("crypto.x509.parse_and_verify_certificates", {S(pem)});
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v.array()[0], Value::Bool(true));
  // The verified chain comes back leaf first.
  EXPECT_EQ(At(v, {Value::Int(1), Value::Int(0), S("Subject"), S("CommonName")}), S("leaf.example"));
  EXPECT_EQ(At(v, {Value::Int(1), Value::Int(1), S("Subject"), S("CommonName")}), S("Fedra Test Root"));

  Value invalid = Value::Array({Value::Bool(false), Value::EmptyArray()});
  std::string reversed = CertPem(chain.leaf.get()) + CertPem(chain.root.get());
  EXPECT_EQ(Ok("crypto.x509.parse_and_verify_certificates", {S(reversed)}), invalid);
  EXPECT_EQ(Ok("crypto.x509.parse_and_verify_certificates", {S(CertPem(chain.leaf.get()))}), invalid);
  EXPECT_EQ(Ok("crypto.x509.parse_and_verify_certificates", {S("not base64!")}), invalid);
}

TEST(X509Test, RejectsLeafSignedByAnotherKey) {
  TestChain chain;
  PkeyPtr other = NewEcKey();
  X509Ptr forged = MakeCert({"leaf.example", false, 7, -1, 30, {}}, chain.leaf_key.get(), chain.root.get(), other.get());
  std::string pem = CertPem(chain.root.get()) + CertPem(forged.get());
  EXPECT_EQ(Ok("crypto.x509.parse_and_verify_certificates", {S(pem)}).array()[0], Value::Bool(false));
}

TEST(X509Test, VerifyWithOptions) {
  TestChain chain;
  Value pem = S(CertPem(chain.root.get()) + CertPem(chain.leaf.get()));
  auto verify = [&](const char* opts) {
    return Ok("crypto.x509.parse_and_verify_certificates_with_options", {pem, Json(opts)}).array()[0];
  };
  EXPECT_EQ(verify(R"({"DNSName": "leaf.example"})"), Value::Bool(true));
  EXPECT_EQ(verify(R"({"DNSName": "other.example"})"), Value::Bool(false));
  EXPECT_EQ(verify(R"({"KeyUsages": ["KeyUsageServerAuth"]})"), Value::Bool(true));
  EXPECT_EQ(verify(R"({"KeyUsages": ["KeyUsageClientAuth"]})"), Value::Bool(false));
  EXPECT_EQ(verify(R"({"KeyUsages": ["KeyUsageAny"]})"), Value::Bool(true));
  // 2100-01-01 is after every certificate's NotAfter.
  EXPECT_EQ(verify(R"({"CurrentTime": 4102444800000000000})"), Value::Bool(false));

  Result r = Call("crypto.x509.parse_and_verify_certificates_with_options", {pem, Json(R"({"Bogus": 1})")});
  EXPECT_EQ(r.status.message(), "invalid key option");
  r = Call("crypto.x509.parse_and_verify_certificates_with_options", {pem, Json(R"({"KeyUsages": ["Nope", "X"]})")});
  EXPECT_EQ(r.status.message(), "invalid entries for 'KeyUsages' found: [Nope X]");
  r = Call("crypto.x509.parse_and_verify_certificates_with_options", {pem, Json(R"({"DNSName": 1})")});
  EXPECT_EQ(r.status.message(), "'DNSName' should be a string");
}

TEST(X509Test, ParsesCertificateRequest) {
  PkeyPtr key = NewEcKey();
  X509ReqPtr req(X509_REQ_new());
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("csr.example"), -1, -1,
                             0);
  X509_REQ_set_pubkey(req.get(), key.get());
  STACK_OF(X509_EXTENSION)* exts = sk_X509_EXTENSION_new_null();
  sk_X509_EXTENSION_push(exts, X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, "DNS:csr.example"));
  X509_REQ_add_extensions(req.get(), exts);
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  ASSERT_GT(X509_REQ_sign(req.get(), key.get(), EVP_sha256()), 0);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509_REQ(bio, req.get());
  std::string pem = BioText(bio);

  for (const std::string& input : {pem, crypto::Base64Encode(pem, B64::kStd, true)}) {
    Value csr = Ok("crypto.x509.parse_certificate_request", {S(input)});
    EXPECT_EQ(At(csr, {S("Subject"), S("CommonName")}), S("csr.example"));
    EXPECT_EQ(At(csr, {S("DNSNames")}), Value::Array({S("csr.example")}));
    EXPECT_EQ(At(csr, {S("PublicKeyAlgorithm")}), Value::Int(3));
  }
  Result r = Call("crypto.x509.parse_certificate_request", {S("foobar")});
  EXPECT_EQ(r.status.message(), "illegal base64 data at input byte 4");
  r = Call("crypto.x509.parse_certificate_request", {S("YmFkc3RyaW5n")});
  EXPECT_TRUE(r.status.message().starts_with("asn1: structure error")) << r.status.ToString();
}

TEST(X509Test, ParsesKeyPair) {
  TestChain chain;
  std::string cert = CertPem(chain.leaf.get());
  std::string key = PrivateKeyPem(chain.leaf_key.get(), true);
  Value pair = Ok("crypto.x509.parse_keypair", {S(cert), S(key)});
  EXPECT_EQ(At(pair, {S("Certificate"), Value::Int(0)}),
            S(crypto::Base64Encode(CertDer(chain.leaf.get()), B64::kStd, true)));
  EXPECT_EQ(At(pair, {S("Leaf"), S("Subject"), S("CommonName")}), S("leaf.example"));
  // Base64-wrapped inputs are accepted too.
  Value b64 = Ok("crypto.x509.parse_keypair",
                 {S(crypto::Base64Encode(cert, B64::kStd, true)), S(crypto::Base64Encode(key, B64::kStd, true))});
  EXPECT_EQ(At(b64, {S("Certificate")}), At(pair, {S("Certificate")}));

  Result r = Call("crypto.x509.parse_keypair", {S(cert), S(PrivateKeyPem(chain.root_key.get(), false))});
  EXPECT_EQ(r.status.message(), "tls: private key does not match public key");
  r = Call("crypto.x509.parse_keypair", {S(cert), S(cert)});
  EXPECT_EQ(r.status.message(), "tls: found a certificate rather than a key in the PEM for the private key");
  r = Call("crypto.x509.parse_keypair", {S(cert), Value::Int(1)});
  EXPECT_EQ(r.status.message(), "operand 1 must be string but got number");
}

TEST(X509Test, ParsesRsaPrivateKeyAsJwk) {
  EVP_PKEY* key = SharedRsaKey();
  for (bool pkcs8 : {false, true}) {
    Value jwk = Ok("crypto.x509.parse_rsa_private_key", {S(PrivateKeyPem(key, pkcs8))});
    EXPECT_EQ(At(jwk, {S("kty")}), S("RSA"));
    EXPECT_EQ(At(jwk, {S("e")}), S("AQAB"));
    EXPECT_EQ(jwk.size(), 9u);  // kty n e d p q dp dq qi
    // n is the minimal big-endian modulus: 256 bytes -> 342 base64url chars.
    EXPECT_EQ(At(jwk, {S("n")}).size(), 342u);
  }
  Result r = Call("crypto.x509.parse_rsa_private_key", {S("invalid")});
  EXPECT_EQ(r.status.message(), "illegal base64 data at input byte 4");
  r = Call("crypto.x509.parse_rsa_private_key", {S("")});
  EXPECT_EQ(r.status.message(), "input PEM data was empty");
  EXPECT_EQ(Ok("crypto.x509.parse_rsa_private_key", {S("-----BEGIN nothing")}), Value::Null());
}

TEST(X509Test, ParsesPrivateKeys) {
  PkeyPtr ec = NewEcKey();
  std::string pems = PrivateKeyPem(SharedRsaKey(), false) + PrivateKeyPem(ec.get(), false);
  Value keys = Ok("crypto.parse_private_keys", {S(pems)});
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(At(keys, {Value::Int(0), S("E")}), Value::Int(65537));
  EXPECT_EQ(At(keys, {Value::Int(0), S("Primes")}).size(), 2u);
  EXPECT_EQ(At(keys, {Value::Int(1), S("Curve")}), Value::EmptyObject());
  EXPECT_TRUE(At(keys, {Value::Int(1), S("D")}).is_number());
  EXPECT_EQ(Ok("crypto.parse_private_keys", {S("")}), Value::Null());
  EXPECT_EQ(Ok("crypto.parse_private_keys", {S("no pem here")}), Value::EmptyArray());
}

}  // namespace
}  // namespace fedra::builtins::crypto_testing
