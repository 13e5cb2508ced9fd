// Which blocks of two files the filesystem stores in the very same place
// (FIEMAP). On a reflink filesystem a clone shares its source's extents until
// either is written, and a shared extent is never overwritten in place; so a
// block that both files map to the same physical bytes holds the same content
// in both — the kernel's own record of what a write touched
// (docs/external-backup.md).
#pragma once
#include <cstdint>
#include <vector>

namespace prl::service {

// For each `granularity`-byte block of the first `size` bytes: true when the
// whole block is data that `a` and `b` map to identical physical bytes (both
// fds of regular files). Anything FIEMAP cannot vouch for — holes, unwritten,
// delayed, inline or unknown extents, a filesystem without FIEMAP — is false,
// so false only means "not known to be the same".
std::vector<bool> blocks_sharing_extents(int a, int b, std::uint64_t size, std::uint32_t granularity);

}  // namespace prl::service
