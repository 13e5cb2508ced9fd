#include "spin_wait.h"

#include <sched.h>

#include <atomic>

namespace prl::remote {
namespace {

bool several_processors() {
    static const bool several = [] {
        cpu_set_t set;
        CPU_ZERO(&set);
        return sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 1;
    }();
    return several;
}

// Whether a thread of this process is polling.
std::atomic<bool> spinning{false};

}  // namespace

bool spin_until_readable(FramedChannel& channel, std::chrono::microseconds budget) {
    if (channel.frame_buffered()) return true;
    if (!several_processors() || spinning.exchange(true, std::memory_order_acquire)) return false;
    const auto until = std::chrono::steady_clock::now() + budget;
    bool readable = false;
    do {
        readable = channel.wait_readable(0);
        if (!readable) sched_yield();
    } while (!readable && std::chrono::steady_clock::now() < until);
    spinning.store(false, std::memory_order_release);
    return readable;
}

}  // namespace prl::remote
