// A blocked Bloom filter over index keys: each key sets kProbes bits inside
// one 64-byte block (one cache line), so a lookup costs one memory access.
// A run file stores its filter with a power-of-two number of blocks N; a key
// belongs to block b = key.hi mod N, its bits come from key.lo (keys are
// SHA-256 prefixes, already uniform). In memory the filter may be folded to
// any n <= N blocks by ORing block b into block b*n/N: every key still tests
// positive, only the false-positive rate rises. That is how the index keeps
// its memory within a fixed budget however many keys it holds.
#pragma once
#include "index_key.h"

#include <vector>

namespace prl::backup {

class BloomFilter {
public:
    static constexpr size_t kBlockBytes = 64;
    static constexpr size_t kWordsPerBlock = kBlockBytes / 8;
    static constexpr unsigned kProbes = 7;

    // `source_blocks` (rounded up to a power of two): the blocks of the filter
    // as written; `blocks` (at most that, at least 1): the blocks kept.
    explicit BloomFilter(size_t source_blocks = 1, size_t blocks = 0);
    // Blocks for `keys` keys at about `bits_per_key`, a power of two in [1, max_blocks].
    static size_t blocks_for(uint64_t keys, unsigned bits_per_key, size_t max_blocks);

    void add(const IndexKey& k);
    bool may_contain(const IndexKey& k) const {
        const uint64_t* b = &words_[block_of(k.hi & source_mask_) * kWordsPerBlock];
        uint64_t bits = k.lo;
        for (unsigned i = 0; i < kProbes; ++i, bits >>= 9) {
            const unsigned pos = static_cast<unsigned>(bits & 511);
            if (!(b[pos >> 6] & (uint64_t(1) << (pos & 63)))) return false;
        }
        return true;
    }
    // ORs blocks [first, first + n) of the source filter into this one.
    void fold_in(const uint64_t* words, size_t first, size_t n);

    size_t blocks() const { return blocks_; }
    size_t source_blocks() const { return source_mask_ + 1; }
    size_t bytes() const { return words_.size() * 8; }
    const uint64_t* words() const { return words_.data(); }

private:
    size_t block_of(uint64_t source_block) const {
        return blocks_ == source_mask_ + 1 ? source_block : static_cast<size_t>((source_block * blocks_) >> shift_);
    }
    std::vector<uint64_t> words_;
    size_t blocks_;
    uint64_t source_mask_;
    unsigned shift_;
};

}  // namespace prl::backup
