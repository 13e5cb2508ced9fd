#include "outbox.h"

#include "remote/packet.h"
#include "remote/record.h"

namespace prl::daemon {

Outbox::Outbox(remote::FramedChannel& channel, std::size_t max_events)
    : channel_(channel), max_events_(max_events), sender_([this] { run(); }) {}

Outbox::~Outbox() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    ready_.notify_all();
    sender_.join();
    cut_off_.reset();
}

void Outbox::send(std::string packet) {
    {
        std::lock_guard lock(mutex_);
        if (overflowed_) return;  // the connection is closing
        queue_.emplace_back(std::move(packet), false);
    }
    ready_.notify_one();
}

bool Outbox::offer_event(std::string packet) {
    {
        std::lock_guard lock(mutex_);
        if (overflowed_) return false;
        if (queued_events_ >= max_events_) {
            overflowed_ = true;
            queue_.clear();
            remote::Record notice("closing");
            notice.add("reason", "the client fell behind by more than " + std::to_string(max_events_) + " events");
            queue_.emplace_back(remote::packet_xml(remote::Packet{"0", remote::protocol_version, false, false,
                                                                  "closing", "prlshimd", notice.xml()}),
                                false);
            queued_events_ = 0;
            cut_off_.emplace(channel_, std::chrono::seconds(2));
        } else {
            queue_.emplace_back(std::move(packet), true);
            ++queued_events_;
        }
    }
    ready_.notify_one();
    return !overflowed();
}

bool Outbox::overflowed() const {
    std::lock_guard lock(mutex_);
    return overflowed_;
}

void Outbox::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, all written
        auto [packet, is_event] = std::move(queue_.front());
        queue_.pop_front();
        if (is_event) --queued_events_;
        const bool closing = overflowed_ && queue_.empty();
        lock.unlock();
        try {
            channel_.send(remote::FrameKind::control, packet);
        } catch (...) {
            channel_.shut_down();  // the client is gone: nothing more can be written
            lock.lock();
            queue_.clear();
            continue;
        }
        if (closing) channel_.shut_down();
        lock.lock();
    }
}

}  // namespace prl::daemon
