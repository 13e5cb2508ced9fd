// A byte stream to the other end of a prlshimd connection: a Unix socket
// (plain_channel) or TLS over TCP (tls.h). FramedChannel puts the protocol's
// frames (wire.h) on top of one.
#pragma once
#include "wire.h"

#include "platform/unique_fd.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prl::remote {

class Channel {
public:
    virtual ~Channel() = default;
    // Sends every byte or throws service::Error(connection_lost).
    virtual void write_all(std::string_view bytes) = 0;
    // Waits for at least one byte and returns how many were read (≤ max);
    // 0 at the peer's orderly end of stream. Throws service::Error(connection_lost).
    virtual std::size_t read_some(char* buffer, std::size_t max) = 0;
    // Waits up to `timeout_ms` (forever when negative) until a read_some
    // may find something: bytes, the end of the stream, an error. False on
    // timeout, or when `wake_fd` (if not -1) became readable first. A TLS
    // record still arriving may make that read wait a little.
    virtual bool wait_readable(int timeout_ms, int wake_fd = -1) = 0;
    // Makes blocked and later reads and writes return (0 / throw), from any
    // thread; idempotent. The descriptor is closed by the destructor.
    virtual void shut_down() noexcept = 0;
};

// poll(2) for `events` (POLLIN, POLLOUT) on `fd`, and POLLIN on `wake_fd`
// if not -1, retried on EINTR; true when `fd` is ready, has hung up or
// failed (the next read or write reports it), false on timeout or wake.
bool poll_ready(int fd, short events, int timeout_ms, int wake_fd = -1);

// A connected stream socket used as it is (the Unix socket: the kernel
// vouches for the peer, there is nothing to encrypt).
std::unique_ptr<Channel> plain_channel(platform::UniqueFd fd);

// What a ChannelWatch (channel_watch.h) sees of a channel's traffic: whether
// a receive or a send waits on the peer right now, and the bytes moved.
struct ChannelTraffic {
    bool receiving = false, sending = false;
    std::uint64_t bytes_in = 0, bytes_out = 0;
};

// Frames over a channel. send() may be called from several threads at once
// (an answer and a progress packet); receive() from one reader thread.
class FramedChannel {
public:
    explicit FramedChannel(std::unique_ptr<Channel> channel) : channel_(std::move(channel)) {}
    void send(FrameKind kind, std::string_view payload);
    // One frame whose payload is `parts` one after another, written without
    // joining them (a backup's compressed groups).
    void send_parts(FrameKind kind, const std::vector<std::string>& parts);
    // Several frames of one kind in one write (a sender catching up).
    void send_all(FrameKind kind, const std::vector<std::string>& payloads);
    // The next whole frame (never a keepalive: FrameReader drops them);
    // nullopt at the end of the stream. Throws FrameError on a stream that breaks the framing.
    std::optional<Frame> receive();
    ChannelTraffic traffic() const noexcept {
        return ChannelTraffic{receiving_.load(std::memory_order_relaxed), sending_.load(std::memory_order_relaxed),
                              bytes_in_.load(std::memory_order_relaxed), bytes_out_.load(std::memory_order_relaxed)};
    }
    // Gives a received payload's memory back for a later one (see
    // FrameReader::recycle); for the reading thread only.
    void recycle(std::string payload) { reader_.recycle(std::move(payload)); }
    // receive() has a whole frame already read, and returns it without
    // waiting (for the reading thread only).
    bool frame_buffered() const noexcept { return reader_.has_frame(); }
    // A frame is buffered, or the channel has something to read (see
    // Channel::wait_readable); for the reading thread only.
    bool wait_readable(int timeout_ms, int wake_fd = -1) {
        return reader_.has_frame() || channel_->wait_readable(timeout_ms, wake_fd);
    }
    // The channel alone, not the frames already buffered: safe beside
    // another thread's receive().
    bool wait_bytes(int timeout_ms, int wake_fd = -1) { return channel_->wait_readable(timeout_ms, wake_fd); }
    void shut_down() noexcept { channel_->shut_down(); }

private:
    // Marks a send or a receive in progress for traffic().
    struct Busy {
        std::atomic<bool>& flag;
        explicit Busy(std::atomic<bool>& f) : flag(f) { flag.store(true, std::memory_order_relaxed); }
        ~Busy() { flag.store(false, std::memory_order_relaxed); }
    };
    void write(std::string_view bytes);  // under send_mutex_

    std::unique_ptr<Channel> channel_;
    std::mutex send_mutex_;
    FrameReader reader_;
    std::atomic<bool> receiving_{false}, sending_{false};
    std::atomic<std::uint64_t> bytes_in_{0}, bytes_out_{0};
};

}  // namespace prl::remote
