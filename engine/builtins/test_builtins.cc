// test.sleep(duration): OPA's test helper that pauses evaluation for a Go
// duration ("10ms", "1.5s"). Used by OPA's own cases to show that
// time.now_ns() stays fixed for the whole query.
//
// The sleep is cut into short slices and polls Context::check_cancel, so a
// deadline or cancellation ends it promptly; a single call never sleeps
// longer than kMaxSleep, so a policy cannot park an evaluation thread for
// hours when no deadline was set.
#include <algorithm>
#include <chrono>
#include <thread>

#include "builtins/declarations.h"
#include "builtins/go_time.h"
#include "builtins/network_internal.h"
#include "builtins/registry.h"

namespace fedra::builtins {
namespace {

constexpr int64_t kSliceNs = 5'000'000;             // 5 ms between cancellation polls
constexpr int64_t kMaxSleepNs = 60'000'000'000;     // one minute per call

}  // namespace

Status TestSleep(Context& ctx, std::span<const Value> args, Value* out) {
  if (Status st = ExpectString(args, 0); !st.ok()) return st;
  int64_t ns = 0;
  if (Status st = gotime::ParseDuration(args[0].str(), &ns); !st.ok()) {
    return Status::BuiltinError(st.message());
  }
  ns = std::min(ns, kMaxSleepNs);
  const auto end = std::chrono::steady_clock::now() + std::chrono::nanoseconds(std::max<int64_t>(ns, 0));
  for (;;) {
    if (ctx.check_cancel) {
      if (Status st = ctx.check_cancel(); !st.ok()) return st;
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= end) break;
    std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(end - now, std::chrono::nanoseconds(kSliceNs)));
  }
  *out = Value::Null();
  return Status::OK();
}

void RegisterTestBuiltins(Registry& r) {
  // test.sleep is not in OPA's capabilities.json; it is registered once the
  // declaration table knows it, so the registry and the declarations (checked
  // against each other by declarations_test) never disagree.
  if (FindDeclaration("test.sleep") != nullptr) r.Add("test.sleep", 1, TestSleep);
}

}  // namespace fedra::builtins
