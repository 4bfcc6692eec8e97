// Heap node layouts behind fedra::Value. Private to engine/value/: other
// modules use value.h only.
//
// Every node starts with detail::Node (refcount + kind). Nodes are immutable
// once a Value points at them, so they are shared freely across threads.
#ifndef FEDRA_VALUE_VALUE_INTERNAL_H_
#define FEDRA_VALUE_VALUE_INTERNAL_H_

#include <cstddef>
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
struct StringNode : detail::Node {
  size_t len;
  explicit StringNode(size_t n) : Node(kStringNode), len(n) {}
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  char* data() { return reinterpret_cast<char*>(this + 1); }
  std::string_view view() const { return std::string_view(data(), len); }
};

struct BigNode : detail::Node {
  BigInt value;
  explicit BigNode(BigInt v) : Node(kBigNode), value(std::move(v)) {}
};

// Arrays and sets: sets keep `items` sorted and unique.
struct ItemsNode : detail::Node {
  std::vector<Value> items;
  ItemsNode(uint8_t k, std::vector<Value> v) : Node(k), items(std::move(v)) {}
};

struct ObjectNode : detail::Node {
  std::vector<ObjectEntry> entries;  // sorted by key, keys unique
  explicit ObjectNode(std::vector<ObjectEntry> e) : Node(kObjectNode), entries(std::move(e)) {}
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
  // Drops the Value's hold on its node without releasing it; used by the
  // iterative destructor, which takes over that reference.
  static const detail::Node* Detach(Value* v) {
    if (!v->heap()) return nullptr;
    const detail::Node* n = v->u_.node;
    v->kind_ = Kind::kUndefined;
    v->rep_ = Value::NumRep::kNone;
    return n;
  }
};

}  // namespace fedra

#endif  // FEDRA_VALUE_VALUE_INTERNAL_H_
