// A subset of Go's text/template, for strings.render_template.
//
// Supported: text and {{actions}} with {{- / -}} whitespace trimming and
// {{/* comments */}}; operands `.`, `.a.b`, `$`, `$x`, `$x.a`, string /
// number / boolean / nil literals; the functions eq, ne, lt, le, gt, ge, not,
// and, or, len, index, print; pipelines with `|`; {{if}} / {{else if}} /
// {{else}}, {{range}} (optionally `$v :=` or `$i, $v :=`) with {{else}},
// {{with}}, variable declarations and assignments, {{end}}.
//
// Values print as Go prints OPA's JSON-converted data (%v): strings raw,
// arrays as [a b], objects as map[k:v], null as <nil>. A key missing from
// the data prints as "<undefined>", as OPA does.
//
// Errors (bad syntax, wrong operand types) are eval_builtin_error statuses.
// Nesting depth and output size are bounded; the renderer is thread-safe.
#ifndef FEDRA_BUILTINS_TEMPLATE_H_
#define FEDRA_BUILTINS_TEMPLATE_H_

#include <string>
#include <string_view>

#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::builtins {

Status RenderGoTemplate(std::string_view tpl, const Value& data, std::string* out);

}  // namespace fedra::builtins

#endif  // FEDRA_BUILTINS_TEMPLATE_H_
