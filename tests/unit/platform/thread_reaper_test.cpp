// A thread handed to the reaper from its own body is joined by the next one
// handed over: it never runs on unjoined (docs/platform.md).
#include "platform/thread_reaper.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>

using namespace prl::platform;

TEST_CASE("a thread that hands itself over is joined by the next hand-over", "[platform]") {
    auto ended = std::make_shared<std::atomic<bool>>(false);
    std::promise<std::thread*> slot;
    auto slot_ready = slot.get_future().share();
    std::promise<void> handed;
    auto handed_over = handed.get_future();

    std::thread self([ended, slot_ready, &handed] {
        std::thread* me = slot_ready.get();
        reap_later(std::move(*me));
        handed.set_value();
        // Still running after the hand-over: the join below must wait for this.
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        ended->store(true);
    });
    slot.set_value(&self);
    handed_over.wait();
    CHECK_FALSE(self.joinable());

    reap_later(std::thread([] {}));
    CHECK(ended->load());
}
