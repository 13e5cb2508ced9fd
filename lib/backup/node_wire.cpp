#include "node_wire.h"

#include "error.h"
#include "pack_file.h"
#include "sha256.h"
#include "zstd_context.h"

#include <cstring>
#include <memory>
#include <zstd.h>

namespace prl::backup::node_wire {

namespace {

constexpr size_t kGroupHeader = 4 + 1 + 2;  // payload length, compressed flag, blocks

[[noreturn]] void corrupt(const std::string& why) { throw Error(Errc::corrupted, "backup node data: " + why); }

void put_le(uint8_t* out, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out[i] = static_cast<uint8_t>((v >> (8 * i)) & 0xff);
}
void put_le(std::string& out, uint64_t v, int bytes) {
    uint8_t le[8];
    put_le(le, v, bytes);
    out.append(reinterpret_cast<const char*>(le), static_cast<size_t>(bytes));
}
uint64_t get_le(const char* p, int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= uint64_t(static_cast<uint8_t>(p[i])) << (8 * i);
    return v;
}

void check_index(uint64_t index, uint64_t& after, uint64_t blocks) {
    if (index >= blocks) corrupt("block " + std::to_string(index) + " is past the disk's end");
    if (after != UINT64_MAX && index <= after) corrupt("blocks out of order");
    after = index;
}

}  // namespace

std::string encode_changes(const std::vector<Change>& changes) {
    std::string out;
    out.reserve(changes.size() * kChangeBytes);
    for (const Change& c : changes) {
        put_le(out, c.index, 8);
        out.push_back(c.zero ? 1 : 0);
        out.append(reinterpret_cast<const char*>(c.hash.data()), c.hash.size());
    }
    return out;
}

std::vector<Change> decode_changes(std::string_view bytes, uint64_t after, uint64_t blocks) {
    if (bytes.size() % kChangeBytes != 0) corrupt("a change list of " + std::to_string(bytes.size()) + " bytes");
    if (bytes.size() / kChangeBytes > kMaxBlocksPerBatch) corrupt("too many changes in one batch");
    std::vector<Change> out(bytes.size() / kChangeBytes);
    for (size_t i = 0; i < out.size(); ++i) {
        const char* p = bytes.data() + i * kChangeBytes;
        Change& c = out[i];
        c.index = get_le(p, 8);
        check_index(c.index, after, blocks);
        if (static_cast<uint8_t>(p[8]) > 1) corrupt("a change of unknown kind");
        c.zero = p[8] == 1;
        std::memcpy(c.hash.data(), p + 9, 32);
    }
    return out;
}

void append_tree_node(std::string& batch, const TreeNode& n) { batch += encode_tree_node(n); }

void append_tree_same(std::string& batch, const TreeNode& n) {
    const size_t at = batch.size();
    batch += encode_tree_node(n);
    batch[at] = 'S';
}

void append_tree_change(std::string& batch, uint64_t index, const Digest& hash) {
    batch.push_back('C');
    put_le(batch, index, 8);
    batch.append(reinterpret_cast<const char*>(hash.data()), hash.size());
}

size_t tree_record_size(std::string_view bytes) {
    if (bytes.empty()) return 0;
    if (bytes[0] == 'C') return bytes.size() >= kTreeChangeBytes ? kTreeChangeBytes : 0;
    if (bytes[0] != 'N' && bytes[0] != 'S') corrupt("a tree record of unknown kind");
    // A node: its size from its two text lengths; decode_tree_node checks the rest.
    size_t len = kNodeHeadBytes;
    for (int text = 0; text < 2; ++text) {
        if (bytes.size() < len + 2) return 0;
        len += 2 + get_le(bytes.data() + len, 2);
    }
    return bytes.size() >= len ? len : 0;
}

Change tree_change_at(const char* p) {
    Change c;
    c.index = get_le(p + 1, 8);
    std::memcpy(c.hash.data(), p + 9, c.hash.size());
    return c;
}

TreeBatch decode_tree_batch(std::string_view bytes) {
    TreeBatch out;
    size_t node_bytes = 0;
    for (size_t o = 0; o < bytes.size();) {
        const std::string_view rest = bytes.substr(o);
        const size_t len = tree_record_size(rest);
        if (len == 0) corrupt("a tree batch cut short");
        if (rest[0] == 'C') {
            if (out.changes.size() == kMaxBlocksPerBatch) corrupt("too many changes in one batch");
            out.changes.push_back(tree_change_at(rest.data()));
        } else {
            node_bytes += len;
            if (node_bytes > kMaxTreeNodeBytes) corrupt("too many tree nodes in one batch");
            std::string record(rest.substr(0, len));
            record[0] = 'N';
            out.nodes.push_back(TreeBatch::Node{out.changes.size(), decode_tree_node(record), rest[0] == 'S'});
            if (out.nodes.back().same && out.nodes.back().node.type != NodeType::file) corrupt("an unchanged node that is no file");
        }
        o += len;
    }
    return out;
}

Digest tree_stream_digest(TreeParent& tree) {
    Sha256 sha;
    std::string records;
    while (const TreeNode* n = tree.next_node()) {
        append_tree_node(records, *n);
        while (const MapEntry* e = tree.next_block()) {
            append_tree_change(records, e->index, e->hash);
            if (records.size() >= (1 << 16)) {
                sha.update(records.data(), records.size());
                records.clear();
            }
        }
        sha.update(records.data(), records.size());
        records.clear();
    }
    return sha.finish();
}

std::string encode_bitmap(const std::vector<bool>& bits) {
    std::string out((bits.size() + 7) / 8, '\0');
    for (size_t i = 0; i < bits.size(); ++i)
        if (bits[i]) out[i / 8] = static_cast<char>(out[i / 8] | (1 << (i % 8)));
    return out;
}

std::vector<bool> decode_bitmap(std::string_view bytes, size_t count) {
    if (bytes.size() != (count + 7) / 8) corrupt("a bitmap of the wrong length");
    std::vector<bool> bits(count);
    for (size_t i = 0; i < count; ++i) bits[i] = (static_cast<uint8_t>(bytes[i / 8]) >> (i % 8)) & 1;
    return bits;
}

std::string encode_blocks(const uint8_t* data, size_t nblocks, bool compress) {
    ZSTD_CCtx* cctx = thread_zstd_cctx();
    std::string out;
    std::string packed;
    for (size_t first = 0; first < nblocks; first += kBlocksPerGroup) {
        const size_t n = std::min<size_t>(kBlocksPerGroup, nblocks - first);
        const uint8_t* src = data + first * kBlockSize;
        const size_t raw = n * kBlockSize;
        bool compressed = false;
        if (compress) {
            packed.resize(ZSTD_compressBound(raw));
            const size_t len = ZSTD_compressCCtx(cctx, packed.data(), packed.size(), src, raw, 1);
            if (ZSTD_isError(len)) throw Error(Errc::io_error, std::string("zstd: ") + ZSTD_getErrorName(len));
            compressed = len < raw;
            if (compressed) packed.resize(len);
        }
        const size_t len = compressed ? packed.size() : raw;
        put_le(out, len, 4);
        out.push_back(compressed ? 1 : 0);
        put_le(out, n, 2);
        if (compressed)
            out.append(packed);
        else
            out.append(reinterpret_cast<const char*>(src), raw);
    }
    return out;
}

void group_blocks(const Group& g, uint8_t* dst) {
    const size_t raw = g.count * kBlockSize;
    if (g.compressed) {
        const size_t got = ZSTD_decompressDCtx(thread_zstd_dctx(), dst, raw, g.payload.data(), g.payload.size());
        if (ZSTD_isError(got) || got != raw) corrupt("a group that does not decompress to its blocks");
    } else {
        if (g.payload.size() != raw) corrupt("a raw group of the wrong length");
        std::memcpy(dst, g.payload.data(), raw);
    }
}

namespace {

// Decompresses one group into a buffer its thread keeps and checks its blocks against hashes.
void check_group(const Group& g, const Digest* hashes) {
    thread_local Sha256 sha;
    thread_local BlockBuffer blocks;
    blocks.resize(g.count * kBlockSize);
    group_blocks(g, blocks.data());
    for (size_t i = 0; i < g.count; ++i)
        if (sha.digest(blocks.data() + i * kBlockSize, kBlockSize) != hashes[i]) corrupt("block content does not match its hash");
}

}  // namespace

std::vector<Group> check_blocks(std::string_view bytes, const std::vector<Digest>& hashes, ThreadPool* pool) {
    std::vector<Group> found;
    size_t done = 0, pos = 0;
    while (pos < bytes.size()) {
        if (bytes.size() - pos < kGroupHeader) corrupt("a cut group header");
        const uint64_t len = get_le(bytes.data() + pos, 4);
        const uint8_t flag = static_cast<uint8_t>(bytes[pos + 4]);
        const uint64_t n = get_le(bytes.data() + pos + 5, 2);
        pos += kGroupHeader;
        if (flag > 1 || n == 0 || n > kBlocksPerGroup) corrupt("a bad group header");
        if (n > hashes.size() - done) corrupt("more blocks than were asked for");
        if (len > bytes.size() - pos) corrupt("a cut group");
        found.push_back(Group{bytes.substr(pos, len), flag == 1, done, n});
        pos += len;
        done += n;
    }
    if (done != hashes.size()) corrupt("fewer blocks than were asked for");
    if (pool && found.size() > 1) {
        std::vector<std::future<void>> checks;
        for (const Group& g : found)
            checks.push_back(pool->submit([&g, &hashes] { check_group(g, hashes.data() + g.first); }));
        for (auto& c : checks) c.wait();  // every task done with `found` before a failure is thrown
        for (auto& c : checks) c.get();
    } else {
        for (const Group& g : found) check_group(g, hashes.data() + g.first);
    }
    return found;
}

std::string encode_present(const std::vector<Present>& entries) {
    std::string out;
    out.reserve(entries.size() * kPresentBytes);
    for (const Present& e : entries) {
        put_le(out, e.index, 8);
        out.append(reinterpret_cast<const char*>(e.hash.data()), e.hash.size());
    }
    return out;
}

Present present_at(const char* p) {
    Present e;
    e.index = get_le(p, 8);
    std::memcpy(e.hash.data(), p + 8, 32);
    return e;
}

std::vector<Present> decode_present(std::string_view bytes, uint64_t after, uint64_t blocks) {
    if (bytes.size() % kPresentBytes != 0) corrupt("a block list of " + std::to_string(bytes.size()) + " bytes");
    std::vector<Present> out(bytes.size() / kPresentBytes);
    for (size_t i = 0; i < out.size(); ++i) {
        const char* p = bytes.data() + i * kPresentBytes;
        out[i].index = get_le(p, 8);
        check_index(out[i].index, after, blocks);
        std::memcpy(out[i].hash.data(), p + 8, 32);
    }
    return out;
}

BlockBuffer encode_restore_batch(const std::vector<size_t>& frame_sizes, const std::vector<Wanted>& wanted,
                                 const std::function<void(size_t, uint8_t*)>& read_frame) {
    std::string head;
    head.reserve(8 + wanted.size() * (8 + 4 + 2 + 32));
    put_le(head, frame_sizes.size(), 4);
    put_le(head, wanted.size(), 4);
    for (const Wanted& w : wanted) {
        put_le(head, w.index, 8);
        put_le(head, w.frame, 4);
        put_le(head, w.slot, 2);
        head.append(reinterpret_cast<const char*>(w.hash.data()), w.hash.size());
    }
    size_t size = head.size();
    for (size_t f : frame_sizes) size += 4 + f;
    BlockBuffer out(size);
    uint8_t* at = out.data();
    std::memcpy(at, head.data(), head.size());
    at += head.size();
    for (size_t i = 0; i < frame_sizes.size(); ++i) {
        put_le(at, frame_sizes[i], 4);
        read_frame(i, at + 4);
        at += 4 + frame_sizes[i];
    }
    return out;
}

std::vector<Present> decode_restore_batch(std::string_view bytes, uint64_t after, uint64_t blocks,
                                          BlockBuffer& data, ThreadPool* pool) {
    constexpr size_t kWantedBytes = 8 + 4 + 2 + 32;
    if (bytes.size() < 8) corrupt("a cut restore batch");
    const uint64_t nframes = get_le(bytes.data(), 4), n = get_le(bytes.data() + 4, 4);
    if (nframes > kMaxFramesPerBatch || n > kMaxBlocksPerBatch || bytes.size() - 8 < n * kWantedBytes)
        corrupt("a restore batch of a bad size");
    std::vector<Wanted> wanted(n);
    std::vector<Present> entries(n);
    for (size_t i = 0; i < n; ++i) {
        const char* p = bytes.data() + 8 + i * kWantedBytes;
        Wanted& w = wanted[i];
        w.index = get_le(p, 8);
        check_index(w.index, after, blocks);
        w.frame = static_cast<uint32_t>(get_le(p + 8, 4));
        w.slot = static_cast<uint16_t>(get_le(p + 12, 2));
        std::memcpy(w.hash.data(), p + 14, 32);
        if (w.frame >= nframes || w.slot >= kBlocksPerFrame) corrupt("a block in no frame of the batch");
        entries[i] = Present{w.index, w.hash};
    }
    std::vector<std::string_view> frames;
    size_t pos = 8 + n * kWantedBytes;
    for (uint64_t f = 0; f < nframes; ++f) {
        if (bytes.size() - pos < 4) corrupt("a cut frame length");
        const uint64_t len = get_le(bytes.data() + pos, 4);
        pos += 4;
        if (len > bytes.size() - pos) corrupt("a cut frame");
        frames.push_back(bytes.substr(pos, len));
        pos += len;
    }
    if (pos != bytes.size()) corrupt("bytes after a restore batch");
    std::vector<std::vector<uint32_t>> of_frame(nframes);  // the blocks each frame gives
    for (uint32_t i = 0; i < n; ++i) of_frame[wanted[i].frame].push_back(i);
    data.resize(n * kBlockSize);
    // Each frame decompressed into a buffer its thread keeps (no allocation
    // a frame), its blocks checked and copied to their places in `data`.
    auto decode = [&](size_t f) {
        thread_local std::vector<uint8_t> frame;
        thread_local Sha256 sha;
        decode_frame(reinterpret_cast<const uint8_t*>(frames[f].data()), frames[f].size(), frame, "a restore batch");
        for (uint32_t i : of_frame[f]) {
            if ((size_t(wanted[i].slot) + 1) * kBlockSize > frame.size()) corrupt("a slot past its frame's blocks");
            const uint8_t* block = frame.data() + size_t(wanted[i].slot) * kBlockSize;
            if (sha.digest(block, kBlockSize) != wanted[i].hash) corrupt("block content does not match its hash");
            std::memcpy(data.data() + size_t(i) * kBlockSize, block, kBlockSize);
        }
    };
    if (pool && nframes > 1) {
        std::vector<std::future<void>> done;
        for (size_t f = 0; f < nframes; ++f) done.push_back(pool->submit([&decode, f] { decode(f); }));
        for (auto& d : done) d.wait();  // every task done with `data` before a failure is thrown
        for (auto& d : done) d.get();
    } else {
        for (size_t f = 0; f < nframes; ++f) decode(f);
    }
    return entries;
}

}  // namespace prl::backup::node_wire
