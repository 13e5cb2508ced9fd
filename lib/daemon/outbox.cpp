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
    write_unlocked(lock, {std::move(packet)}, false);
}

bool Outbox::offer_event(std::string packet, bool wake) {
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
            if (!wake) {
                unsignalled_ = true;
                return true;
            }
        }
        unsignalled_ = false;
    }
    ready_.notify_one();
    return accepted;
}

void Outbox::wake() {
    {
        std::lock_guard lock(mutex_);
        if (!unsignalled_) return;
        unsignalled_ = false;
    }
    ready_.notify_one();
}

bool Outbox::overflowed() const {
    std::lock_guard lock(mutex_);
    return overflowed_;
}

void Outbox::write_unlocked(std::unique_lock<std::mutex>& lock, const std::vector<std::string>& packets,
                            bool then_close) {
    busy_ = true;
    lock.unlock();
    bool written = true;
    try {
        channel_.send_all(remote::FrameKind::control, packets);
    } catch (...) {
        written = false;  // the client is gone
    }
    if (!written || then_close) channel_.shut_down();
    lock.lock();
    busy_ = false;
    if (!written) {
        broken_ = true;
        queue_.clear();
        queued_events_ = 0;
    }
    // The sender waits for packets queued meanwhile (or for the end); an
    // answer written here with nothing behind it wakes nobody.
    if (stopping_ || !queue_.empty()) ready_.notify_all();
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
        write_unlocked(lock, batch, overflowed_ && queue_.empty());
    }
}

}  // namespace prl::daemon
