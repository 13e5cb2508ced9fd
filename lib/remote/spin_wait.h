#pragma once

#include "channel.h"

#include <chrono>

namespace prl::remote {

// How long a reader that expects its next packet soon polls for it before it
// sleeps: a caller awaiting a quick call's answer, a session of prlshimd
// whose client makes calls in a row. On a virtual machine a sleeping
// thread's wake-up costs tens of microseconds (here a bare echo between two
// processes takes 50 to 60 us blocking, 5 us polling), several times the
// work of a quick call.
inline constexpr std::chrono::microseconds kQuickPacketSpin{50};

// Polls `channel`, yielding the processor between looks, until it has
// something to read or `budget` has passed; true if it has. The yield keeps
// a polling thread from holding a processor that another runnable thread
// needs (4 client threads polling without it made half the calls per
// second). One thread per process polls at a time, and none on a machine
// with one processor, where it would only keep the other side off it; a
// thread that finds another polling returns false at once.
bool spin_until_readable(FramedChannel& channel, std::chrono::microseconds budget = kQuickPacketSpin);

}  // namespace prl::remote
