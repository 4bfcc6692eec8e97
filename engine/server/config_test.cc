#include "server/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace fedra::server {
namespace {

Status Parse(std::vector<std::string> args, EngineConfig* c) {
  bool help = false;
  return ParseEngineConfig(args, c, &help);
}

TEST(EngineConfigTest, FlagsInBothFormsAndEveryKind) {
  EngineConfig c;
  ASSERT_TRUE(Parse({"--addr=0.0.0.0:9443", "--policy-dir", "/p", "--insecure-http", "--threads", "3",
                     "--max-body", "1024", "--decision-timeout", "250ms", "--bundle-long-poll", "2m"},
                    &c)
                  .ok());
  EXPECT_EQ(c.addr, "0.0.0.0:9443");
  EXPECT_EQ(c.policy_dir, "/p");
  EXPECT_TRUE(c.insecure_http);
  EXPECT_EQ(c.threads, 3);
  EXPECT_EQ(c.max_body_bytes, 1024u);
  EXPECT_EQ(c.decision_timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(c.bundle_long_poll, std::chrono::seconds(120));
}

TEST(EngineConfigTest, FileSettingsAreOverriddenByFlags) {
  char path[] = "/tmp/fedra-config-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "addr: 127.0.0.1:1\npolicy-dir: /from-file\ninsecure-http: true\n";
  EngineConfig c;
  ASSERT_TRUE(Parse({"--addr", "127.0.0.1:2", "--config", path}, &c).ok());
  EXPECT_EQ(c.addr, "127.0.0.1:2");
  EXPECT_EQ(c.policy_dir, "/from-file");
  EXPECT_TRUE(c.insecure_http);
  EXPECT_TRUE(ValidateEngineConfig(c).ok());

  std::ofstream(path) << "addr: 127.0.0.1:1\npolicy-dri: /typo\n";
  Status s = Parse({"--config", path}, &c);
  EXPECT_NE(s.message().find(":2: policy-dri: unknown setting"), std::string::npos) << s.ToString();
  unlink(path);
}

TEST(EngineConfigTest, ErrorsNameTheFlag) {
  EngineConfig c;
  Status s = Parse({"--threads", "many"}, &c);
  EXPECT_NE(s.message().find("--threads"), std::string::npos) << s.ToString();
  s = Parse({"--decision-timeout", "soon"}, &c);
  EXPECT_NE(s.message().find("duration"), std::string::npos) << s.ToString();
  s = Parse({"--no-such-flag"}, &c);
  EXPECT_NE(s.message().find("--no-such-flag"), std::string::npos);
  s = Parse({"--addr"}, &c);
  EXPECT_NE(s.message().find("needs a value"), std::string::npos);
  s = Parse({"stray"}, &c);
  EXPECT_FALSE(s.ok());
}

TEST(EngineConfigTest, ValidationCatchesContradictions) {
  EngineConfig c;
  EXPECT_NE(ValidateEngineConfig(c).message().find("--insecure-http"), std::string::npos)
      << "no TLS and no explicit plain HTTP";
  c.tls_cert = "c";
  EXPECT_NE(ValidateEngineConfig(c).message().find("go together"), std::string::npos);
  c.tls_key = "k";
  EXPECT_TRUE(ValidateEngineConfig(c).ok());
  c.policy_dir = "/p";
  c.bundle_url = "http://x";
  EXPECT_FALSE(ValidateEngineConfig(c).ok());
  c.bundle_url.clear();
  c.tier = "fog";
  EXPECT_NE(ValidateEngineConfig(c).message().find("fog"), std::string::npos);
}

TEST(EngineConfigTest, HelpListsEverySetting) {
  EngineConfig c;
  bool help = false;
  ASSERT_TRUE(ParseEngineConfig({"--policy-dir", "x", "--help"}, &c, &help).ok());
  EXPECT_TRUE(help);
  std::string usage = EngineUsage();
  for (const char* flag : {"--addr", "--policy-dir", "--bundle-url", "--tls-cert", "--tls-key",
                           "--insecure-http", "--config", "--max-body", "--decision-timeout",
                           "--status-url", "--shutdown-grace", "--allow-api-writes"}) {
    EXPECT_NE(usage.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace fedra::server
