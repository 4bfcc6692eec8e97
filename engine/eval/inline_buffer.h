// A buffer of n elements that lives on the stack when n is small, for the
// evaluator's per-call scratch space (arguments, literal elements): the
// common case allocates nothing.
#ifndef FEDRA_EVAL_INLINE_BUFFER_H_
#define FEDRA_EVAL_INLINE_BUFFER_H_

#include <cstddef>
#include <vector>

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

}  // namespace fedra::eval

#endif  // FEDRA_EVAL_INLINE_BUFFER_H_
