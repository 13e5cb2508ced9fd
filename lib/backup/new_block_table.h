// The blocks one operation has stored so far (key -> sequence number of the
// new block), so that blocks repeated within the operation are stored once.
// The on-disk index only learns them at commit. Bounded: at most kMaxSlots
// slots of 16 bytes (16 MiB, ~734 k blocks ≈ 2.8 GiB of new data per
// operation); beyond that, repeats are stored again (correctness unaffected).
// Keys here are 96 bits: a false match among at most 2^20 entries has
// probability ~2^-57, and maps keep the full hash that restore verifies.
#pragma once
#include "index_key.h"

#include <optional>
#include <vector>

namespace prl::backup {

class NewBlockTable {
public:
    static constexpr size_t kMaxSlots = size_t(1) << 20;
    NewBlockTable();
    std::optional<uint32_t> find(const IndexKey& k) const;
    // Returns false when the table is at its bound (the entry is dropped).
    bool insert(const IndexKey& k, uint32_t seq);
    size_t size() const { return used_; }
    size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot); }

private:
    struct Slot {
        uint64_t hi = 0;
        uint32_t lo = 0;   // upper half of key.lo
        uint32_t seq = 0;  // sequence number + 1; 0 = empty
    };
    void grow();
    std::vector<Slot> slots_;
    size_t used_ = 0;
};

}  // namespace prl::backup
