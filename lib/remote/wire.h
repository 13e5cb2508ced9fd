// prlshimd's framing (docs/protocol.md): every message on the TLS or Unix
// stream is a frame: a 4-byte big-endian length of what follows, one byte of
// kind, then the payload. Control frames carry an XML packet (packet.h), data
// frames bulk bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace prl::remote {

enum class FrameKind : std::uint8_t { control = 1, data = 2 };

// Bigger frames are a protocol error: a peer cannot make us buffer more.
constexpr std::size_t max_frame_payload = 16u << 20;

struct Frame {
    FrameKind kind;
    std::string payload;
};

// A stream that breaks the framing: an unknown kind, a length of zero or
// past max_frame_payload. The connection cannot continue after it.
class FrameError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

std::string encode_frame(FrameKind kind, std::string_view payload);
// The 5 bytes before a frame's payload (encode_frame without the copy).
std::string encode_frame_header(FrameKind kind, std::size_t payload_size);

// Collects bytes as they arrive and gives back whole frames, in order.
class FrameReader {
public:
    // Throws FrameError as soon as a header is bad (before its payload).
    void feed(std::string_view bytes);
    std::optional<Frame> next();
    // Bytes held that do not make a whole frame yet.
    std::size_t pending_bytes() const noexcept { return buffer_.size(); }
    // A whole frame is there for next().
    bool has_frame() const noexcept { return !ready_.empty(); }

private:
    std::string buffer_;
    std::deque<Frame> ready_;
};

}  // namespace prl::remote
