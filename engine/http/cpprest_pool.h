// Sizes cpprestsdk's shared thread pool once per process. Its default is 40
// threads; the pool only runs I/O completions, and Fedra's machines have 2
// cores, so 2 to 4 threads are plenty. Every component that makes cpprestsdk
// requests (http.send, the bundle client, status reports, the Kubernetes
// client) calls this before its first request; whichever is first sizes the
// pool, and a pool already sized elsewhere is left as it is.
//
// Header-only so that only cpprestsdk users include cpprestsdk.
#ifndef FEDRA_HTTP_CPPREST_POOL_H_
#define FEDRA_HTTP_CPPREST_POOL_H_

#include <utility>  // before Asio with C++20 and Boost 1.74

#include <pplx/threadpool.h>

#include <algorithm>
#include <mutex>
#include <thread>

namespace fedra::http {

inline void SizeCpprestPool() {
  static std::once_flag once;
  std::call_once(once, [] {
    size_t n = std::clamp<size_t>(std::thread::hardware_concurrency(), 2, 4);
    try {
      crossplat::threadpool::initialize_with_threads(n);
    } catch (...) {
      // Already initialised by someone else: keep theirs.
    }
  });
}

}  // namespace fedra::http

#endif  // FEDRA_HTTP_CPPREST_POOL_H_
