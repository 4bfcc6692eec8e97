// bits.and, bits.or, bits.xor, bits.negate, bits.lsh, bits.rsh.
//
// OPA computes these on math/big integers, so results may leave the int64
// range (bits.lsh(9223372036854775807, 1) is exact). Operands must be
// integral numbers; an integral float such as 4.0 is accepted, as in OPA.
#include <cstdint>
#include <string>

#include "builtins/int_bits.h"
#include "builtins/operands.h"
#include "builtins/registry.h"

namespace fedra::builtins {
namespace {

// A left shift whose result would exceed this many bits is refused: OPA
// would try to allocate it, but a policy never needs a number that large.
constexpr uint64_t kMaxShiftResultBits = 1 << 16;

// OPA's BigIntOperand.
Status IntegerOperand(std::span<const Value> args, int index0, BigInt* out) {
  const Value& v = args[static_cast<size_t>(index0)];
  if (!v.is_number()) return OperandTypeError(index0 + 1, v, "integer");
  if (!intbits::ToBigInt(v, out)) {
    return OperandError(index0 + 1, "must be integer number but got floating-point number");
  }
  return Status::OK();
}

// The shift count as uint64, saturated (a count beyond 2^64 shifts every
// bit out just the same).
Status ShiftOperand(std::span<const Value> args, uint64_t* out) {
  BigInt n;
  FEDRA_RETURN_IF_ERROR(IntegerOperand(args, 1, &n));
  if (n.negative()) {
    return OperandError(2, "must be an unsigned integer number but got a negative integer");
  }
  int64_t small;
  *out = n.FitsInt64(&small) ? static_cast<uint64_t>(small) : UINT64_MAX;
  return Status::OK();
}

template <int64_t (*Fast)(int64_t, int64_t), BigInt (*Slow)(const BigInt&, const BigInt&)>
Status Binary(Context&, std::span<const Value> args, Value* out) {
  BigInt a, b;
  FEDRA_RETURN_IF_ERROR(IntegerOperand(args, 0, &a));
  FEDRA_RETURN_IF_ERROR(IntegerOperand(args, 1, &b));
  int64_t x, y;
  if (a.FitsInt64(&x) && b.FitsInt64(&y)) {
    // Sign-extended int64 operands give an int64 result for and/or/xor.
    *out = Value::Int(Fast(x, y));
  } else {
    *out = Value::Big(Slow(a, b));
  }
  return Status::OK();
}

int64_t AndFast(int64_t x, int64_t y) { return x & y; }
int64_t OrFast(int64_t x, int64_t y) { return x | y; }
int64_t XorFast(int64_t x, int64_t y) { return x ^ y; }

Status Negate(Context&, std::span<const Value> args, Value* out) {
  BigInt a;
  FEDRA_RETURN_IF_ERROR(IntegerOperand(args, 0, &a));
  int64_t x;
  *out = a.FitsInt64(&x) ? Value::Int(~x) : Value::Big(intbits::Not(a));
  return Status::OK();
}

Status ShiftLeft(Context&, std::span<const Value> args, Value* out) {
  BigInt a;
  uint64_t n;
  FEDRA_RETURN_IF_ERROR(IntegerOperand(args, 0, &a));
  FEDRA_RETURN_IF_ERROR(ShiftOperand(args, &n));
  if (a.is_zero()) {
    *out = Value::Int(0);
    return Status::OK();
  }
  if (n > kMaxShiftResultBits || a.BitLength() + n > kMaxShiftResultBits) {
    return Status::LimitExceeded("operand 2: shift by " + std::to_string(n) +
                                 " would exceed the limit of " +
                                 std::to_string(kMaxShiftResultBits) + " result bits");
  }
  int64_t x;
  if (a.FitsInt64(&x) && n < 63) {
    __int128 r = static_cast<__int128>(x) * (static_cast<__int128>(1) << n);
    if (r >= INT64_MIN && r <= INT64_MAX) {
      *out = Value::Int(static_cast<int64_t>(r));
      return Status::OK();
    }
  }
  *out = Value::Big(intbits::Shl(a, n));
  return Status::OK();
}

Status ShiftRight(Context&, std::span<const Value> args, Value* out) {
  BigInt a;
  uint64_t n;
  FEDRA_RETURN_IF_ERROR(IntegerOperand(args, 0, &a));
  FEDRA_RETURN_IF_ERROR(ShiftOperand(args, &n));
  int64_t x;
  if (a.FitsInt64(&x)) {
    // Arithmetic shift; shifting 63 or more leaves only the sign.
    *out = Value::Int(n >= 63 ? (x < 0 ? -1 : 0) : (x >> n));
  } else {
    *out = Value::Big(intbits::Shr(a, n));
  }
  return Status::OK();
}

}  // namespace

void RegisterBits(Registry& r) {
  r.Add("bits.and", 2, Binary<AndFast, intbits::And>);
  r.Add("bits.or", 2, Binary<OrFast, intbits::Or>);
  r.Add("bits.xor", 2, Binary<XorFast, intbits::Xor>);
  r.Add("bits.negate", 1, Negate);
  r.Add("bits.lsh", 2, ShiftLeft);
  r.Add("bits.rsh", 2, ShiftRight);
}

}  // namespace fedra::builtins
