// Helpers for builtin unit tests: build Values tersely and call builtins
// through DefaultRegistry() the way the evaluator does.
//
//   EXPECT_EQ(Call("plus", {I(1), I(2)}).value, I(3));
//   ExpectTypeError("count", {Null()}, "operand 1 must be ...");
//
// Header-only so every family's *_test.cc in builtins_test can include it.
#ifndef FEDRA_BUILTINS_BUILTIN_TEST_UTIL_H_
#define FEDRA_BUILTINS_BUILTIN_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "builtins/registry.h"
#include "fedra/value.h"
#include "value/number.h"

namespace fedra {

// Lets gtest print Values in failure messages.
inline void PrintTo(const Value& v, std::ostream* os) {
  *os << (v.is_undefined() ? std::string("<undefined>") : ToRegoString(v));
}

namespace builtins::testing {

inline Value Null() { return Value::Null(); }
inline Value B(bool b) { return Value::Bool(b); }
inline Value I(int64_t i) { return Value::Int(i); }
inline Value D(double d) { return Value::Double(d); }
inline Value S(std::string_view s) { return Value::String(s); }
// A number from its literal text (big integers, exact decimals).
inline Value N(std::string_view text) {
  Value v;
  EXPECT_TRUE(num::Parse(text, &v)) << text;
  return v;
}
inline Value A(std::vector<Value> items) { return Value::Array(std::move(items)); }
inline Value Set(std::vector<Value> items) { return Value::Set(std::move(items)); }
inline Value O(std::vector<ObjectEntry> entries) { return Value::Object(std::move(entries)); }

struct CallResult {
  Status status;
  Value value;
};

// Calls builtin `name` with `args`; fails the test when it is not registered
// or the argument count does not match its arity.
inline CallResult Call(std::string_view name, std::vector<Value> args,
                       Context* ctx = nullptr) {
  CallResult r;
  const Builtin* b = DefaultRegistry().Find(name);
  if (b == nullptr) {
    ADD_FAILURE() << "builtin not registered: " << name;
    r.status = Status::NotFound(name);
    return r;
  }
  EXPECT_EQ(static_cast<size_t>(b->arity), args.size()) << name;
  Context local;
  r.status = b->fn(ctx ? *ctx : local, args, &r.value);
  return r;
}

// The value of a successful call (undefined on failure, with the test failed).
inline Value Eval(std::string_view name, std::vector<Value> args) {
  CallResult r = Call(name, std::move(args));
  EXPECT_TRUE(r.status.ok()) << name << ": " << r.status.ToString();
  return r.value;
}

inline void ExpectUndefined(std::string_view name, std::vector<Value> args) {
  CallResult r = Call(name, std::move(args));
  EXPECT_TRUE(r.status.ok()) << name << ": " << r.status.ToString();
  EXPECT_TRUE(r.value.is_undefined()) << name << " gave " << ToRegoString(r.value);
}

// Expects a failure with `code` whose message equals `message` exactly.
inline void ExpectError(std::string_view name, std::vector<Value> args, StatusCode code,
                        std::string_view message) {
  CallResult r = Call(name, std::move(args));
  ASSERT_FALSE(r.status.ok()) << name << " gave " << ToRegoString(r.value);
  EXPECT_EQ(r.status.code(), code) << r.status.ToString();
  EXPECT_EQ(r.status.message(), message);
}

inline void ExpectTypeError(std::string_view name, std::vector<Value> args,
                            std::string_view message) {
  ExpectError(name, std::move(args), StatusCode::kEvalTypeError, message);
}

inline void ExpectBuiltinError(std::string_view name, std::vector<Value> args,
                               std::string_view message) {
  ExpectError(name, std::move(args), StatusCode::kEvalBuiltinError, message);
}

}  // namespace builtins::testing
}  // namespace fedra

#endif  // FEDRA_BUILTINS_BUILTIN_TEST_UTIL_H_
