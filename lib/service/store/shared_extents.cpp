#include "shared_extents.h"

#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace prl::service {
namespace {

struct Extent {
    std::uint64_t logical, physical, length;
};

// Flags that leave an extent's physical place unknown or not its own bytes.
constexpr std::uint32_t kUntrusted = FIEMAP_EXTENT_UNKNOWN | FIEMAP_EXTENT_DELALLOC | FIEMAP_EXTENT_UNWRITTEN |
                                     FIEMAP_EXTENT_DATA_INLINE | FIEMAP_EXTENT_DATA_TAIL |
                                     FIEMAP_EXTENT_NOT_ALIGNED | FIEMAP_EXTENT_ENCODED;

// The trusted data extents of `fd` within [0, size), in logical order; an
// empty list when FIEMAP is unavailable (nothing is then vouched for).
std::vector<Extent> trusted_extents(int fd, std::uint64_t size) {
    constexpr std::uint32_t kBatch = 512;
    const std::size_t bytes = sizeof(fiemap) + kBatch * sizeof(fiemap_extent);
    std::unique_ptr<fiemap, decltype(&std::free)> map(static_cast<fiemap*>(std::calloc(1, bytes)), &std::free);
    if (!map) return {};
    std::vector<Extent> out;
    std::uint64_t start = 0;
    std::uint32_t flags = FIEMAP_FLAG_SYNC;  // settle delayed allocation first
    while (start < size) {
        std::fill_n(reinterpret_cast<char*>(map.get()), bytes, 0);
        map->fm_start = start;
        map->fm_length = size - start;
        map->fm_flags = flags;
        map->fm_extent_count = kBatch;
        if (::ioctl(fd, FS_IOC_FIEMAP, map.get()) != 0) return {};
        flags = 0;
        if (map->fm_mapped_extents == 0) break;
        bool last = false;
        for (std::uint32_t i = 0; i < map->fm_mapped_extents; ++i) {
            const fiemap_extent& e = map->fm_extents[i];
            if ((e.fe_flags & kUntrusted) == 0 && e.fe_length > 0)
                out.push_back(Extent{e.fe_logical, e.fe_physical, e.fe_length});
            if (e.fe_flags & FIEMAP_EXTENT_LAST) last = true;
            start = std::max<std::uint64_t>(start, e.fe_logical + e.fe_length);
        }
        if (last) break;
    }
    return out;
}

}  // namespace

std::vector<bool> blocks_sharing_extents(int a, int b, std::uint64_t size, std::uint32_t g) {
    const std::uint64_t count = g == 0 ? 0 : (size + g - 1) / g;
    std::vector<bool> shared(count, false);
    if (count == 0) return shared;
    const std::vector<Extent> ea = trusted_extents(a, size), eb = trusted_extents(b, size);
    // Walk both lists together: where a logical range of each lies in extents
    // whose logical-to-physical offset is the same, the bytes are shared.
    // `same` accumulates, per block, how many of its bytes are shared.
    std::vector<std::uint32_t> same(count, 0);
    std::size_t i = 0, j = 0;
    while (i < ea.size() && j < eb.size()) {
        const Extent& x = ea[i];
        const Extent& y = eb[j];
        const std::uint64_t lo = std::max(x.logical, y.logical);
        const std::uint64_t hi = std::min<std::uint64_t>({x.logical + x.length, y.logical + y.length, size});
        if (lo < hi && x.physical - x.logical == y.physical - y.logical) {
            for (std::uint64_t pos = lo; pos < hi;) {
                const std::uint64_t block = pos / g;
                const std::uint64_t end = std::min(hi, (block + 1) * g);
                same[block] += static_cast<std::uint32_t>(end - pos);
                pos = end;
            }
        }
        if (x.logical + x.length <= y.logical + y.length) ++i; else ++j;
    }
    for (std::uint64_t blk = 0; blk < count; ++blk) {
        const std::uint64_t length = std::min<std::uint64_t>(g, size - blk * g);
        shared[blk] = same[blk] == length;
    }
    return shared;
}

}  // namespace prl::service
