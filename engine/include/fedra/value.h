// Value: Fedra's immutable document model (Rego's terms that are ground).
//
// A Value is one of: undefined, null, boolean, number, string, array, object,
// set. Scalars live inline; strings and collections live in reference-counted
// immutable nodes, so copying a Value is a pointer copy plus an atomic
// increment, and a Value may be read from many threads at once.
//
// Numbers: an int64 fast path; exact arbitrary-precision integers (BigInt) when
// integer arithmetic or parsing overflows int64; float64 for everything with a
// fraction or exponent that is not integral. Equality and order compare numbers
// by value, so 1 == 1.0 and sort order is numeric.
//
// Objects are stored sorted by key and sets sorted and unique, in OPA's total
// order: null < boolean < number < string < array < object < set. Lookups are
// binary searches; iteration is in that order.
//
// "Undefined" is not a Rego value: it is what a lookup or a builtin returns when
// it has no result. It never appears inside a collection.
#ifndef FEDRA_VALUE_H_
#define FEDRA_VALUE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fedra {

enum class Kind : uint8_t {
  kUndefined = 0,
  kNull,
  kBool,
  kNumber,
  kString,
  kArray,
  kObject,
  kSet,
};

// "null", "boolean", "number", "string", "array", "object", "set"
// (OPA's type_name), "undefined" for kUndefined.
std::string_view KindName(Kind kind);

class BigInt;
class Value;

using ObjectEntry = std::pair<Value, Value>;

namespace detail {
// Header shared by every heap node. `kind` tells which node follows.
struct Node {
  mutable std::atomic<uint32_t> refs{1};
  uint8_t kind;  // a NodeKind (value.cc)
  explicit Node(uint8_t k) : kind(k) {}
};
// Strings, arrays, sets and objects: the element count, then (right after
// the node) the bytes, Values or entries. The accessors below read it
// inline; engine/value/value_internal.h builds the node types on it.
struct SizedNode : Node {
  size_t size;
  SizedNode(uint8_t k, size_t n) : Node(k), size(n) {}
};
void Release(const Node* node) noexcept;  // drop a reference, free at zero
}  // namespace detail

class Value {
 public:
  // Number representation; a detail callers rarely need.
  enum class NumRep : uint8_t { kNone = 0, kInt, kDouble, kBig };

  Value() noexcept : kind_(Kind::kUndefined), rep_(NumRep::kNone) { u_.i = 0; }
  Value(const Value& o) noexcept : kind_(o.kind_), rep_(o.rep_), u_(o.u_) {
    if (o.heap()) u_.node->refs.fetch_add(1, std::memory_order_relaxed);
  }
  Value(Value&& o) noexcept : kind_(o.kind_), rep_(o.rep_), u_(o.u_) {
    o.kind_ = Kind::kUndefined;
    o.rep_ = NumRep::kNone;
  }
  Value& operator=(const Value& o) noexcept {
    if (this != &o) { Value tmp(o); swap(tmp); }
    return *this;
  }
  Value& operator=(Value&& o) noexcept {
    if (this != &o) { Value tmp(std::move(o)); swap(tmp); }
    return *this;
  }
  ~Value() {
    if (heap()) detail::Release(u_.node);
  }
  void swap(Value& o) noexcept {
    std::swap(kind_, o.kind_);
    std::swap(rep_, o.rep_);
    std::swap(u_, o.u_);
  }

  // --- construction -------------------------------------------------------
  static Value Undefined() { return Value(); }
  static Value Null() { Value v; v.kind_ = Kind::kNull; return v; }
  static Value Bool(bool b) { Value v; v.kind_ = Kind::kBool; v.u_.b = b; return v; }
  static Value Int(int64_t i) { Value v; v.kind_ = Kind::kNumber; v.rep_ = NumRep::kInt; v.u_.i = i; return v; }
  // An integral double that fits int64 is stored as kInt, so equal numbers
  // share one representation wherever possible.
  static Value Double(double d);
  // Normalises to kInt when the value fits int64.
  static Value Big(const BigInt& b);
  static Value String(std::string_view s);
  static Value String(std::string&& s);
  static Value String(const char* s) { return String(std::string_view(s)); }
  static Value Array(std::vector<Value> items);
  // Sorts by key. When a key repeats, the last entry wins.
  static Value Object(std::vector<ObjectEntry> entries);
  // Sorts and removes duplicates.
  static Value Set(std::vector<Value> items);
  // The same, built from elements the caller gives up (moved from), so a
  // caller with its own buffer needs no std::vector.
  static Value ArrayFrom(std::span<Value> items);
  static Value ObjectFrom(std::span<ObjectEntry> entries);
  static Value SetFrom(std::span<Value> items);
  static Value EmptyArray();
  static Value EmptyObject();
  static Value EmptySet();

  // --- inspection ---------------------------------------------------------
  Kind kind() const { return kind_; }
  bool is_undefined() const { return kind_ == Kind::kUndefined; }
  bool defined() const { return kind_ != Kind::kUndefined; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_object() const { return kind_ == Kind::kObject; }
  bool is_set() const { return kind_ == Kind::kSet; }
  bool is_collection() const { return kind_ >= Kind::kArray; }
  // True for `true` only: Rego's "expression succeeded" test.
  bool is_true() const { return kind_ == Kind::kBool && u_.b; }
  bool is_false() const { return kind_ == Kind::kBool && !u_.b; }

  bool bool_value() const { return u_.b; }

  NumRep num_rep() const { return rep_; }
  // Precondition: num_rep() == kInt.
  int64_t int_value() const { return u_.i; }
  // Precondition: num_rep() == kDouble.
  double double_value() const { return u_.d; }
  // Precondition: num_rep() == kBig.
  const BigInt& big_value() const;
  // True when the number has no fractional part (any representation).
  bool is_integral() const;
  // Sets *out when the number is integral and fits int64.
  bool AsInt64(int64_t* out) const;
  // The number as a double (may round or overflow to infinity).
  double ToDouble() const;

  // Precondition: is_string().
  std::string_view str() const {
    return std::string_view(reinterpret_cast<const char*>(sized() + 1), sized()->size);
  }

  // Number of elements of an array, set or object; bytes of a string.
  size_t size() const { return kind_ >= Kind::kString ? sized()->size : 0; }
  bool empty() const { return size() == 0; }
  // Array elements in order. Precondition: is_array().
  inline std::span<const Value> array() const;
  // Set elements in sorted order. Precondition: is_set().
  inline std::span<const Value> set() const;
  // Object entries sorted by key. Precondition: is_object().
  inline std::span<const ObjectEntry> object() const;

  // Object member, or nullptr. Precondition: is_object().
  const Value* Find(const Value& key) const;
  const Value* Find(std::string_view key) const;
  // Set membership. Precondition: is_set().
  bool Contains(const Value& v) const;

  // Collection or scalar lookup as Rego's ref step `x[key]`: array index
  // (integral number in range), object key, set member (returns the member).
  // Undefined when absent or not applicable.
  Value Get(const Value& key) const;

  // OPA's total order; 0 when equal. Numbers compare by value.
  friend int Compare(const Value& a, const Value& b);
  friend bool operator==(const Value& a, const Value& b) { return Compare(a, b) == 0; }
  friend bool operator!=(const Value& a, const Value& b) { return Compare(a, b) != 0; }
  friend bool operator<(const Value& a, const Value& b) { return Compare(a, b) < 0; }
  // Consistent with ==: equal numbers hash equally whatever their representation.
  size_t Hash() const;

  // Identity of the heap node (for caches); nullptr for inline values.
  const void* identity() const { return heap() ? u_.node : nullptr; }

 private:
  friend struct ValueAccess;
  bool heap() const {
    return kind_ >= Kind::kString || (kind_ == Kind::kNumber && rep_ == NumRep::kBig);
  }
  const detail::SizedNode* sized() const { return static_cast<const detail::SizedNode*>(u_.node); }

  Kind kind_;
  NumRep rep_;
  union U {
    bool b;
    int64_t i;
    double d;
    const detail::Node* node;
  } u_;
};

inline std::span<const Value> Value::array() const {
  return {reinterpret_cast<const Value*>(sized() + 1), sized()->size};
}
inline std::span<const Value> Value::set() const { return array(); }
inline std::span<const ObjectEntry> Value::object() const {
  return {reinterpret_cast<const ObjectEntry*>(sized() + 1), sized()->size};
}

// OPA's total order (declared here too so that fedra::Compare names it).
int Compare(const Value& a, const Value& b);

struct ValueHash {
  size_t operator()(const Value& v) const { return v.Hash(); }
};
struct ValueLess {
  bool operator()(const Value& a, const Value& b) const { return Compare(a, b) < 0; }
};

// Canonical JSON as OPA writes it: object keys sorted, sets as sorted arrays,
// non-string object keys serialised as their JSON text. Undefined writes
// nothing. `pretty` indents by two spaces.
std::string ToJson(const Value& v, bool pretty = false);
void AppendJson(const Value& v, std::string* out);

// Rego literal syntax, as `print` and error messages show values:
// strings quoted, sets as {1, 2}, the empty set as set().
std::string ToRegoString(const Value& v);

}  // namespace fedra

#endif  // FEDRA_VALUE_H_
