// Counts heap allocations made through operator new in this process, for
// `fedra bench`'s allocations-per-evaluation figure. The replacement
// operators (alloc_counter.cc) add one relaxed atomic increment to each
// allocation; nothing else changes.
#ifndef FEDRA_CLI_ALLOC_COUNTER_H_
#define FEDRA_CLI_ALLOC_COUNTER_H_

#include <cstdint>

namespace fedra::cli {

uint64_t AllocationCount();

}  // namespace fedra::cli

#endif  // FEDRA_CLI_ALLOC_COUNTER_H_
