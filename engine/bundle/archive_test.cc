// gzip + tar: round trips, archives made by the real `tar`, and every kind
// of garbage (not gzip, truncated, corrupt, bad checksums, traversal, links,
// devices, bombs, limits).
#include "bundle/archive.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "bundle/bundle_test_util.h"

namespace fedra::bundle {
namespace {

using testing::Padded;
using testing::RawHeader;
using testing::ReadFileAt;
using testing::Shell;
using testing::TarEnd;
using testing::TempDir;
using testing::WriteFileAt;

std::string MustGzip(const std::string& s) {
  std::string out;
  EXPECT_TRUE(Gzip(s, &out).ok());
  return out;
}

Status ReadRawTar(const std::string& tar, std::vector<TarEntry>* out, Limits limits = {}) {
  return ReadTarGz(MustGzip(tar), limits, out);
}

TEST(Gzip, RoundTripAndDeterminism) {
  std::string data;
  for (int i = 0; i < 10000; ++i) data += "line " + std::to_string(i) + "\n";
  std::string a, b, back;
  ASSERT_TRUE(Gzip(data, &a).ok());
  ASSERT_TRUE(Gzip(data, &b).ok());
  EXPECT_EQ(a, b);
  EXPECT_LT(a.size(), data.size() / 3);
  ASSERT_TRUE(Gunzip(a, data.size(), &back).ok());
  EXPECT_EQ(back, data);
}

TEST(Gzip, OutputLimitStopsABomb) {
  std::string zeros(16u << 20, '\0');
  std::string bomb = MustGzip(zeros);
  EXPECT_LT(bomb.size(), 100u << 10);
  std::string out;
  Status st = Gunzip(bomb, 1u << 20, &out);
  EXPECT_EQ(st.code(), StatusCode::kEvalLimitError) << st.ToString();
  EXPECT_NE(st.message().find("max_total_bytes"), std::string_view::npos);
  // Exactly at the limit is fine.
  EXPECT_TRUE(Gunzip(bomb, zeros.size(), &out).ok());
}

TEST(Gzip, ConcatenatedMembers) {
  std::string both = MustGzip("hello ") + MustGzip("world");
  std::string out;
  ASSERT_TRUE(Gunzip(both, 100, &out).ok());
  EXPECT_EQ(out, "hello world");
}

TEST(Gzip, Garbage) {
  std::string out;
  Status st = Gunzip("this is not gzip at all", 1000, &out);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("not a gzip stream"), std::string_view::npos) << st.ToString();

  std::string good = MustGzip(std::string(5000, 'x') + "tail");
  for (size_t cut : {size_t{3}, size_t{10}, good.size() / 2, good.size() - 1}) {
    st = Gunzip(good.substr(0, cut), 1u << 20, &out);
    EXPECT_FALSE(st.ok()) << "cut at " << cut;
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  }
  std::string corrupt = good;
  corrupt[corrupt.size() / 2] ^= 0x55;
  corrupt[corrupt.size() / 2 + 1] ^= 0x55;
  st = Gunzip(corrupt, 1u << 20, &out);
  EXPECT_FALSE(st.ok());
  std::string crc = good;
  crc[crc.size() - 6] ^= 1;  // CRC32 in the trailer
  st = Gunzip(crc, 1u << 20, &out);
  EXPECT_FALSE(st.ok());
  st = Gunzip(good + "garbage!", 1u << 20, &out);
  EXPECT_NE(st.message().find("trailing garbage"), std::string_view::npos) << st.ToString();
  EXPECT_TRUE(Gunzip(good + std::string(100, '\0'), 1u << 20, &out).ok());
  EXPECT_FALSE(Gunzip("", 10, &out).ok());
}

TEST(Tar, WriterRoundTripWithLongPaths) {
  std::string deep;
  for (int i = 0; i < 12; ++i) deep += "directory-" + std::to_string(i) + "/";
  std::string very_long(300, 'n');
  std::vector<TarEntry> in = {
      {"data.json", "{\"a\": 1}"},
      {"a/b/policy.rego", "package a.b\n"},
      {deep + "x.rego", "package x\n"},                      // ustar prefix + name
      {"p/" + very_long + ".rego", std::string(1500, 'z')},  // needs a PAX path
      {"empty.rego", ""},
  };
  std::string targz;
  ASSERT_TRUE(WriteTarGz(in, 0, &targz).ok());
  std::string again;
  ASSERT_TRUE(WriteTarGz(in, 0, &again).ok());
  EXPECT_EQ(targz, again);
  std::vector<TarEntry> out;
  Status st = ReadTarGz(targz, Limits{}, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(out[i].path, in[i].path);
    EXPECT_EQ(out[i].contents, in[i].contents);
  }
}

TEST(Tar, WriterRefusesUnnormalisedPaths) {
  std::string out;
  for (const char* p : {"/abs.rego", "../up.rego", "a/./b.rego", "", "a//b"}) {
    EXPECT_FALSE(WriteTarGz({{p, "x"}}, 0, &out).ok()) << p;
  }
}

// The writer's archives must be readable by the real tar, and the real
// tar's archives (GNU, PAX and ustar formats) by the reader.
TEST(Tar, InteroperatesWithRealTar) {
  TempDir dir;
  std::string long_dir;
  for (int i = 0; i < 8; ++i) long_dir += "long-directory-name-" + std::to_string(i) + "/";
  WriteFileAt(dir / "src/data.json", "{\"x\": [1, 2]}");
  WriteFileAt(dir / "src/policies/main.rego", "package main\n");
  WriteFileAt(dir / ("src/" + long_dir + "deep.rego"), "package deep\n");
  for (const char* format : {"gnu", "pax", "ustar", "posix"}) {
    std::string out = dir / (std::string(format) + ".tar.gz");
    ASSERT_EQ(Shell("cd " + dir.path() + "/src && tar --format=" + format + " -czf " + out + " ."),
              0)
        << format;
    std::vector<TarEntry> entries;
    Status st = ReadTarGz(ReadFileAt(out), Limits{}, &entries);
    ASSERT_TRUE(st.ok()) << format << ": " << st.ToString();
    std::map<std::string, std::string> files;
    for (const auto& e : entries) files[e.path] = e.contents;
    EXPECT_EQ(files.size(), 3u) << format;
    EXPECT_EQ(files["data.json"], "{\"x\": [1, 2]}");
    EXPECT_EQ(files["policies/main.rego"], "package main\n");
    EXPECT_EQ(files[long_dir + "deep.rego"], "package deep\n") << format;
  }
  // Ours, listed and extracted by tar.
  std::string ours;
  ASSERT_TRUE(WriteTarGz({{"a.rego", "A"}, {long_dir + std::string(120, 'q') + ".rego", "B"}},
                         1700000000, &ours)
                  .ok());
  WriteFileAt(dir / "ours.tar.gz", ours);
  ASSERT_EQ(Shell("mkdir -p " + dir.path() + "/x && tar -xzf " + dir.path() + "/ours.tar.gz -C " +
                  dir.path() + "/x"),
            0);
  EXPECT_EQ(ReadFileAt(dir / "x/a.rego"), "A");
  EXPECT_EQ(ReadFileAt(dir / ("x/" + long_dir + std::string(120, 'q') + ".rego")), "B");
}

TEST(Tar, LeadingSlashAndDotAreBundleRelative) {
  // `opa build` writes "/data.json"; `tar -C dir .` writes "./x".
  std::string tar = RawHeader("/data.json", '0', 2) + Padded("{}") +
                    RawHeader("./p/x.rego", '0', 1) + Padded("x") + RawHeader("./", '5', 0) +
                    TarEnd();
  std::vector<TarEntry> out;
  Status st = ReadRawTar(tar, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].path, "data.json");
  EXPECT_EQ(out[1].path, "p/x.rego");
}

TEST(Tar, RejectsTraversalLinksDevicesAndDuplicates) {
  struct Case {
    std::string tar;
    std::string want;  // in the message
  };
  std::vector<Case> cases = {
      {RawHeader("../etc/passwd", '0', 1) + Padded("x"),
       "\"../etc/passwd\": path escapes the bundle root"},
      {RawHeader("a/../../b.rego", '0', 1) + Padded("x"), "\"a/../../b.rego\": path escapes"},
      {RawHeader("link.rego", '2', 0, "/etc/passwd"),
       "\"link.rego\": symbolic links are not allowed"},
      {RawHeader("hard.rego", '1', 0, "other.rego"), "\"hard.rego\": hard links are not allowed"},
      {RawHeader("dev/null", '3', 0), "\"dev/null\": device files are not allowed"},
      {RawHeader("dev/sda", '4', 0), "\"dev/sda\": device files"},
      {RawHeader("fifo", '6', 0), "\"fifo\": FIFOs are not allowed"},
      {RawHeader("sparse", 'S', 0), "unsupported entry type"},
      {RawHeader("a.rego", '0', 1) + Padded("x") + RawHeader("./a.rego", '0', 1) + Padded("y"),
       "duplicate file"},
      {RawHeader("./", '0', 1) + Padded("x"), "a file needs a name"},
  };
  for (const Case& c : cases) {
    std::vector<TarEntry> out;
    Status st = ReadRawTar(c.tar + TarEnd(), &out);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << c.want;
    EXPECT_NE(st.message().find(c.want), std::string_view::npos) << st.ToString();
  }
}

TEST(Tar, RejectsLinksAndFifosMadeByRealTar) {
  TempDir dir;
  WriteFileAt(dir / "src/a.rego", "package a\n");
  ASSERT_EQ(Shell("cd " + dir.path() + "/src && ln -s a.rego b.rego && tar -czf ../sym.tar.gz ."),
            0);
  std::vector<TarEntry> out;
  Status st = ReadTarGz(ReadFileAt(dir / "sym.tar.gz"), Limits{}, &out);
  EXPECT_NE(st.message().find("\"./b.rego\": symbolic links are not allowed"),
            std::string_view::npos)
      << st.ToString();
  ASSERT_EQ(Shell("cd " + dir.path() +
                  "/src && rm b.rego && ln a.rego h.rego && tar -czf ../hard.tar.gz ."),
            0);
  st = ReadTarGz(ReadFileAt(dir / "hard.tar.gz"), Limits{}, &out);
  EXPECT_NE(st.message().find("hard links are not allowed"), std::string_view::npos)
      << st.ToString();
  ASSERT_EQ(Shell("mkdir " + dir.path() + "/f && mkfifo " + dir.path() + "/f/pipe && cd " +
                  dir.path() + "/f && tar -czf ../fifo.tar.gz ."),
            0);
  st = ReadTarGz(ReadFileAt(dir / "fifo.tar.gz"), Limits{}, &out);
  EXPECT_NE(st.message().find("\"./pipe\": FIFOs are not allowed"), std::string_view::npos)
      << st.ToString();
}

TEST(Tar, Garbage) {
  std::vector<TarEntry> out;
  std::string good = RawHeader("a.rego", '0', 600) + Padded(std::string(600, 'a')) + TarEnd();
  // Bad checksum.
  std::string bad = good;
  bad[10] = 'X';
  Status st = ReadRawTar(bad, &out);
  EXPECT_NE(st.message().find("bad tar header checksum at byte 0"), std::string_view::npos)
      << st.ToString();
  // Truncated inside an entry, and inside a header.
  st = ReadRawTar(good.substr(0, 700), &out);
  EXPECT_NE(st.message().find("\"a.rego\" is truncated"), std::string_view::npos) << st.ToString();
  st = ReadRawTar(good.substr(0, 300), &out);
  EXPECT_NE(st.message().find("truncated tar header"), std::string_view::npos) << st.ToString();
  // A bad size field.
  std::string h = RawHeader("a.rego", '0', 0);
  std::memcpy(h.data() + 124, "zzzzzzzzzzz", 11);
  std::memset(h.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(h.data() + 148, 8, "%06o", sum);
  st = ReadRawTar(h + TarEnd(), &out);
  EXPECT_NE(st.message().find("bad size field"), std::string_view::npos) << st.ToString();
  // Random bytes that happen to be valid gzip.
  std::string noise;
  for (int i = 0; i < 4096; ++i) noise += static_cast<char>((i * 7919) % 251);
  st = ReadRawTar(noise, &out);
  EXPECT_FALSE(st.ok());
  // A dangling PAX header.
  std::string pax = "30 path=aaaaaaaaaaaaaaaaaaaaa\n";
  st = ReadRawTar(RawHeader("PaxHeaders/x", 'x', pax.size()) + Padded(pax) + TarEnd(), &out);
  EXPECT_NE(st.message().find("extended header without its entry"), std::string_view::npos)
      << st.ToString();
  // Malformed PAX records.
  std::string bad_pax = "99 path=x\n";
  st =
      ReadRawTar(RawHeader("PaxHeaders/x", 'x', bad_pax.size()) + Padded(bad_pax) + TarEnd(), &out);
  EXPECT_NE(st.message().find("malformed PAX record"), std::string_view::npos) << st.ToString();
  // A tar stream that is not gzipped at all.
  st = ReadTarGz(good, Limits{}, &out);
  EXPECT_NE(st.message().find("not a gzip stream"), std::string_view::npos) << st.ToString();
  // Empty archive: no entries, no error.
  EXPECT_TRUE(ReadRawTar(TarEnd(), &out).ok());
  EXPECT_TRUE(out.empty());
}

TEST(Tar, PaxPathTraversalIsCaught) {
  std::string pax = "22 path=../../evil\n";
  pax = std::to_string(pax.size()) + pax.substr(2);
  std::string tar = RawHeader("PaxHeaders/x", 'x', pax.size()) + Padded(pax) +
                    RawHeader("harmless", '0', 1) + Padded("x") + TarEnd();
  std::vector<TarEntry> out;
  Status st = ReadRawTar(tar, &out);
  EXPECT_NE(st.message().find("\"../../evil\": path escapes the bundle root"),
            std::string_view::npos)
      << st.ToString();
  // A GNU long name with traversal.
  std::string name = "../../long";
  st = ReadRawTar(RawHeader("././@LongLink", 'L', name.size() + 1) + Padded(name + '\0') +
                      RawHeader("short", '0', 1) + Padded("x") + TarEnd(),
                  &out);
  EXPECT_NE(st.message().find("\"../../long\": path escapes"), std::string_view::npos)
      << st.ToString();
}

TEST(Tar, Limits) {
  std::vector<TarEntry> out;
  Limits small;
  small.max_entry_bytes = 1000;
  std::string big = RawHeader("big.json", '0', 2000) + Padded(std::string(2000, ' ')) + TarEnd();
  Status st = ReadRawTar(big, &out, small);
  EXPECT_EQ(st.code(), StatusCode::kEvalLimitError);
  EXPECT_NE(st.message().find("\"big.json\" is 2000 bytes"), std::string_view::npos)
      << st.ToString();

  Limits few;
  few.max_entries = 3;
  std::string many;
  for (int i = 0; i < 5; ++i) many += RawHeader("f" + std::to_string(i), '0', 1) + Padded("x");
  st = ReadRawTar(many + TarEnd(), &out, few);
  EXPECT_NE(st.message().find("max_entries"), std::string_view::npos) << st.ToString();

  Limits total;
  total.max_total_bytes = 3000;
  std::string files;
  for (int i = 0; i < 4; ++i)
    files += RawHeader("f" + std::to_string(i), '0', 1000) + Padded(std::string(1000, 'a'));
  st = ReadRawTar(files + TarEnd(), &out, total);
  EXPECT_NE(st.message().find("max_total_bytes"), std::string_view::npos) << st.ToString();

  Limits small_archive;
  small_archive.max_compressed_bytes = 10;
  st = ReadRawTar(files + TarEnd(), &out, small_archive);
  EXPECT_NE(st.message().find("max_compressed_bytes"), std::string_view::npos) << st.ToString();

  // A gzip bomb: 64 MiB of zeros after one small entry's header claims to
  // be 64 MiB long, under a 1 MiB total limit.
  std::string header = RawHeader("bomb.json", '0', 64u << 20);
  std::string bomb_tar = header + std::string(64u << 20, '\0');
  Limits bomb_limits;
  bomb_limits.max_total_bytes = 1u << 20;
  bomb_limits.max_entry_bytes = 128u << 20;
  st = ReadRawTar(bomb_tar, &out, bomb_limits);
  EXPECT_EQ(st.code(), StatusCode::kEvalLimitError) << st.ToString();
}

// Deterministic random damage, before and after compression (gzip's CRC
// catches most damage to the compressed stream, so the tar parser is fed
// damaged tar streams too): every outcome is a Status, never a crash.
TEST(Tar, RandomDamageNeverCrashes) {
  std::string long_name(150, 'L');
  std::string tar;
  ASSERT_TRUE(WriteTar({{"data.json", "{\"a\": [1, 2, 3]}"},
                        {"p/" + long_name + "/" + long_name + ".rego", std::string(700, 'p')},
                        {"x.rego", "package x\n"}},
                       0, &tar)
                  .ok());
  std::string targz = MustGzip(tar);
  uint64_t seed = 12345;
  auto next = [&] {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<size_t>(seed >> 33);
  };
  Limits limits;
  limits.max_total_bytes = 1u << 20;
  int accepted = 0;
  for (int i = 0; i < 1500; ++i) {
    bool before = i % 2 == 0;
    std::string damaged = before ? tar : targz;
    int flips = 1 + static_cast<int>(next() % 4);
    for (int f = 0; f < flips; ++f) damaged[next() % damaged.size()] = static_cast<char>(next());
    if (next() % 5 == 0) damaged.resize(next() % damaged.size());
    std::vector<TarEntry> out;
    Status st =
        before ? ReadTarGz(MustGzip(damaged), limits, &out) : ReadTarGz(damaged, limits, &out);
    if (st.ok())
      ++accepted;
    else
      EXPECT_FALSE(st.message().empty());
  }
  // Damage to file contents (not headers) is not the tar layer's to see.
  EXPECT_GT(accepted, 0);
  EXPECT_LT(accepted, 1500);
}

TEST(Tar, NormalizeEntryPath) {
  std::string out;
  ASSERT_TRUE(NormalizeEntryPath("/a//b/./c.rego", &out).ok());
  EXPECT_EQ(out, "a/b/c.rego");
  ASSERT_TRUE(NormalizeEntryPath("./", &out).ok());
  EXPECT_EQ(out, "");
  EXPECT_FALSE(NormalizeEntryPath("a/..", &out).ok());
  EXPECT_FALSE(NormalizeEntryPath(std::string("a\0b", 3), &out).ok());
  ASSERT_TRUE(NormalizeEntryPath("a/..b/c", &out).ok());  // "..b" is a name
  EXPECT_EQ(out, "a/..b/c");
}

}  // namespace
}  // namespace fedra::bundle
