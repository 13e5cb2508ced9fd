// The key of the on-disk dedup index: the first 128 bits of a block's SHA-256.
// Two different blocks share a key with probability ~2^-128 per pair, i.e.
// never in practice; if it happened anyway, the block map keeps the full hash
// and restore verifies it, so the damage is caught, not silent.
#pragma once
#include "sha256.h"

#include <cstring>

namespace prl::backup {

struct IndexKey {
    uint64_t hi = 0, lo = 0;  // big-endian loads: comparing them compares the bytes
    bool operator==(const IndexKey& o) const { return hi == o.hi && lo == o.lo; }
    bool operator!=(const IndexKey& o) const { return !(*this == o); }
    bool operator<(const IndexKey& o) const { return hi != o.hi ? hi < o.hi : lo < o.lo; }
};

constexpr size_t kIndexKeyBytes = 16;

inline IndexKey load_index_key(const uint8_t* p) {
    uint64_t a, b;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + 8, 8);
    return IndexKey{__builtin_bswap64(a), __builtin_bswap64(b)};
}

inline void store_index_key(const IndexKey& k, uint8_t* p) {
    const uint64_t a = __builtin_bswap64(k.hi), b = __builtin_bswap64(k.lo);
    std::memcpy(p, &a, 8);
    std::memcpy(p + 8, &b, 8);
}

inline IndexKey index_key_of(const Digest& h) { return load_index_key(h.data()); }

}  // namespace prl::backup
