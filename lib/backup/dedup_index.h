// In-memory dedup index: block hash -> where the store already has it.
// Bounded: at most kMaxSlots slots (24 bytes each, 24 MiB at the cap). Keys
// are the first 128 bits of the SHA-256; a false match is impossible in
// practice and would still be caught, because maps keep the full hash and
// restore verifies it. When the index is full, new blocks are still stored
// correctly but are not indexed (dedup then misses them; documented).
#pragma once
#include "block_map.h"

#include <optional>
#include <vector>

namespace prl::backup {

class DedupIndex {
public:
    static constexpr size_t kMaxSlots = size_t(1) << 20;
    DedupIndex();
    std::optional<BlockLocation> find(const Digest& h) const;
    // Returns false when the index is at its bound (the entry is dropped).
    bool insert(const Digest& h, const BlockLocation& loc);
    size_t size() const { return used_; }
    bool full() const;

private:
    struct Slot {
        uint64_t k0 = 0, k1 = 0;
        uint32_t pack_slot = 0;  // index into packs_ + 1; 0 = empty
        uint32_t entry = 0;
    };
    void grow();
    size_t pack_slot_of(uint64_t pack);
    std::vector<Slot> slots_;
    size_t used_ = 0;
    std::vector<uint64_t> packs_;
    size_t last_pack_slot_ = SIZE_MAX;
};

}  // namespace prl::backup
