// Go's fmt and strconv formatting, as OPA's sprintf and friends expose them.
//
// OPA implements sprintf(format, args) by handing Go's fmt.Sprintf the
// arguments converted as follows: an integer number that fits int64 becomes a
// Go int, a larger integer a *big.Int, any other number a float64, a string
// stays a string, and every other value becomes its Rego text (so %v of
// [1, "a"] prints `[1, "a"]` and %d of it prints `%!d(string=[1, "a"])`).
// GoSprintf reproduces that, including Go's verbs (%v %s %d %b %o %O %x %X
// %c %q %U %e %E %f %F %g %G %t %T %%), flags (+ - # 0 space), width,
// precision, `*` and explicit argument indexes, and Go's in-band error
// strings (%!d(string=x), %!v(MISSING), %!(EXTRA int=1), %!(NOVERB), ...).
//
// Everything here is pure and thread-safe.
#ifndef FEDRA_BUILTINS_SPRINTF_H_
#define FEDRA_BUILTINS_SPRINTF_H_

#include <span>
#include <string>
#include <string_view>

#include "fedra/value.h"

namespace fedra::builtins {

std::string GoSprintf(std::string_view format, std::span<const Value> args);

// strconv.FormatFloat(v, fmt, prec, 64) for fmt in e E f g G; prec -1 means
// the shortest representation that reads back to v.
std::string GoFormatFloat(double v, char fmt, int prec);

// strconv.Quote (ascii_only: strconv.QuoteToASCII).
std::string GoQuote(std::string_view s, bool ascii_only = false);

}  // namespace fedra::builtins

#endif  // FEDRA_BUILTINS_SPRINTF_H_
