#include "operator/kube/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>

#include "operator/kube/auth.h"
#include "operator/kube/test_util.h"

namespace fedra::op::kube {
namespace {

using testing::Pki;
using testing::TempDir;

std::string B64(const std::string& s) { return EncodeBase64(s); }

// A kubeconfig with one cluster/user/context; `cluster` and `user` are the
// bodies (YAML, indented by the caller's 6 spaces).
std::string OneContext(const std::string& cluster, const std::string& user) {
  return "apiVersion: v1\nkind: Config\n"
         "clusters:\n- name: c1\n  cluster:\n" +
         cluster + "users:\n- name: u1\n  user:\n" + user +
         "contexts:\n- name: ctx1\n  context:\n    cluster: c1\n    user: u1\n"
         "    namespace: team-a\n"
         "current-context: ctx1\n";
}

std::string Indent(const std::string& key, const std::string& value) {
  return "    " + key + ": " + value + "\n";
}

Status LoadFrom(const TempDir& dir, const std::string& text, RestConfig* out,
                const std::string& name = "config") {
  std::string path = dir.Write(name, text);
  return LoadRestConfig({path}, "", out);
}

TEST(Base64, RoundTripAndStrictness) {
  std::string out;
  for (std::string s : {"", "a", "ab", "abc", "abcd", "hello world\n\x01\xff"}) {
    ASSERT_TRUE(DecodeBase64(EncodeBase64(s), &out)) << s;
    EXPECT_EQ(out, s);
  }
  EXPECT_TRUE(DecodeBase64("aGVs\nbG8=\n", &out));  // line-wrapped, as in PEM-ish data
  EXPECT_EQ(out, "hello");
  EXPECT_FALSE(DecodeBase64("aGVsbG8", &out));   // missing padding
  EXPECT_FALSE(DecodeBase64("aGV*bG8=", &out));  // bad alphabet
  EXPECT_FALSE(DecodeBase64("a===", &out));      // too much padding
  EXPECT_FALSE(DecodeBase64("aG=sbG8=", &out));  // padding in the middle
}

TEST(Kubeconfig, TokenAndInlineCa) {
  TempDir dir;
  const Pki& pki = Pki::Get();
  RestConfig rc;
  Status st = LoadFrom(dir,
                       OneContext(Indent("server", "https://127.0.0.1:6443/") +
                                      Indent("certificate-authority-data", B64(pki.ca.cert_pem)),
                                  Indent("token", "abc123")),
                       &rc);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(rc.server, "https://127.0.0.1:6443");  // trailing slash dropped
  EXPECT_EQ(rc.ca_pem, pki.ca.cert_pem);
  EXPECT_EQ(rc.token, "abc123");
  EXPECT_EQ(rc.default_namespace, "team-a");
  EXPECT_FALSE(rc.insecure_skip_tls_verify);
  EXPECT_NE(rc.source.find("ctx1"), std::string::npos);
}

TEST(Kubeconfig, FilesResolveRelativeToTheKubeconfig) {
  TempDir dir;
  const Pki& pki = Pki::Get();
  dir.Write("certs/ca.crt", pki.ca.cert_pem);
  dir.Write("certs/client.crt", pki.client.cert_pem);
  dir.Write("certs/client.key", pki.client.key_pem);
  dir.Write("token.txt", "file-token\n");
  // The kubeconfig lives in a subdirectory; paths are relative to it.
  std::string text = OneContext(Indent("server", "https://kube.test:443") +
                                    Indent("certificate-authority", "../certs/ca.crt") +
                                    Indent("tls-server-name", "kube.test"),
                                Indent("client-certificate", "../certs/client.crt") +
                                    Indent("client-key", "../certs/client.key") +
                                    Indent("tokenFile", "../token.txt"));
  std::string path = dir.Write("kube/config", text);
  RestConfig rc;
  Status st = LoadRestConfig({path}, "", &rc);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(rc.ca_pem, pki.ca.cert_pem);
  EXPECT_EQ(rc.client_cert_pem, pki.client.cert_pem);
  EXPECT_EQ(rc.client_key_pem, pki.client.key_pem);
  EXPECT_EQ(rc.token_file, dir.path() + "/token.txt");
  EXPECT_EQ(rc.tls_server_name, "kube.test");

  CredentialProvider creds(rc);
  Credentials c;
  ASSERT_TRUE(creds.Get(&c).ok());
  EXPECT_EQ(c.bearer_token, "file-token");  // trimmed
  EXPECT_EQ(c.client_cert_pem, pki.client.cert_pem);
}

TEST(Kubeconfig, InlineClientCertificateAndInsecure) {
  TempDir dir;
  const Pki& pki = Pki::Get();
  RestConfig rc;
  Status st = LoadFrom(dir,
                       OneContext(Indent("server", "https://127.0.0.1:1") +
                                      Indent("insecure-skip-tls-verify", "true"),
                                  Indent("client-certificate-data", B64(pki.client.cert_pem)) +
                                      Indent("client-key-data", B64(pki.client.key_pem))),
                       &rc);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(rc.insecure_skip_tls_verify);
  EXPECT_EQ(rc.client_key_pem, pki.client.key_pem);
}

TEST(Kubeconfig, BasicAuthAndNoUser) {
  TempDir dir;
  RestConfig rc;
  ASSERT_TRUE(LoadFrom(dir,
                       OneContext(Indent("server", "http://127.0.0.1:8080"),
                                  Indent("username", "admin") + Indent("password", "pw")),
                       &rc)
                  .ok());
  EXPECT_EQ(rc.username, "admin");
  EXPECT_EQ(rc.password, "pw");
  // A context without a user: no credentials, still valid.
  std::string text =
      "clusters:\n- name: c\n  cluster:\n    server: http://x:1\n"
      "contexts:\n- name: x\n  context:\n    cluster: c\n";
  Status st = RestConfigFromKubeconfigBytes(text, "secret/m1", "x", &rc);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(rc.server, "http://x:1");
  EXPECT_TRUE(rc.token.empty());
}

TEST(Kubeconfig, ExecSection) {
  TempDir dir;
  RestConfig rc;
  std::string user =
      "    exec:\n"
      "      apiVersion: client.authentication.k8s.io/v1\n"
      "      command: ./bin/plugin\n"
      "      args: [\"--cluster\", \"one\"]\n"
      "      env:\n      - name: PLUGIN_MODE\n        value: test\n"
      "      interactiveMode: Never\n"
      "      provideClusterInfo: true\n"
      "      installHint: install the plugin\n";
  std::string path = dir.Write("config", OneContext(Indent("server", "https://h:1"), user));
  Status st = LoadRestConfig({path}, "", &rc);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(rc.exec.has_value());
  EXPECT_EQ(rc.exec->command, dir.path() + "/bin/plugin");
  EXPECT_EQ(rc.exec->args, (std::vector<std::string>{"--cluster", "one"}));
  ASSERT_EQ(rc.exec->env.size(), 1u);
  EXPECT_EQ(rc.exec->env[0].first, "PLUGIN_MODE");
  EXPECT_EQ(rc.exec->interactive_mode, "Never");
  EXPECT_TRUE(rc.exec->provide_cluster_info);
}

// Each malformed kubeconfig fails with a message naming the file and field.
TEST(Kubeconfig, MalformedNamesFileAndField) {
  TempDir dir;
  const Pki& pki = Pki::Get();
  const std::string server = Indent("server", "https://h:1");
  struct Case {
    std::string text;
    std::string want;
  } cases[] = {
      {OneContext(server, Indent("client-key-data", "not*base64!")),
       "users[0].user.client-key-data: not valid base64"},
      {OneContext(server, Indent("client-certificate-data", B64("just text"))),
       "users[0].user.client-certificate-data: not a PEM certificate"},
      {OneContext(
           server + Indent("certificate-authority-data",
                           B64("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")),
           ""),
       "clusters[0].cluster.certificate-authority-data: not a valid PEM certificate"},
      {OneContext(server + Indent("insecure-skip-tls-verify", "maybe"), ""),
       "clusters[0].cluster.insecure-skip-tls-verify: must be true or false"},
      {OneContext("    tls-server-name: x\n", ""), "clusters[0].cluster.server: required"},
      {OneContext(Indent("server", "ftp://h"), ""),
       "clusters[0].cluster.server: \"ftp://h\" is not"},
      {OneContext(server,
                  "    exec:\n      apiVersion: client.authentication.k8s.io/v1alpha1\n"
                  "      command: x\n"),
       "users[0].user.exec.apiVersion: \"client.authentication.k8s.io/v1alpha1\" is not supported"},
      {OneContext(server,
                  "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                  "      command: x\n"),
       "users[0].user.exec.interactiveMode: required"},
      {OneContext(server,
                  "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                  "      command: x\n      interactiveMode: Always\n"),
       "users[0].user.exec.interactiveMode: Always needs a terminal"},
      {OneContext(server,
                  "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                  "      command: x\n      interactiveMode: Never\n      env: [{value: 1}]\n"),
       "users[0].user.exec.env[0].name: must be a non-empty name"},
      {OneContext(server, Indent("client-certificate", "missing.crt") +
                              Indent("client-key-data", B64(pki.client.key_pem))),
       "users[0].user.client-certificate: cannot read"},
      {OneContext(server, Indent("client-certificate-data", B64(pki.server.cert_pem)) +
                              Indent("client-key-data", B64(pki.client.key_pem))),
       "users[0].user.client-key: private key does not match the certificate"},
      {OneContext(server, Indent("client-key-data", B64(pki.client.key_pem))),
       "users[0].user: client-key is set without client-certificate"},
      {OneContext(server, Indent("token", "a") + Indent("username", "b")),
       "users[0].user: more than one of"},
      {OneContext(server + Indent("certificate-authority-data", B64(pki.ca.cert_pem)) +
                      Indent("insecure-skip-tls-verify", "true"),
                  ""),
       "clusters[0].cluster.insecure-skip-tls-verify: cannot be combined"},
      {"clusters: {a: 1}\n", "clusters: must be a list"},
      {"clusters:\n- cluster: {server: x}\n", "clusters[0].name: required"},
      {"kind: Pod\n", "kind: \"Pod\" is not a kubeconfig"},
      {"clusters:\n- name: a\n  cluster: {server: 'https://a'}\n- name: a\n  cluster: {server: "
       "'https://b'}\n",
       "clusters[1].name: duplicate cluster \"a\""},
      {"contexts:\n- name: x\n  context: {cluster: nope}\ncurrent-context: x\n",
       "contexts[0].context.cluster: cluster \"nope\" not found"},
      {"clusters: [\n", "config:2:1: not valid YAML"},
      {"current-context: ghost\n", "context \"ghost\" not found"},
  };
  for (const Case& c : cases) {
    RestConfig rc;
    Status st = LoadFrom(dir, c.text, &rc);
    ASSERT_FALSE(st.ok()) << c.want;
    std::string msg(st.message());
    EXPECT_NE(msg.find(c.want), std::string::npos) << "got: " << msg << "\nwant: " << c.want;
    EXPECT_NE(msg.find(dir.path() + "/config"), std::string::npos) << "no file in: " << msg;
  }
}

TEST(Kubeconfig, MergeFirstOccurrenceWins) {
  TempDir dir;
  std::string a = dir.Write("a",
                            "clusters:\n- name: shared\n  cluster: {server: 'https://from-a:1'}\n"
                            "users:\n- name: u\n  user: {token: token-a}\n"
                            "contexts:\n- name: ca\n  context: {cluster: shared, user: u}\n");
  std::string b = dir.Write("b",
                            "clusters:\n- name: shared\n  cluster: {server: 'https://from-b:1'}\n"
                            "- name: only-b\n  cluster: {server: 'https://only-b:1'}\n"
                            "users:\n- name: u\n  user: {token: token-b}\n"
                            "contexts:\n- name: cb\n  context: {cluster: only-b, user: u}\n"
                            "current-context: cb\n");
  std::string c = dir.Write("c", "current-context: ca\n");
  Kubeconfig merged;
  // a has no current-context; b's wins over c's. A missing file is skipped.
  Status st = LoadKubeconfigFiles({a, dir.path() + "/missing", b, c}, &merged);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(merged.current_context, "cb");
  ASSERT_EQ(merged.clusters.size(), 2u);
  EXPECT_EQ(merged.FindCluster("shared")->server, "https://from-a:1");
  EXPECT_EQ(merged.FindUser("u")->token, "token-a");
  EXPECT_EQ(merged.files, (std::vector<std::string>{a, b, c}));
  RestConfig rc;
  ASSERT_TRUE(RestConfigFromKubeconfig(merged, "", &rc).ok());
  EXPECT_EQ(rc.server, "https://only-b:1");
  EXPECT_EQ(rc.token, "token-a");  // user "u" came from a
  ASSERT_TRUE(RestConfigFromKubeconfig(merged, "ca", &rc).ok());
  EXPECT_EQ(rc.server, "https://from-a:1");

  // Through $KUBECONFIG, with an empty entry.
  std::string env = a + "::" + b;
  setenv("KUBECONFIG", env.c_str(), 1);
  EXPECT_EQ(DefaultKubeconfigPaths(), (std::vector<std::string>{a, b}));
  ASSERT_TRUE(DefaultRestConfig("", "", &rc).ok());
  EXPECT_EQ(rc.server, "https://only-b:1");
  unsetenv("KUBECONFIG");

  // None exists: an error listing what was tried.
  st = LoadKubeconfigFiles({dir.path() + "/x", dir.path() + "/y"}, &merged);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.ToString().find(dir.path() + "/y"), std::string::npos);
}

TEST(Kubeconfig, BytesRefuseRelativeFiles) {
  RestConfig rc;
  Status st = RestConfigFromKubeconfigBytes(
      "clusters:\n- name: c\n  cluster: {server: 'https://h:1', certificate-authority: ca.crt}\n"
      "contexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n",
      "secret fedra/member-1", "", &rc);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.ToString().find("secret fedra/member-1: clusters[0].cluster.certificate-authority"),
            std::string::npos)
      << st.ToString();
}

TEST(InCluster, ReadsTokenCaAndEnvironment) {
  TempDir dir;
  const Pki& pki = Pki::Get();
  InClusterOptions o;
  o.token_file = dir.Write("token", "sa-token-1\n");
  o.ca_file = dir.Write("ca.crt", pki.ca.cert_pem);
  o.namespace_file = dir.Write("namespace", "fedra-system\n");
  o.host = "10.0.0.1";
  o.port = "443";
  o.token_refresh = std::chrono::seconds(0);  // re-read on every request
  RestConfig rc;
  Status st = InClusterConfig(o, &rc);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(rc.server, "https://10.0.0.1:443");
  EXPECT_EQ(rc.default_namespace, "fedra-system");
  EXPECT_EQ(rc.ca_pem, pki.ca.cert_pem);

  CredentialProvider creds(rc);
  Credentials c;
  ASSERT_TRUE(creds.Get(&c).ok());
  EXPECT_EQ(c.bearer_token, "sa-token-1");
  dir.Write("token", "sa-token-2\n");  // the kubelet rotated it
  ASSERT_TRUE(creds.Get(&c).ok());
  EXPECT_EQ(c.bearer_token, "sa-token-2");
  // A rotation caught half-way (empty file) keeps the last good token.
  dir.Write("token", "");
  ASSERT_TRUE(creds.Get(&c).ok());
  EXPECT_EQ(c.bearer_token, "sa-token-2");

  dir.Write("token", "sa-token-3\n");
  o.host = "fd00::1";
  ASSERT_TRUE(InClusterConfig(o, &rc).ok());
  EXPECT_EQ(rc.server, "https://[fd00::1]:443");
}

TEST(InCluster, FromEnvironment) {
  TempDir dir;
  InClusterOptions o;
  o.token_file = dir.Write("token", "t");
  o.ca_file = dir.Write("ca.crt", Pki::Get().ca.cert_pem);
  o.namespace_file = dir.path() + "/absent";  // optional
  setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
  setenv("KUBERNETES_SERVICE_PORT", "6443", 1);
  RestConfig rc;
  Status st = InClusterConfig(o, &rc);
  unsetenv("KUBERNETES_SERVICE_HOST");
  unsetenv("KUBERNETES_SERVICE_PORT");
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(rc.server, "https://10.96.0.1:6443");
  EXPECT_EQ(rc.source, "in-cluster");
  EXPECT_TRUE(rc.default_namespace.empty());
}

TEST(InCluster, ErrorsNameWhatIsMissing) {
  TempDir dir;
  InClusterOptions o;
  o.token_file = dir.path() + "/none";
  o.ca_file = dir.path() + "/none.crt";
  unsetenv("KUBERNETES_SERVICE_HOST");
  RestConfig rc;
  Status st = InClusterConfig(o, &rc);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.ToString().find("KUBERNETES_SERVICE_HOST"), std::string::npos);
  o.host = "10.0.0.1";
  o.port = "https";
  st = InClusterConfig(o, &rc);
  EXPECT_NE(st.ToString().find("not a port number"), std::string::npos) << st.ToString();
  o.port = "443";
  st = InClusterConfig(o, &rc);
  EXPECT_NE(st.ToString().find(dir.path() + "/none"), std::string::npos) << st.ToString();
  o.token_file = dir.Write("token", "t");
  o.ca_file = dir.Write("ca.crt", "garbage");
  st = InClusterConfig(o, &rc);
  EXPECT_NE(st.ToString().find("not a PEM certificate"), std::string::npos) << st.ToString();
}

// ---- exec credential plugins --------------------------------------------------

// A plugin script that records each run and prints a token built from its
// argument, an env var and what KUBERNETES_EXEC_INFO said.
std::string PluginScript(const std::string& runs_file, const std::string& expiry) {
  return "#!/bin/sh\n"
         "echo run >> " +
         runs_file +
         "\n"
         "case \"$KUBERNETES_EXEC_INFO\" in *'\"interactive\":false'*) inter=no;; *) inter=yes;; "
         "esac\n"
         "case \"$KUBERNETES_EXEC_INFO\" in *'\"server\":\"https://h:1\"'*) cl=yes;; *) cl=no;; "
         "esac\n"
         "cat <<EOF\n"
         "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
         "\"status\":{\"token\":\"tok-$1-$PLUGIN_MODE-$inter-$cl\"" +
         expiry +
         "}}\n"
         "EOF\n";
}

ExecConfig Exec(const std::string& command) {
  ExecConfig e;
  e.api_version = "client.authentication.k8s.io/v1";
  e.command = command;
  e.args = {"alpha"};
  e.env = {{"PLUGIN_MODE", "m1"}};
  e.provide_cluster_info = true;
  return e;
}

int CountLines(const std::string& path) {
  std::ifstream in(path);
  int n = 0;
  std::string line;
  while (std::getline(in, line)) ++n;
  return n;
}

TEST(ExecPlugin, RunsWithArgsEnvAndCachesUntilInvalidated) {
  TempDir dir;
  std::string runs = dir.path() + "/runs";
  std::string script = dir.Write("plugin.sh", PluginScript(runs, ""), 0755);
  RestConfig rc;
  rc.server = "https://h:1";
  rc.exec = Exec(script);
  CredentialProvider creds(rc);
  Credentials c;
  Status st = creds.Get(&c);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(c.bearer_token, "tok-alpha-m1-no-yes");
  ASSERT_TRUE(creds.Get(&c).ok());
  EXPECT_EQ(creds.exec_runs(), 1u);  // no expiry: cached
  EXPECT_EQ(CountLines(runs), 1);
  EXPECT_TRUE(creds.Invalidate());  // as after a 401
  ASSERT_TRUE(creds.Get(&c).ok());
  EXPECT_EQ(creds.exec_runs(), 2u);
  EXPECT_EQ(CountLines(runs), 2);
}

TEST(ExecPlugin, HonoursExpirationTimestamp) {
  TempDir dir;
  std::string runs = dir.path() + "/runs";
  // Already expired: every Get runs the plugin again.
  std::string expired = dir.Write(
      "expired.sh", PluginScript(runs, ",\"expirationTimestamp\":\"2020-01-01T00:00:00Z\""), 0755);
  RestConfig rc;
  rc.server = "https://h:1";
  rc.exec = Exec(expired);
  CredentialProvider a(rc);
  Credentials c;
  ASSERT_TRUE(a.Get(&c).ok());
  ASSERT_TRUE(a.Get(&c).ok());
  EXPECT_EQ(a.exec_runs(), 2u);
  // Far in the future (with an offset): cached.
  std::string future = dir.Write(
      "future.sh", PluginScript(runs, ",\"expirationTimestamp\":\"2999-01-01T10:00:00.5+02:00\""),
      0755);
  rc.exec = Exec(future);
  CredentialProvider b(rc);
  ASSERT_TRUE(b.Get(&c).ok());
  ASSERT_TRUE(b.Get(&c).ok());
  EXPECT_EQ(b.exec_runs(), 1u);
}

TEST(ExecPlugin, ClientCertificateFromPlugin) {
  TempDir dir;
  const Pki& pki = Pki::Get();
  nlohmann::json cred = {
      {"apiVersion", "client.authentication.k8s.io/v1"},
      {"kind", "ExecCredential"},
      {"status",
       {{"clientCertificateData", pki.client.cert_pem}, {"clientKeyData", pki.client.key_pem}}}};
  std::string out_file = dir.Write("cred.json", cred.dump());
  std::string script = dir.Write("plugin.sh", "#!/bin/sh\ncat " + out_file + "\n", 0755);
  RestConfig rc;
  rc.server = "https://h:1";
  rc.exec = Exec(script);
  CredentialProvider creds(rc);
  Credentials c;
  ASSERT_TRUE(creds.Get(&c).ok());
  EXPECT_EQ(c.client_cert_pem, pki.client.cert_pem);
  EXPECT_EQ(c.client_key_pem, pki.client.key_pem);
  EXPECT_TRUE(c.bearer_token.empty());
}

TEST(ExecPlugin, FailuresAreClearErrors) {
  TempDir dir;
  RestConfig rc;
  rc.server = "https://h:1";
  struct Case {
    std::string script;
    std::string want;
  } cases[] = {
      {"#!/bin/sh\necho 'login required: run fedra-login' >&2\nexit 3\n",
       "exit status 3: login required: run fedra-login"},
      {"#!/bin/sh\necho not json\n", "not a JSON ExecCredential"},
      {"#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\","
       "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"x\"}}'\n",
       "apiVersion: expected client.authentication.k8s.io/v1"},
      {"#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
       "\"kind\":\"ExecCredential\",\"status\":{}}'\n",
       "neither token nor clientCertificateData"},
      {"#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
       "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"x\",\"expirationTimestamp\":\"soon\"}}'"
       "\n",
       "expirationTimestamp: not an RFC 3339 time"},
      {"#!/bin/sh\nexec sleep 30\n", "no answer within 300 ms"},
  };
  int i = 0;
  for (const Case& c : cases) {
    std::string script = dir.Write("p" + std::to_string(i++) + ".sh", c.script, 0755);
    rc.exec = Exec(script);
    rc.exec->timeout = std::chrono::milliseconds(300);
    CredentialProvider creds(rc);
    Credentials out;
    Status st = creds.Get(&out);
    ASSERT_FALSE(st.ok()) << c.want;
    EXPECT_NE(st.ToString().find(c.want), std::string::npos) << st.ToString();
    EXPECT_NE(st.ToString().find(script), std::string::npos) << st.ToString();
  }
  rc.exec = Exec(dir.path() + "/does-not-exist");
  rc.exec->install_hint = "brew install fedra-login";
  CredentialProvider creds(rc);
  Credentials out;
  Status st = creds.Get(&out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.ToString().find("brew install fedra-login"), std::string::npos) << st.ToString();
}

}  // namespace
}  // namespace fedra::op::kube
