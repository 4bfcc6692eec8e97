#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "builtins/ip_addr.h"
#include "builtins/registry.h"
#include "value/json.h"

namespace fedra::builtins {
namespace {

Value Str(std::string_view s) { return Value::String(s); }

Value Json(std::string_view text) {
  Value v;
  Status st = ParseJson(text, &v);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return v;
}

std::string Eval(std::string_view name, std::vector<Value> args, Context* ctx = nullptr) {
  const Builtin* b = DefaultRegistry().Find(name);
  EXPECT_NE(b, nullptr) << name;
  if (b == nullptr) return "missing";
  Context local;
  Value out;
  Status st = b->fn(ctx ? *ctx : local, args, &out);
  if (!st.ok()) {
    return "error: " + std::string(StatusCodeName(st.code())) + ": " + std::string(st.message());
  }
  return out.defined() ? ToJson(out) : "undefined";
}

std::string Contains(std::string_view a, std::string_view b) {
  return Eval("net.cidr_contains", {Str(a), Str(b)});
}

TEST(IpAddrTest, ParseAndFormat) {
  struct Case {
    const char* in;
    const char* want;  // nullptr: invalid
  } cases[] = {
      {"1.2.3.4", "1.2.3.4"},
      {"::", "::"},
      {"::1", "::1"},
      {"2001:db8::1", "2001:db8::1"},
      {"2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
      {"::ffff:1.2.3.4", "1.2.3.4"},
      {"::1.2.3.4", "::102:304"},
      {"fe80::1:2:3:4", "fe80::1:2:3:4"},
      {"1:0:0:2:0:0:0:3", "1:0:0:2::3"},
      {"01.2.3.4", nullptr},
      {"1.2.3", nullptr},
      {"1.2.3.4.5", nullptr},
      {"256.1.1.1", nullptr},
      {"1.2.3.4%eth0", nullptr},
      {"fe80::1%eth0", nullptr},
      {"1::2::3", nullptr},
      {"12345::", nullptr},
      {"1:2:3:4:5:6:7:8:9", nullptr},
      {"1:2:3:4:5:6:7::8", nullptr},
      {"", nullptr},
      {"host", nullptr},
  };
  for (const auto& c : cases) {
    ip::Addr a;
    bool ok = ip::ParseIP(c.in, &a);
    if (c.want == nullptr) {
      EXPECT_FALSE(ok) << c.in;
    } else {
      ASSERT_TRUE(ok) << c.in;
      EXPECT_EQ(ip::ToString(a), c.want) << c.in;
    }
  }
}

TEST(IpAddrTest, ParseCidr) {
  ip::Net n;
  ASSERT_TRUE(ip::ParseCIDR("10.1.2.3/8", &n));
  EXPECT_EQ(n.ip.len, 4);
  EXPECT_EQ(ip::ToString(n), "10.0.0.0/8");
  ASSERT_TRUE(ip::ParseCIDR("2001:db8::1/32", &n));
  EXPECT_EQ(ip::ToString(n), "2001:db8::/32");
  ASSERT_TRUE(ip::ParseCIDR("1.2.3.4/032", &n));
  // An IPv4-mapped IPv6 network prints (and matches) as IPv4.
  ASSERT_TRUE(ip::ParseCIDR("::ffff:10.0.0.0/104", &n));
  EXPECT_EQ(ip::ToString(n), "10.0.0.0/8");
  for (const char* bad : {"1.2.3.4", "1.2.3.4/33", "::/129", "1.2.3.4/", "1.2.3.4/+1",
                          "1.2.3.4/a", "fe80::1%eth0/64", "/8"}) {
    EXPECT_FALSE(ip::ParseCIDR(bad, &n)) << bad;
  }
}

TEST(NetTest, CidrContains) {
  EXPECT_EQ(Contains("10.0.0.0/8", "10.1.0.0/24"), "true");
  EXPECT_EQ(Contains("172.17.0.0/24", "172.17.0.0/16"), "false");
  EXPECT_EQ(Contains("10.0.0.0/8", "192.168.1.0/24"), "false");
  EXPECT_EQ(Contains("10.0.0.0/8", "10.1.1.1/32"), "true");
  EXPECT_EQ(Contains("2001:4860:4860::8888/32", "2001:4860:4860:1234::8888/40"), "true");
  EXPECT_EQ(Contains("2001:4860:4860::8888/32", "2001:4860:4860:1234:5678:1234:5678:8888/128"),
            "true");
  EXPECT_EQ(Contains("2001:4860::/96", "2001:4860::/32"), "false");
  EXPECT_EQ(Contains("10.0.0.0/8", "10.1.2.3"), "true");
  EXPECT_EQ(Contains("10.0.0.0/8", "192.168.1.1"), "false");
  EXPECT_EQ(Contains("10.0.0.0/8", "::ffff:10.1.2.3"), "true");
  EXPECT_EQ(Contains("::ffff:0:0/96", "1.2.3.4"), "true");
  EXPECT_EQ(Contains("::/0", "1.2.3.4"), "false");
  EXPECT_EQ(Eval("net.cidr_overlap", {Str("10.0.0.0/8"), Str("10.1.2.3")}), "true");
}

TEST(NetTest, CidrContainsErrors) {
  EXPECT_EQ(Contains("not-a-cidr", "192.168.1.67"),
            "error: eval_builtin_error: invalid CIDR address: not-a-cidr");
  EXPECT_EQ(Contains("192.168.1.0/28", "not-a-cidr"),
            "error: eval_builtin_error: not a valid textual representation of an IP address or "
            "CIDR: not-a-cidr");
  // OPA reports either string operand as operand 1.
  EXPECT_EQ(Eval("net.cidr_contains", {Str("10.0.0.0/8"), Value::Int(1)}),
            "error: eval_type_error: operand 1 must be string but got number");
}

TEST(NetTest, CidrIntersects) {
  auto intersects = [](std::string_view a, std::string_view b) {
    return Eval("net.cidr_intersects", {Str(a), Str(b)});
  };
  EXPECT_EQ(intersects("192.168.1.0/25", "192.168.1.64/25"), "true");
  EXPECT_EQ(intersects("192.168.1.0/24", "192.168.2.0/24"), "false");
  EXPECT_EQ(intersects("fd1e:5bfe:8af3:9ddc::/64", "fd1e:5bfe:8af3:9ddc:1111::/72"), "true");
  EXPECT_EQ(intersects("fd1e:5bfe:8af3:9ddc::/64", "2001:4860:4860::8888/32"), "false");
  EXPECT_EQ(intersects("10.0.0.0/8", "bad"), "error: eval_builtin_error: invalid CIDR address: bad");
}

TEST(NetTest, CidrIsValid) {
  auto valid = [](Value v) { return Eval("net.cidr_is_valid", {std::move(v)}); };
  EXPECT_EQ(valid(Str("192.168.1.0/24")), "true");
  EXPECT_EQ(valid(Str("2002::1234:abcd:ffff:c0a8:101/64")), "true");
  EXPECT_EQ(valid(Str("")), "false");
  EXPECT_EQ(valid(Str("there goes a string")), "false");
  EXPECT_EQ(valid(Str("192.168.1.2")), "false");
  EXPECT_EQ(valid(Value::Int(1)), "false");
}

TEST(NetTest, CidrExpand) {
  EXPECT_EQ(Eval("net.cidr_expand", {Str("192.168.1.1/30")}),
            R"(["192.168.1.0","192.168.1.1","192.168.1.2","192.168.1.3"])");
  EXPECT_EQ(Eval("net.cidr_expand", {Str("172.16.100.255/30")}),
            R"(["172.16.100.252","172.16.100.253","172.16.100.254","172.16.100.255"])");
  EXPECT_EQ(Eval("net.cidr_expand", {Str("192.168.1.1/32")}), R"(["192.168.1.1"])");
  EXPECT_EQ(Eval("net.cidr_expand", {Str("2001:db8::/127")}), R"(["2001:db8::","2001:db8::1"])");
  EXPECT_EQ(Eval("net.cidr_expand", {Str("::ffff:10.0.0.0/127")}), R"(["10.0.0.0","10.0.0.1"])");
  EXPECT_EQ(Eval("net.cidr_expand", {Str("nope")}),
            "error: eval_builtin_error: invalid CIDR address: nope");
  std::string big = Eval("net.cidr_expand", {Str("10.0.0.0/8")});
  EXPECT_EQ(big.rfind("error: fedra_limit_error", 0), 0u) << big;
  const Builtin* b = DefaultRegistry().Find("net.cidr_expand");
  Context ctx;
  Value out;
  std::vector<Value> args{Str("10.0.0.0/16")};
  ASSERT_TRUE(b->fn(ctx, args, &out).ok());
  EXPECT_EQ(out.size(), 65536u);
}

TEST(NetTest, CidrExpandHonoursCancellation) {
  Context ctx;
  ctx.check_cancel = [] { return Status::Cancelled("deadline exceeded"); };
  EXPECT_EQ(Eval("net.cidr_expand", {Str("10.0.0.0/16")}, &ctx),
            "error: eval_cancel_error: deadline exceeded");
}

TEST(NetTest, CidrContainsMatches) {
  auto matches = [](std::string_view a, std::string_view b) {
    return Eval("net.cidr_contains_matches", {Json(a), Json(b)});
  };
  EXPECT_EQ(matches(R"("1.1.1.0/24")", R"("1.1.1.1")"), R"([["1.1.1.0/24","1.1.1.1"]])");
  EXPECT_EQ(matches(R"(["1.1.2.0/24", "1.1.1.0/24"])", R"(["1.1.1.1", "1.1.2.1"])"),
            "[[0,1],[1,0]]");
  EXPECT_EQ(matches(R"([["1.1.2.0/24", 1], "1.1.1.0/24"])", R"(["1.1.1.1", "1.1.2.1"])"),
            "[[0,1],[1,0]]");
  EXPECT_EQ(matches(R"({"k1": "1.1.1.1/24", "k2": ["1.1.1.2/24", 1]})", R"("1.1.1.128")"),
            R"([["k1","1.1.1.128"],["k2","1.1.1.128"]])");
  EXPECT_EQ(matches(R"(["1.1.2.0/24"])", R"(["1.1.1.1", 7])"),
            "error: eval_builtin_error: operand 2: element must be string or non-empty array");
  EXPECT_EQ(matches(R"([[]])", R"("1.1.1.1")"),
            "error: eval_builtin_error: operand 1: element must be string or non-empty array");
  // Operand 2 is not looked at when operand 1 has nothing to match.
  EXPECT_EQ(matches("[]", "[7]"), "[]");
  EXPECT_EQ(matches("7", R"("1.1.1.1")"), "[]");

  Value sets_a = Value::Set({Value::Array({Str("1.1.1.0/24"), Str("bar")}),
                             Value::Array({Str("1.1.2.0/24"), Str("foo")})});
  Value sets_b = Value::Set({Value::Array({Str("1.1.1.1"), Str("baz")}),
                             Value::Array({Str("1.1.2.1"), Str("qux")})});
  EXPECT_EQ(Eval("net.cidr_contains_matches", {sets_a, sets_b}),
            R"([[["1.1.1.0/24","bar"],["1.1.1.1","baz"]],[["1.1.2.0/24","foo"],["1.1.2.1","qux"]]])");
}

std::string Merge(std::string_view json) { return Eval("net.cidr_merge", {Json(json)}); }

TEST(NetTest, CidrMerge) {
  EXPECT_EQ(Merge(R"(["192.0.128.0/24"])"), R"(["192.0.128.0/24"])");
  EXPECT_EQ(Merge(R"(["192.0.128.0/24", "192.0.128.0/24"])"), R"(["192.0.128.0/24"])");
  EXPECT_EQ(Merge(R"(["192.0.128.0/24", "0.0.0.0/0"])"), R"(["0.0.0.0/0"])");
  EXPECT_EQ(Merge(R"(["192.0.128.0/24", "192.0.129.0/24"])"), R"(["192.0.128.0/23"])");
  EXPECT_EQ(Merge(R"(["192.0.2.112/30", "192.0.2.116/31", "192.0.2.118/31"])"),
            R"(["192.0.2.112/29"])");
  EXPECT_EQ(Merge(R"(["192.0.129.0/24", "192.0.130.0/24"])"),
            R"(["192.0.129.0/24","192.0.130.0/24"])");
  EXPECT_EQ(Merge(R"(["192.0.2.112/30", "192.0.2.116/32", "192.0.2.118/31"])"),
            R"(["192.0.2.112/30","192.0.2.116/32","192.0.2.118/31"])");
  EXPECT_EQ(Merge(R"(["192.0.2.112/31", "192.0.2.116/31", "192.0.2.118/31"])"),
            R"(["192.0.2.112/31","192.0.2.116/30"])");
  EXPECT_EQ(Merge(R"(["192.0.1.254/31", "192.0.2.0/28", "192.0.2.16/28", "192.0.2.32/28",
                      "192.0.2.48/28", "192.0.2.64/28", "192.0.2.80/28", "192.0.2.96/28",
                      "192.0.2.112/28", "192.0.2.128/28", "192.0.2.144/28", "192.0.2.160/28",
                      "192.0.2.176/28", "192.0.2.192/28", "192.0.2.208/28", "192.0.2.224/28",
                      "192.0.2.240/28", "192.0.3.0/28"])"),
            R"(["192.0.1.254/31","192.0.2.0/24","192.0.3.0/28"])");
  EXPECT_EQ(Merge(R"(["::/0", "fe80::1/128"])"), R"(["::/0"])");
  EXPECT_EQ(Merge(R"(["::/0", "::192.0.2.0/124", "ff00::101/128"])"), R"(["::/0"])");
  EXPECT_EQ(Merge(R"(["fe80::/120", "192.0.2.0/24", "192.0.3.0/24", "192.0.4.0/25",
                      "192.0.4.128/25"])"),
            R"(["192.0.2.0/23","192.0.4.0/24","fe80::/120"])");
  EXPECT_EQ(Merge("[]"), "[]");
  // Bare IPv4 addresses get their classful mask (192.x is class C).
  EXPECT_EQ(Merge(R"(["192.0.2.112", "192.0.2.116/31", "192.0.2.118/31"])"),
            R"(["192.0.2.0/24"])");
  EXPECT_EQ(Merge(R"(["192.0.128.0", "192.0.129.0"])"), R"(["192.0.128.0/23"])");
  // An address that merged with nothing prints as Go prints its IPNet.
  EXPECT_EQ(Merge(R"(["10.1.2.3"])"), R"(["10.1.2.3/8"])");
  EXPECT_EQ(Merge(R"(["2601:600:8a80:207e:a57d:7567:e2c9:e7b3/64",
                      "2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"])"),
            R"(["2601:600:8a80:207e::/64"])");
  EXPECT_EQ(Merge(R"(["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/30", "10.0.0.8/32"])"),
            R"(["10.0.0.1/32","10.0.0.2/31","10.0.0.4/30","10.0.0.8/32"])");
  EXPECT_EQ(Merge(R"(["::1:0/128", "::1:1/128"])"), R"(["::1:0/127"])");
  Value set = Value::Set({Str("192.0.2.112/30"), Str("192.0.2.116/31"), Str("192.0.2.118/31")});
  EXPECT_EQ(Eval("net.cidr_merge", {set}), R"(["192.0.2.112/29"])");
}

TEST(NetTest, CidrMergeErrors) {
  EXPECT_EQ(Merge(R"(["foo"])"), "error: eval_builtin_error: invalid CIDR address: foo");
  EXPECT_EQ(Merge(R"(["2601:600:8a80:207e:a57d:7567:e2c9:e7b3"])"),
            "error: eval_builtin_error: IPv6 invalid: needs prefix length");
  EXPECT_EQ(Merge("[1]"), "error: eval_builtin_error: element must be string");
  EXPECT_EQ(Merge(R"("1.2.3.4/32")"), "error: eval_builtin_error: operand must be an array");
}

TEST(NetTest, LookupIpAddrResolvesLiteralsAndLocalhost) {
  EXPECT_EQ(Eval("net.lookup_ip_addr", {Str("10.0.0.0")}), R"(["10.0.0.0"])");
  EXPECT_EQ(Eval("net.lookup_ip_addr", {Str("::")}), R"(["::"])");
  std::string local = Eval("net.lookup_ip_addr", {Str("localhost")});
  EXPECT_TRUE(local == R"(["127.0.0.1"])" || local == R"(["127.0.0.1","::1"])" ||
              local == R"(["::1"])")
      << local;
  EXPECT_EQ(Eval("net.lookup_ip_addr", {Value::Int(1)}),
            "error: eval_type_error: operand 1 must be string but got number");
}

TEST(NetTest, LookupIpAddrIsCachedPerQuery) {
  std::unordered_map<std::string, Value> cache;
  Context ctx;
  ctx.query_cache = &cache;
  EXPECT_EQ(Eval("net.lookup_ip_addr", {Str("127.0.0.1")}, &ctx), R"(["127.0.0.1"])");
  ASSERT_EQ(cache.size(), 1u);
  cache.begin()->second = Value::Set({Str("cached")});
  EXPECT_EQ(Eval("net.lookup_ip_addr", {Str("127.0.0.1")}, &ctx), R"(["cached"])");
}

}  // namespace
}  // namespace fedra::builtins
