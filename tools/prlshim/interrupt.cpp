#include "interrupt.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <ctime>

namespace prlshim::interrupt {
namespace {

std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "flag must be usable from a signal handler");

extern "C" void on_signal(int sig) { g_signal.store(sig, std::memory_order_relaxed); }

}  // namespace

void install() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: a blocking sleep returns at once
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

bool requested() { return g_signal.load(std::memory_order_relaxed) != 0; }

void sleep_ms(int ms) {
    if (requested()) return;
    struct timespec ts {};
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = static_cast<long>(ms % 1000) * 1000000L;
    // A signal delivered to this thread interrupts the sleep (EINTR); one
    // delivered to a library thread is seen at the next poll, 100 ms at most.
    nanosleep(&ts, nullptr);
}

}  // namespace prlshim::interrupt
