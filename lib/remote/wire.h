// prlshimd's framing (docs/protocol.md): every message on the TLS or Unix
// stream is a frame: a 4-byte big-endian length of what follows, one byte of
// kind, then the payload. Control frames carry an XML packet (packet.h), data
// frames bulk bytes; a keepalive frame carries nothing and only says the
// peer is there (channel_watch.h), and FramedChannel::receive skips it.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace prl::remote {

enum class FrameKind : std::uint8_t { control = 1, data = 2, keepalive = 3 };

// Bigger frames are a protocol error: a peer cannot make us buffer more.
constexpr std::size_t max_frame_payload = 16u << 20;
constexpr std::size_t frame_header_bytes = 5;  // length (4) + kind (1)

struct Frame {
    FrameKind kind;
    std::string payload;
};

// A stream that breaks the framing: an unknown kind, a length of zero or
// past max_frame_payload, a keepalive with a payload. The connection cannot continue after it.
class FrameError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

std::string encode_frame(FrameKind kind, std::string_view payload);
// The 5 bytes before a frame's payload (encode_frame without the copy).
std::string encode_frame_header(FrameKind kind, std::size_t payload_size);

// Collects bytes as they arrive and gives back whole frames, in order. A
// frame's payload is gathered in its own string, which a reader can also
// fill directly (read_payload), so a large payload is not copied again.
class FrameReader {
public:
    // Throws FrameError as soon as a header is bad (before its payload).
    void feed(std::string_view bytes);
    std::optional<Frame> next();
    // Bytes held that do not make a whole frame yet.
    std::size_t pending_bytes() const noexcept { return header_.size() + (partial_ ? frame_header_bytes + have_ : 0); }
    // A whole frame is there for next().
    bool has_frame() const noexcept { return !ready_.empty(); }
    // A payload string done with, whose memory the next large payload
    // reuses (a bulk transfer then touches no fresh pages a frame).
    void recycle(std::string spare) {
        if (spare.capacity() > spare_.capacity()) spare_ = std::move(spare);
    }
    // The bytes still missing from the payload of the frame being read (0 between frames).
    std::size_t payload_missing() const noexcept { return partial_ ? size_ - have_ : 0; }
    // Reads some of those bytes into their place with `read(char* to, std::size_t max)`,
    // which returns how many it read (0 at the end of the stream); returns that.
    template <class Read>
    std::size_t read_payload(Read&& read) {
        std::string& payload = partial_->payload;
        // Address space for the whole payload at once (no reallocation and
        // copy as it grows), but pages written only as bytes come: memory
        // follows what was received, not what a header announced.
        if (payload.capacity() < size_) payload.reserve(size_);
        if (have_ == payload.size()) payload.resize(std::min(size_, have_ + kGrowBytes));
        const std::size_t n = read(payload.data() + have_, payload.size() - have_);
        have_ += n;
        if (have_ == size_) complete();
        return n;
    }

private:
    static constexpr std::size_t kGrowBytes = 256 * 1024;
    static constexpr std::size_t kRecycleFrom = 64 * 1024;  // smaller payloads get strings of their own

    void complete();

    std::string header_;            // a header's bytes as they come
    std::optional<Frame> partial_;  // the frame whose header is read, its payload filling
    std::size_t size_ = 0, have_ = 0;  // its payload's size, and the bytes of it read
    std::deque<Frame> ready_;
    std::string spare_;  // see recycle()
};

}  // namespace prl::remote
