// Writes the new blocks of one operation into fresh packs. Blocks the store
// already has (the on-disk index) or that this operation already wrote (its
// own table) are not stored again. New blocks are grouped into
// frames of up to 64 blocks; each frame is compressed and written by a pool
// worker (packs accept concurrent frame writes), so the caller only hashes
// lookups and copies. Packs stay "*.pack.tmp" (invisible to every other
// operation) until commit(); destroying an uncommitted writer deletes them.
#pragma once
#include "block_index.h"
#include "new_block_table.h"
#include "pack_file.h"
#include "thread_pool.h"

#include <deque>
#include <future>
#include <memory>

namespace prl::backup {

class StoreWriter {
public:
    // `index` may be null (no dedup against the store).
    StoreWriter(Storage& storage, std::string packs_dir, ThreadPool& pool, bool compress, const BlockIndex* index);
    ~StoreWriter();
    StoreWriter(const StoreWriter&) = delete;
    StoreWriter& operator=(const StoreWriter&) = delete;

    // Location of the block with hash `h` and content block[4096].
    BlockLocation put(const Digest& h, const uint8_t* block);
    // The same, as the map entry of block `index` of a disk or a file.
    MapEntry put_entry(uint64_t index, const Digest& h, const uint8_t* block) {
        MapEntry e;
        e.index = index;
        e.hash = h;
        e.loc = put(h, block);
        return e;
    }
    // Stores `n` new blocks (at most kBlocksPerFrame, none known to the
    // index) as one frame already made: `payload` is their bytes, zstd-
    // compressed when `compressed`, and has been checked against `hashes`
    // (a backup node stores a source's frames as they came). Returns the
    // location of the first (the others follow it in the same pack), or
    // nullopt when they do not fit in the pack being filled: packs are
    // filled to the brim, so the caller then puts them one by one.
    std::optional<BlockLocation> put_frame(const uint8_t* payload, uint32_t len, bool compressed, const Digest* hashes,
                                           uint32_t n);
    // Where the store (or this writer) already has the block `h`, if it does.
    std::optional<BlockLocation> find(const Digest& h) const;
    void finish();  // write every pending frame, seal the packs, make them durable
    void commit();  // make the packs visible
    uint64_t stored_bytes() const { return stored_bytes_; }
    uint64_t new_blocks() const { return new_blocks_; }
    std::vector<uint64_t> pack_ids() const;

private:
    struct Frame {
        PackWriter* pack = nullptr;
        uint32_t first_entry = 0;
        uint32_t seal_count = 0;  // non-zero: the pack is full after this frame; seal it with this count
        std::vector<uint8_t> data;
        std::vector<Digest> hashes;
        std::vector<uint8_t> out;
        bool made = false;       // `out` is the frame's payload as it is to be written
        bool compressed = false;  // (when made) it is zstd-compressed
    };
    struct Pending {
        std::unique_ptr<Frame> frame;
        std::future<void> done;
    };
    void close_frame();
    void drain(size_t keep);
    static void compress_and_write(Frame& f, bool compress);
    std::unique_ptr<Frame> new_frame();

    Storage& storage_;
    std::string dir_;
    ThreadPool& pool_;
    bool compress_;
    const BlockIndex* index_;
    NewBlockTable written_;  // key -> sequence number of the new block
    std::vector<std::unique_ptr<PackWriter>> packs_;
    uint32_t assigned_ = 0;  // entries handed out in the current pack
    std::unique_ptr<Frame> frame_;
    std::deque<Pending> pending_;
    std::vector<std::unique_ptr<Frame>> spare_;  // recycled frame buffers
    uint64_t stored_bytes_ = 0;
    uint64_t new_blocks_ = 0;
};

}  // namespace prl::backup
