// Buffers that live on the stack when small, for the evaluator's per-call
// scratch space (arguments, literal elements, collected values): the common
// case allocates nothing.
#ifndef FEDRA_EVAL_INLINE_BUFFER_H_
#define FEDRA_EVAL_INLINE_BUFFER_H_

#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <utility>
#include <vector>

#include "fedra/value.h"

namespace fedra::eval {

template <typename T, size_t N>
class InlineBuffer {
 public:
  explicit InlineBuffer(size_t n) : n_(n) {
    if (n > N) heap_.resize(n);
  }
  InlineBuffer(const InlineBuffer&) = delete;
  InlineBuffer& operator=(const InlineBuffer&) = delete;

  T* data() { return n_ > N ? heap_.data() : inline_; }
  T& operator[](size_t i) { return data()[i]; }
  size_t size() const { return n_; }

 private:
  T inline_[N];
  std::vector<T> heap_;
  size_t n_;
};

// A growable sequence that keeps its first N elements on the stack, for
// the values a rule or comprehension collects (usually a handful) before
// they become one set or array: no allocation besides the collection's own.
template <typename T, size_t N>
class SmallVector {
 public:
  SmallVector() = default;
  SmallVector(const SmallVector&) = delete;
  SmallVector& operator=(const SmallVector&) = delete;

  void push_back(const T& v) {
    if (size_ < N) {
      inline_[size_++] = v;
      return;
    }
    if (size_ == N) {
      heap_.reserve(2 * N);
      for (size_t i = 0; i < N; ++i) heap_.push_back(std::move(inline_[i]));
    }
    heap_.push_back(v);
    ++size_;
  }
  T* data() { return size_ > N ? heap_.data() : inline_; }
  size_t size() const { return size_; }
  // The elements, to be moved from (Value::SetFrom, Value::ArrayFrom).
  std::span<T> span() { return std::span<T>(data(), size_); }

 private:
  T inline_[N];
  std::vector<T> heap_;
  size_t size_ = 0;
};

// Call arguments as aliases: Set copies a Value's bits without taking a
// reference, and the buffer releases nothing. Every argument is a value the
// evaluator handed to a continuation, so it stays alive and unchanged until
// the call returns (the contract frame slots rely on, scratch.h); the callee
// reads it through the alias, and a Value it copies out takes its own
// reference as usual. Copying each argument instead cost two atomic
// read-modify-writes per argument.
template <size_t N>
class ArgAliases {
 public:
  explicit ArgAliases(size_t n) : n_(n) {
    if (n > N) heap_ = std::make_unique<Raw[]>(n);
    // Real (undefined) Values, never destroyed: they own nothing.
    for (size_t i = 0; i < n; ++i) new (&raw()[i]) Value();
  }
  ArgAliases(const ArgAliases&) = delete;
  ArgAliases& operator=(const ArgAliases&) = delete;

  void Set(size_t i, const Value& v) {
    std::memcpy(static_cast<void*>(&raw()[i]), static_cast<const void*>(&v), sizeof(Value));
  }
  std::span<const Value> span() {
    return std::span<const Value>(std::launder(reinterpret_cast<const Value*>(raw())), n_);
  }

 private:
  struct alignas(Value) Raw {
    unsigned char bytes[sizeof(Value)];
  };
  Raw* raw() { return n_ > N ? heap_.get() : inline_; }

  Raw inline_[N];
  std::unique_ptr<Raw[]> heap_;
  size_t n_;
};

}  // namespace fedra::eval

#endif  // FEDRA_EVAL_INLINE_BUFFER_H_
