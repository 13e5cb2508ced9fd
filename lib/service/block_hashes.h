// Per-block SHA-256 of a disk image, the basis of the external backup's
// changes map (docs/external-backup.md). Holes are known to be zero without
// reading them (SEEK_DATA); data blocks are read and hashed on several threads.
#pragma once
#include "backup/sha256.h"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace prl::service {

using BlockDigest = backup::Digest;

// The hash of every `granularity`-byte block of the first `size` bytes of
// `image` (the last block may be shorter). Throws Error(io_error).
std::vector<BlockDigest> hash_blocks(const std::filesystem::path& image, std::uint64_t size,
                                     std::uint32_t granularity);

// The hash of `length` zero bytes (cached for the common lengths).
BlockDigest zero_block_digest(std::uint32_t length);

}  // namespace prl::service
