// Shuts a channel down unless the work it guards finishes in time: a peer
// that connects and then says nothing (no login, no answer to one) cannot
// hold a thread forever. Finishing = destroying the deadline.
#pragma once
#include "channel.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace prl::remote {

class ChannelDeadline {
public:
    ChannelDeadline(FramedChannel& channel, std::chrono::milliseconds timeout)
        : thread_([this, &channel, timeout] {
              std::unique_lock lock(mutex_);
              if (!cv_.wait_for(lock, timeout, [this] { return done_; })) channel.shut_down();
          }) {}
    ~ChannelDeadline() {
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }
    ChannelDeadline(const ChannelDeadline&) = delete;
    ChannelDeadline& operator=(const ChannelDeadline&) = delete;

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool done_ = false;
    std::thread thread_;  // last: started once the rest is ready
};

}  // namespace prl::remote
