// UTF-8 encoding shared by every module that turns escapes or code points
// into text (JSON, the Rego lexer, builtins).
#ifndef FEDRA_VALUE_UTF8_H_
#define FEDRA_VALUE_UTF8_H_

#include <string>

namespace fedra {

// Appends the UTF-8 encoding of `cp`. Values that are not Unicode scalar
// values (surrogates, above U+10FFFF) become U+FFFD, as Go's encoder does.
void AppendUtf8(char32_t cp, std::string* out);

}  // namespace fedra

#endif  // FEDRA_VALUE_UTF8_H_
