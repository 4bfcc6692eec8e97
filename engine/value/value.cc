#include "fedra/value.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <new>
#include <type_traits>

#include "value/bigint.h"
#include "value/number.h"
#include "value/value_internal.h"

namespace fedra {

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kUndefined: return "undefined";
    case Kind::kNull: return "null";
    case Kind::kBool: return "boolean";
    case Kind::kNumber: return "number";
    case Kind::kString: return "string";
    case Kind::kArray: return "array";
    case Kind::kObject: return "object";
    case Kind::kSet: return "set";
  }
  return "undefined";
}

// ---------------------------------------------------------------------------
// Node lifetime

namespace {

// Drops one reference and reports whether it was the last. A count of 1 seen
// by the holder of that reference cannot change under it (nobody else can
// copy a Value they do not hold), so the common sole-owner case skips the
// atomic read-modify-write.
inline bool LastReference(const detail::Node* n) {
  if (n->refs.load(std::memory_order_acquire) == 1) return true;
  if (n->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) return true;
  return false;
}

// The chunk a kArenaNode node was carved from (stored just before it).
ArenaChunk* ChunkOf(const detail::Node* n) {
  ArenaChunk* c;
  std::memcpy(&c, reinterpret_cast<const char*>(n) - sizeof(ArenaChunk*), sizeof c);
  return c;
}

// Drops `dead` of the chunk's live nodes, freeing it at zero. When the count
// equals `dead` the caller holds every remaining claim on the chunk, so it
// cannot change under it and the atomic read-modify-write is skipped.
void DropChunk(ArenaChunk* c, uint64_t dead) {
  if (c->live.load(std::memory_order_acquire) == dead ||
      c->live.fetch_sub(dead, std::memory_order_acq_rel) == dead) {
    c->~ArenaChunk();
    ::operator delete(static_cast<void*>(c));
  }
}

// Nodes waiting to be freed: the first kInline on the stack (a freed
// collection rarely owns the last reference to more), the rest in a vector.
class PendingNodes {
 public:
  bool empty() const { return n_ == 0 && more_.empty(); }
  void push(detail::Node* node) {
    if (n_ < kInline) {
      inline_[n_++] = node;
    } else {
      more_.push_back(node);
    }
  }
  // Nodes may be freed in any order: the inline slots go first, so the
  // vector is looked at only once they are empty.
  detail::Node* pop() {
    if (n_ != 0) return inline_[--n_];
    detail::Node* node = more_.back();
    more_.pop_back();
    return node;
  }

 private:
  static constexpr size_t kInline = 16;
  detail::Node* inline_[kInline];
  size_t n_ = 0;
  std::vector<detail::Node*> more_;
};

void Destroy(detail::Node* node) {
  PendingNodes pending;
  // Arena nodes freed, counted per chunk so that a document freed whole
  // costs one atomic subtraction per chunk rather than per node. Plain
  // locals, so the counts stay in registers.
  ArenaChunk* chunk = nullptr;
  uint64_t dead = 0;
  auto free_arena_node = [&](const detail::Node* n) {
    ArenaChunk* c = ChunkOf(n);
    if (c != chunk) {
      if (dead != 0) DropChunk(chunk, dead);
      chunk = c;
      dead = 0;
    }
    ++dead;
  };
  auto free_memory = [&](detail::Node* n) {
    if (n->kind & kArenaNode) {
      free_arena_node(n);
    } else {
      ::operator delete(static_cast<void*>(n));
    }
  };
  // Releases a child's reference; when it was the last one, the child joins
  // `pending` instead of being destroyed recursively, so freeing a deeply
  // nested value never grows the C++ stack. Strings own nothing: a dead one
  // is freed on the spot rather than queued (a wide object of strings would
  // otherwise overflow `pending`'s inline slots). The child slot itself is
  // left as it is: its node's memory is returned without running the
  // elements' destructors.
  static_assert(std::is_trivially_destructible_v<StringNode>);
  auto drop_child = [&](const Value& v) {
    if (!ValueAccess::heap(v)) return;
    auto* c = const_cast<detail::Node*>(ValueAccess::node(v));
    if (!LastReference(c)) return;
    if (c->kind == (kStringNode | kArenaNode)) {
      free_arena_node(c);
    } else if (c->kind == kStringNode) {
      ::operator delete(static_cast<void*>(c));
    } else {
      pending.push(c);
    }
  };
  for (;;) {
    switch (node->kind & ~kArenaNode) {
      case kStringNode:
        free_memory(node);
        break;
      case kBigNode:
        delete static_cast<BigNode*>(node);
        break;
      case kArrayNode:
      case kSetNode: {
        auto* n = static_cast<ItemsNode*>(node);
        const Value* items = n->begin();
        for (size_t i = 0; i < n->size; ++i) drop_child(items[i]);
        n->~ItemsNode();
        free_memory(n);
        break;
      }
      case kObjectNode: {
        auto* n = static_cast<ObjectNode*>(node);
        ObjectEntry* es = n->begin();
        for (size_t i = 0; i < n->size; ++i) {
          drop_child(es[i].first);
          drop_child(es[i].second);
        }
        n->~ObjectNode();
        free_memory(n);
        break;
      }
    }
    if (pending.empty()) break;
    node = pending.pop();
  }
  if (dead != 0) DropChunk(chunk, dead);
}

// Shared empty collections. Their count starts high so it never reaches zero
// (every Value copy increments and every destruction decrements it).
constexpr uint32_t kImmortalRefs = 1u << 30;

ItemsNode* AllocItems(uint8_t kind, size_t n) {
  void* mem = ::operator new(sizeof(ItemsNode) + n * sizeof(Value));
  return new (mem) ItemsNode(kind, n);
}

ObjectNode* AllocObject(size_t n) {
  void* mem = ::operator new(sizeof(ObjectNode) + n * sizeof(ObjectEntry));
  return new (mem) ObjectNode(n);
}

const detail::Node* EmptyItems(uint8_t kind) {
  auto make = [](uint8_t k) {
    ItemsNode* n = AllocItems(k, 0);
    n->refs.store(kImmortalRefs, std::memory_order_relaxed);
    return n;
  };
  static const ItemsNode* const empty_array = make(kArrayNode);
  static const ItemsNode* const empty_set = make(kSetNode);
  return kind == kArrayNode ? empty_array : empty_set;
}

const detail::Node* EmptyObjectNode() {
  static const ObjectNode* const empty = [] {
    ObjectNode* n = AllocObject(0);
    n->refs.store(kImmortalRefs, std::memory_order_relaxed);
    return n;
  }();
  return empty;
}

Value Shared(Kind kind, const detail::Node* n) {
  n->refs.fetch_add(1, std::memory_order_relaxed);
  return ValueAccess::Adopt(kind, Value::NumRep::kNone, n);
}

}  // namespace

namespace detail {
void Release(const Node* node) noexcept {
  if (LastReference(node)) Destroy(const_cast<Node*>(node));
}
}  // namespace detail

// ---------------------------------------------------------------------------
// Construction

Value Value::Double(double d) {
  // [-2^63, 2^63) in double is exactly the int64 range.
  if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && std::trunc(d) == d) {
    return Int(static_cast<int64_t>(d));
  }
  Value v;
  v.kind_ = Kind::kNumber;
  v.rep_ = NumRep::kDouble;
  v.u_.d = d;
  return v;
}

Value Value::Big(const BigInt& b) {
  int64_t i;
  if (b.FitsInt64(&i)) return Int(i);
  return ValueAccess::Adopt(Kind::kNumber, NumRep::kBig, new BigNode(b));
}

Value Value::String(std::string_view s) {
  void* mem = ::operator new(sizeof(StringNode) + s.size() + 1);
  auto* n = new (mem) StringNode(s.size());
  if (!s.empty()) std::memcpy(n->data(), s.data(), s.size());
  n->data()[s.size()] = '\0';
  return ValueAccess::Adopt(Kind::kString, NumRep::kNone, n);
}

Value Value::String(std::string&& s) { return String(std::string_view(s)); }

Value MakeArray(Value* items, size_t n) {
  if (n == 0) return Value::EmptyArray();
  ItemsNode* node = AllocItems(kArrayNode, n);
  Value* dst = node->begin();
  for (size_t i = 0; i < n; ++i) new (&dst[i]) Value(std::move(items[i]));
  return ValueAccess::Adopt(Kind::kArray, Value::NumRep::kNone, node);
}

Value Value::Array(std::vector<Value> items) { return MakeArray(items.data(), items.size()); }
Value Value::ArrayFrom(std::span<Value> items) { return MakeArray(items.data(), items.size()); }

namespace {

// Three-way byte order of two strings. Most compared strings (object keys in
// a binary search, set members being sorted) differ in their first byte:
// decide that inline and call memcmp only past it.
inline int CompareBytes(std::string_view x, std::string_view y) {
  if (!x.empty() && !y.empty() && x[0] != y[0]) {
    return static_cast<unsigned char>(x[0]) < static_cast<unsigned char>(y[0]) ? -1 : 1;
  }
  int c = x.compare(y);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// Object keys are nearly always strings: compare those without the generic
// dispatch.
inline int CompareKeys(const Value& a, const Value& b) {
  if (a.is_string() && b.is_string()) return CompareBytes(a.str(), b.str());
  return Compare(a, b);
}

// Stable sort of object entries by key. Objects are small (a JSON document's
// objects rarely exceed a dozen keys), where insertion sort beats merge sort
// and needs no buffer.
void SortEntries(ObjectEntry* e, size_t n) {
  if (n > 24) {
    std::stable_sort(e, e + n,
                     [](const ObjectEntry& a, const ObjectEntry& b) { return CompareKeys(a.first, b.first) < 0; });
    return;
  }
  for (size_t i = 1; i < n; ++i) {
    if (CompareKeys(e[i - 1].first, e[i].first) <= 0) continue;
    ObjectEntry tmp = std::move(e[i]);
    size_t j = i;
    do {
      e[j] = std::move(e[j - 1]);
      --j;
    } while (j > 0 && CompareKeys(e[j - 1].first, tmp.first) > 0);
    e[j] = std::move(tmp);
  }
}

// Sorts a freshly filled node by key and drops repeated keys, the last
// occurrence winning.
Value FinishObject(ObjectNode* node) {
  ObjectEntry* e = node->begin();
  size_t n = node->size;
  bool strictly_sorted = true;
  for (size_t i = 1; i < n; ++i) {
    if (CompareKeys(e[i - 1].first, e[i].first) >= 0) {
      strictly_sorted = false;
      break;
    }
  }
  if (!strictly_sorted) {
    SortEntries(e, n);  // stable: equal keys keep their input order
    size_t w = 0;
    for (size_t i = 0; i < n; ++i) {
      if (w > 0 && CompareKeys(e[w - 1].first, e[i].first) == 0) {
        e[w - 1].second = std::move(e[i].second);
      } else {
        if (w != i) e[w] = std::move(e[i]);
        ++w;
      }
    }
    for (size_t i = w; i < n; ++i) e[i].~ObjectEntry();
    node->size = w;
  }
  return ValueAccess::Adopt(Kind::kObject, Value::NumRep::kNone, node);
}

}  // namespace

Value MakeObject(Value* kv, size_t pairs) {
  if (pairs == 0) return Value::EmptyObject();
  ObjectNode* node = AllocObject(pairs);
  ObjectEntry* dst = node->begin();
  for (size_t i = 0; i < pairs; ++i) new (&dst[i]) ObjectEntry(std::move(kv[2 * i]), std::move(kv[2 * i + 1]));
  return FinishObject(node);
}

// ---------------------------------------------------------------------------
// NodeArena

namespace {
// While a NodeArena fills a chunk, `live` holds this bias instead of a count:
// nodes that die before the chunk is closed (repeated object keys, a parse
// error) subtract from it without reaching zero.
constexpr uint64_t kChunkOpen = uint64_t{1} << 62;
// Chunks grow to this size; a node larger than a quarter of it gets a chunk
// of its own so the current chunk's tail is not wasted.
constexpr size_t kMaxChunk = 64 << 10;
constexpr size_t kMinChunk = 512;
}  // namespace

NodeArena::NodeArena(size_t expected_bytes)
    : chunk_bytes_(std::clamp(expected_bytes, kMinChunk, kMaxChunk)) {}

NodeArena::~NodeArena() { CloseChunk(); }

void NodeArena::CloseChunk() {
  if (chunk_ == nullptr) return;
  // live = kChunkOpen - (nodes already dead); leave allocated - dead.
  uint64_t bias = kChunkOpen - allocated_;
  if (chunk_->live.fetch_sub(bias, std::memory_order_acq_rel) == bias) {
    chunk_->~ArenaChunk();
    ::operator delete(static_cast<void*>(chunk_));
  }
  chunk_ = nullptr;
  next_ = end_ = nullptr;
  allocated_ = 0;
}

void* NodeArena::AllocateSlow(size_t need) {
  char* at;
  ArenaChunk* owner;
  if (need > kMaxChunk / 4) {
    void* mem = ::operator new(sizeof(ArenaChunk) + need);
    owner = new (mem) ArenaChunk{1};
    at = reinterpret_cast<char*>(owner + 1);
  } else {
    CloseChunk();
    size_t bytes = sizeof(ArenaChunk) + std::max(chunk_bytes_, need);
    void* mem = ::operator new(bytes);
    chunk_ = new (mem) ArenaChunk{kChunkOpen};
    next_ = reinterpret_cast<char*>(chunk_ + 1);
    end_ = static_cast<char*>(mem) + bytes;
    chunk_bytes_ = std::min(chunk_bytes_ * 2, kMaxChunk);
    owner = chunk_;
    at = next_;
    next_ += need;
    ++allocated_;
  }
  std::memcpy(at, &owner, sizeof owner);
  return at + sizeof owner;
}

Value Value::Object(std::vector<ObjectEntry> entries) {
  return ObjectFrom(std::span<ObjectEntry>(entries));
}

Value Value::ObjectFrom(std::span<ObjectEntry> entries) {
  if (entries.empty()) return EmptyObject();
  ObjectNode* node = AllocObject(entries.size());
  ObjectEntry* dst = node->begin();
  for (size_t i = 0; i < entries.size(); ++i) new (&dst[i]) ObjectEntry(std::move(entries[i]));
  return FinishObject(node);
}

Value Value::Set(std::vector<Value> items) { return SetFrom(std::span<Value>(items)); }

Value Value::SetFrom(std::span<Value> items) {
  if (items.empty()) return EmptySet();
  size_t n = items.size();
  ItemsNode* node = AllocItems(kSetNode, n);
  Value* v = node->begin();
  for (size_t i = 0; i < n; ++i) new (&v[i]) Value(std::move(items[i]));
  bool strictly_sorted = true;
  for (size_t i = 1; i < n; ++i) {
    if (Compare(v[i - 1], v[i]) >= 0) {
      strictly_sorted = false;
      break;
    }
  }
  if (!strictly_sorted) {
    std::sort(v, v + n, ValueLess());
    Value* end = std::unique(v, v + n, [](const Value& a, const Value& b) { return Compare(a, b) == 0; });
    size_t w = static_cast<size_t>(end - v);
    for (size_t i = w; i < n; ++i) v[i].~Value();
    node->size = w;
  }
  return ValueAccess::Adopt(Kind::kSet, NumRep::kNone, node);
}

Value Value::EmptyArray() { return Shared(Kind::kArray, EmptyItems(kArrayNode)); }
Value Value::EmptySet() { return Shared(Kind::kSet, EmptyItems(kSetNode)); }
Value Value::EmptyObject() { return Shared(Kind::kObject, EmptyObjectNode()); }

// ---------------------------------------------------------------------------
// Inspection

const BigInt& Value::big_value() const { return ValueAccess::big_node(*this)->value; }

bool Value::is_integral() const {
  switch (rep_) {
    case NumRep::kInt:
    case NumRep::kBig:
      return true;
    case NumRep::kDouble:
      return std::isfinite(u_.d) && std::trunc(u_.d) == u_.d;
    case NumRep::kNone:
      return false;
  }
  return false;
}

bool Value::AsInt64(int64_t* out) const {
  // Value::Double and Value::Big normalise every integral number that fits
  // int64 to kInt, so no other representation can qualify.
  if (kind_ != Kind::kNumber || rep_ != NumRep::kInt) return false;
  *out = u_.i;
  return true;
}

double Value::ToDouble() const {
  switch (rep_) {
    case NumRep::kInt: return static_cast<double>(u_.i);
    case NumRep::kDouble: return u_.d;
    case NumRep::kBig: return big_value().ToDouble();
    case NumRep::kNone: return 0;
  }
  return 0;
}

const Value* Value::Find(const Value& key) const {
  const auto es = ValueAccess::object_node(*this)->entries();
  size_t lo = 0, hi = es.size();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = Compare(es[mid].first, key);
    if (c < 0) {
      lo = mid + 1;
    } else if (c > 0) {
      hi = mid;
    } else {
      return &es[mid].second;
    }
  }
  return nullptr;
}

const Value* Value::Find(std::string_view key) const {
  const auto es = ValueAccess::object_node(*this)->entries();
  // Keys of other kinds sort entirely before (null, boolean, number) or after
  // (collections) all strings, so the kind alone orders them against `key`.
  size_t lo = 0, hi = es.size();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const Value& k = es[mid].first;
    int c;
    if (k.kind_ != Kind::kString) {
      c = k.kind_ < Kind::kString ? -1 : 1;
    } else {
      c = CompareBytes(ValueAccess::string_node(k)->view(), key);
    }
    if (c < 0) {
      lo = mid + 1;
    } else if (c > 0) {
      hi = mid;
    } else {
      return &es[mid].second;
    }
  }
  return nullptr;
}

namespace {

const Value* FindMember(const Value& set, const Value& v) {
  auto items = set.set();
  auto it = std::lower_bound(items.begin(), items.end(), v, ValueLess());
  if (it != items.end() && Compare(*it, v) == 0) return &*it;
  return nullptr;
}
}  // namespace

bool Value::Contains(const Value& v) const { return FindMember(*this, v) != nullptr; }

Value Value::Get(const Value& key) const {
  switch (kind_) {
    case Kind::kArray: {
      // Integral doubles that fit int64 are kInt already (1.0 == 1), and a
      // big integer can never be in range, so kInt is the only index form.
      if (key.kind_ != Kind::kNumber || key.rep_ != NumRep::kInt) return Value();
      const auto items = ValueAccess::items_node(*this)->items();
      if (key.u_.i < 0 || static_cast<uint64_t>(key.u_.i) >= items.size()) return Value();
      return items[static_cast<size_t>(key.u_.i)];
    }
    case Kind::kObject: {
      const Value* v = key.kind_ == Kind::kString ? Find(key.str()) : Find(key);
      return v ? *v : Value();
    }
    case Kind::kSet: {
      const Value* m = FindMember(*this, key);
      return m ? *m : Value();
    }
    default:
      return Value();
  }
}

// ---------------------------------------------------------------------------
// Order and hashing

namespace {

int CompareItems(std::span<const Value> a, std::span<const Value> b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    int c = Compare(a[i], b[i]);
    if (c != 0) return c;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

// OPA's object order: walk the sorted keys pairwise, comparing key i and then
// value i, and fall back to the number of keys.
int CompareObjects(std::span<const ObjectEntry> a, std::span<const ObjectEntry> b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    int c = Compare(a[i].first, b[i].first);
    if (c != 0) return c;
    c = Compare(a[i].second, b[i].second);
    if (c != 0) return c;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

inline size_t Mix(size_t h, size_t v) {
  uint64_t x = (static_cast<uint64_t>(h) ^ static_cast<uint64_t>(v)) * 0x9e3779b97f4a7c15ull;
  return static_cast<size_t>(x ^ (x >> 32));
}

}  // namespace

int Compare(const Value& a, const Value& b) {
  if (a.kind_ != b.kind_) return a.kind_ < b.kind_ ? -1 : 1;
  switch (a.kind_) {
    case Kind::kUndefined:
    case Kind::kNull:
      return 0;
    case Kind::kBool:
      return a.u_.b == b.u_.b ? 0 : (a.u_.b ? 1 : -1);
    case Kind::kNumber:
      if (a.rep_ == Value::NumRep::kInt && b.rep_ == Value::NumRep::kInt) {
        return a.u_.i < b.u_.i ? -1 : (a.u_.i > b.u_.i ? 1 : 0);
      }
      return num::Compare(a, b);
    case Kind::kString:
      if (a.u_.node == b.u_.node) return 0;
      return CompareBytes(ValueAccess::string_node(a)->view(), ValueAccess::string_node(b)->view());
    case Kind::kArray:
    case Kind::kSet:
      if (a.u_.node == b.u_.node) return 0;
      return CompareItems(ValueAccess::items_node(a)->items(), ValueAccess::items_node(b)->items());
    case Kind::kObject:
      if (a.u_.node == b.u_.node) return 0;
      return CompareObjects(ValueAccess::object_node(a)->entries(), ValueAccess::object_node(b)->entries());
  }
  return 0;
}

size_t Value::Hash() const {
  switch (kind_) {
    case Kind::kUndefined: return 0x1b873593u;
    case Kind::kNull: return 0x85ebca6bu;
    case Kind::kBool: return u_.b ? 0xc2b2ae35u : 0x27d4eb2fu;
    case Kind::kNumber: {
      // Equal numbers must hash equally across representations. kInt holds
      // every integral value that fits int64; a double equal to a big integer
      // converts to the same double as that integer does.
      if (rep_ == NumRep::kInt) return Mix(0x51, static_cast<size_t>(u_.i));
      double d = rep_ == NumRep::kDouble ? u_.d : big_value().ToDouble();
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      return Mix(0x52, static_cast<size_t>(bits));
    }
    case Kind::kString:
      return std::hash<std::string_view>()(ValueAccess::string_node(*this)->view());
    case Kind::kArray:
    case Kind::kSet: {
      size_t h = kind_ == Kind::kArray ? 0xa1 : 0x5e;
      for (const Value& v : ValueAccess::items_node(*this)->items()) h = Mix(h, v.Hash());
      return h;
    }
    case Kind::kObject: {
      size_t h = 0x0b;
      for (const ObjectEntry& e : ValueAccess::object_node(*this)->entries()) {
        h = Mix(Mix(h, e.first.Hash()), e.second.Hash());
      }
      return h;
    }
  }
  return 0;
}

}  // namespace fedra
