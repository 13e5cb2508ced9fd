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
    std::unique_lock lock(mutex_);
    if (overflowed_ || broken_) return;  // the connection is closing
    if (busy_ || !queue_.empty()) {
        queue_.emplace_back(std::move(packet), false);
        ready_.notify_all();
        return;
    }
    // Nothing ahead of it: written now, saving the hand-over to the sender.
    busy_ = true;
    lock.unlock();
    const bool written = write({std::move(packet)});
    lock.lock();
    busy_ = false;
    if (!written) {
        broken_ = true;
        queue_.clear();
        queued_events_ = 0;
    }
    ready_.notify_all();
}

bool Outbox::offer_event(std::string packet) {
    bool accepted = true;
    {
        std::lock_guard lock(mutex_);
        if (overflowed_ || broken_) return false;
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
            accepted = false;
        } else {
            queue_.emplace_back(std::move(packet), true);
            ++queued_events_;
        }
    }
    ready_.notify_one();
    return accepted;
}

bool Outbox::overflowed() const {
    std::lock_guard lock(mutex_);
    return overflowed_;
}

bool Outbox::write(const std::vector<std::string>& packets) noexcept {
    try {
        channel_.send_all(remote::FrameKind::control, packets);
        return true;
    } catch (...) {
        channel_.shut_down();  // nothing more can be written: the session ends
        return false;
    }
}

void Outbox::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        ready_.wait(lock, [this] { return (stopping_ && !busy_) || (!busy_ && !queue_.empty()); });
        if (queue_.empty()) return;  // stopping, all written
        // Everything gathered, up to about 1 MiB, in one write.
        std::vector<std::string> batch;
        std::size_t bytes = 0;
        while (!queue_.empty() && bytes < (1u << 20)) {
            auto [packet, is_event] = std::move(queue_.front());
            queue_.pop_front();
            if (is_event) --queued_events_;
            bytes += packet.size();
            batch.push_back(std::move(packet));
        }
        const bool closing = overflowed_ && queue_.empty();
        busy_ = true;
        lock.unlock();
        const bool written = write(batch);
        if (written && closing) channel_.shut_down();
        lock.lock();
        busy_ = false;
        if (!written) {
            broken_ = true;
            queue_.clear();
            queued_events_ = 0;
        }
        ready_.notify_all();
    }
}

}  // namespace prl::daemon
