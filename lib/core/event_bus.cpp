#include "event_bus.h"

#include "handle_table.h"
#include "log.h"

#include <algorithm>
#include <chrono>

namespace prl {
namespace {

thread_local int callback_depth = 0;  // > 0 while this thread runs a callback

std::mutex& calls_mutex() {
    static std::mutex m;
    return m;
}
std::condition_variable& calls_done() {
    static std::condition_variable cv;
    return cv;
}

constexpr auto kSpinBeforePark = std::chrono::microseconds(100);

}  // namespace

PRL_RESULT HandlerRegistry::add(PRL_EVENT_HANDLER_PTR handler, void* user_data) {
    if (!handler) return PRL_ERR_INVALID_ARG;
    auto entry = std::make_shared<Entry>();
    entry->handler = handler;
    entry->user_data = user_data;
    std::lock_guard<std::mutex> lock(mutex_);
    auto next = std::make_shared<Entries>(*entries_);
    next->push_back(std::move(entry));
    entries_ = std::move(next);
    return PRL_ERR_SUCCESS;
}

PRL_RESULT HandlerRegistry::remove(PRL_EVENT_HANDLER_PTR handler, void* user_data) {
    if (!handler) return PRL_ERR_INVALID_ARG;
    std::shared_ptr<Entry> removed;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        auto next = std::make_shared<Entries>(*entries_);
        auto it = std::find_if(next->begin(), next->end(), [&](const std::shared_ptr<Entry>& e) {
            return e->handler == handler && e->user_data == user_data;
        });
        // As the original: removing a handler that is not registered (never
        // was, other user data, already removed) is not an error.
        if (it == next->end()) return PRL_ERR_SUCCESS;
        removed = *it;
        next->erase(it);
        entries_ = std::move(next);
    }
    removed->removed.store(true, std::memory_order_seq_cst);
    if (!EventBus::in_callback()) EventBus::wait_for_calls(removed);
    return PRL_ERR_SUCCESS;
}

std::size_t HandlerRegistry::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_->size();
}

EventBus& EventBus::instance() {
    static EventBus* bus = new EventBus;  // dispatchers park forever; never destroyed
    return *bus;
}

bool EventBus::in_callback() noexcept { return callback_depth > 0; }

std::size_t EventBus::dispatcher_count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return dispatchers_.size();
}

void EventBus::wait_for_calls(const std::shared_ptr<HandlerRegistry::Entry>& entry) {
    if (entry->calls.load(std::memory_order_seq_cst) == 0) return;
    std::unique_lock<std::mutex> lock(calls_mutex());
    calls_done().wait(lock, [&] { return entry->calls.load(std::memory_order_seq_cst) == 0; });
}

void EventBus::post(const HandlerRegistryPtr& source, ObjectPtr item) {
    {
        std::lock_guard<std::mutex> lock(source->mutex_);
        if (source->entries_->empty()) return;  // nobody listens: nothing to deliver
        source->pending_.push_back(std::move(item));
        if (source->scheduled_) return;  // its dispatcher will take this one too
        source->scheduled_ = true;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.push_back(source);
    ready_count_.fetch_add(1, std::memory_order_release);
    const std::size_t idle = dispatchers_.size() - busy_;
    if (idle == 0 && dispatchers_.size() < kMaxDispatchers) {
        ++busy_;
        dispatchers_.emplace_back([this] { dispatcher_loop(); });
        return;
    }
    if (parked_.load(std::memory_order_acquire) > 0) {
        lock.unlock();
        ready_cv_.notify_one();
    }
}

void EventBus::dispatcher_loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    --busy_;
    for (;;) {
        if (ready_.empty()) {
            lock.unlock();
            const auto until = std::chrono::steady_clock::now() + kSpinBeforePark;
            while (ready_count_.load(std::memory_order_acquire) == 0 && std::chrono::steady_clock::now() < until)
                std::this_thread::yield();
            lock.lock();
            if (ready_.empty()) {
                if (busy_ == 0) idle_cv_.notify_all();
                parked_.fetch_add(1, std::memory_order_acq_rel);
                ready_cv_.wait(lock, [this] { return !ready_.empty(); });
                parked_.fetch_sub(1, std::memory_order_acq_rel);
            }
            continue;
        }
        HandlerRegistryPtr source = std::move(ready_.front());
        ready_.pop_front();
        ready_count_.fetch_sub(1, std::memory_order_relaxed);
        ++busy_;
        lock.unlock();
        deliver_batch(source);
        lock.lock();
        --busy_;
    }
}

void EventBus::deliver_batch(const HandlerRegistryPtr& source) {
    std::vector<ObjectPtr> batch;
    std::shared_ptr<const HandlerRegistry::Entries> entries;
    {
        std::lock_guard<std::mutex> lock(source->mutex_);
        const std::size_t n = std::min(kBatch, source->pending_.size());
        batch.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            batch.push_back(std::move(source->pending_.front()));
            source->pending_.pop_front();
        }
        entries = source->entries_;
    }
    HandleTable& table = HandleTable::instance();
    ++callback_depth;
    for (const ObjectPtr& item : batch) {
        for (const auto& entry : *entries) {
            entry->calls.fetch_add(1, std::memory_order_seq_cst);
            if (!entry->removed.load(std::memory_order_seq_cst)) {
                try {
                    const PRL_HANDLE h = to_handle(table.issue(item));
                    entry->handler(h, entry->user_data);
                } catch (...) {
                    log::error("event delivery failed: could not give the item a handle");
                }
            }
            if (entry->calls.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
                entry->removed.load(std::memory_order_seq_cst)) {
                std::lock_guard<std::mutex> lock(calls_mutex());
                calls_done().notify_all();
            }
        }
        // Handlers registered or removed by a callback apply from the next item on.
        std::lock_guard<std::mutex> lock(source->mutex_);
        entries = source->entries_;
    }
    --callback_depth;
    bool more;
    {
        std::lock_guard<std::mutex> lock(source->mutex_);
        more = !source->pending_.empty();
        if (!more) source->scheduled_ = false;
    }
    if (more) {  // round-robin: let other sources go before this one's next batch
        std::lock_guard<std::mutex> lock(mutex_);
        ready_.push_back(source);
        ready_count_.fetch_add(1, std::memory_order_release);
    }
}

void EventBus::quiesce() {
    std::deque<HandlerRegistryPtr> dropped;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        dropped.swap(ready_);
        ready_count_.store(0, std::memory_order_relaxed);
    }
    for (auto& source : dropped) {
        std::lock_guard<std::mutex> lock(source->mutex_);
        source->pending_.clear();
        source->scheduled_ = false;
    }
    if (in_callback()) return;  // our own dispatcher is busy with us: do not wait for it
    std::unique_lock<std::mutex> lock(mutex_);
    idle_cv_.wait(lock, [this] { return busy_ == 0; });
}

}  // namespace prl
