// Process-level signal handling shared by Fedra's daemons (fedra-engine,
// fedra-operator): SIGTERM and SIGINT are blocked in every thread (call
// before starting any) and taken synchronously by the main thread, and
// SIGPIPE is ignored so a peer that hangs up is an I/O error, not a death.
#ifndef FEDRA_SERVER_SIGNALS_H_
#define FEDRA_SERVER_SIGNALS_H_

#include <signal.h>

namespace fedra::server {

// Blocks SIGTERM and SIGINT for this thread and those it starts later;
// ignores SIGPIPE. Returns the blocked set for WaitForTermination.
sigset_t BlockTerminationSignals();
// Waits for SIGTERM or SIGINT; returns which.
int WaitForTermination(const sigset_t& signals);

}  // namespace fedra::server

#endif  // FEDRA_SERVER_SIGNALS_H_
