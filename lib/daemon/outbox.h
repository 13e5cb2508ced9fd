// What a session sends, in order: answers, progress and events. An answer
// finding nothing queued is written at once by the thread that has it;
// anything else waits in the queue for the session's sender thread, which
// writes all that has gathered in one go. A client that reads slowly holds
// up only its own session, never a publisher of events. Events are bounded:
// a client that falls behind by more than `max_events` is told so and
// disconnected (docs/daemon.md); answers are bounded by the calls in flight.
#pragma once
#include "remote/channel.h"
#include "remote/deadline.h"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

namespace prl::daemon {

class Outbox {
public:
    Outbox(remote::FramedChannel& channel, std::size_t max_events);
    ~Outbox();  // writes what is queued (unless the channel broke), then stops
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    // A control packet that must reach the client (an answer, progress).
    void send(std::string packet);
    // An event; false when the client has fallen too far behind: the queue
    // is then replaced by a notice, and the connection closes once it is
    // written. Without `wake`, the sender is not told until wake(): a
    // publisher with more events at hand wakes each sender once for them all.
    bool offer_event(std::string packet, bool wake = true);
    void wake();
    bool overflowed() const;

private:
    void run();
    // Writes with the lock released (busy_ keeps others queueing meanwhile);
    // a failed write, or `then_close`, shuts the channel down.
    void write_unlocked(std::unique_lock<std::mutex>& lock, const std::vector<std::string>& packets, bool then_close);

    remote::FramedChannel& channel_;
    const std::size_t max_events_;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::pair<std::string, bool>> queue_;  // packet, is an event
    std::size_t queued_events_ = 0;
    // Started at an overflow: a client that does not even read the notice
    // is cut off anyway.
    std::optional<remote::ChannelDeadline> cut_off_;
    bool stopping_ = false, overflowed_ = false;
    bool busy_ = false;    // a thread is writing to the channel
    bool unsignalled_ = false;  // events queued without waking the sender
    bool broken_ = false;  // a write failed: the client is gone
    std::thread sender_;  // last: started once the rest is ready
};

}  // namespace prl::daemon
