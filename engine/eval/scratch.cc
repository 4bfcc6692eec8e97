// The frame stack and the per-thread scratch pool.
#include "eval/scratch.h"

#include <algorithm>

namespace fedra::eval {

namespace {

// Frame chunks a pooled Scratch keeps (256 slots each): deep evaluations
// grow more, and give them back when they end.
constexpr size_t kKeepChunks = 4;
// Scratch objects a thread keeps; more exist only while evaluations nest.
constexpr size_t kKeepScratch = 4;
// A cache longer than this (rule nodes) is freed rather than kept.
constexpr size_t kKeepCacheNodes = 1u << 16;

struct Pool {
  std::vector<std::unique_ptr<Scratch>> free;
};

Pool& ThreadPool() {
  thread_local Pool pool;
  return pool;
}

}  // namespace

Slot* FrameStack::PushSlow(uint32_t n) {
  while (true) {
    if (current_ == chunks_.size()) {
      Chunk c;
      c.size = std::max(kChunk, n);
      c.slots = std::make_unique<Slot[]>(c.size);
      chunks_.push_back(std::move(c));
    }
    Chunk& c = chunks_[current_];
    if (c.size - c.used >= n) {
      Slot* base = c.slots.get() + c.used;
      c.used += n;
      return base;
    }
    if (c.used == 0) {
      // Too small even when empty: replace it.
      c.size = std::max(kChunk, n);
      c.slots = std::make_unique<Slot[]>(c.size);
      continue;
    }
    ++current_;
  }
}

void FrameStack::Reset(size_t keep) {
  for (Chunk& c : chunks_) {
    for (uint32_t i = 0; i < c.used; ++i) c.slots[i] = nullptr;
    c.used = 0;
  }
  current_ = 0;
  if (chunks_.size() > keep) chunks_.resize(keep);
}

Scratch* Scratch::Acquire() {
  Pool& pool = ThreadPool();
  if (pool.free.empty()) return new Scratch();
  Scratch* s = pool.free.back().release();
  pool.free.pop_back();
  return s;
}

void Scratch::Release(Scratch* s) {
  std::unique_ptr<Scratch> owned(s);
  owned->frames.Reset(kKeepChunks);
  owned->temps.Reset(kKeepChunks);
  owned->cache.Reset();
  owned->expr_values.clear();
  owned->cur_path.clear();
  if (owned->cache.values.size() > kKeepCacheNodes) owned->cache = RuleCache();
  Pool& pool = ThreadPool();
  if (pool.free.size() < kKeepScratch) pool.free.push_back(std::move(owned));
}

}  // namespace fedra::eval
