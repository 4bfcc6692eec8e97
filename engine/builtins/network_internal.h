// Shared pieces of the network-ish builtins (http.send, providers.aws.*,
// uri.*, test.sleep). Internal to engine/builtins.
#ifndef FEDRA_BUILTINS_NETWORK_INTERNAL_H_
#define FEDRA_BUILTINS_NETWORK_INTERNAL_H_

#include "builtins/registry.h"
#include "fedra/status.h"
#include "fedra/value.h"

namespace fedra::builtins {

// OPA's validateHTTPRequestOperand: `req` must be an object whose keys are
// all http.send parameters and that has "method" and "url". Errors are
// eval_type_errors worded as OPA's, "operand POS invalid request
// parameters(s): {...}" then "operand POS missing required request
// parameters(s): {...}".
Status ValidateHttpRequest(const Value& req, int pos);

// A Rego set of strings in OPA's printed form: {"a", "b"}.
Value StringSet(std::vector<Value> names);

// test.sleep's implementation, callable directly by tests while the
// declaration table lacks the name (see RegisterTestBuiltins).
Status TestSleep(Context& ctx, std::span<const Value> args, Value* out);

// Family pieces, each in its own file; RegisterNetwork (http_send.cc) calls them.
void RegisterHttpSend(Registry& r);     // http_send.cc
void RegisterAwsSigV4(Registry& r);     // aws_sigv4.cc
void RegisterUri(Registry& r);          // uri.cc
void RegisterTestBuiltins(Registry& r); // test_builtins.cc

}  // namespace fedra::builtins

#endif  // FEDRA_BUILTINS_NETWORK_INTERNAL_H_
