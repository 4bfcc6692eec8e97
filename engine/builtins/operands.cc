#include "builtins/operands.h"

#include <cmath>
#include <string>

#include "builtins/registry.h"

namespace fedra::builtins {

Status OperandError(int pos, std::string_view what) {
  std::string msg = "operand " + std::to_string(pos) + " ";
  msg += what;
  return Status::TypeError(msg);
}

Status OperandElementError(int pos, const Value& collection, const Value& element,
                           std::string_view want, bool several) {
  std::string_view coll = KindName(collection.kind());
  std::string what = "must be ";
  what += coll;
  if (several) {
    what += " of (any of) ";
    what += want;
  } else {
    what += " of ";
    what += want;
    what += "s";
  }
  what += " but got ";
  what += coll;
  what += " containing ";
  what += KindName(element.kind());
  return OperandError(pos, what);
}

Status ExpectInt(std::span<const Value> args, int index0, int64_t* out) {
  FEDRA_RETURN_IF_ERROR(ExpectNumber(args, index0));
  if (!args[static_cast<size_t>(index0)].AsInt64(out)) {
    return OperandError(index0 + 1, "must be integer number but got floating-point number");
  }
  return Status::OK();
}

Status CheckFinite(const Value& v) {
  if (v.num_rep() == Value::NumRep::kDouble && !std::isfinite(v.double_value())) {
    return Status::BuiltinError("arithmetic result out of range (beyond float64)");
  }
  return Status::OK();
}

Status ResultTooLong() {
  return Status::LimitExceeded("result longer than " + std::to_string(kMaxBuiltStringBytes) +
                               " bytes");
}

}  // namespace fedra::builtins
