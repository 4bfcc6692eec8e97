// Rego annotations: `# METADATA` comment blocks holding YAML, as OPA reads
// them (https://www.openpolicyagent.org/docs/policy-language#annotations).
//
//   # METADATA
//   # title: Allow admins
//   # authors:
//   # - Jane Doe <jane@example.com>
//   allow if { ... }
//
// A block starts at a comment whose text (after `#`, trimmed) begins with
// "METADATA" and continues with the comments on the following lines that
// start in column 1. Each continuation line loses one leading space; the
// lines form a YAML document whose keys are OPA's: scope, title,
// description, entrypoint, organizations, related_resources, authors,
// schemas, custom (unknown keys are ignored, as in OPA).
//
// The block is attached to the first statement (package, import or rule)
// that starts on a later line. A block without `scope` gets "rule" on a rule
// ("document" when `entrypoint: true`) and "package" on a package. Blocks on
// imports, unknown scopes and scopes on the wrong statement are
// rego_parse_errors at the `# METADATA` line, with OPA's messages.
//
// The parser calls AttachAnnotations after a module parsed cleanly; modules
// without the word METADATA cost one substring search.
#ifndef FEDRA_SYNTAX_ANNOTATIONS_H_
#define FEDRA_SYNTAX_ANNOTATIONS_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "fedra/status.h"
#include "syntax/ast.h"

namespace fedra::syntax {

// A `#` comment of a source file.
struct SourceComment {
  std::string_view text;  // after the '#', without the line end (and a trailing '\r')
  uint32_t line = 0;
  uint32_t col = 0;       // of the '#', in code points
};

// All comments of `source`, in order. `source` must lex cleanly (a module
// that parsed); on a lexical error returns that error.
Status ScanComments(std::string_view source, std::string_view file,
                    std::vector<SourceComment>* out);

// Finds the METADATA blocks of `source` (the text `module` was parsed from),
// parses them and appends each to module->annotations or to its rule's
// annotations (ast::Annotation::value is the object rego.metadata.rule()
// returns, "scope" included).
Status AttachAnnotations(std::string_view source, std::string_view file, ast::Module* module);

}  // namespace fedra::syntax

#endif  // FEDRA_SYNTAX_ANNOTATIONS_H_
