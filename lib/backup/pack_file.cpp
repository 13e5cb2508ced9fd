#include "pack_file.h"

#include "error.h"
#include "zstd_context.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zstd.h>

namespace prl::backup {

namespace {

constexpr char kHeadMagic[8] = {'P', 'R', 'L', 'S', 'P', 'A', 'K', '1'};
constexpr char kFootMagic[8] = {'P', 'R', 'L', 'S', 'P', 'K', 'E', '1'};
constexpr uint32_t kFrameMagic = 0x4d524650;  // "PFRM"
constexpr size_t kHeadSize = 32, kFootSize = 32, kFrameHead = 16;
constexpr uint32_t kFrameZstd = 1;
constexpr uint32_t kWindow = 512;  // table rows cached per reader

void encode_entry(const PackEntry& e, uint8_t* p) {
    std::memcpy(p, e.hash.data(), 32);
    std::memcpy(p + 32, &e.frame_off, 8);
    std::memcpy(p + 40, &e.frame_len, 4);
    std::memcpy(p + 44, &e.slot, 2);
    std::memcpy(p + 46, &e.flags, 2);
}

}  // namespace

void decode_pack_entry(const uint8_t* p, PackEntry& e) {
    std::memcpy(e.hash.data(), p, 32);
    std::memcpy(&e.frame_off, p + 32, 8);
    std::memcpy(&e.frame_len, p + 40, 4);
    std::memcpy(&e.slot, p + 44, 2);
    std::memcpy(&e.flags, p + 46, 2);
}

std::string pack_file_name(uint64_t id) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%016llx.pack", static_cast<unsigned long long>(id));
    return buf;
}

bool parse_pack_file_name(const std::string& name, uint64_t& id) {
    if (name.size() != 21 || name.compare(16, 5, ".pack") != 0) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < 16; ++i) {
        const char c = name[i];
        int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
        if (d < 0) return false;
        v = v * 16 + static_cast<uint64_t>(d);
    }
    id = v;
    return v != 0;
}

// ---- PackWriter ----

PackWriter::PackWriter(Storage& storage, const std::string& dir, uint64_t id)
    : out_(storage.create(dir + "/" + pack_file_name(id))), name_(pack_file_name(id)), id_(id) {
    uint8_t head[kHeadSize] = {};
    const uint32_t version = 1;
    std::memcpy(head, kHeadMagic, 8);
    std::memcpy(head + 8, &id_, 8);
    std::memcpy(head + 16, &version, 4);
    out_->write_at(head, sizeof head, 0);
    off_ = sizeof head;
    table_.resize(kEntriesPerPack);
}

PackWriter::~PackWriter() = default;

void PackWriter::write_frame(const uint8_t* payload, uint32_t len, bool compressed, const Digest* hashes,
                             uint32_t first_entry, uint32_t nblocks) {
    if (first_entry + nblocks > kEntriesPerPack) throw Error(Errc::io_error, "internal: pack entry out of range");
    uint8_t head[kFrameHead];
    const uint32_t magic = kFrameMagic, flags = compressed ? kFrameZstd : 0;
    std::memcpy(head, &magic, 4);
    std::memcpy(head + 4, &flags, 4);
    std::memcpy(head + 8, &len, 4);
    std::memcpy(head + 12, &nblocks, 4);
    const uint64_t at = off_.fetch_add(sizeof head + len);
    out_->write_at(head, sizeof head, payload, len, at);
    for (uint32_t i = 0; i < nblocks; ++i) {
        PackEntry& e = table_[first_entry + i];
        e.hash = hashes[i];
        e.frame_off = at;
        e.frame_len = len;
        e.slot = static_cast<uint16_t>(i);
    }
}

uint64_t PackWriter::seal(uint32_t count) {
    const uint64_t table_off = off_.load();
    std::vector<uint8_t> table(size_t(count) * kPackEntrySize);
    for (size_t i = 0; i < count; ++i) encode_entry(table_[i], table.data() + i * kPackEntrySize);
    Sha256 sha;
    const Digest d = sha.digest(table.data(), table.size());
    uint8_t foot[kFootSize] = {};
    const uint64_t n = count;
    std::memcpy(foot, kFootMagic, 8);
    std::memcpy(foot + 8, &table_off, 8);
    std::memcpy(foot + 16, &n, 8);
    std::memcpy(foot + 24, d.data(), 8);
    out_->write_at(table.data(), table.size(), table_off);
    out_->write_at(foot, sizeof foot, table_off + table.size());
    out_->start_writeback();  // sync() later then mostly waits for nothing
    table_.clear();
    table_.shrink_to_fit();
    sealed_ = true;
    return table_off + table.size() + sizeof foot;
}

void PackWriter::sync() { out_->sync(); }

void PackWriter::commit() {
    out_->commit_unsynced();
    committed_ = true;
}

// ---- PackReader ----

PackReader::PackReader(Storage& storage, const std::string& name, uint64_t id)
    : what_("pack " + last_component(name)), id_(id), in_(storage.open(name)) {
    if (!in_) throw Error(Errc::not_found, what_ + " is missing");
    size_ = in_->size();
    const std::string& what = what_;
    uint8_t head[kHeadSize], foot[kFootSize];
    if (size_ < kHeadSize + kFootSize || !read(head, sizeof head, 0) || !read(foot, sizeof foot, size_ - kFootSize))
        throw Error(Errc::corrupted, what + " is truncated");
    uint64_t head_id = 0, count = 0;
    std::memcpy(&head_id, head + 8, 8);
    std::memcpy(&table_off_, foot + 8, 8);
    std::memcpy(&count, foot + 16, 8);
    if (std::memcmp(head, kHeadMagic, 8) != 0 || std::memcmp(foot, kFootMagic, 8) != 0 || head_id != id_ ||
        count > kEntriesPerPack || table_off_ < kHeadSize || table_off_ + count * kPackEntrySize + kFootSize != size_)
        throw Error(Errc::corrupted, what + " has an invalid header or footer");
    count_ = static_cast<uint32_t>(count);
    // The table is small (at most 768 KiB): check it whole once.
    std::vector<uint8_t> table(count_ * kPackEntrySize);
    if (!read(table.data(), table.size(), table_off_)) throw Error(Errc::corrupted, what + " is truncated");
    Sha256 sha;
    const Digest d = sha.digest(table.data(), table.size());
    if (std::memcmp(d.data(), foot + 24, 8) != 0) throw Error(Errc::corrupted, what + " entry table checksum mismatch");
}

void PackReader::load_window(uint32_t first) {
    const uint32_t n = std::min(kWindow, count_ - first);
    std::vector<uint8_t> raw(n * kPackEntrySize);
    if (!read(raw.data(), raw.size(), table_off_ + uint64_t(first) * kPackEntrySize))
        throw Error(Errc::corrupted, what_ + " is truncated");
    window_.resize(n);
    for (uint32_t i = 0; i < n; ++i) decode_pack_entry(raw.data() + i * kPackEntrySize, window_[i]);
    window_first_ = first;
}

PackEntry PackReader::entry(uint32_t n) {
    if (n >= count_) throw Error(Errc::corrupted, "block refers to a missing entry of " + what_);
    if (window_.empty() || n < window_first_ || n >= window_first_ + window_.size()) load_window(n - n % kWindow);
    return window_[n - window_first_];
}

void decode_frame(const uint8_t* raw, size_t size, std::vector<uint8_t>& out, const std::string& what) {
    if (size < kFrameHead) throw Error(Errc::corrupted, what + ": a frame too short for its header");
    uint32_t magic = 0, flags = 0, len = 0, nblocks = 0;
    std::memcpy(&magic, raw, 4);
    std::memcpy(&flags, raw + 4, 4);
    std::memcpy(&len, raw + 8, 4);
    std::memcpy(&nblocks, raw + 12, 4);
    if (magic != kFrameMagic || (flags & ~kFrameZstd) != 0 || len != size - kFrameHead || nblocks == 0 ||
        nblocks > kBlocksPerFrame)
        throw Error(Errc::corrupted, what + ": bad frame header");
    const size_t want = size_t(nblocks) * kBlockSize;
    out.resize(want);
    if (flags & kFrameZstd) {
        const size_t got = ZSTD_decompressDCtx(thread_zstd_dctx(), out.data(), want, raw + kFrameHead, len);
        if (ZSTD_isError(got) || got != want) throw Error(Errc::corrupted, what + ": frame does not decompress");
    } else {
        if (len != want) throw Error(Errc::corrupted, what + ": bad raw frame length");
        std::memcpy(out.data(), raw + kFrameHead, want);
    }
}

size_t PackReader::raw_frame_size(const PackEntry& e) { return kFrameHead + size_t(e.frame_len); }

std::vector<uint8_t> PackReader::read_frame_raw(const PackEntry& e) {
    std::vector<uint8_t> raw(raw_frame_size(e));
    read_frame_raw(e, raw.data());
    return raw;
}

void PackReader::read_frame_raw(const PackEntry& e, uint8_t* out) {
    // One read of the header and the payload whose length the table gives
    // (a round trip to the OSD each on RADOS); the header must agree.
    const std::string& what = what_;
    if (e.frame_off + kFrameHead + uint64_t(e.frame_len) > table_off_) throw Error(Errc::corrupted, what + ": frame outside the pack");
    if (!read(out, raw_frame_size(e), e.frame_off)) throw Error(Errc::corrupted, what + " is truncated");
    uint32_t magic = 0, len = 0;
    std::memcpy(&magic, out, 4);
    std::memcpy(&len, out + 8, 4);
    if (magic != kFrameMagic || len != e.frame_len) throw Error(Errc::corrupted, what + ": bad frame header");
}

void PackReader::read_block(uint32_t n, const Digest& expect, uint8_t* out, Sha256& sha) {
    const PackEntry e = entry(n);
    const std::string& what = what_;
    if (e.flags & kEntryDead) throw Error(Errc::corrupted, what + ": block was reclaimed but is still referenced");
    if (e.hash != expect) throw Error(Errc::corrupted, what + ": block hash differs from the block map");
    if (frame_cached_ != e.frame_off) {
        frame_cached_ = UINT64_MAX;
        frame_raw_ = read_frame_raw(e);
        decode_frame(frame_raw_.data(), frame_raw_.size(), frame_data_, what);
        frame_cached_ = e.frame_off;
    }
    if (size_t(e.slot + 1) * kBlockSize > frame_data_.size()) throw Error(Errc::corrupted, what + ": bad block slot");
    const uint8_t* src = frame_data_.data() + size_t(e.slot) * kBlockSize;
    if (sha.digest(src, kBlockSize) != expect) throw Error(Errc::corrupted, what + ": block content fails its hash");
    std::memcpy(out, src, kBlockSize);
}

// ---- PackCache ----

PackReader& PackCache::get(uint64_t id) {
    for (auto it = lru_.begin(); it != lru_.end(); ++it) {
        if (it->first == id) {
            lru_.splice(lru_.begin(), lru_, it);
            return *lru_.front().second;
        }
    }
    std::unique_ptr<PackReader> r;
    try {
        r = std::make_unique<PackReader>(storage_, dir_ + "/" + pack_file_name(id), id);
    } catch (const Error& e) {
        if (e.code() == Errc::not_found) throw Error(Errc::corrupted, "pack " + pack_file_name(id) + " is missing");
        throw;
    }
    lru_.emplace_front(id, std::move(r));
    if (lru_.size() > max_open_) lru_.pop_back();
    return *lru_.front().second;
}

}  // namespace prl::backup

namespace prl::backup {

uint64_t compact_pack(Storage& storage, const std::string& dir, uint64_t id, const std::vector<bool>& live) {
    const std::string name = dir + "/" + pack_file_name(id);
    PackReader r(storage, name, id);
    const uint64_t old_size = r.file_size();
    std::vector<PackEntry> table(r.entry_count());
    for (uint32_t i = 0; i < r.entry_count(); ++i) table[i] = r.entry(i);
    // Built whole (at most a pack's 64 MiB), then put: replaced in one step.
    std::string out;
    uint8_t head[kHeadSize] = {};
    const uint32_t version = 1;
    std::memcpy(head, kHeadMagic, 8);
    std::memcpy(head + 8, &id, 8);
    std::memcpy(head + 16, &version, 4);
    out.append(reinterpret_cast<const char*>(head), sizeof head);
    // Frames are contiguous runs of entries; keep a frame if any entry in it is live.
    for (size_t i = 0; i < table.size();) {
        size_t j = i;
        bool keep = false;
        while (j < table.size() && table[j].frame_off == table[i].frame_off) {
            keep = keep || (j < live.size() && live[j] && !(table[j].flags & kEntryDead));
            ++j;
        }
        if (keep) {
            const std::vector<uint8_t> raw = r.read_frame_raw(table[i]);
            for (size_t k = i; k < j; ++k) table[k].frame_off = out.size();
            out.append(reinterpret_cast<const char*>(raw.data()), raw.size());
        } else {
            for (size_t k = i; k < j; ++k) {
                table[k].flags |= kEntryDead;
                table[k].frame_off = 0;
                table[k].frame_len = 0;
            }
        }
        i = j;
    }
    const uint64_t table_off = out.size();
    std::vector<uint8_t> raw_table(table.size() * kPackEntrySize);
    for (size_t i = 0; i < table.size(); ++i) encode_entry(table[i], raw_table.data() + i * kPackEntrySize);
    Sha256 sha;
    const Digest d = sha.digest(raw_table.data(), raw_table.size());
    out.append(reinterpret_cast<const char*>(raw_table.data()), raw_table.size());
    uint8_t foot[kFootSize] = {};
    const uint64_t count = table.size();
    std::memcpy(foot, kFootMagic, 8);
    std::memcpy(foot + 8, &table_off, 8);
    std::memcpy(foot + 16, &count, 8);
    std::memcpy(foot + 24, d.data(), 8);
    out.append(reinterpret_cast<const char*>(foot), sizeof foot);
    const uint64_t new_size = out.size();
    storage.put(name, out);
    return old_size > new_size ? old_size - new_size : 0;
}

}  // namespace prl::backup
