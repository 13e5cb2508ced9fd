// Pack files: many compressed frames of 4 KiB blocks in one file, followed by
// an entry table (one row per block: hash, frame offset, slot) and a footer.
// A block's address is (pack id, entry number); entry numbers never change,
// even when a pack is compacted, so block maps never need rewriting.
#pragma once
#include "block_map.h"
#include "platform_io.h"
#include "storage.h"

#include <atomic>
#include <list>
#include <unordered_map>

namespace prl::backup {

constexpr uint32_t kBlocksPerFrame = 64;        // 256 KiB of data per zstd frame
constexpr uint32_t kEntriesPerPack = 16384;     // 64 MiB of data per pack

struct PackEntry {
    Digest hash{};
    uint64_t frame_off = 0;  // offset of the frame header in the pack
    uint32_t frame_len = 0;  // stored length of the frame payload
    uint16_t slot = 0;       // block position inside the frame
    uint16_t flags = 0;      // kEntryDead once compaction dropped the block
};
constexpr uint16_t kEntryDead = 1;

std::string pack_file_name(uint64_t id);                  // "<16 hex>.pack"
bool parse_pack_file_name(const std::string& name, uint64_t& id);

// Builds one pack in `dir` of a Storage, invisible until commit().
// Frames may be written from several threads at once: each reserves its own
// byte range, so frames land in completion order while entry numbers (given
// out up front by the caller) stay in put order.
class PackWriter {
public:
    PackWriter(Storage& storage, const std::string& dir, uint64_t id);
    ~PackWriter();  // the pack is gone unless committed
    uint64_t id() const { return id_; }
    // Thread-safe. Writes one frame holding the blocks numbered first_entry..+nblocks.
    void write_frame(const uint8_t* payload, uint32_t len, bool compressed, const Digest* hashes, uint32_t first_entry,
                     uint32_t nblocks);
    // After every frame is written: appends the entry table (entries 0..count)
    // and the footer. Returns the pack's size.
    uint64_t seal(uint32_t count);
    bool sealed() const { return sealed_; }
    void sync();    // durable (after seal)
    void commit();  // visible under its name (durable after the storage's sync_directory)

private:
    std::unique_ptr<ObjectWriter> out_;
    std::string name_;
    uint64_t id_;
    std::atomic<uint64_t> off_{0};
    std::vector<PackEntry> table_;
    bool committed_ = false;
    bool sealed_ = false;
};

// Reads blocks from a committed pack; verifies structure on open and every
// block's SHA-256 on read. Not thread-safe; one per reader thread.
class PackReader {
public:
    PackReader(Storage& storage, const std::string& name, uint64_t id);
    uint32_t entry_count() const { return count_; }
    PackEntry entry(uint32_t n);
    // Streams the table in order (for dedup loading and garbage collection).
    template <class F> void for_each_entry(F&& f);
    // Copies block `n` to out[4096]; throws corrupted if its hash is not `expect`.
    void read_block(uint32_t n, const Digest& expect, uint8_t* out, Sha256& sha);
    // Raw bytes (header included) of the frame holding entry `e`: for
    // compaction, and a restore from a backup node.
    std::vector<uint8_t> read_frame_raw(const PackEntry& e);
    // The same into out[0..raw_frame_size(e)).
    void read_frame_raw(const PackEntry& e, uint8_t* out);
    static size_t raw_frame_size(const PackEntry& e);
    uint64_t file_size() const { return size_; }

private:
    void load_window(uint32_t first);
    bool read(void* buf, size_t n, uint64_t off) { return in_->read_at(buf, n, off) == n; }
    std::string what_;
    uint64_t id_;
    std::unique_ptr<ObjectReader> in_;
    uint64_t size_ = 0, table_off_ = 0;
    uint32_t count_ = 0;
    std::vector<PackEntry> window_;
    uint32_t window_first_ = 0;
    uint64_t frame_cached_ = UINT64_MAX;
    std::vector<uint8_t> frame_raw_, frame_data_;
};

// Opens pack readers on demand and keeps a few open.
class PackCache {
public:
    PackCache(Storage& storage, std::string dir, size_t max_open = 16)
        : storage_(storage), dir_(std::move(dir)), max_open_(max_open) {}
    PackReader& get(uint64_t id);

private:
    Storage& storage_;
    std::string dir_;
    size_t max_open_;
    std::list<std::pair<uint64_t, std::unique_ptr<PackReader>>> lru_;
};

// Rewrites pack `id` in `dir` keeping only frames with at least one entry in
// `live`; entries of dropped frames are flagged dead. Atomic (Storage::put).
// Returns the bytes freed.
uint64_t compact_pack(Storage& storage, const std::string& dir, uint64_t id, const std::vector<bool>& live);

// One frame as read_frame_raw returns it (header and payload): its blocks
// into out (nblocks x 4 KiB). Errc::corrupted, naming `what`, for a frame
// that is not one. Used by PackReader and by a restore from a backup node,
// which gets the packs' frames as they are stored.
void decode_frame(const uint8_t* raw, size_t len, std::vector<uint8_t>& out, const std::string& what);

// Decodes one table row (used by PackReader and tests).
void decode_pack_entry(const uint8_t* p, PackEntry& e);
constexpr size_t kPackEntrySize = 48;

template <class F> void PackReader::for_each_entry(F&& f) {
    for (uint32_t i = 0; i < count_; ++i) f(i, entry(i));
}

}  // namespace prl::backup
