// Joins threads that cannot join themselves.
//
// An object owning a thread is sometimes destroyed on that very thread (a
// connection whose last owner is a listener its reader calls). Detaching it
// would let the thread outlive everything: exit() could then tear down
// libraries (libxml2's locks) while the thread still unwinds, with no order
// between the two. Handing it here instead keeps every thread joined: by the
// next thread handed over, or at exit, before the libraries' destructors.
#pragma once
#include <thread>

namespace prl::platform {

// Takes a thread that is about to end (its function is returning).
void reap_later(std::thread thread);

}  // namespace prl::platform
