// The bundle model: manifest, data merging at directory paths, modules,
// roots, Fedra's policy layout, write/read round trips, bundles made by the
// real `tar`, and directories.
#include "bundle/bundle.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bundle/archive.h"
#include "bundle/bundle_test_util.h"
#include "value/json.h"

namespace fedra::bundle {
namespace {

using testing::ReadFileAt;
using testing::Shell;
using testing::TempDir;
using testing::WriteFileAt;

Value Json(std::string_view text) {
  Value v;
  Status st = ParseJson(text, &v);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return v;
}

std::string TarGz(const std::vector<TarEntry>& entries) {
  std::string out;
  EXPECT_TRUE(WriteTarGz(entries, 0, &out).ok());
  return out;
}

Status Read(const std::vector<TarEntry>& entries, Bundle* b, ReadOptions options = {}) {
  return ReadBundle(TarGz(entries), options, b);
}

TEST(ReadBundle, OpaStyleBundle) {
  Bundle b;
  Status st = Read(
      {
          {".manifest",
           R"({"revision": "rev-7", "roots": ["/authz/", "users"], "metadata": {"team": "x"},
                           "rego_version": 1})"},
          {"authz/policy.rego", "package authz\n\nallow if input.user == \"admin\"\n"},
          {"authz/lib/data.json", R"({"admins": ["alice"]})"},
          {"authz/data.json", R"({"limits": {"max": 3}})"},
          {"users/data.yaml", "alice:\n  role: admin\nbob:\n  role: dev\n"},
          {"authz/README.md", "ignored"},
      },
      &b);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(b.revision, "rev-7");
  EXPECT_EQ(b.roots, (std::vector<std::string>{"authz", "users"}));
  EXPECT_EQ(b.metadata, Json(R"({"team": "x"})"));
  ASSERT_TRUE(b.rego_version.has_value());
  EXPECT_EQ(*b.rego_version, 1);
  ASSERT_EQ(b.modules.size(), 1u);
  EXPECT_EQ(b.modules[0].path, "authz/policy.rego");
  EXPECT_EQ(b.modules[0].rego_version, 1);
  EXPECT_EQ(b.data, Json(R"({"authz": {"lib": {"admins": ["alice"]}, "limits": {"max": 3}},
                             "users": {"alice": {"role": "admin"}, "bob": {"role": "dev"}}})"));
  EXPECT_FALSE(b.signed_bundle);
}

TEST(ReadBundle, NoManifestMeansEverything) {
  Bundle b;
  Status st = Read(
      {{"data.json", R"({"a": 1})"}, {"x/data.json", "[1, 2]"}, {"p.rego", "package anything\n"}},
      &b);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(b.roots, std::vector<std::string>{""});
  EXPECT_EQ(b.revision, "");
  EXPECT_EQ(b.data, Json(R"({"a": 1, "x": [1, 2]})"));
}

TEST(ReadBundle, DataMergeConflicts) {
  Bundle b;
  Status st = Read({{"data.json", R"({"a": {"b": 1}})"}, {"a/data.json", R"({"b": 2})"}}, &b);
  EXPECT_NE(st.message().find("conflicts with another data file"), std::string_view::npos)
      << st.ToString();
  EXPECT_NE(st.message().find("/a/b"), std::string_view::npos) << st.ToString();
  st = Read({{"data.json", R"({"a": 5})"}, {"a/b/data.json", R"({"c": 2})"}}, &b);
  EXPECT_NE(st.message().find("conflicts"), std::string_view::npos) << st.ToString();
  // Objects merge key by key.
  st = Read({{"data.json", R"({"a": {"x": 1}})"}, {"a/data.json", R"({"y": 2})"}}, &b);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(b.data, Json(R"({"a": {"x": 1, "y": 2}})"));
  // The same in the other archive order, and three levels deep.
  st = Read({{"a/b/data.json", R"({"z": 3})"},
             {"a/data.json", R"({"y": 2, "b": {"w": 4}})"},
             {"data.json", R"({"a": {"x": 1}})"}},
            &b);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(b.data, Json(R"({"a": {"x": 1, "y": 2, "b": {"w": 4, "z": 3}}})"));
  st = Read({{"a/b/data.json", R"({"z": 3})"}, {"a/data.json", R"({"b": {"z": 4}})"}}, &b);
  EXPECT_NE(st.message().find("\"/a/b/z\" conflicts"), std::string_view::npos) << st.ToString();
  st = Read({{"data.json", "[1]"}}, &b);
  EXPECT_NE(st.message().find("data at the bundle root must be an object"), std::string_view::npos);
}

TEST(ReadBundle, RootsViolations) {
  Bundle b;
  auto manifest = [](const std::string& roots) {
    return TarEntry{".manifest", R"({"revision": "r", "roots": )" + roots + "}"};
  };
  Status st = Read({manifest(R"(["a"])"), {"b/data.json", R"({"x": 1})"}}, &b);
  EXPECT_NE(st.message().find("do not permit data at path \"/b\""), std::string_view::npos)
      << st.ToString();
  st = Read({manifest(R"(["a/b"])"), {"a/data.json", R"({"c": 1})"}}, &b);
  EXPECT_NE(st.message().find("do not permit data at path \"/a/c\""), std::string_view::npos)
      << st.ToString();
  st = Read({manifest(R"(["a/b"])"), {"a/data.json", R"({"b": {"deep": 1}})"}}, &b);
  EXPECT_TRUE(st.ok()) << st.ToString();
  st = Read({manifest(R"(["a"])"), {"x.rego", "package b.c\n"}}, &b);
  EXPECT_NE(st.message().find("do not permit package data.b.c in module x.rego"),
            std::string_view::npos)
      << st.ToString();
  st = Read({manifest(R"(["a", "a/b"])")}, &b);
  EXPECT_NE(st.message().find("overlapped roots: \"a\" and \"a/b\""), std::string_view::npos)
      << st.ToString();
  st = Read({manifest(R"(["", "x"])")}, &b);
  EXPECT_NE(st.message().find("overlapped roots"), std::string_view::npos) << st.ToString();
  // "ab" does not lie under "a": roots compare by path segment.
  st = Read({manifest(R"(["a"])"), {"x.rego", "package ab\n"}}, &b);
  EXPECT_FALSE(st.ok());
  st = Read({manifest(R"(["a"])"), {"x.rego", "package a.b\n"}}, &b);
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST(ReadBundle, BadManifestsAndModules) {
  Bundle b;
  struct Case {
    std::string manifest;
    std::string want;
  };
  for (const Case& c : std::vector<Case>{
           {"not json", ".manifest"},
           {"[]", "not a JSON object"},
           {R"({"revision": 7})", "\"revision\" must be a string"},
           {R"({"roots": "a"})", "\"roots\" must be an array"},
           {R"({"roots": [1]})", "roots[0] must be a string"},
           {R"({"metadata": 1})", "\"metadata\" must be an object"},
           {R"({"rego_version": 2})", "\"rego_version\" must be 0 or 1"},
       }) {
    Status st = Read({{".manifest", c.manifest}}, &b);
    EXPECT_NE(st.message().find(c.want), std::string_view::npos)
        << c.manifest << " -> " << st.ToString();
  }
  Status st = Read({{"bad.rego", "package x\n\nallow if {\n"}}, &b);
  EXPECT_EQ(st.code(), StatusCode::kParseError) << st.ToString();
  EXPECT_NE(st.ToString().find("bad.rego:"), std::string::npos) << st.ToString();
  st = Read({{"d/data.json", "{\"a\": "}}, &b);
  EXPECT_NE(st.ToString().find("d/data.json"), std::string::npos) << st.ToString();
  st = Read({{"data.yaml", "a: [1, 2\n"}}, &b);
  EXPECT_NE(st.ToString().find("data.yaml"), std::string::npos) << st.ToString();
  st = Read({{"patch.json", "{}"}}, &b);
  EXPECT_NE(st.message().find("delta bundles are not supported"), std::string_view::npos);
}

TEST(ReadBundle, RegoVersions) {
  Bundle b;
  // v0 syntax parses only as v0.
  std::string v0 = "package a\n\nallow { true }\n";
  Status st = Read({{"a.rego", v0}}, &b);
  EXPECT_FALSE(st.ok());
  st = Read({{".manifest", R"({"rego_version": 0})"}, {"a.rego", v0}}, &b);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(b.modules[0].rego_version, 0);
  st = Read({{".manifest", R"({"rego_version": 1, "file_rego_versions": {"/old/*.rego": 0}})"},
             {"old/a.rego", v0},
             {"new/b.rego", "package b\n\nallow if true\n"}},
            &b);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(b.modules[0].path, "new/b.rego");
  EXPECT_EQ(b.modules[0].rego_version, 1);
  EXPECT_EQ(b.modules[1].rego_version, 0);
  ReadOptions v0_default;
  v0_default.default_rego_version = 0;
  EXPECT_TRUE(Read({{"a.rego", v0}}, &b, v0_default).ok());
}

Bundle FedraBundle() {
  Bundle b;
  b.revision = "hub-42";
  b.roots = {"fedra"};
  b.metadata = Json(R"({"hub": "hub-1", "cluster": "edge-3"})");
  b.rego_version = 1;
  b.modules = {
      {"fedra/policies/require-labels/main.rego",
       "package fedra.policies.require_labels\n\nviolation contains {\"msg\": \"x\"} if true\n", 1},
      {"fedra/policies/registries/lib.rego",
       "package fedra.policies.registries.lib\n\nok := true\n", 1},
  };
  b.data = Json(R"({"fedra": {"policies": {
      "require-labels": {"type": "Admission", "enforcement": "Deny",
                         "match": {"kinds": [{"apiGroups": [""], "kinds": ["Pod"]}]},
                         "parameters": {"labels": ["team"]}, "failurePolicy": "Fail", "regoVersion": 1,
                         "modules": ["fedra/policies/require-labels/main.rego"]},
      "registries": {"type": "Admission", "enforcement": "Warn", "match": {}, "parameters": {},
                     "failurePolicy": "Ignore", "regoVersion": 1,
                     "modules": ["fedra/policies/registries/lib.rego"]}}}})");
  return b;
}

TEST(WriteBundle, RoundTripIsExactAndDeterministic) {
  Bundle in = FedraBundle();
  std::string a, b2;
  ASSERT_TRUE(WriteBundle(in, {}, &a).ok());
  ASSERT_TRUE(WriteBundle(in, {}, &b2).ok());
  EXPECT_EQ(a, b2);
  Bundle out;
  Status st = ReadBundle(a, {}, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out.revision, in.revision);
  EXPECT_EQ(out.roots, in.roots);
  EXPECT_EQ(out.metadata, in.metadata);
  EXPECT_EQ(out.rego_version, in.rego_version);
  EXPECT_EQ(out.data, in.data);
  ASSERT_EQ(out.modules.size(), 2u);
  EXPECT_EQ(out.modules[0].path, "fedra/policies/registries/lib.rego");  // sorted
  EXPECT_EQ(out.modules[1].source, in.modules[0].source);
  // The Fedra layout is carried as plain data.
  const Value* p = out.data.Find("fedra")->Find("policies")->Find("require-labels");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p->Find("enforcement"), Value::String("Deny"));
  EXPECT_EQ(p->Find("modules")->array()[0],
            Value::String("fedra/policies/require-labels/main.rego"));
  // A different revision gives different bytes.
  in.revision = "hub-43";
  std::string c;
  ASSERT_TRUE(WriteBundle(in, {}, &c).ok());
  EXPECT_NE(a, c);
}

TEST(WriteBundle, RefusesBadModulePaths) {
  Bundle b;
  std::string out;
  b.modules = {{"../x.rego", "package x\n", 1}};
  EXPECT_FALSE(WriteBundle(b, {}, &out).ok());
  b.modules = {{"x.txt", "package x\n", 1}};
  EXPECT_FALSE(WriteBundle(b, {}, &out).ok());
  b.modules = {{"x.rego", "package x\n", 1}, {"x.rego", "package x\n", 1}};
  EXPECT_FALSE(WriteBundle(b, {}, &out).ok());
  b.modules.clear();
  b.data = Value::Int(1);
  EXPECT_FALSE(WriteBundle(b, {}, &out).ok());
}

// A bundle directory as a person lays it out, archived by the real tar the
// way `tar czf` and `opa build` users do.
TEST(ReadBundle, ArchiveMadeByRealTar) {
  TempDir dir;
  WriteFileAt(dir / "b/.manifest", R"({"revision": "from-tar", "roots": ["fedra"]})");
  WriteFileAt(dir / "b/fedra/policies/p1/main.rego",
              "package fedra.policies.p1\n\ndeny if false\n");
  WriteFileAt(dir / "b/fedra/policies/data.json",
              R"({"p1": {"type": "Admission", "modules": ["x"]}})");
  WriteFileAt(dir / "b/fedra/settings/data.yaml", "mode: strict\n");
  ASSERT_EQ(Shell("cd " + dir.path() + "/b && tar czf ../bundle.tar.gz .manifest fedra"), 0);
  Bundle b;
  Status st = ReadBundle(ReadFileAt(dir / "bundle.tar.gz"), {}, &b);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(b.revision, "from-tar");
  EXPECT_EQ(b.data, Json(R"({"fedra": {"policies": {"p1": {"type": "Admission", "modules": ["x"]}},
                                        "settings": {"mode": "strict"}}})"));
  ASSERT_EQ(b.modules.size(), 1u);
  EXPECT_EQ(b.modules[0].path, "fedra/policies/p1/main.rego");
  // "./"-prefixed entries, as `tar -C dir .` writes them.
  ASSERT_EQ(Shell("cd " + dir.path() + "/b && tar czf ../dot.tar.gz ."), 0);
  Bundle dot;
  st = ReadBundle(ReadFileAt(dir / "dot.tar.gz"), {}, &dot);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(dot.data, b.data);
  EXPECT_EQ(dot.revision, "from-tar");
}

TEST(LoadDirectory, BuildsTheSameBundleAsTheArchive) {
  TempDir dir;
  WriteFileAt(dir / "b/.manifest", R"({"revision": "dir", "roots": ["fedra"]})");
  WriteFileAt(dir / "b/fedra/policies/p1/main.rego",
              "package fedra.policies.p1\n\ndeny if false\n");
  WriteFileAt(dir / "b/fedra/policies/data.json", R"({"p1": {"type": "Admission"}})");
  WriteFileAt(dir / "b/fedra/notes.txt", "not part of the bundle");
  WriteFileAt(dir / "b/.git/config", "hidden: skipped");
  WriteFileAt(dir / "b/fedra/.hidden.rego", "package not.parsed {{{");
  Bundle b;
  Status st = LoadDirectory(dir / "b", {}, &b);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(b.revision, "dir");
  EXPECT_EQ(b.modules.size(), 1u);
  EXPECT_EQ(b.data, Json(R"({"fedra": {"policies": {"p1": {"type": "Admission"}}}})"));
  std::string targz;
  ASSERT_TRUE(WriteBundle(b, {}, &targz).ok());
  Bundle back;
  ASSERT_TRUE(ReadBundle(targz, {}, &back).ok());
  EXPECT_EQ(back.data, b.data);

  ASSERT_EQ(Shell("ln -s /etc/passwd " + dir.path() + "/b/fedra/link.rego"), 0);
  st = LoadDirectory(dir / "b", {}, &b);
  EXPECT_NE(st.message().find("symbolic links are not supported"), std::string_view::npos)
      << st.ToString();
  EXPECT_EQ(LoadDirectory(dir / "missing", {}, &b).code(), StatusCode::kNotFound);
}

// `opa build` writes every entry with a leading "/" ("/.manifest",
// "/data.json", "/example.rego"): they are the same files.
TEST(ReadBundle, OpaBuildStylePaths) {
  using testing::Padded;
  using testing::RawHeader;
  std::string manifest = R"({"revision": "opa", "roots": ["authz"]})";
  std::string data = R"({"authz": {"admins": ["alice"]}})";
  std::string rego = "package authz\n\nallow if input.user in data.authz.admins\n";
  std::string tar = RawHeader("/.manifest", '0', manifest.size()) + Padded(manifest) +
                    RawHeader("/data.json", '0', data.size()) + Padded(data) +
                    RawHeader("/authz/example.rego", '0', rego.size()) + Padded(rego) +
                    testing::TarEnd();
  std::string targz;
  ASSERT_TRUE(Gzip(tar, &targz).ok());
  Bundle b;
  Status st = ReadBundle(targz, {}, &b);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(b.revision, "opa");
  EXPECT_EQ(b.roots, std::vector<std::string>{"authz"});
  ASSERT_EQ(b.modules.size(), 1u);
  EXPECT_EQ(b.modules[0].path, "authz/example.rego");
  EXPECT_EQ(b.data, Json(data));
}

TEST(ReadBundle, FailureLeavesOutputUntouched) {
  Bundle b;
  b.revision = "keep";
  EXPECT_FALSE(ReadBundle("garbage", {}, &b).ok());
  EXPECT_EQ(b.revision, "keep");
}

}  // namespace
}  // namespace fedra::bundle
