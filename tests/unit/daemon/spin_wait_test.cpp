// remote::spin_until_readable: polls for at most its budget, sees what
// arrives meanwhile, and lets one thread per process poll at a time.
#include "remote/channel.h"
#include "remote/spin_wait.h"

#include <sched.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

using namespace prl::remote;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using prl::platform::UniqueFd;

namespace {

struct Pair {
    Pair() {
        int sv[2];
        REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
        reader = std::make_unique<FramedChannel>(plain_channel(UniqueFd(sv[0])));
        writer = std::make_unique<FramedChannel>(plain_channel(UniqueFd(sv[1])));
    }
    std::unique_ptr<FramedChannel> reader, writer;
};

bool several_processors() {
    cpu_set_t set;
    CPU_ZERO(&set);
    return sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 1;
}

}  // namespace

TEST_CASE("spin wait: true for what arrives within the budget, false after it") {
    Pair p;
    auto t0 = Clock::now();
    CHECK_FALSE(spin_until_readable(*p.reader, 2ms));
    if (several_processors()) CHECK(Clock::now() - t0 >= 2ms);

    std::thread late([&] {
        std::this_thread::sleep_for(1ms);
        p.writer->send(FrameKind::control, "x");
    });
    t0 = Clock::now();
    const bool seen = spin_until_readable(*p.reader, 5s);
    const auto took = Clock::now() - t0;
    late.join();
    if (several_processors()) {
        CHECK(seen);
        CHECK(took < 5s);
    } else {
        CHECK_FALSE(seen);  // a single processor: it never polls
    }
    // Read, and buffered: true at once, whoever else polls.
    REQUIRE(p.reader->receive()->payload == "x");
    p.writer->send(FrameKind::control, "y");
    p.writer->send(FrameKind::control, "z");
    std::this_thread::sleep_for(10ms);
    REQUIRE(p.reader->receive()->payload == "y");
    CHECK(spin_until_readable(*p.reader, 0ms));
}

TEST_CASE("spin wait: a thread finding another polling returns at once") {
    if (!several_processors()) return;  // nobody polls there
    Pair busy, other;
    std::atomic<bool> started{false};
    std::thread poller([&] {
        started = true;
        spin_until_readable(*busy.reader, 300ms);  // nothing comes: it polls its whole budget
    });
    while (!started) std::this_thread::yield();
    std::this_thread::sleep_for(20ms);
    const auto t0 = Clock::now();
    CHECK_FALSE(spin_until_readable(*other.reader, 5s));
    CHECK(Clock::now() - t0 < 200ms);
    poller.join();
}
