#include "event_hub.h"

namespace prl::daemon {

void EventHub::join(Outbox* outbox, VmFilter may_see) {
    std::lock_guard lock(mutex_);
    outboxes_[outbox] = std::move(may_see);
}

void EventHub::leave(Outbox* outbox) {
    std::lock_guard lock(mutex_);
    outboxes_.erase(outbox);
}

void EventHub::publish(const Outbox* from, const std::string& packet, const std::string& vm_uuid, bool wake) {
    // Under the lock so a session cannot leave (and its outbox go) midway;
    // offering only queues, it never waits for a client.
    std::lock_guard lock(mutex_);
    for (const auto& [box, may_see] : outboxes_) {
        if (box == from) continue;
        if (!vm_uuid.empty() && may_see && !may_see(vm_uuid)) continue;
        box->offer_event(packet, wake);
    }
}

void EventHub::wake_all() {
    std::lock_guard lock(mutex_);
    for (const auto& entry : outboxes_) entry.first->wake();
}

std::size_t EventHub::sessions() const {
    std::lock_guard lock(mutex_);
    return outboxes_.size();
}

}  // namespace prl::daemon
