#include "core/event.h"
#include "core/event_bus.h"
#include "core/handle_table.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

using namespace prl;
using namespace std::chrono_literals;

namespace {

EventPtr numbered(int n) {
    EventData d;
    d.type = PET_DSP_EVT_VM_STATE_CHANGED;
    d.params.push_back(EventParam::int32("n", n));
    return std::make_shared<Event>(std::move(d));
}

// Callbacks run on dispatcher threads, where Catch2 assertions are not
// allowed: they count problems here, and tests check the count at the end.
std::atomic<int> callback_errors{0};

int number_of(PRL_HANDLE h) {
    auto pin = HandleTable::instance().pin(from_handle(h));
    if (!pin) {
        ++callback_errors;
        return -1;
    }
    return std::stoi(static_cast<Event*>(pin.get())->param("n")->text());
}

void free_handle(PRL_HANDLE h) {
    if (!HandleTable::instance().release(from_handle(h))) ++callback_errors;
}

struct Recorder {
    std::mutex mutex;
    std::vector<int> seen;
    std::atomic<int> count{0};
    static PRL_RESULT handler(PRL_HANDLE h, void* self) {
        auto* r = static_cast<Recorder*>(self);
        const int n = number_of(h);
        {
            std::lock_guard<std::mutex> lock(r->mutex);
            r->seen.push_back(n);
        }
        ++r->count;
        free_handle(h);  // each call owns its reference
        return PRL_ERR_SUCCESS;
    }
};

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 10s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

}  // namespace

TEST_CASE("one source's events arrive in order, each with its own reference", "[events]") {
    auto source = std::make_shared<HandlerRegistry>();
    Recorder r;
    REQUIRE(source->add(&Recorder::handler, &r) == PRL_ERR_SUCCESS);
    const std::size_t live_before = HandleTable::instance().live_count();
    for (int i = 0; i < 10000; ++i) EventBus::instance().post(source, numbered(i));
    REQUIRE(eventually([&] { return r.count == 10000; }));
    for (int i = 0; i < 10000; ++i) REQUIRE(r.seen[i] == i);
    REQUIRE(source->remove(&Recorder::handler, &r) == PRL_ERR_SUCCESS);
    REQUIRE(HandleTable::instance().live_count() == live_before);
    REQUIRE(callback_errors == 0);
}

TEST_CASE("bad registrations are refused", "[events]") {
    auto source = std::make_shared<HandlerRegistry>();
    Recorder r;
    REQUIRE(source->add(nullptr, &r) == PRL_ERR_INVALID_ARG);
    REQUIRE(source->remove(&Recorder::handler, &r) == PRL_ERR_SUCCESS);  // not registered: no error, as the original
}

namespace {
struct SelfRemover {
    HandlerRegistryPtr source;
    std::atomic<int> calls{0};
    static PRL_RESULT handler(PRL_HANDLE h, void* self) {
        auto* s = static_cast<SelfRemover*>(self);
        ++s->calls;
        free_handle(h);
        if (s->source->remove(&SelfRemover::handler, self) != PRL_ERR_SUCCESS) ++callback_errors;  // must not deadlock
        return PRL_ERR_SUCCESS;
    }
};
}  // namespace

TEST_CASE("a callback may unregister itself", "[events]") {
    SelfRemover s;
    s.source = std::make_shared<HandlerRegistry>();
    Recorder r;
    s.source->add(&SelfRemover::handler, &s);
    s.source->add(&Recorder::handler, &r);
    for (int i = 0; i < 100; ++i) EventBus::instance().post(s.source, numbered(i));
    REQUIRE(eventually([&] { return r.count == 100; }));
    REQUIRE(s.calls == 1);
    s.source->remove(&Recorder::handler, &r);
    REQUIRE(callback_errors == 0);
}

namespace {
struct Slow {
    std::atomic<bool> inside{false};
    std::atomic<bool> finished{false};
    static PRL_RESULT handler(PRL_HANDLE h, void* self) {
        auto* s = static_cast<Slow*>(self);
        s->inside = true;
        std::this_thread::sleep_for(200ms);
        s->finished = true;
        free_handle(h);
        return PRL_ERR_SUCCESS;
    }
};
}  // namespace

TEST_CASE("unregistering from another thread waits for the call in flight", "[events]") {
    auto source = std::make_shared<HandlerRegistry>();
    Slow slow;
    source->add(&Slow::handler, &slow);
    EventBus::instance().post(source, numbered(1));
    REQUIRE(eventually([&] { return slow.inside.load(); }));
    REQUIRE(source->remove(&Slow::handler, &slow) == PRL_ERR_SUCCESS);
    REQUIRE(slow.finished);  // remove returned only after the callback did
}

TEST_CASE("a slow callback does not hold up another source", "[events]") {
    auto slow_source = std::make_shared<HandlerRegistry>();
    auto fast_source = std::make_shared<HandlerRegistry>();
    Slow slow;
    Recorder r;
    slow_source->add(&Slow::handler, &slow);
    fast_source->add(&Recorder::handler, &r);
    EventBus::instance().post(slow_source, numbered(0));
    REQUIRE(eventually([&] { return slow.inside.load(); }));
    const auto t0 = std::chrono::steady_clock::now();
    EventBus::instance().post(fast_source, numbered(7));
    REQUIRE(eventually([&] { return r.count == 1; }));
    REQUIRE(std::chrono::steady_clock::now() - t0 < 150ms);
    REQUIRE_FALSE(slow.finished);
    slow_source->remove(&Slow::handler, &slow);
    fast_source->remove(&Recorder::handler, &r);
}

TEST_CASE("handlers come and go during a flood of 100,000 events", "[events][stress]") {
    auto source = std::make_shared<HandlerRegistry>();
    Recorder steady;
    source->add(&Recorder::handler, &steady);
    std::atomic<bool> stop{false};
    std::vector<std::thread> churners;
    std::vector<Recorder> transient(4);
    for (int t = 0; t < 4; ++t) {
        churners.emplace_back([&, t] {
            while (!stop) {
                source->add(&Recorder::handler, &transient[t]);
                std::this_thread::yield();
                if (source->remove(&Recorder::handler, &transient[t]) != PRL_ERR_SUCCESS) ++callback_errors;
            }
        });
    }
    for (int i = 0; i < 100000; ++i) EventBus::instance().post(source, numbered(i));
    REQUIRE(eventually([&] { return steady.count == 100000; }, 60s));
    stop = true;
    for (auto& t : churners) t.join();
    for (int i = 0; i < 100000; ++i) REQUIRE(steady.seen[i] == i);
    for (auto& tr : transient) {  // whatever they saw, they saw in order
        for (std::size_t i = 1; i < tr.seen.size(); ++i) REQUIRE(tr.seen[i - 1] < tr.seen[i]);
    }
    source->remove(&Recorder::handler, &steady);
    REQUIRE(callback_errors == 0);
}
