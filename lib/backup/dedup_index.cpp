#include "dedup_index.h"

#include <cstring>

namespace prl::backup {

namespace {
constexpr size_t kInitialSlots = size_t(1) << 14;
void key_of(const Digest& h, uint64_t& k0, uint64_t& k1) {
    std::memcpy(&k0, h.data(), 8);
    std::memcpy(&k1, h.data() + 8, 8);
}
}  // namespace

DedupIndex::DedupIndex() : slots_(kInitialSlots) {}

bool DedupIndex::full() const { return slots_.size() >= kMaxSlots && used_ * 10 >= slots_.size() * 7; }

std::optional<BlockLocation> DedupIndex::find(const Digest& h) const {
    uint64_t k0, k1;
    key_of(h, k0, k1);
    const size_t mask = slots_.size() - 1;
    for (size_t i = k0 & mask;; i = (i + 1) & mask) {
        const Slot& s = slots_[i];
        if (s.pack_slot == 0) return std::nullopt;
        if (s.k0 == k0 && s.k1 == k1) {
            return BlockLocation{packs_[s.pack_slot - 1], s.entry};
        }
    }
}

size_t DedupIndex::pack_slot_of(uint64_t pack) {
    if (last_pack_slot_ != SIZE_MAX && packs_[last_pack_slot_] == pack) return last_pack_slot_;
    for (size_t i = packs_.size(); i-- > 0;)
        if (packs_[i] == pack) return last_pack_slot_ = i;
    packs_.push_back(pack);
    return last_pack_slot_ = packs_.size() - 1;
}

void DedupIndex::grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
        if (s.pack_slot == 0) continue;
        size_t i = s.k0 & mask;
        while (slots_[i].pack_slot != 0) i = (i + 1) & mask;
        slots_[i] = s;
    }
}

bool DedupIndex::insert(const Digest& h, const BlockLocation& loc) {
    if ((used_ + 1) * 10 > slots_.size() * 7) {
        if (slots_.size() >= kMaxSlots) return false;
        grow();
    }
    uint64_t k0, k1;
    key_of(h, k0, k1);
    const size_t mask = slots_.size() - 1;
    size_t i = k0 & mask;
    for (;; i = (i + 1) & mask) {
        Slot& s = slots_[i];
        if (s.pack_slot == 0) break;
        if (s.k0 == k0 && s.k1 == k1) return true;  // already known
    }
    Slot& s = slots_[i];
    s.k0 = k0;
    s.k1 = k1;
    s.pack_slot = static_cast<uint32_t>(pack_slot_of(loc.pack) + 1);
    s.entry = loc.entry;
    ++used_;
    return true;
}

}  // namespace prl::backup
