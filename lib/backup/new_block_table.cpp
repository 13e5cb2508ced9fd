#include "new_block_table.h"

namespace prl::backup {

namespace {
constexpr size_t kInitialSlots = size_t(1) << 14;
uint32_t lo_part(const IndexKey& k) { return static_cast<uint32_t>(k.lo >> 32); }
}  // namespace

NewBlockTable::NewBlockTable() : slots_(kInitialSlots) {}

std::optional<uint32_t> NewBlockTable::find(const IndexKey& k) const {
    const size_t mask = slots_.size() - 1;
    const uint32_t lo = lo_part(k);
    for (size_t i = k.hi & mask;; i = (i + 1) & mask) {
        const Slot& s = slots_[i];
        if (s.seq == 0) return std::nullopt;
        if (s.hi == k.hi && s.lo == lo) return s.seq - 1;
    }
}

void NewBlockTable::grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
        if (s.seq == 0) continue;
        size_t i = s.hi & mask;
        while (slots_[i].seq != 0) i = (i + 1) & mask;
        slots_[i] = s;
    }
}

bool NewBlockTable::insert(const IndexKey& k, uint32_t seq) {
    if ((used_ + 1) * 10 > slots_.size() * 7) {
        if (slots_.size() >= kMaxSlots) return false;
        grow();
    }
    const size_t mask = slots_.size() - 1;
    const uint32_t lo = lo_part(k);
    size_t i = k.hi & mask;
    for (;; i = (i + 1) & mask) {
        Slot& s = slots_[i];
        if (s.seq == 0) break;
        if (s.hi == k.hi && s.lo == lo) return true;  // already known
    }
    slots_[i] = Slot{k.hi, lo, seq + 1};
    ++used_;
    return true;
}

}  // namespace prl::backup
