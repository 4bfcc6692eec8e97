// Comparing actual results with a case's want_result, as OPA's runner does.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "fedra/engine.h"
#include "tools/conformance.h"
#include "value/json.h"

namespace fedra::tools {
namespace {

constexpr size_t kMaxShown = 400;  // bytes of a value shown in a reason

std::string Shorten(std::string s) {
  if (s.size() > kMaxShown) {
    s.resize(kMaxShown);
    s += "...";
  }
  return s;
}

// JSON-shaped copy of a value, as OPA's runner sees results (ast.JSON): sets
// become sorted arrays, non-string object keys become their JSON text.
Value JsonShaped(const Value& v) {
  Value out;
  if (ParseJson(ToJson(v), &out, "result").ok()) return out;
  return v;
}

}  // namespace

Value BindingsToValue(const Result& r, bool sort_bindings, bool ignore_generated_vars) {
  std::vector<ObjectEntry> entries;
  entries.reserve(r.bindings.size());
  for (const auto& [name, value] : r.bindings) {
    if (ignore_generated_vars && name.rfind("__localq", 0) == 0) continue;
    Value v = JsonShaped(value);
    if (sort_bindings && v.is_array()) {
      std::vector<Value> items(v.array().begin(), v.array().end());
      std::stable_sort(items.begin(), items.end(), ValueLess());
      v = Value::Array(std::move(items));
    }
    entries.emplace_back(Value::String(name), std::move(v));
  }
  return Value::Object(std::move(entries));
}

std::string CompareResults(const std::vector<Value>& want, const ResultSet& got, bool sort_bindings,
                           bool ignore_generated_vars) {
  std::vector<Value> got_rows;
  got_rows.reserve(got.results.size());
  for (const Result& r : got.results) {
    got_rows.push_back(BindingsToValue(r, sort_bindings, ignore_generated_vars));
  }
  Value want_set = Value::Set(want);
  Value got_set = Value::Set(std::move(got_rows));
  if (want_set == got_set) return "";
  if (got_set.empty()) return "undefined, want " + Shorten(ToJson(want_set));
  if (want_set.empty()) return "want undefined, got " + Shorten(ToJson(got_set));
  std::string reason;
  for (const Value& w : want_set.set()) {
    if (!got_set.Contains(w)) {
      reason = "missing " + Shorten(ToJson(w));
      break;
    }
  }
  for (const Value& g : got_set.set()) {
    if (!want_set.Contains(g)) {
      reason += (reason.empty() ? "" : "; ") + ("unexpected " + Shorten(ToJson(g)));
      break;
    }
  }
  return reason + " (want " + std::to_string(want_set.size()) + " result(s), got " +
         std::to_string(got_set.size()) + ")";
}

}  // namespace fedra::tools
