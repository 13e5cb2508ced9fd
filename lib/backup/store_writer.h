// One operation's way into the store: the new blocks it stores go into the
// packs every writer of the repository in this process fills together
// (SharedPacks), so blocks it or any of them already has are not stored
// again. Frames are compressed and written by a pool, so the caller only
// hashes lookups and copies. Nothing it stores is visible until commit();
// what it leaves uncommitted is deleted, or, where another operation's
// commit made it visible, reclaimed by garbage collection.
#pragma once
#include "shared_packs.h"

#include <memory>

namespace prl::backup {

class StoreWriter {
public:
    explicit StoreWriter(std::shared_ptr<SharedPacks> packs) : packs_(std::move(packs)) {}
    ~StoreWriter() { abandon(); }
    StoreWriter(const StoreWriter&) = delete;
    StoreWriter& operator=(const StoreWriter&) = delete;

    // Location of the block with hash `h` and content block[4096].
    BlockLocation put(const Digest& h, const uint8_t* block) { return packs_->put(session_, h, block); }
    // The same, as the map entry of block `index` of a disk or a file.
    MapEntry put_entry(uint64_t index, const Digest& h, const uint8_t* block) {
        MapEntry e;
        e.index = index;
        e.hash = h;
        e.loc = put(h, block);
        return e;
    }
    // Stores `n` new blocks (at most kBlocksPerFrame) as one frame already
    // made: `payload` is their bytes, zstd-compressed when `compressed`, and
    // has been checked against `hashes` (a backup node stores a source's
    // frames as they came). Returns the location of the first (the others
    // follow it in the same pack), or nullopt when the store has one of them
    // or they do not fit in the pack being filled: the caller then puts
    // them one by one.
    std::optional<BlockLocation> put_frame(const uint8_t* payload, uint32_t len, bool compressed, const Digest* hashes,
                                           uint32_t n) {
        return packs_->put_frame(session_, payload, len, compressed, hashes, n);
    }
    // Where the store (or a writer) already has the block `h`, if it does.
    std::optional<BlockLocation> find(const Digest& h) const { return packs_->find(h); }
    // Every block stored is written and durable.
    void finish() { packs_->finish(session_); }
    // Makes the packs holding them visible (after finish()); true when some
    // of those also hold blocks nothing will reference (for garbage collection).
    bool commit();
    // This operation will not commit; true when some of its blocks are in
    // packs already visible (for garbage collection). Once.
    bool abandon();

    // Bytes its blocks take in the packs (after finish()).
    uint64_t stored_bytes() const { return *session_.stored; }
    // The packs its commit made visible, to be indexed.
    const std::vector<uint64_t>& pack_ids() const { return made_visible_; }
    const BlockIndex& index() const { return packs_->index(); }

private:
    std::shared_ptr<SharedPacks> packs_;
    SharedPacks::Session session_;
    std::vector<uint64_t> made_visible_;
    bool ended_ = false;
};

}  // namespace prl::backup
