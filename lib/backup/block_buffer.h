// Bytes of blocks about to be written in full (decompressed, copied): a
// vector that leaves the bytes it grows by uninitialised instead of zeroing
// them first. A restore from a backup node decodes a megabyte a batch, and
// zeroing it before the decoder overwrote it cost ~5% of the source's CPU.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

namespace prl::backup {

template <class T>
struct NoZeroAllocator : std::allocator<T> {
    template <class U>
    struct rebind {
        using other = NoZeroAllocator<U>;
    };
    NoZeroAllocator() = default;
    template <class U>
    NoZeroAllocator(const NoZeroAllocator<U>&) noexcept {}
    // resize() value-initialises through this: default-initialise instead.
    template <class U>
    void construct(U* p) noexcept {
        ::new (static_cast<void*>(p)) U;
    }
    template <class U, class... Args>
    void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
};

using BlockBuffer = std::vector<std::uint8_t, NoZeroAllocator<std::uint8_t>>;

}  // namespace prl::backup
