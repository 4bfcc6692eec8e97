// Lock annotations in the style of leveldb's port/thread_annotations.h.
//
// They say which mutex guards which member and which functions expect a lock
// to be held. Clang checks them with -Wthread-safety when the mutex type is
// annotated as a capability; GCC ignores them, and with libstdc++'s
// std::mutex they remain documentation that reviewers read. Either way they
// cost nothing at run time.
#ifndef FEDRA_OP_WORKQUEUE_THREAD_ANNOTATIONS_H_
#define FEDRA_OP_WORKQUEUE_THREAD_ANNOTATIONS_H_

#if defined(__clang__)
#define FEDRA_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define FEDRA_THREAD_ANNOTATION(x)
#endif

// Each macro is defined only if nobody else has (another library's copy of
// the same leveldb-style names means the same thing).
#ifndef GUARDED_BY
// The member is read and written only with `mu` held.
#define GUARDED_BY(mu) FEDRA_THREAD_ANNOTATION(guarded_by(mu))
#endif
#ifndef EXCLUSIVE_LOCKS_REQUIRED
// The function must be called with `mu` held.
#define EXCLUSIVE_LOCKS_REQUIRED(...) FEDRA_THREAD_ANNOTATION(exclusive_locks_required(__VA_ARGS__))
#endif
#ifndef LOCKS_EXCLUDED
// The function takes `mu` itself; callers must not hold it.
#define LOCKS_EXCLUDED(...) FEDRA_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#endif

#endif  // FEDRA_OP_WORKQUEUE_THREAD_ANNOTATIONS_H_
