#include "wire.h"

namespace prl::remote {
namespace {

std::uint32_t read_be32(const std::string& b) {
    return (std::uint32_t{static_cast<unsigned char>(b[0])} << 24) | (std::uint32_t{static_cast<unsigned char>(b[1])} << 16) |
           (std::uint32_t{static_cast<unsigned char>(b[2])} << 8) | std::uint32_t{static_cast<unsigned char>(b[3])};
}

}  // namespace

std::string encode_frame_header(FrameKind kind, std::size_t payload_size) {
    if (payload_size > max_frame_payload) throw FrameError("frame payload too large");
    // The length counts the kind byte and the payload.
    const auto length = static_cast<std::uint32_t>(payload_size + 1);
    std::string out;
    out.reserve(frame_header_bytes);
    for (int shift : {24, 16, 8, 0}) out += static_cast<char>((length >> shift) & 0xFF);
    out += static_cast<char>(kind);
    return out;
}

std::string encode_frame(FrameKind kind, std::string_view payload) {
    std::string out = encode_frame_header(kind, payload.size());
    out.reserve(frame_header_bytes + payload.size());
    out.append(payload);
    return out;
}

void FrameReader::feed(std::string_view bytes) {
    while (!bytes.empty()) {
        if (partial_) {
            const std::size_t take = std::min(bytes.size(), size_ - have_);
            std::string& payload = partial_->payload;
            if (payload.size() < have_ + take) payload.resize(have_ + take);
            payload.replace(have_, take, bytes.data(), take);
            have_ += take;
            bytes.remove_prefix(take);
            if (have_ == size_) complete();
            continue;
        }
        const std::size_t take = std::min(bytes.size(), frame_header_bytes - header_.size());
        header_.append(bytes.data(), take);
        bytes.remove_prefix(take);
        if (header_.size() < frame_header_bytes) return;
        const std::uint32_t length = read_be32(header_);
        const auto kind = static_cast<unsigned char>(header_[4]);
        if (length == 0 || length - 1 > max_frame_payload) throw FrameError("bad frame length");
        if (kind != static_cast<unsigned char>(FrameKind::control) && kind != static_cast<unsigned char>(FrameKind::data) &&
            kind != static_cast<unsigned char>(FrameKind::keepalive))
            throw FrameError("unknown frame kind");
        if (kind == static_cast<unsigned char>(FrameKind::keepalive) && length != 1)
            throw FrameError("a keepalive frame carries nothing");
        header_.clear();
        size_ = length - 1;
        partial_ = Frame{static_cast<FrameKind>(kind), {}};
        if (size_ >= kRecycleFrom) {
            partial_->payload.swap(spare_);  // read_payload grows it if it is too small
            partial_->payload.clear();
        }
        have_ = 0;
        if (size_ == 0) complete();
    }
}

void FrameReader::complete() {
    partial_->payload.resize(size_);
    // A keepalive has done its work by arriving (FramedChannel::traffic).
    if (partial_->kind != FrameKind::keepalive) ready_.push_back(std::move(*partial_));
    partial_.reset();
    size_ = have_ = 0;
}

std::optional<Frame> FrameReader::next() {
    if (ready_.empty()) return std::nullopt;
    Frame f = std::move(ready_.front());
    ready_.pop_front();
    return f;
}

}  // namespace prl::remote
