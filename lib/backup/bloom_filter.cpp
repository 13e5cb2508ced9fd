#include "bloom_filter.h"

#include <algorithm>

namespace prl::backup {

namespace {
size_t power_of_two_at_least(size_t n) {
    size_t p = 1;
    while (p < n) p <<= 1;
    return p;
}
}  // namespace

BloomFilter::BloomFilter(size_t source_blocks, size_t blocks) {
    const size_t n = power_of_two_at_least(source_blocks == 0 ? 1 : source_blocks);
    source_mask_ = n - 1;
    shift_ = 0;
    while ((size_t(1) << shift_) < n) ++shift_;
    blocks_ = blocks == 0 ? n : std::min(blocks, n);
    words_.assign(blocks_ * kWordsPerBlock, 0);
}

size_t BloomFilter::blocks_for(uint64_t keys, unsigned bits_per_key, size_t max_blocks) {
    const uint64_t bits = keys * bits_per_key;
    const uint64_t want = (bits + kBlockBytes * 8 - 1) / (kBlockBytes * 8);
    return power_of_two_at_least(static_cast<size_t>(std::min<uint64_t>(want == 0 ? 1 : want, max_blocks)));
}

void BloomFilter::add(const IndexKey& k) {
    uint64_t* b = &words_[block_of(k.hi & source_mask_) * kWordsPerBlock];
    uint64_t bits = k.lo;
    for (unsigned i = 0; i < kProbes; ++i, bits >>= 9) {
        const unsigned pos = static_cast<unsigned>(bits & 511);
        b[pos >> 6] |= uint64_t(1) << (pos & 63);
    }
}

void BloomFilter::fold_in(const uint64_t* words, size_t first, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        uint64_t* dst = &words_[block_of((first + i) & source_mask_) * kWordsPerBlock];
        const uint64_t* src = words + i * kWordsPerBlock;
        for (size_t w = 0; w < kWordsPerBlock; ++w) dst[w] |= src[w];
    }
}

}  // namespace prl::backup
