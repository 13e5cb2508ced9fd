// Keeps a long conversation (a backup to or from a backup node) honest in
// both directions: a peer that vanished without closing (a host powered
// off, a cable pulled, a process stopped) cannot hold an operation, or the
// locks it holds, forever, and a cancel is honoured while the peer is silent.
//
// While a watch lives it sends a keepalive frame whenever its side has sent
// nothing for `keepalive`, so the peer always hears something; and it shuts
// the channel down when a receive or a send has waited `silence` with no
// byte moving, or when `cancel` becomes true. The blocked call then fails,
// and cut() says why.
#pragma once
#include "channel.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace prl::remote {

struct PeerTimeouts {
    std::chrono::milliseconds silence{120000};
    // Short whatever the silence, so that a peer whose own silence is
    // shorter (each side reads its own setting) still hears us in time. A
    // keepalive costs one small TLS record, and only on a quiet connection.
    std::chrono::milliseconds keepalive{1000};
    // PRLSHIM_BACKUP_NODE_TIMEOUT (seconds of silence, 1..86400), the
    // keepalive a second or a quarter of it, whichever is shorter; the
    // defaults above otherwise.
    static PeerTimeouts from_environment();
};

class ChannelWatch {
public:
    enum class Cut { none, silent, cancelled };

    ChannelWatch(FramedChannel& channel, PeerTimeouts timeouts, const std::atomic<bool>* cancel = nullptr);
    ~ChannelWatch();
    ChannelWatch(const ChannelWatch&) = delete;
    ChannelWatch& operator=(const ChannelWatch&) = delete;

    Cut cut() const noexcept { return cut_.load(); }
    // From now on a cancel no longer cuts: past the point where an
    // operation honours one (a commit on its way).
    void stop_honouring_cancel();
    const PeerTimeouts& timeouts() const noexcept { return timeouts_; }

private:
    void watch();
    void keep_alive();
    bool stopped_for(std::chrono::milliseconds wait);  // true once the watch ends

    FramedChannel& channel_;
    const PeerTimeouts timeouts_;
    std::atomic<Cut> cut_{Cut::none};
    std::mutex mutex_;
    const std::atomic<bool>* cancel_;  // under mutex_
    std::condition_variable cv_;
    bool stop_ = false;
    // Last: started once the rest is ready. Two threads, so that a
    // keepalive stuck behind a full socket never keeps a cut from happening.
    std::thread watcher_, keeper_;
};

}  // namespace prl::remote
