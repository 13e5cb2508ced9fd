#include "block_map.h"

#include "error.h"

#include <algorithm>
#include <cstring>
#include <fcntl.h>

namespace prl::backup {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "on-disk integers are little-endian");

namespace {

constexpr size_t kEntrySize = 56;
constexpr size_t kTrailerSize = 64;
constexpr char kMapMagic[8] = {'P', 'R', 'L', 'S', 'M', 'A', 'P', '1'};
constexpr size_t kBufEntries = 1024;  // 56 KiB of entries per read or write

void encode(const MapEntry& e, uint8_t* p) {
    const uint32_t flags = e.zero ? 1u : 0u;
    std::memcpy(p, &e.index, 8);
    std::memcpy(p + 8, &e.loc.pack, 8);
    std::memcpy(p + 16, &e.loc.entry, 4);
    std::memcpy(p + 20, &flags, 4);
    std::memcpy(p + 24, e.hash.data(), 32);
}

void decode(const uint8_t* p, MapEntry& e, uint32_t& flags) {
    std::memcpy(&e.index, p, 8);
    std::memcpy(&e.loc.pack, p + 8, 8);
    std::memcpy(&e.loc.entry, p + 16, 4);
    std::memcpy(&flags, p + 20, 4);
    std::memcpy(e.hash.data(), p + 24, 32);
    e.zero = (flags & 1u) != 0;
}

}  // namespace

// ---- MapWriter ----

MapWriter::MapWriter(Storage& storage, const std::string& name, uint64_t logical_size)
    : out_(storage.create(name)), logical_size_(logical_size) {
    buf_.reserve(kBufEntries * kEntrySize);
}

void MapWriter::add(const MapEntry& e) {
    if (have_last_ && e.index <= last_index_) throw Error(Errc::io_error, "internal: map entries out of order");
    have_last_ = true;
    last_index_ = e.index;
    const size_t at = buf_.size();
    buf_.resize(at + kEntrySize);
    encode(e, buf_.data() + at);
    ++count_;
    if (buf_.size() >= kBufEntries * kEntrySize) flush();
}

void MapWriter::flush() {
    if (buf_.empty()) return;
    sha_.update(buf_.data(), buf_.size());
    out_->append(buf_.data(), buf_.size());
    written_ += buf_.size();
    buf_.clear();
}

Digest MapWriter::finish() {
    flush();
    uint8_t trailer[kTrailerSize] = {};
    const uint32_t block_size = kBlockSize;
    std::memcpy(trailer, kMapMagic, 8);
    std::memcpy(trailer + 8, &block_size, 4);
    std::memcpy(trailer + 16, &logical_size_, 8);
    std::memcpy(trailer + 24, &count_, 8);
    sha_.update(trailer, sizeof trailer);
    out_->append(trailer, sizeof trailer);
    written_ += sizeof trailer;
    out_->commit_unsynced();  // the element syncs its directory before its metadata
    out_.reset();
    return sha_.finish();
}

// ---- MapReader ----

MapReader::MapReader(Storage& storage, const std::string& name, const Digest& expected, const std::string& what)
    : what_(what) {
    try {
        in_ = storage.open(name);
    } catch (const Error& e) {
        throw Error(Errc::corrupted, what + ": block map unreadable (" + e.what() + ")");
    }
    if (!in_) throw Error(Errc::corrupted, what + ": block map missing");
    const uint64_t size = in_->size();
    if (size < kTrailerSize || (size - kTrailerSize) % kEntrySize != 0)
        throw Error(Errc::corrupted, what + ": block map has a bad size");
    // Verify the whole file before trusting any of it.
    Sha256 sha;
    std::vector<uint8_t> chunk(1 << 16);
    for (uint64_t off = 0; off < size;) {
        const size_t n = in_->read_at(chunk.data(), chunk.size(), off);
        if (n == 0) throw Error(Errc::corrupted, what + ": block map truncated");
        sha.update(chunk.data(), n);
        off += n;
    }
    if (sha.finish() != expected) throw Error(Errc::corrupted, what + ": block map checksum mismatch");
    uint8_t trailer[kTrailerSize];
    if (in_->read_at(trailer, sizeof trailer, size - kTrailerSize) != sizeof trailer)
        throw Error(Errc::corrupted, what + ": block map truncated");
    uint32_t block_size = 0;
    std::memcpy(&block_size, trailer + 8, 4);
    std::memcpy(&logical_size_, trailer + 16, 8);
    std::memcpy(&count_, trailer + 24, 8);
    if (std::memcmp(trailer, kMapMagic, 8) != 0 || block_size != kBlockSize ||
        count_ != (size - kTrailerSize) / kEntrySize)
        throw Error(Errc::corrupted, what + ": block map header is invalid");
    buf_.resize(kBufEntries * kEntrySize);
}

bool MapReader::fill() {
    if (next_ >= count_) return false;
    const uint64_t n = std::min<uint64_t>(kBufEntries, count_ - next_);
    if (in_->read_at(buf_.data(), n * kEntrySize, next_ * kEntrySize) != n * kEntrySize)
        throw Error(Errc::corrupted, what_ + ": block map truncated");
    buf_pos_ = 0;
    buf_len_ = static_cast<size_t>(n);
    next_ += n;
    return true;
}

const MapEntry* MapReader::peek() {
    if (have_cur_) return &cur_;
    if (buf_pos_ == buf_len_ && !fill()) return nullptr;
    uint32_t flags = 0;
    decode(buf_.data() + buf_pos_ * kEntrySize, cur_, flags);
    ++buf_pos_;
    if ((flags & ~1u) != 0 || (have_last_ && cur_.index <= last_index_) || cur_.index >= blocks_for(logical_size_) ||
        (!cur_.zero && cur_.loc.pack == 0))
        throw Error(Errc::corrupted, what_ + ": block map entry is invalid");
    have_last_ = true;
    last_index_ = cur_.index;
    have_cur_ = true;
    return &cur_;
}

void MapReader::pop() {
    if (!have_cur_) peek();
    have_cur_ = false;
}

// ---- LayeredView ----

LayeredView::LayeredView(std::vector<std::unique_ptr<MapReader>> layers) : layers_(std::move(layers)) {
    cut_.resize(layers_.size());
    uint64_t cut = UINT64_MAX;
    for (size_t i = layers_.size(); i-- > 0;) {
        cut = std::min(cut, blocks_for(layers_[i]->logical_size()));
        cut_[i] = cut;
    }
}

bool LayeredView::advance() {
    for (;;) {
        // The smallest index any layer holds next; the highest layer holding it wins.
        uint64_t idx = UINT64_MAX;
        for (auto& l : layers_)
            if (const MapEntry* e = l->peek()) idx = std::min(idx, e->index);
        if (idx == UINT64_MAX) return false;
        size_t top = 0;
        for (size_t i = 0; i < layers_.size(); ++i)
            if (const MapEntry* e = layers_[i]->peek(); e && e->index == idx) top = i;
        cur_ = *layers_[top]->peek();
        for (auto& l : layers_)
            if (const MapEntry* e = l->peek(); e && e->index == idx) l->pop();
        if (!cur_.zero && idx < cut_[top]) return true;
    }
}

const MapEntry* LayeredView::peek() {
    if (done_) return nullptr;
    if (!have_cur_) {
        if (!advance()) {
            done_ = true;
            return nullptr;
        }
        have_cur_ = true;
    }
    return &cur_;
}

void LayeredView::pop() {
    if (!have_cur_) peek();
    have_cur_ = false;
}

const MapEntry* LayeredView::seek(uint64_t index) {
    for (;;) {
        const MapEntry* e = peek();
        if (!e || e->index > index) return nullptr;
        if (e->index == index) return e;
        pop();
    }
}

void write_delta(EntryStream& from, EntryStream& to, MapWriter& out) {
    for (;;) {
        const MapEntry* a = from.peek();
        const MapEntry* b = to.peek();
        if (!a && !b) return;
        if (b && (!a || b->index < a->index)) {
            out.add(*b);
            to.pop();
        } else if (a && (!b || a->index < b->index)) {
            MapEntry z;
            z.index = a->index;
            z.zero = true;
            out.add(z);
            from.pop();
        } else {
            if (a->hash != b->hash) out.add(*b);
            from.pop();
            to.pop();
        }
    }
}

}  // namespace prl::backup
