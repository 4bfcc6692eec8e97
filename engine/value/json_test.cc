#include "value/json.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "value/number.h"

namespace fedra {
namespace {

Value P(std::string_view text) {
  Value v;
  Status st = ParseJson(text, &v, "t");
  EXPECT_TRUE(st.ok()) << text << ": " << st.ToString();
  return v;
}

std::string Err(std::string_view text, const JsonLimits& limits = {}) {
  Value v;
  Status st = ParseJson(text, &v, "input", limits);
  EXPECT_FALSE(st.ok()) << text;
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  return std::string(st.message());
}

std::string RoundTrip(std::string_view text) { return ToJson(P(text)); }

TEST(JsonTest, Scalars) {
  EXPECT_TRUE(P("null").is_null());
  EXPECT_TRUE(P(" true ").is_true());
  EXPECT_TRUE(P("false").is_false());
  EXPECT_EQ(P("-12").int_value(), -12);
  EXPECT_EQ(P("1.5").double_value(), 1.5);
  EXPECT_EQ(P("\"hi\"").str(), "hi");
  EXPECT_EQ(ToJson(P("123456789012345678901234567890")), "123456789012345678901234567890");
  EXPECT_EQ(P("1e2").int_value(), 100);
}

TEST(JsonTest, Containers) {
  Value v = P(R"({"b": [1, 2.5, "x"], "a": {"c": null}, "e": [], "f": {}})");
  ASSERT_TRUE(v.is_object());
  EXPECT_EQ(v.size(), 4u);
  EXPECT_EQ(v.object()[0].first.str(), "a");  // sorted
  const Value* b = v.Find("b");
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(b->is_array());
  EXPECT_EQ(b->array()[1].double_value(), 2.5);
  EXPECT_TRUE(v.Find("a")->Find("c")->is_null());
  EXPECT_TRUE(v.Find("e")->empty());
  EXPECT_TRUE(v.Find("f")->is_object());
  EXPECT_EQ(v.Find("zz"), nullptr);
}

TEST(JsonTest, DuplicateKeysLastWins) {
  Value v = P(R"({"a": 1, "b": 2, "a": 3})");
  EXPECT_EQ(v.size(), 2u);
  EXPECT_EQ(v.Find("a")->int_value(), 3);
}

// Objects are sorted as they close; the result must not depend on the input
// order or on the object's size (small ones take another path than large).
TEST(JsonTest, KeysInAnyOrderAndRepeated) {
  std::mt19937 rng(3);
  for (size_t n = 1; n <= 60; ++n) {
    for (int round = 0; round < 4; ++round) {
      std::vector<ObjectEntry> entries;
      std::string doc = "{";
      for (size_t i = 0; i < n; ++i) {
        // Few distinct keys in some rounds, so that keys repeat; keys share
        // prefixes and one is a prefix of another ("k1", "k1x").
        size_t distinct = round % 2 == 0 ? n * 2 : n / 2 + 1;
        std::string key = "k" + std::to_string(rng() % distinct) + std::string(rng() % 2, 'x');
        if (round == 3) key = "k" + std::to_string(1000 + i);  // already in order
        entries.emplace_back(Value::String(key), Value::Int(static_cast<int64_t>(i)));
        doc += (i ? ", \"" : "\"") + key + "\": " + std::to_string(i);
      }
      doc += "}";
      Value v = P(doc);
      // Value::Object sorts separately and lets the last repeated key win.
      Value expected = Value::Object(entries);
      ASSERT_EQ(v, expected) << doc;
      ASSERT_EQ(ToJson(v), ToJson(expected)) << doc;
      for (size_t i = 1; i < v.size(); ++i) ASSERT_LT(v.object()[i - 1].first, v.object()[i].first) << doc;
    }
  }
  // Repeated keys whose earlier values are containers, nested in arrays.
  EXPECT_EQ(RoundTrip(R"([{"b": [1], "a": {"x": 1}, "b": {"y": [2]}, "a": 3, "c": [], "b": 4}])"),
            R"([{"a":3,"b":4,"c":[]}])");
  EXPECT_EQ(RoundTrip(R"({"": 1, "a": 2, "": 3})"), R"({"":3,"a":2})");
}

// Errors name the path through objects and arrays being built.
TEST(JsonTest, ErrorPathsThroughNestedContainers) {
  EXPECT_EQ(Err(R"([{"a": [1, {"b": x}]}])"),
            "input:1:18: invalid JSON at $[0].a[1].b: unexpected character 'x', expected a value");
  EXPECT_EQ(Err(R"({"z": 1, "a": [[], {}, [3, "q" 4]]})"),
            "input:1:32: invalid JSON at $.a[2]: unexpected character '4', expected ',' or ']'");
  EXPECT_EQ(Err(R"({"a": {"b": 1}, "c": {"d e": [true, nul]}})"),
            "input:1:37: invalid JSON at $.c[\"d e\"][1]: invalid literal, expected null");
  EXPECT_EQ(Err(R"([1, 2, {"k": 1, "k" 2}])"),
            "input:1:21: invalid JSON at $[2].k: unexpected character '2', expected ':'");
}

TEST(JsonTest, StringEscapes) {
  EXPECT_EQ(P(R"("a\"b\\c\/d\b\f\n\r\t")").str(), "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(P(R"("\u00e9\u4e2d")").str(), "\xc3\xa9\xe4\xb8\xad");
  EXPECT_EQ(P(R"("\ud83d\ude00")").str(), "\xf0\x9f\x98\x80");  // surrogate pair
  EXPECT_EQ(P(R"("\ud83d x")").str(), "\xef\xbf\xbd x");           // lone surrogate -> U+FFFD
  EXPECT_EQ(P(R"("\u0000")").str(), std::string_view("\0", 1));
  EXPECT_EQ(P("\"caf\xc3\xa9\"").str(), "caf\xc3\xa9");
}

// Strings are read 16 bytes at a time, short ones straight from the first
// block: every length, with an escape, a multi-byte character, a control
// character or bad UTF-8 at every position, and closing quotes at every
// distance from the end of the input, read the same as byte by byte.
TEST(JsonTest, StringsAcrossBlockBoundaries) {
  for (size_t n = 0; n <= 40; ++n) {
    std::string plain(n, 'a');
    for (size_t i = 0; i < n; ++i) plain[i] = static_cast<char>('a' + i % 26);
    for (size_t tail = 0; tail <= 20; ++tail) {
      // `tail` bytes of whitespace after the closing quote.
      EXPECT_EQ(P("\"" + plain + "\"" + std::string(tail, ' ')).str(), plain) << n << " " << tail;
      EXPECT_EQ(P("[\"" + plain + "\"" + std::string(tail, ' ') + "]").array()[0].str(), plain);
    }
    EXPECT_EQ(Err("[\"" + plain), "input:1:2: invalid JSON at $[0]: unterminated string");
    for (size_t at = 0; at <= n; ++at) {
      std::string head = plain.substr(0, at), rest = plain.substr(at);
      EXPECT_EQ(P("\"" + head + "\\n" + rest + "\"").str(), head + "\n" + rest) << n << " " << at;
      EXPECT_EQ(P("\"" + head + "\\u00e9" + rest + "\"").str(), head + "\xc3\xa9" + rest) << n << " " << at;
      EXPECT_EQ(P("\"" + head + "\xe4\xb8\xad" + rest + "\"").str(), head + "\xe4\xb8\xad" + rest);
      std::string col = std::to_string(at + 3);
      EXPECT_EQ(Err("[\"" + head + "\t" + rest + "\"]"),
                "input:1:" + col + ": invalid JSON at $[0]: invalid control character in string");
      EXPECT_EQ(Err("[\"" + head + "\xff" + rest + "\"]"), "input:1:" + col + ": invalid JSON at $[0]: invalid UTF-8 in string");
      EXPECT_EQ(Err("[\"" + head + "\\q" + rest + "\"]"),
                "input:1:" + col + ": invalid JSON at $[0]: invalid escape sequence in string");
    }
  }
  // Many short strings of mixed lengths fill several chunks of the node
  // arena, so some land at the very end of one.
  std::string doc = "[";
  std::vector<std::string> expected;
  for (int i = 0; i < 5000; ++i) {
    expected.push_back(std::string(static_cast<size_t>(i % 17), static_cast<char>('a' + i % 26)));
    doc += (i ? ",\"" : "\"") + expected.back() + "\"";
  }
  doc += "]";
  Value v = P(doc);
  ASSERT_EQ(v.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) ASSERT_EQ(v.array()[i].str(), expected[i]) << i;
}

TEST(JsonTest, RoundTripCanonical) {
  EXPECT_EQ(RoundTrip(R"( { "z" : 1 , "a" : [ true , null , "s" ] } )"), R"({"a":[true,null,"s"],"z":1})");
  EXPECT_EQ(RoundTrip("[1.0, 2.50, -0, 1e2, 0.1]"), "[1,2.5,0,100,0.1]");
  EXPECT_EQ(RoundTrip(R"("<a href='x'>&amp;</a>")"), R"("\u003ca href='x'\u003e\u0026amp;\u003c/a\u003e")");
  EXPECT_EQ(RoundTrip(R"("\u0001\u001f\n\t\"\\")"), R"("\u0001\u001f\n\t\"\\")");
  EXPECT_EQ(RoundTrip(R"("\u2028\u2029")"), R"("\u2028\u2029")");
  EXPECT_EQ(RoundTrip(R"("é中😀")"), R"("é中😀")");
  std::string doc = R"({"a":[1,{"b":[[],{}]}],"c":"d"})";
  EXPECT_EQ(RoundTrip(doc), doc);
}

TEST(JsonTest, Errors) {
  EXPECT_EQ(Err(""), "input:1:1: invalid JSON at $: unexpected end of input");
  EXPECT_EQ(Err("[1, 2"), "input:1:6: invalid JSON at $: unexpected end of input");
  EXPECT_EQ(Err("[1 2]"), "input:1:4: invalid JSON at $: unexpected character '2', expected ',' or ']'");
  EXPECT_EQ(Err("{\"spec\": {\"containers\": [{\"a\": 1 \"b\"}]}}"),
            "input:1:34: invalid JSON at $.spec.containers[0]: unexpected character '\"', expected ',' or '}'");
  EXPECT_EQ(Err("{\n  \"a\": [1,\n   tru]}"), "input:3:4: invalid JSON at $.a[1]: invalid literal, expected true");
  EXPECT_EQ(Err("{\"a b\": x}"), "input:1:9: invalid JSON at $[\"a b\"]: unexpected character 'x', expected a value");
  EXPECT_EQ(Err("{\"a\" 1}"), "input:1:6: invalid JSON at $.a: unexpected character '1', expected ':'");
  EXPECT_EQ(Err("{\"a\": 1,}"), "input:1:9: invalid JSON at $: unexpected character '}', expected a string object key");
  EXPECT_EQ(Err("[1,]"), "input:1:4: invalid JSON at $[1]: unexpected character ']', expected a value");
  EXPECT_EQ(Err("{1: 2}"), "input:1:2: invalid JSON at $: unexpected character '1', expected a string object key");
  EXPECT_EQ(Err("1 2"), "input:1:3: invalid JSON at $: unexpected character '2', expected end of input after the top-level value");
  EXPECT_EQ(Err("\"abc"), "input:1:1: invalid JSON at $: unterminated string");
  EXPECT_EQ(Err("\"a\nb\""), "input:1:3: invalid JSON at $: invalid control character in string");
  EXPECT_EQ(Err(R"("\x")"), "input:1:2: invalid JSON at $: invalid escape sequence in string");
  EXPECT_EQ(Err(R"("\u12")"), R"(input:1:2: invalid JSON at $: invalid \u escape: expected 4 hex digits)");
  EXPECT_EQ(Err("01"), "input:1:2: invalid JSON at $: invalid number: leading zero");
  EXPECT_EQ(Err("-"), "input:1:2: invalid JSON at $: invalid number: expected a digit");
  EXPECT_EQ(Err("1."), "input:1:3: invalid JSON at $: invalid number: expected a digit after '.'");
  EXPECT_EQ(Err("1e+"), "input:1:4: invalid JSON at $: invalid number: expected a digit in the exponent");
  EXPECT_EQ(Err(".5"), "input:1:1: invalid JSON at $: unexpected character '.', expected a value");
  EXPECT_EQ(Err("{\"n\": [1, 1e99999]}"),
            "input:1:11: invalid JSON at $.n[1]: number out of range (beyond float64)");
  EXPECT_EQ(Err("-2.5e400000"), "input:1:1: invalid JSON at $: number out of range (beyond float64)");
  EXPECT_EQ(Err("nul"), "input:1:1: invalid JSON at $: invalid literal, expected null");
  EXPECT_EQ(Err("\xef\xbb\xbf{}"), "input:1:1: invalid JSON at $: unexpected byte 0xef, expected a value");
}

// Whitespace is skipped 16 bytes at a time: runs of every length, starting
// at every offset of a block, end where the next token begins.
TEST(JsonTest, WhitespaceRunsOfAnyLength) {
  const Value expected = P(R"({"a":[1,"x",{}],"b":[]})");
  for (size_t n = 0; n <= 40; ++n) {
    for (size_t shift = 0; shift < 4; ++shift) {
      std::string ws;
      for (size_t i = 0; i < n; ++i) ws.push_back(" \n\t\r"[(i + shift) % 4]);
      std::string doc = std::string(shift, ' ') + "{" + ws + "\"a\"" + ws + ":" + ws + "[" + ws + "1" + ws + "," + ws +
                        "\"x\"" + ws + "," + ws + "{" + ws + "}" + ws + "]" + ws + "," + ws + "\"b\"" + ws + ":" + ws +
                        "[" + ws + "]" + ws + "}" + ws;
      Value v;
      Status st = ParseJson(doc, &v, "t");
      ASSERT_TRUE(st.ok()) << n << " " << shift << ": " << st.ToString();
      EXPECT_EQ(v, expected) << n << " " << shift;
    }
    // A stray character after a run is reported where it stands.
    std::string spaces(n, ' ');
    EXPECT_EQ(Err("[" + spaces + "x]"), "input:1:" + std::to_string(n + 2) +
                                            ": invalid JSON at $[0]: unexpected character 'x', expected a value");
    EXPECT_EQ(Err("[1" + spaces + "x]"), "input:1:" + std::to_string(n + 3) +
                                             ": invalid JSON at $: unexpected character 'x', expected ',' or ']'");
    EXPECT_EQ(Err("[1" + spaces), "input:1:" + std::to_string(n + 3) + ": invalid JSON at $: unexpected end of input");
    // Bytes that look like whitespace to a sloppy test (form feed, NBSP) are not.
    EXPECT_NE(Err("[" + spaces + "\f1]").find("unexpected byte 0x0c, expected a value"), std::string::npos);
    EXPECT_NE(Err("[" + spaces + "\xc2\xa0" + "1]").find("unexpected byte 0xc2, expected a value"), std::string::npos);
  }
}

TEST(JsonTest, InvalidUtf8Rejected) {
  EXPECT_EQ(Err("[\"ok\", \"b\xff\"]"), "input:1:10: invalid JSON at $[1]: invalid UTF-8 in string");
  Err("\"\xc0\xaf\"");          // overlong '/'
  Err("\"\xed\xa0\x80\"");      // encoded surrogate
  Err("\"\xf4\x90\x80\x80\"");  // above U+10FFFF
  Err("\"\xe4\xb8\"");          // truncated sequence
  Err("\"a\\n\x80\"");          // invalid byte after an escape (slow path)
  // Columns count characters, not bytes.
  EXPECT_EQ(Err("[\"\xc3\xa9\", x]"), "input:1:7: invalid JSON at $[1]: unexpected character 'x', expected a value");
}

TEST(JsonTest, TruncatedInputRejected) {
  std::string doc = R"({"a": [1, 2.5, {"b": "c\u00e9"}], "d": true})";
  for (size_t n = 0; n < doc.size(); ++n) {
    Value v;
    EXPECT_FALSE(ParseJson(std::string_view(doc).substr(0, n), &v).ok()) << n;
  }
  EXPECT_TRUE(P(doc).is_object());
}

TEST(JsonTest, DepthLimit) {
  std::string deep(100000, '[');
  std::string msg = Err(deep);
  EXPECT_NE(msg.find("input:1:1001: invalid JSON at $"), std::string::npos) << msg.substr(0, 200);
  EXPECT_NE(msg.find("nesting depth exceeds the limit of 1000"), std::string::npos);

  std::string ok = std::string(1000, '[') + std::string(1000, ']');
  EXPECT_TRUE(P(ok).is_array());
  std::string over = std::string(1001, '[') + std::string(1001, ']');
  Err(over);

  JsonLimits big;
  big.max_depth = 200000;
  std::string very = std::string(100000, '[') + std::string(100000, ']');
  Value v;
  ASSERT_TRUE(ParseJson(very, &v, "t", big).ok());
  // Serialising and destroying it must not recurse either.
  EXPECT_EQ(ToJson(v), very);
  v = Value();
}

TEST(JsonTest, SizeLimit) {
  JsonLimits small;
  small.max_bytes = 4;
  EXPECT_EQ(Err("[1,2]", small), "input: JSON document is 5 bytes, more than the limit of 4");
}

}  // namespace
}  // namespace fedra

namespace fedra {
namespace {

// Random documents: serialising then parsing gives an equal value, and the
// canonical text is a fixed point.
Value RandomValue(std::mt19937* rng, int depth) {
  int pick = static_cast<int>((*rng)() % (depth > 4 ? 6 : 8));
  switch (pick) {
    case 0: return Value::Null();
    case 1: return Value::Bool((*rng)() & 1);
    case 2: return Value::Int(static_cast<int64_t>((*rng)()) - (1ll << 31));
    case 3: return Value::Double(static_cast<double>((*rng)() % 100000) / 64.0 - 300.25);
    case 4: {
      static const char* const kPieces[] = {"a", "key", "\"", "\\", "\n", "\x01", "<&>", "\xc3\xa9", "\xf0\x9f\x98\x80", " "};
      std::string s;
      int n = static_cast<int>((*rng)() % 5);
      for (int i = 0; i < n; ++i) s += kPieces[(*rng)() % 10];
      return Value::String(s);
    }
    case 5: {
      std::string digits = "1";
      for (int i = 0; i < 25; ++i) digits.push_back(static_cast<char>('0' + (*rng)() % 10));
      Value v;
      EXPECT_TRUE(num::Parse(digits, &v));
      return v;
    }
    case 6: {
      std::vector<Value> items;
      int n = static_cast<int>((*rng)() % 5);
      for (int i = 0; i < n; ++i) items.push_back(RandomValue(rng, depth + 1));
      return Value::Array(std::move(items));
    }
    default: {
      std::vector<ObjectEntry> entries;
      int n = static_cast<int>((*rng)() % 5);
      for (int i = 0; i < n; ++i) {
        entries.emplace_back(Value::String("k" + std::to_string((*rng)() % 8)), RandomValue(rng, depth + 1));
      }
      return Value::Object(std::move(entries));
    }
  }
}

TEST(JsonTest, RandomRoundTrips) {
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    Value v = RandomValue(&rng, 0);
    std::string text = ToJson(v);
    Value back;
    Status st = ParseJson(text, &back);
    ASSERT_TRUE(st.ok()) << text << ": " << st.ToString();
    ASSERT_EQ(back, v) << text;
    ASSERT_EQ(back.Hash(), v.Hash()) << text;
    ASSERT_EQ(ToJson(back), text);
    Value pretty;
    ASSERT_TRUE(ParseJson(ToJson(v, true), &pretty).ok());
    ASSERT_EQ(pretty, v);
  }
}

// The parser carves a document's nodes from shared chunks; parts taken out
// of a document must stay intact after the document and its neighbours in
// the chunk are freed, on this thread and others.
TEST(JsonTest, PartsOutliveTheirDocument) {
  Value name, list, big;
  {
    Value doc = P(R"({"meta": {"name": "web", "labels": {"app": "web"}}, "list": [1, "two", [3]], "x": "y"})");
    name = *doc.Find("meta")->Find("name");
    list = *doc.Find("list");
  }
  // One element per string, so the array node is larger than a chunk's
  // quarter and gets its own block.
  std::string text = "[";
  for (int i = 0; i < 3000; ++i) text += (i ? ",\"s" : "\"s") + std::to_string(i) + "\"";
  text += "]";
  {
    Value doc = P(text);
    ASSERT_EQ(doc.size(), 3000u);
    big = doc.array()[2999];
    Value other = P(text);  // reuses the memory the first document frees
    EXPECT_EQ(other, doc);
  }
  EXPECT_EQ(name.str(), "web");
  EXPECT_EQ(ToJson(list), R"([1,"two",[3]])");
  EXPECT_EQ(big.str(), "s2999");
  std::thread t([moved = std::move(list)]() mutable { moved = Value(); });
  t.join();
  EXPECT_EQ(name.str(), "web");
}

// Freeing a document visits every node and queues containers once more
// are waiting than fit on the stack; parts still held elsewhere, parsed or
// built on the heap and placed in new values, stay intact.
TEST(JsonTest, FreeingWideDocumentsKeepsHeldParts) {
  std::string text = "[";
  for (int i = 0; i < 200; ++i) {
    text += i ? "," : "";
    text += R"({"n": )" + std::to_string(i) + R"(, "s": "item)" + std::to_string(i) + R"(", "a": [[], ["x)" +
            std::to_string(i) + R"("], {"k": "v"}]})";
  }
  text += "]";
  std::vector<Value> held;
  Value mixed;
  {
    Value doc = P(text);
    ASSERT_EQ(doc.size(), 200u);
    std::vector<Value> parts;
    for (size_t i = 0; i < doc.size(); i += 7) {
      held.push_back(doc.array()[i]);
      held.push_back(*doc.array()[i].Find("a"));
      parts.push_back(*doc.array()[i].Find("s"));
      parts.push_back(Value::String("heap" + std::to_string(i)));
    }
    mixed = Value::Array(std::move(parts));
  }
  for (size_t j = 0; j < held.size(); j += 2) {
    size_t i = j / 2 * 7;
    EXPECT_EQ(held[j].Find("n")->int_value(), static_cast<int64_t>(i));
    EXPECT_EQ(held[j].Find("s")->str(), "item" + std::to_string(i));
    EXPECT_EQ(ToJson(held[j + 1]), R"([[],["x)" + std::to_string(i) + R"("],{"k":"v"}])");
  }
  ASSERT_EQ(mixed.size(), held.size());
  EXPECT_EQ(mixed.array()[2].str(), "item7");
  EXPECT_EQ(mixed.array()[3].str(), "heap7");
  held.clear();
  EXPECT_EQ(mixed.array()[0].str(), "item0");
}

// Nodes dropped while the document is still being built (a repeated key's
// earlier value, everything on an error) are released, and the document's
// remaining nodes are unaffected.
TEST(JsonTest, NodesDroppedWhileParsing) {
  Value v = P(R"({"a": {"x": ["p", "q"]}, "b": "keep", "a": "last"})");
  EXPECT_EQ(ToJson(v), R"({"a":"last","b":"keep"})");
  for (int i = 0; i < 100; ++i) {
    EXPECT_NE(Err(R"({"a": ["x", "y", {"z": "w"}], "b": tru})").find("expected true"), std::string::npos);
  }
}

// Mutated documents either parse or fail with a message; never crash.
TEST(JsonTest, MutatedInputNeverCrashes) {
  std::mt19937 rng(11);
  const std::string base = R"({"a": [1, -2.5e3, "x\u00e9\ud83d\ude00", {"b": null, "c": [true, false]}], "d": "\n"})";
  int ok = 0, failed = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string doc = base;
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      size_t pos = rng() % doc.size();
      switch (rng() % 3) {
        case 0: doc[pos] = static_cast<char>(rng() % 256); break;
        case 1: doc.erase(pos, 1); break;
        default: doc.insert(pos, 1, "{}[]\",:\\0e-"[rng() % 11]); break;
      }
    }
    Value v;
    Status st = ParseJson(doc, &v, "m");
    if (st.ok()) {
      ++ok;
      Value again;
      ASSERT_TRUE(ParseJson(ToJson(v), &again).ok()) << doc;
      ASSERT_EQ(again, v);
    } else {
      ++failed;
      ASSERT_EQ(st.message().substr(0, 2), "m:") << st.message();
      ASSERT_NE(st.message().find("invalid JSON at $"), std::string_view::npos) << st.message();
    }
  }
  EXPECT_GT(ok, 0);
  EXPECT_GT(failed, 0);
}

}  // namespace
}  // namespace fedra
