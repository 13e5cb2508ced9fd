// Ctrl-C: SIGINT and SIGTERM set a flag (async-signal-safe) that waits poll.
#pragma once

namespace prlshim::interrupt {

// Installs the handlers (once).
void install();
// True once SIGINT or SIGTERM arrived.
bool requested();
// Sleeps up to `ms` milliseconds, returning early when a signal arrives.
void sleep_ms(int ms);

}  // namespace prlshim::interrupt
