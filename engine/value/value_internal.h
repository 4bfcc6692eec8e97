// Heap node layouts behind fedra::Value. Private to engine/value/: other
// modules use value.h only.
//
// Every node starts with detail::Node (refcount + kind). Nodes are immutable
// once a Value points at them, so they are shared freely across threads.
#ifndef FEDRA_VALUE_VALUE_INTERNAL_H_
#define FEDRA_VALUE_VALUE_INTERNAL_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <span>
#include <string_view>
#include <vector>

#include "fedra/value.h"
#include "value/bigint.h"

namespace fedra {

enum NodeKind : uint8_t {
  kStringNode = 1,
  kBigNode,
  kArrayNode,
  kObjectNode,
  kSetNode,
};

// Characters follow the header in the same allocation (one malloc per string).
struct StringNode : detail::SizedNode {
  explicit StringNode(size_t n, uint8_t kind = kStringNode) : SizedNode(kind, n) {}
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  char* data() { return reinterpret_cast<char*>(this + 1); }
  std::string_view view() const { return std::string_view(data(), size); }
};

struct BigNode : detail::Node {
  BigInt value;
  explicit BigNode(BigInt v) : Node(kBigNode), value(std::move(v)) {}
};

// Arrays and sets (sets keep their items sorted and unique). The items follow
// the header in the same allocation: one malloc per collection.
struct ItemsNode : detail::SizedNode {
  ItemsNode(uint8_t k, size_t n) : SizedNode(k, n) {}
  Value* begin() { return reinterpret_cast<Value*>(this + 1); }
  const Value* begin() const { return reinterpret_cast<const Value*>(this + 1); }
  std::span<const Value> items() const { return {begin(), size}; }
};

// Entries sorted by key, keys unique; stored after the header like ItemsNode.
struct ObjectNode : detail::SizedNode {
  explicit ObjectNode(size_t n, uint8_t kind = kObjectNode) : SizedNode(kind, n) {}
  ObjectEntry* begin() { return reinterpret_cast<ObjectEntry*>(this + 1); }
  const ObjectEntry* begin() const { return reinterpret_cast<const ObjectEntry*>(this + 1); }
  std::span<const ObjectEntry> entries() const { return {begin(), size}; }
};
static_assert(sizeof(StringNode) == sizeof(detail::SizedNode) &&
              sizeof(ItemsNode) == sizeof(detail::SizedNode) &&
              sizeof(ObjectNode) == sizeof(detail::SizedNode),
              "Value's inline accessors find the elements right after a SizedNode");
static_assert(sizeof(ItemsNode) % alignof(Value) == 0);
static_assert(sizeof(ObjectNode) % alignof(ObjectEntry) == 0);

// Builders that move elements out of a caller's buffer straight into a new
// node (no intermediate vector). `kv` alternates key, value.
Value MakeArray(Value* items, size_t n);
Value MakeObject(Value* kv, size_t pairs);

// Set in Node::kind when the node was carved from an ArenaChunk instead of
// allocated on its own.
constexpr uint8_t kArenaNode = 0x80;

// A block of nodes built together. `live` counts the nodes in it that have
// not died yet (plus a large bias while a NodeArena is still filling it); the
// block is freed when it reaches zero. Each node is preceded by a pointer to
// its chunk.
struct ArenaChunk {
  std::atomic<uint64_t> live;
};

// Bump storage for the nodes of one document being built (the JSON parser):
// one allocation per few kilobytes instead of one per string, array and
// object. Every node keeps its own count, so a value taken out of the
// document lives on by itself (holding its chunk's memory until it dies).
// Nodes die without an atomic operation each: Destroy counts the dead per
// chunk and subtracts them once. Building is single-threaded; the Values
// returned may travel to other threads like any other.
class NodeArena {
 public:
  // `expected_bytes` sizes the first chunk.
  explicit NodeArena(size_t expected_bytes);
  ~NodeArena();
  NodeArena(const NodeArena&) = delete;
  NodeArena& operator=(const NodeArena&) = delete;

  Value String(std::string_view s);
  // The same for a string of fewer than 16 bytes at `s` when 16 bytes may be
  // read there (the JSON parser's short strings): the bytes are copied as
  // one 16-byte block, which lands in the node and the chunk's free space
  // after it (a node this small always comes from the current chunk).
  Value ShortString(const char* s, size_t n);
  // Arrays and objects take over their elements by relocation: the bytes of
  // each Value move into the node, and the caller's copies are dead storage
  // afterwards (neither used nor destroyed). Value holds no pointer to
  // itself, so a bitwise move is a move. `n` and `pairs` are at least 1.
  Value ArrayOf(Value* items, size_t n);
  // `entries` are sorted by key with no key repeated (the caller sorted them).
  Value ObjectOf(ObjectEntry* entries, size_t pairs);

 private:
  void* Allocate(size_t node_bytes);
  // A new chunk, or one of its own for a node larger than a quarter chunk.
  void* AllocateSlow(size_t need);
  void CloseChunk();

  ArenaChunk* chunk_ = nullptr;
  char* next_ = nullptr;
  char* end_ = nullptr;
  uint64_t allocated_ = 0;  // nodes carved from chunk_
  size_t chunk_bytes_;
};

// The one friend of Value: reaches the node behind a heap value.
struct ValueAccess {
  static const detail::Node* node(const Value& v) { return v.u_.node; }
  static bool heap(const Value& v) { return v.heap(); }
  static const StringNode* string_node(const Value& v) {
    return static_cast<const StringNode*>(v.u_.node);
  }
  static const ItemsNode* items_node(const Value& v) {
    return static_cast<const ItemsNode*>(v.u_.node);
  }
  static const ObjectNode* object_node(const Value& v) {
    return static_cast<const ObjectNode*>(v.u_.node);
  }
  static const BigNode* big_node(const Value& v) {
    return static_cast<const BigNode*>(v.u_.node);
  }
  // Wraps a node whose one reference the new Value takes over.
  static Value Adopt(Kind kind, Value::NumRep rep, const detail::Node* node) {
    Value v;
    v.kind_ = kind;
    v.rep_ = rep;
    v.u_.node = node;
    return v;
  }
};

// NodeArena's common allocation and its builders are inline: the JSON
// parser calls them for every string, key and container.
inline void* NodeArena::Allocate(size_t node_bytes) {
  size_t need = (sizeof(ArenaChunk*) + node_bytes + 7) & ~size_t{7};
  if (need > static_cast<size_t>(end_ - next_)) return AllocateSlow(need);
  char* at = next_;
  next_ += need;
  ++allocated_;
  std::memcpy(at, &chunk_, sizeof chunk_);
  return at + sizeof chunk_;
}

inline Value NodeArena::String(std::string_view s) {
  auto* n = new (Allocate(sizeof(StringNode) + s.size() + 1)) StringNode(s.size(), kStringNode | kArenaNode);
  if (!s.empty()) std::memcpy(n->data(), s.data(), s.size());
  n->data()[s.size()] = '\0';
  return ValueAccess::Adopt(Kind::kString, Value::NumRep::kNone, n);
}

inline Value NodeArena::ShortString(const char* s, size_t n) {
  auto* node = new (Allocate(sizeof(StringNode) + n + 1)) StringNode(n, kStringNode | kArenaNode);
  char* d = node->data();
  if (end_ - d >= 16) {
    std::memcpy(d, s, 16);
  } else {
    std::memcpy(d, s, n);
  }
  d[n] = '\0';
  return ValueAccess::Adopt(Kind::kString, Value::NumRep::kNone, node);
}

inline Value NodeArena::ArrayOf(Value* items, size_t n) {
  auto* node = new (Allocate(sizeof(ItemsNode) + n * sizeof(Value))) ItemsNode(kArrayNode | kArenaNode, n);
  std::memcpy(static_cast<void*>(node->begin()), static_cast<const void*>(items), n * sizeof(Value));
  return ValueAccess::Adopt(Kind::kArray, Value::NumRep::kNone, node);
}

inline Value NodeArena::ObjectOf(ObjectEntry* entries, size_t pairs) {
  auto* node = new (Allocate(sizeof(ObjectNode) + pairs * sizeof(ObjectEntry))) ObjectNode(pairs, kObjectNode | kArenaNode);
  std::memcpy(static_cast<void*>(node->begin()), static_cast<const void*>(entries), pairs * sizeof(ObjectEntry));
  return ValueAccess::Adopt(Kind::kObject, Value::NumRep::kNone, node);
}

}  // namespace fedra

#endif  // FEDRA_VALUE_VALUE_INTERNAL_H_
