#include "channel.h"

#include "store/error.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace prl::remote {
namespace {

[[noreturn]] void lost(const char* what, int err) {
    throw service::Error(service::Errc::connection_lost, std::string(what) + ": " + std::strerror(err));
}

class PlainChannel final : public Channel {
public:
    explicit PlainChannel(platform::UniqueFd fd) : fd_(std::move(fd)) {}

    void write_all(std::string_view bytes) override {
        while (!bytes.empty()) {
            // MSG_NOSIGNAL: a closed peer is an error here, not a SIGPIPE.
            const ssize_t n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) continue;
                lost("send", errno);
            }
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
    }

    std::size_t read_some(char* buffer, std::size_t max) override {
        for (;;) {
            const ssize_t n = ::recv(fd_.get(), buffer, max, 0);
            if (n >= 0) return static_cast<std::size_t>(n);
            if (errno == EINTR) continue;
            lost("recv", errno);
        }
    }

    bool wait_readable(int timeout_ms, int wake_fd) override { return poll_ready(fd_.get(), POLLIN, timeout_ms, wake_fd); }

    void shut_down() noexcept override { ::shutdown(fd_.get(), SHUT_RDWR); }

private:
    platform::UniqueFd fd_;
};

}  // namespace

bool poll_ready(int fd, short events, int timeout_ms, int wake_fd) {
    pollfd p[2] = {{fd, events, 0}, {wake_fd, POLLIN, 0}};
    for (;;) {
        const int n = ::poll(p, wake_fd < 0 ? 1 : 2, timeout_ms);
        if (n >= 0) return p[0].revents != 0;
        if (errno != EINTR) return true;  // the next read or write reports it
    }
}

std::unique_ptr<Channel> plain_channel(platform::UniqueFd fd) {
    return std::make_unique<PlainChannel>(std::move(fd));
}

void FramedChannel::write(std::string_view bytes) {
    const Busy busy(sending_);
    channel_->write_all(bytes);
    bytes_out_.fetch_add(bytes.size(), std::memory_order_relaxed);
}

void FramedChannel::send(FrameKind kind, std::string_view payload) {
    // A bulk payload (a backup's blocks) is written as it is, after its
    // header, rather than copied behind it; a small one in one write.
    constexpr std::size_t kCopyBelow = 64 * 1024;
    if (payload.size() >= kCopyBelow) {
        const std::string header = encode_frame_header(kind, payload.size());
        std::lock_guard lock(send_mutex_);
        write(header);
        write(payload);
        return;
    }
    const std::string frame = encode_frame(kind, payload);
    std::lock_guard lock(send_mutex_);
    write(frame);
}

void FramedChannel::send_parts(FrameKind kind, const std::vector<std::string>& parts) {
    std::size_t size = 0;
    for (const auto& p : parts) size += p.size();
    const std::string header = encode_frame_header(kind, size);
    std::lock_guard lock(send_mutex_);
    write(header);
    for (const auto& p : parts) write(p);
}

void FramedChannel::send_all(FrameKind kind, const std::vector<std::string>& payloads) {
    std::string frames;
    for (const auto& p : payloads) frames += encode_frame(kind, p);
    std::lock_guard lock(send_mutex_);
    write(frames);
}

std::optional<Frame> FramedChannel::receive() {
    char buffer[64 * 1024];
    for (;;) {
        if (auto frame = reader_.next()) return frame;
        const Busy busy(receiving_);
        std::size_t n;
        if (reader_.payload_missing() >= sizeof buffer) {
            // A large payload is read straight into its place.
            n = reader_.read_payload([this](char* to, std::size_t max) { return channel_->read_some(to, max); });
        } else {
            n = channel_->read_some(buffer, sizeof buffer);
            if (n != 0) reader_.feed(std::string_view(buffer, n));
        }
        bytes_in_.fetch_add(n, std::memory_order_relaxed);
        if (n == 0) {
            if (reader_.pending_bytes() != 0) throw FrameError("the stream ended inside a frame");
            return std::nullopt;
        }
    }
}

}  // namespace prl::remote
