// Every session of the daemon, for events: an event one client publishes
// goes to every other session allowed to see it, in the order its issuer
// sent them, without waiting for any of them (each has its own bounded
// outbox).
#pragma once
#include "outbox.h"

#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace prl::daemon {

class EventHub {
public:
    // Whether a session may see an event about the VM with this UUID; none
    // (an admin's session): every event.
    using VmFilter = std::function<bool(const std::string& vm_uuid)>;

    void join(Outbox* outbox, VmFilter may_see = nullptr);
    void leave(Outbox* outbox);
    // Queues the packet on every session's outbox but `from`'s; an event
    // about a VM (`vm_uuid` not empty) only where the session may see it.
    // With `wake` false the senders are told at the next wake_all(), so a
    // publisher with a batch in hand wakes each of them once.
    void publish(const Outbox* from, const std::string& packet, const std::string& vm_uuid = {}, bool wake = true);
    void wake_all();
    std::size_t sessions() const;

private:
    mutable std::mutex mutex_;
    std::map<Outbox*, VmFilter> outboxes_;
};

}  // namespace prl::daemon
