// Signed bundles: RS256, ES256 and HS256 round trips with real OpenSSL keys;
// tampered, extra, missing and foreign files; wrong keys, scopes and
// algorithms; OPA's canonical JSON hashing.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "bundle/archive.h"
#include "bundle/bundle.h"
#include "bundle/bundle_test_util.h"
#include "bundle/signatures.h"
#include "value/json.h"

namespace fedra::bundle {
namespace {

Value Json(std::string_view text) {
  Value v;
  EXPECT_TRUE(ParseJson(text, &v).ok());
  return v;
}

struct Keys {
  std::string rsa_private, rsa_public, ec_private, ec_public;
};

const Keys& TestKeys() {
  static const Keys* keys = [] {
    auto* k = new Keys;
    testing::MakeKeyPair(false, &k->rsa_private, &k->rsa_public);
    testing::MakeKeyPair(true, &k->ec_private, &k->ec_public);
    return k;
  }();
  return *keys;
}

Bundle Sample() {
  Bundle b;
  b.revision = "r1";
  b.roots = {"fedra"};
  b.data = Json(R"({"fedra": {"policies": {"p": {"type": "Admission", "enforcement": "Deny"}}}})");
  b.modules = {{"fedra/policies/p/main.rego",
                "package fedra.policies.p\n\nviolation contains 1 if false\n", 1}};
  return b;
}

std::string Signed(const std::string& alg, const std::string& key, const std::string& kid = "k1",
                   const std::string& scope = "") {
  SigningConfig sc;
  sc.algorithm = alg;
  sc.key = key;
  sc.key_id = kid;
  sc.scope = scope;
  WriteOptions wo;
  wo.signing = sc;
  std::string out;
  Status st = WriteBundle(Sample(), wo, &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

ReadOptions Verifying(const std::string& alg, const std::string& key, const std::string& id = "k1",
                      const std::string& scope = "") {
  ReadOptions ro;
  VerificationConfig vc;
  vc.keys.push_back({id, alg, key, scope});
  ro.verification = vc;
  return ro;
}

// Re-packs a bundle's entries after `edit`, keeping its .signatures.json.
std::string Tamper(const std::string& targz,
                   const std::function<void(std::vector<TarEntry>*)>& edit) {
  std::vector<TarEntry> entries;
  EXPECT_TRUE(ReadTarGz(targz, Limits{}, &entries).ok());
  edit(&entries);
  std::string out;
  EXPECT_TRUE(WriteTarGz(entries, 0, &out).ok());
  return out;
}

TEST(Signatures, RoundTripRs256Es256Hs256) {
  const Keys& k = TestKeys();
  struct Case {
    std::string alg, priv, pub;
  };
  for (const Case& c : std::vector<Case>{{"RS256", k.rsa_private, k.rsa_public},
                                         {"PS384", k.rsa_private, k.rsa_public},
                                         {"ES256", k.ec_private, k.ec_public},
                                         {"HS256", "shared-secret", "shared-secret"}}) {
    Bundle b;
    Status st = ReadBundle(Signed(c.alg, c.priv), Verifying(c.alg, c.pub), &b);
    ASSERT_TRUE(st.ok()) << c.alg << ": " << st.ToString();
    EXPECT_TRUE(b.signed_bundle);
    EXPECT_EQ(b.revision, "r1");
    EXPECT_EQ(b.modules.size(), 1u);
  }
}

TEST(Signatures, SignatureFileHasOpaShape) {
  std::vector<TarEntry> entries;
  ASSERT_TRUE(ReadTarGz(Signed("HS256", "s"), Limits{}, &entries).ok());
  ASSERT_EQ(entries[0].path, ".signatures.json");
  Value doc = Json(entries[0].contents);
  ASSERT_EQ(doc.Find("signatures")->size(), 1u);
  std::string_view token = doc.Find("signatures")->array()[0].str();
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2);
  std::vector<FileHash> files;
  VerificationConfig vc;
  vc.keys.push_back({"k1", "HS256", "s", ""});
  Status st = VerifySignatureFile(entries[0].contents, vc, Limits{}, &files);
  ASSERT_TRUE(st.ok()) << st.ToString();
  std::vector<std::string> names;
  for (const auto& f : files) {
    names.push_back(f.name);
    EXPECT_EQ(f.algorithm, "SHA-256");
    EXPECT_EQ(f.hash.size(), 64u);
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{".manifest", "data.json", "fedra/policies/p/main.rego"}));
}

TEST(Signatures, TamperedBundlesAreRejected) {
  const Keys& k = TestKeys();
  std::string good = Signed("RS256", k.rsa_private);
  ReadOptions ro = Verifying("RS256", k.rsa_public);
  Bundle b;
  b.revision = "old";

  std::string changed_policy = Tamper(good, [](std::vector<TarEntry>* e) {
    for (auto& x : *e) {
      if (x.path == "fedra/policies/p/main.rego") x.contents += "\nallow := true\n";
    }
  });
  Status st = ReadBundle(changed_policy, ro, &b);
  EXPECT_NE(st.message().find("\"fedra/policies/p/main.rego\": digest mismatch"),
            std::string_view::npos)
      << st.ToString();

  std::string changed_data = Tamper(good, [](std::vector<TarEntry>* e) {
    for (auto& x : *e) {
      if (x.path == "data.json") x.contents = R"({"fedra": {"policies": {}}})";
    }
  });
  st = ReadBundle(changed_data, ro, &b);
  EXPECT_NE(st.message().find("\"data.json\": digest mismatch"), std::string_view::npos)
      << st.ToString();

  std::string changed_manifest = Tamper(good, [](std::vector<TarEntry>* e) {
    for (auto& x : *e) {
      if (x.path == ".manifest") x.contents = R"({"revision": "evil", "roots": [""]})";
    }
  });
  st = ReadBundle(changed_manifest, ro, &b);
  EXPECT_NE(st.message().find("\".manifest\": digest mismatch"), std::string_view::npos)
      << st.ToString();

  std::string extra = Tamper(good, [](std::vector<TarEntry>* e) {
    e->push_back({"fedra/policies/p/backdoor.rego", "package fedra.policies.p\n\nallow := true\n"});
  });
  st = ReadBundle(extra, ro, &b);
  EXPECT_NE(
      st.message().find("\"fedra/policies/p/backdoor.rego\" not included in bundle signature"),
      std::string_view::npos)
      << st.ToString();

  std::string missing = Tamper(good, [](std::vector<TarEntry>* e) {
    e->erase(std::remove_if(e->begin(), e->end(),
                            [](const TarEntry& x) { return x.path.ends_with(".rego"); }),
             e->end());
  });
  st = ReadBundle(missing, ro, &b);
  EXPECT_NE(st.message().find("specified in bundle signatures but not found"),
            std::string_view::npos)
      << st.ToString();

  std::string bad_sig = Tamper(good, [](std::vector<TarEntry>* e) {
    std::string& s = (*e)[0].contents;
    size_t last = s.rfind('"');
    s[last - 5] = s[last - 5] == 'A' ? 'B' : 'A';
  });
  st = ReadBundle(bad_sig, ro, &b);
  EXPECT_NE(st.message().find("signature verification failed"), std::string_view::npos)
      << st.ToString();

  std::string unsigned_bundle =
      Tamper(good, [](std::vector<TarEntry>* e) { e->erase(e->begin()); });
  st = ReadBundle(unsigned_bundle, ro, &b);
  EXPECT_NE(st.message().find("missing .signatures.json"), std::string_view::npos) << st.ToString();

  EXPECT_EQ(b.revision, "old");  // every failure left the output alone
}

TEST(Signatures, ReformattedJsonStillVerifies) {
  const Keys& k = TestKeys();
  std::string good = Signed("ES256", k.ec_private);
  std::string reformatted = Tamper(good, [](std::vector<TarEntry>* e) {
    for (auto& x : *e) {
      if (x.path == "data.json") {
        x.contents =
            "{\n  \"fedra\" : { \"policies\" : { \"p\" : {\n"
            "    \"enforcement\" : \"Deny\", \"type\" : \"Admission\" } } }\n}\n";
      }
    }
  });
  Bundle b;
  Status st = ReadBundle(reformatted, Verifying("ES256", k.ec_public), &b);
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST(Signatures, KeysScopesAndAlgorithms) {
  const Keys& k = TestKeys();
  std::string good = Signed("RS256", k.rsa_private, "k1", "write");
  Bundle b;
  Status st = ReadBundle(good, Verifying("RS256", k.rsa_public, "other"), &b);
  EXPECT_NE(st.message().find("verification key corresponding to ID \"k1\" not found"),
            std::string_view::npos)
      << st.ToString();
  std::string other_private, other_public;
  testing::MakeKeyPair(false, &other_private, &other_public);
  st = ReadBundle(good, Verifying("RS256", other_public, "k1", "write"), &b);
  EXPECT_NE(st.message().find("signature verification failed"), std::string_view::npos)
      << st.ToString();
  st = ReadBundle(good, Verifying("RS256", k.rsa_public, "k1", "read"), &b);
  EXPECT_NE(st.message().find("scope mismatch"), std::string_view::npos) << st.ToString();
  EXPECT_TRUE(ReadBundle(good, Verifying("RS256", k.rsa_public, "k1", "write"), &b).ok());
  // The configured algorithm decides: an HS256 key cannot accept an RS256 token.
  st = ReadBundle(good, Verifying("HS256", k.rsa_public, "k1", "write"), &b);
  EXPECT_NE(st.message().find("does not match key"), std::string_view::npos) << st.ToString();
  // A configured key id wins over the token's kid.
  ReadOptions forced = Verifying("RS256", k.rsa_public, "forced", "write");
  forced.verification->key_id = "forced";
  EXPECT_TRUE(ReadBundle(good, forced, &b).ok());
  // No key id anywhere.
  std::string no_kid = Signed("HS256", "s", "");
  st = ReadBundle(no_kid, Verifying("HS256", "s"), &b);
  EXPECT_NE(st.message().find("verification key ID is empty"), std::string_view::npos)
      << st.ToString();
  // A signed bundle without configured keys is refused unless verification is skipped.
  st = ReadBundle(good, {}, &b);
  EXPECT_NE(st.message().find("no verification key is configured"), std::string_view::npos)
      << st.ToString();
  ReadOptions skip;
  skip.skip_verification = true;
  ASSERT_TRUE(ReadBundle(good, skip, &b).ok());
  EXPECT_FALSE(b.signed_bundle);
  // Signing needs a usable key.
  SigningConfig sc;
  sc.algorithm = "RS256";
  sc.key = "not a pem";
  WriteOptions wo;
  wo.signing = sc;
  std::string out;
  EXPECT_FALSE(WriteBundle(Sample(), wo, &out).ok());
  sc.key = k.ec_private;  // wrong type for RS256
  wo.signing = sc;
  EXPECT_FALSE(WriteBundle(Sample(), wo, &out).ok());
}

TEST(Signatures, ExcludedFilesNeedNoHash) {
  std::string good = Signed("HS256", "s");
  std::string with_readme = Tamper(good, [](std::vector<TarEntry>* e) {
    e->push_back({"docs/README.md", "hi"});
  });
  ReadOptions ro = Verifying("HS256", "s");
  Bundle b;
  EXPECT_FALSE(ReadBundle(with_readme, ro, &b).ok());
  ro.verification->exclude = {"docs/*.md"};
  Status st = ReadBundle(with_readme, ro, &b);
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST(Signatures, MalformedSignatureFiles) {
  VerificationConfig vc;
  vc.keys.push_back({"k1", "HS256", "s", ""});
  std::vector<FileHash> files;
  for (const char* doc :
       {"", "[]", "{}", R"({"signatures": []})", R"({"signatures": ["a.b.c", "d.e.f"]})",
        R"({"signatures": [1]})", R"({"signatures": ["no-dots"]})",
        R"({"signatures": ["!!!.@@@.###"]})", R"({"signatures": ["a.b.c"], "plugin": "x"})"}) {
    Status st = VerifySignatureFile(doc, vc, Limits{}, &files);
    EXPECT_FALSE(st.ok()) << doc;
  }
}

// Tokens, keys and digests from OPA's own tests (v1/bundle/verify_test.go):
// signatures OPA made must verify here, with OPA's key-id rules.
TEST(Signatures, OpaTestVectors) {
  const std::string hs256_kid_foo =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImZvbyJ9."
      "eyJmaWxlcyI6W3sibmFtZSI6ImRiL3VhbTIvZW50aXRsZW1lbnRzL2"
      "RhdGEuanNvbiIsImhhc2giOiJjMjEzMTU0NGM3MTZhMjVhNWUzMWY1MDQzMDBmNTI0MGU4MjM1Y2FkYjlhNTdmMGJkMW"
      "I2ZjRiZDc0YjI2"
      "NjEyIiwiYWxnb3JpdGhtIjoic2hhMjU2In0seyJuYW1lIjoiZGIvdWFtMi9wb2xpY3kvb3BhLXBvbGljeS5yZWdvIiwi"
      "aGFzaCI6IjQyY2"
      "ZlNjc2OGI1N2JiNWY3NTAzYzE2NWMyOGRkMDdhYzViODEzNTU0ZWJjODUwZjJjYzM1ODQzZTcxMzdiMWQifV0sImlhdC"
      "I6MTU5MjI0ODAy"
      "NywiaXNzIjoiSldUU2VydmljZSIsInNjb3BlIjoid3JpdGUifQ.u7b_h88osJpU6VQLhIUmZjblsPNCO_"
      "kTqsVtpEAHavs";
  const std::string hs256_keyid_claim =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
      "eyJmaWxlcyI6W3sibmFtZSI6ImRiL3VhbTIvZW50aXRsZW1lbnRzL2RhdGEuanNvbiIsIm"
      "hhc2giOiJjMjEzMTU0NGM3MTZhMjVhNWUzMWY1MDQzMDBmNTI0MGU4MjM1Y2FkYjlhNTdmMGJkMWI2ZjRiZDc0YjI2Nj"
      "EyIiwiYWxnb3Jp"
      "dGhtIjoic2hhMjU2In0seyJuYW1lIjoiZGIvdWFtMi9wb2xpY3kvb3BhLXBvbGljeS5yZWdvIiwiaGFzaCI6IjQyY2Zl"
      "Njc2OGI1N2JiNW"
      "Y3NTAzYzE2NWMyOGRkMDdhYzViODEzNTU0ZWJjODUwZjJjYzM1ODQzZTcxMzdiMWQifV0sImlhdCI6MTU5MjI0ODAyNy"
      "wiaXNzIjoiSldU"
      "U2VydmljZSIsImtleWlkIjoiZm9vIiwic2NvcGUiOiJ3cml0ZSJ9."
      "4nrInalqppAc9EjsNUD9Y35amVpDGoRk4bkxzdY8fhs";
  const std::string hs256_kid_bar =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImJhciJ9."
      "eyJmaWxlcyI6W3sibmFtZSI6ImRiL3VhbTIvZW50aXRsZW1lbnRzL2"
      "RhdGEuanNvbiIsImhhc2giOiJjMjEzMTU0NGM3MTZhMjVhNWUzMWY1MDQzMDBmNTI0MGU4MjM1Y2FkYjlhNTdmMGJkMW"
      "I2ZjRiZDc0YjI2"
      "NjEyIiwiYWxnb3JpdGhtIjoic2hhMjU2In0seyJuYW1lIjoiZGIvdWFtMi9wb2xpY3kvb3BhLXBvbGljeS5yZWdvIiwi"
      "aGFzaCI6IjQyY2"
      "ZlNjc2OGI1N2JiNWY3NTAzYzE2NWMyOGRkMDdhYzViODEzNTU0ZWJjODUwZjJjYzM1ODQzZTcxMzdiMWQifV0sImlhdC"
      "I6MTU5MjI0ODAy"
      "NywiaXNzIjoiSldUU2VydmljZSIsInNjb3BlIjoid3JpdGUifQ.xW04tph2-dSy47uZ-"
      "CgiObvFWFLUsMym8N7ermgPZ0s";
  const std::string rs256_kid_foo =
      "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImZvbyJ9."
      "eyJmaWxlcyI6W3sibmFtZSI6ImRiL3VhbTIvZW50aXRsZW1lbnRzL2"
      "RhdGEuanNvbiIsImhhc2giOiJjMjEzMTU0NGM3MTZhMjVhNWUzMWY1MDQzMDBmNTI0MGU4MjM1Y2FkYjlhNTdmMGJkMW"
      "I2ZjRiZDc0YjI2"
      "NjEyIiwiYWxnb3JpdGhtIjoic2hhMjU2In0seyJuYW1lIjoiZGIvdWFtMi9wb2xpY3kvb3BhLXBvbGljeS5yZWdvIiwi"
      "aGFzaCI6IjQyY2"
      "ZlNjc2OGI1N2JiNWY3NTAzYzE2NWMyOGRkMDdhYzViODEzNTU0ZWJjODUwZjJjYzM1ODQzZTcxMzdiMWQifV0sImlhdC"
      "I6MTU5MjI1MTQw"
      "NiwiaXNzIjoiSldUU2VydmljZSIsInNjb3BlIjoid3JpdGUifQ.UZcX_"
      "Qj29o213nwZ5mysiyNcgAp1AOqCkDLkj1KGZ7Cw3l17TbkF8t3FJ"
      "d654sf762NGcABA0WQ2zxq-labXl_"
      "d5TKQmq23lurO3qLHI1cKQPyoxPbddGo78sJpMwWsiMyEYcyyKC9FpNUpa8cT81GPo4q9Zui8TAD0wt"
      "Hh2YxBL7E8QYLJxcLMJTJxVBgrQGLXFT7vYRc6hJz9Vu-"
      "i0SWuLBGxOCmYoHr4DWFfy0IhAbhiUFyLRpukfBPjCJNYY5LgaZdN6LaYivtIE"
      "Ums5jUuXubBimLJm7KOT5-bgJMXTcUsbrbl2Ma7PwG5IOKjjgyEvH8KVfGFZSzNrpuxKmA";
  const std::string rsa_public =
      "-----BEGIN PUBLIC KEY-----\n"
      "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA9KaakMv1XKKDaSch3PFR\n"
      "3a27oaHp1GNTTNqvb1ZaHZXp+wuhYDwc/MTE67x9GCifvQBWzEGorgTq7aisiOyl\n"
      "vKifwz6/wQ+62WHKG/sqKn2Xikp3P63aBIPlZcHbkyyRmL62yeyuzYoGvLEYel+m\n"
      "z5SiKGBwviSY0Th2L4e5sGJuk2HOut6emxDi+E2Fuuj5zokFJvIT6Urlq8f3h6+l\n"
      "GeR6HUOXqoYVf7ff126GP7dticTVBgibxkkuJFmpvQSW6xmxruT4k6iwjzbZHY7P\n"
      "ypZ/TdlnuGC1cOpAVyU7k32IJ9CRbt3nwEf5U54LRXLLQjFixWZHwKdDiMTF4ws0\n"
      "+wIDAQAB\n"
      "-----END PUBLIC KEY-----\n";
  auto verify = [](const std::string& token, VerificationConfig vc, std::vector<FileHash>* files) {
    return VerifySignatureFile(R"({"signatures": [")" + token + R"("]})", vc, Limits{}, files);
  };
  VerificationConfig hs;
  hs.keys.push_back({"foo", "HS256", "secret", ""});
  hs.scope = "write";
  std::vector<FileHash> files;
  Status st = verify(hs256_kid_foo, hs, &files);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].name, "db/uam2/entitlements/data.json");
  EXPECT_EQ(files[1].hash, "42cfe6768b57bb5f7503c165c28dd07ac5b813554ebc850f2cc35843e7137b1d");
  EXPECT_TRUE(verify(hs256_keyid_claim, hs, &files).ok());  // deprecated keyid claim
  EXPECT_FALSE(verify(hs256_kid_bar, hs, &files).ok());     // key "bar" is unknown
  VerificationConfig forced = hs;
  forced.key_id = "foo";  // the configured key id takes precedence over the kid
  EXPECT_TRUE(verify(hs256_kid_bar, forced, &files).ok());
  VerificationConfig bad_scope = hs;
  bad_scope.scope = "bad_scope";
  EXPECT_NE(verify(hs256_kid_foo, bad_scope, &files).message().find("scope mismatch"),
            std::string_view::npos);
  VerificationConfig bad_secret = hs;
  bad_secret.keys[0].key = "bad_secret";
  EXPECT_FALSE(verify(hs256_kid_foo, bad_secret, &files).ok());
  VerificationConfig rs;
  rs.keys.push_back({"foo", "RS256", rsa_public, "write"});
  st = verify(rs256_kid_foo, rs, &files);
  EXPECT_TRUE(st.ok()) << st.ToString();
  rs.keys[0].key = TestKeys().rsa_public;
  EXPECT_FALSE(verify(rs256_kid_foo, rs, &files).ok());
  // OPA's digest of a .manifest: MD5 over the canonical form.
  std::string digest;
  ASSERT_TRUE(
      HashFile(".manifest", R"({"revision": "quickbrownfaux"})", "MD5", Limits{}, &digest).ok());
  std::string hex;
  for (unsigned char c : digest) {
    static const char kHex[] = "0123456789abcdef";
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  EXPECT_EQ(hex, "a005c38a509dc2d5a7407b9494efb2ad");
}

// OPA keeps number literals as written (json.Number) and lets the last of
// repeated keys win (a Go map).
TEST(Signatures, CanonicalJsonKeepsNumberLiterals) {
  std::string out;
  Limits l;
  ASSERT_TRUE(CanonicalJsonText(
                  R"( {"b": 1.0, "a": [1e3, -0, 2.50, "\u00e9\ud83d\ude00\/"], "c": {}, "d": []} )",
                  "data.json", l, &out)
                  .ok());
  EXPECT_EQ(out, "{\"a\":[1e3,-0,2.50,\"é😀/\"],\"b\":1.0,\"c\":{},\"d\":[]}");
  ASSERT_TRUE(CanonicalJsonText(R"({"k": 1, "j": true, "k": null})", "data.json", l, &out).ok());
  EXPECT_EQ(out, "{\"j\":true,\"k\":null}");
  Status st = CanonicalJsonText("{\"a\": ", "dir/data.json", l, &out);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.ToString().find("dir/data.json"), std::string::npos) << st.ToString();
  // A digest over the literal text: "1.0" and "1" differ, as they do in OPA.
  std::string d1, d2;
  ASSERT_TRUE(HashFile("data.json", R"({"a": 1.0})", "SHA-256", l, &d1).ok());
  ASSERT_TRUE(HashFile("data.json", R"({"a": 1})", "SHA-256", l, &d2).ok());
  EXPECT_NE(d1, d2);
}

// OPA hashes structured files canonically: sorted keys, no whitespace, Go's
// string escaping without HTML escapes.
TEST(Signatures, CanonicalJson) {
  EXPECT_EQ(
      CanonicalJson(Json(R"({"b": 1, "a": [true, null, "x<y&z"], "c": {"é": "\u2028\n\u0001"}})")),
      "{\"a\":[true,null,\"x<y&z\"],\"b\":1,\"c\":{\"é\":\"\\u2028\\n\\u0001\"}}");
  std::string d1, d2;
  Limits l;
  ASSERT_TRUE(HashFile("x/data.json", R"({"b": 1, "a": 2})", "SHA-256", l, &d1).ok());
  ASSERT_TRUE(HashFile("x/data.json", "{\"a\":2,\n\"b\":1}", "SHA-256", l, &d2).ok());
  EXPECT_EQ(d1, d2);
  ASSERT_TRUE(HashFile("x/data.yaml", "a: 2\nb: 1\n", "SHA-256", l, &d2).ok());
  EXPECT_EQ(d1, d2);
  // Rego files are hashed as bytes.
  ASSERT_TRUE(HashFile("p.rego", "package p", "SHA-256", l, &d1).ok());
  ASSERT_TRUE(HashFile("p.rego", "package  p", "SHA-256", l, &d2).ok());
  EXPECT_NE(d1, d2);
  // Known answer: SHA-256 of the bytes "{}".
  ASSERT_TRUE(HashFile("data.json", " { } ", "SHA-256", l, &d1).ok());
  std::string hex;
  for (unsigned char c : d1) {
    static const char kHex[] = "0123456789abcdef";
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  EXPECT_EQ(hex, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  EXPECT_FALSE(HashFile("p.rego", "x", "SHA-3", l, &d1).ok());
  for (const char* alg :
       {"MD5", "SHA-1", "SHA-224", "SHA-384", "SHA-512", "SHA-512-224", "SHA-512-256"}) {
    EXPECT_TRUE(HashFile("p.rego", "x", alg, l, &d1).ok()) << alg;
  }
}

}  // namespace
}  // namespace fedra::bundle
