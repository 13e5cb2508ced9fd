#include "channel_watch.h"

#include <algorithm>
#include <cstdlib>
#include <string>

namespace prl::remote {

namespace {
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
}  // namespace

PeerTimeouts PeerTimeouts::from_environment() {
    PeerTimeouts t;
    if (const char* text = std::getenv("PRLSHIM_BACKUP_NODE_TIMEOUT")) {
        char* end = nullptr;
        const unsigned long seconds = std::strtoul(text, &end, 10);
        if (end != text && *end == '\0' && seconds >= 1 && seconds <= 86400) {
            t.silence = milliseconds(seconds * 1000);
            t.keepalive = std::min(t.keepalive, t.silence / 4);
        }
    }
    return t;
}

ChannelWatch::ChannelWatch(FramedChannel& channel, PeerTimeouts timeouts, const std::atomic<bool>* cancel)
    : channel_(channel),
      timeouts_(timeouts),
      cancel_(cancel),
      watcher_([this] { watch(); }),
      keeper_([this] { keep_alive(); }) {}

ChannelWatch::~ChannelWatch() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    cv_.notify_all();
    watcher_.join();
    keeper_.join();
}

void ChannelWatch::stop_honouring_cancel() {
    std::lock_guard lock(mutex_);
    cancel_ = nullptr;
}

bool ChannelWatch::stopped_for(milliseconds wait) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, wait, [this] { return stop_; });
}

void ChannelWatch::watch() {
    // Often enough to stop a cancelled operation within a second, and to
    // cut a silent peer close to its time.
    const milliseconds tick = std::clamp(timeouts_.silence / 8, milliseconds(10), milliseconds(100));
    ChannelTraffic seen = channel_.traffic();
    Clock::time_point still_since = Clock::now();
    bool was_waiting = false;
    while (!stopped_for(tick)) {
        {
            std::lock_guard lock(mutex_);  // not while stop_honouring_cancel runs
            if (cancel_ && cancel_->load()) {
                cut_ = Cut::cancelled;
                channel_.shut_down();
                return;
            }
        }
        const ChannelTraffic now = channel_.traffic();
        // A receive waits on the peer's bytes (its keepalives count, ours
        // do not); a send on the peer taking ours. Silence counts only
        // while this side waits: a source reading its disk owes the node
        // nothing but keepalives.
        const bool waiting = now.receiving || now.sending;
        const bool moved = now.receiving ? now.bytes_in != seen.bytes_in : now.bytes_out != seen.bytes_out;
        seen = now;
        // A wait is timed from the first tick that sees it, never from
        // before it began: the cut comes no sooner than the silence.
        const bool wait_begins = waiting && !was_waiting;
        was_waiting = waiting;
        if (moved || !waiting || wait_begins) {
            still_since = Clock::now();
        } else if (Clock::now() - still_since >= timeouts_.silence) {
            cut_ = Cut::silent;
            channel_.shut_down();
            return;
        }
    }
}

void ChannelWatch::keep_alive() {
    const milliseconds tick = std::clamp(timeouts_.keepalive / 4, milliseconds(5), milliseconds(1000));
    std::uint64_t sent = channel_.traffic().bytes_out;
    Clock::time_point quiet_since = Clock::now();
    while (!stopped_for(tick)) {
        const std::uint64_t now = channel_.traffic().bytes_out;
        if (now != sent) {
            sent = now;
            quiet_since = Clock::now();
            continue;
        }
        if (Clock::now() - quiet_since < timeouts_.keepalive) continue;
        // A side reading what the peer sends owes it nothing: the peer's
        // watch sees its own sends taken. (Through a long restore stream,
        // the node, which reads only at the end, would gather them.)
        if (channel_.traffic().receiving) continue;
        try {
            channel_.send(FrameKind::keepalive, {});
        } catch (...) {
            return;  // the connection is gone: whoever uses it finds out
        }
        sent = channel_.traffic().bytes_out;
        quiet_since = Clock::now();
    }
}

}  // namespace prl::remote
