// Every session of the daemon, for events: an event one client publishes
// goes to every other session, in the order its issuer sent them, without
// waiting for any of them (each has its own bounded outbox).
#pragma once
#include "outbox.h"

#include <mutex>
#include <set>
#include <string>

namespace prl::daemon {

class EventHub {
public:
    void join(Outbox* outbox);
    void leave(Outbox* outbox);
    // Queues the packet on every session's outbox but `from`'s.
    void publish(const Outbox* from, const std::string& packet);
    std::size_t sessions() const;

private:
    mutable std::mutex mutex_;
    std::set<Outbox*> outboxes_;
};

}  // namespace prl::daemon
