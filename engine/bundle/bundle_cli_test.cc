// `fedra bundle build` end to end: the real binary on a real directory, its
// output read back (and verified with the public key of the PEM it signed
// with) and listed by the real tar. Skipped when the `fedra` binary has not
// been built in this build directory (bundle_test does not depend on it).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "bundle/bundle.h"
#include "bundle/bundle_test_util.h"

namespace fedra::bundle {
namespace {

using testing::ReadFileAt;
using testing::Shell;
using testing::TempDir;
using testing::WriteFileAt;

std::string FedraBinary() { return std::string(FEDRA_BINARY_DIR) + "/bin/fedra"; }

class BundleCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(FedraBinary())) GTEST_SKIP() << FedraBinary() << " not built";
    WriteFileAt(dir_ / "src/.manifest", R"({"revision": "m", "roots": ["fedra"]})");
    WriteFileAt(dir_ / "src/fedra/policies/p/main.rego",
                "package fedra.policies.p\n\nviolation contains 1 if false\n");
    WriteFileAt(dir_ / "src/fedra/policies/data.json",
                R"({"p": {"type": "Admission", "enforcement": "Warn"}})");
  }
  int Fedra(const std::string& args) {
    return Shell(FedraBinary() + " " + args + " >" + dir_.path() + "/out.txt 2>&1");
  }
  std::string Output() { return ReadFileAt(dir_ / "out.txt"); }
  TempDir dir_;
};

TEST_F(BundleCli, BuildsAReadableDeterministicBundle) {
  ASSERT_EQ(
      Fedra("bundle build " + dir_.path() + "/src -o " + dir_.path() + "/a.tar.gz --revision r7"),
      0)
      << Output();
  ASSERT_EQ(
      Fedra("bundle build " + dir_.path() + "/src -o " + dir_.path() + "/b.tar.gz --revision r7"),
      0);
  std::string a = ReadFileAt(dir_ / "a.tar.gz");
  EXPECT_EQ(a, ReadFileAt(dir_ / "b.tar.gz"));
  Bundle b;
  Status st = ReadBundle(a, {}, &b);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(b.revision, "r7");
  EXPECT_EQ(b.roots, std::vector<std::string>{"fedra"});
  ASSERT_EQ(b.modules.size(), 1u);
  EXPECT_EQ(b.modules[0].path, "fedra/policies/p/main.rego");
  EXPECT_EQ(Shell("tar tzf " + dir_.path() + "/a.tar.gz >/dev/null"), 0);
}

TEST_F(BundleCli, SignsWithAPemKey) {
  ASSERT_EQ(Shell("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
                  dir_.path() + "/key.pem 2>/dev/null && openssl pkey -in " + dir_.path() +
                  "/key.pem -pubout -out " + dir_.path() + "/pub.pem"),
            0);
  ASSERT_EQ(
      Fedra("bundle build " + dir_.path() + "/src -o " + dir_.path() + "/s.tar.gz --signing-key " +
            dir_.path() + "/key.pem --signing-alg ES256 --signing-key-id hub"),
      0)
      << Output();
  ReadOptions ro;
  VerificationConfig vc;
  vc.keys.push_back({"hub", "ES256", ReadFileAt(dir_ / "pub.pem"), ""});
  ro.verification = vc;
  Bundle b;
  Status st = ReadBundle(ReadFileAt(dir_ / "s.tar.gz"), ro, &b);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(b.signed_bundle);
  EXPECT_EQ(b.revision, "m");
}

TEST_F(BundleCli, ErrorsAndUsage) {
  WriteFileAt(dir_ / "src/other/x.rego", "package other\n");
  EXPECT_EQ(Fedra("bundle build " + dir_.path() + "/src -o " + dir_.path() + "/x.tar.gz"), 1);
  EXPECT_NE(Output().find("do not permit package data.other in module other/x.rego"),
            std::string::npos)
      << Output();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "x.tar.gz"));
  EXPECT_EQ(Fedra("bundle build"), 2);
  EXPECT_EQ(Fedra("bundle build a b"), 2);
  EXPECT_EQ(Fedra("bundle nope"), 2);
  EXPECT_EQ(Fedra("bundle build " + dir_.path() + "/missing"), 1);
  EXPECT_NE(Output().find("not a directory"), std::string::npos) << Output();
  EXPECT_EQ(Fedra("bundle build --help"), 0);
  EXPECT_NE(Output().find("--signing-key"), std::string::npos);
}

}  // namespace
}  // namespace fedra::bundle
