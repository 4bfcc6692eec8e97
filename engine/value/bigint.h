// BigInt: a small arbitrary-precision signed integer for Rego numbers that
// leave the int64 range.
//
// Representation: sign + magnitude, the magnitude a little-endian vector of
// 32-bit limbs with no leading zero limbs (zero is an empty magnitude and is
// never negative). Values are plain copyable objects; a Value shares one
// through its immutable heap node.
//
// Algorithms are schoolbook (O(n*m) multiply, Knuth's algorithm D for
// division): Rego numbers beyond int64 are rare and short, so simplicity wins
// over asymptotics. Division truncates toward zero like Go's big.Int Quo/Rem.
#ifndef FEDRA_VALUE_BIGINT_H_
#define FEDRA_VALUE_BIGINT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fedra {

class BigInt {
 public:
  BigInt() = default;  // zero
  explicit BigInt(int64_t v);
  static BigInt FromUint64(uint64_t v);
  // Exact conversion of a finite, integral double. False otherwise.
  static bool FromDouble(double d, BigInt* out);
  // Optional '-' or '+' then one or more decimal digits, nothing else.
  static bool Parse(std::string_view text, BigInt* out);

  bool is_zero() const { return mag_.empty(); }
  bool negative() const { return neg_; }
  int sign() const { return mag_.empty() ? 0 : (neg_ ? -1 : 1); }
  bool is_odd() const { return !mag_.empty() && (mag_[0] & 1u); }
  const std::vector<uint32_t>& magnitude() const { return mag_; }
  // Number of significant bits of the magnitude (0 for zero).
  size_t BitLength() const;

  // Sets *out when the value fits int64.
  bool FitsInt64(int64_t* out) const;
  // Nearest double (ties to even); +-infinity when out of range.
  double ToDouble() const;

  std::string ToString() const;
  void AppendTo(std::string* out) const;

  // -1, 0, 1.
  static int Compare(const BigInt& a, const BigInt& b);
  // Compares magnitudes only.
  static int CompareMagnitude(const BigInt& a, const BigInt& b);

  BigInt operator-() const;
  BigInt Abs() const;
  friend BigInt operator+(const BigInt& a, const BigInt& b);
  friend BigInt operator-(const BigInt& a, const BigInt& b);
  friend BigInt operator*(const BigInt& a, const BigInt& b);
  friend bool operator==(const BigInt& a, const BigInt& b) {
    return a.neg_ == b.neg_ && a.mag_ == b.mag_;
  }
  friend bool operator<(const BigInt& a, const BigInt& b) { return Compare(a, b) < 0; }

  // Truncated division: q = trunc(a / b), r = a - q*b (r has a's sign).
  // Precondition: !b.is_zero(). Either output may be null.
  static void DivMod(const BigInt& a, const BigInt& b, BigInt* q, BigInt* r);

  // 10^exp. Precondition: exp is reasonable (callers bound it).
  static BigInt Pow10(uint32_t exp);

  size_t Hash() const;

 private:
  using Mag = std::vector<uint32_t>;
  static void Trim(Mag* m);
  static Mag AddMag(const Mag& a, const Mag& b);
  static Mag SubMag(const Mag& a, const Mag& b);  // requires |a| >= |b|
  static Mag MulMag(const Mag& a, const Mag& b);
  static int CmpMag(const Mag& a, const Mag& b);
  static void MulSmallAdd(Mag* m, uint32_t mul, uint32_t add);
  static uint32_t DivSmall(Mag* m, uint32_t div);  // returns remainder
  static void DivModMag(const Mag& a, const Mag& b, Mag* q, Mag* r);
  static BigInt Make(bool neg, Mag mag);

  bool neg_ = false;
  Mag mag_;
};

}  // namespace fedra

#endif  // FEDRA_VALUE_BIGINT_H_
