// Arbitrary-precision integer helpers for the bits.* and units.* builtins.
//
// Bitwise operators follow Go's math/big (which OPA uses): And, Or, Xor and
// Not act on the infinite two's-complement representation, Rsh is an
// arithmetic shift (rounds toward negative infinity) and Lsh keeps the sign.
// BigInt (value/bigint.h) has no bit operations of its own, so these work on
// its magnitude limbs. All functions are pure and thread-safe.
#ifndef FEDRA_BUILTINS_INT_BITS_H_
#define FEDRA_BUILTINS_INT_BITS_H_

#include <cstdint>
#include <vector>

#include "fedra/value.h"
#include "value/bigint.h"

namespace fedra::builtins::intbits {

// The exact integer an integral number Value denotes (int64, BigInt or an
// integral double). False when `v` is not a number or has a fraction.
bool ToBigInt(const Value& v, BigInt* out);

// Builds sign * sum(mag[i] * 2^(32 i)).
BigInt FromMagnitude(bool negative, const std::vector<uint32_t>& mag);

BigInt And(const BigInt& a, const BigInt& b);
BigInt Or(const BigInt& a, const BigInt& b);
BigInt Xor(const BigInt& a, const BigInt& b);
BigInt Not(const BigInt& a);  // -a - 1
// a * 2^n. Callers bound n: the result has BitLength() + n bits.
BigInt Shl(const BigInt& a, uint64_t n);
// floor(a / 2^n).
BigInt Shr(const BigInt& a, uint64_t n);

}  // namespace fedra::builtins::intbits

#endif  // FEDRA_BUILTINS_INT_BITS_H_
