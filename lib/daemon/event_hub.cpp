#include "event_hub.h"

namespace prl::daemon {

void EventHub::join(Outbox* outbox) {
    std::lock_guard lock(mutex_);
    outboxes_.insert(outbox);
}

void EventHub::leave(Outbox* outbox) {
    std::lock_guard lock(mutex_);
    outboxes_.erase(outbox);
}

void EventHub::publish(const Outbox* from, const std::string& packet) {
    // Under the lock so a session cannot leave (and its outbox go) midway;
    // offering only queues, it never waits for a client.
    std::lock_guard lock(mutex_);
    for (Outbox* box : outboxes_)
        if (box != from) box->offer_event(packet);
}

std::size_t EventHub::sessions() const {
    std::lock_guard lock(mutex_);
    return outboxes_.size();
}

}  // namespace prl::daemon
