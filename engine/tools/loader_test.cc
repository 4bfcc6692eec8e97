#include "tools/loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "value/json.h"

namespace fedra::tools {
namespace {

namespace fs = std::filesystem;

Value Json(std::string_view text) {
  Value v;
  Status st = ParseJson(text, &v);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return v;
}

class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("fedra_loader_test_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  std::string Write(const std::string& rel, const std::string& text) {
    fs::path p = root_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  std::string Path(const std::string& rel = "") const { return (root_ / rel).string(); }

  fs::path root_;
};

TEST_F(LoaderTest, DataFilesMergeAtTheirDirectoryPath) {
  Write("p/policy.rego", "package p\n");
  Write("p/a/b/data.json", R"({"x": 1})");
  Write("p/a/b/more.yaml", "y: [1, two]\n");
  Write("p/a/c.json", R"({"z": true})");
  Write("p/root.json", R"({"top": "level"})");
  Write("p/README.md", "ignored");
  Write("p/.hidden/skip.json", R"({"hidden": 1})");
  LoadedFiles out;
  Status st = LoadPaths({Path("p")}, {}, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(out.modules.size(), 1u);
  EXPECT_EQ(out.modules[0].first, Path("p/policy.rego"));
  EXPECT_EQ(out.modules[0].second, "package p\n");
  EXPECT_EQ(out.data,
            Json(R"({"a": {"b": {"x": 1, "y": [1, "two"]}, "z": true}, "top": "level"})"));
}

TEST_F(LoaderTest, FileNamedDirectlyMergesAtTheRoot) {
  std::string f = Write("d/deep/data.json", R"({"k": "v"})");
  LoadedFiles out;
  ASSERT_TRUE(LoadPaths({f}, {}, &out).ok());
  EXPECT_EQ(out.data, Json(R"({"k": "v"})"));
}

TEST_F(LoaderTest, RootDataMustBeAnObject) {
  std::string f = Write("arr.json", "[1, 2]");
  LoadedFiles out;
  Status st = LoadPaths({f}, {}, &out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("arr.json"), std::string_view::npos) << st.ToString();
}

TEST_F(LoaderTest, ConflictsAreMergeErrors) {
  Write("c/one.json", R"({"a": {"b": 1}})");
  Write("c/two.json", R"({"a": {"b": 2}})");
  LoadedFiles out;
  Status st = LoadPaths({Path("c")}, {}, &out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("data.a.b"), std::string_view::npos) << st.ToString();
  EXPECT_NE(st.message().find("two.json"), std::string_view::npos) << st.ToString();
}

TEST_F(LoaderTest, RegoOnlySkipsData) {
  Write("r/x.rego", "package x\n");
  Write("r/bad.json", "{not json");
  LoadOptions opts;
  opts.load_data = false;
  LoadedFiles out;
  ASSERT_TRUE(LoadPaths({Path("r")}, opts, &out).ok());
  EXPECT_EQ(out.modules.size(), 1u);
  EXPECT_EQ(out.data, Value::EmptyObject());
}

TEST_F(LoaderTest, BadDataFileNamesTheFile) {
  Write("b/bad.json", "{\"a\": [1, 2}");
  LoadedFiles out;
  Status st = LoadPaths({Path("b")}, {}, &out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("bad.json"), std::string_view::npos) << st.ToString();
}

TEST_F(LoaderTest, MissingPathAndUnknownExtension) {
  LoadedFiles out;
  EXPECT_EQ(LoadPaths({Path("nope")}, {}, &out).code(), StatusCode::kNotFound);
  std::string txt = Write("notes.txt", "x");
  EXPECT_FALSE(LoadPaths({txt}, {}, &out).ok());
}

TEST(MergeAt, NestsAndMerges) {
  Value base = Json(R"({"a": {"x": 1}})");
  std::vector<std::string> path = {"a", "b"};
  Value out;
  ASSERT_TRUE(MergeAt(base, path, Json("[1]"), "t", &out).ok());
  EXPECT_EQ(out, Json(R"({"a": {"x": 1, "b": [1]}})"));
  Value again;
  EXPECT_FALSE(MergeAt(out, path, Json("[2]"), "t", &again).ok());
}

}  // namespace
}  // namespace fedra::tools
