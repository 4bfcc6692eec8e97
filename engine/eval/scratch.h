// Per-thread evaluator scratch: the frame stack, the rule-value cache, the
// query's expression values and the data path, kept between evaluations so that one
// evaluation allocates none of them.
//
// Allocating, zeroing and destroying these per evaluation (a 4 KiB frame
// chunk, a cache of one Value per rule node) was about half of a small
// evaluation's cost. A Scratch is owned by one thread's pool: Acquire takes
// one (or makes one when the pool is empty, e.g. an evaluation started from
// inside another on the same thread), Release resets it and returns it. No
// locks: the pool is thread_local. A reset Scratch holds no Value from the
// evaluation it served (no input or result stays alive after Eval returns);
// the memory it keeps is bounded (kKeepChunks frame chunks, the cache sized
// to the largest policy set evaluated on the thread).
#ifndef FEDRA_EVAL_SCRATCH_H_
#define FEDRA_EVAL_SCRATCH_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "fedra/value.h"

namespace fedra::eval {

// A frame slot: the address of the value bound to a variable, or nullptr
// while it is unbound. Not a copy: the evaluator hands every value to its
// continuation alive and unchanged until that continuation returns, and a
// binding is undone before then (eval/unify.cc, Bind), so the address stays
// valid for as long as the variable is bound. Binding by address costs no
// reference-count update; copying cost two atomic read-modify-writes per
// binding.
using Slot = const Value*;

// Frames of slots, from chunks that never move. Popped slots are cleared,
// so an empty stack points at no values.
class FrameStack {
 public:
  Slot* Push(uint32_t n) {
    if (n == 0) n = 1;
    if (current_ < chunks_.size()) {
      Chunk& c = chunks_[current_];
      if (c.size - c.used >= n) {
        Slot* base = c.slots.get() + c.used;
        c.used += n;
        return base;
      }
    }
    return PushSlow(n);
  }
  void Pop(uint32_t n) {
    if (n == 0) n = 1;
    Chunk& c = chunks_[current_];
    for (uint32_t i = c.used - n; i < c.used; ++i) c.slots[i] = nullptr;
    c.used -= n;
    if (c.used == 0 && current_ > 0) --current_;
  }
  // Clears whatever is still pushed (only after an aborted evaluation) and
  // frees chunks beyond the first `keep`.
  void Reset(size_t keep);

 private:
  Slot* PushSlow(uint32_t n);

  static constexpr uint32_t kChunk = 256;
  struct Chunk {
    std::unique_ptr<Slot[]> slots;
    uint32_t size = 0;
    uint32_t used = 0;
  };
  std::vector<Chunk> chunks_;
  size_t current_ = 0;
};

// Values an expression computed (a call's result, a literal, a
// comprehension) that a straight-line body step binds or tests: they must
// stay alive and in place until the rest of the body has run, like any value
// handed to a continuation. Chunks never move, so an address stays valid
// until the stack is popped below it. A body pops back to its mark when it
// returns, so the stack only holds the values of bodies still running.
class ValueStack {
 public:
  size_t Mark() const { return size_; }
  // Moves v onto the stack and returns its address.
  const Value* Push(Value&& v) {
    const size_t chunk = size_ / kChunk;
    if (chunk == chunks_.size()) chunks_.push_back(std::make_unique<Value[]>(kChunk));
    Value* slot = &chunks_[chunk][size_ % kChunk];
    *slot = std::move(v);
    ++size_;
    return slot;
  }
  // Releases every value pushed after `mark`.
  void PopTo(size_t mark) {
    while (size_ > mark) {
      --size_;
      chunks_[size_ / kChunk][size_ % kChunk] = Value();
    }
  }
  // Empties the stack and frees chunks beyond the first `keep`.
  void Reset(size_t keep) {
    PopTo(0);
    if (chunks_.size() > keep) chunks_.resize(keep);
  }

 private:
  static constexpr size_t kChunk = 64;
  std::vector<std::unique_ptr<Value[]>> chunks_;
  size_t size_ = 0;
};

// Values of rule nodes computed during one evaluation (per `with` scope).
struct RuleCache {
  std::vector<Value> values;
  std::vector<uint8_t> state;      // 0 unknown, 1 in progress, 2 done
  std::vector<uint32_t> touched;   // ids whose state left 0, for Reset

  // Makes room for ids 0..n-1 (all unknown).
  void Prepare(size_t n) {
    if (values.size() < n) {
      values.resize(n);
      state.resize(n);
    }
  }
  // Marks `id` as used so that Reset clears it.
  void Touch(uint32_t id) { touched.push_back(id); }
  // Back to all-unknown in O(touched).
  void Reset() {
    for (uint32_t id : touched) {
      values[id] = Value();
      state[id] = 0;
    }
    touched.clear();
  }
};

struct Scratch {
  FrameStack frames;
  ValueStack temps;
  RuleCache cache;
  std::vector<Value> expr_values;
  std::vector<Value> cur_path;  // Evaluator::cur_path_

  // Acquire/Release: this thread's pool.
  static Scratch* Acquire();
  static void Release(Scratch* s);
};

}  // namespace fedra::eval

#endif  // FEDRA_EVAL_SCRATCH_H_
