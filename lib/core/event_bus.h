// EventBus: delivers events (PHT_EVENT) and finished jobs (PHT_JOB) to the
// callbacks registered on a source — a server, a VM, or any handle that has a
// HandlerRegistry.
//
// Threads (docs/threading.md): callbacks run on the bus's dispatcher threads,
// never on the caller's. Items of one source are delivered one at a time in
// the order they were posted; different sources are delivered in parallel,
// and the pool grows when every dispatcher is busy, so a slow callback delays
// only its own source. Posting never waits for a callback, so job execution is
// never stalled by one. Each call receives its own reference to the item,
// which the callback owns and must free.
#pragma once

#include "object.h"

#include <PrlErrors.h>
#include <PrlTypes.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace prl {

class EventBus;

// The callbacks of one source, and the items waiting for them.
class HandlerRegistry : public std::enable_shared_from_this<HandlerRegistry> {
public:
    // PRL_ERR_INVALID_ARG for a null handler. The same (handler, user data)
    // pair may be registered several times and is then called as often.
    PRL_RESULT add(PRL_EVENT_HANDLER_PTR handler, void* user_data);
    // Removes one registration of the pair (PRL_ERR_INVALID_ARG if there is
    // none). From outside a callback it waits until a call of that handler in
    // flight has returned; from inside any callback it never waits, so a
    // callback may unregister itself or others without deadlock.
    PRL_RESULT remove(PRL_EVENT_HANDLER_PTR handler, void* user_data);
    std::size_t size() const;

private:
    friend class EventBus;
    struct Entry {
        PRL_EVENT_HANDLER_PTR handler;
        void* user_data;
        std::atomic<int> calls{0};
        std::atomic<bool> removed{false};
    };
    using Entries = std::vector<std::shared_ptr<Entry>>;

    mutable std::mutex mutex_;
    std::shared_ptr<const Entries> entries_ = std::make_shared<Entries>();  // copy-on-write
    std::deque<ObjectPtr> pending_;
    bool scheduled_ = false;
};

using HandlerRegistryPtr = std::shared_ptr<HandlerRegistry>;

class EventBus {
public:
    static EventBus& instance();

    // Queues `item` for the callbacks of `source`; returns at once.
    void post(const HandlerRegistryPtr& source, ObjectPtr item);

    // PrlApi_Deinit: drops undelivered items and waits for callbacks in
    // flight (except the caller's own, when called from a callback).
    void quiesce();

    static bool in_callback() noexcept;
    std::size_t dispatcher_count() const;

private:
    EventBus() = default;
    void dispatcher_loop();
    void deliver_batch(const HandlerRegistryPtr& source);
    static void wait_for_calls(const std::shared_ptr<HandlerRegistry::Entry>& entry);
    friend class HandlerRegistry;

    static constexpr std::size_t kMaxDispatchers = 32;
    static constexpr std::size_t kBatch = 256;

    mutable std::mutex mutex_;
    std::condition_variable ready_cv_;
    std::condition_variable idle_cv_;
    std::deque<HandlerRegistryPtr> ready_;
    std::atomic<std::size_t> ready_count_{0};
    std::vector<std::thread> dispatchers_;
    std::size_t busy_ = 0;
    std::atomic<int> parked_{0};
};

}  // namespace prl
